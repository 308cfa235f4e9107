//! Single sign-on against a real OpenID Connect provider (npm `oidc-provider`, started per
//! test by `tests/oidc/provider.mjs`): a partner's Global admin sets it up; its users are sent
//! there from the sign-in page's first step and come back signed in; the provider's second
//! factor stands for the product's two-step sign-in; a cancelled sign-in, a replayed callback,
//! an account that is not an invited user and a user of another domain are refused with a
//! reason the sign-in page says; an organisation can refuse passwords but to its Global admins.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::redirect::Policy;
use reqwest::{Client, Url};
use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    a_partner_user_signs_in_at_the_partners_provider,
    the_providers_second_factor_stands_for_two_step_sign_in,
    an_untrusted_providers_word_does_not_replace_two_step_sign_in,
    only_the_browser_that_started_a_sign_in_finishes_it,
    a_first_link_needs_a_verified_address_or_an_invitation,
    cancelled_replayed_and_uninvited_sign_ins_are_refused_with_a_reason,
    only_a_global_admin_sets_up_a_reachable_provider_for_its_own_domains,
    an_organisation_that_requires_sso_refuses_passwords_but_to_global_admins,
    a_new_signing_key_at_the_provider_is_followed,
    spoiled_id_tokens_are_refused,
    entra_ids_multi_tenant_endpoint_is_followed_to_the_users_tenant,
    the_operator_sets_up_the_support_organisations_provider,
    a_customers_user_signs_in_with_microsoft_through_the_customers_tenant,
    an_organisation_may_let_people_of_its_domains_in_with_no_roles,
);

/// A running test provider, stopped when dropped.
struct TestProvider {
    child: Child,
    issuer: String,
}

impl TestProvider {
    fn start(server: &TestServer) -> TestProvider {
        Self::start_on(server, 0)
    }

    /// On `port` (0: any free one), with a new signing key each time.
    fn start_on(server: &TestServer, port: u16) -> TestProvider {
        let clients = json!([{
            "client_id": "csp-northwind",
            "client_secret": "northwind-test-secret",
            "redirect_uris": [server.url("/api/v1/sso/callback")],
        }]);
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg(port.to_string())
            .env("OIDC_CLIENTS", clients.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the test OpenID provider (node)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let issuer = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("listening on ").map(str::to_string))
            .expect("the provider reported its address");
        std::thread::spawn(move || lines.for_each(drop));
        TestProvider { child, issuer }
    }

    /// Northwind's Global admin sets this provider up for `northwind.example`.
    async fn set_up(&self, server: &TestServer, require_sso: bool) {
        let admin = server.signed_in(GLOBAL_ADMIN).await;
        let res = admin
            .put(server.url("/api/v1/identity-provider"))
            .json(&json!({
                "issuer": self.issuer,
                "client_id": "csp-northwind",
                "client_secret": "northwind-test-secret",
                "domains": ["northwind.example"],
                "require_sso": require_sso,
            }))
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(res).await;
        assert_eq!(status, 200, "{body}");
    }
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser: its own cookies, redirects followed by the test.
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn location(res: &reqwest::Response) -> Url {
    let to = res.headers()["location"].to_str().unwrap();
    res.url().join(to).unwrap()
}

/// The sign-in page's first step for `email`, then the provider's login page: `account`
/// signs in there (`mfa`: with a second factor) or cancels (`account` = None). Returns the
/// callback URL the provider sends the browser to.
async fn at_provider(
    server: &TestServer,
    browser: &Client,
    email: &str,
    account: Option<&str>,
    mfa: bool,
) -> Url {
    let (status, start) = server
        .post_json(
            browser,
            "/api/v1/sessions/sso",
            &json!({"email": email, "next": "/customers"}),
        )
        .await;
    assert_eq!(status, 200, "{start}");
    let url: Url = start["redirect_url"]
        .as_str()
        .unwrap_or_else(|| panic!("no provider for {email}: {start}"))
        .parse()
        .unwrap();
    assert_eq!(
        url.query_pairs()
            .find(|(k, _)| k == "code_challenge_method")
            .unwrap()
            .1,
        "S256"
    );
    assert!(url.query_pairs().any(|(k, _)| k == "nonce"));
    through_provider(server, browser, url, account, mfa).await
}

/// From the provider's authorization URL: `account` signs in at its login page (`mfa`: with a
/// second factor) or cancels (`None`). Returns the callback URL the provider sends the browser
/// to.
async fn through_provider(
    server: &TestServer,
    browser: &Client,
    mut url: Url,
    account: Option<&str>,
    mfa: bool,
) -> Url {
    loop {
        if url
            .as_str()
            .starts_with(&server.url("/api/v1/sso/callback"))
        {
            return url;
        }
        let res = browser.get(url.clone()).send().await.unwrap();
        if res.status().is_redirection() {
            url = location(&res);
            continue;
        }
        assert_eq!(res.status(), 200, "{url}");
        assert!(url.path().starts_with("/interaction/"), "{url}");
        let form = match account {
            Some(account) => {
                let mut form = vec![("login", account.to_string()), ("action", "login".into())];
                if mfa {
                    form.push(("mfa", "1".into()));
                }
                form
            }
            None => vec![("action", "deny".into())],
        };
        let res = browser.post(url.clone()).form(&form).send().await.unwrap();
        assert!(
            res.status().is_redirection(),
            "{}",
            res.text().await.unwrap()
        );
        url = location(&res);
    }
}

/// Follows the callback: where it sends the browser.
async fn callback(browser: &Client, url: Url) -> String {
    let res = browser.get(url).send().await.unwrap();
    assert_eq!(res.status(), 303);
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn a_partner_user_signs_in_at_the_partners_provider(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, false).await;
    let (status, none) = server
        .post_json(
            &server.client(),
            "/api/v1/sessions/sso",
            &json!({"email": CONTOSO_USER}),
        )
        .await;
    assert_eq!(
        (status, &none),
        (200, &json!({"redirect_url": null})),
        "no provider: the password"
    );

    let alice = browser();
    let back = at_provider(&server, &alice, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(
        callback(&alice, back).await,
        "/customers",
        "where the user was going"
    );
    let (status, me) = server.get_json(&alice, "/api/v1/session").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["email"], ADMIN_AGENT);
    // Only the partner's own customers.
    let (status, customers) = server.get_json(&alice, "/api/v1/customers").await;
    assert_eq!(status, 200);
    let northwind = server
        .count(&format!(
            "SELECT COUNT(*) FROM customers WHERE partner_id = \
             (SELECT partner_id FROM users WHERE email = '{ADMIN_AGENT}')"
        ))
        .await;
    assert_eq!(customers["total"].as_i64().unwrap(), northwind);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM user_identities").await,
        1
    );

    // Signing out offers the provider's own sign-out page (for this client); a password
    // session has none.
    let res = alice
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    let (status, out) = json_of(res).await;
    assert_eq!(status, 200, "{out}");
    let page = out["end_session_url"].as_str().unwrap();
    assert!(
        page.starts_with(&format!("{}/session/end?", provider.issuer))
            && page.contains("client_id=csp-northwind"),
        "{page}"
    );
    assert_eq!(server.get_json(&alice, "/api/v1/session").await.0, 401);
    let alice = browser();
    let back = at_provider(&server, &alice, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    callback(&alice, back).await;
    let by_password = server.signed_in(GLOBAL_ADMIN).await;
    let res = by_password
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);

    // The next sign-in finds the user by the provider's subject; the link is not made twice.
    let again = browser();
    let back = at_provider(&server, &again, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    callback(&again, back).await;
    assert_eq!(server.get_json(&again, "/api/v1/session").await.0, 200);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM user_identities").await,
        1
    );
}

/// A free port for a provider whose issuer must be known before the server starts.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Northwind requires two-step sign-in of every user.
async fn require_two_step_of_everyone(server: &TestServer) {
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let res = admin
        .put(server.url("/api/v1/organization/two-step"))
        .json(&json!({"required_for_everyone": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn the_providers_second_factor_stands_for_two_step_sign_in(backend: Backend) {
    // The operator trusts this provider's word on second factors (SSO_MFA_ISSUERS).
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let trusted = issuer.clone();
    let server = TestServer::start_with(backend, move |c| c.sso_mfa_issuers = vec![trusted]).await;
    let provider = TestProvider::start_on(&server, port);
    assert_eq!(provider.issuer, issuer);
    provider.set_up(&server, false).await;
    require_two_step_of_everyone(&server).await;
    let with_mfa = browser();
    let back = at_provider(&server, &with_mfa, ADMIN_AGENT, Some(ADMIN_AGENT), true).await;
    callback(&with_mfa, back).await;
    let (status, _) = server.get_json(&with_mfa, "/api/v1/customers").await;
    assert_eq!(status, 200, "the trusted provider's second factor counts");
    let (_, me) = server.get_json(&with_mfa, "/api/v1/session").await;
    assert!(me["user"].get("two_step_setup_required").is_none(), "{me}");

    let password_only = browser();
    let back = at_provider(
        &server,
        &password_only,
        ADMIN_AGENT,
        Some(ADMIN_AGENT),
        false,
    )
    .await;
    callback(&password_only, back).await;
    let (status, body) = server.get_json(&password_only, "/api/v1/customers").await;
    assert_eq!((status, error_code(&body)), (403, "two_step_required"));
}

async fn an_untrusted_providers_word_does_not_replace_two_step_sign_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, false).await;
    require_two_step_of_everyone(&server).await;
    // The provider says "mfa", but the operator did not name it in SSO_MFA_ISSUERS.
    let claimed = browser();
    let back = at_provider(&server, &claimed, ADMIN_AGENT, Some(ADMIN_AGENT), true).await;
    callback(&claimed, back).await;
    let (status, body) = server.get_json(&claimed, "/api/v1/customers").await;
    assert_eq!((status, error_code(&body)), (403, "two_step_required"));

    // A user who set up the product's own two-step sign-in is always asked for the code.
    let (totp, _) = crate::two_step::enrol(&server, &server.signed_in(ADMIN_AGENT).await).await;
    let asked = browser();
    let back = at_provider(&server, &asked, ADMIN_AGENT, Some(ADMIN_AGENT), true).await;
    assert_eq!(
        callback(&asked, back).await,
        "/sign-in?second_step=1&next=%2Fcustomers",
        "where the user was going comes along"
    );
    assert_eq!(
        server.get_json(&asked, "/api/v1/session").await.0,
        401,
        "not until the code"
    );
    // The code completes the sign-in; the session still came through the provider, so
    // signing out offers the provider's own sign-out.
    server.clock.advance(chrono::Duration::seconds(30));
    let code = totp.generate(csp_domain::Clock::now(&server.clock).timestamp() as u64);
    let (status, body) = server
        .post_json(&asked, "/api/v1/session/totp", &json!({"code": code}))
        .await;
    assert_eq!(status, 200, "{body}");
    let res = asked
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    let (status, out) = json_of(res).await;
    assert_eq!(status, 200, "{out}");
    assert!(
        out["end_session_url"]
            .as_str()
            .is_some_and(|page| page.starts_with(&format!("{}/session/end?", provider.issuer))),
        "{out}"
    );
}

async fn cancelled_replayed_and_uninvited_sign_ins_are_refused_with_a_reason(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, false).await;

    let cancelled = browser();
    let back = at_provider(&server, &cancelled, ADMIN_AGENT, None, false).await;
    assert_eq!(
        callback(&cancelled, back).await,
        "/sign-in?sso_error=denied"
    );
    assert_eq!(server.get_json(&cancelled, "/api/v1/session").await.0, 401);

    // A callback works once: replayed (say, from the browser's history) it signs nobody in.
    let first = browser();
    let back = at_provider(&server, &first, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(callback(&first, back.clone()).await, "/customers");
    let replay = browser();
    assert_eq!(
        callback(&replay, back.clone()).await,
        "/sign-in?sso_error=expired"
    );
    assert_eq!(server.get_json(&replay, "/api/v1/session").await.0, 401);
    // Nor does a made-up state, or a real code with another sign-in's state.
    let mut forged = back.clone();
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    forged.set_query(Some(&format!("code={code}&state=made-up")));
    assert_eq!(
        callback(&replay, forged).await,
        "/sign-in?sso_error=expired"
    );

    // At the provider someone signs in as an account that is no user here, or as a user of
    // another domain than the provider's: refused, and nothing is linked.
    for account in ["stranger@northwind.example", FABRIKAM_ADMIN] {
        let other = browser();
        let back = at_provider(&server, &other, ADMIN_AGENT, Some(account), false).await;
        assert_eq!(
            callback(&other, back).await,
            "/sign-in?sso_error=not_invited",
            "{account}"
        );
        assert_eq!(server.get_json(&other, "/api/v1/session").await.0, 401);
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM user_identities").await,
        1
    );
    // A deactivated user is refused too.
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (_, users) = server.get_json(&admin, "/api/v1/users").await;
    let agent = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == ADMIN_AGENT)
        .unwrap();
    let (status, _) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{}", agent["id"].as_str().unwrap()),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, 200);
    let gone = browser();
    let back = at_provider(&server, &gone, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(
        callback(&gone, back).await,
        "/sign-in?sso_error=not_invited"
    );
}

async fn only_a_global_admin_sets_up_a_reachable_provider_for_its_own_domains(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    let body = |issuer: &str, domains: Value| json!({"issuer": issuer, "client_id": "csp-northwind", "client_secret": "s", "domains": domains});
    let agent = server.signed_in(ADMIN_AGENT).await;
    let res = agent
        .put(server.url("/api/v1/identity-provider"))
        .json(&body(&provider.issuer, json!(["northwind.example"])))
        .send()
        .await
        .unwrap();
    let (status, refused) = json_of(res).await;
    assert_eq!(status, 403);
    assert_eq!(refused["error"]["permission"], "manage_identity_provider");

    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let put = |b: Value| {
        let admin = admin.clone();
        let url = server.url("/api/v1/identity-provider");
        async move { json_of(admin.put(url).json(&b).send().await.unwrap()).await }
    };
    let (status, answer) = put(body("http://idp.example", json!(["northwind.example"]))).await;
    assert_eq!(
        (status, answer["error"]["field_codes"]["issuer"].as_str()),
        (422, Some("https_required"))
    );
    let (status, answer) = put(body("http://127.0.0.1:9", json!(["northwind.example"]))).await;
    assert_eq!(
        (status, answer["error"]["field_codes"]["issuer"].as_str()),
        (422, Some("invalid_url")),
        "{answer}"
    );
    let (status, answer) = put(body(&provider.issuer, json!(["not a domain"]))).await;
    assert_eq!(
        (status, answer["error"]["field_codes"]["domains"].as_str()),
        (422, Some("unknown_value"))
    );
    let (status, answer) = put(body(&provider.issuer, json!(["Northwind.example"]))).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["domains"], json!(["northwind.example"]));
    assert_eq!(answer["redirect_uri"], server.url("/api/v1/sso/callback"));
    assert!(
        answer.get("client_secret").is_none(),
        "the secret is never shown"
    );
    let (status, shown) = server.get_json(&admin, "/api/v1/identity-provider").await;
    assert_eq!(status, 200);
    assert_eq!(shown, answer);

    // Another partner cannot claim Northwind's domain.
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let res = fabrikam
        .put(server.url("/api/v1/identity-provider"))
        .json(&body(&provider.issuer, json!(["northwind.example"])))
        .send()
        .await
        .unwrap();
    let (status, answer) = json_of(res).await;
    assert_eq!(
        (status, answer["error"]["field_codes"]["domains"].as_str()),
        (422, Some("taken"))
    );

    // Removed: the sign-in page asks for passwords again.
    let res = admin
        .delete(server.url("/api/v1/identity-provider"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (_, start) = server
        .post_json(
            &server.client(),
            "/api/v1/sessions/sso",
            &json!({"email": ADMIN_AGENT}),
        )
        .await;
    assert_eq!(start["redirect_url"], Value::Null);
}

async fn an_organisation_that_requires_sso_refuses_passwords_but_to_global_admins(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, true).await;
    let res = server
        .client()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!((status, error_code(&body)), (403, "sso_required"));
    // The Global admin keeps a password, to get in when the provider is down; a user of
    // another partner is not concerned.
    server.signed_in(GLOBAL_ADMIN).await;
    server.signed_in(FABRIKAM_ADMIN).await;
    let sso = browser();
    let back = at_provider(&server, &sso, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(callback(&sso, back).await, "/customers");
    // A password set from an invitation (or a reset link) does not get around it either.
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, invited) = server
        .post_json(
            &admin,
            "/api/v1/users",
            &json!({"email": "later@northwind.example", "display_name": "Later", "roles": []}),
        )
        .await;
    assert_eq!(status, 201);
    let token = invited["invitation_url"]
        .as_str()
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap();
    let res = server
        .client()
        .post(server.url("/api/v1/invitations/accept"))
        .json(&json!({"token": token, "password": "a passphrase never used"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!((status, error_code(&body)), (403, "sso_required"), "{body}");
}

async fn a_new_signing_key_at_the_provider_is_followed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, false).await;
    let first = browser();
    let back = at_provider(&server, &first, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(callback(&first, back).await, "/customers");
    // The provider starts again at the same address with another key: the server's cached
    // keys do not have it, so it fetches them again rather than refusing the token.
    let port: u16 = provider.issuer.rsplit(':').next().unwrap().parse().unwrap();
    drop(provider);
    let _rotated = TestProvider::start_on(&server, port);
    let second = browser();
    let back = at_provider(&server, &second, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(callback(&second, back).await, "/customers");
    assert_eq!(server.get_json(&second, "/api/v1/session").await.0, 200);
}

async fn spoiled_id_tokens_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, false).await;
    // A forged signature, a token for another sign-in (its nonce), one that expired, one for
    // another client: each is refused, and nobody is signed in or linked.
    for mode in ["signature", "nonce", "expired", "audience"] {
        let res = reqwest::Client::new()
            .post(format!("{}/__mode", provider.issuer))
            .body(mode)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let browser = browser();
        let back = at_provider(&server, &browser, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
        assert_eq!(
            callback(&browser, back).await,
            "/sign-in?sso_error=invalid",
            "{mode}"
        );
        assert_eq!(
            server.get_json(&browser, "/api/v1/session").await.0,
            401,
            "{mode}"
        );
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM user_identities").await,
        0
    );
    // The same provider's honest token signs in.
    reqwest::Client::new()
        .post(format!("{}/__mode", provider.issuer))
        .body("none")
        .send()
        .await
        .unwrap();
    let browser = browser();
    let back = at_provider(&server, &browser, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(callback(&browser, back).await, "/customers");
}

async fn only_the_browser_that_started_a_sign_in_finishes_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, false).await;
    // An attacker signs in at the provider as themselves and hands the callback URL to a victim:
    // the victim's browser is not signed in as the attacker.
    let attacker = browser();
    let back = at_provider(&server, &attacker, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    let victim = browser();
    assert_eq!(
        callback(&victim, back.clone()).await,
        "/sign-in?sso_error=expired"
    );
    assert_eq!(server.get_json(&victim, "/api/v1/session").await.0, 401);
    // …and the sign-in is used up.
    assert_eq!(
        callback(&attacker, back).await,
        "/sign-in?sso_error=expired"
    );
}

async fn a_first_link_needs_a_verified_address_or_an_invitation(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, false).await;
    // Someone registers the Admin agent's address at the provider without verifying it: the
    // existing user (who has a password) is not linked to that account.
    let squatter = browser();
    let account = format!("{ADMIN_AGENT}#unverified");
    let back = at_provider(&server, &squatter, ADMIN_AGENT, Some(&account), false).await;
    assert_eq!(
        callback(&squatter, back).await,
        "/sign-in?sso_error=not_invited"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM user_identities").await,
        0
    );

    // An invited user without a password yet is linked, even so: the invitation named the
    // address; the link is recorded with the user's changes.
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, _) = server
        .post_json(
            &admin,
            "/api/v1/users",
            &json!({"email": "newcomer@northwind.example", "display_name": "New Comer", "roles": ["admin_agent"]}),
        )
        .await;
    assert_eq!(status, 201);
    let newcomer = browser();
    let back = at_provider(
        &server,
        &newcomer,
        "newcomer@northwind.example",
        Some("newcomer@northwind.example#unverified"),
        false,
    )
    .await;
    assert_eq!(callback(&newcomer, back).await, "/customers");
    let (_, me) = server.get_json(&newcomer, "/api/v1/session").await;
    assert_eq!(me["user"]["email"], "newcomer@northwind.example");
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM user_changes WHERE action = 'sso_linked'")
            .await,
        1
    );
}

async fn entra_ids_multi_tenant_endpoint_is_followed_to_the_users_tenant(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    let mode = |m: &'static str| {
        let url = format!("{}/__mode", provider.issuer);
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .body(m)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
        }
    };
    // As Microsoft Entra ID's `common` endpoint: the document names `…/{tenantid}/v2.0`, each
    // token its tenant (`tid`) and that tenant's issuer.
    mode("entra").await;
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let common = format!("{}/common/v2.0", provider.issuer);
    let res = admin
        .put(server.url("/api/v1/identity-provider"))
        .json(&json!({"issuer": common, "client_id": "csp-northwind",
            "client_secret": "northwind-test-secret", "domains": ["northwind.example"]}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(status, 200, "{body}");
    let signed = browser();
    let back = at_provider(&server, &signed, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(callback(&signed, back).await, "/customers");
    assert_eq!(server.get_json(&signed, "/api/v1/session").await.0, 200);

    // A token whose issuer is not its own tenant's is refused.
    mode("entra-mismatch").await;
    let other = browser();
    let back = at_provider(&server, &other, ADMIN_AGENT, Some(ADMIN_AGENT), false).await;
    assert_eq!(callback(&other, back).await, "/sign-in?sso_error=invalid");
    // And a document naming an issuer that is neither the one configured nor its tenant
    // template is refused when the provider is set up.
    let res = admin
        .put(server.url("/api/v1/identity-provider"))
        .json(
            &json!({"issuer": format!("{}/consumers/v2.0", provider.issuer), "client_id": "c",
            "client_secret": "s", "domains": ["northwind.example"]}),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(
        (status, body["error"]["field_codes"]["issuer"].as_str()),
        (422, Some("invalid_url")),
        "{body}"
    );
}

async fn the_operator_sets_up_the_support_organisations_provider(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    let command = |demo: bool| {
        let mut command = Command::new(SERVER);
        command
            .args(["admin", "set-support-sso", "--issuer", &provider.issuer])
            .args([
                "--client-id",
                "csp-northwind",
                "--client-secret",
                "northwind-test-secret",
            ])
            .args(["--domains", "csp-support.example"])
            .env("DATABASE_URL", &server.database_url)
            .env("PUBLIC_URL", server.url(""))
            .env("RUST_LOG", "warn");
        if demo {
            command.env("DEMO", "1");
        }
        command.output().expect("run csp-server")
    };
    // A provider on this machine is for demos only.
    let refused = command(false);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("issuer"),
        "{refused:?}"
    );
    let done = command(true);
    let out = String::from_utf8_lossy(&done.stdout).to_string();
    assert!(
        done.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(out.contains(&server.url("/api/v1/sso/callback")), "{out}");

    let agent = browser();
    let back = at_provider(&server, &agent, SUPPORT, Some(SUPPORT), false).await;
    assert_eq!(
        callback(&agent, back).await,
        "/customers",
        "the page sends agents on to the console"
    );
    let (status, me) = server.get_json(&agent, "/api/v1/session").await;
    assert_eq!(status, 200);
    assert_eq!(me["user"]["kind"], "support");
    // A partner cannot take the support organisation's domain.
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let res = admin
        .put(server.url("/api/v1/identity-provider"))
        .json(
            &json!({"issuer": provider.issuer, "client_id": "c", "client_secret": "s",
            "domains": ["csp-support.example"]}),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(
        (status, body["error"]["field_codes"]["domains"].as_str()),
        (422, Some("taken"))
    );
}

/// "Sign in with Microsoft" for customers' users, at the operator's provider answering as
/// Microsoft Entra ID's `organizations` endpoint: the token's tenant (`tid`) finds the customer,
/// the address its user; another tenant, an unknown tenant, or a partner's user at a
/// customer's tenant are refused.
async fn a_customers_user_signs_in_with_microsoft_through_the_customers_tenant(backend: Backend) {
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    let post = |path: &str, body: Value| {
        let url = format!("{}{path}", provider.issuer);
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .body(body.as_str().unwrap().to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
        }
    };
    post("/__mode", json!("entra")).await;
    let anyone = server.client();
    let (status, offered) = server
        .get_json(&anyone, "/api/v1/sessions/sso/customers")
        .await;
    assert_eq!(
        (status, offered),
        (200, json!({"available": false})),
        "not set up yet"
    );
    let (status, body) = server
        .post_json(&anyone, "/api/v1/sessions/sso/customers", &json!({}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );

    let command = Command::new(SERVER)
        .args(["admin", "set-customer-sso", "--issuer"])
        .arg(format!("{}/organizations/v2.0", provider.issuer))
        .args(["--client-id", "csp-northwind"])
        .args(["--client-secret", "northwind-test-secret"])
        .env("DATABASE_URL", &server.database_url)
        .env("PUBLIC_URL", server.url(""))
        .env("DEMO", "1")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run csp-server");
    let out = String::from_utf8_lossy(&command.stdout).to_string();
    assert!(
        command.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&command.stderr)
    );
    assert!(out.contains(&server.url("/api/v1/sso/callback")), "{out}");
    // Domains belong to organisations' providers, never to customers'.
    let with_domains = Command::new(SERVER)
        .args(["admin", "set-customer-sso", "--issuer", &provider.issuer])
        .args(["--client-id", "c", "--client-secret", "s"])
        .args(["--domains", "contoso.example"])
        .env("DATABASE_URL", &server.database_url)
        .env("DEMO", "1")
        .output()
        .expect("run csp-server");
    assert!(!with_domains.status.success());
    assert_eq!(
        server
            .get_json(&anyone, "/api/v1/sessions/sso/customers")
            .await
            .1,
        json!({"available": true})
    );

    let tenant_of = |domain: &'static str| {
        let server = &server;
        async move {
            server
                .text(&format!(
                    "SELECT tenant_id FROM customers WHERE domain = '{domain}'"
                ))
                .await
        }
    };
    let contoso = tenant_of("contoso.onmicrosoft.com").await;
    let deep_link = format!("/admin-center/billing/products/software?tenant={contoso}");
    let sign_in = |account: String| {
        let (server, deep_link) = (&server, deep_link.clone());
        async move {
            let browser = browser();
            let (status, start) = server
                .post_json(
                    &browser,
                    "/api/v1/sessions/sso/customers",
                    &json!({"next": deep_link}),
                )
                .await;
            assert_eq!(status, 200, "{start}");
            let url: Url = start["redirect_url"].as_str().unwrap().parse().unwrap();
            assert!(
                !url.query_pairs().any(|(k, _)| k == "login_hint"),
                "nobody typed an address"
            );
            let back = through_provider(server, &browser, url, Some(&account), false).await;
            (callback(&browser, back).await, browser)
        }
    };

    // Contoso's user, at Contoso's tenant: where the deep link leads, signed in, its keys.
    let (to, customer) = sign_in(format!("{CONTOSO_USER}#tenant={contoso}")).await;
    assert_eq!(to, deep_link);
    let (status, me) = server.get_json(&customer, "/api/v1/session").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(
        (me["user"]["email"].as_str(), me["user"]["kind"].as_str()),
        (Some(CONTOSO_USER), Some("customer"))
    );
    let (status, software) = server.get_json(&customer, "/api/v1/tenant/software").await;
    assert_eq!(status, 200, "{software}");
    assert!(
        !software["items"].as_array().unwrap().is_empty(),
        "{software}"
    );
    // Linked once, recorded with the user's changes; the next sign-in finds the link.
    let (to, _) = sign_in(format!("{CONTOSO_USER}#tenant={contoso}")).await;
    assert_eq!(to, deep_link);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM user_identities").await,
        1
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM user_changes WHERE action = 'sso_linked'")
            .await,
        1
    );

    // The same address at another customer's tenant, at a tenant no customer has, and a
    // partner's user at Contoso's tenant: refused, and nobody is linked.
    let fabrikam_tenant = server
        .text("SELECT tenant_id FROM customers WHERE domain <> 'contoso.onmicrosoft.com' ORDER BY domain LIMIT 1")
        .await;
    for account in [
        format!("{CONTOSO_USER}#tenant={fabrikam_tenant}"),
        format!("{CONTOSO_USER}#tenant=00000000-0000-4000-8000-000000000000"),
        format!("{ADMIN_AGENT}#tenant={contoso}"),
    ] {
        let (to, refused) = sign_in(account.clone()).await;
        assert_eq!(to, "/sign-in?sso_error=not_invited", "{account}");
        assert_eq!(
            server.get_json(&refused, "/api/v1/session").await.0,
            401,
            "{account}"
        );
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM user_identities").await,
        1
    );
}

/// Just in time: where the Global admin allows it, someone of the organisation's domains whom
/// nobody invited gets in at their first sign-in, with no roles (and sees no customers) until a
/// Global admin gives them one; an unverified address or another domain still is refused, and
/// without the setting nobody is let in.
async fn an_organisation_may_let_people_of_its_domains_in_with_no_roles(backend: Backend) {
    const NEWCOMER: &str = "newcomer@northwind.example";
    let server = TestServer::start(backend).await;
    let provider = TestProvider::start(&server);
    provider.set_up(&server, false).await;
    let (status, shown) = server
        .get_json(
            &server.signed_in(GLOBAL_ADMIN).await,
            "/api/v1/identity-provider",
        )
        .await;
    assert_eq!(
        (status, &shown["allow_jit"]),
        (200, &json!(false)),
        "{shown}"
    );
    let refused = browser();
    let back = at_provider(&server, &refused, NEWCOMER, Some(NEWCOMER), false).await;
    assert_eq!(
        callback(&refused, back).await,
        "/sign-in?sso_error=not_invited",
        "not allowed: only the invited"
    );

    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let res = admin
        .put(server.url("/api/v1/identity-provider"))
        .json(
            &json!({"issuer": provider.issuer, "client_id": "csp-northwind",
            "domains": ["northwind.example"], "allow_jit": true}),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!((status, &body["allow_jit"]), (200, &json!(true)), "{body}");

    let newcomer = browser();
    let back = at_provider(&server, &newcomer, NEWCOMER, Some(NEWCOMER), false).await;
    assert_eq!(callback(&newcomer, back).await, "/customers");
    let (status, me) = server.get_json(&newcomer, "/api/v1/session").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(
        (me["user"]["email"].as_str(), &me["user"]["roles"]),
        (Some(NEWCOMER), &json!([]))
    );
    assert_eq!(
        server.get_json(&newcomer, "/api/v1/customers").await.0,
        403,
        "no roles, no customers"
    );
    let (_, changes) = server.get_json(&admin, "/api/v1/user-changes").await;
    let created: Vec<&Value> = changes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["user_email"] == NEWCOMER)
        .collect();
    assert_eq!(created.len(), 1, "{changes}");
    assert_eq!(created[0]["action"], "sso_created");

    // A Global admin gives a role; the newcomer's next request has it.
    let (_, users) = server.get_json(&admin, "/api/v1/users").await;
    let id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == NEWCOMER)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{id}"),
            &json!({"roles": ["admin_agent"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(server.get_json(&newcomer, "/api/v1/customers").await.0, 200);

    // Still refused: an address the provider did not verify, and nobody is made for it.
    let unverified = browser();
    let back = at_provider(
        &server,
        &unverified,
        "stranger@northwind.example",
        Some("stranger@northwind.example#unverified"),
        false,
    )
    .await;
    assert_eq!(
        callback(&unverified, back).await,
        "/sign-in?sso_error=not_invited"
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM users WHERE email = 'stranger@northwind.example'")
            .await,
        0
    );
}
