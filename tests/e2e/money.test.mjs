// Browser end-to-end tests of the one credit rule and the settings that decide money: a support
// agent's approval of a refund cancels the purchase — the partner sees it cancelled, with who
// did it in the order's history and the credit on next month's invoice, and the customer sees
// the key gone; the cancel dialog's deadline in UTC and in the browser's own time zone; a
// Global admin's refund limit, which the cancel dialog then applies.
import assert from 'node:assert/strict';
import { signIn, useApp, waitForPath, signOut } from './harness.mjs';

const { pageTest } = useApp();

function nextMonth() {
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Contoso's id and its demo order of `product`, through the API with the page's session. */
async function contosoOrder(page, product) {
  const customers = await (await page.request.get('/api/v1/customers?q=contoso.onmicrosoft.com')).json();
  const customer = customers.items[0].id;
  const orders = await (await page.request.get(`/api/v1/customers/${customer}/orders?page_size=100`)).json();
  const order = orders.items.find((o) => o.line_items[0].product_name === product);
  assert.ok(order, `no ${product} order`);
  return { customer, order };
}

async function switchUser(page, email) {
  await signOut(page);
  await signIn(page, email);
}

async function openContoso(page) {
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso.onmicrosoft');
  await page.getByRole('table').getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Contoso Ltd', exact: true }).waitFor();
}

pageTest('an approved refund cancels the purchase: history, invoice, and the key gone for the customer', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  const { customer, order } = await contosoOrder(page, 'Windows Server 2022 Datacenter');
  // Filed from the page as the app files it: the browser's own multipart form.
  const filed = await page.evaluate(async (fields) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const res = await fetch('/api/v1/support-requests', { method: 'POST', body: form });
    return { status: res.status, text: await res.text() };
  }, {
    problem_type: 'csp_purchase_refund',
    impact: 'medium',
    title: 'Refund: Datacenter bought instead of Standard',
    customer: 'contoso.onmicrosoft.com',
    order_id: order.id,
    refund_reason: 'The customer needs Standard edition.',
    amount_requested: order.total,
    contact_name: 'Avery Agent',
    contact_email: 'admin.agent@northwind.example',
    contact_phone: '+1 425 555 0100',
  });
  assert.equal(filed.status, 201, filed.text);
  const request = JSON.parse(filed.text);

  await switchUser(page, 'support@csp-support.example');
  await waitForPath(page, '/support');
  await page.goto(`/support/${request.id}`);
  const paid = `USD ${Number(order.total).toLocaleString('en-US', { minimumFractionDigits: 2 })} excl. tax`;
  await page.getByRole('heading', { name: 'Order', exact: true }).waitFor();
  await page.getByText(paid, { exact: true }).first().waitFor();
  await page.getByLabel('Approve').check();
  const cancelChoice = page.getByLabel(/^Refund and cancel the purchase/);
  assert.equal(await cancelChoice.isChecked(), true, 'cancelling is the default for a refund of a purchase');
  await page.getByLabel('Note for the partner').fill('Refunded; the purchase is cancelled.');
  await page.getByRole('button', { name: 'Save status' }).click();
  await page.getByText(`Approved: ${paid} is credited on next month's invoice, and the purchase was cancelled — its keys and downloads are revoked.`).waitFor();

  // The partner: cancelled on the Software tab, the history says who and why.
  await switchUser(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await openContoso(page);
  const row = page.getByRole('table').getByRole('row').filter({ hasText: 'Windows Server 2022 Datacenter' }).first();
  await row.getByText('Cancelled').waitFor();
  assert.equal(await row.getByRole('button', { name: /^Cancel / }).count(), 0, 'nothing left to cancel');
  await page.goto(`/customers/${customer}/orders/${order.id}`);
  const history = page.getByRole('table').filter({ hasText: 'Placed the order' });
  const cancelled = history.getByRole('row').filter({ hasText: 'Cancelled: keys and downloads revoked' });
  await cancelled.waitFor();
  assert.match(await cancelled.innerText(), /Sam Support/);
  assert.match(await cancelled.innerText(), new RegExp(`Support request ${request.number}`));
  const credited = history.getByRole('row').filter({ hasText: 'Credited for a refund request' });
  assert.ok((await credited.innerText()).includes(paid), await credited.innerText());
  assert.match(await credited.innerText(), /The customer needs Standard edition\./);
  await page.getByText('Left to refund').waitFor();

  // The credit on next month's invoice, with its tax label.
  await page.goto(`/invoices/${nextMonth()}`);
  const line = page.getByRole('table').first().getByRole('row')
    .filter({ hasText: `Support request ${request.number}: refund and cancellation` });
  await line.waitFor();
  assert.ok((await line.innerText()).includes(paid.replace('USD ', 'USD -')), await line.innerText());
  await page.getByRole('link', { name: 'Download the reconciliation file (CSV)' }).waitFor();

  // The customer: listed, without a key.
  await switchUser(page, 'admin@contoso.onmicrosoft.com');
  await waitForPath(page, '/tenant');
  await page.goto('/admin-center/billing/products/software');
  const card = page.getByRole('article').filter({ hasText: 'Windows Server 2022 Datacenter' }).first();
  await card.getByText(/product keys and downloads of this purchase were revoked/).waitFor();
  assert.equal(await card.getByRole('button', { name: 'Show key' }).count(), 0);
});

/** `YYYY-MM-DD HH:mm` and `UTC±hh:mm` of `instant` in `timeZone`, as the browser there shows it. */
function inZone(instant, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(instant).map((p) => [p.type, p.value]));
  const local = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute);
  const minutes = Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const zone = `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { local, zone };
}

for (const timeZone of ['America/New_York', 'Australia/Sydney']) {
  pageTest(`the cancel dialog gives the deadline in UTC and in the browser's zone (${timeZone})`, async (page) => {
    await signIn(page, 'admin.agent@northwind.example');
    await waitForPath(page, '/customers');
    const { order } = await contosoOrder(page, 'SQL Server 2022 Standard');
    await openContoso(page);
    await page.getByRole('button', { name: 'Cancel SQL Server 2022 Standard', exact: true }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Cancel SQL Server 2022 Standard' });
    await dialog.getByText('1 day left to cancel: the window closes within 24 hours').waitFor();
    const until = new Date(order.cancellable_until);
    const purchased = new Date(order.created_at);
    assert.equal(until - purchased, 60 * 24 * 3600 * 1000, '60 × 24 hours after the purchase');
    const utc = until.toISOString().slice(0, 16).replace('T', ' ');
    const { local, zone } = inZone(until, timeZone);
    await dialog.getByText(`Can be cancelled until ${utc} UTC (${local} your time, ${zone})`).waitFor();
    await dialog.getByText(/^Credit: USD [\d,]+\.\d\d excl\. tax/).waitFor();
  }, { context: { timezoneId: timeZone } });
}

pageTest('a Global admin lowers the refund limit, and the cancel dialog applies it', async (page) => {
  await signIn(page, 'global.admin@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Billing profile' }).click();
  await waitForPath(page, '/settings/billing');
  await page.getByRole('heading', { name: 'Self-service refund limit' }).waitFor();
  const field = page.getByRole('textbox', { name: 'New limit' });
  assert.equal(await field.inputValue(), '25000.00');
  await field.fill('1000000.01');
  await page.getByRole('button', { name: 'Save limit' }).click();
  await page.locator('#refund_limit-error').getByText(/at most 1,000,000\.00/).waitFor();
  await field.fill('1000');
  await page.getByRole('button', { name: 'Save limit' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved: the refund limit is now 1,000.00.' }).waitFor();
  const change = page.getByRole('table').getByRole('row').filter({ hasText: 'global.admin@northwind.example' });
  await change.waitFor();
  assert.match(await change.innerText(), /25000\.00[\s\S]*1000\.00/);

  // An Admin agent sees the limit, may not change it, and meets it in the cancel dialog.
  await switchUser(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await page.goto('/settings/billing');
  await page.getByText('1,000.00', { exact: true }).waitFor();
  // Both the limit and the billing details say who changes them.
  const told = page.getByRole('main').getByText('Requires Global admin', { exact: true });
  await told.first().waitFor();
  assert.equal(await told.count(), 2);
  assert.equal(await page.getByRole('button', { name: 'Save limit' }).count(), 0);
  await page.goto('/customers');
  await openContoso(page);
  await page.getByRole('button', { name: 'Cancel SQL Server 2022 Standard', exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Cancel SQL Server 2022 Standard' });
  await dialog.getByText(/above your self-service refund limit of USD 1,000\.00 excl\. tax/).waitFor();
});
