// Shared set-up for the browser end-to-end tests: starts the real server binary on a
// free port with a fresh demo database, launches the system Chromium through
// playwright-core, and keeps evidence (screenshot, logs) when a test fails.
import { createHmac } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEMO_PASSWORD = 'demo-password';
const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', 'artifacts');
const STARTUP_TIMEOUT_MS = 30_000;

// Removes terminal colour codes: log lines may be coloured even when piped.
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

/**
 * Starts `target/debug/csp-server --seed-demo --dist dist` (override the binary with
 * CSP_SERVER_BIN) on 127.0.0.1:0 with its own SQLite database in a temporary directory.
 * Resolves to { baseUrl, databaseUrl, bin, output(), stop() } once the server says where it
 * listens (`databaseUrl` and `bin` for the operator's commands, `csp-server admin …`).
 */
export async function startServer(extraEnv = {}) {
  const dist = path.join(ROOT, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`${dist}/index.html is missing: build the app first (make dist, or trunk build --release --offline)`);
  }
  const bin = path.resolve(ROOT, process.env.CSP_SERVER_BIN ?? 'target/debug/csp-server');
  if (!existsSync(bin)) {
    throw new Error(`server binary ${bin} is missing: run cargo build -p csp-server first`);
  }

  const dataDir = await mkdtemp(path.join(tmpdir(), 'csp-e2e-'));
  const databaseUrl = `sqlite://${dataDir}/e2e.db`;
  const child = spawn(bin, ['--seed-demo', '--dist', dist], {
    cwd: ROOT,
    env: {
      ...process.env,
      BIND_ADDR: '127.0.0.1:0',
      DATABASE_URL: databaseUrl,
      DEMO_PASSWORD, // the tests sign in with the default password, whatever the caller exported
      CANCELLATION_DELAY_SECS: '2', // cancellations complete while a test watches
      NO_COLOR: '1',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let log = '';
  const output = () => log;
  let exited = false;
  const exitedPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    resolve({ code, signal });
  }));

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const baseUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not report "listening on http://…" within ${STARTUP_TIMEOUT_MS / 1000} s`)),
        STARTUP_TIMEOUT_MS,
      );
      // The address line is expected on stdout; stderr is watched too so logs end up in `log`.
      let found = false;
      const onData = (chunk) => {
        log += stripAnsi(chunk.toString());
        const m = !found && /listening on (http:\/\/\S+)/i.exec(log);
        if (m) {
          found = true;
          clearTimeout(timer);
          resolve(m[1].replace(/[/.,;]+$/, ''));
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (err) => { clearTimeout(timer); reject(err); });
      exitedPromise.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`server exited during start-up (code ${code}, signal ${signal})`));
      });
    });
    return { baseUrl, databaseUrl, bin, output, stop };
  } catch (err) {
    await stop();
    err.message += `\n--- server output ---\n${log || '(none)'}`;
    throw err;
  }
}

/** Headless system Chromium; playwright gives every launch a fresh temporary profile. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', // we run as root in CI containers
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under tests/e2e/artifacts/ and returns its path. */
export async function saveScreenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
  const file = path.join(ARTIFACTS, `${slug}-${Date.now()}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Starts one server and one browser for the calling test file and returns `pageTest(name, fn)`:
 * each test gets a new browser context (no shared cookies, `{ context }` options such as a
 * `timezoneId`) whose relative URLs resolve against the server. On failure the error carries a screenshot path, browser errors and the server log.
 * `alongside(server)`, when given, starts what the tests need beside the server once its
 * address is known (e.g. an identity provider that sends browsers back to it) and resolves to
 * the function that stops it.
 */
export function useApp({ serverEnv = {}, alongside } = {}) {
  const env = {};
  before(async () => {
    env.server = await startServer(serverEnv);
    env.browser = await launchBrowser();
    env.stopAlongside = await alongside?.(env.server);
  });
  after(async () => {
    await env.stopAlongside?.();
    await env.browser?.close();
    await env.server?.stop();
  });

  const pageTest = (name, fn, { timeout = 60_000, context: options = {} } = {}) => test(name, { timeout }, async () => {
    const context = await env.browser.newContext({ baseURL: env.server.baseUrl, ...options });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const browserErrors = [];
    page.on('pageerror', (err) => browserErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => { if (msg.type() === 'error') browserErrors.push(`console: ${msg.text()}`); });
    try {
      await fn(page, env.server);
      // The strict Content-Security-Policy must never block a part of the app.
      const blocked = browserErrors.filter((e) => /Content Security Policy|Refused to (execute|load|apply)/i.test(e));
      assert.deepEqual(blocked, [], 'the Content-Security-Policy blocked something');
    } catch (err) {
      let shot = '(screenshot failed)';
      try { shot = await saveScreenshot(page, name); } catch { /* keep the original error */ }
      console.error(`e2e failure screenshot: ${shot}`);
      const lines = env.server.output().split('\n');
      // The server's warnings first: a report that cuts the middle of a long message keeps them.
      const warnings = lines.filter((l) => /\b(WARN|ERROR)\b/.test(l)).slice(-20);
      err.message += (warnings.length ? `\n--- server warnings ---\n${warnings.join('\n')}` : '') +
        `\nURL: ${page.url()}\nScreenshot: ${shot}` +
        (browserErrors.length ? `\n--- browser errors ---\n${browserErrors.join('\n')}` : '') +
        `\n--- server output (tail) ---\n${lines.slice(-40).join('\n')}`;
      throw err;
    } finally {
      await context.close();
    }
  });
  return { env, pageTest };
}

/** Retries `check` (which throws, e.g. an assertion) until it passes or `timeout` ms pass. */
export async function eventually(check, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

/** Waits until the page's path (without query) equals `pathname` or matches a RegExp. */
export function waitForPath(page, pathname) {
  const matches = (url) => (pathname instanceof RegExp ? pathname.test(url.pathname) : url.pathname === pathname);
  return page.waitForURL(matches);
}

/**
 * Signs out from the shell and waits until the sign-in page is shown: the session ends on the
 * server only when the sign-out request completes, so a test must not navigate away before.
 */
export async function signOut(page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click();
  await waitForPath(page, '/sign-in');
}

/** Fills in and submits the sign-in form, starting from /sign-in. */
export async function signIn(page, email, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on what the page shows now and fails on any violation of WCAG 2.1 A or AA or of
 * axe's best practices, naming the rule and the elements. Evaluated through the DevTools protocol, so the page's
 * Content-Security-Policy stays as strict as ever.
 */
export async function checkA11y(page, what = page.url()) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`).join('\n'));
  });
  assert.deepEqual(violations, [], `accessibility of ${what}:\n${violations.join('\n')}`);
}

/** The bytes of an RFC 4648 base32 text (no padding), as authenticator apps read a key. */
function base32Bytes(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(out);
}

/** The six digits an authenticator app shows for `key` (RFC 6238, SHA-1, 30 s) at `at`. */
export function authenticatorCode(key, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', base32Bytes(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
