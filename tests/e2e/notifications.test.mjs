// Browser end-to-end tests of notifications: a Global admin registers a webhook endpoint (a
// receiver started here), sends the test event and sees it delivered in the delivery log, the
// receiver checking the signature with the secret the page showed once; and a customer's admin
// who chose Chinese mails in their profile gets the mail about a cancelled purchase in Chinese
// from a real SMTP server (maildev, started here).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after } from 'node:test';
import { ROOT, checkA11y, eventually, signIn, signOut, useApp, waitForPath } from './harness.mjs';

/** A free port on loopback (closed again before it is used). */
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The mail server the test server sends to.
const smtpPort = await freePort();
const mailWebPort = await freePort();
const maildev = spawn(path.join(ROOT, 'node_modules/.bin/maildev'),
  ['--ip', '127.0.0.1', '--smtp', String(smtpPort), '--web', String(mailWebPort), '--silent'],
  { stdio: 'ignore' });
after(() => maildev.kill());
await eventually(async () => {
  const res = await fetch(`http://127.0.0.1:${mailWebPort}/email`);
  assert.equal(res.status, 200);
}, { timeout: 20_000, interval: 200 });

// A webhook receiver: records each delivery and answers 200.
const received = [];
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200);
    res.end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
after(() => receiver.close());
const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

const { pageTest } = useApp({ serverEnv: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } });

/** Whether `header` (t=…,v1=…) signs `body` with `secret`, as a receiver checks it. */
function signedWith(secret, header, body) {
  const parts = header.split(',').map((p) => p.split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return parts.some(([k, v]) => k === 'v1' && v === expected);
}

pageTest('a Global admin registers a webhook, sends the test event and sees it delivered in the log', async (page) => {
  await signIn(page, 'global.admin@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await waitForPath(page, '/settings/webhooks');
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
  await page.getByText('No endpoints yet.').waitFor();

  // The server refuses an address inside a private network, next to the field.
  await page.getByLabel('Endpoint URL').fill('https://10.0.0.5/hook');
  await page.getByLabel('An order was placed').check();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await page.getByText('This address is inside a private network or on this server').waitFor();
  await checkA11y(page, 'webhooks: a refused address');

  await page.getByLabel('Endpoint URL').fill(hookUrl);
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const endpoint = page.getByRole('region', { name: hookUrl });
  await endpoint.getByText('Copy it now: it is not shown again.').waitFor();
  const secret = await endpoint.getByLabel('Signing secret').inputValue();
  assert.match(secret, /^whsec_[0-9a-f]{64}$/);
  await endpoint.getByText('Active', { exact: true }).waitFor();

  await endpoint.getByRole('button', { name: 'Send test event' }).click();
  const sent = await endpoint.getByRole('status').filter({ hasText: /Test event .* is on its way/ }).innerText();
  const eventId = /Test event (\S+) is on its way/.exec(sent)[1];
  const row = endpoint.getByRole('table').getByRole('row').filter({ hasText: 'webhook.test' });
  await eventually(async () => assert.match(await row.innerText(), /Delivered\s+HTTP 200/), { timeout: 20_000, interval: 250 });
  await checkA11y(page, 'webhooks: the delivery log');

  // The receiver got the event once, signed with the secret the page showed.
  assert.equal(received.length, 1);
  const [delivery] = received;
  const event = JSON.parse(delivery.body);
  assert.equal(event.type, 'webhook.test');
  assert.equal(event.id, eventId);
  assert.equal(delivery.headers['webhook-id'], eventId);
  assert.ok(signedWith(secret, delivery.headers['webhook-signature'], delivery.body), 'the signature verifies');

  // After a reload the secret is gone from the page; the endpoint and its log stay.
  await page.reload();
  await endpoint.getByRole('table').getByRole('row').filter({ hasText: 'webhook.test' }).waitFor();
  assert.equal(await endpoint.getByLabel('Signing secret').count(), 0, 'the secret is shown once');
});

pageTest('a customer admin who reads Chinese gets the mail about a cancelled purchase in Chinese', async (page) => {
  await signIn(page, 'admin@contoso.onmicrosoft.com');
  await waitForPath(page, '/tenant');
  await page.getByRole('link', { name: 'Profile' }).click();
  await waitForPath(page, '/profile');
  await page.getByLabel('Language of mails').selectOption('zh-CN');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await checkA11y(page, 'profile of a customer user');
  await signOut(page);

  // The partner's Admin agent cancels a Contoso purchase (the API the dialog uses).
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  const customers = await (await page.request.get('/api/v1/customers?q=contoso.onmicrosoft.com')).json();
  const contoso = customers.items[0].id;
  const orders = await (await page.request.get(`/api/v1/customers/${contoso}/orders?page_size=100`)).json();
  const order = orders.items.find((o) => o.status === 'completed' && o.credit_if_cancelled_now
    && o.line_items[0].product_name === 'Windows Server 2022 Datacenter');
  assert.ok(order, 'a cancellable demo order');
  const res = await page.request.post(`/api/v1/customers/${contoso}/orders/${order.id}/cancellation`, { data: { confirm: true } });
  assert.equal(res.status(), 202, await res.text());

  const mail = await eventually(async () => {
    const mails = await (await fetch(`http://127.0.0.1:${mailWebPort}/email`)).json();
    const found = mails.find((m) => m.to.some((t) => t.address === 'admin@contoso.onmicrosoft.com'));
    assert.ok(found, 'the mail arrived');
    return found;
  }, { timeout: 20_000, interval: 250 });
  assert.equal(mail.subject, '你购买的 Windows Server 2022 Datacenter 已取消');
  assert.match(mail.text, /产品密钥和下载链接已被吊销/);
  assert.match(mail.html, /lang="zh-CN"/);
});
