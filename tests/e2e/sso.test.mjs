// Browser end-to-end test of single sign-on against a real OpenID Connect provider
// (tests/oidc/provider.mjs, npm oidc-provider): Northwind's Global admin sets it up under
// Settings → Single sign-on; an Admin agent then types only the email on the sign-in page,
// signs in at the provider and arrives signed in; a sign-in cancelled at the provider ends on
// the sign-in page saying so (in the user's language); a user with two-step sign-in is asked
// for the code after the provider; a customer user still signs in with the password; an
// error the user cannot fix names its request. The password never goes to /sessions/sso.
// A customer's user follows the partner's deep link and signs in with Microsoft (the
// operator's provider for customers, answering as Entra ID does) to its keys.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import {
  authenticatorCode, checkA11y, DEMO_PASSWORD, ROOT, signIn, signOut, useApp, waitForPath,
} from './harness.mjs';

const CLIENT_ID = 'csp-northwind';
const CLIENT_SECRET = 'northwind-test-secret';
const provider = {};

/**
 * Starts the test provider with Northwind's client, which sends browsers back to `server`;
 * resolves once it listens, to the function that stops it (by its PID).
 */
async function startProvider(server) {
  const clients = [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [`${server.baseUrl}/api/v1/sso/callback`],
  }];
  const child = spawn(process.execPath, [path.join(ROOT, 'tests', 'oidc', 'provider.mjs'), '0'], {
    cwd: ROOT,
    env: { ...process.env, OIDC_CLIENTS: JSON.stringify(clients) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
  };
  try {
    provider.issuer = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the test provider did not start within 20 s')), 20_000);
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the test provider exited (code ${code})`));
      });
    });
  } catch (err) {
    await stop();
    err.message += `\n--- provider output ---\n${log || '(none)'}`;
    throw err;
  }
  return stop;
}

const { env, pageTest } = useApp({ alongside: startProvider });

/** The bodies of the requests the page sends to `pathname`, as they leave the browser. */
function watchRequests(page, pathname) {
  const sent = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === pathname) sent.push(request.postData() ?? '');
  });
  return sent;
}

/** The provider's own page, with the account the sign-in page sent as its hint. */
async function atProvider(page, account) {
  await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'));
  await page.getByRole('heading', { name: 'Test identity provider' }).waitFor();
  assert.equal(await page.getByLabel('Account').inputValue(), account, 'the address is the hint');
  await page.getByRole('checkbox', { name: 'Used a second factor' }).waitFor();
  await page.getByRole('button', { name: 'Cancel' }).waitFor();
  return page.getByRole('button', { name: 'Sign in' });
}

/** Types only the address on the sign-in page and submits. */
/**
 * Signs out of a session signed in at the provider: the app sends the browser on to the
 * provider's own sign-out page (left unanswered here, so the provider still knows the user),
 * then the test comes back to the sign-in page.
 */
async function signOutAtProvider(page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/session/end');
  assert.equal(new URL(page.url()).searchParams.get('client_id'), 'csp-northwind');
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
}

async function continueWithEmail(page, email, next = '') {
  await page.goto(`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

pageTest('a Global admin sets up single sign-on; an Admin agent then signs in at the provider with only the email', async (page) => {
  await signIn(page, 'global.admin@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Single sign-on', exact: true }).click();
  await waitForPath(page, '/settings/sso');
  await page.getByRole('heading', { level: 1, name: 'Single sign-on', exact: true }).waitFor();

  // Not set up yet: an empty form (the server's 404 is no error), and the redirect URI to
  // register at the provider already.
  await page.getByText('Single sign-on is not set up: everyone signs in with a password.').waitFor();
  assert.equal(await page.getByRole('alert').count(), 0);
  const redirectUri = `${env.server.baseUrl}/api/v1/sso/callback`;
  assert.equal(await page.getByRole('textbox', { name: 'Redirect URI', exact: true }).inputValue(), redirectUri);
  await page.getByRole('button', { name: 'Copy redirect URI', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Remove single sign-on' }).count(), 0);
  await checkA11y(page, 'Settings → Single sign-on, not set up');

  // The form's own checks, next to their fields: http to another machine, no secret the first
  // time, a domain that is no domain.
  const issuer = page.getByLabel('Issuer URL', { exact: true });
  const clientId = page.getByLabel('Client ID', { exact: true });
  const secret = page.getByLabel('Client secret', { exact: true });
  const domains = page.getByLabel('Email domains', { exact: true });
  assert.equal(await secret.getAttribute('type'), 'password');
  await issuer.fill('http://idp.example');
  await clientId.fill(CLIENT_ID);
  await domains.fill('northwind');
  const save = page.getByRole('button', { name: 'Save', exact: true });
  await save.click();
  await page.getByText("Enter the provider's issuer URL, starting with https://.").waitFor();
  await page.getByText('Enter the client secret the provider gave you.').waitFor();
  await page.getByText('Enter 1 to 20 e-mail domains such as litware.example.').waitFor();
  assert.equal(await issuer.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sso-issuer', 'the first problem has the focus');
  await checkA11y(page, 'Settings → Single sign-on with its problems');

  // The server's check: no discovery document at this issuer.
  await issuer.fill('http://127.0.0.1:9/nothing-here');
  await secret.fill(CLIENT_SECRET);
  await domains.fill('northwind.example');
  await save.click();
  await page.getByText('No OpenID Connect discovery document could be read at this issuer.').waitFor();
  assert.equal(await issuer.getAttribute('aria-invalid'), 'true');

  // The real provider.
  await issuer.fill(`${provider.issuer}/`);
  await save.click();
  await page.getByRole('status').filter({ hasText: 'Single sign-on was saved.' }).waitFor();
  await page.getByText('Single sign-on is on for northwind.example.').waitFor();
  assert.equal(await issuer.inputValue(), provider.issuer, "the server's spelling of the issuer");
  assert.equal(await secret.inputValue(), '', 'the secret is never shown again');
  await page.getByText('A secret is stored: leave this empty to keep it, or enter a new one.').waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Redirect URI', exact: true }).inputValue(), redirectUri);
  await page.getByRole('button', { name: 'Remove single sign-on' }).waitFor();
  await checkA11y(page, 'Settings → Single sign-on, set up');

  // The page as it comes after a reload: the stored provider, the secret kept on a change.
  await page.reload();
  await page.getByText('Single sign-on is on for northwind.example.').waitFor();
  assert.equal(await page.getByLabel('Issuer URL', { exact: true }).inputValue(), provider.issuer);
  assert.equal(await page.getByLabel('Client ID', { exact: true }).inputValue(), CLIENT_ID);
  assert.equal(await page.getByRole('checkbox', { name: 'Require single sign-on (Global admins keep their passwords)' }).isChecked(), false);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Single sign-on was saved.' }).waitFor();

  // Removing asks first; cancelling keeps it.
  await page.getByRole('button', { name: 'Remove single sign-on' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove single sign-on' });
  await dialog.getByText('Your organization\'s people will sign in with a password again', { exact: false }).waitFor();
  await checkA11y(page, 'the dialog that removes single sign-on');
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('Single sign-on is on for northwind.example.').waitFor();
  await signOut(page);

  // An Admin agent types only the email and goes to the provider; the password is not needed.
  const ssoBodies = watchRequests(page, '/api/v1/sessions/sso');
  const passwordBodies = watchRequests(page, '/api/v1/sessions');
  await continueWithEmail(page, 'admin.agent@northwind.example');
  const signInThere = await atProvider(page, 'admin.agent@northwind.example');
  assert.deepEqual(ssoBodies.map((b) => JSON.parse(b)), [{ email: 'admin.agent@northwind.example' }]);
  assert.deepEqual(passwordBodies, [], 'no password sign-in');
  await signInThere.click();
  await waitForPath(page, '/customers');
  await page.getByRole('table').getByRole('row').nth(1).waitFor();
  await page.getByRole('banner').getByText('Northwind Partners · Admin agent', { exact: true }).waitFor();
  await signOutAtProvider(page);

  // Going somewhere in particular: the provider (which remembers its own sign-in, so it asks
  // nothing this time) brings the user back there.
  await continueWithEmail(page, 'admin.agent@northwind.example', '/invoices');
  await waitForPath(page, '/invoices');
  await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
  await signOutAtProvider(page);
});

pageTest('a sign-in cancelled at the provider ends on the sign-in page saying so, in the user\'s language; the password never goes to /sessions/sso', async (page) => {
  const ssoBodies = watchRequests(page, '/api/v1/sessions/sso');
  const passwordBodies = watchRequests(page, '/api/v1/sessions');
  await page.goto('/sign-in');
  await page.getByText('Not needed if your organization signs in with its own account (single sign-on): your email is enough.').waitFor();
  // A password typed out of habit is neither needed nor sent.
  await page.getByLabel('Email', { exact: true }).fill('account.admin@northwind.example');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await (await atProvider(page, 'account.admin@northwind.example')).waitFor();
  assert.equal(ssoBodies.length, 1);
  assert.ok(!ssoBodies[0].includes(DEMO_PASSWORD) && !('password' in JSON.parse(ssoBodies[0])), ssoBodies[0]);
  assert.deepEqual(passwordBodies, []);

  await page.getByRole('button', { name: 'Cancel' }).click();
  await waitForPath(page, '/sign-in');
  assert.equal(new URL(page.url()).searchParams.get('sso_error'), 'denied');
  const denied = "The sign-in was cancelled at your organization's sign-in page. Try again, or ask your administrator for access.";
  await page.getByRole('alert').filter({ hasText: denied }).waitFor();
  await checkA11y(page, 'the sign-in page after a sign-in cancelled at the provider');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await page.getByRole('alert').filter({ hasText: '已在你组织的登录页面取消登录。' }).waitFor();
  await checkA11y(page, 'the sign-in page after a cancelled sign-in, in Chinese');
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');

  // Each reason of the server has its words; an unknown one is said as "could not be checked".
  for (const [code, text] of [
    ['expired', 'That sign-in took too long or was used already. Please sign in again.'],
    ['not_invited', 'This account has no access here. Ask an administrator of your organization to invite you.'],
    ['made_up', "Your organization's sign-in could not be checked."],
  ]) {
    await page.goto(`/sign-in?sso_error=${code}`);
    await page.getByRole('alert').filter({ hasText: text }).waitFor();
  }
});

pageTest('a user with two-step sign-in is asked for the code after the provider, whatever the provider says', async (page) => {
  const user = 'referral.admin@northwind.example';
  await continueWithEmail(page, user);
  await (await atProvider(page, user)).click();
  await waitForPath(page, '/customers');
  await page.getByRole('banner').getByRole('link', { name: 'Profile', exact: true }).click();
  const section = page.getByRole('region', { name: 'Two-step sign-in', exact: true });
  await section.getByRole('button', { name: 'Set up two-step sign-in', exact: true }).click();
  const key = await section.getByRole('textbox', { name: 'Key', exact: true }).inputValue();
  await section.getByLabel('Code', { exact: true }).fill(authenticatorCode(key));
  await section.getByRole('button', { name: 'Turn on', exact: true }).click();
  const codes = section.getByRole('textbox', { name: 'Recovery codes', exact: true });
  await codes.waitFor();
  const recovery = (await codes.inputValue()).split('\n');
  await signOutAtProvider(page);

  // Signed in at the provider with a password only: the code step at once. (The provider's own
  // cookie is dropped so that it asks again.)
  await page.context().clearCookies();
  await continueWithEmail(page, user);
  await (await atProvider(page, user)).click();
  await page.getByRole('heading', { level: 1, name: 'Two-step sign-in', exact: true }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  assert.equal(new URL(page.url()).searchParams.get('second_step'), '1');
  await page.getByLabel('Code', { exact: true }).fill(recovery[0]);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await waitForPath(page, '/customers');
  // Finished with the code, the session still came through the provider: signing out goes on
  // to the provider's own sign-out page.
  await signOutAtProvider(page);

  // A second factor at the provider does not replace the code set up here.
  await page.context().clearCookies();
  await continueWithEmail(page, user);
  await atProvider(page, user);
  await page.getByRole('checkbox', { name: 'Used a second factor' }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Two-step sign-in', exact: true }).waitFor();
  await checkA11y(page, 'the code step after a sign-in at the provider');
  await page.getByLabel('Code', { exact: true }).fill(recovery[1]);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await waitForPath(page, '/customers');
});

pageTest('a customer user at another domain still signs in with the password; other partner users are told who sets up single sign-on', async (page) => {
  await signIn(page, 'admin@contoso.onmicrosoft.com');
  await waitForPath(page, '/tenant');
  await signOut(page);

  // Fabrikam has no provider: its Global admin and Admin agent signs in with the password and
  // may set one up; Northwind's Account admin (signed in at the provider) may not.
  await signIn(page, 'admin.agent@fabrikam-resellers.example');
  await waitForPath(page, '/customers');
  await page.goto('/settings/sso');
  await page.getByText('Single sign-on is not set up: everyone signs in with a password.').waitFor();
  await signOut(page);

  await continueWithEmail(page, 'account.admin@northwind.example');
  await (await atProvider(page, 'account.admin@northwind.example')).click();
  await waitForPath(page, '/customers');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Single sign-on', exact: true }).click();
  await waitForPath(page, '/settings/sso');
  await page.getByRole('main').getByText('Requires Global admin', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Issuer URL').count(), 0);
  await checkA11y(page, 'Settings → Single sign-on for a role that cannot set it up');
});

pageTest('when single sign-on cannot start, the message names the request for support; a Global admin still signs in with the password', async (page) => {
  // The provider being down is the server's to find out; here its answer is given directly.
  await page.route('**/api/v1/sessions/sso', (route) => route.fulfill({
    status: 503,
    contentType: 'application/json',
    headers: { 'x-request-id': '01a24dbcexample', 'retry-after': '5' },
    body: JSON.stringify({ error: { code: 'unavailable', message: "Your organisation's sign-in page cannot be reached right now." } }),
  }));
  await continueWithEmail(page, 'global.admin@northwind.example');
  await page.getByRole('alert')
    .filter({ hasText: 'The service is unavailable for a moment. Please try again shortly. Reference: 01a24dbcexample' })
    .waitFor();
  await checkA11y(page, 'the sign-in page with an error and its reference');
  // Global admins keep their passwords for this.
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForPath(page, '/customers');
});

pageTest('a customer\'s user follows the deep link, signs in with Microsoft through the customer\'s tenant and sees its keys', async (page) => {
  // The partner's deep link for Contoso, which names Contoso's tenant.
  const signedIn = await page.request.post('/api/v1/sessions', {
    data: { email: 'admin.agent@northwind.example', password: DEMO_PASSWORD },
  });
  assert.equal(signedIn.status(), 200, await signedIn.text());
  const customers = await (await page.request.get('/api/v1/customers?q=contoso.onmicrosoft.com')).json();
  const link = (await (await page.request.get(`/api/v1/customers/${customers.items[0].id}/deep-link`)).json()).url;
  const tenant = new URL(link).searchParams.get('tenant');
  await page.context().clearCookies();

  // Not set up: the deep link's sign-in page offers only the address and password.
  await page.goto(link);
  await waitForPath(page, '/sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sign in with Microsoft' }).count(), 0);

  // The operator sets it up; the provider answers as Entra ID's `organizations` endpoint does.
  execFileSync(env.server.bin, ['admin', 'set-customer-sso', '--issuer', `${provider.issuer}/organizations/v2.0`,
    '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET], {
    env: { ...process.env, DATABASE_URL: env.server.databaseUrl, PUBLIC_URL: env.server.baseUrl, DEMO: '1', RUST_LOG: 'warn' },
  });
  await fetch(`${provider.issuer}/__mode`, { method: 'POST', body: 'entra' });
  try {
    await page.goto(link);
    await waitForPath(page, '/sign-in');
    const microsoft = page.getByRole('button', { name: 'Sign in with Microsoft' });
    await page.getByText('Followed a link from your partner? Sign in with your organization\'s Microsoft account.').waitFor();
    await checkA11y(page, 'the sign-in page of a deep link, with Sign in with Microsoft');
    await microsoft.click();
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'));
    assert.equal(await page.getByLabel('Account').inputValue(), '', 'no address was typed here');
    await page.getByLabel('Account').fill(`admin@contoso.onmicrosoft.com#tenant=${tenant}`);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Back on the deep link, signed in as Contoso's user: its keys.
    await waitForPath(page, '/admin-center/billing/products/software');
    assert.equal(new URL(page.url()).search, new URL(link).search, 'back on the deep link, with its tenant');
    await page.getByRole('heading', { level: 1, name: 'Software for Contoso Ltd' }).waitFor();
    const card = page.getByRole('article').filter({ hasText: 'SQL Server 2022 Enterprise' }).first();
    await card.getByRole('button', { name: 'Show key' }).click();
    assert.match(await card.getByRole('textbox', { name: 'Product key' }).inputValue(), /^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$/);

    // Someone of a tenant that is no customer's comes back to the sign-in page, told why. (A
    // new browser: the provider, like Microsoft's, would sign the same account in again.)
    await page.context().clearCookies();
    await page.goto(link);
    await waitForPath(page, '/sign-in');
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'));
    await page.getByLabel('Account').fill('admin@contoso.onmicrosoft.com#tenant=00000000-0000-4000-8000-000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForPath(page, '/sign-in');
    await page.getByRole('alert').filter({ hasText: 'This account has no access here. Ask an administrator of your organization to invite you.' }).waitFor();
  } finally {
    await fetch(`${provider.issuer}/__mode`, { method: 'POST', body: 'none' });
  }
});
