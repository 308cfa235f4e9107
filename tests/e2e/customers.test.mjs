// Browser end-to-end tests of signing in and finding a customer, against the real server
// and the release bundle in dist/. Selectors are accessible roles and names: they are the
// DOM contract of the app, so a failing selector means the page lost an accessible name.
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, eventually, signIn, useApp, waitForPath, signOut } from './harness.mjs';

const { pageTest } = useApp();

const ADMIN_AGENT = 'admin.agent@northwind.example';
const CUSTOMER = { name: 'Contoso Ltd', domain: 'contoso.onmicrosoft.com' };

// Parses "Showing 1–25 of 31 customers" into numbers (any dash or word between the first two).
function parseShowing(text) {
  const m = /Showing\s+(\d+)\D+?(\d+)\s+of\s+(\d+)\s+customers?/i.exec(text);
  assert.ok(m, `status line "${text}" does not read "Showing A–B of N customers"`);
  return { first: Number(m[1]), last: Number(m[2]), total: Number(m[3]) };
}

// Data rows of the results table: rows with a link and no column headers.
function resultRows(page) {
  return page.getByRole('table').getByRole('row')
    .filter({ has: page.getByRole('link') })
    .filter({ hasNot: page.getByRole('columnheader') });
}

pageTest('an Admin agent signs in, finds a customer by domain, reloads and signs out', async (page) => {
  // Signed out, the app sends visitors to the sign-in page.
  await page.goto('/');
  await waitForPath(page, '/sign-in');

  // A wrong password shows the server's own message in an alert.
  const refused = await page.request.post('/api/v1/sessions', {
    data: { email: ADMIN_AGENT, password: 'not-the-password' },
  });
  assert.ok(refused.status() >= 400 && refused.status() < 500, `wrong password answered ${refused.status()}`);
  const serverMessage = (await refused.json()).error.message;
  await page.getByLabel('Email', { exact: true }).fill(ADMIN_AGENT);
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: serverMessage });
  await alert.waitFor();
  assert.equal(new URL(page.url()).pathname, '/sign-in');

  // The right password lands on the customer list, with the user in the header.
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForPath(page, '/customers');
  const banner = page.getByRole('banner');
  await banner.getByText('Avery Agent').waitFor();
  await banner.getByRole('button', { name: 'Sign out', exact: true }).waitFor();

  // The first page of customers, with a status line and a pager.
  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await search.waitFor();
  const status = page.getByRole('status').filter({ hasText: /Showing/i });
  const firstPage = await eventually(async () => parseShowing(await status.innerText()));
  assert.equal(firstPage.first, 1);
  assert.ok(firstPage.total >= firstPage.last, `${JSON.stringify(firstPage)}`);
  await eventually(async () => assert.equal(await resultRows(page).count(), firstPage.last));
  if (firstPage.total > firstPage.last) {
    // More than one page of demo customers: the pager moves forward and back.
    const next = page.getByRole('button', { name: 'Next page', exact: true });
    const previous = page.getByRole('button', { name: 'Previous page', exact: true });
    await next.click();
    await eventually(async () => {
      const second = parseShowing(await status.innerText());
      assert.equal(second.first, firstPage.last + 1);
      assert.equal(second.total, firstPage.total);
    });
    await previous.click();
    await eventually(async () => assert.equal(parseShowing(await status.innerText()).first, 1));
  }

  // A search without results says so (typing is debounced: wait for the result, never sleep).
  await search.fill('zzz-no-such');
  await page.getByText('No customers match').first().waitFor();
  assert.equal(await resultRows(page).count(), 0);

  // Searching by domain finds exactly the one customer.
  await search.fill('contoso.onmicrosoft');
  await eventually(async () => {
    assert.equal(await resultRows(page).count(), 1);
    assert.equal(await resultRows(page).getByRole('link', { name: CUSTOMER.name, exact: true }).count(), 1);
  });

  // The API tells us which id and tenant the page must show.
  const found = await page.request.get(`/api/v1/customers?q=${encodeURIComponent('contoso.onmicrosoft')}`);
  assert.equal(found.status(), 200);
  const [customer] = (await found.json()).items;
  assert.equal(customer.company_name, CUSTOMER.name);

  // Opening the customer shows its details and tabs.
  await resultRows(page).getByRole('link', { name: CUSTOMER.name, exact: true }).click();
  await waitForPath(page, `/customers/${customer.id}`);
  const detailUrl = page.url();
  const expectCustomerPage = async () => {
    await page.getByRole('heading', { level: 1, name: CUSTOMER.name, exact: true }).waitFor();
    await page.getByText(CUSTOMER.domain).first().waitFor();
    await page.getByText(customer.tenant_id).first().waitFor();
    for (const tab of ['Software', 'Orders', 'Invoices & credits']) {
      await page.getByRole('tab', { name: tab, exact: true }).waitFor();
    }
  };
  await expectCustomerPage();

  // A reload keeps the session and the page.
  await page.reload();
  await expectCustomerPage();
  assert.equal(page.url(), detailUrl);
  await banner.getByText('Avery Agent').waitFor();

  // Signing out returns to the sign-in page, and the list is no longer reachable.
  await signOut(page);
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.equal((await page.request.get('/api/v1/session')).status(), 401);
  await page.goto('/customers');
  await waitForPath(page, '/sign-in');
  await page.getByLabel('Email', { exact: true }).waitFor();
});

pageTest('the navigation offers Customers, Support, Help with Report a problem, and Settings with the activity log', async (page) => {
  await signIn(page, ADMIN_AGENT);
  await waitForPath(page, '/customers');
  const nav = page.getByRole('navigation');
  // .first(): a page may hold more than one navigation landmark (e.g. breadcrumbs).
  await nav.getByRole('link', { name: 'Customers', exact: true }).first().waitFor();
  await nav.getByRole('link', { name: 'Support', exact: true }).first().waitFor();
  // The section shown is marked as current in the main navigation, also on a page below it
  // (where the breadcrumb's link up is not), and the mark follows Back.
  const mainNav = page.getByRole('navigation', { name: 'Main', exact: true });
  const current = () => mainNav.locator('a[aria-current="page"]').allTextContents();
  const inSection = async (shown, other) => {
    const marked = await current();
    assert.ok(marked.includes(shown) && !marked.includes(other), `${shown} marked, not ${other}: ${marked}`);
  };
  await inSection('Customers', 'Support');
  await page.getByRole('table').getByRole('link', { name: CUSTOMER.name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: CUSTOMER.name, exact: true }).waitFor();
  await inSection('Customers', 'Support');
  assert.equal(await page.locator('.breadcrumb a[aria-current]').count(), 0, 'the breadcrumb links up, not to here');
  await mainNav.getByRole('link', { name: 'Support', exact: true }).click();
  await waitForPath(page, '/support');
  await eventually(() => inSection('Support', 'Customers'));
  await page.goBack();
  await waitForPath(page, /^\/customers\//);
  await page.getByRole('heading', { level: 1, name: CUSTOMER.name, exact: true }).waitFor();
  await inSection('Customers', 'Support');
  await nav.getByRole('button', { name: 'Settings', exact: true }).click();
  const activityLog = nav.getByRole('link', { name: 'Activity log', exact: true }).first();
  await activityLog.waitFor({ state: 'visible' });
  // Help → Report a problem opens the support request form (R-SUP-1).
  await nav.getByRole('button', { name: 'Help', exact: true }).click();
  await nav.getByRole('link', { name: 'Report a problem', exact: true }).click();
  await waitForPath(page, '/support/new');
  await page.getByRole('heading', { level: 2, name: 'Details' }).waitFor();
});

pageTest('unknown app routes show the app\'s not-found page; unknown API routes are JSON 404s', async (page) => {
  await signIn(page, ADMIN_AGENT);
  await waitForPath(page, '/customers');

  // The server answers every app route with index.html; the app renders its own page.
  const response = await page.goto('/no/such/page');
  assert.equal(response.status(), 200);
  await page.getByRole('heading', { name: 'Page not found' }).first().waitFor();
  assert.equal(new URL(page.url()).pathname, '/no/such/page');

  // /api/* never falls back to index.html.
  const api = await page.request.get('/api/v1/no-such');
  assert.equal(api.status(), 404);
  assert.match(api.headers()['content-type'] ?? '', /application\/json/);
  const body = await api.json();
  assert.equal(body.error?.code, 'not_found');
  assert.equal(typeof body.error.message, 'string');
});

pageTest('a customer user lands on their tenant page', async (page) => {
  await signIn(page, `admin@${CUSTOMER.domain}`);
  await waitForPath(page, '/tenant');
  await page.getByRole('heading', { level: 1, name: CUSTOMER.name }).waitFor();
});

pageTest('a support agent lands on the support console', async (page) => {
  await signIn(page, 'support@csp-support.example');
  await waitForPath(page, '/support');
  await page.getByRole('heading', { level: 1, name: 'Support console' }).waitFor();
  // Agents decide requests; they do not file them.
  assert.equal(await page.getByRole('link', { name: 'Report a problem' }).count(), 0);
});
