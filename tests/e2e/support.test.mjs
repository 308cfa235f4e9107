// Browser end-to-end test of refund support requests (R-SUP): from the cancel dialog of the
// order above the refund limit, the form opens pre-filled and survives a reload; the partner
// submits it with a file; the support agent finds it, downloads the file and approves it, which
// cancels the purchase; the partner sees "Approved" with the note, the order cancelled, and the
// credit on next month's invoice.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { signIn, useApp, waitForPath, signOut } from './harness.mjs';

const { pageTest } = useApp();
const PDF = Buffer.from('%PDF-1.7\n% a scanned customer letter\n');

pageTest('a refund request from the cancel dialog to an approved credit on the invoice', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso.onmicrosoft');
  await page.getByRole('table').getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
  await page.getByRole('button', { name: 'Cancel SQL Server 2022 Enterprise', exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Cancel SQL Server 2022 Enterprise' });
  await dialog.getByRole('link', { name: 'File a support request' }).click();
  await waitForPath(page, '/support/new');

  // Pre-filled from the dialog.
  await page.getByRole('heading', { level: 1, name: 'Report a problem' }).waitFor();
  assert.equal(await page.getByLabel('Problem type').inputValue(), 'csp_purchase_refund');
  const orderId = new URL(page.url()).searchParams.get('order');
  assert.equal(await page.getByLabel('Order ID or subscription ID').inputValue(), orderId);
  const amount = await page.getByLabel('Amount requested').inputValue();
  assert.match(amount, /^\d+\.\d{2}$/);
  assert.match(await page.getByText(/In USD, the order's currency/).innerText(), /USD/);
  assert.equal(await page.getByLabel('Email address').inputValue(), 'admin.agent@northwind.example');

  // Checked field by field before anything is sent.
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByRole('alert').filter({ hasText: 'Check the highlighted fields.' }).waitFor();
  const title = page.getByLabel('Title', { exact: true });
  assert.equal(await title.getAttribute('aria-invalid'), 'true');
  await page.locator('#impact-error').waitFor();

  await page.getByLabel('Impact').selectOption('high');
  await title.fill('Refund: customer bought Enterprise instead of Standard');
  await page.getByLabel('Refund reason').fill('The customer ordered the wrong edition and has not deployed it.');
  await page.getByLabel('Phone number').fill('+1 (425) 555-0100');

  // A reload keeps what was typed.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Report a problem' }).waitFor();
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'Refund: customer bought Enterprise instead of Standard');
  assert.equal(await page.getByLabel('Phone number').inputValue(), '+1 (425) 555-0100');
  assert.equal(await page.getByLabel('Impact').inputValue(), 'high');

  await page.getByLabel('Files', { exact: true }).setInputFiles({ name: 'letter.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('listitem').filter({ hasText: 'letter.pdf' }).waitFor();
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForPath(page, /^\/support\/[0-9a-f-]{36}$/);
  const filed = await page.getByRole('status').filter({ hasText: /Your request \d+ was filed/ }).innerText();
  const number = /request (\d+)/.exec(filed)[1];
  await page.getByRole('heading', { level: 1, name: new RegExp(`Request ${number}:`) }).waitFor();
  const requestUrl = new URL(page.url()).pathname;

  // The support agent finds it in the console, downloads the file and approves it.
  await signOut(page);
  await signIn(page, 'support@csp-support.example');
  await waitForPath(page, '/support');
  await page.getByRole('heading', { level: 1, name: 'Support console' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search support requests' }).fill(number);
  await page.getByRole('table').getByRole('link', { name: number, exact: true }).click();
  await waitForPath(page, requestUrl);
  await page.getByText('Contoso Ltd').first().waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'letter.pdf' }).click(),
  ]);
  assert.deepEqual(await readFile(await download.path()), PDF, 'the agent gets the partner\'s bytes');

  await page.getByLabel('Approve').check();
  await page.getByLabel('Note for the partner').fill('Approved as an exception.');
  assert.equal(await page.getByLabel('Credit', { exact: true }).inputValue(), amount, 'the credit is the amount requested');
  assert.equal(await page.getByLabel(/^Refund and cancel the purchase/).isChecked(), true, 'a refund of a purchase cancels it');
  await page.getByRole('button', { name: 'Save status' }).click();
  await page.getByText(/^Approved: USD .* excl\. tax is credited on next month's invoice, and the purchase was cancelled/).waitFor();

  // The partner sees it approved with the note, and the credit on next month's invoice.
  await signOut(page);
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await page.goto('/support');
  const row = page.getByRole('table').getByRole('row').filter({ hasText: number });
  await row.getByText('Approved').waitFor();
  await row.getByRole('link', { name: number }).click();
  await page.getByText('Approved as an exception.').waitFor();
  await page.getByRole('link', { name: /^See the invoice for / }).click();
  await waitForPath(page, /^\/invoices\/\d{4}-\d{2}$/);
  const credit = page.getByRole('table').first().getByRole('row').filter({ hasText: `Support request ${number}: refund` });
  await credit.waitFor();
  assert.match(await credit.innerText(), new RegExp(`-USD ${Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2 })}|USD -`));
});
