// Browser end-to-end tests of how the app arrives: signing in and the customer list need only
// the main module; the other parts of the app are fetched when first opened, and a part that
// cannot be fetched says so and offers a reload instead of leaving a blank page.
import assert from 'node:assert/strict';
import { eventually, signIn, useApp, waitForPath, signOut } from './harness.mjs';

const { pageTest } = useApp();

const ADMIN_AGENT = 'admin.agent@northwind.example';

/** The wasm modules the page has asked for, by file name, in order. */
function watchModules(page) {
  const modules = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.endsWith('.wasm')) modules.push(pathname.split('/').pop());
  });
  return modules;
}

pageTest('signing in and the customer list need only the main module; a customer and support fetch theirs when opened', async (page) => {
  const modules = watchModules(page);
  await signIn(page, ADMIN_AGENT);
  await waitForPath(page, '/customers');
  await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
  await page.getByRole('table').getByRole('link').first().waitFor();
  assert.deepEqual(modules, ['csp-app_bg.wasm'], 'signing in and the list: the main module only');

  await page.getByRole('table').getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Contoso Ltd', exact: true }).waitFor();
  assert.ok(modules.includes('split_customer.wasm'), `a customer's page fetched its module: ${modules}`);
  // Styled from the one stylesheet the page came with.
  assert.equal(await page.getByRole('tablist').evaluate((bar) => getComputedStyle(bar).display), 'flex');
  assert.ok(!modules.includes('split_support.wasm'), 'support is not fetched before it is opened');

  await page.getByRole('navigation').first().getByRole('link', { name: 'Support', exact: true }).click();
  await page.getByRole('heading', { name: 'Support requests' }).first().waitFor();
  assert.ok(modules.includes('split_support.wasm'), `support fetched its module: ${modules}`);

  // Back to the customer: its module is here already, nothing is fetched again.
  const before = modules.length;
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Contoso Ltd', exact: true }).waitFor();
  assert.equal(modules.length, before, `nothing fetched again: ${modules.slice(before)}`);
});

pageTest('a part of the app that cannot be fetched says so, and a reload brings it', async (page) => {
  await signIn(page, ADMIN_AGENT);
  await waitForPath(page, '/customers');
  await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();

  // As after an update while the tab was open: the old build's support module is gone.
  await page.route('**/split_support.wasm', (route) => route.fulfill({ status: 404, body: '' }));
  await page.getByRole('navigation').first().getByRole('link', { name: 'Support', exact: true }).click();
  await waitForPath(page, '/support');
  const alert = page.getByRole('alert').filter({ hasText: 'This page could not be loaded.' });
  await alert.waitFor();
  // The shell still works around it.
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();

  await page.unroute('**/split_support.wasm');
  await alert.getByRole('button', { name: 'Reload', exact: true }).click();
  await page.getByRole('heading', { name: 'Support requests' }).first().waitFor();
  assert.equal(await page.getByText('This page could not be loaded.').count(), 0);
});

/** Holds back the main module until the returned function is called. */
async function holdMainModule(page) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/csp-app_bg.wasm', async (route) => { await held; await route.continue(); });
  return release;
}

/** The API's GETs the page sends, by path and query, in order. */
function watchApi(page) {
  const asked = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'GET' && url.pathname.startsWith('/api/')) asked.push(url.pathname + url.search);
  });
  return asked;
}

pageTest('a new tab of a signed-in browser asks for the session while the code downloads, once', async (page) => {
  await signIn(page, ADMIN_AGENT);
  await waitForPath(page, '/customers');
  await page.getByRole('table').getByRole('link').first().waitFor();

  // A new tab has no copy of the user in its sessionStorage: it must ask who is signed in.
  const tab = await page.context().newPage();
  const asked = watchApi(tab);
  const release = await holdMainModule(tab);
  await tab.goto('/customers', { waitUntil: 'commit' });
  // The app's code has not arrived, and the session's answer is on its way already.
  await eventually(() => assert.deepEqual(asked, ['/api/v1/session']));
  release();
  await tab.getByRole('table').getByRole('link', { name: 'Contoso Ltd', exact: true }).waitFor();
  assert.deepEqual(asked.filter((url) => url === '/api/v1/session'), ['/api/v1/session'], 'asked once: the app took the early answer');
  await tab.close();
});

pageTest('a browser that is not signed in asks the API nothing before the app has started', async (page) => {
  await signIn(page, ADMIN_AGENT);
  await waitForPath(page, '/customers');
  await page.getByRole('table').getByRole('link').first().waitFor();
  await signOut(page);

  const asked = watchApi(page);
  const release = await holdMainModule(page);
  await page.goto('/customers', { waitUntil: 'commit' });
  await page.waitForLoadState('domcontentloaded');
  assert.equal(await page.evaluate(() => window.cspSession), undefined, 'no request before the code: no 401 in the console');
  release();
  await waitForPath(page, '/sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.deepEqual(asked, [], 'nor after it');
});

pageTest('the app starts even when the wasm comes under another content type (a proxy in between)', async (page) => {
  const served = [];
  await page.route('**/csp-app_bg.wasm', async (route) => {
    const response = await route.fetch();
    served.push(response.headers()['content-type']);
    await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
  });
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.ok(served.length > 0 && served.every((type) => type === 'application/wasm'), `the server's own type: ${served}`);
});

pageTest('the Chinese texts are fetched only when Chinese is chosen; if they cannot be, the app stays in English', async (page) => {
  const tables = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('/zh-CN.json')) tables.push(request.url());
  });
  await page.goto('/sign-in');
  const language = page.getByRole('combobox', { name: 'Language' });
  await language.waitFor();
  assert.deepEqual(tables, [], 'an English visit fetches no Chinese texts');

  // Unreachable: the choice does not take, and the picker says English again.
  await page.route('**/zh-CN.json', (route) => route.fulfill({ status: 404, body: '' }));
  const refused = page.waitForResponse((response) => response.url().endsWith('/zh-CN.json'));
  await language.selectOption('zh-CN');
  await refused;
  await eventually(async () => assert.equal(await language.inputValue(), 'en'));
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();

  await page.unroute('**/zh-CN.json');
  await language.selectOption('zh-CN');
  await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
  assert.equal(tables.length, 2, `tried once, fetched once: ${tables}`);
  // Chosen before: fetched before the first paint, so the page opens in Chinese.
  await page.reload();
  await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Sign in', exact: true }).count(), 0);
});
