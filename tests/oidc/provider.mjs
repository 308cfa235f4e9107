// A real OpenID Connect provider for the tests (npm `oidc-provider`, a certified
// implementation): the authorization code flow with PKCE, signed ID tokens, discovery and
// JWKS (a new signing key at each start). Its login page takes any address — the account is
// the address (`address#unverified`: an address the provider did not verify;
// `address#tenant=<id>`: in `entra` mode, a user of that tenant) — and says
// whether a second factor was used (the ID token's `amr`); it can also cancel
// (`access_denied`). `POST /__mode` with `signature`, `nonce`, `expired`, `audience`
// or `none` makes the token endpoint answer ID tokens spoiled that way (re-signed with the
// provider's own key but for `signature`), for the tests of what a client must refuse; with
// `entra` it answers as Microsoft Entra ID's multi-tenant endpoints do: the discovery document
// at `<issuer>/common/v2.0` (and `organizations`, `consumers`) names the issuer
// `<issuer>/{tenantid}/v2.0`, and each ID token carries its tenant (`tid`) and that tenant's
// issuer (`entra-mismatch`: another tenant's issuer).
//
//   OIDC_CLIENTS='[{"client_id":"…","client_secret":"…","redirect_uris":["…"]}]' \
//     node tests/oidc/provider.mjs [port]
// prints `listening on http://127.0.0.1:PORT` once it serves.
import http from 'node:http';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 0);
const clients = JSON.parse(process.env.OIDC_CLIENTS ?? '[]').map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...c,
}));

const server = http.createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = randomUUID();

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] },
  pkce: { required: () => true },
  cookies: { keys: ['a test provider key, not a secret'] },
  features: { devInteractions: { enabled: false } },
  // `amr` says which factors the user passed (RFC 8176).
  claims: { acr: null, auth_time: null, iss: null, sid: null, openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
  // An account typed as `address#unverified` has that address, not verified by the provider.
  async findAccount(ctx, id) {
    const [email, ...flags] = id.split('#');
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: !flags.includes('unverified'), name: email.split('@')[0] };
      },
    };
  },
  // Every client is trusted: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Error</title><h1>${out.error}</h1><p>${out.error_description ?? ''}</p>`;
  },
});

let mode = 'none';
/** The tenant of the accounts in `entra` mode that do not name theirs. */
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const b64 = (buf) => Buffer.from(buf).toString('base64url');

/** The ID token `jwt` spoiled as `mode` says. */
function spoil(jwt) {
  const [header, payload, signature] = jwt.split('.');
  if (mode === 'signature') {
    return `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  }
  const claims = JSON.parse(Buffer.from(payload, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'nonce') claims.nonce = 'not-the-nonce';
  if (mode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  if (mode === 'audience') claims.aud = 'another-client';
  const tenant = claims.sub.split('#').find((f) => f.startsWith('tenant='))?.slice('tenant='.length) || TENANT;
  if (mode === 'entra') Object.assign(claims, { tid: tenant, iss: `${issuer}/${tenant}/v2.0` });
  // A token of one tenant claiming another tenant's issuer.
  if (mode === 'entra-mismatch') Object.assign(claims, { tid: TENANT, iss: `${issuer}/${OTHER_TENANT}/v2.0` });
  const signed = `${header}.${b64(JSON.stringify(claims))}`;
  return `${signed}.${b64(createSign('RSA-SHA256').update(signed).sign(privateKey))}`;
}

/** Lets the token endpoint's answer through `spoil` before it leaves. */
function spoilTokens(res) {
  const chunks = [];
  const end = res.end.bind(res);
  res.write = (chunk) => { chunks.push(Buffer.from(chunk)); return true; };
  res.end = (chunk, ...rest) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
    let body = Buffer.concat(chunks).toString();
    try {
      const json = JSON.parse(body);
      if (json.id_token) json.id_token = spoil(json.id_token);
      body = JSON.stringify(json);
    } catch { /* not JSON: as it was */ }
    res.setHeader('content-length', Buffer.byteLength(body));
    return end(body);
  };
}

const escape = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const callback = provider.callback();

server.on('request', async (req, res) => {
  if (req.url === '/__mode' && req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    mode = body.trim();
    res.end(mode);
    return;
  }
  if (/^\/[a-z]+\/v2\.0\/\.well-known\/openid-configuration$/.test(req.url)) {
    const own = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.json());
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ...own, issuer: `${issuer}/{tenantid}/v2.0` }));
    return;
  }
  if (req.url === '/token' && mode !== 'none') spoilTokens(res);
  const match = req.url.match(/^\/interaction\/([\w-]+)$/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      const hint = details.params.login_hint ?? '';
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><title>Test identity provider</title>
<main><h1>Test identity provider</h1>
<form method="post" action="/interaction/${escape(match[1])}">
<label>Account <input name="login" value="${escape(hint)}"></label>
<label><input type="checkbox" name="mfa" value="1"> Used a second factor</label>
<button name="action" value="login">Sign in</button>
<button name="action" value="deny">Cancel</button>
</form></main></html>`);
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const result = form.get('action') === 'deny'
      ? { error: 'access_denied', error_description: 'The user cancelled the sign-in.' }
      : { login: { accountId: form.get('login').trim().toLowerCase(), amr: form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'] } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  } catch (e) {
    res.statusCode = 400;
    res.end(String(e));
  }
});

console.log(`listening on ${issuer}`);
