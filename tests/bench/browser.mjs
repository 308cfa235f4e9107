// `make bench`, the browser half: what the release app costs to fetch, and how long it takes in
// headless Chromium on loopback from opening the sign-in page to an interactive customer list.
// Prints, and asserts nothing about speed (it stops only if a mark the page should take is
// missing). Needs dist/ (a release build) and CSP_SERVER_BIN.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, DEMO_PASSWORD, startServer, launchBrowser } from '../e2e/harness.mjs';
import { printContributors } from './contributors.mjs';

const RUNS = 7;
const dist = path.join(ROOT, 'dist');

// The app's transfer, as sent (brotli, gzip): what the first page loads (index.html, the CSS,
// the JS glue, the loader of the split modules and the main wasm), then what each part adds when
// it is first opened (its module and the shared modules it needs), then what the main module is
// made of (contributors.mjs).
const index = readFileSync(path.join(dist, 'index.html'), 'utf8');
const pkg = index.match(/\/pkg\/[0-9a-f]+\//)?.[0];
if (!pkg) throw new Error('index.html loads no /pkg/<hash>/: build the app first (make dist)');
const size = (file) => {
  const at = (suffix) => { try { return statSync(path.join(dist, file + suffix)).size; } catch { return NaN; } };
  return { raw: at(''), br: at('.br'), gz: at('.gz') };
};
const sum = (files) => files.map(size).reduce((a, b) => ({ raw: a.raw + b.raw, br: a.br + b.br, gz: a.gz + b.gz }), { raw: 0, br: 0, gz: 0 });
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const row = (label, t) => console.log(`${label.padEnd(34)} ${kb(t.raw).padStart(8)} ${kb(t.br).padStart(9)} ${kb(t.gz).padStart(9)}`);
// Trunk's minified index.html leaves attribute values unquoted.
const css = [...index.matchAll(/href="?\/([\w.-]+\.css)"?/g)].map((m) => m[1]);
if (css.length === 0) throw new Error('index.html links no stylesheet: has its format changed?');
const first = ['index.html', ...css, ...['csp-app.js', '__wasm_split.js', 'csp-app_bg.wasm'].map((f) => pkg.slice(1) + f)];
console.log('the app as sent                        raw        br      gzip');
row('first page (sign-in), in total', sum(first));
for (const f of first) row(`  ${f.replace(pkg.slice(1), '')}`, size(f));
// Each part's module and the shared modules it waits for (written by scripts/build-app.mjs).
const target = path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');
const parts = Object.entries(JSON.parse(readFileSync(path.join(target, 'app-build', 'parts.json'), 'utf8')))
  .map(([name, files]) => ({ name, files }));
for (const part of parts) {
  row(`+ ${part.name} (${part.files.length} files)`, sum(part.files.map((f) => pkg.slice(1) + f)));
}
row('+ Chinese texts (zh-CN.json)', size(pkg.slice(1) + 'zh-CN.json'));
const everything = readdirSync(path.join(dist, pkg)).filter((f) => /\.(wasm|js|css)$/.test(f)).map((f) => pkg.slice(1) + f);
row('the whole app (every module)', sum([...new Set([...first, ...everything])]));
printContributors(path.join(target, 'app-build', 'bindgen', 'csp-app_bg.wasm'));

const server = await startServer();
const browser = await launchBrowser();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Two clocks. The driver's: from its call until it has seen the result, which includes its own
// round trips to the browser and its checks before a click (tens of milliseconds, varying).
// The page's: marks it takes itself (`performance.now()`, from the navigation's start), set up
// before any of the app runs — when the Sign in button is drawn, when the form is submitted,
// when the first customer row is in the page (with its link and handlers).
const MARKS = `(() => {
  const marks = (window.__benchMarks = {});
  const look = () => {
    if (marks.signInButton === undefined
      && [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Sign in')) {
      marks.signInButton = performance.now();
    }
    if (marks.rows === undefined && document.querySelector('table tbody tr a')) marks.rows = performance.now();
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true });
  document.addEventListener('submit', () => { marks.submit ??= performance.now(); }, true);
})()`;
const marks = (page) => page.evaluate(() => window.__benchMarks);
const driver = { cold: [], signIn: [], warm: [] };
const inPage = { cold: [], signIn: [], warm: [] };
try {
  for (let run = 0; run < RUNS; run++) {
    // A new context: nothing cached, no cookie, as a first visit.
    const context = await browser.newContext({ baseURL: server.baseUrl });
    await context.addInitScript(MARKS);
    const page = await context.newPage();
    let t = performance.now();
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    driver.cold.push(performance.now() - t);
    inPage.cold.push((await marks(page)).signInButton);
    await page.getByLabel('Email', { exact: true }).fill('admin.agent@northwind.example');
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    t = performance.now();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('table tbody tr a').first().waitFor();
    driver.signIn.push(performance.now() - t);
    const signedIn = await marks(page); // the app moved to the list without loading a page
    inPage.signIn.push(signedIn.rows - signedIn.submit);
    // Signed in, files cached: open the customer list again from the address bar.
    t = performance.now();
    await page.goto('/customers');
    await page.locator('table tbody tr a').first().waitFor();
    driver.warm.push(performance.now() - t);
    inPage.warm.push((await marks(page)).rows);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const all = Object.values(inPage).flat();
if (all.some((x) => !Number.isFinite(x))) {
  throw new Error(`a mark the page should have taken is missing: ${JSON.stringify(inPage)}`);
}
const ms = (xs) => `${median(xs).toFixed(0).padStart(4)} ms (max ${Math.max(...xs).toFixed(0).padStart(4)})`;
console.log(`\nheadless Chromium, loopback, demo data, medians of ${RUNS}    in the page          as the driver sees it`);
console.log(`sign-in page interactive, first visit   ${ms(inPage.cold)}   ${ms(driver.cold)}`);
console.log(`Sign in → customer list interactive     ${ms(inPage.signIn)}   ${ms(driver.signIn)}`);
console.log(`customer list reloaded, files cached    ${ms(inPage.warm)}   ${ms(driver.warm)}`);
