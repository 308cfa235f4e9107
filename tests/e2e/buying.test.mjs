// Browser end-to-end tests of buying software for a customer (R-BUY, R-CAT): the add-product
// wizard, its draft surviving a reload, the market rules, roles, and the order showing up in
// the Orders and Invoices & credits tabs.
import assert from 'node:assert/strict';
import { eventually, signIn, useApp, waitForPath } from './harness.mjs';

const { pageTest } = useApp();
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Opens a demo customer's details page through the search box. */
async function openCustomer(page, domainPrefix, name) {
  await page.getByRole('searchbox', { name: 'Search customers' }).fill(`${domainPrefix}.onmicrosoft`);
  const link = page.getByRole('table').getByRole('link', { name, exact: true });
  await link.click();
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
}

pageTest('an Admin agent buys a Windows Server subscription for an Australian customer, reloading mid-way', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await openCustomer(page, 'cohowinery', 'Coho Winery');
  const customerPath = new URL(page.url()).pathname;

  await page.getByRole('link', { name: 'Add product', exact: true }).click();
  await waitForPath(page, /\/add-product\/product$/);
  // The step heading takes the focus, so screen readers announce the step.
  await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Choose a product'));
  await page.getByText('Azure Hybrid Benefit').first().waitFor();
  await page.getByRole('button', { name: 'Choose Windows Server 2022 Standard', exact: true }).click();

  await waitForPath(page, /\/add-product\/configure$/);
  await page.getByRole('radio', { name: '1 year, paid up front' }).check();
  await page.getByRole('spinbutton', { name: 'Quantity' }).fill('0');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText('Enter a quantity from 1 to 100.').waitFor();
  await page.getByRole('spinbutton', { name: 'Quantity' }).fill('3');
  await page.getByText('AUD 722.30 incl. tax').waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  await waitForPath(page, /\/add-product\/review$/);
  await page.getByText('AUD 2,166.90 incl. tax').waitFor();
  // A reload of the tab keeps the draft (R-BUY-4).
  await page.reload();
  await page.getByRole('heading', { name: 'Review' }).waitFor();
  await page.getByText('AUD 2,166.90 incl. tax').waitFor();
  await page.getByText('Can be cancelled within 60 days of purchase.').waitFor();
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await waitForPath(page, /\/add-product\/configure$/);
  assert.equal(await page.getByRole('spinbutton', { name: 'Quantity' }).inputValue(), '3', 'Back keeps what was entered');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  await waitForPath(page, /\/add-product\/pay$/);
  await page.getByText('Bank transfer, 30 days net').waitFor();
  await page.getByLabel('Purchase order number (optional)').fill('PO-4711');
  await page.getByRole('button', { name: 'Place order and pay' }).click();
  await page.getByText('Accept the terms to place the order.').waitFor();
  await page.getByRole('checkbox', { name: /I accept the Microsoft Customer Agreement/ }).check();
  await page.getByRole('button', { name: 'Place order and pay' }).click();

  await waitForPath(page, /\/add-product\/done$/);
  const placed = await page.getByRole('status').filter({ hasText: 'was placed' }).innerText();
  const orderId = GUID.exec(placed)?.[0];
  assert.ok(orderId, `the confirmation names the order: ${placed}`);

  await page.getByRole('link', { name: 'View orders' }).click();
  await waitForPath(page, `${customerPath}/orders/${orderId}`);
  await page.getByRole('heading', { name: `Order ${orderId}` }).waitFor();
  await page.getByText('PO-4711').waitFor();
  await page.getByRole('link', { name: 'Back to orders' }).click();
  await page.getByRole('table').getByRole('link', { name: orderId }).waitFor();

  await page.getByRole('tab', { name: 'Invoices & credits' }).click();
  const charge = page.getByRole('row').filter({ hasText: orderId });
  await charge.waitFor();
  assert.match(await charge.innerText(), /AUD 2,166\.90/);

  // The draft is gone: a new wizard starts from scratch.
  await page.goto(`${customerPath}/add-product/review`);
  await waitForPath(page, /\/add-product\/product$/);
});

pageTest('Azure reservations are shown disabled, with the reason, for a customer in China', async (page) => {
  await signIn(page, 'owner@northwind.example');
  await waitForPath(page, '/customers');
  await openCustomer(page, 'wideworldimporters', 'Wide World Importers');
  await page.getByRole('link', { name: 'Add product', exact: true }).click();
  await page.getByRole('radio', { name: 'Azure reservations' }).check();
  const choose = page.getByRole('button', { name: 'Choose Azure Reserved VM Instances' });
  await choose.waitFor();
  assert.equal(await choose.isDisabled(), true);
  await page.getByText('Azure reservations are not available in China.').waitFor();
  // Other products are sold there.
  await page.getByRole('radio', { name: 'All products' }).check();
  assert.equal(await page.getByRole('button', { name: 'Choose Windows Server 2022 Datacenter' }).isDisabled(), false);
});

pageTest('an Account admin sees no Add product, and is told which roles buy', async (page) => {
  await signIn(page, 'account.admin@northwind.example');
  await waitForPath(page, '/customers');
  await openCustomer(page, 'contoso', 'Contoso Ltd');
  await page.getByText('Requires Admin agent or Global admin').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Add product', exact: true }).count(), 0);
  await page.goto(`${new URL(page.url()).pathname}/add-product/product`);
  await page.getByText('You need the Admin agent or Global admin role to buy software for customers.').waitFor();
});

pageTest('leaving the wizard with a draft asks first; discarding forgets the draft', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await openCustomer(page, 'contoso', 'Contoso Ltd');
  await page.getByRole('link', { name: 'Add product', exact: true }).click();
  await page.getByRole('button', { name: 'Choose SQL Server 2022 Standard', exact: true }).click();
  await waitForPath(page, /\/add-product\/configure$/);

  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Customers', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Leave this order?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Stay' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.match(new URL(page.url()).pathname, /\/add-product\/configure$/);

  // Escape closes it too, and the keyboard can reach both buttons.
  await nav.getByRole('link', { name: 'Customers', exact: true }).click();
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  await nav.getByRole('link', { name: 'Customers', exact: true }).click();
  await dialog.getByRole('button', { name: 'Discard and leave' }).click();
  await waitForPath(page, '/customers');
  await page.goBack();
  await waitForPath(page, /\/add-product\/product$/);
  assert.equal(await page.getByRole('button', { name: 'Chosen' }).count(), 0, 'nothing is chosen any more');
});
