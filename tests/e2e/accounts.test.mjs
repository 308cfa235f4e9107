// Browser end-to-end tests of accounts: Settings → Users (invite a colleague, the one-time
// link, changing roles, what the dialogs refuse), setting a password from an invitation link
// and signing in with it, roles applying at the next sign-in, and the forgot/reset-password
// pages — each page checked by axe-core.
import assert from 'node:assert/strict';
import { authenticatorCode, checkA11y, eventually, signIn, signOut, useApp, waitForPath } from './harness.mjs';

const { pageTest } = useApp();

const ADMIN = 'global.admin@northwind.example';
const COLLEAGUE = { email: 'casey.colleague@northwind.example', name: 'Casey Colleague' };
const GOOD_PASSWORD = 'violet harbour lantern 42';

/** Settings → Users through the gear menu, with its table drawn. */
async function openUsers(page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await waitForPath(page, '/settings/users');
  await page.getByRole('heading', { level: 1, name: 'Users', exact: true }).waitFor();
}

/** The row of a user in the users' table. */
function userRow(page, email) {
  return page.getByRole('table').getByRole('row').filter({ hasText: email });
}

/** Contoso's Software tab, through the customer list, with its purchases drawn. */
async function contosoSoftware(page) {
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso.onmicrosoft');
  await page.getByRole('table').getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Contoso Ltd', exact: true }).waitFor();
  await page.getByRole('table').getByRole('row').filter({ hasText: 'Windows Server 2022 Datacenter' }).first().waitFor();
}

pageTest('a Global admin invites an Admin agent, who sets a password and may cancel until the role is taken away', async (page) => {
  await signIn(page, ADMIN);
  await waitForPath(page, '/customers');
  await openUsers(page);
  await userRow(page, ADMIN).waitFor();
  assert.match(await userRow(page, ADMIN).innerText(), /Gloria Global[\s\S]*Global admin[\s\S]*Active/);
  await checkA11y(page, 'Settings → Users');

  // The form's own checks first.
  const invite = page.getByRole('region', { name: 'Invite a colleague' });
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await invite.locator('#invite-email[aria-invalid="true"]').waitFor();
  await checkA11y(page, 'the invitation form with its errors');

  await invite.getByLabel('Email', { exact: true }).fill(COLLEAGUE.email);
  await invite.getByLabel('Name', { exact: true }).fill(COLLEAGUE.name);
  await invite.getByRole('checkbox', { name: 'Admin agent', exact: true }).check();
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  const field = invite.getByRole('textbox', { name: 'Invitation link' });
  await field.waitFor();
  const link = new URL(await field.inputValue());
  assert.equal(link.pathname, '/accept-invitation');
  assert.match(link.searchParams.get('token') ?? '', /\S{16,}/);
  await invite.getByRole('status').filter({ hasText: /works once, for 7 days/ }).waitFor();
  await invite.getByRole('button', { name: 'Copy link' }).waitFor();
  const row = userRow(page, COLLEAGUE.email);
  await eventually(async () => {
    assert.match(await row.innerText(), /Casey Colleague[\s\S]*Admin agent[\s\S]*Invited[\s\S]*Never/);
  });
  await checkA11y(page, 'Settings → Users with an invitation link');

  // The same address again is refused next to the field.
  await invite.getByLabel('Email', { exact: true }).fill(COLLEAGUE.email.toUpperCase());
  await invite.getByLabel('Name', { exact: true }).fill('Casey Again');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await invite.getByText('This address already has an account.').waitFor();
  await signOut(page);

  // The colleague opens the link: a common password is refused, a good one signs them in.
  await page.goto(link.pathname + link.search);
  await page.getByRole('heading', { level: 1, name: 'Set your password', exact: true }).waitFor();
  await page.getByText(/At least 12 characters/).waitFor();
  await checkA11y(page, 'the accept-invitation page');
  await page.getByLabel('New password', { exact: true }).fill('password1234');
  await page.getByLabel('Repeat the password', { exact: true }).fill('password1234');
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await page.getByText('This password is too easy to guess.', { exact: false }).waitFor();
  assert.equal(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(new URL(page.url()).pathname, '/accept-invitation');
  await checkA11y(page, 'the accept-invitation page with its errors');

  await page.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByLabel('Repeat the password', { exact: true }).fill(`${GOOD_PASSWORD}!`);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await page.getByText('The two passwords are not the same.').waitFor();
  await page.getByLabel('Repeat the password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await waitForPath(page, '/customers');
  await page.getByRole('banner').getByText(COLLEAGUE.name).waitFor();
  await contosoSoftware(page);
  await page.getByRole('button', { name: /^Cancel / }).first().waitFor();
  await signOut(page);

  // The link worked once.
  await page.goto(link.pathname + link.search);
  await page.getByLabel('New password', { exact: true }).fill(`${GOOD_PASSWORD} again`);
  await page.getByLabel('Repeat the password', { exact: true }).fill(`${GOOD_PASSWORD} again`);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'This link is not valid any more' }).waitFor();
  await page.getByRole('link', { name: 'Forgot your password?' }).waitFor();

  // The admin gives the colleague Referral admin instead of Admin agent.
  await signIn(page, ADMIN);
  await waitForPath(page, '/customers');
  await openUsers(page);
  await eventually(async () => {
    assert.match(await userRow(page, COLLEAGUE.email).innerText(), /Admin agent[\s\S]*Active/);
  });
  await userRow(page, COLLEAGUE.email).getByRole('button', { name: `Change roles of ${COLLEAGUE.name}`, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Roles of ${COLLEAGUE.name}` });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('checkbox', { name: 'Admin agent', exact: true }).isChecked(), true);
  await checkA11y(page, 'the roles dialog');
  await dialog.getByRole('checkbox', { name: 'Admin agent', exact: true }).uncheck();
  await dialog.getByRole('checkbox', { name: 'Referral admin', exact: true }).check();
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('status').filter({ hasText: `Saved: ${COLLEAGUE.name} now has Referral admin.` }).waitFor();
  const changed = await userRow(page, COLLEAGUE.email).innerText();
  assert.match(changed, /Referral admin/);
  assert.doesNotMatch(changed, /Admin agent/);

  // Deactivating oneself is refused in the dialog, in words.
  await userRow(page, ADMIN).getByRole('button', { name: 'Deactivate Gloria Global', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Deactivate Gloria Global' });
  await confirm.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await confirm.getByRole('alert').filter({ hasText: 'You cannot deactivate your own account' }).waitFor();
  await checkA11y(page, 'the deactivate dialog with its refusal');
  await confirm.getByRole('button', { name: 'Cancel', exact: true }).click();
  await confirm.waitFor({ state: 'hidden' });

  // Each change is on record, with who made it, next to the activity log.
  await page.goto('/activity-log');
  const record = page.getByRole('region', { name: 'Changes to users', exact: true });
  const caseyRows = record.getByRole('table').getByRole('row').filter({ hasText: COLLEAGUE.email });
  await caseyRows.filter({ hasText: 'Roles: Admin agent → Referral admin' }).waitFor();
  for (const change of ['Invited as Admin agent', 'Set a first password from the invitation']) {
    await caseyRows.filter({ hasText: change }).waitFor();
  }
  assert.match(await caseyRows.filter({ hasText: 'Invited as' }).innerText(), new RegExp(ADMIN.replace(/\./g, '\\.')));
  await checkA11y(page, 'the activity log with the changes to users');
  await signOut(page);

  // Signed in again, the colleague no longer has the Cancel button.
  await signIn(page, COLLEAGUE.email, GOOD_PASSWORD);
  await waitForPath(page, '/customers');
  await contosoSoftware(page);
  await page.getByText(/Requires Admin agent/).first().waitFor();
  assert.equal(await page.getByRole('button', { name: /^Cancel / }).count(), 0, 'a Referral admin cannot cancel');
}, { timeout: 120_000 });

pageTest('an Account admin may not give the Global admin role; other partner users are told who manages users', async (page) => {
  await signIn(page, 'account.admin@northwind.example');
  await waitForPath(page, '/customers');
  await openUsers(page);
  const invite = page.getByRole('region', { name: 'Invite a colleague' });
  const global = invite.getByRole('checkbox', { name: /^Global admin/ });
  await global.waitFor();
  assert.equal(await global.isDisabled(), true, 'only a Global admin gives the Global admin role');
  assert.equal(await invite.getByRole('checkbox', { name: 'Admin agent', exact: true }).isEnabled(), true);
  await checkA11y(page, 'Settings → Users as an Account admin');
  await signOut(page);

  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await openUsers(page);
  await page.getByRole('main').getByText('Requires Global admin or Account admin').waitFor();
  assert.equal(await page.getByRole('table').count(), 0, 'no users are listed to an Admin agent');
  await checkA11y(page, 'Settings → Users as an Admin agent');
});

pageTest('forgot password: the same answer for any address; a reset link that does not work says what to do', async (page) => {
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await waitForPath(page, '/forgot-password');
  await page.getByRole('heading', { level: 1, name: 'Reset your password', exact: true }).waitFor();
  await checkA11y(page, 'the forgot-password page');
  await page.getByRole('button', { name: 'Send link', exact: true }).click();
  await page.locator('#forgot-email[aria-invalid="true"]').waitFor();
  await checkA11y(page, 'the forgot-password page with its error');

  const answer = async (email) => {
    await page.goto('/forgot-password');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send link', exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: /If the address has an account/ });
    await status.waitFor();
    return status.innerText();
  };
  const unknown = await answer('nobody.here@northwind.example');
  assert.match(unknown, /If the address has an account, a link is on its way; it works for 60 minutes\./);
  await checkA11y(page, 'the forgot-password page, sent');
  assert.equal(await answer('referral.admin@northwind.example'), unknown);

  // A reset link that is not (or no longer) valid.
  await page.goto('/reset-password?token=not-a-real-token-0123456789');
  await page.getByRole('heading', { level: 1, name: 'Choose a new password', exact: true }).waitFor();
  await checkA11y(page, 'the reset-password page');
  await page.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByLabel('Repeat the password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Save new password', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'This link is not valid any more' }).waitFor();
  await page.getByRole('link', { name: 'Go to sign in' }).waitFor();
  await checkA11y(page, 'the reset-password page with a dead link');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await waitForPath(page, '/forgot-password');

  // Without a token at all.
  await page.goto('/reset-password');
  await page.getByRole('alert').filter({ hasText: 'This address has no link in it.' }).waitFor();
});

pageTest('Profile → Password: a wrong current password is said next to the field; the new one signs in, the old one no longer does', async (page) => {
  const user = 'admin.agent@northwind.example';
  await signIn(page, user);
  await waitForPath(page, '/customers');
  await page.getByRole('banner').getByRole('link', { name: 'Profile', exact: true }).click();
  await waitForPath(page, '/profile');
  const form = page.getByRole('region', { name: 'Password', exact: true });
  await form.waitFor();

  await form.getByLabel('Current password', { exact: true }).fill('not-the-password');
  await form.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
  await form.getByRole('button', { name: 'Save new password', exact: true }).click();
  await form.getByText('This is not your current password.').waitFor();
  assert.equal(await form.getByLabel('Current password', { exact: true }).getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'Profile with a wrong current password');

  await form.getByLabel('Current password', { exact: true }).fill('demo-password');
  await form.getByRole('button', { name: 'Save new password', exact: true }).click();
  await form.getByRole('status').filter({ hasText: 'Your password is changed.' }).waitFor();
  assert.equal(await form.getByLabel('New password', { exact: true }).inputValue(), '', 'the form forgets the password');
  await signOut(page);

  const refused = await page.request.post('/api/v1/sessions', { data: { email: user, password: 'demo-password' } });
  assert.equal(refused.status(), 401, 'the old password no longer signs in');
  await signIn(page, user, GOOD_PASSWORD);
  await waitForPath(page, '/customers');
});

pageTest('two-step sign-in: set up from the QR code\'s key, then a sign-in asks for the code or a recovery code; off with the password', async (page) => {
  const user = 'marketing.admin@northwind.example';
  await signIn(page, user);
  await waitForPath(page, '/customers');
  await page.getByRole('banner').getByRole('link', { name: 'Profile', exact: true }).click();
  await waitForPath(page, '/profile');
  const section = page.getByRole('region', { name: 'Two-step sign-in', exact: true });
  await section.getByText(/^Off\./).waitFor();
  await section.getByRole('button', { name: 'Set up two-step sign-in', exact: true }).click();
  await section.getByRole('img', { name: 'QR code for your authenticator app' }).locator('svg').waitFor();
  const key = await section.getByRole('textbox', { name: 'Key', exact: true }).inputValue();
  assert.match(key, /^[A-Z2-7]{32}$/);
  await checkA11y(page, 'Profile, setting up two-step sign-in');

  // A code of another moment is refused next to the field; the code of now turns it on.
  const code = section.getByLabel('Code', { exact: true });
  await code.fill(authenticatorCode(key, Date.now() + 10 * 60_000));
  await section.getByRole('button', { name: 'Turn on', exact: true }).click();
  await section.getByText('This code is not right, or it was used already.', { exact: false }).waitFor();
  assert.equal(await code.getAttribute('aria-invalid'), 'true');
  await code.fill(authenticatorCode(key));
  await section.getByRole('button', { name: 'Turn on', exact: true }).click();
  const codes = section.getByRole('textbox', { name: 'Recovery codes', exact: true });
  await codes.waitFor();
  const recovery = (await codes.inputValue()).split('\n');
  assert.equal(recovery.length, 10);
  assert.match(recovery[0], /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await section.getByText('On. Recovery codes left: 10.').waitFor();
  await section.getByRole('button', { name: 'Copy codes', exact: true }).waitFor();
  await checkA11y(page, 'Profile with the recovery codes shown');
  await signOut(page);

  // The password alone leads to the second step; a malformed code is said before sending.
  await signIn(page, user);
  await page.getByRole('heading', { level: 1, name: 'Two-step sign-in', exact: true }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await checkA11y(page, 'the second step of a sign-in');
  await page.getByLabel('Code', { exact: true }).fill('12');
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await page.getByText('Enter the 6 digits your authenticator app shows, or a recovery code.').waitFor();
  // The code that turned it on is used; the next moment's code passes (one step of drift is taken).
  await page.getByLabel('Code', { exact: true }).fill(authenticatorCode(key, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await waitForPath(page, '/customers');
  await signOut(page);

  // A recovery code instead, and this browser is not asked again for a week.
  await signIn(page, user);
  await page.getByLabel('Code', { exact: true }).fill(recovery[3]);
  await page.getByLabel('Ask for a code on this browser', { exact: true }).selectOption({ label: 'Not again for 7 days' });
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await waitForPath(page, '/customers');
  await signOut(page);
  await signIn(page, user);
  await waitForPath(page, '/customers');

  // Off, with the password (a wrong one is said next to the field).
  await page.getByRole('banner').getByRole('link', { name: 'Profile', exact: true }).click();
  await section.getByText('On. Recovery codes left: 9.').waitFor();
  const password = section.getByLabel('Password', { exact: true });
  await password.fill('not-the-password');
  await section.getByRole('button', { name: 'Turn off', exact: true }).click();
  await section.getByText('This is not your current password.').waitFor();
  await password.fill('demo-password');
  await section.getByRole('button', { name: 'Turn off', exact: true }).click();
  await section.getByRole('status').filter({ hasText: 'Two-step sign-in is off.' }).waitFor();
  await signOut(page);
  await signIn(page, user);
  await waitForPath(page, '/customers');
});

pageTest('Profile → Where you are signed in: another browser\'s session is listed and signed out from here', async (page, server) => {
  const user = 'account.admin@northwind.example';
  const edge = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0';
  const other = await page.context().browser().newContext({ baseURL: server.baseUrl, userAgent: edge });
  try {
    const otherPage = await other.newPage();
    await signIn(otherPage, user);
    await waitForPath(otherPage, '/customers');

    await signIn(page, user);
    await waitForPath(page, '/customers');
    await page.getByRole('banner').getByRole('link', { name: 'Profile', exact: true }).click();
    const section = page.getByRole('region', { name: 'Where you are signed in', exact: true });
    const rows = section.getByRole('table').getByRole('row');
    await rows.filter({ hasText: 'Edge on Windows' }).waitFor();
    assert.equal(await rows.count(), 3, 'a heading row and two sessions');
    await rows.filter({ hasText: 'This browser' }).waitFor();
    await checkA11y(page, 'Profile with two sessions');

    await section.getByRole('button', { name: /^Sign out Edge on Windows, last active / }).click();
    await section.getByRole('status').filter({ hasText: 'Signed out: Edge on Windows.' }).waitFor();
    assert.equal(await rows.count(), 2);
    assert.equal(await section.getByRole('button', { name: 'Sign out everywhere else', exact: true }).count(), 0);

    // The other browser is signed out at its next request.
    await otherPage.reload();
    await waitForPath(otherPage, '/sign-in');
  } finally {
    await other.close();
  }
});

pageTest('a customer\'s admin invites another user of the tenant, who sets a password and reaches the admin center', async (page) => {
  await signIn(page, 'admin@contoso.onmicrosoft.com');
  await waitForPath(page, '/tenant');
  const users = page.getByRole('region', { name: 'Users', exact: true });
  await users.getByRole('row').filter({ hasText: 'admin@contoso.onmicrosoft.com' }).waitFor();
  const invite = page.getByRole('region', { name: 'Invite a colleague' });
  await invite.getByLabel('Email', { exact: true }).fill('pat@contoso.example');
  await invite.getByLabel('Name', { exact: true }).fill('Pat Purchaser');
  assert.equal(await invite.getByRole('checkbox').count(), 0, 'no partner roles for a tenant\'s users');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  const link = new URL(await invite.getByRole('textbox', { name: 'Invitation link' }).inputValue());
  await users.getByRole('row').filter({ hasText: 'pat@contoso.example' }).filter({ hasText: 'Invited' }).waitFor();
  await checkA11y(page, 'the tenant page with its users and an invitation link');
  await signOut(page);

  await page.goto(link.pathname + link.search);
  await page.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByLabel('Repeat the password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await waitForPath(page, '/tenant');
  await page.getByRole('heading', { level: 1, name: 'Contoso Ltd', exact: true }).waitFor();
});

pageTest('a support lead invites a support agent from the console, who sets a password and works the queue', async (page) => {
  await signIn(page, 'support@csp-support.example');
  await waitForPath(page, '/support');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
  await waitForPath(page, '/settings/users');
  await userRow(page, 'support@csp-support.example').waitFor();
  assert.match(await userRow(page, 'support@csp-support.example').innerText(), /Sam Support[\s\S]*Support lead[\s\S]*Active/);
  const invite = page.getByRole('region', { name: 'Invite a colleague' });
  // The support organisation's one role, and none of a partner's.
  assert.equal(await invite.getByRole('checkbox').count(), 1);
  await invite.getByRole('checkbox', { name: 'Support lead', exact: true }).waitFor();
  await checkA11y(page, 'Users of the support organisation');

  await invite.getByLabel('Email', { exact: true }).fill('riley.agent@csp-support.example');
  await invite.getByLabel('Name', { exact: true }).fill('Riley Agent');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  const field = invite.getByRole('textbox', { name: 'Invitation link' });
  await field.waitFor();
  const link = new URL(await field.inputValue());
  await eventually(async () => {
    assert.match(await userRow(page, 'riley.agent@csp-support.example').innerText(), /Riley Agent[\s\S]*No roles[\s\S]*Invited/);
  });
  await signOut(page);

  await page.goto(link.pathname + link.search);
  await page.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByLabel('Repeat the password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await waitForPath(page, '/support');
  // An agent who is not a lead has no Users link.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Support requests' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Users', exact: true }).count(), 0);
});
