// Browser end-to-end tests of what roles allow on the activity log (R-ROLE-3, R-LOG-2) and of
// the language switch, against the real server and the release bundle in dist/.
import assert from 'node:assert/strict';
import { signIn, useApp, waitForPath } from './harness.mjs';

const { pageTest } = useApp();

pageTest('an Admin agent opening the activity log is told which roles may read it', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Activity log' }).click();
  await waitForPath(page, '/activity-log');
  const alert = page.getByRole('alert').filter({ hasText: 'Global admin' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /Account admin/);
  assert.equal(await page.getByRole('table').count(), 0, 'no log rows are shown to an Admin agent');
});

pageTest('a Global admin reads the activity log and gets the server\'s word on a bad range', async (page) => {
  await signIn(page, 'global.admin@northwind.example');
  await waitForPath(page, '/customers');
  await page.goto('/activity-log');
  // The last 30 days by default: the demo data's reveals and downloads by customer users.
  const rows = page.getByRole('table').getByRole('row');
  await rows.filter({ hasText: 'Key revealed' }).first().waitFor();
  await rows.filter({ hasText: 'Software downloaded' }).first().waitFor();
  const csv = page.getByRole('link', { name: 'Export CSV' });
  assert.match(await csv.getAttribute('href'), /\/api\/v1\/activity-log\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&format=csv/);

  // A range without entries says so.
  await page.getByLabel('From', { exact: true }).fill('2025-01-01');
  await page.getByLabel('To', { exact: true }).fill('2025-01-31');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.getByText('No key reveals or downloads in this period.').waitFor();

  // An inverted range: the server refuses it and the page shows its message next to the form.
  await page.getByLabel('From', { exact: true }).fill('2026-11-20');
  await page.getByLabel('To', { exact: true }).fill('2026-11-10');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'The end date is before the start date.' }).waitFor();
});

pageTest('switching to Chinese relabels the app and survives a reload', async (page) => {
  await signIn(page, 'owner@northwind.example');
  await waitForPath(page, '/customers');
  const nav = page.getByRole('navigation').first();
  await nav.getByRole('link', { name: 'Customers', exact: true }).waitFor();

  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await nav.getByRole('link', { name: '客户', exact: true }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');

  await page.reload();
  await nav.getByRole('link', { name: '客户', exact: true }).waitFor();
  await page.getByRole('searchbox', { name: '搜索客户' }).waitFor();

  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await nav.getByRole('link', { name: 'Customers', exact: true }).waitFor();
});
