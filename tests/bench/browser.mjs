// `make bench`, the browser half: what the release app costs to fetch (the first page against
// its budget of 200 KB brotli), and what a user waits for in headless Chromium, throttled as a
// phone on a slow network and on loopback, against the goals. Prints, and asserts nothing.
// Needs dist/ (a release build) and CSP_SERVER_BIN.
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
const firstPage = sum(first);
row('first page (sign-in), in total', firstPage);
console.log(`  budget: 200 KB brotli — ${firstPage.br <= 200 * 1024 ? 'within it' : 'OVER IT'}`);
for (const f of first) row(`  ${f.replace(pkg.slice(1), '')}`, size(f));
// Each part's module and the shared modules it waits for (written by scripts/build-app.mjs).
const target = path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');
// (empty when the build could not read them from the split loader)
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

// What a user waits for (../shared/notes/user-waits.md), each from the test driver's clock:
// a first visit until the sign-in form takes input; Sign in until the first customer row is
// shown; a reload with the files cached until the first row is shown again. Once as a
// mid-range phone on a slow mobile network (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up,
// CPU 4× slower, through the DevTools protocol), once on loopback as it is.
const THROTTLED = {
  network: { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
  cpu: 4,
};
const GOALS = { firstVisit: 1600, signIn: 800, reload: 600 };

async function measure(throttle) {
  const times = { firstVisit: [], signIn: [], reload: [] };
  for (let run = 0; run < RUNS; run++) {
    // A new context: nothing cached, no cookie, as a first visit.
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    if (throttle) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', throttle.network);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle.cpu });
    }
    const email = page.getByLabel('Email', { exact: true });
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    const firstRow = page.locator('table tbody tr a').first();
    let t = performance.now();
    await page.goto('/', { waitUntil: 'commit' });
    await email.waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('button')]
      .some((b) => b.textContent.trim() === 'Sign in' && !b.disabled));
    times.firstVisit.push(performance.now() - t);
    await email.fill('admin.agent@northwind.example');
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    t = performance.now();
    await button.click();
    await firstRow.waitFor();
    times.signIn.push(performance.now() - t);
    t = performance.now();
    await page.reload({ waitUntil: 'commit' });
    await firstRow.waitFor();
    times.reload.push(performance.now() - t);
    await context.close();
  }
  return times;
}

let throttled;
let loopback;
try {
  throttled = await measure(THROTTLED);
  loopback = await measure(null);
} finally {
  await browser.close();
  await server.stop();
}
const ms = (xs) => `${(median(xs) / 1000).toFixed(2)} s`;
const range = (xs) => `${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)} s`;
console.log(`\nwhat a user waits for, headless Chromium, demo data, medians of ${RUNS} (range)`);
console.log('                                  throttled (phone, slow network)      goal     loopback');
for (const [key, label] of [['firstVisit', 'first visit → sign-in form usable'], ['signIn', 'Sign in → first customer row'], ['reload', 'reload, files cached → first row']]) {
  const goal = GOALS[key];
  const verdict = median(throttled[key]) <= goal ? 'met' : 'MISSED';
  console.log(`${label.padEnd(34)}${ms(throttled[key]).padStart(7)} (${range(throttled[key])})   ≤ ${(goal / 1000).toFixed(1)} s ${verdict.padEnd(6)} ${ms(loopback[key]).padStart(7)} (${range(loopback[key])})`);
}
