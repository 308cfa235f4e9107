// Browser end-to-end test of a subscription's end: an Admin agent sees its term end (local time
// with UTC beside it) and turns auto-renew off on the Software tab; the term ends (the test moves
// the purchase's term end into the past in the database, as time would); the renewal worker lets
// it expire, and the customer sees "Expired" and no key to show — checked by axe-core.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { checkA11y, eventually, signIn, signOut, useApp, waitForPath } from './harness.mjs';

const { pageTest } = useApp();

/** Runs one SQL statement on the server's SQLite database (Python's sqlite3 module). */
function sql(databaseUrl, statement, ...params) {
  const file = databaseUrl.replace(/^sqlite:\/\//, '');
  execFileSync('python3', ['-c', [
    'import sqlite3, sys',
    'db = sqlite3.connect(sys.argv[1])',
    'db.execute(sys.argv[2], sys.argv[3:])',
    'db.commit()',
  ].join('\n'), file, statement, ...params]);
}

pageTest('an Admin agent turns auto-renew off; at the term end the subscription expires and its key is gone for the customer', async (page, server) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  const found = await (await page.request.get('/api/v1/customers?q=contoso.onmicrosoft.com')).json();
  const contoso = found.items[0].id;
  const offers = await (await page.request.get(`/api/v1/customers/${contoso}/offers`)).json();
  const offer = offers.items.find((o) => o.available && o.kind === 'software_subscription' && o.term === 'P1Y' && o.has_keys);
  assert.ok(offer, 'a 1-year subscription with keys for Contoso');
  const placed = await page.request.post(`/api/v1/customers/${contoso}/orders`, {
    headers: { 'idempotency-key': 'e2e-lifecycle' },
    data: { line_items: [{ offer_id: offer.id, quantity: 1 }] },
  });
  assert.equal(placed.status(), 201, await placed.text());
  const order = await placed.json();
  const purchase = order.line_items[0].purchase_id;

  // The Software tab, narrowed to the new order.
  await page.goto(`/customers/${contoso}?q=${order.id}`);
  const row = page.getByRole('row').filter({ hasText: order.id });
  await row.getByText('Renews automatically', { exact: true }).waitFor();
  const termEnd = await row.locator('time').getAttribute('datetime');
  assert.match(await row.innerText(), new RegExp(`${termEnd.slice(0, 10)} \\d\\d:\\d\\d UTC`), 'the term end in UTC beside the local time');
  await checkA11y(page, 'Software tab with auto-renew');
  await row.getByRole('button', { name: `Turn off auto-renew of ${offer.product_name}` }).click();
  await row.getByRole('status').filter({ hasText: 'Auto-renew is off' }).waitFor();
  await row.getByText('Expires at the term end', { exact: true }).waitFor();
  // The server kept it: after a reload it is still off, and can be turned on again.
  await page.reload();
  await row.getByText('Expires at the term end', { exact: true }).waitFor();
  await row.getByRole('button', { name: `Turn on auto-renew of ${offer.product_name}` }).waitFor();
  await signOut(page);

  // The term ends.
  sql(server.databaseUrl, 'UPDATE order_lines SET term_end = ? WHERE id = ?', '2020-01-01T00:00:00.000Z', purchase);

  // The customer follows the deep link: the purchase is listed as expired, without keys.
  await signIn(page, 'admin@contoso.onmicrosoft.com');
  await waitForPath(page, '/tenant');
  await page.getByRole('link', { name: 'Product keys and downloads' }).click();
  await page.getByRole('article').first().waitFor();
  const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: offer.product_name }) })
    .filter({ hasText: 'term ends' });
  await eventually(async () => {
    await page.reload();
    await card.filter({ hasText: 'Expired' }).first().waitFor({ timeout: 2_000 });
  }, { timeout: 20_000, interval: 500 });
  const expired = card.filter({ hasText: 'Expired' }).first();
  await expired.getByText('the term ended without renewal').waitFor();
  assert.equal(await expired.getByRole('button', { name: /Show key/ }).count(), 0, 'no key to show');
  await checkA11y(page, 'admin center with an expired subscription');
  const reveal = await page.request.post(`/api/v1/tenant/software/${purchase}/key-reveals`);
  assert.equal(reveal.status(), 410);
  assert.equal((await reveal.json()).error.code, 'revoked');
});

pageTest('the customer list keeps only customers with a deadline near, and a search keeps that filter', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  const rows = page.getByRole('table').locator('tbody tr');
  await rows.first().waitFor();
  const all = await rows.count();
  await page.getByLabel('Show', { exact: true }).selectOption({ label: 'A cancellation window closes within 7 days' });
  await page.waitForURL((url) => url.searchParams.get('deadline') === 'window_closing');
  // The demo data's Contoso order bought 59 days ago has its window closing this week.
  await eventually(async () => assert.ok((await rows.count()) < all, 'fewer customers'));
  await rows.filter({ hasText: 'Contoso Ltd' }).waitFor();
  await checkA11y(page, 'customers with a window closing');
  // Searching within the filter keeps it in the address and in the list.
  await page.getByLabel('Search customers').fill('contoso');
  await page.waitForURL((url) => url.searchParams.get('q') === 'contoso' && url.searchParams.get('deadline') === 'window_closing');
  await rows.filter({ hasText: 'Contoso Ltd' }).waitFor();
  await page.getByLabel('Show', { exact: true }).selectOption({ label: 'A subscription renews within 30 days' });
  await page.waitForURL((url) => url.searchParams.get('deadline') === 'renewing');
  await page.getByText('No customers match').or(page.getByText('No customer has such a deadline coming up.')).first().waitFor();
  await page.getByLabel('Show', { exact: true }).selectOption({ label: 'All customers' });
  await page.waitForURL((url) => !url.searchParams.get('deadline'));
  await rows.filter({ hasText: 'Contoso Ltd' }).waitFor();
});
