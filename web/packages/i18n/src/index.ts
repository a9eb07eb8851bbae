export * from './format';
export { catalogues, placeholders, translate } from './translate';
export type { MessageKey, Vars } from './translate';
export { langAtom, savedLang, useI18n, useRestoredLang } from './react';
export type { I18n } from './react';
