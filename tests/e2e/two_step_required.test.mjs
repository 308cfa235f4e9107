// Browser end-to-end test of two-step sign-in where the operator requires it
// (REQUIRE_TWO_STEP=1): a user whose roles buy, cancel or manage users is sent to Profile to
// set it up and reaches nothing else until it is on; a Referral admin is not asked.
import assert from 'node:assert/strict';
import { authenticatorCode, checkA11y, signIn, signOut, useApp, waitForPath } from './harness.mjs';

const { pageTest } = useApp({ serverEnv: { REQUIRE_TWO_STEP: '1' } });

pageTest('an Admin agent sets up two-step sign-in before anything else; a Referral admin is not asked', async (page) => {
  await signIn(page, 'referral.admin@northwind.example');
  await waitForPath(page, '/customers');
  await signOut(page);

  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/profile');
  const section = page.getByRole('region', { name: 'Two-step sign-in', exact: true });
  await section.getByText('Two-step sign-in is required for your account. Set it up below to go on.').waitFor();
  await checkA11y(page, 'Profile when two-step sign-in must be set up');
  // Any other page leads back here.
  await page.goto('/customers');
  await waitForPath(page, '/profile');

  await section.getByRole('button', { name: 'Set up two-step sign-in', exact: true }).click();
  const key = await section.getByRole('textbox', { name: 'Key', exact: true }).inputValue();
  await section.getByLabel('Code', { exact: true }).fill(authenticatorCode(key));
  await section.getByRole('button', { name: 'Turn on', exact: true }).click();
  await section.getByRole('textbox', { name: 'Recovery codes', exact: true }).waitFor();
  assert.equal(await section.getByText('Two-step sign-in is required for your account.', { exact: false }).count(), 0);

  // It cannot be turned off while the roles need it; the refusal is said in the form.
  await section.getByLabel('Password', { exact: true }).fill('demo-password');
  await section.getByRole('button', { name: 'Turn off', exact: true }).click();
  await section.getByRole('alert').filter({ hasText: 'Two-step sign-in is required for your account: it has to be on.' }).waitFor();

  await page.getByRole('navigation').first().getByRole('link', { name: 'Customers', exact: true }).click();
  await waitForPath(page, '/customers');
  await page.getByRole('table').getByRole('row').nth(1).waitFor();
});

pageTest('a Global admin requires two-step sign-in of every user; then a Referral admin is asked too', async (page) => {
  await signIn(page, 'owner@northwind.example');
  await waitForPath(page, '/profile');
  const section = page.getByRole('region', { name: 'Two-step sign-in', exact: true }).first();
  await section.getByRole('button', { name: 'Set up two-step sign-in', exact: true }).click();
  const key = await section.getByRole('textbox', { name: 'Key', exact: true }).inputValue();
  await section.getByLabel('Code', { exact: true }).fill(authenticatorCode(key));
  await section.getByRole('button', { name: 'Turn on', exact: true }).click();
  await section.getByRole('textbox', { name: 'Recovery codes', exact: true }).waitFor();

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await waitForPath(page, '/settings/users');
  const rule = page.getByRole('region', { name: 'Two-step sign-in', exact: true });
  const everyone = rule.getByRole('checkbox', { name: 'Require two-step sign-in of every user of Northwind Partners' });
  assert.equal(await everyone.isChecked(), false);
  await everyone.check();
  await rule.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await checkA11y(page, 'Settings → Users with the two-step rule');
  await signOut(page);

  await signIn(page, 'referral.admin@northwind.example');
  await waitForPath(page, '/profile');
  await page.getByText('Two-step sign-in is required for your account. Set it up below to go on.').waitFor();
});
