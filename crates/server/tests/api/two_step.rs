//! Two-step sign-in: enrolment with codes computed here from the secret the server gave
//! (RFC 6238), a sign-in that waits for its code and is no session until then, codes that
//! work once (replayed and wrong ones refused), single-use recovery codes, the pause after
//! wrong codes, the wait's expiry, a password reset that does not skip the code, and
//! switching it off with the password.

use chrono::Duration;
use csp_domain::Clock;
use reqwest::Client;
use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::helpers::*;

on_both_backends!(
    two_step_sign_in_takes_each_code_once_and_recovery_codes_once,
    wrong_codes_pause_the_second_step_and_a_reset_does_not_skip_it,
    where_required_the_roles_that_buy_cancel_or_manage_users_set_it_up_first,
    a_remembered_browser_is_not_asked_until_the_time_chosen_or_a_new_password,
    a_partner_requires_two_step_sign_in_of_every_user,
    a_sign_in_waiting_for_its_code_ends_with_a_deactivation_or_a_new_password,
);

async fn a_sign_in_waiting_for_its_code_ends_with_a_deactivation_or_a_new_password(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let me = server.signed_in(USER).await;
    let (totp, _) = enrol(&server, &me).await;

    // The password changed elsewhere: a sign-in that waited with the old one finishes nothing.
    let waiting = password_step(&server, USER, PASSWORD).await;
    let res = me
        .post(server.url("/api/v1/session/password"))
        .json(&json!({"current_password": PASSWORD, "new_password": "another long passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    server.clock.advance(Duration::seconds(30));
    let (status, body) = second_step(&server, &waiting, &code_at(&server, &totp, 0)).await;
    assert_eq!((status, error_code(&body)), (401, "unauthenticated"));

    // Deactivated while waiting: the right code gives no session.
    let waiting = password_step(&server, USER, "another long passphrase").await;
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (_, users) = server.get_json(&admin, "/api/v1/users").await;
    let id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == USER)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{id}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, 200);
    server.clock.advance(Duration::seconds(30));
    let (status, _) = second_step(&server, &waiting, &code_at(&server, &totp, 0)).await;
    assert_eq!(status, 401);
    let (status, _) = server.get_json(&waiting, "/api/v1/session").await;
    assert_eq!(status, 401);
}

async fn a_partner_requires_two_step_sign_in_of_every_user(backend: Backend) {
    let server = TestServer::start(backend).await;
    let rule = "/api/v1/organization/two-step";
    let account_admin = server.signed_in(ACCOUNT_ADMIN).await;
    let (status, policy) = server.get_json(&account_admin, rule).await;
    assert_eq!(status, 200);
    assert_eq!(policy, json!({"required_for_everyone": false}));
    let res = account_admin
        .put(server.url(rule))
        .json(&json!({"required_for_everyone": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "only a Global admin sets it");

    let referral = server.signed_in("referral.admin@northwind.example").await;
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let res = admin
        .put(server.url(rule))
        .json(&json!({"required_for_everyone": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Every Northwind user, whatever the roles, sets it up first; Fabrikam's are not asked.
    for client in [&referral, &admin] {
        let (status, body) = server.get_json(client, "/api/v1/customers").await;
        assert_eq!((status, error_code(&body)), (403, "two_step_required"));
    }
    let (status, _) = server.get_json(&fabrikam, "/api/v1/customers").await;
    assert_eq!(status, 200);
    enrol(&server, &referral).await;
    let (status, _) = server.get_json(&referral, "/api/v1/customers").await;
    assert_eq!(status, 200);
    let (status, body) = turn_off(&server, &referral, PASSWORD).await;
    assert_eq!((status, error_code(&body)), (403, "two_step_required"));
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM setting_changes WHERE setting = 'two_step_for_everyone'")
            .await,
        1,
        "the change is recorded"
    );
}

async fn a_remembered_browser_is_not_asked_until_the_time_chosen_or_a_new_password(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let me = server.signed_in(USER).await;
    let (totp, _) = enrol(&server, &me).await;
    server.clock.advance(Duration::seconds(30));

    let laptop = password_step(&server, USER, PASSWORD).await;
    let (status, body) = server
        .post_json(
            &laptop,
            "/api/v1/session/totp",
            &json!({"code": code_at(&server, &totp, 0), "remember_days": 5}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["error"]["field_codes"]["remember_days"],
        "unknown_value"
    );
    let res = laptop
        .post(server.url("/api/v1/session/totp"))
        .json(&json!({"code": code_at(&server, &totp, 0), "remember_days": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let remembered: Vec<&str> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .filter(|c| c.starts_with("csp_device="))
        .collect();
    assert_eq!(remembered.len(), 1, "a cookie for the browser");
    assert!(remembered[0].contains("Max-Age=604800") && remembered[0].contains("HttpOnly"));

    // Signed out and in again on that browser: no code. Another browser: the code.
    let sign_in = |client: &reqwest::Client| {
        client
            .post(server.url("/api/v1/sessions"))
            .json(&json!({"email": USER, "password": PASSWORD}))
            .send()
    };
    laptop
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(sign_in(&laptop).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["user"]["email"], USER,
        "signed in without a code: {body}"
    );
    password_step(&server, USER, PASSWORD).await;

    // Seven days later the browser is asked again.
    server
        .clock
        .advance(Duration::days(7) + Duration::minutes(1));
    let (_, body) = json_of(sign_in(&laptop).await.unwrap()).await;
    assert_eq!(body, json!({"mfa_required": true}));

    // Remembered again, then a new password: every browser is forgotten.
    let res = laptop
        .post(server.url("/api/v1/session/totp"))
        .json(&json!({"code": code_at(&server, &totp, 0), "remember_days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = laptop
        .post(server.url("/api/v1/session/password"))
        .json(&json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    laptop
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    let res = laptop
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": USER, "password": "a brand new passphrase"}))
        .send()
        .await
        .unwrap();
    let (_, body) = json_of(res).await;
    assert_eq!(
        body,
        json!({"mfa_required": true}),
        "forgotten with the old password"
    );
}

const USER: &str = "admin.agent@northwind.example";

fn authenticator(secret: &str) -> TOTP {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes).unwrap()
}

/// The code the authenticator shows at the server's time (plus `later` seconds).
fn code_at(server: &TestServer, totp: &TOTP, later: i64) -> String {
    totp.generate((server.clock.now().timestamp() + later) as u64)
}

/// Turns two-step sign-in on for `client`'s user; returns the authenticator and the recovery
/// codes.
pub async fn enrol(server: &TestServer, client: &Client) -> (TOTP, Vec<String>) {
    let (status, enrolment) = server
        .post_json(client, "/api/v1/profile/two-step", &json!({}))
        .await;
    assert_eq!(status, 201, "{enrolment}");
    let totp = authenticator(enrolment["secret"].as_str().unwrap());
    let (status, body) = server
        .post_json(
            client,
            "/api/v1/profile/two-step/confirm",
            &json!({"code": code_at(server, &totp, 0)}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let codes = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (totp, codes)
}

/// Signs in with the password: a fresh client whose sign-in waits for its code.
async fn password_step(server: &TestServer, email: &str, password: &str) -> Client {
    let client = server.client();
    let (status, body) = server
        .post_json(
            &client,
            "/api/v1/sessions",
            &json!({"email": email, "password": password}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"mfa_required": true}),
        "no user before the code"
    );
    let (status, _) = server.get_json(&client, "/api/v1/session").await;
    assert_eq!(status, 401, "a sign-in waiting for its code is no session");
    client
}

/// `POST /api/v1/profile/two-step/disable` with `password`: the status and the body (JSON, or
/// null when empty).
async fn turn_off(server: &TestServer, client: &Client, password: &str) -> (u16, Value) {
    let res = client
        .post(server.url("/api/v1/profile/two-step/disable"))
        .json(&json!({ "password": password }))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn second_step(server: &TestServer, client: &Client, code: &str) -> (u16, Value) {
    server
        .post_json(client, "/api/v1/session/totp", &json!({"code": code}))
        .await
}

async fn two_step_sign_in_takes_each_code_once_and_recovery_codes_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let me = server.signed_in(USER).await;
    let (_, profile) = server.get_json(&me, "/api/v1/profile").await;
    assert_eq!(
        profile["two_step"],
        json!({"enabled": false, "recovery_codes_left": 0})
    );

    // Confirming before starting, and the setup's own checks.
    let (status, body) = server
        .post_json(
            &me,
            "/api/v1/profile/two-step/confirm",
            &json!({"code": "123456"}),
        )
        .await;
    assert_eq!((status, error_code(&body)), (409, "two_step_not_started"));
    let (status, enrolment) = server
        .post_json(&me, "/api/v1/profile/two-step", &json!({}))
        .await;
    assert_eq!(status, 201, "{enrolment}");
    let url = enrolment["otpauth_url"].as_str().unwrap();
    assert!(
        url.starts_with(
            "otpauth://totp/CSP%20Software%20Center:admin.agent%40northwind.example?secret="
        ),
        "{url}"
    );
    assert!(url.contains(enrolment["secret"].as_str().unwrap()));
    assert!(enrolment["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let totp = authenticator(enrolment["secret"].as_str().unwrap());
    for wrong in [code_at(&server, &totp, 300), "12".to_string()] {
        let (status, body) = server
            .post_json(
                &me,
                "/api/v1/profile/two-step/confirm",
                &json!({"code": wrong}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["field_codes"]["code"], "wrong_code");
    }
    let confirming_code = code_at(&server, &totp, 0);
    let (status, body) = server
        .post_json(
            &me,
            "/api/v1/profile/two-step/confirm",
            &json!({"code": confirming_code}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let recovery: Vec<String> = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(recovery.len(), 10);
    let mut distinct = recovery.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10, "every recovery code differs");
    assert!(recovery
        .iter()
        .all(|c| c.len() == 14 && c.matches('-').count() == 2));
    let (status, body) = server
        .post_json(&me, "/api/v1/profile/two-step", &json!({}))
        .await;
    assert_eq!((status, error_code(&body)), (409, "two_step_enabled"));
    let (_, profile) = server.get_json(&me, "/api/v1/profile").await;
    assert_eq!(
        profile["two_step"],
        json!({"enabled": true, "recovery_codes_left": 10})
    );

    // The password alone is not a session; the code that confirmed the setup is used up.
    let waiting = password_step(&server, USER, PASSWORD).await;
    let (status, body) = second_step(&server, &waiting, &confirming_code).await;
    assert_eq!(status, 422, "a code works once: {body}");
    assert_eq!(body["error"]["field_codes"]["code"], "wrong_code");
    server.clock.advance(Duration::seconds(30));
    let fresh = code_at(&server, &totp, 0);
    let (status, body) = second_step(&server, &waiting, &fresh).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], USER);
    let (status, _) = server.get_json(&waiting, "/api/v1/session").await;
    assert_eq!(status, 200, "signed in after the code");
    // The same code in another sign-in, at the same moment: refused.
    let other = password_step(&server, USER, PASSWORD).await;
    let (status, _) = second_step(&server, &other, &fresh).await;
    assert_eq!(status, 422, "a replayed code is refused");

    // A recovery code (as typed, in capitals without dashes) works once.
    let typed = recovery[0].replace('-', "").to_uppercase();
    let (status, body) = second_step(&server, &other, &typed).await;
    assert_eq!(status, 200, "{body}");
    let third = password_step(&server, USER, PASSWORD).await;
    let (status, _) = second_step(&server, &third, &recovery[0]).await;
    assert_eq!(status, 422, "a recovery code works once");
    let (_, profile) = server.get_json(&me, "/api/v1/profile").await;
    assert_eq!(profile["two_step"]["recovery_codes_left"], 9);

    // Without the waiting sign-in's cookie there is nothing to complete; it waits 5 minutes.
    let (status, body) = second_step(&server, &server.client(), &recovery[1]).await;
    assert_eq!((status, error_code(&body)), (401, "unauthenticated"));
    server.clock.advance(Duration::minutes(6));
    let (status, body) = second_step(&server, &third, &recovery[1]).await;
    assert_eq!((status, error_code(&body)), (401, "unauthenticated"));

    // Off with the password only; then the password signs in again.
    let me = {
        let waiting = password_step(&server, USER, PASSWORD).await;
        let (status, _) = second_step(&server, &waiting, &recovery[2]).await;
        assert_eq!(status, 200);
        waiting
    };
    let (status, body) = turn_off(&server, &me, "not-the-password").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field_codes"]["password"], "wrong_password");
    let (status, _) = turn_off(&server, &me, PASSWORD).await;
    assert_eq!(status, 204);
    let (_, profile) = server.get_json(&me, "/api/v1/profile").await;
    assert_eq!(
        profile["two_step"],
        json!({"enabled": false, "recovery_codes_left": 0})
    );
    server.signed_in(USER).await;
    assert_eq!(
        server
            .count(
                "SELECT COUNT(*) FROM user_changes WHERE action IN \
                 ('two_step_enabled', 'two_step_disabled', 'recovery_code_used')"
            )
            .await,
        4,
        "on, two recovery codes used, off: each recorded"
    );
}

async fn where_required_the_roles_that_buy_cancel_or_manage_users_set_it_up_first(
    backend: Backend,
) {
    let server = TestServer::start_with(backend, |c| c.require_two_step = Some(true)).await;
    // A Referral admin and a customer user are not asked for it.
    let referral = server.signed_in("referral.admin@northwind.example").await;
    let (status, _) = server.get_json(&referral, "/api/v1/customers").await;
    assert_eq!(status, 200);
    let customer = server.signed_in("admin@contoso.onmicrosoft.com").await;
    let (status, _) = server.get_json(&customer, "/api/v1/tenant/software").await;
    assert_eq!(status, 200);

    // An Admin agent is told, and may only reach their session and profile until it is on.
    let agent = server.signed_in(USER).await;
    let (_, session) = server.get_json(&agent, "/api/v1/session").await;
    assert_eq!(session["user"]["two_step_setup_required"], true);
    let (status, body) = server.get_json(&agent, "/api/v1/customers").await;
    assert_eq!((status, error_code(&body)), (403, "two_step_required"));
    let (status, body) = turn_off(&server, &agent, PASSWORD).await;
    assert_eq!((status, error_code(&body)), (403, "two_step_required"));
    let (status, _) = server.get_json(&agent, "/api/v1/profile").await;
    assert_eq!(status, 200);
    enrol(&server, &agent).await;
    let (status, _) = server.get_json(&agent, "/api/v1/customers").await;
    assert_eq!(status, 200, "on: everything opens");
    let (status, body) = turn_off(&server, &agent, PASSWORD).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "two_step_required"),
        "and it stays on"
    );
}

async fn wrong_codes_pause_the_second_step_and_a_reset_does_not_skip_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let me = server.signed_in(USER).await;
    let (totp, _) = enrol(&server, &me).await;
    server.clock.advance(Duration::seconds(30));

    // Five wrong codes in a row pause the second step for 15 minutes, even for the right code.
    let waiting = password_step(&server, USER, PASSWORD).await;
    let wrong = code_at(&server, &totp, 600);
    for _ in 0..5 {
        let (status, _) = second_step(&server, &waiting, &wrong).await;
        assert_eq!(status, 422);
    }
    let res = waiting
        .post(server.url("/api/v1/session/totp"))
        .json(&json!({"code": code_at(&server, &totp, 0)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((14 * 60..=15 * 60).contains(&retry), "Retry-After {retry}");
    server.clock.advance(Duration::minutes(16));
    let waiting = password_step(&server, USER, PASSWORD).await;
    let (status, body) = second_step(&server, &waiting, &code_at(&server, &totp, 0)).await;
    assert_eq!(status, 200, "after the pause the right code passes: {body}");

    // Ten wrong codes sent at once: no more than five are tried, the rest wait for the pause.
    let waiting = password_step(&server, USER, PASSWORD).await;
    let url = server.url("/api/v1/session/totp");
    let guesses: Vec<_> = (0..10)
        .map(|i| {
            let (client, url) = (waiting.clone(), url.clone());
            let guess = format!("{:06}", 100_000 + i);
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({"code": guess}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let tried = statuses.iter().filter(|s| **s != 429).count();
    assert!(
        tried <= 5,
        "at most five tries before the pause: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [422, 429, 200].contains(s)),
        "{statuses:?}"
    );
    server.clock.advance(Duration::minutes(16));

    // A password reset sets the password, and the sign-in still waits for the code.
    let res = server
        .client()
        .post(server.url("/api/v1/password-resets"))
        .json(&json!({"email": USER}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let data: String =
        sqlx::query_scalar("SELECT data FROM outbox_events WHERE type = 'account.password_reset'")
            .fetch_one(server.db.pool())
            .await
            .unwrap();
    let data: Value = serde_json::from_str(&data).unwrap();
    let token = data["data"]["link"]
        .as_str()
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    let client = server.client();
    let (status, body) = server
        .post_json(
            &client,
            "/api/v1/password-resets/accept",
            &json!({"token": token, "password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"mfa_required": true}));
    let (status, _) = server.get_json(&client, "/api/v1/session").await;
    assert_eq!(status, 401, "the reset alone is no session");
    server.clock.advance(Duration::seconds(30));
    let (status, _) = second_step(&server, &client, &code_at(&server, &totp, 0)).await;
    assert_eq!(status, 200);
    let (status, _) = server.get_json(&client, "/api/v1/session").await;
    assert_eq!(status, 200);
}
