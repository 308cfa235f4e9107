// `make bench`, Lighthouse: its default audit (mobile, simulated throttling) of the sign-in page
// and of the customer list, signed in, against the release build in Debian's Chromium. Prints
// the scores and the main metrics; asserts nothing. Needs .tools/lighthouse (the Makefile
// installs npm `lighthouse` there) and CSP_SERVER_BIN.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, DEMO_PASSWORD, startServer } from '../e2e/harness.mjs';

const tools = createRequire(path.join(ROOT, '.tools/lighthouse/package.json'));
const { default: lighthouse } = await import(pathToFileURL(tools.resolve('lighthouse')));
const { default: puppeteer } = await import(pathToFileURL(tools.resolve('puppeteer-core')));

const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const server = await startServer();
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new'],
});
const print = (label, lhr) => {
  const score = (c) => String(Math.round(lhr.categories[c].score * 100)).padStart(5);
  const metric = (a) => (lhr.audits[a].displayValue ?? '—').padStart(8);
  console.log(`${label.padEnd(30)} ${score('performance')} ${score('accessibility')} ${score('best-practices')} ${metric('largest-contentful-paint')} ${metric('total-blocking-time')}  ${(lhr.audits['total-byte-weight'].numericValue / 1024) | 0} KiB`);
  const below = Object.entries(lhr.audits)
    .filter(([, a]) => a.score !== null && a.score < 0.9 && ['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode))
    .map(([id, a]) => `${id}${a.displayValue ? ` (${a.displayValue})` : ''}`);
  if (below.length) console.log(`    below 0.9: ${below.join(', ')}`);
};
// Lighthouse sometimes fails to record the trace of a load (NO_NAVSTART, "run Lighthouse
// again"): such a run is said and run again, up to three times.
const audit = async (url, flags, page, prepare = async () => {}) => {
  for (let attempt = 1; ; attempt++) {
    await prepare();
    const { lhr } = await lighthouse(url, { onlyCategories: CATEGORIES, logLevel: 'error', ...flags }, undefined, page);
    if (!lhr.runtimeError || attempt === 3) return lhr;
    console.log(`    (Lighthouse could not measure ${new URL(url).pathname}: ${lhr.runtimeError.code}; again)`);
  }
};
try {
  console.log('Lighthouse, mobile             perf  a11y  best      LCP      TBT  transfer');
  // A first visit: Lighthouse clears cache and storage itself.
  const first = await browser.newPage();
  print('sign-in page', await audit(`${server.baseUrl}/sign-in`, {}, first));
  await first.close();

  // Signed in through the form (cookie and the app's storage), then an empty HTTP cache.
  const page = await browser.newPage();
  await page.goto(`${server.baseUrl}/sign-in`);
  await page.waitForSelector('input[type=email]');
  await page.type('input[type=email]', 'admin.agent@northwind.example');
  await page.type('input[type=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForFunction(() => location.pathname === '/customers'), page.keyboard.press('Enter')]);
  await page.waitForSelector('table tbody tr a');
  const cdp = await page.createCDPSession();
  const list = await audit(`${server.baseUrl}/customers`, { disableStorageReset: true }, page,
    () => cdp.send('Network.clearBrowserCache'));
  print('customer list (signed in)', list);
  if (new URL(list.finalDisplayedUrl).pathname !== '/customers') {
    console.log(`    (ended on ${list.finalDisplayedUrl}, not the customer list)`);
  }
} finally {
  await browser.close();
  await server.stop();
}
