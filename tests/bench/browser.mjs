// `make bench`, the browser half: what the release app costs to fetch, and how long it takes in
// headless Chromium on loopback from opening the sign-in page to an interactive customer list.
// Prints and asserts nothing. Needs dist/ (a release build) and CSP_SERVER_BIN.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, DEMO_PASSWORD, startServer, launchBrowser } from '../e2e/harness.mjs';

const RUNS = 7;
const dist = path.join(ROOT, 'dist');

// The app's transfer: the files index.html loads (wasm, JS, CSS), as sent (brotli, gzip).
const sizes = { raw: 0, br: 0, gz: 0 };
console.log('app files in dist/ (bytes)      raw        br      gzip');
for (const name of readdirSync(dist).sort()) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const size = (suffix) => {
    try { return statSync(path.join(dist, name + suffix)).size; } catch { return NaN; }
  };
  const [raw, br, gz] = [size(''), size('.br'), size('.gz')];
  sizes.raw += raw; sizes.br += br; sizes.gz += gz;
  console.log(`${name.padEnd(30)} ${String(raw).padStart(8)} ${String(br).padStart(9)} ${String(gz).padStart(9)}`);
}
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(`${'transfer (wasm + JS + CSS)'.padEnd(30)} ${kb(sizes.raw).padStart(8)} ${kb(sizes.br).padStart(9)} ${kb(sizes.gz).padStart(9)}`);
if (!readFileSync(path.join(dist, 'index.html'), 'utf8').includes('_bg.wasm')) {
  console.log('(index.html names no wasm: is dist/ a Trunk build?)');
}

const server = await startServer();
const browser = await launchBrowser();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timings = { cold: [], signIn: [], warm: [] };
try {
  for (let run = 0; run < RUNS; run++) {
    // A new context: nothing cached, no cookie, as a first visit.
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    let t = performance.now();
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    timings.cold.push(performance.now() - t);
    await page.getByLabel('Email', { exact: true }).fill('admin.agent@northwind.example');
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    t = performance.now();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('table tbody tr a').first().waitFor();
    timings.signIn.push(performance.now() - t);
    // Signed in, files cached: open the customer list again from the address bar.
    t = performance.now();
    await page.goto('/customers');
    await page.locator('table tbody tr a').first().waitFor();
    timings.warm.push(performance.now() - t);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const ms = (xs) => `${median(xs).toFixed(0)} ms (median of ${xs.length}, max ${Math.max(...xs).toFixed(0)})`;
console.log(`\nheadless Chromium, loopback, demo data`);
console.log(`sign-in page interactive, first visit   ${ms(timings.cold)}`);
console.log(`Sign in → customer list interactive     ${ms(timings.signIn)}`);
console.log(`customer list reloaded, files cached    ${ms(timings.warm)}`);
