//! Signing in at an organisation's OpenID Connect provider: the authorization code flow with
//! PKCE, `state` and `nonce`; the ID token's signature and claims (issuer, audience, expiry,
//! nonce) checked by `openidconnect`; the provider's discovery document and keys cached, and
//! fetched again when a token is signed with a key the cached ones lack (key rotation).
//!
//! A sign-in is bound to the browser that started it (a cookie whose hash the sign-in keeps),
//! so a callback URL sent to someone else signs nobody in. Users are matched by provider and
//! subject, and must still belong to the provider's organisation; the first sign-in links an
//! account only to a user of that organisation with the address, within the provider's
//! domains, and only when the provider says it verified the address — or the user was invited
//! and has no password yet. Each link is recorded with the user's changes. An organisation
//! may let in people of its domains whom nobody invited, with no roles (just in time).
//!
//! Customers' users sign in at one provider the operator sets up ("Sign in with Microsoft": a
//! multi-tenant app at Microsoft Entra ID). Its ID tokens name the user's tenant (`tid`), which
//! must be a customer's here; the first sign-in links the account to that customer's user with
//! the token's address — the customer's own directory vouches for it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use csp_domain::notification::Reach;
use csp_domain::sso::{amr_says_mfa, SsoFailure};
use csp_domain::{CustomerId, Email, PartnerId, Principal, UserId};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope,
};

use crate::notify::webhook::{literal_host_allowed, GuardedResolver};
use crate::store::sso::{self as store, Login, Owner, Provider};
use crate::store::{accounts, customers, users, Conn, Db};

/// How long a sign-in may take at the provider.
pub const LOGIN_MINUTES: i64 = 10;
/// The most sign-ins of one provider on their way at once (a flood of starts fills no disk).
const MOST_WAITING: i64 = 10_000;
/// How long a provider's discovery document and keys are used before they are fetched again.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// The most providers' documents kept at once.
const MOST_CACHED: usize = 1000;
/// The largest discovery document read.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// A provider's discovery document with its signing keys, as fetched.
#[derive(Clone)]
struct Discovered {
    metadata: CoreProviderMetadata,
    /// A multi-tenant issuer (Microsoft Entra ID's `common` or `organizations` endpoint):
    /// its document names `…/{tenantid}/…`, and each ID token the issuer of its own tenant.
    tenant_template: Option<String>,
    /// Where the browser signs out of the provider (RP-initiated logout), if it says.
    end_session: Option<url::Url>,
}

/// Providers' discovery documents (with their signing keys), by issuer.
pub struct Discovery {
    http: openidconnect::reqwest::Client,
    reach: Reach,
    cached: Mutex<HashMap<String, (Instant, Discovered)>>,
}

impl Discovery {
    /// A client that reaches providers only at addresses `reach` allows (public ones; this
    /// machine in demo mode; private networks where the operator allows them for webhooks).
    pub fn new(reach: Reach) -> Discovery {
        Discovery {
            // Following redirects would let a provider's answer point the server anywhere.
            http: openidconnect::reqwest::Client::builder()
                .redirect(openidconnect::reqwest::redirect::Policy::none())
                .no_proxy()
                .dns_resolver(std::sync::Arc::new(GuardedResolver { reach }))
                .timeout(Duration::from_secs(10))
                .build()
                .expect("an HTTP client"),
            reach,
            cached: Mutex::new(HashMap::new()),
        }
    }
}

impl Discovery {
    async fn metadata(&self, issuer: &str, fresh: bool) -> Result<Discovered, String> {
        if !fresh {
            let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, found)) = cached.get(issuer) {
                if at.elapsed() < DISCOVERY_TTL {
                    return Ok(found.clone());
                }
            }
        }
        let found = self.discover(issuer).await?;
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        // One entry per issuer in use; issuers changed again and again do not pile up.
        if cached.len() >= MOST_CACHED {
            cached.retain(|_, (at, _)| at.elapsed() < DISCOVERY_TTL);
            if cached.len() >= MOST_CACHED {
                cached.clear();
            }
        }
        cached.insert(issuer.to_string(), (Instant::now(), found.clone()));
        Ok(found)
    }

    /// Reads the discovery document and the keys it names. Its `issuer` must be the one
    /// configured — or, for a multi-tenant endpoint, its `{tenantid}` template.
    async fn discover(&self, issuer: &str) -> Result<Discovered, String> {
        let url = IssuerUrl::new(issuer.to_string()).map_err(|e| format!("issuer: {e}"))?;
        if !literal_host_allowed(url.url(), self.reach) {
            return Err(format!("{issuer}: an address this server does not reach"));
        }
        let document = format!("{issuer}/.well-known/openid-configuration");
        let response = self
            .http
            .get(&document)
            .send()
            .await
            .map_err(|e| format!("{document}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{document}: {}", response.status()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("{document}: {e}"))?;
        if body.len() > MAX_DOCUMENT_BYTES {
            return Err(format!(
                "{document}: larger than {MAX_DOCUMENT_BYTES} bytes"
            ));
        }
        let metadata: CoreProviderMetadata =
            serde_json::from_slice(&body).map_err(|e| format!("{document}: {e}"))?;
        // Not in the core metadata: read beside it; a browser goes there, so https (or this
        // machine in demo mode).
        let end_session = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|doc| {
                doc.get("end_session_endpoint")?
                    .as_str()
                    .map(str::to_string)
            })
            .and_then(|u| url::Url::parse(&u).ok())
            .filter(|u| {
                (u.scheme() == "https" || (u.scheme() == "http" && self.reach.loopback))
                    && literal_host_allowed(u, self.reach)
            });
        let named = metadata.issuer().as_str().trim_end_matches('/').to_string();
        let tenant_template = if named == issuer {
            None
        } else if named.contains("{tenantid}")
            && ["common", "organizations"]
                .iter()
                .any(|t| named.replace("{tenantid}", t) == issuer)
        {
            Some(named)
        } else {
            return Err(format!("{document} names another issuer: {named}"));
        };
        // The document names the other endpoints: each must be reachable too.
        let endpoints = [
            Some(metadata.jwks_uri().url()),
            metadata.token_endpoint().map(|u| u.url()),
            metadata.userinfo_endpoint().map(|u| u.url()),
        ];
        if let Some(outside) = endpoints
            .into_iter()
            .flatten()
            .find(|u| !literal_host_allowed(u, self.reach))
        {
            return Err(format!("{issuer}: its endpoint {outside} is not reachable"));
        }
        let keys =
            openidconnect::core::CoreJsonWebKeySet::fetch_async(metadata.jwks_uri(), &self.http)
                .await
                .map_err(|e| format!("keys of {issuer}: {e}"))?;
        Ok(Discovered {
            metadata: metadata.set_jwks(keys),
            tenant_template,
            end_session,
        })
    }
}

impl Discovery {
    /// The provider's end-session page for this product (its client ID named), when it has one.
    pub async fn end_session_url(&self, provider: &Provider) -> Option<String> {
        let found = self.metadata(&provider.issuer, false).await.ok()?;
        let mut url = found.end_session?;
        url.query_pairs_mut()
            .append_pair("client_id", &provider.client_id);
        Some(url.to_string())
    }

    /// Whether a discovery document can be read at `issuer` (fetched afresh, and cached).
    pub async fn check(&self, issuer: &str) -> Result<(), String> {
        self.metadata(issuer, true).await.map(drop)
    }
}

/// The redirect URI every provider is told: `<PUBLIC_URL>/api/v1/sso/callback`.
pub fn redirect_uri(public_url: &str) -> String {
    format!("{public_url}/api/v1/sso/callback")
}

/// A client built from a provider's discovery document.
type OidcClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn client(
    metadata: CoreProviderMetadata,
    provider: &Provider,
    public_url: &str,
) -> Result<OidcClient, String> {
    let redirect =
        RedirectUrl::new(redirect_uri(public_url)).map_err(|e| format!("redirect: {e}"))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(provider.client_secret.clone())),
    )
    .set_redirect_uri(redirect))
}

/// A sign-in sent to the provider: where to send the browser, and the token of the cookie
/// that binds the sign-in to it.
pub struct Started {
    pub url: String,
    pub browser: String,
}

/// The provider's authorization URL for a sign-in (of `email`, when the user typed it), after
/// recording the sign-in (its `state` hashed, its nonce and PKCE verifier, the browser's
/// binding hashed) for the callback.
pub async fn start(
    db: &Db,
    discovery: &Discovery,
    provider: &Provider,
    email: Option<&Email>,
    next: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Started, String> {
    let mut conn = db.conn().await.map_err(|e| e.to_string())?;
    let waiting = store::logins_waiting(&mut conn, &provider.id)
        .await
        .map_err(|e| e.to_string())?;
    if waiting >= MOST_WAITING {
        return Err(format!("{waiting} sign-ins are waiting already"));
    }
    drop(conn);
    let found = discovery.metadata(&provider.issuer, false).await?;
    let client = client(found.metadata, provider, public_url)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge);
    if let Some(email) = email {
        request = request.add_extra_param("login_hint", email.as_str());
    }
    let (url, state, nonce) = request.url();
    let browser = crate::store::sessions::new_token();
    let mut conn = db.conn().await.map_err(|e| e.to_string())?;
    store::start_login(
        &mut conn,
        state.secret(),
        &Login {
            browser_hash: crate::store::sessions::token_hash(&browser),
            provider_id: provider.id.clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next: next.to_string(),
            expires_at: now + chrono::Duration::minutes(LOGIN_MINUTES),
        },
        now,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(Started {
        url: url.to_string(),
        browser,
    })
}

/// A sign-in the provider vouched for.
pub struct Verified {
    pub user: UserId,
    /// The provider's `amr` says a second factor was used (whether that counts is the
    /// operator's choice: `SSO_MFA_ISSUERS`).
    pub amr_mfa: bool,
    pub issuer: String,
    pub provider_id: String,
    /// Where to go next (a path of the app).
    pub next: String,
}

/// Why a callback did not sign in: what to tell the user, and (for the log) what happened.
pub struct Refused {
    pub failure: SsoFailure,
    pub detail: String,
}

fn refused(failure: SsoFailure, detail: impl Into<String>) -> Refused {
    Refused {
        failure,
        detail: detail.into(),
    }
}

/// What came back to the callback.
pub struct Callback<'a> {
    pub state: &'a str,
    pub code: &'a str,
    /// The binding cookie of the browser that came back.
    pub browser: Option<&'a str>,
    pub client_ip: &'a str,
}

/// The callback: takes the sign-in of `state` (once), checks it is the browser that started
/// it, exchanges `code` with the PKCE verifier, checks the ID token, and finds the user it
/// belongs to.
pub async fn finish(
    db: &Db,
    discovery: &Discovery,
    back: Callback<'_>,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Verified, Refused> {
    let (state, code) = (back.state, back.code);
    let db_error = |e: sqlx::Error| refused(SsoFailure::Invalid, e.to_string());
    let mut conn = db.conn().await.map_err(db_error)?;
    let login = store::take_login(&mut conn, state)
        .await
        .map_err(db_error)?
        .ok_or_else(|| refused(SsoFailure::Expired, "unknown or used state"))?;
    if login.expires_at <= now {
        return Err(refused(SsoFailure::Expired, "the sign-in took too long"));
    }
    let same_browser = back
        .browser
        .is_some_and(|b| crate::store::sessions::token_hash(b) == login.browser_hash);
    if !same_browser {
        return Err(refused(
            SsoFailure::Expired,
            "another browser than the one that started the sign-in",
        ));
    }
    let provider = store::by_id(&mut conn, &login.provider_id)
        .await
        .map_err(db_error)?
        .ok_or_else(|| refused(SsoFailure::Expired, "the provider was removed"))?;
    drop(conn);

    let invalid = |e: String| refused(SsoFailure::Invalid, e);
    let found = discovery
        .metadata(&provider.issuer, false)
        .await
        .map_err(invalid)?;
    let oidc = client(found.metadata.clone(), &provider, public_url).map_err(invalid)?;
    let token = oidc
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|e| invalid(format!("token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier.clone()))
        .request_async(&discovery.http)
        .await
        // An expired or replayed code, among others: the provider refuses the exchange.
        .map_err(|e| refused(SsoFailure::Expired, format!("code exchange: {e}")))?;
    let id_token = openidconnect::TokenResponse::id_token(&token)
        .ok_or_else(|| invalid("no ID token".into()))?;
    let nonce = Nonce::new(login.nonce.clone());
    let claims = match verify(&oidc, &found, id_token, &nonce) {
        Ok(claims) => claims,
        Err(first) => {
            // Perhaps signed with a key the cached document lacks: fetch it again, once.
            let fresh = discovery
                .metadata(&provider.issuer, true)
                .await
                .map_err(invalid)?;
            let oidc = client(fresh.metadata.clone(), &provider, public_url).map_err(invalid)?;
            verify(&oidc, &fresh, id_token, &nonce)
                .map_err(|e| invalid(format!("ID token: {first}; with fresh keys: {e}")))?
        }
    };
    let subject = claims.subject().as_str().to_string();
    let amr: Vec<String> = claims
        .auth_method_refs()
        .map(|v| v.iter().map(|m| m.as_str().to_string()).collect())
        .unwrap_or_default();
    let email = match claims.email() {
        Some(email) => Some((
            email.as_str().to_string(),
            claims.email_verified() == Some(true),
        )),
        // Providers that follow the specification to the letter put the scopes' claims in the
        // user info, not the ID token, when they issue an access token.
        None => user_info_email(&oidc, &discovery.http, &token, claims.subject()).await,
    };

    let mut conn = db.conn().await.map_err(db_error)?;
    // Customers' provider: the tenant the token names must be a customer's here.
    let tenant = match provider.owner {
        Owner::Customers => {
            let tid = tenant_of(id_token)
                .ok_or_else(|| invalid("an ID token without its tenant (tid)".into()))?;
            let found = customers::of_tenant(&mut conn, &tid)
                .await
                .map_err(db_error)?
                .ok_or_else(|| {
                    refused(
                        SsoFailure::NotInvited,
                        format!("tenant {tid} is no customer's"),
                    )
                })?;
            Some(found)
        }
        Owner::Partner(_) | Owner::Support => None,
    };
    let user = match store::linked_user(&mut conn, &provider.id, &subject)
        .await
        .map_err(db_error)?
    {
        Some(user) => user,
        None => {
            let link = FirstLink {
                provider: &provider,
                tenant: tenant.as_ref(),
                subject: &subject,
                email,
                name: claims
                    .name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str().to_string()),
                client_ip: back.client_ip,
            };
            first_link(&mut conn, link, now).await?
        }
    };
    let record = users::find_by_id(&mut conn, &user)
        .await
        .map_err(db_error)?
        .ok_or_else(|| refused(SsoFailure::NotInvited, "no such user"))?;
    if !belongs(&record.principal, &provider, tenant.as_ref()) {
        return Err(refused(
            SsoFailure::NotInvited,
            "a user of another organisation",
        ));
    }
    if !accounts::is_active(&mut conn, &user)
        .await
        .map_err(db_error)?
    {
        return Err(refused(SsoFailure::NotInvited, "deactivated"));
    }
    Ok(Verified {
        user,
        amr_mfa: amr_says_mfa(&amr),
        issuer: provider.issuer,
        provider_id: provider.id,
        next: login.next,
    })
}

/// The ID token's claims, checked by `openidconnect` (signature, audience, expiry, nonce, and
/// the issuer); a multi-tenant issuer's token must carry its tenant (`tid`) and be issued by
/// that tenant's issuer.
fn verify(
    oidc: &OidcClient,
    found: &Discovered,
    id_token: &openidconnect::core::CoreIdToken,
    nonce: &Nonce,
) -> Result<openidconnect::core::CoreIdTokenClaims, String> {
    let verifier = oidc
        .id_token_verifier()
        .require_issuer_match(found.tenant_template.is_none());
    let claims = id_token
        .claims(&verifier, nonce)
        .map_err(|e| e.to_string())?
        .clone();
    if let Some(template) = &found.tenant_template {
        let tenant = tenant_of(id_token).ok_or("an ID token without its tenant (tid)")?;
        let expected = template.replace("{tenantid}", &tenant);
        if claims.issuer().as_str() != expected {
            return Err(format!(
                "issuer {} is not tenant {tenant}'s",
                claims.issuer().as_str()
            ));
        }
    }
    Ok(claims)
}

/// The `tid` claim of an ID token whose signature was checked: letters, digits and `-` only.
fn tenant_of(id_token: &openidconnect::core::CoreIdToken) -> Option<String> {
    use base64::Engine;
    let jwt = id_token.to_string();
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let tenant = claims.get("tid")?.as_str()?;
    let well_formed = !tenant.is_empty()
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    well_formed.then(|| tenant.to_string())
}

/// The address the provider's user info gives for `subject` (checked to be the same subject),
/// and whether the provider says it verified it.
async fn user_info_email(
    oidc: &OidcClient,
    http: &openidconnect::reqwest::Client,
    token: &openidconnect::core::CoreTokenResponse,
    subject: &openidconnect::SubjectIdentifier,
) -> Option<(String, bool)> {
    let access = openidconnect::OAuth2TokenResponse::access_token(token).clone();
    let request = oidc.user_info(access, Some(subject.clone())).ok()?;
    let info: openidconnect::core::CoreUserInfoClaims = request.request_async(http).await.ok()?;
    info.email()
        .map(|e| (e.as_str().to_string(), info.email_verified() == Some(true)))
}

/// Whether a user belongs to the provider's organisation: a partner's users to its provider,
/// support agents to the support organisation's. (Customers' users belong to the customers'
/// provider by their tenant: [`belongs`].)
pub fn of_provider_org(principal: &Principal, provider: &Provider) -> bool {
    match (principal, &provider.owner) {
        (Principal::Partner { partner, .. }, Owner::Partner(theirs)) => partner == theirs,
        (Principal::Support { .. }, Owner::Support) => true,
        _ => false,
    }
}

/// Whether a user may sign in through the provider: of its organisation, or — at customers'
/// provider — a user of the customer whose tenant the ID token names.
fn belongs(
    principal: &Principal,
    provider: &Provider,
    tenant: Option<&(CustomerId, PartnerId)>,
) -> bool {
    match (principal, tenant) {
        (Principal::Customer { customer, .. }, Some((of_tenant, _))) => customer == of_tenant,
        (_, Some(_)) => false,
        (_, None) => of_provider_org(principal, provider),
    }
}

/// An account at a provider signing in for the first time.
struct FirstLink<'a> {
    provider: &'a Provider,
    /// At customers' provider: the customer of the token's tenant, and its partner.
    tenant: Option<&'a (CustomerId, PartnerId)>,
    subject: &'a str,
    /// The address the provider gives, and whether it says it verified it.
    email: Option<(String, bool)>,
    /// The name the provider gives (for someone let in just in time).
    name: Option<String>,
    client_ip: &'a str,
}

/// Links the provider's account to the user of the provider's organisation with its address,
/// where the address is in the provider's domains and the provider verified it — or the user
/// was invited and has not set a password yet (the invitation named the address). Where the
/// organisation allows it, someone of its domains with a verified address whom nobody invited
/// is let in as a user with no roles (just in time). At customers'
/// provider, to the user with the address of the customer whose tenant signed the user in (its
/// directory vouches for the address). Recorded with the user's changes.
async fn first_link(
    conn: &mut Conn,
    link: FirstLink<'_>,
    now: DateTime<Utc>,
) -> Result<UserId, Refused> {
    let FirstLink {
        provider,
        tenant,
        subject,
        email,
        name,
        client_ip,
    } = link;
    let db_error = |e: sqlx::Error| refused(SsoFailure::Invalid, e.to_string());
    let (email, verified) = email
        .and_then(|(e, verified)| Some((Email::parse(&e).ok()?, verified)))
        .ok_or_else(|| refused(SsoFailure::NotInvited, "no e-mail claim"))?;
    let domain = csp_domain::sso::domain_of(&email);
    if tenant.is_none() && !provider.domains.iter().any(|d| d == domain) {
        return Err(refused(
            SsoFailure::NotInvited,
            "address outside the provider's domains",
        ));
    }
    let found = users::find_by_email(conn, &email).await.map_err(db_error)?;
    let (record, created) = match (found, &provider.owner, tenant) {
        (Some(record), _, _) => (record, false),
        // Nobody invited this person: let in with no roles where the organisation allows it
        // and the provider verified the address.
        (None, Owner::Partner(partner), None) if provider.allow_jit && verified => {
            let name = name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default().into());
            let name: String = name.trim().chars().take(100).collect();
            let user = crate::store::new_ordered_id::<UserId>();
            let principal = Principal::Partner {
                user: user.clone(),
                partner: partner.clone(),
                roles: Vec::new(),
            };
            let new = users::NewUser {
                id: &user,
                email: &email,
                display_name: &name,
                principal: &principal,
                password_hash: "",
            };
            users::insert(conn, &new, now).await.map_err(db_error)?;
            // A sign-in at the same moment may have let the person in first: theirs counts.
            let record = users::find_by_email(conn, &email)
                .await
                .map_err(db_error)?
                .ok_or_else(|| refused(SsoFailure::NotInvited, "no such user"))?;
            let created = record.user.id == user;
            (record, created)
        }
        (None, _, _) => return Err(refused(SsoFailure::NotInvited, "no such user")),
    };
    if !belongs(&record.principal, provider, tenant) {
        return Err(refused(
            SsoFailure::NotInvited,
            "a user of another organisation",
        ));
    }
    let invited = record.password_hash.is_empty();
    if !verified && !invited && tenant.is_none() {
        return Err(refused(
            SsoFailure::NotInvited,
            "the provider did not say it verified the address",
        ));
    }
    store::link(conn, &provider.id, subject, &record.user.id, now)
        .await
        .map_err(db_error)?;
    let partner = match (&provider.owner, tenant) {
        (Owner::Partner(partner), _) => Some(partner),
        (_, Some((_, partner))) => Some(partner),
        _ => None,
    };
    accounts::record(
        conn,
        &accounts::Change {
            partner,
            actor_email: record.user.email.as_str(),
            user: &record.user.id,
            action: if created {
                csp_domain::account::UserChangeAction::SsoCreated
            } else {
                csp_domain::account::UserChangeAction::SsoLinked
            },
            detail: &provider.issuer,
            client_ip,
            at: now,
        },
    )
    .await
    .map_err(db_error)?;
    Ok(record.user.id)
}

/// `csp-server admin set-support-sso` and `set-customer-sso`: the support organisation's
/// provider, or customers' ("Sign in with Microsoft"), set by the operator with the rules a
/// partner's Global admin meets (the issuer read, each domain at one organisation's provider —
/// customers' provider has none —, the secret the first time).
pub async fn set_operator_provider(
    db: &Db,
    discovery: &Discovery,
    owner: &Owner,
    request: &csp_domain::sso::IdentityProviderRequest,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let set_up = store::of_org(&mut *db.conn().await.map_err(|e| e.to_string())?, owner)
        .await
        .map_err(|e| e.to_string())?
        .is_some();
    let checked = match owner {
        Owner::Customers => request.check_for_customers(set_up),
        Owner::Partner(_) | Owner::Support => request.check(set_up),
    };
    let provider = checked.map_err(|errors| {
        errors
            .iter()
            .map(|(field, _, text)| format!("{field}: {}", text.english()))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    discovery
        .check(&provider.issuer)
        .await
        .map_err(|e| format!("issuer: {e}"))?;
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    let taken = store::domains_of_others(&mut tx, owner, &provider.domains)
        .await
        .map_err(|e| e.to_string())?;
    if !taken.is_empty() {
        return Err(format!(
            "domains: another organisation's provider signs in {}",
            taken.join(", ")
        ));
    }
    if !store::put(&mut tx, owner, &provider, "csp-server admin", now)
        .await
        .map_err(|e| e.to_string())?
    {
        return Err("client secret: needed the first time".into());
    }
    tx.commit().await.map_err(|e| e.to_string())
}
