'use client';
import { LANGS, useI18n } from '@okada/i18n';

const NAMES = { fr: 'Français', en: 'English' } as const;

/** French / English, each named in its own language so a reader of either finds it. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div role="group" aria-label={t('lang.label')} className="lang-switch">
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className="ok-btn ok-btn-ghost"
          aria-pressed={lang === l}
          onClick={() => setLang(l)}
        >
          {NAMES[l]}
        </button>
      ))}
    </div>
  );
}
