//! Accounts: the first administrator from an empty database through the command, invitations
//! accepted with a password of the rules, roles that apply from the next request, the last
//! Global admin kept, deactivation ending sessions, and single-use, expiring reset links.

use std::process::Command;

use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    the_first_administrator_is_made_by_command_on_an_empty_database,
    an_invited_colleague_signs_in_with_the_roles_given_and_loses_them_at_once,
    the_last_global_admin_keeps_the_role_and_deactivation_ends_sessions,
    reset_links_work_once_and_expire_and_say_nothing_of_unknown_addresses,
    demo_users_stay_off_public_addresses_and_a_new_demo_password_takes_effect,
    a_user_changes_their_password_and_their_other_sessions_end,
    the_record_of_user_changes_is_read_by_the_activity_log_roles,
    a_customer_admin_invites_another_user_of_the_tenant,
    a_support_lead_manages_the_support_agents_and_one_lead_is_kept,
    one_person_sends_at_most_thirty_invitations_an_hour,
);

async fn one_person_sends_at_most_thirty_invitations_an_hour(backend: Backend) {
    let server = TestServer::start(backend).await;
    let contoso = server.signed_in(CONTOSO_USER).await;
    let invite = |n: usize| json!({"email": format!("user{n}@contoso.example"), "display_name": format!("User {n}")});
    for n in 0..30 {
        let (status, body) = server
            .post_json(&contoso, "/api/v1/tenant/users", &invite(n))
            .await;
        assert_eq!(status, 201, "{n}: {body}");
    }
    let res = contoso
        .post(server.url("/api/v1/tenant/users"))
        .json(&invite(30))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let (_, body) = json_of(res).await;
    assert_eq!(error_code(&body), "too_many_attempts", "{body}");
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM users WHERE email = 'user30@contoso.example'")
            .await,
        0,
        "nothing made, nothing mailed"
    );
    // Someone else is not held up by it.
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, _) = server
        .post_json(
            &admin,
            "/api/v1/users",
            &json!({"email": "casey@northwind.example", "display_name": "Casey", "roles": []}),
        )
        .await;
    assert_eq!(status, 201);
}

async fn a_support_lead_manages_the_support_agents_and_one_lead_is_kept(backend: Backend) {
    let server = TestServer::start(backend).await;
    let lead = server.signed_in(SUPPORT).await;
    let (status, agents) = server.get_json(&lead, "/api/v1/users").await;
    assert_eq!(status, 200, "{agents}");
    let items = agents["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only the support organisation: {agents}");
    assert_eq!(items[0]["email"], SUPPORT);
    assert_eq!(items[0]["roles"], json!(["support_lead"]));

    // Roles of another kind of user are refused, both ways.
    let (status, body) = server
        .post_json(
            &lead,
            "/api/v1/users",
            &json!({"email": "riley@support.example", "display_name": "Riley", "roles": ["global_admin"]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field_codes"]["roles"], "unknown_value");
    let partner_admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, body) = server
        .post_json(
            &partner_admin,
            "/api/v1/users",
            &json!({"email": "sly@northwind.example", "display_name": "Sly", "roles": ["support_lead"]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field_codes"]["roles"], "unknown_value");

    let (status, invited) = server
        .post_json(
            &lead,
            "/api/v1/users",
            &json!({"email": "riley@support.example", "display_name": "Riley Agent", "roles": []}),
        )
        .await;
    assert_eq!(status, 201, "{invited}");
    let riley_id = invited["id"].as_str().unwrap().to_string();
    let (riley, status, body) = accept(
        &server,
        "/api/v1/invitations/accept",
        &token_of(invited["invitation_url"].as_str().unwrap()),
        "a passphrase for the support desk",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["kind"], "support");
    assert_eq!(body["user"]["roles"], json!([]));
    let (status, _) = server.get_json(&riley, "/api/v1/support-requests").await;
    assert_eq!(status, 200, "a new agent works the queue");
    let (status, body) = server.get_json(&riley, "/api/v1/users").await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["error"]["permission"], "manage_support_agents",
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Support lead"),
        "{body}"
    );

    // The only lead cannot step down or leave; once Riley leads too, they can.
    let lead_id = items[0]["id"].as_str().unwrap().to_string();
    let (status, body) = server
        .patch_json(
            &lead,
            &format!("/api/v1/users/{lead_id}"),
            &json!({"roles": []}),
        )
        .await;
    assert_eq!((status, error_code(&body)), (409, "last_support_lead"));
    let (status, body) = server
        .patch_json(
            &lead,
            &format!("/api/v1/users/{riley_id}"),
            &json!({"roles": ["support_lead"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server.get_json(&riley, "/api/v1/users").await;
    assert_eq!(
        status, 200,
        "the new role applies from Riley's next request: {body}"
    );
    let (status, body) = server
        .patch_json(
            &riley,
            &format!("/api/v1/users/{lead_id}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = server.get_json(&lead, "/api/v1/session").await;
    assert_eq!(status, 401, "a deactivated agent's sessions end");
    let (status, body) = server
        .patch_json(
            &riley,
            &format!("/api/v1/users/{riley_id}"),
            &json!({"roles": []}),
        )
        .await;
    assert_eq!((status, error_code(&body)), (409, "last_support_lead"));

    // The support organisation's changes are the lead's to read, not a partner's.
    let (status, changes) = server.get_json(&riley, "/api/v1/user-changes").await;
    assert_eq!(status, 200, "{changes}");
    let actions: Vec<&str> = changes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"invited")
            && actions.contains(&"roles_changed")
            && actions.contains(&"deactivated"),
        "{changes}"
    );
    assert!(
        changes["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["user_email"]
                .as_str()
                .unwrap()
                .ends_with("support.example")
                || c["user_email"] == SUPPORT),
        "{changes}"
    );
    let (_, theirs) = server
        .get_json(&partner_admin, "/api/v1/user-changes")
        .await;
    assert!(
        !theirs.to_string().contains("riley@support.example"),
        "{theirs}"
    );
    // Nor may a partner user change a support agent.
    let (status, _) = server
        .patch_json(
            &partner_admin,
            &format!("/api/v1/users/{riley_id}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, 404);
}

async fn a_customer_admin_invites_another_user_of_the_tenant(backend: Backend) {
    let server = TestServer::start(backend).await;
    let contoso = server.signed_in(CONTOSO_USER).await;
    let (status, users) = server.get_json(&contoso, "/api/v1/tenant/users").await;
    assert_eq!(status, 200, "{users}");
    assert!(users["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["email"] == CONTOSO_USER));
    let (status, body) = server
        .post_json(
            &contoso,
            "/api/v1/tenant/users",
            &json!({"email": CONTOSO_USER, "display_name": "Again"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field_codes"]["email"], "taken");
    let (status, invited) = server
        .post_json(
            &contoso,
            "/api/v1/tenant/users",
            &json!({"email": "pat@contoso.example", "display_name": "Pat Purchaser"}),
        )
        .await;
    assert_eq!(status, 201, "{invited}");
    let link = invited["invitation_url"].as_str().unwrap();
    let (pat, status, body) = accept(
        &server,
        "/api/v1/invitations/accept",
        &token_of(link),
        "a passphrase for the tenant",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["kind"], "customer");
    assert_eq!(body["user"]["organization"], "Contoso Ltd");
    let (status, _) = server.get_json(&pat, "/api/v1/tenant/software").await;
    assert_eq!(
        status, 200,
        "the new user reaches the admin center's software"
    );

    // Partner users cannot; another tenant does not see Contoso's users.
    let partner = server.signed_in(GLOBAL_ADMIN).await;
    let (status, _) = server
        .post_json(
            &partner,
            "/api/v1/tenant/users",
            &json!({"email": "x@contoso.example", "display_name": "X"}),
        )
        .await;
    assert_eq!(status, 403);
    let adatum = server.signed_in("admin@adatum.onmicrosoft.com").await;
    let (_, theirs) = server.get_json(&adatum, "/api/v1/tenant/users").await;
    assert!(theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["email"] != "pat@contoso.example"));
}

async fn the_record_of_user_changes_is_read_by_the_activity_log_roles(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, invited) = invite_casey(&server).await;
    let casey = format!("/api/v1/users/{}", invited["id"].as_str().unwrap());
    let (status, _) = server
        .patch_json(&admin, &casey, &json!({"roles": ["referral_admin"]}))
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .patch_json(&admin, &casey, &json!({"active": false}))
        .await;
    assert_eq!(status, 200);

    let referral = server.signed_in("referral.admin@northwind.example").await;
    let (status, changes) = server.get_json(&referral, "/api/v1/user-changes").await;
    assert_eq!(status, 200, "{changes}");
    let items = changes["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .take(3)
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["deactivated", "roles_changed", "invited"],
        "newest first"
    );
    assert!(items[..3].iter().all(|c| c["actor_email"] == GLOBAL_ADMIN
        && c["user_email"] == "casey@northwind.example"
        && c["client_ip"] == "127.0.0.1"));
    assert_eq!(items[1]["detail"], "admin_agent -> referral_admin");

    // An Admin agent does not read it (R-ROLE-3); another partner sees none of it.
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (status, body) = server.get_json(&agent, "/api/v1/user-changes").await;
    assert_eq!((status, error_code(&body)), (403, "forbidden"));
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (status, theirs) = server.get_json(&fabrikam, "/api/v1/user-changes").await;
    assert_eq!(status, 200);
    assert!(theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["user_email"] != "casey@northwind.example"));
}

/// A Global admin of Northwind, who has just invited Casey as an Admin agent, and the answer.
async fn invite_casey(server: &TestServer) -> (reqwest::Client, Value) {
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, invited) = server
        .post_json(
            &admin,
            "/api/v1/users",
            &json!({"email": "casey@northwind.example", "display_name": "Casey Colleague", "roles": ["admin_agent"]}),
        )
        .await;
    assert_eq!(status, 201, "{invited}");
    (admin, invited)
}

/// The token of a one-time link.
fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .expect("a token in the link")
        .to_string()
}

async fn accept(
    server: &TestServer,
    path: &str,
    token: &str,
    password: &str,
) -> (reqwest::Client, u16, Value) {
    let client = server.client();
    let res = client
        .post(server.url(path))
        .json(&json!({"token": token, "password": password}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    (client, status, body)
}

async fn the_first_administrator_is_made_by_command_on_an_empty_database(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, dir.path()).await;
    let run = |args: &[&str]| {
        Command::new(SERVER)
            .args(args)
            .env("DATABASE_URL", &database_url)
            .env("PUBLIC_URL", "https://csp.example.com")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run csp-server")
    };
    let made = run(&[
        "admin",
        "create-partner",
        "--name",
        "Litware Inc",
        "--email",
        "Ada@Litware.example",
    ]);
    let out = String::from_utf8_lossy(&made.stdout).to_string();
    assert!(
        made.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let link = out
        .split_whitespace()
        .find(|w| w.starts_with("https://csp.example.com/accept-invitation?token="))
        .unwrap_or_else(|| panic!("no link in: {out}"))
        .to_string();
    let again = run(&[
        "admin",
        "create-partner",
        "--name",
        "Litware Inc",
        "--email",
        "ada@litware.example",
    ]);
    assert!(!again.status.success(), "the address is taken");
    assert!(String::from_utf8_lossy(&again.stderr).contains("ada@litware.example"));
    let agent = run(&[
        "admin",
        "create-support-agent",
        "--email",
        "lead@support.example",
    ]);
    assert!(
        agent.status.success(),
        "{}",
        String::from_utf8_lossy(&agent.stderr)
    );

    // No demo data: the product starts empty but for these two, and the admin signs in.
    let server = TestServer::start_on_with(&database_url, dir, |c| c.seed_demo = false).await;
    assert_eq!(server.count("SELECT COUNT(*) FROM users").await, 2);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM user_roles WHERE role = 'support_lead'")
            .await,
        1,
        "the command's support agent is the support lead, who invites the others"
    );
    let (_, status, body) = accept(
        &server,
        "/api/v1/invitations/accept",
        &token_of(&link),
        "short",
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field_codes"]["password"], "too_short");
    let (admin, status, body) = accept(
        &server,
        "/api/v1/invitations/accept",
        &token_of(&link),
        "a long passphrase for litware",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["roles"], json!(["global_admin"]));
    // Without demo data two-step sign-in is required of a Global admin: nothing else first.
    assert_eq!(body["user"]["two_step_setup_required"], true);
    let (status, body) = server.get_json(&admin, "/api/v1/users").await;
    assert_eq!((status, error_code(&body)), (403, "two_step_required"));
    let (status, _) = server.get_json(&admin, "/api/v1/profile").await;
    assert_eq!(status, 200, "the profile, where it is set up, opens");
    let (status, enrolment) = server
        .post_json(&admin, "/api/v1/profile/two-step", &json!({}))
        .await;
    assert_eq!(status, 201, "{enrolment}");
    let code = {
        use csp_domain::Clock;
        let secret = totp_rs::Secret::Encoded(enrolment["secret"].as_str().unwrap().into());
        totp_rs::TOTP::new(
            totp_rs::Algorithm::SHA1,
            6,
            0,
            30,
            secret.to_bytes().unwrap(),
        )
        .unwrap()
        .generate(server.clock.now().timestamp() as u64)
    };
    let (status, body) = server
        .post_json(
            &admin,
            "/api/v1/profile/two-step/confirm",
            &json!({"code": code}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, session) = server.get_json(&admin, "/api/v1/session").await;
    assert_eq!(session["user"].get("two_step_setup_required"), None);
    let (status, users) = server.get_json(&admin, "/api/v1/users").await;
    assert_eq!(status, 200, "{users}");
    assert_eq!(users["items"][0]["email"], "ada@litware.example");
    assert_eq!(users["items"][0]["invited"], false);
    // The link worked once.
    let (_, status, body) = accept(
        &server,
        "/api/v1/invitations/accept",
        &token_of(&link),
        "another long passphrase",
    )
    .await;
    assert_eq!((status, error_code(&body)), (410, "invalid_link"));

    // Ada loses her phone and her recovery codes: the operator turns two-step sign-in off.
    let reset = run(&["admin", "reset-two-step", "--email", "ada@litware.example"]);
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    let (status, _) = server.get_json(&admin, "/api/v1/session").await;
    assert_eq!(status, 401, "her sessions ended");
    let ada = server.client();
    let (status, body) = server
        .post_json(
            &ada,
            "/api/v1/sessions",
            &json!({"email": "ada@litware.example", "password": "a long passphrase for litware"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["user"]["two_step_setup_required"], true,
        "signed in with the password, and asked to set it up again"
    );
    let again = run(&["admin", "reset-two-step", "--email", "ada@litware.example"]);
    assert!(!again.status.success(), "nothing left to reset");
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM user_changes WHERE action = 'two_step_reset'")
            .await,
        1
    );
}

async fn an_invited_colleague_signs_in_with_the_roles_given_and_loses_them_at_once(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let (admin, invited) = invite_casey(&server).await;
    let (status, body) = server
        .post_json(
            &admin,
            "/api/v1/users",
            &json!({"email": "CASEY@northwind.example", "display_name": "Again", "roles": []}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field_codes"]["email"], "taken");

    // Before accepting, the colleague cannot sign in.
    let res = server
        .client()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": "casey@northwind.example", "password": "anything at all here"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let link = invited["invitation_url"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("{}/accept-invitation?token=", server.base)),
        "{link}"
    );
    let (_, status, body) = accept(
        &server,
        "/api/v1/invitations/accept",
        &token_of(link),
        "password1234",
    )
    .await;
    assert_eq!(
        (status, body["error"]["field_codes"]["password"].as_str()),
        (422, Some("common_password"))
    );
    let (casey, status, body) = accept(
        &server,
        "/api/v1/invitations/accept",
        &token_of(link),
        "casey's long new passphrase",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["roles"], json!(["admin_agent"]));
    let (status, _) = server.get_json(&casey, "/api/v1/customers").await;
    assert_eq!(status, 200);
    // An Admin agent manages no users.
    let (status, _) = server.get_json(&casey, "/api/v1/users").await;
    assert_eq!(status, 403);

    // The admin takes the role away: the colleague's next request to buy is refused.
    let id = invited["id"].as_str().unwrap();
    let (status, body) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{id}"),
            &json!({"roles": ["referral_admin"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, found) = server
        .get_json(&casey, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    let contoso = found["items"][0]["id"].as_str().unwrap();
    let res = casey
        .post(server.url(&format!("/api/v1/customers/{contoso}/orders")))
        .header("idempotency-key", "casey-1")
        .json(&json!({"line_items": [{"offer_id": uuid::Uuid::new_v4(), "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let (_, session) = server.get_json(&casey, "/api/v1/session").await;
    assert_eq!(session["user"]["roles"], json!(["referral_admin"]));

    // An Account admin invites, but does not hand out the Global admin role.
    let account_admin = server.signed_in(ACCOUNT_ADMIN).await;
    let (status, body) = server
        .post_json(
            &account_admin,
            "/api/v1/users",
            &json!({"email": "gale@northwind.example", "display_name": "Gale", "roles": ["global_admin"]}),
        )
        .await;
    assert_eq!((status, error_code(&body)), (403, "forbidden"));
    // Another partner's admin cannot touch Northwind's users.
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (status, _) = server
        .patch_json(
            &fabrikam,
            &format!("/api/v1/users/{id}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, 404);
}

async fn the_last_global_admin_keeps_the_role_and_deactivation_ends_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (_, users) = server.get_json(&admin, "/api/v1/users").await;
    let id_of = |email: &str| {
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (global, owner) = (id_of(GLOBAL_ADMIN), id_of(OWNER));
    // Two Global admins: one may lose the role, then the other is the last.
    let (status, body) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{owner}"),
            &json!({"roles": ["admin_agent"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{global}"),
            &json!({"roles": ["account_admin"]}),
        )
        .await;
    assert_eq!((status, error_code(&body)), (409, "last_global_admin"));
    let (status, body) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{global}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, 409, "{body}");

    // Deactivating the Admin agent ends its session at once and stops its sign-ins.
    let agent = server.signed_in(ADMIN_AGENT).await;
    let agent_id = id_of(ADMIN_AGENT);
    let (status, _) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{agent_id}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = server.get_json(&agent, "/api/v1/session").await;
    assert_eq!(status, 401);
    let res = server
        .client()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (status, body) = server
        .patch_json(
            &admin,
            &format!("/api/v1/users/{agent_id}"),
            &json!({"active": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    server.signed_in(ADMIN_AGENT).await;
    let changes = server
        .count(&format!(
            "SELECT COUNT(*) FROM user_changes WHERE user_id = '{agent_id}'"
        ))
        .await;
    assert_eq!(changes, 2, "deactivated, reactivated: both recorded");
}

async fn reset_links_work_once_and_expire_and_say_nothing_of_unknown_addresses(backend: Backend) {
    let server = TestServer::start(backend).await;
    let request = |email: &str| {
        let client = server.client();
        let url = server.url("/api/v1/password-resets");
        let body = json!({"email": email});
        async move {
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(request("nobody@nowhere.example").await, 202);
    assert_eq!(request(ADMIN_AGENT).await, 202);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM outbox_events WHERE type = 'account.password_reset'")
            .await,
        1,
        "one link, for the known address only"
    );
    let data = {
        let mut conn = server.db.conn().await.unwrap();
        let data: String = sqlx::query_scalar(
            "SELECT data FROM outbox_events WHERE type = 'account.password_reset'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        serde_json::from_str::<Value>(&data).unwrap()
    };
    let token = token_of(data["data"]["link"].as_str().unwrap());
    let old_session = server.signed_in(ADMIN_AGENT).await;
    let (_, status, body) = accept(
        &server,
        "/api/v1/password-resets/accept",
        &token,
        "a fresh passphrase for avery",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Every other session ended; the old password is gone; the link is used up.
    let (status, _) = server.get_json(&old_session, "/api/v1/session").await;
    assert_eq!(status, 401);
    let res = server
        .client()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (_, status, body) = accept(
        &server,
        "/api/v1/password-resets/accept",
        &token,
        "yet another passphrase here",
    )
    .await;
    assert_eq!((status, error_code(&body)), (410, "invalid_link"));

    // A new link expires after an hour.
    assert_eq!(request(ADMIN_AGENT).await, 202);
    let data = {
        let mut conn = server.db.conn().await.unwrap();
        let data: String = sqlx::query_scalar(
            "SELECT data FROM outbox_events WHERE type = 'account.password_reset' ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        serde_json::from_str::<Value>(&data).unwrap()
    };
    server.clock.advance(chrono::Duration::minutes(61));
    let (_, status, _) = accept(
        &server,
        "/api/v1/password-resets/accept",
        &token_of(data["data"]["link"].as_str().unwrap()),
        "late passphrase here ok",
    )
    .await;
    assert_eq!(status, 410);
}

async fn sign_in_status(server: &TestServer, email: &str, password: &str) -> u16 {
    server
        .client()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn demo_users_stay_off_public_addresses_and_a_new_demo_password_takes_effect(
    backend: Backend,
) {
    let first = TestServer::start(backend).await;
    let url = first.database_url.clone();
    let dir = tempfile::tempdir().unwrap();

    // The same database on a public address: refused unless DEMO=1.
    let mut config = csp_server::Config::for_tests(&url, app_shell(dir.path()));
    config.bind_addr = "0.0.0.0:0".into();
    config.public_url = Some("https://csp.example.com".into());
    let refused = csp_server::startup::Application::build(config.clone())
        .await
        .err()
        .expect("refused");
    assert!(
        refused.contains("demo users") && refused.contains("DEMO=1"),
        "{refused}"
    );
    config.demo_allowed_in_public = true;
    assert!(csp_server::startup::Application::build(config)
        .await
        .is_ok());

    // A later start with another DEMO_PASSWORD: the demo users sign in with it, not the old.
    let second = TestServer::start_on_with(&url, dir, |c| {
        c.demo_password = "a different demo secret".into()
    })
    .await;
    assert_eq!(
        sign_in_status(&second, ADMIN_AGENT, "a different demo secret").await,
        200
    );
    assert_eq!(sign_in_status(&second, ADMIN_AGENT, PASSWORD).await, 401);
    assert_eq!(
        sign_in_status(&second, CONTOSO_USER, "a different demo secret").await,
        200
    );
}

async fn a_user_changes_their_password_and_their_other_sessions_end(backend: Backend) {
    let server = TestServer::start(backend).await;
    let here = server.signed_in(CONTOSO_USER).await;
    let elsewhere = server.signed_in(CONTOSO_USER).await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let (status, body) = server
        .post_json(
            &here,
            "/api/v1/session/password",
            &change("not it", "a brand new passphrase"),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["error"]["field_codes"]["current_password"],
        "wrong_password"
    );
    let (status, body) = server
        .post_json(
            &here,
            "/api/v1/session/password",
            &change(PASSWORD, "qwerty123456"),
        )
        .await;
    assert_eq!(
        body["error"]["field_codes"]["new_password"], "common_password",
        "{status} {body}"
    );
    let res = here
        .post(server.url("/api/v1/session/password"))
        .json(&change(PASSWORD, "a brand new passphrase"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        server.get_json(&here, "/api/v1/session").await.0,
        200,
        "this session goes on"
    );
    assert_eq!(
        server.get_json(&elsewhere, "/api/v1/session").await.0,
        401,
        "the other one ended"
    );
    assert_eq!(sign_in_status(&server, CONTOSO_USER, PASSWORD).await, 401);
    assert_eq!(
        sign_in_status(&server, CONTOSO_USER, "a brand new passphrase").await,
        200
    );
    // A session cannot guess the password faster than a sign-in: wrong current passwords
    // count with the address's sign-ins (the one wrong above was cleared by the right one).
    for _ in 0..5 {
        let (status, _) = server
            .post_json(
                &here,
                "/api/v1/session/password",
                &change("a guess", "another brand new passphrase"),
            )
            .await;
        assert_eq!(status, 422);
    }
    let res = here
        .post(server.url("/api/v1/session/password"))
        .json(&change(
            "a brand new passphrase",
            "another brand new passphrase",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "even the right one waits now");
    assert!(res.headers().get("retry-after").is_some());
    assert_eq!(
        sign_in_status(&server, CONTOSO_USER, "a brand new passphrase").await,
        429,
        "and so does a sign-in of the address from here"
    );
}
