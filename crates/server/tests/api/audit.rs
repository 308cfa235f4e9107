//! The audit trail (`GET /api/v1/audit-log`): each action once, with its actor, target, client
//! address and request id; nothing for a refused action; what a support agent does for a
//! partner in both trails; readable by the roles of R-ROLE-3 only; streamed as CSV (the
//! export recorded too); the database refuses to change or remove entries, but the purge
//! command removes those past the retention.

use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    each_action_is_in_the_trail_once_with_its_actor_and_target,
    a_refused_action_leaves_nothing_and_readers_are_the_roles_of_r_role_3,
    the_trail_is_append_only_but_for_the_purge_of_old_entries,
    customers_users_links_sign_outs_and_the_cancellation_worker_are_in_the_trail,
);

/// The partner's trail as `reader` reads it, newest first (at most 500).
async fn trail(server: &TestServer, reader: &reqwest::Client, query: &str) -> Vec<Value> {
    let (status, body) = server
        .get_json(reader, &format!("/api/v1/audit-log?page_size=500{query}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

fn of<'a>(items: &'a [Value], action: &str) -> Vec<&'a Value> {
    items.iter().filter(|e| e["action"] == action).collect()
}

async fn contoso(server: &TestServer, client: &reqwest::Client) -> String {
    let (_, found) = server
        .get_json(client, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    found["items"][0]["id"].as_str().unwrap().to_string()
}

async fn place(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
    key: &str,
    body: &Value,
) -> (u16, Value, String) {
    let res = client
        .post(server.url(&format!("/api/v1/customers/{customer}/orders")))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let (status, body) = json_of(res).await;
    (status, body, request_id)
}

async fn each_action_is_in_the_trail_once_with_its_actor_and_target(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let customer = contoso(&server, &agent).await;
    let (_, offers) = server
        .get_json(&agent, &format!("/api/v1/customers/{customer}/offers"))
        .await;
    let offer = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["available"] == true && o["kind"] == "software_subscription")
        .unwrap()["id"]
        .clone();
    let body = json!({"line_items": [{"offer_id": offer, "quantity": 1}]});
    let (status, placed, request_id) = place(&server, &agent, &customer, "audit-1", &body).await;
    assert_eq!(status, 201, "{placed}");
    // A replay is no second order, and no second entry.
    let (status, _, _) = place(&server, &agent, &customer, "audit-1", &body).await;
    assert_eq!(status, 200);
    let order = placed["id"].as_str().unwrap();
    let (status, cancelled) = server
        .post_json(
            &agent,
            &format!("/api/v1/customers/{customer}/orders/{order}/cancellation"),
            &json!({"confirm": true}),
        )
        .await;
    assert_eq!(status, 202, "{cancelled}");

    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, _) = server
        .post_json(
            &admin,
            "/api/v1/users",
            &json!({"email": "new.colleague@northwind.example", "display_name": "New Colleague",
                "roles": ["admin_agent"]}),
        )
        .await;
    assert_eq!(status, 201);
    let wrong = server
        .post_json(
            &server.client(),
            "/api/v1/sessions",
            &json!({"email": ADMIN_AGENT, "password": "not-the-password"}),
        )
        .await;
    assert_eq!(wrong.0, 401);

    let items = trail(&server, &admin, "").await;
    let placed_entries = of(&items, "order_placed");
    assert_eq!(placed_entries.len(), 1, "{items:?}");
    let entry = placed_entries[0];
    assert_eq!(entry["actor_email"], ADMIN_AGENT);
    assert_eq!(entry["actor_kind"], "partner");
    assert_eq!(
        (entry["target_type"].as_str(), entry["target_id"].as_str()),
        (Some("order"), Some(order))
    );
    assert_eq!(entry["customer_id"], customer.as_str());
    assert_eq!(
        entry["request_id"],
        request_id.as_str(),
        "the request's own id"
    );
    assert_eq!(entry["client_ip"], "127.0.0.1");

    let cancellation = of(&items, "cancellation_requested");
    assert_eq!(cancellation.len(), 1);
    assert_eq!(cancellation[0]["target_id"], order);
    let invited = of(&items, "user_invited");
    assert_eq!(invited.len(), 1);
    assert_eq!(invited[0]["actor_email"], GLOBAL_ADMIN);
    assert_eq!(invited[0]["detail"], "new.colleague@northwind.example");
    let failed = of(&items, "sign_in_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (
            failed[0]["actor_email"].as_str(),
            failed[0]["actor_kind"].as_str()
        ),
        (Some(ADMIN_AGENT), Some("anonymous"))
    );
    assert!(
        of(&items, "signed_in")
            .iter()
            .any(|e| e["actor_email"] == ADMIN_AGENT && e["detail"] == "password"),
        "{items:?}"
    );
    // Newest first.
    let times: Vec<&str> = items.iter().map(|e| e["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);

    // Filters and pages.
    let only = trail(
        &server,
        &admin,
        &format!("&actor={ADMIN_AGENT}&action=order_placed"),
    )
    .await;
    assert_eq!(only.len(), 1);
    let (_, first) = server
        .get_json(&admin, "/api/v1/audit-log?page_size=2")
        .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = server
        .get_json(
            &admin,
            &format!("/api/v1/audit-log?page_size=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(
        second["items"][0]["id"], items[2]["id"],
        "the next page follows on"
    );

    // The CSV: every entry, streamed, and the export itself recorded.
    let res = admin
        .get(server.url("/api/v1/audit-log"))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with("at,actor_kind,actor_email,action,"),
        "{csv}"
    );
    assert_eq!(csv.matches("\"order_placed\"").count(), 1, "{csv}");
    assert_eq!(
        of(&trail(&server, &admin, "").await, "audit_log_exported").len(),
        1
    );

    // One's own password and two-step sign-in.
    let res = admin
        .post(server.url("/api/v1/session/password"))
        .json(&json!({"current_password": PASSWORD, "new_password": "violet harbour lantern 42"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    crate::two_step::enrol(&server, &admin).await;
    let (status, _) = server
        .patch_json(
            &admin,
            "/api/v1/profile",
            &json!({"order_confirmations": false}),
        )
        .await;
    assert_eq!(status, 200);
    let res = admin
        .delete(server.url("/api/v1/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let items = trail(&server, &admin, "").await;
    assert_eq!(
        of(&items, "profile_changed")[0]["detail"],
        "order confirmations: false"
    );
    for action in [
        "password_changed",
        "two_step_enabled",
        "profile_changed",
        "sessions_ended",
    ] {
        let found = of(&items, action);
        assert_eq!(found.len(), 1, "{action}: {items:?}");
        assert_eq!(found[0]["actor_email"], GLOBAL_ADMIN);
    }
}

async fn a_refused_action_leaves_nothing_and_readers_are_the_roles_of_r_role_3(backend: Backend) {
    let server = TestServer::start(backend).await;
    let before = server
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'order_placed'")
        .await;
    let referral = server.signed_in("referral.admin@northwind.example").await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let customer = contoso(&server, &agent).await;
    // Not allowed to buy; and an order that is no order.
    let (status, _, _) = place(
        &server,
        &referral,
        &customer,
        "refused-1",
        &json!({"line_items": [{"offer_id": "x", "quantity": 1}]}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = place(
        &server,
        &agent,
        &customer,
        "refused-2",
        &json!({"line_items": [{"offer_id": "no-such-offer", "quantity": 1}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'order_placed'")
            .await,
        before
    );

    // R-ROLE-3: a Referral admin reads it, an Admin agent does not; a support lead reads the
    // support organisation's, which a partner's entries are not part of.
    assert_eq!(server.get_json(&referral, "/api/v1/audit-log").await.0, 200);
    let (status, body) = server.get_json(&agent, "/api/v1/audit-log").await;
    assert_eq!(status, 403, "{body}");
    let support = server.signed_in(SUPPORT).await;
    let (status, body) = server.get_json(&support, "/api/v1/audit-log").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_kind"] == "support"),
        "{body}"
    );
    assert!(
        !body["items"].as_array().unwrap().is_empty(),
        "the lead's own sign-in"
    );
    let (status, body) = server
        .get_json(&referral, "/api/v1/audit-log?from=2026-12-31&to=2026-01-01")
        .await;
    assert_eq!((status, error_code(&body)), (400, "invalid_date_range"));
    for bad in [
        "action=no_such_action",
        "cursor=x",
        "customer=x",
        "actor=%00",
    ] {
        let (status, body) = server
            .get_json(&referral, &format!("/api/v1/audit-log?{bad}"))
            .await;
        assert_eq!((status, error_code(&body)), (400, "bad_request"), "{bad}");
    }
}

async fn the_trail_is_append_only_but_for_the_purge_of_old_entries(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.signed_in(GLOBAL_ADMIN).await;
    let pool = server.db.pool();
    for refused in [
        "UPDATE audit_events SET actor_email = 'someone.else@example.com'",
        "DELETE FROM audit_events",
    ] {
        assert!(
            sqlx::query(refused).execute(pool).await.is_err(),
            "{refused} must be refused"
        );
    }
    // An entry from long ago, past any retention.
    sqlx::query(
        "INSERT INTO audit_events (id, at, partner_id, actor_kind, actor_id, actor_email, action, \
         target_type, target_id, customer_id, detail, client_ip, request_id) \
         VALUES ('00000000-0000-7000-8000-000000000001', '2000-01-01T00:00:00.000Z', NULL, \
         'partner', NULL, 'old@northwind.example', 'signed_in', 'user', 'x', NULL, '', '', '')",
    )
    .execute(pool)
    .await
    .unwrap();
    let all = server.count("SELECT COUNT(*) FROM audit_events").await;
    let purge = Command::new(SERVER)
        .args(["admin", "purge-audit-log", "--older-than-days", "365"])
        .env("DATABASE_URL", &server.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run csp-server");
    let out = String::from_utf8_lossy(&purge.stdout).to_string();
    assert!(
        purge.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&purge.stderr)
    );
    assert!(out.contains("Removed 1 "), "{out}");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit_events").await,
        all - 1,
        "only the old one"
    );
    // The recent ones stay out of reach.
    assert!(sqlx::query("DELETE FROM audit_events")
        .execute(pool)
        .await
        .is_err());
}

async fn customers_users_links_sign_outs_and_the_cancellation_worker_are_in_the_trail(
    backend: Backend,
) {
    let server =
        TestServer::start_with(backend, |c| c.cancellation_delay = Duration::from_secs(0)).await;
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let customer = contoso(&server, &agent).await;

    // A customer's user signs in and out: in their customer's partner's trail.
    let tenant = server.signed_in(CONTOSO_USER).await;
    let res = tenant
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    // Signing out again, with no session, records nothing more.
    let res = tenant
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);

    // A colleague sets a password from the invitation link.
    let (status, invited) = server
        .post_json(
            &admin,
            "/api/v1/users",
            &json!({"email": "link.user@northwind.example", "display_name": "Link User",
                "roles": ["admin_agent"]}),
        )
        .await;
    assert_eq!(status, 201, "{invited}");
    let token = invited["invitation_url"]
        .as_str()
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    let (status, body) = server
        .post_json(
            &server.client(),
            "/api/v1/invitations/accept",
            &json!({"token": token, "password": "a long passphrase for the link"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The cancellation worker processes a cancellation.
    let (_, offers) = server
        .get_json(&agent, &format!("/api/v1/customers/{customer}/offers"))
        .await;
    let offer = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["available"] == true && o["kind"] == "software_subscription")
        .unwrap()["id"]
        .clone();
    let body = json!({"line_items": [{"offer_id": offer, "quantity": 1}]});
    let (status, placed, _) = place(&server, &agent, &customer, "audit-worker", &body).await;
    assert_eq!(status, 201, "{placed}");
    let order = placed["id"].as_str().unwrap();
    let (status, cancelled) = server
        .post_json(
            &agent,
            &format!("/api/v1/customers/{customer}/orders/{order}/cancellation"),
            &json!({"confirm": true}),
        )
        .await;
    assert_eq!(status, 202, "{cancelled}");
    let mut items = Vec::new();
    for _ in 0..150 {
        items = trail(&server, &admin, "").await;
        if of(&items, "cancellation_completed")
            .iter()
            .any(|e| e["target_id"] == order)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let by = |action: &str, email: &str| -> Vec<Value> {
        of(&items, action)
            .into_iter()
            .filter(|e| e["actor_email"] == email)
            .cloned()
            .collect()
    };
    let signed_in = by("signed_in", CONTOSO_USER);
    assert_eq!(signed_in.len(), 1, "{items:?}");
    assert_eq!(signed_in[0]["actor_kind"], "customer");
    assert_eq!(signed_in[0]["customer_id"], customer.as_str());
    let signed_out = by("signed_out", CONTOSO_USER);
    assert_eq!(signed_out.len(), 1, "{items:?}");
    assert_eq!(signed_out[0]["customer_id"], customer.as_str());
    assert_eq!(signed_out[0]["target_id"], signed_in[0]["target_id"]);

    let accepted = by("invitation_accepted", "link.user@northwind.example");
    assert_eq!(accepted.len(), 1, "{items:?}");
    assert_eq!(accepted[0]["target_id"], invited["id"]);
    assert_eq!(accepted[0]["actor_kind"], "partner");

    // Once, by the product itself (the demo data's own pending cancellations complete too).
    let completed: Vec<_> = of(&items, "cancellation_completed")
        .into_iter()
        .filter(|e| e["target_id"] == order)
        .collect();
    assert_eq!(completed.len(), 1, "{items:?}");
    assert_eq!(completed[0]["actor_kind"], "system");
    assert_eq!(completed[0]["customer_id"], customer.as_str());
    assert!(
        completed[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("credit "),
        "{}",
        completed[0]
    );

    // The customer's user's entries are in their customer's partner's trail only.
    let in_trail = server
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE actor_email = '{CONTOSO_USER}' \
             AND partner_id = (SELECT partner_id FROM customers WHERE id = '{customer}')"
        ))
        .await;
    let all = server
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE actor_email = '{CONTOSO_USER}'"
        ))
        .await;
    assert_eq!((in_trail, all), (2, 2));
}
