#!/usr/bin/env node
// Seeds a fresh Medusa 2.21 through its admin API with the bench catalogue and writes the seed file of the load
// client (../load.mjs):
//   region "Cameroun" in XAF (country cm, system payment provider), a stock location in Douala linked to the
//   sales channel and the manual fulfillment provider, a shipping service zone for Cameroon with one flat
//   shipping option, a sales channel + publishable API key, and N products (default 1,000), each one
//   published variant with manage_inventory: true, a price in XAF and a stock level at that location (so adding
//   to cart checks availability and completing a cart reserves inventory).
//
//   node seed.mjs --base http://127.0.0.1:19000 --email E --password P --out FILE [--products 1000]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    base: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, out: { type: 'string' },
    products: { type: 'string', default: '1000' }, stock: { type: 'string', default: '1000000' },
  },
});
const log = (m) => process.stderr.write(`medusa seed: ${m}\n`);
let token = '';

async function api(method, path, body) {
  const res = await fetch(o.base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 600)}`);
  return text ? JSON.parse(text) : {};
}

token = (await api('POST', '/auth/user/emailpass', { email: o.email, password: o.password })).token;

const { region } = await api('POST', '/admin/regions', {
  name: 'Cameroun', currency_code: 'xaf', countries: ['cm'], payment_providers: ['pp_system_default'],
  automatic_taxes: true,
});
// Taxes: a tax region for Cameroon (0 %: prices are tax-inclusive in this bench) so the tax step runs as it would.
await api('POST', '/admin/tax-regions', { country_code: 'cm', provider_id: 'tp_system' }).catch((e) => log(`tax region: ${e.message}`));

const { sales_channel: sc } = await api('POST', '/admin/sales-channels', { name: 'Okada bench storefront' });
const { api_key: key } = await api('POST', '/admin/api-keys', { title: 'bench storefront', type: 'publishable' });
await api('POST', `/admin/api-keys/${key.id}/sales-channels`, { add: [sc.id] });

const { stock_location: loc } = await api('POST', '/admin/stock-locations', {
  name: 'Akwa, Douala', address: { address_1: 'Rue Joss, Akwa', city: 'Douala', country_code: 'cm' },
});
await api('POST', `/admin/stock-locations/${loc.id}/sales-channels`, { add: [sc.id] });
await api('POST', `/admin/stock-locations/${loc.id}/fulfillment-providers`, { add: ['manual_manual'] });
const withSet = await api('POST', `/admin/stock-locations/${loc.id}/fulfillment-sets?fields=*fulfillment_sets`, {
  name: 'Douala delivery', type: 'shipping',
});
const fset = withSet.stock_location.fulfillment_sets[0];
const zoneRes = await api('POST', `/admin/fulfillment-sets/${fset.id}/service-zones?fields=*service_zones`, {
  name: 'Cameroun', geo_zones: [{ type: 'country', country_code: 'cm' }],
});
const zone = zoneRes.fulfillment_set.service_zones[0];

let profiles = (await api('GET', '/admin/shipping-profiles?type=default')).shipping_profiles;
const profile = profiles[0] || (await api('POST', '/admin/shipping-profiles', { name: 'Default', type: 'default' })).shipping_profile;

const { shipping_option: so } = await api('POST', '/admin/shipping-options', {
  name: 'Livraison okada', service_zone_id: zone.id, shipping_profile_id: profile.id, provider_id: 'manual_manual',
  price_type: 'flat', type: { label: 'Standard', description: 'Moto delivery', code: 'standard' },
  prices: [{ currency_code: 'xaf', amount: 500 }, { region_id: region.id, amount: 500 }],
  rules: [
    { attribute: 'enabled_in_store', value: 'true', operator: 'eq' },
    { attribute: 'is_return', value: 'false', operator: 'eq' },
  ],
});

// Products in batches (the admin batch route runs the same createProductsWorkflow as one-by-one creation).
const n = Number(o.products);
const batch = 50;
const t0 = Date.now();
for (let i = 0; i < n; i += batch) {
  const create = [];
  for (let j = i; j < Math.min(n, i + batch); j++) {
    const sku = `BENCH-${String(j).padStart(5, '0')}`;
    create.push({
      title: `Produit ${j} / Product ${j}`, handle: `bench-${j}`, status: 'published',
      description: `Article de test ${j} — bench item ${j}`, shipping_profile_id: profile.id,
      sales_channels: [{ id: sc.id }],
      options: [{ title: 'Format', values: ['Standard'] }],
      variants: [{
        title: 'Standard', sku, manage_inventory: true, allow_backorder: false, options: { Format: 'Standard' },
        prices: [{ currency_code: 'xaf', amount: 100 + (j % 50) * 100 }],
      }],
    });
  }
  await api('POST', '/admin/products/batch', { create });
  if ((i / batch) % 5 === 4) log(`${i + batch} products (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

// Stock levels: one per inventory item (created with each managed variant), at the bench location.
const items = [];
for (let offset = 0; ; offset += 200) {
  const page = await api('GET', `/admin/inventory-items?limit=200&offset=${offset}&fields=id,sku`);
  items.push(...page.inventory_items);
  if (page.inventory_items.length < 200) break;
}
for (let i = 0; i < items.length; i += 100)
  await api('POST', '/admin/inventory-items/location-levels/batch', {
    create: items.slice(i, i + 100).map((it) => ({
      inventory_item_id: it.id, location_id: loc.id, stocked_quantity: Number(o.stock),
    })),
  });

const variantIds = [];
for (let offset = 0; ; offset += 200) {
  const page = await api('GET', `/admin/product-variants?limit=200&offset=${offset}&fields=id,sku&order=sku`);
  variantIds.push(...page.variants.map((v) => v.id));
  if (page.variants.length < 200) break;
}
if (variantIds.length !== n || items.length !== n)
  throw new Error(`expected ${n} variants and inventory items, found ${variantIds.length} and ${items.length}`);
log(`${n} products, ${items.length} inventory items with stock ${o.stock} at ${loc.id} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

const seed = {
  system: 'medusa', base: o.base,
  // What a storefront's product list sends: the region, so every variant comes with its calculated price.
  list_path: `/store/products?limit=20&region_id=${region.id}&fields=*variants.calculated_price`,
  list_headers: { 'x-publishable-api-key': key.token },
  publishable_key: key.token, region_id: region.id, sales_channel_id: sc.id, shipping_option_id: so.id,
  stock_location_id: loc.id, variant_ids: variantIds,
};
writeFileSync(o.out, JSON.stringify(seed, null, 1));
log(`wrote ${o.out}`);
