// The merchant platform in a real browser against the real platform (started and seeded by
// tests/web/merchant_browser_itest.py): one shop owner's session, step by step.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  ARTIFACTS,
  BASE,
  CUSTOMER,
  OWNER,
  axeViolations,
  call,
  digits,
  launch,
  logins,
  scriptLog,
  shot,
  signIn,
  smsCode,
  smsCount,
} from './support.mjs';

let browser;
let context;
let page;
let store; // the owner's store
let item; // a listing with stock
const problems = [];

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1024, height: 768 } }); // a shop tablet
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  const owner = await signIn(OWNER);
  const merchant = await call('GET', '/v1/users/me/merchant', { token: owner });
  assert.equal(merchant.status, 200, JSON.stringify(merchant.body));
  const stores = await call('GET', `/v1/merchants/${merchant.body.id}/stores`, { token: owner });
  store = stores.body.items[0];
  const inv = await call('GET', `/v1/stores/${store.id}/inventory?limit=100`, { token: owner });
  item = inv.body.items.find((i) => i.available && i.in_stock >= 5);
  assert.ok(item, 'the seeded store has a listing with stock');
});

after(async () => {
  await browser?.close();
});

/** The demo customer orders `qty` of the test's product, cash on delivery, as the customer app does. */
async function placeOrder(qty) {
  const customer = await signIn(CUSTOMER);
  const line = await call('PUT', `/v1/carts/${store.id}/lines/${item.product_id}`, { token: customer, body: { qty } });
  assert.equal(line.status, 200, JSON.stringify(line.body));
  const placed = await call('POST', '/v1/checkout', {
    token: customer,
    headers: { 'Idempotency-Key': randomUUID() },
    body: { store_id: store.id, payment_method: 'cash', delivery: { location: { lat: 4.058, lon: 9.701 } } },
  });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  return { id: placed.body.id, customer };
}

async function expectField(locator, value) {
  await locator.page().waitForFunction(
    ([el, want]) => el.value === want,
    [await locator.elementHandle(), value],
  );
}

async function expectAccessible(name) {
  await page.waitForLoadState('networkidle');
  const bad = await axeViolations(page, name);
  assert.deepEqual(bad, [], `${name}: serious or critical accessibility violations`);
}

test('sign-in page is French and accessible', async () => {
  await page.goto(`${BASE}/merchant/`);
  await page.getByRole('heading', { name: 'Connexion marchand' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await shot(page, '01-sign-in');
  await expectAccessible('sign-in');
});

test('a wrong password shows the problem title, not JSON', async () => {
  await page.getByLabel('Numéro de téléphone').fill(OWNER);
  await page.getByLabel('Mot de passe', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const alert = page.getByRole('alert').first();
  await alert.waitFor();
  const expected = await call('POST', '/v1/auth/signin', { body: { phone: OWNER, password: 'not-the-password' } });
  assert.equal(expected.status, 401);
  assert.equal((await alert.innerText()).trim(), expected.body.title);
  assert.doesNotMatch(await alert.innerText(), /[{}]/);
});

test('the owner signs in with phone and password', async () => {
  await page.getByLabel('Mot de passe', { exact: true }).fill(logins()[OWNER]);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${BASE}/merchant/orders/`);
  await page.getByRole('heading', { name: 'Commandes en cours' }).waitFor();
  await page.getByText('En direct').waitFor({ timeout: 15_000 });
  const cookies = await context.cookies();
  const rt = cookies.find((c) => c.name === 'okada_rt');
  assert.ok(rt, 'the refresh token is a cookie');
  assert.ok(rt.httpOnly, 'the refresh cookie is HttpOnly');
  await shot(page, '02-orders-empty');
  await expectAccessible('orders');
});

test('a customer order placed through the API appears live and is accepted', async () => {
  const { id } = await placeOrder(2);
  // The live socket brings it: the banner only comes from a live event (the list's own refresh is 60 s).
  await page.getByText(/Nouvelle commande #/).waitFor({ timeout: 20_000 });
  const card = page.locator(`article[data-order-id="${id}"]`);
  await card.waitFor({ timeout: 20_000 });
  await card.getByText(item.name).waitFor();
  await shot(page, '03-new-order');
  // The seeded riders are on shift; they report a fresh position next to the store, as their app does.
  const riders = await Promise.all(Object.keys(logins()).filter((p) => p.startsWith('+2376930')).map((p) => signIn(p)));
  assert.ok(riders.length > 0, 'the seeder made riders');
  for (const r of riders) {
    const moved = await call('POST', '/v1/rider/locations', {
      token: r,
      body: { points: [{ lat: store.location.lat + 0.001, lon: store.location.lon, accuracy_m: 10, at_ms: Date.now() }] },
    });
    assert.ok(moved.status < 300, JSON.stringify(moved.body));
  }
  await card.getByRole('button', { name: 'Accepter' }).click();
  await card.getByText('Acceptée').waitFor({ timeout: 15_000 });
  await card.getByRole('button', { name: 'Commencer la préparation' }).waitFor();
  const owner = await signIn(OWNER);
  const seen = await call('GET', `/v1/orders/${id}`, { token: owner });
  assert.equal(seen.body.status, 'accepted');
  await shot(page, '04-accepted');
  // Preparing, then a rider takes the offer: the card says so without a reload.
  await card.getByRole('button', { name: 'Commencer la préparation' }).click();
  await card.getByText('En préparation').waitFor({ timeout: 15_000 });
  let taken = null;
  for (let i = 0; i < 100 && !taken; i++) {
    for (const r of riders) {
      const offers = await call('GET', '/v1/rider/offers', { token: r });
      const offer = (offers.body?.items ?? []).find((o) => o.order_id === id);
      if (offer) {
        const accepted = await call('POST', `/v1/rider/offers/${offer.id}/accept`, { token: r, body: {} });
        assert.ok(accepted.status < 300, JSON.stringify(accepted.body));
        taken = r;
        break;
      }
    }
    if (!taken) await new Promise((res) => setTimeout(res, 300));
  }
  assert.ok(taken, 'a rider was offered the delivery');
  await card.getByText('Livreur : livreur en route vers la boutique').waitFor({ timeout: 20_000 });
  await card.getByRole('button', { name: 'Prête pour le livreur' }).click();
  await card.getByText('Prête', { exact: true }).waitFor({ timeout: 15_000 });
  await shot(page, '04-rider-assigned');
  // The kitchen ticket: only it prints.
  await card.getByRole('button', { name: 'Imprimer le ticket' }).click();
  await page.emulateMedia({ media: 'print' });
  const ticket = page.locator('.ticket');
  await ticket.waitFor();
  const text = await ticket.innerText();
  assert.match(text, new RegExp(`2 × ${item.name.replace(/[()]/g, '\\$&')}`));
  assert.match(text.replace(/\s/g, ' '), /Total : [0-9 ]+ FCFA \(Espèces à la livraison\)/);
  assert.equal(await page.getByRole('heading', { name: 'Commandes en cours' }).isVisible(), false);
  await shot(page, '04-ticket-print');
  await page.emulateMedia({ media: 'screen' });
});

test('an order is rejected with a reason the customer can read', async () => {
  const { id, customer } = await placeOrder(1);
  const card = page.locator(`article[data-order-id="${id}"]`);
  await card.getByRole('button', { name: 'Refuser' }).click({ timeout: 20_000 });
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Raison').selectOption('too_busy');
  await dialog.getByLabel('Précision pour le client (facultatif)').fill('revenez dans une heure');
  await shot(page, '04-reject-dialog');
  await dialog.getByRole('button', { name: 'Refuser' }).click();
  await card.waitFor({ state: 'detached', timeout: 15_000 }); // rejected orders leave the queue
  const done = page.getByRole('region', { name: 'Terminées aujourd’hui' });
  await done.getByRole('row', { name: new RegExp(`#${id.slice(-6).toUpperCase()}.*Refusée`) }).waitFor();
  const seen = await call('GET', `/v1/orders/${id}`, { token: customer });
  assert.equal(seen.body.status, 'rejected');
  assert.equal(seen.body.timeline.at(-1).reason, 'Trop de commandes en ce moment: revenez dans une heure');
});

test('a product is created in French and English, then its price edited', async () => {
  await page.getByRole('link', { name: 'Produits et stock' }).click();
  await page.getByRole('button', { name: 'Nouveau produit' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Référence (SKU)').fill('WEB-NEW-1');
  await dialog.getByLabel('Unité').selectOption('pack');
  await dialog.getByLabel('Nom en français').fill('Arachides grillées');
  await dialog.getByLabel('Nom en anglais').fill('Roasted groundnuts');
  await dialog.getByLabel('Images (adresses https, une par ligne)').fill('https://images.example.cm/arachides.jpg');
  await dialog.getByLabel('Prix (FCFA)').fill('300');
  await dialog.getByLabel('Stock de départ').fill('40');
  await dialog.getByLabel('Délai de réapprovisionnement (jours)').fill('2');
  await dialog.getByLabel('Taille du carton').fill('12');
  await dialog.getByRole('button', { name: 'Enregistrer' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('tr[data-sku="WEB-NEW-1"]');
  await row.waitFor();
  assert.match(await row.innerText(), /300\sFCFA/);
  await row.getByRole('button', { name: 'Modifier Arachides grillées' }).click();
  await expectField(dialog.getByLabel('Nom en anglais'), 'Roasted groundnuts');
  await dialog.getByLabel('Prix (FCFA)').fill('350');
  await dialog.getByRole('button', { name: 'Enregistrer' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => /350\sFCFA/.test(document.querySelector('tr[data-sku="WEB-NEW-1"]')?.textContent ?? ''));
  const owner = await signIn(OWNER);
  const inv = await call('GET', `/v1/stores/${store.id}/inventory?limit=100`, { token: owner });
  const created = inv.body.items.find((i) => i.sku === 'WEB-NEW-1');
  assert.equal(created.price_xaf, 350);
  assert.equal(created.on_hand, 40);
  const product = await call('GET', `/v1/products/${created.product_id}`, { lang: 'en' });
  assert.equal(product.body.name_en, 'Roasted groundnuts');
  assert.equal(product.body.pack_size, 12);
  assert.deepEqual(product.body.image_urls, ['https://images.example.cm/arachides.jpg']);
  // A refused field is shown next to its input, in French.
  await page.getByRole('button', { name: 'Nouveau produit' }).click();
  await dialog.getByLabel('Référence (SKU)').fill('bad sku with spaces');
  await dialog.getByLabel('Nom en français').fill('X');
  await dialog.getByLabel('Prix (FCFA)').fill('10');
  await dialog.getByRole('button', { name: 'Enregistrer' }).click();
  await dialog.getByText('Format incorrect.').waitFor();
  await shot(page, '05-product-field-error');
  await dialog.getByRole('button', { name: 'Annuler' }).click();
});

test('stock is adjusted with a reason', async () => {
  await page.getByRole('link', { name: 'Produits et stock' }).click();
  await page.getByRole('heading', { name: 'Produits et stock' }).waitFor();
  const row = page.locator(`tr[data-sku="${item.sku}"]`);
  await row.waitFor();
  const before = digits(await row.getByTestId('in-stock').innerText());
  await row.getByRole('button', { name: `Ajuster le stock de ${item.name}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Variation').fill('7');
  await dialog.getByLabel('Motif').selectOption('restock');
  await dialog.getByRole('button', { name: 'Enregistrer le mouvement' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(
    ([sku, want]) => {
      const cell = document.querySelector(`tr[data-sku="${sku}"] [data-testid="in-stock"]`);
      return cell && Number(cell.textContent.replace(/[^0-9-]/g, '')) === want;
    },
    [item.sku, before + 7],
  );
  const owner = await signIn(OWNER);
  const adj = await call('GET', `/v1/stores/${store.id}/adjustments?limit=5`, { token: owner });
  assert.equal(adj.body.items[0].delta, 7);
  assert.equal(adj.body.items[0].reason, 'restock');
  await shot(page, '05-stock-adjusted');
  await expectAccessible('products');
});

test('a CSV import with two bad rows reports both and imports the rest', async () => {
  const csv = [
    'sku,name_fr,name_en,unit,store_id,price_xaf,on_hand',
    `CSV-1,Savon de Marseille,Marseille soap,piece,${store.id},450,20`,
    `CSV-2,,Palm oil,l,${store.id},1200,10`, // row 3: no French name
    `CSV-3,Huile de palme rouge,Red palm oil,l,${store.id},1300,8`,
    `CSV-4,Sel fin,Table salt,barrel,${store.id},200,30`, // row 5: no such unit
    `CSV-5,Bouillon cube,Stock cube,pack,${store.id},50,100`,
  ].join('\n');
  await page.getByLabel('Fichier CSV').setInputFiles({ name: 'import.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Importer' }).click();
  await page.getByText('3 créés, 0 mis à jour, 2 lignes en erreur.').waitFor({ timeout: 15_000 });
  const rows = page.locator('tr.import-error');
  assert.deepEqual((await rows.locator('td:first-child').allInnerTexts()).map(Number).sort(), [3, 5]);
  await page.getByLabel('Rechercher un produit').fill('CSV-');
  await page.locator('tr[data-sku^="CSV-"]').nth(2).waitFor();
  assert.deepEqual((await page.locator('tr[data-sku^="CSV-"]').evaluateAll((r) => r.map((x) => x.dataset.sku))).sort(), [
    'CSV-1',
    'CSV-3',
    'CSV-5',
  ]);
  await shot(page, '06-csv-import');
});

test('the template file offered for the store imports as it is', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger un modèle de fichier pour cette boutique' }).click(),
  ]);
  const file = await download.path();
  await page.getByLabel('Fichier CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Importer' }).click();
  await page.getByText('1 créés, 0 mis à jour, 0 lignes en erreur.').waitFor({ timeout: 15_000 });
});

test('the dashboard counts today\'s order and the analytics page shows it', async () => {
  await page.getByRole('link', { name: 'Tableau de bord' }).click();
  await page.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
  // The analytics service rolls up the order events: the accepted order is in today's count.
  const orders = page.locator('.ok-stat', { hasText: 'Commandes' }).locator('.ok-stat-value');
  await page.waitForFunction(
    () => {
      const el = [...document.querySelectorAll('.ok-stat')].find((e) => e.textContent.startsWith('Commandes'));
      return el && Number(el.querySelector('.ok-stat-value').textContent.replace(/[^0-9]/g, '')) >= 1;
    },
    null,
    { timeout: 30_000 },
  );
  assert.ok(digits(await orders.innerText()) >= 1);
  await page.getByRole('figure', { name: 'Commandes par heure aujourd’hui' }).waitFor();
  await shot(page, '07-dashboard');
  await expectAccessible('dashboard');
  await page.getByRole('link', { name: 'Statistiques' }).click();
  await page.getByRole('heading', { name: 'Statistiques', level: 1 }).waitFor();
  await page.getByRole('cell', { name: item.name }).first().waitFor({ timeout: 30_000 }); // top products
  // The order rejected earlier, by its kind (events carry no free text).
  await page.getByRole('cell', { name: 'Refusée par la boutique' }).waitFor({ timeout: 30_000 });
  await shot(page, '07-analytics');
  await expectAccessible('analytics');
});

test('inventory advice, team and settings pages are accessible', async () => {
  for (const [link, heading, name] of [
    ['Conseils de stock', 'Conseils de stock (IA)', 'inventory-advice'],
    ['Équipe', 'Équipe', 'staff'],
    ['Réglages', 'Réglages de la boutique', 'settings'],
  ]) {
    await page.getByRole('link', { name: link }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await shot(page, `07-${name}`);
    await expectAccessible(name);
  }
});

test('the owner adds a staff member by phone and pauses the store', async () => {
  const staffPhone = Object.keys(logins()).find((p) => p.startsWith('+2376920')); // a seeded customer
  assert.ok(staffPhone);
  await page.getByRole('link', { name: 'Équipe' }).click();
  await page.getByLabel('Numéro de téléphone de l’employé').fill(staffPhone);
  await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
  await page.getByText('Employé ajouté.').waitFor();
  await page.getByRole('cell', { name: 'Employé' }).first().waitFor();
  const staffToken = await signIn(staffPhone);
  const mine = await call('GET', '/v1/users/me/merchant', { token: staffToken });
  assert.equal(mine.body.my_role, 'merchant_staff');
  await shot(page, '10-staff-added');
  await page.getByRole('link', { name: 'Réglages' }).click();
  await page.getByRole('button', { name: 'Mettre en pause' }).click();
  await page.getByText('En pause', { exact: true }).waitFor();
  assert.equal((await call('GET', `/v1/stores/${store.id}`)).body.paused, true);
  await page.getByRole('button', { name: 'Reprendre les commandes' }).click();
  await page.getByRole('button', { name: 'Mettre en pause' }).waitFor();
  assert.equal((await call('GET', `/v1/stores/${store.id}`)).body.paused, false);
  await page.getByLabel('Rayon de livraison (mètres)').fill('7000');
  await page.getByLabel('Fermé le dimanche').check();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Réglages enregistrés.').waitFor();
  const after = (await call('GET', `/v1/stores/${store.id}`)).body;
  assert.equal(after.delivery_radius_m, 7000);
  assert.equal(after.opening_hours[6], null);
});

test('a staff member signs in with the keyboard alone and sees neither the team nor the settings', async () => {
  const staffPhone = Object.keys(logins()).find((p) => p.startsWith('+2376920'));
  const fresh = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const p = await fresh.newPage();
  await p.goto(`${BASE}/merchant/`);
  // Keyboard only: type the phone, Tab to the password, Enter to sign in.
  await p.getByLabel('Numéro de téléphone').focus();
  await p.keyboard.type(staffPhone);
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('name')), 'password');
  await p.keyboard.type(logins()[staffPhone]);
  await p.keyboard.press('Enter');
  await p.waitForURL(`${BASE}/merchant/orders/`);
  // The first Tab reaches the skip link, which moves the focus to the page's content.
  await p.getByRole('heading', { name: 'Commandes en cours' }).waitFor();
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement?.textContent), 'Aller au contenu');
  await p.keyboard.press('Enter');
  assert.equal(await p.evaluate(() => document.activeElement?.id), 'main');
  const nav = p.getByRole('navigation', { name: 'Navigation principale' });
  await nav.getByRole('link', { name: 'Produits et stock' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Équipe' }).count(), 0);
  assert.equal(await nav.getByRole('link', { name: 'Réglages' }).count(), 0);
  await p.goto(`${BASE}/merchant/settings/`);
  await p.getByText('Seul le propriétaire modifie les réglages de la boutique.').waitFor();
  await fresh.close();
});

test('switching to English translates the app and the API problems', async () => {
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('link', { name: 'Products and stock' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByRole('link', { name: 'Products and stock' }).click();
  await page.getByRole('heading', { name: 'Products and stock' }).waitFor();
  // A refused adjustment (a change of zero): the alert is the server's English problem title.
  const row = page.locator(`tr[data-sku="${item.sku}"]`);
  await row.getByRole('button', { name: `Adjust stock of ${item.name}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Change').fill('0');
  await dialog.getByRole('button', { name: 'Save the movement' }).click();
  const alert = dialog.getByRole('alert').last();
  await alert.waitFor();
  const owner = await signIn(OWNER);
  const expected = await call('POST', `/v1/stores/${store.id}/listings/${item.product_id}/adjustments`, {
    token: owner,
    lang: 'en',
    body: { delta: 0, reason: 'restock', note: null },
  });
  assert.equal(expected.status, 422);
  assert.equal((await alert.innerText()).trim(), expected.body.title);
  await shot(page, '08-english-problem');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // The language sticks across a reload (and the session comes back from the refresh cookie).
  await page.reload();
  await page.getByRole('heading', { name: 'Products and stock' }).waitFor({ timeout: 15_000 });
});

test('the dashboard loads at most 200 KB of JavaScript (gzip)', async () => {
  // A fresh browser profile (nothing cached), its own sign-in, then a full load of the dashboard.
  const fresh = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const p = await fresh.newPage();
  await p.goto(`${BASE}/merchant/`);
  await p.getByLabel('Numéro de téléphone').fill(OWNER);
  await p.getByLabel('Mot de passe', { exact: true }).fill(logins()[OWNER]);
  await p.getByRole('button', { name: 'Se connecter' }).click();
  await p.waitForURL(`${BASE}/merchant/orders/`);
  const stop = scriptLog(p);
  await p.goto(`${BASE}/merchant/dashboard/`);
  await p.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
  await p.waitForLoadState('networkidle');
  const log = stop();
  writeFileSync(join(ARTIFACTS, 'dashboard-scripts.json'), JSON.stringify(log, null, 2));
  console.log(`dashboard JavaScript: ${log.files.length} files, ${(log.gzip_total / 1024).toFixed(1)} KB gzip, ${(log.raw_total / 1024).toFixed(1)} KB raw`);
  assert.ok(log.files.length > 0, 'the network log saw the scripts');
  assert.ok(log.gzip_total <= 200 * 1024, `dashboard JavaScript ${log.gzip_total} bytes gzip > 200 KB`);
  await fresh.close();
});

test('another merchant signs in with a code received by SMS', async () => {
  const pharmacy = '+237690000003'; // Pharmacie du Wouri's owner
  const fresh = await browser.newContext({ viewport: { width: 820, height: 1180 } }); // a portrait tablet
  const p = await fresh.newPage();
  await p.goto(`${BASE}/merchant/`);
  await p.getByRole('button', { name: 'Code par SMS' }).click();
  await p.getByLabel('Numéro de téléphone').fill(pharmacy);
  const before = await smsCount(pharmacy);
  await p.getByRole('button', { name: 'Recevoir un code' }).click();
  await p.getByText('Code envoyé').waitFor();
  await p.getByLabel('Code reçu par SMS').fill(await smsCode(pharmacy, before));
  await p.getByRole('button', { name: 'Se connecter' }).click();
  await p.waitForURL(`${BASE}/merchant/orders/`);
  await p.getByText('Pharmacie du Wouri').first().waitFor();
  await shot(p, '09-sms-sign-in-tablet');
  await fresh.close();
});

test('no script errors along the way', () => {
  writeFileSync(join(ARTIFACTS, 'page-problems.txt'), problems.join('\n'));
  assert.deepEqual(problems, []);
});
