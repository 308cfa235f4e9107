// Browser end-to-end test of the Orders page: every order of every customer, newest first,
// older ones on request, narrowed to one status (the filter lives in the URL), exported as CSV, and each order leading
// to its page under the customer — checked by axe-core.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkA11y, signIn, useApp, waitForPath } from './harness.mjs';

const { pageTest } = useApp();

pageTest('an Admin agent lists every order across customers, narrows it to cancelled ones, exports them and opens one', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  // More orders than one page holds (50).
  const found = await (await page.request.get('/api/v1/customers?q=contoso.onmicrosoft.com')).json();
  const contoso = found.items[0].id;
  const offers = await (await page.request.get(`/api/v1/customers/${contoso}/offers`)).json();
  const offer = offers.items.find((o) => o.available && o.kind === 'perpetual_software');
  for (let n = 0; n < 40; n++) {
    const res = await page.request.post(`/api/v1/customers/${contoso}/orders`, {
      headers: { 'idempotency-key': `e2e-orders-${n}` },
      data: { line_items: [{ offer_id: offer.id, quantity: 1 }] },
    });
    assert.equal(res.status(), 201, await res.text());
  }
  const total = (await (await page.request.get('/api/v1/orders?format=csv')).text()).trim().split('\n').length - 1;
  assert.ok(total > 50, `${total} orders`);
  await page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: 'Orders', exact: true }).click();
  await waitForPath(page, '/orders');
  await page.getByRole('heading', { level: 1, name: 'Orders', exact: true }).waitFor();
  const table = page.getByRole('table');
  const rows = table.locator('tbody tr');
  await rows.first().waitFor();
  // Orders of several customers, newest first.
  const customers = new Set(await table.locator('tbody tr td:nth-child(3)').allInnerTexts());
  assert.ok(customers.size > 1, `orders of several customers: ${[...customers]}`);
  const times = await table.locator('tbody time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
  await checkA11y(page, 'Orders');

  // Older orders on request, each once, until there are no more.
  assert.equal(await rows.count(), 50);
  await page.getByRole('button', { name: 'Show older orders' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length === n, total);
  const ids = await table.getByRole('rowheader').allInnerTexts();
  assert.equal(new Set(ids).size, total, 'no order twice');
  assert.equal(await page.getByRole('button', { name: 'Show older orders' }).count(), 0);

  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Cancelled' });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('status') === 'cancelled');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('tbody tr')];
    return rows.length > 0 && rows.every((r) => r.innerText.includes('Cancelled'));
  });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const csv = await readFile(await download.path(), 'utf8');
  const [header, ...lines] = csv.trim().split('\n');
  assert.match(header, /^created_at,order_id,customer_id,customer_name,status,/);
  assert.equal(lines.length, await rows.count(), 'the CSV holds the orders the page shows');
  assert.ok(lines.every((l) => l.includes('"cancelled"')), csv);

  const first = rows.first();
  const id = await first.getByRole('rowheader').innerText();
  await first.getByRole('link', { name: id }).click();
  await waitForPath(page, new RegExp(`/customers/[^/]+/orders/${id}$`));
  await page.getByRole('heading', { name: new RegExp(id) }).waitFor();
});
