// Browser end-to-end tests of software, keys and downloads (R-SW, R-KEY, R-LOG): the partner
// hands the customer the deep link; the customer signs in through it, reveals a key and
// downloads a file; the partner's activity log shows both and exports them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DEMO_PASSWORD, signIn, useApp, waitForPath, signOut } from './harness.mjs';

const { pageTest } = useApp();

async function openContoso(page) {
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso.onmicrosoft');
  await page.getByRole('table').getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Contoso Ltd', exact: true }).waitFor();
}

pageTest('the deep link leads the customer to its keys and downloads, and the activity log records them', async (page) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await openContoso(page);
  // The Software tab lists what was bought, and the deep link with its copy button.
  await page.getByRole('table').getByRole('row').filter({ hasText: 'SQL Server 2022 Enterprise' }).first().waitFor();
  const field = page.getByRole('textbox', { name: 'Deep link' });
  await field.waitFor();
  const link = await field.inputValue();
  assert.match(link, /\/admin-center\/billing\/products\/software\?tenant=[0-9a-f-]{36}$/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the copied text is the link');
  await signOut(page);

  // The customer opens the link signed out: sign-in first, then the same page.
  await page.goto(link);
  await waitForPath(page, '/sign-in');
  await page.getByLabel('Email', { exact: true }).fill('admin@contoso.onmicrosoft.com');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForPath(page, '/admin-center/billing/products/software');
  assert.equal(new URL(page.url()).search, new URL(link).search, 'back on the deep link, with its tenant');
  await page.getByRole('heading', { level: 1, name: 'Software for Contoso Ltd' }).waitFor();

  const card = page.getByRole('article').filter({ hasText: 'SQL Server 2022 Enterprise' }).first();
  await card.getByText('•••••-•••••-•••••-•••••-•••••').waitFor();
  await card.getByRole('button', { name: 'Show key' }).click();
  const key = await card.getByRole('textbox', { name: 'Product key' }).inputValue();
  assert.match(key, /^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$/);

  const fileLink = card.getByRole('link', { name: /\.iso$/ }).first();
  const [download] = await Promise.all([page.waitForEvent('download'), fileLink.click()]);
  const bytes = await readFile(await download.path());
  const tenant = await page.request.get('/api/v1/tenant/software');
  const file = (await tenant.json()).items.flatMap((i) => i.downloads).find((d) => d.file_name === download.suggestedFilename());
  assert.ok(file, `the download ${download.suggestedFilename()} is one of the purchase's files`);
  assert.equal(bytes.length, file.size_bytes);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, 'the downloaded bytes are the file');

  // A Global admin finds both events in today's activity log and exports them.
  await signOut(page);
  await signIn(page, 'global.admin@northwind.example');
  await waitForPath(page, '/customers');
  // Today's range: the demo data's older entries stay out of it.
  const today = new Date().toISOString().slice(0, 10);
  await page.goto(`/activity-log?from=${today}&to=${today}`);
  const rows = page.getByRole('table').getByRole('row').filter({ hasText: 'admin@contoso.onmicrosoft.com' });
  await rows.filter({ hasText: 'Key revealed' }).waitFor();
  await rows.filter({ hasText: 'Software downloaded' }).waitFor();
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const text = await readFile(await csv.path(), 'utf8');
  assert.match(text, /"key_revealed"/);
  assert.match(text, /"software_downloaded"/);
  assert.doesNotMatch(text, new RegExp(key), 'no key in the log');
});

pageTest('a user of another organisation opening the link is told it is not theirs', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await openContoso(page);
  const link = await page.getByRole('textbox', { name: 'Deep link' }).inputValue();
  await signOut(page);
  await signIn(page, 'admin@adatum.onmicrosoft.com');
  await waitForPath(page, '/tenant');
  await page.goto(link);
  await page.getByRole('heading', { name: 'This link is for another organisation' }).waitFor();
  assert.equal(await page.getByText('Contoso').count(), 0, 'nothing of the other tenant is shown');
  await page.getByRole('link', { name: 'Your software' }).click();
  await page.getByRole('heading', { level: 1, name: 'Software for Adatum Corporation' }).waitFor();
});

pageTest('an Account admin sees the purchases but no copy button, and why', async (page) => {
  await signIn(page, 'account.admin@northwind.example');
  await waitForPath(page, '/customers');
  await openContoso(page);
  await page.getByRole('table').getByRole('row').filter({ hasText: 'SUSE Linux Enterprise Server Priority' }).waitFor();
  await page.getByText('Requires Admin agent', { exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Copy link' }).count(), 0);
  assert.equal(await page.getByRole('textbox', { name: 'Deep link' }).count(), 0);
});
