import { describe, expect, it } from 'vitest';

import { formatMinutes, formatXaf } from './format';
import { catalogues, placeholders, translate } from './translate';

describe('catalogues', () => {
  const fr = catalogues.fr as Record<string, string>;
  const en = catalogues.en as Record<string, string>;

  it('have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it('have no empty text', () => {
    for (const [lang, cat] of Object.entries(catalogues))
      for (const [k, v] of Object.entries(cat)) expect(v.trim(), `${lang} ${k}`).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const k of Object.keys(fr)) expect(placeholders(en[k]!), k).toEqual(placeholders(fr[k]!));
  });

  it('translate the sentences (English is not French copied over)', () => {
    // Short labels may coincide (units, "Total", brand names); sentences must not.
    const same = Object.keys(fr).filter((k) => fr[k] === en[k] && fr[k]!.split(' ').length > 2);
    expect(same).toEqual([]);
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'orders.newOrder', { id: 'A1B2C3' })).toBe('New order #A1B2C3!');
    expect(translate('fr', 'orders.newOrder', { id: 'A1B2C3' })).toBe('Nouvelle commande #A1B2C3 !');
    expect(translate('fr', 'orders.newOrder')).toBe('Nouvelle commande #{id} !');
  });
});

describe('formatting', () => {
  it('writes francs CFA the way each language does, without decimals', () => {
    const fr = formatXaf(1500, 'fr');
    const en = formatXaf(1500, 'en');
    expect(fr.replace(/\s/g, ' ')).toMatch(/^1 500 FCFA$/);
    expect(en.replace(/\s/g, ' ')).toMatch(/^FCFA 1,500$/);
    expect(formatXaf(1499.6, 'fr').replace(/\s/g, ' ')).toMatch(/^1 500 FCFA$/);
  });

  it('writes durations in minutes, then hours', () => {
    expect(formatMinutes(12.4, 'fr')).toBe('12 min');
    expect(formatMinutes(65, 'en')).toBe('1 h 05');
  });
});
