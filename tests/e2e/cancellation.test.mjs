// Browser end-to-end tests of cancellation (R-CAN, R-INV-1): the cancel dialog's states for the
// demo orders, a cancellation from the dialog to "Cancelled" without a reload, the customer's
// revoked key, and the credit on next month's invoice.
import assert from 'node:assert/strict';
import { eventually, signIn, useApp, waitForPath, signOut } from './harness.mjs';

const { pageTest } = useApp();

async function contosoSoftware(page) {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso.onmicrosoft');
  await page.getByRole('table').getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Contoso Ltd', exact: true }).waitFor();
}

/** Opens the cancel dialog of the purchase of `product` and returns the dialog. */
async function openCancel(page, product) {
  await page.getByRole('button', { name: `Cancel ${product}`, exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: `Cancel ${product}` });
  await dialog.waitFor();
  return dialog;
}

function nextMonth() {
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}`;
}

pageTest('cancelling the 5-day order: confirm, pending, cancelled without reload, key revoked, credit next month', async (page) => {
  await contosoSoftware(page);
  const dialog = await openCancel(page, 'Windows Server 2022 Datacenter');
  await dialog.getByText(/\d+ days left to cancel/).waitFor();
  await dialog.getByText(/^Credit: USD /).waitFor();
  await dialog.getByRole('heading', { name: 'Important' }).waitFor();
  const submit = dialog.getByRole('button', { name: 'Submit' });
  assert.equal(await submit.isDisabled(), true, 'Submit waits for the box to be ticked');

  // The modal keeps focus inside it.
  for (let i = 0; i < 8; i += 1) {
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(() => document.querySelector('dialog[open]')?.contains(document.activeElement));
    assert.equal(inside, true, `focus left the dialog after ${i + 1} Tab presses`);
  }

  await dialog.getByLabel('I have read the Important message.').check();
  assert.equal(await submit.isEnabled(), true);
  await submit.click();
  await dialog.getByRole('status').filter({ hasText: /Cancellation requested for order/ }).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });

  const row = page.getByRole('table').getByRole('row').filter({ hasText: 'Windows Server 2022 Datacenter' }).first();
  const url = page.url();
  // Pending at first (it may already be done on a fast machine), then Cancelled — without a reload.
  await eventually(async () => {
    assert.match(await row.innerText(), /Cancelled/);
  }, { timeout: 20_000, interval: 250 });
  assert.equal(page.url(), url);
  assert.equal(await row.getByRole('button', { name: /^Cancel / }).count(), 0, 'a cancelled purchase offers no Cancel');

  // The customer's admin center lists it without keys.
  await signOut(page);
  await signIn(page, 'admin@contoso.onmicrosoft.com');
  await waitForPath(page, '/tenant');
  await page.goto('/admin-center/billing/products/software');
  const card = page.getByRole('article').filter({ hasText: 'Windows Server 2022 Datacenter' }).first();
  await card.getByText(/product keys and downloads of this purchase were revoked/).waitFor();
  assert.equal(await card.getByRole('button', { name: 'Show key' }).count(), 0, 'no key to show');

  // The credit is on next month's invoice.
  await signOut(page);
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await page.goto(`/invoices/${nextMonth()}`);
  const credit = page.getByRole('table').first().getByRole('row').filter({ hasText: 'Cancellation: Windows Server 2022 Datacenter' });
  await credit.waitFor();
  assert.match(await credit.innerText(), /-USD|USD -|−/);
  await page.getByRole('button', { name: 'Print' }).waitFor();
});

pageTest('the dialog says when the window has passed and when a support request is needed', async (page) => {
  await contosoSoftware(page);
  let dialog = await openCancel(page, 'Windows Server 2022 Standard (perpetual)');
  await dialog.getByText('The cancellation window has passed: this order can no longer be cancelled.').waitFor();
  await dialog.getByLabel('I have read the Important message.').check();
  assert.equal(await dialog.getByRole('button', { name: 'Submit' }).isDisabled(), true);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  dialog = await openCancel(page, 'SQL Server 2022 Enterprise');
  await dialog.getByText(/above your self-service refund limit of USD 25,000\.00/).waitFor();
  const link = dialog.getByRole('link', { name: 'File a support request' });
  const href = await link.getAttribute('href');
  assert.match(href, /^\/support\/new\?customer=[0-9a-f-]{36}&order=[0-9a-f-]{36}&amount=[0-9.]+&currency=USD$/);
  await page.keyboard.press('Escape');

  dialog = await openCancel(page, 'SUSE Linux Enterprise Server Priority');
  await dialog.getByText(/This product cannot be cancelled/).waitFor();
});
