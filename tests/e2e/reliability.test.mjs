// Browser end-to-end test of the upload limits as a partner meets them: with the partner's
// file quota used up, filing a request with a file is refused with a message that says why and
// what to do, in the user's language, and nothing typed is lost — the same request files at
// once without the file.
import assert from 'node:assert/strict';
import { signIn, useApp, waitForPath } from './harness.mjs';

// One file per partner: the demo data keeps none, so the second file does not fit.
const { pageTest } = useApp({ serverEnv: { UPLOAD_QUOTA_FILES: '1' } });
const PDF = Buffer.from('%PDF-1.7\n% a scanned invoice\n');

async function fillBillingRequest(page, title) {
  await page.goto('/support/new');
  await page.getByRole('heading', { level: 1, name: 'Report a problem' }).waitFor();
  await page.getByLabel('Problem type').selectOption('billing');
  await page.getByLabel('Impact').selectOption('low');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Phone number').fill('+1 425 555 0100');
  await page.getByLabel('Files', { exact: true }).setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('listitem').filter({ hasText: 'invoice.pdf' }).waitFor();
}

pageTest('a file beyond the partner\'s quota is refused with the reason, and nothing typed is lost', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');

  await fillBillingRequest(page, 'First invoice question');
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForPath(page, /^\/support\/[0-9a-f-]{36}$/);

  await fillBillingRequest(page, 'Second invoice question');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByRole('alert').filter({ hasText: 'reached their storage limit' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/support/new', 'still on the form');
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'Second invoice question');

  // In Chinese the same refusal is in Chinese.
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await page.getByRole('button', { name: '提交' }).click();
  await page.getByRole('alert').filter({ hasText: '存储上限' }).waitFor();
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');

  // Without the file, the same request is filed at once.
  await page.getByRole('button', { name: 'Remove invoice.pdf' }).click();
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForPath(page, /^\/support\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { level: 1, name: /Second invoice question/ }).waitFor();
});
