// Browser end-to-end test of Settings → Audit log: a Global admin finds what an Admin agent
// did (an invitation refused, a failed sign-in, the agent's sign-in) with who, when and from
// which request, narrows it to one action, exports the selection as CSV (the export is
// recorded too), and an Admin agent is told which roles read it; a support lead reads the
// support organisation's trail from the support console — checked by axe-core.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkA11y, signIn, signOut, useApp, waitForPath } from './harness.mjs';

const { pageTest } = useApp();

const ADMIN = 'global.admin@northwind.example';
const AGENT = 'admin.agent@northwind.example';
const LEAD = 'support@csp-support.example';

async function openAuditLog(page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  await waitForPath(page, '/settings/audit-log');
  await page.getByRole('heading', { level: 1, name: 'Audit log', exact: true }).waitFor();
}

pageTest('a Global admin reads who did what in the audit log, narrows it to an action and exports it', async (page) => {
  // A failed sign-in of the agent, then the agent's own sign-in.
  const failed = await page.request.post('/api/v1/sessions', { data: { email: AGENT, password: 'not-the-password' } });
  assert.equal(failed.status(), 401);
  await signIn(page, AGENT);
  await waitForPath(page, '/customers');
  // An Admin agent is told which roles read the audit log.
  await page.getByRole('button', { name: 'Settings' }).click();
  const link = page.getByRole('link', { name: 'Audit log', exact: true });
  const hint = await link.getAttribute('aria-describedby');
  assert.ok(hint, 'the link says who may use it');
  assert.match(await page.locator(`#${hint}`).innerText(), /Global admin/);
  await page.keyboard.press('Escape');
  await signOut(page);

  await signIn(page, ADMIN);
  await waitForPath(page, '/customers');
  await openAuditLog(page);
  const table = page.getByRole('table');
  const failedRow = table.getByRole('row').filter({ hasText: 'Sign-in failed' }).filter({ hasText: AGENT });
  await failedRow.first().waitFor();
  assert.equal(await failedRow.count(), 1);
  await table.getByRole('row').filter({ hasText: 'Signed in' }).filter({ hasText: AGENT }).first().waitFor();
  await table.getByRole('row').filter({ hasText: 'Signed out' }).filter({ hasText: AGENT }).first().waitFor();
  await checkA11y(page, 'Settings → Audit log');

  // Only failed sign-ins: the URL holds the filter, the rows follow.
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Sign-in failed' });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('action') === 'sign_in_failed');
  await page.waitForFunction(() => [...document.querySelectorAll('tbody tr')].every((r) => r.innerText.includes('Sign-in failed')));
  assert.equal(await table.getByRole('row').filter({ hasText: 'Signed in' }).count(), 0);

  // The selection as CSV, and the export itself in the trail.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /^at,actor_kind,actor_email,action,/);
  assert.match(csv, /"sign_in_failed"/);
  assert.doesNotMatch(csv, /"signed_in"/);
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Audit log exported' });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await table.getByRole('row').filter({ hasText: 'Audit log exported' }).filter({ hasText: ADMIN }).first().waitFor();
});

pageTest('a support lead reads the support organisation\'s trail from the support console', async (page) => {
  await signIn(page, LEAD);
  await waitForPath(page, '/support');
  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  await waitForPath(page, '/settings/audit-log');
  await page.getByRole('heading', { level: 1, name: 'Audit log', exact: true }).waitFor();
  const table = page.getByRole('table');
  await table.getByRole('row').filter({ hasText: 'Signed in' }).filter({ hasText: LEAD }).first().waitFor();
  // The key-access log is a partner's; partners' own people are not in this trail.
  assert.equal(await page.getByRole('link', { name: /activity log/ }).count(), 0);
  assert.equal(await table.getByRole('row').filter({ hasText: '@northwind.example' }).count(), 0);
  await checkA11y(page, 'Support console → Audit log');
});
