// Browser end-to-end tests of what an attacker's link can do (nothing) and of refusals in
// the user's language, against the real server and the release bundle in dist/.
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, useApp, waitForPath, signOut } from './harness.mjs';

const { pageTest } = useApp();

// Return paths that browsers normalise into another site, or that are no page of the app.
const HOSTILE_NEXT = [
  '//evil.example',
  '/..//evil.example',
  '/.//x',
  '/%252e%252e//x',
  'https://evil.example/',
  '/\\evil.example',
  'javascript:alert(1)',
];

pageTest('a crafted return path after sign-in lands on the home page and the app keeps working', async (page, server) => {
  for (const next of HOSTILE_NEXT) {
    await page.context().clearCookies();
    await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
    await page.evaluate(() => sessionStorage.clear());
    await page.getByLabel('Email', { exact: true }).fill('admin.agent@northwind.example');
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPath(page, '/customers');
    assert.equal(new URL(page.url()).origin, new URL(server.baseUrl).origin, `stayed on the app after next=${next}`);
    // Still a working app: the list loads and navigation works.
    await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
    await page.getByRole('navigation').first().getByRole('link', { name: 'Support', exact: true }).click();
    await waitForPath(page, '/support');
    await page.getByRole('heading', { name: 'Support requests' }).first().waitFor();
    await signOut(page);
  }
});

pageTest('refusals and sign-in errors are shown in Chinese when Chinese is chosen', async (page) => {
  await page.goto('/sign-in');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await page.getByLabel('电子邮件', { exact: true }).fill('admin.agent@northwind.example');
  await page.getByLabel('密码', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: '电子邮件地址或密码不正确。' }).waitFor();

  // An empty form is checked in the browser by the same rule the server applies.
  await page.getByLabel('电子邮件', { exact: true }).fill('');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByText('请输入电子邮件地址。').waitFor();

  await page.getByLabel('电子邮件', { exact: true }).fill('admin.agent@northwind.example');
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await waitForPath(page, '/customers');

  // The server refuses the activity log to an Admin agent; the app says so in Chinese,
  // naming the roles that may read it.
  await page.goto('/activity-log');
  const refusal = page.getByRole('alert').filter({ hasText: '全局管理员' });
  await refusal.waitFor();
  const text = await refusal.innerText();
  assert.match(text, /帐户管理员/);
  assert.match(text, /查看活动日志/);
  assert.doesNotMatch(text, /You need/);
});

pageTest('the app is sent precompressed, hashed files are cached for a year, and robots.txt is text', async (page, server) => {
  // The app starts from the precompressed files the browser is sent.
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

  const get = (path, encoding) => fetch(`${server.baseUrl}${path}`, { headers: { 'accept-encoding': encoding } });
  const index = await get('/', 'br, gzip');
  assert.equal(index.headers.get('cache-control'), 'no-cache', 'index.html is revalidated');
  const html = await index.text();
  // The stylesheet and icon carry their content hash; the wasm, its JS and the modules loaded
  // later live under /pkg/<hash of the whole set>/.
  const named = [...html.matchAll(/\/([\w.-]+-[0-9a-f]{12,16}\.(?:css|svg))(?=["\s>])/g)].map((m) => `/${m[1]}`);
  const pkg = html.match(/\/pkg\/[0-9a-f]{12,16}\//)?.[0];
  assert.ok(pkg, 'index.html loads the app from /pkg/<hash>/');
  // The inline loader names no build: its hash in the server's CSP holds across rebuilds.
  const inline = [...html.matchAll(/<script[^>]*>([^]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(inline.length, 1, 'one inline script');
  assert.doesNotMatch(inline[0], /\/pkg\//);
  assert.equal(named.length, 2, `index.html names a hashed stylesheet and icon: ${named}`);
  const assets = [...named, `${pkg}csp-app.js`, `${pkg}csp-app_bg.wasm`, `${pkg}__wasm_split.js`, `${pkg}split_support.wasm`, `${pkg}zh-CN.json`];
  for (const asset of assets) {
    const plain = await get(asset, 'identity');
    assert.equal(plain.status, 200, asset);
    assert.equal(plain.headers.get('content-encoding'), null, `${asset} as it is`);
    const bytes = Buffer.from(await plain.arrayBuffer());
    for (const encoding of ['br', 'gzip']) {
      const res = await get(asset, encoding);
      assert.equal(res.headers.get('content-encoding'), encoding, `${asset} in ${encoding}`);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', asset);
      assert.match(res.headers.get('vary') ?? '', /accept-encoding/i, asset);
      // fetch decodes it: the same bytes as the file.
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes), `${asset} in ${encoding} is the file`);
    }
  }
  assert.match((await get(`${pkg}split_support.wasm`, 'br')).headers.get('content-type'), /^application\/wasm/);
  // A module of another build is not there: 404, never the app's page in its place.
  for (const missing of ['/pkg/0123456789abcdef/split_support.wasm', pkg, pkg.slice(0, -1)]) {
    const res = await fetch(`${server.baseUrl}${missing}`, { redirect: 'manual' });
    assert.equal(res.status, 404, missing);
    assert.doesNotMatch(await res.text(), /<html/, missing);
  }

  const robots = await get('/robots.txt', 'identity');
  assert.equal(robots.status, 200);
  assert.match(robots.headers.get('content-type'), /^text\/plain/);
  assert.match(await robots.text(), /^User-agent: \*\nDisallow: \/$/m);
});

pageTest('a first visit starts signed out without asking the server; a new tab after signing in is signed in', async (page) => {
  const sessionChecks = [];
  const consoleErrors = [];
  const watch = (p) => {
    p.on('request', (r) => { if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/v1/session') sessionChecks.push(r.url()); });
    p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  };
  watch(page);
  await page.goto('/customers');
  await waitForPath(page, '/sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.deepEqual(sessionChecks, [], 'nothing to ask on a first visit');
  assert.deepEqual(consoleErrors, [], 'no 401 in the console');

  await page.getByLabel('Email', { exact: true }).fill('admin.agent@northwind.example');
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForPath(page, '/customers');

  // Another tab of the same browser finds the session.
  const tab = await page.context().newPage();
  watch(tab);
  await tab.goto('/customers');
  await tab.getByRole('searchbox', { name: 'Search customers' }).waitFor();
  assert.equal(sessionChecks.length, 1, 'the new tab asked once');

  // Signed out there, a third tab starts signed out and asks nothing.
  await signOut(tab);
  const third = await page.context().newPage();
  watch(third);
  await third.goto('/customers');
  await waitForPath(third, '/sign-in');
  await third.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.equal(sessionChecks.length, 1);
  assert.deepEqual(consoleErrors, []);
});
