//! Customer search, paging and tenant isolation (R-CUST).

use crate::helpers::*;
use csp_domain::{Clock, PartnerId};
use csp_server::customer_lists::Answered;
use serde_json::Value;

on_both_backends!(
    bad_paging_gets_a_clear_400,
    a_customer_user_sees_only_its_own_tenant,
    seeding_twice_changes_nothing,
);

/// Each listed test twice on each backend: answered from SQL, and from the partners' customer
/// lists held in memory (`customer_lists`), which large partners' lists use.
macro_rules! from_sql_and_held_lists {
    ($($name:ident),* $(,)?) => {
        mod from_sql {
            use crate::helpers::Backend;
            on_both_backends!($($name),*);
            $(async fn $name(backend: Backend) {
                super::$name(backend, super::Lists::FromSql).await
            })*
        }
        mod from_held_lists {
            use crate::helpers::Backend;
            on_both_backends!($($name),*);
            $(async fn $name(backend: Backend) {
                super::$name(backend, super::Lists::Held).await
            })*
        }
    };
}

from_sql_and_held_lists!(
    search_matches_name_domain_or_tenant_id,
    pages_cover_the_list_once_in_name_order,
    partners_never_see_each_others_customers,
    every_search_finds_exactly_what_contains_it,
    names_that_start_with_the_search_come_first,
    broad_searches_count_to_a_thousand_and_page_that_deep,
    the_index_follows_added_renamed_and_removed_customers,
);

/// Where a test's customer lists are answered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lists {
    /// SQL alone: no partner is large enough to have its list held.
    FromSql,
    /// Every partner's list is held, whatever its size.
    Held,
}

impl Lists {
    async fn start(self, backend: Backend) -> TestServer {
        TestServer::start_with(backend, |config| {
            let policy = &mut config.customer_lists;
            match self {
                Lists::FromSql => policy.from_customers = u64::MAX,
                Lists::Held => {
                    policy.from_customers = 0;
                    policy.rebuild_interval = std::time::Duration::ZERO;
                }
            }
        })
        .await
    }

    /// How the list requests so far were answered.
    fn answered(server: &TestServer) -> Answered {
        server.state.customer_lists.answered()
    }

    /// Every partner with its current list version and number of customers.
    async fn versions(server: &TestServer) -> Vec<(PartnerId, i64, i64)> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT id, customers_version, customer_count FROM partners ORDER BY id",
        )
        .fetch_all(server.db.pool())
        .await
        .unwrap();
        rows.into_iter()
            .map(|(id, version, count)| (id.parse().unwrap(), version, count))
            .collect()
    }

    /// Held: builds every partner's list now (after seeding), so the requests that follow are
    /// answered from them.
    async fn hold(self, server: &TestServer) {
        if self == Lists::Held {
            for (partner, _, _) in Self::versions(server).await {
                let lists = &server.state.customer_lists;
                lists.refresh(&server.db, &partner).await.unwrap();
            }
        }
    }

    /// Held: every partner's list request since `before` was answered from its held list;
    /// from SQL: none was.
    fn were_used(self, server: &TestServer, before: Answered) {
        let now = Self::answered(server);
        let (held, sql) = (
            now.from_held_lists - before.from_held_lists,
            now.from_sql - before.from_sql,
        );
        match self {
            Lists::Held => assert!(held > 0 && sql == 0, "{held} held, {sql} from SQL"),
            Lists::FromSql => assert_eq!(held + sql, 0, "no partner is large enough"),
        }
    }

    /// After the requests since `before`: the first time (`rebuilt` false), waits until the
    /// lists they found stale have been built again in the background; the second time, checks
    /// that they were answered from those lists.
    async fn check_rebuilt(self, server: &TestServer, rebuilt: bool, before: Answered) {
        if rebuilt {
            self.were_used(server, before);
        } else {
            self.caught_up(server).await;
        }
    }

    /// Held: waits until the lists a change made stale have been built again in the
    /// background, asking for each stale one as a request would (one build runs at a time, so
    /// a request may have found the builder busy).
    async fn caught_up(self, server: &TestServer) {
        if self == Lists::Held {
            let lists = &server.state.customer_lists;
            for _ in 0..500 {
                let stale: Vec<_> = Self::versions(server)
                    .await
                    .into_iter()
                    .filter(|(p, v, _)| lists.held_version(p) != Some(*v))
                    .collect();
                if stale.is_empty() {
                    return;
                }
                for (partner, version, count) in stale {
                    lists.current(&server.db, &partner, version, count as u64);
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            panic!("the stale lists were not built again within 10 s");
        }
    }
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["company_name"].as_str().unwrap().to_string())
        .collect()
}

async fn search_matches_name_domain_or_tenant_id(backend: Backend, lists: Lists) {
    let server = lists.start(backend).await;
    // A Greek name: searched in any case, with or without the final sigma.
    let greek = csp_server::seed::demo_customer("ΚΑΣΤΡΟ Α.Ε.", "kastro.gr", "GR", "EUR");
    let northwind: PartnerId = csp_server::seed::stable_id(csp_server::seed::NORTHWIND);
    let mut tx = server.db.begin().await.unwrap();
    csp_server::store::customers::insert(&mut tx, &northwind, &greek, server.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    lists.hold(&server).await;
    let client = server.signed_in(ADMIN_AGENT).await;

    let (status, by_domain) = server
        .get_json(&client, "/api/v1/customers?q=contoso.onmicrosoft")
        .await;
    assert_eq!(status, 200);
    assert_eq!(names(&by_domain), ["Contoso Ltd"]);
    let contoso = &by_domain["items"][0];
    for field in [
        "id",
        "company_name",
        "tenant_id",
        "domain",
        "market",
        "currency",
    ] {
        assert!(contoso[field].is_string(), "customer.{field}");
    }
    assert_eq!(contoso["market"], "US");
    assert_eq!(contoso["currency"], "USD");

    let tenant = contoso["tenant_id"].as_str().unwrap();
    let (_, by_tenant) = server
        .get_json(
            &client,
            &format!("/api/v1/customers?q={}", tenant.to_uppercase()),
        )
        .await;
    assert_eq!(names(&by_tenant), ["Contoso Ltd"]);

    let (_, by_name) = server
        .get_json(&client, "/api/v1/customers?q=%20CONTOSO%20")
        .await;
    assert_eq!(names(&by_name), ["Contoso Ltd", "Contoso Pharmaceuticals"]);
    assert_eq!(by_name["total"], 2);

    // LIKE wildcards are literal text, not patterns.
    let (_, wildcard) = server.get_json(&client, "/api/v1/customers?q=%25").await;
    assert_eq!(wildcard["total"], 0);
    let (_, ampersand) = server
        .get_json(&client, "/api/v1/customers?q=power%20%26")
        .await;
    assert_eq!(names(&ampersand), ["City Power & Light"]);
    for q in ["ΚΑΣ", "κας", "καστρο", "ΑΣΤΡ", "στρο α.ε"] {
        let (found, total) = search_all(&server, &client, q).await;
        assert_eq!((found, total), (vec!["ΚΑΣΤΡΟ Α.Ε.".to_string()], 1), "{q}");
    }
    lists.were_used(&server, Answered::default());
}

async fn pages_cover_the_list_once_in_name_order(backend: Backend, lists: Lists) {
    let server = lists.start(backend).await;
    lists.hold(&server).await;
    let client = server.signed_in(GLOBAL_ADMIN).await;
    let (_, first) = server
        .get_json(&client, "/api/v1/customers?page_size=10")
        .await;
    let total = first["total"].as_u64().unwrap();
    assert!(total >= 30, "at least 30 demo customers, got {total}");
    assert_eq!(
        (first["page"].as_u64(), first["page_size"].as_u64()),
        (Some(1), Some(10))
    );

    let mut all = Vec::new();
    let pages = total.div_ceil(10);
    for page in 1..=pages {
        let (_, body) = server
            .get_json(
                &client,
                &format!("/api/v1/customers?page={page}&page_size=10"),
            )
            .await;
        let items = names(&body);
        assert!(items.len() <= 10);
        all.extend(items);
    }
    assert_eq!(all.len() as u64, total);
    let mut sorted = all.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(all, sorted, "name order, no duplicates across pages");
    sorted.dedup();
    assert_eq!(sorted.len(), all.len());

    let (_, beyond) = server
        .get_json(
            &client,
            &format!("/api/v1/customers?page={}&page_size=10", pages + 1),
        )
        .await;
    assert_eq!(names(&beyond), Vec::<String>::new());
    assert_eq!(beyond["total"].as_u64(), Some(total));
    lists.were_used(&server, Answered::default());
}

async fn bad_paging_gets_a_clear_400(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    for query in ["page=0", "page_size=101", "page=abc", "page=-1"] {
        let (status, body) = server
            .get_json(&client, &format!("/api/v1/customers?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(error_code(&body), "bad_request", "{query}");
    }
}

async fn partners_never_see_each_others_customers(backend: Backend, lists: Lists) {
    let server = lists.start(backend).await;
    lists.hold(&server).await;
    let northwind = server.signed_in(ADMIN_AGENT).await;
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;

    let (_, contoso) = server
        .get_json(&northwind, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    let contoso_id = contoso["items"][0]["id"].as_str().unwrap().to_string();

    let (_, theirs) = server
        .get_json(&fabrikam, "/api/v1/customers?page_size=100")
        .await;
    assert_eq!(
        names(&theirs),
        ["Datum Logistics", "Northridge Fabrics", "Tailwind Traders"]
    );
    let (_, search) = server
        .get_json(&fabrikam, "/api/v1/customers?q=contoso")
        .await;
    assert_eq!(search["total"], 0);

    let (status, body) = server
        .get_json(&fabrikam, &format!("/api/v1/customers/{contoso_id}"))
        .await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&body), "not_found");
    let (status, body) = server
        .get_json(&northwind, &format!("/api/v1/customers/{contoso_id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["company_name"], "Contoso Ltd");
    lists.were_used(&server, Answered::default());
}

async fn a_customer_user_sees_only_its_own_tenant(backend: Backend) {
    let server = TestServer::start(backend).await;
    let contoso_user = server.signed_in(CONTOSO_USER).await;
    let (status, list) = server.get_json(&contoso_user, "/api/v1/customers").await;
    assert_eq!(status, 200);
    assert_eq!(names(&list), ["Contoso Ltd"]);
    let (status, tenant) = server.get_json(&contoso_user, "/api/v1/tenant").await;
    assert_eq!(status, 200);
    assert_eq!(tenant["domain"], "contoso.onmicrosoft.com");

    let northwind = server.signed_in(ADMIN_AGENT).await;
    let (_, other) = server
        .get_json(&northwind, "/api/v1/customers?q=adatum")
        .await;
    let other_id = other["items"][0]["id"].as_str().unwrap();
    let (status, _) = server
        .get_json(&contoso_user, &format!("/api/v1/customers/{other_id}"))
        .await;
    assert_eq!(status, 404);

    // The tenant route is for customer users; support agents see no customer list.
    let (status, _) = server.get_json(&northwind, "/api/v1/tenant").await;
    assert_eq!(status, 403);
    let support = server.signed_in(SUPPORT).await;
    let (status, body) = server.get_json(&support, "/api/v1/customers").await;
    assert_eq!(status, 403);
    assert_eq!(error_code(&body), "forbidden");
}

async fn seeding_twice_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let count = || async {
        let customers = server.count("SELECT COUNT(*) FROM customers").await;
        let users = server.count("SELECT COUNT(*) FROM users").await;
        let orders = server.count("SELECT COUNT(*) FROM orders").await;
        let offers = server.count("SELECT COUNT(*) FROM offers").await;
        (customers, users, orders, offers)
    };
    let before = count().await;
    assert!(
        before.2 >= 10 && before.3 >= 20,
        "demo orders and the catalog are there: {before:?}"
    );
    // A day later, as a restart would: the demo orders are not placed again.
    server.clock.advance(chrono::Duration::days(1));
    csp_server::seed::seed_demo(
        &server.db,
        PASSWORD,
        &Default::default(),
        server.clock.now(),
    )
    .await
    .unwrap();
    csp_server::seed::catalog::seed_catalog(&server.db)
        .await
        .unwrap();
    assert_eq!(count().await, before);
    csp_server::seed::seed_bulk_customers(&server.db, 50, server.clock.now())
        .await
        .unwrap();
    csp_server::seed::seed_bulk_customers(&server.db, 50, server.clock.now())
        .await
        .unwrap();
    assert_eq!(count().await.0, before.0 + 50);
}

/// Every customer of the partner signed in to `client`, read page by page.
async fn all_customers(server: &TestServer, client: &reqwest::Client) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let (_, body) = server
            .get_json(
                client,
                &format!("/api/v1/customers?page={page}&page_size=100"),
            )
            .await;
        let items = body["items"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        all.extend(items);
    }
    all
}

/// A search's names over all its pages, and its total.
async fn search_all(server: &TestServer, client: &reqwest::Client, q: &str) -> (Vec<String>, u64) {
    let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    let mut found = Vec::new();
    let mut total = 0;
    for page in 1.. {
        let (status, body) = server
            .get_json(
                client,
                &format!("/api/v1/customers?q={q}&page={page}&page_size=100"),
            )
            .await;
        assert_eq!(status, 200, "{q}: {body}");
        total = body["total"].as_u64().unwrap();
        let items = names(&body);
        if items.is_empty() {
            break;
        }
        found.extend(items);
    }
    (found, total)
}

async fn every_search_finds_exactly_what_contains_it(backend: Backend, lists: Lists) {
    let server = lists.start(backend).await;
    csp_server::seed::seed_bulk_customers(&server.db, 40, server.clock.now())
        .await
        .unwrap();
    lists.hold(&server).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let everyone = all_customers(&server, &client).await;
    let contoso_tenant = everyone
        .iter()
        .find(|c| c["company_name"] == "Contoso Ltd")
        .unwrap()["tenant_id"]
        .as_str()
        .unwrap()
        .to_string();
    // One and two characters (no trigram), three, words, spaces, a domain, a tenant ID and
    // its fragment, in any case, and text that is no customer's.
    for q in [
        "&",
        "x",
        "Gh",
        "ltd",
        "contoso",
        "HOLDINGS 00003",
        "power & l",
        "bulk00001",
        "onmicrosoft.com",
        &contoso_tenant,
        &contoso_tenant[4..13].to_uppercase(),
        "zzqx",
        "\"quoted\"",
        "_",
        "\\",
    ] {
        let needle = q.to_lowercase();
        let mut expected: Vec<String> = everyone
            .iter()
            .filter(|c| {
                ["company_name", "domain", "tenant_id"]
                    .iter()
                    .any(|f| c[f].as_str().unwrap().to_lowercase().contains(&needle))
            })
            .map(|c| c["company_name"].as_str().unwrap().to_string())
            .collect();
        let (mut found, total) = search_all(&server, &client, q).await;
        assert_eq!(
            total as usize,
            found.len(),
            "{q}: the total counts the matches"
        );
        expected.sort();
        found.sort();
        assert_eq!(found, expected, "{q}");
    }
    lists.were_used(&server, Answered::default());
}

async fn names_that_start_with_the_search_come_first(backend: Backend, lists: Lists) {
    let server = lists.start(backend).await;
    // "Blue Alpha Holdings 000001", "Alpha Blue Holdings 000008", …
    csp_server::seed::seed_bulk_customers(&server.db, 64, server.clock.now())
        .await
        .unwrap();
    lists.hold(&server).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    for q in ["blue", "Bl"] {
        let (found, total) = search_all(&server, &client, q).await;
        assert_eq!(total as usize, found.len());
        let starts_with_q = |n: &String| n.to_lowercase().starts_with(&q.to_lowercase());
        let starts = found.iter().take_while(|n| starts_with_q(n)).count();
        // "Blue Alpha Holdings 000001" … "Blue Harbor Holdings 000057" and "Blue Yonder
        // Airlines" first, then "Alpha Blue Holdings 000008" … "Harbor Blue Holdings 000015".
        assert!(starts >= 9, "{q}: {found:?}");
        assert!(
            found.len() >= starts + 7 && !found[starts..].iter().any(starts_with_q),
            "{q}: names that start with it come first: {found:?}"
        );
        for group in [&found[..starts], &found[starts..]] {
            let mut sorted = group.to_vec();
            sorted.sort_by_key(|n| n.to_lowercase());
            assert_eq!(group, &sorted[..], "{q}: each group in name order");
        }
    }
    lists.were_used(&server, Answered::default());
}

async fn broad_searches_count_to_a_thousand_and_page_that_deep(backend: Backend, lists: Lists) {
    let server = lists.start(backend).await;
    csp_server::seed::seed_bulk_customers(&server.db, 1_200, server.clock.now())
        .await
        .unwrap();
    lists.hold(&server).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    // The whole list is counted exactly (the partner's kept count).
    let demo = server
        .count("SELECT COUNT(*) FROM customers WHERE domain NOT LIKE 'bulk%'")
        .await as u64;
    let (_, list) = server.get_json(&client, "/api/v1/customers").await;
    let northwind_demo = all_customers(&server, &client).await.len() as u64 - 1_200;
    assert!(northwind_demo > 0 && northwind_demo < demo);
    assert_eq!(list["total"].as_u64(), Some(1_200 + northwind_demo));
    assert_eq!(list["total_capped"], false);

    // Exactly 1 000 matches ("… Holdings 000000" to "000999"): counted exactly.
    let (_, exact) = server
        .get_json(&client, "/api/v1/customers?q=holdings%20000")
        .await;
    assert_eq!(
        (exact["total"].as_u64(), &exact["total_capped"]),
        (Some(1_000), &Value::Bool(false))
    );
    // 1 200 matches: "1 000+", and the pages go 1 000 deep, each with the right rows.
    let (_, broad) = server
        .get_json(&client, "/api/v1/customers?q=holdings%2000&page_size=100")
        .await;
    assert_eq!(
        (broad["total"].as_u64(), &broad["total_capped"]),
        (Some(1_000), &Value::Bool(true))
    );
    let (_, deep) = server
        .get_json(
            &client,
            "/api/v1/customers?q=holdings%2000&page=10&page_size=100",
        )
        .await;
    let deep = names(&deep);
    assert_eq!(deep.len(), 100);
    // Prefix-first ranking does not apply ("holdings" starts no name): plain name order, in
    // which the 901st to 1 000th are these.
    let mut all: Vec<String> = all_customers(&server, &client)
        .await
        .iter()
        .map(|c| c["company_name"].as_str().unwrap().to_string())
        .filter(|n| n.to_lowercase().contains("holdings 00"))
        .collect();
    all.sort_by_key(|n| n.to_lowercase());
    assert_eq!(deep, all[900..1_000]);
    // A broad search with names that start with it: those first, across the page boundary.
    let everyone = all_customers(&server, &client).await;
    let name = |c: &Value| c["company_name"].as_str().unwrap().to_string();
    let contains_e = |c: &&Value| {
        ["company_name", "domain", "tenant_id"]
            .iter()
            .any(|f| c[f].as_str().unwrap().to_lowercase().contains('e'))
    };
    let (mut first, mut rest): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for c in everyone.iter().filter(contains_e) {
        if name(c).to_lowercase().starts_with('e') {
            first.push(name(c));
        } else {
            rest.push(name(c));
        }
    }
    first.sort_by_key(|n| n.to_lowercase());
    rest.sort_by_key(|n| n.to_lowercase());
    assert!(first.len() > 100 && first.len() < 200 && rest.len() > 1_000);
    let expected: Vec<String> = first.into_iter().chain(rest).take(300).collect();
    let mut shown = Vec::new();
    for page in 1..=3 {
        let (_, body) = server
            .get_json(
                &client,
                &format!("/api/v1/customers?q=E&page={page}&page_size=100"),
            )
            .await;
        assert_eq!(body["total_capped"], true);
        shown.extend(names(&body));
    }
    assert_eq!(shown, expected);
    // A narrower search finds what lies beyond.
    let (found, total) = search_all(&server, &client, "holdings 0011").await;
    assert_eq!((found.len(), total), (100, 100));
    lists.were_used(&server, Answered::default());
}

async fn the_index_follows_added_renamed_and_removed_customers(backend: Backend, lists: Lists) {
    let server = lists.start(backend).await;
    lists.hold(&server).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let (_, none) = server
        .get_json(&client, "/api/v1/customers?q=granite")
        .await;
    assert_eq!(none["total"], 0);
    csp_server::seed::seed_bulk_customers(&server.db, 64, server.clock.now())
        .await
        .unwrap();
    // Each change is seen at once (from SQL while a held list is stale), then again from the
    // list built anew.
    for rebuilt in [false, true] {
        let before = Lists::answered(&server);
        let (added, _) = search_all(&server, &client, "granite").await;
        assert_eq!(added.len(), 15, "rebuilt {rebuilt}: {added:?}");
        lists.check_rebuilt(&server, rebuilt, before).await;
    }
    let (added, _) = search_all(&server, &client, "granite").await;
    // Renamed (as a directory sync would): found by the new name only.
    let renamed = "Tailspin Toys Europe";
    sqlx::query(
        "UPDATE customers SET company_name = $1, sort_name = $2, \
         search_text = $3 || ' ' || domain || ' ' || tenant_id WHERE company_name = $4",
    )
    .bind(renamed)
    .bind(renamed.to_lowercase())
    .bind(renamed.to_lowercase())
    .bind(&added[0])
    .execute(server.db.pool())
    .await
    .unwrap();
    for rebuilt in [false, true] {
        let before = Lists::answered(&server);
        let (found, _) = search_all(&server, &client, "spin toys eu").await;
        assert_eq!(found, [renamed], "rebuilt {rebuilt}");
        let (found, _) = search_all(&server, &client, &added[0]).await;
        assert!(found.is_empty(), "the old name is gone: {found:?}");
        lists.check_rebuilt(&server, rebuilt, before).await;
    }
    // Moved to another partner: in its list and counted there, no longer here.
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (_, theirs) = server.get_json(&fabrikam, "/api/v1/customers").await;
    let (_, ours) = server.get_json(&client, "/api/v1/customers").await;
    sqlx::query(
        "UPDATE customers SET partner_id = (SELECT partner_id FROM customers WHERE domain = $1) \
         WHERE company_name = $2",
    )
    .bind("tailwindtraders.onmicrosoft.com")
    .bind(renamed)
    .execute(server.db.pool())
    .await
    .unwrap();
    for rebuilt in [false, true] {
        let before = Lists::answered(&server);
        let (_, now_theirs) = server.get_json(&fabrikam, "/api/v1/customers").await;
        assert_eq!(now_theirs["total"], theirs["total"].as_u64().unwrap() + 1);
        assert!(
            names(&now_theirs).contains(&renamed.to_string()),
            "{now_theirs}"
        );
        let (_, now_ours) = server.get_json(&client, "/api/v1/customers").await;
        assert_eq!(now_ours["total"], ours["total"].as_u64().unwrap() - 1);
        let (found, _) = search_all(&server, &client, "spin toys eu").await;
        assert!(found.is_empty(), "rebuilt {rebuilt}: {found:?}");
        lists.check_rebuilt(&server, rebuilt, before).await;
    }
    // Removed (as an operator might): gone from the list and from its count.
    let (_, before) = server.get_json(&fabrikam, "/api/v1/customers").await;
    sqlx::query("DELETE FROM customers WHERE company_name = $1")
        .bind(renamed)
        .execute(server.db.pool())
        .await
        .unwrap();
    for rebuilt in [false, true] {
        let answered = Lists::answered(&server);
        let (_, after) = server.get_json(&fabrikam, "/api/v1/customers").await;
        let expected = before["total"].as_u64().unwrap() - 1;
        assert_eq!(after["total"].as_u64(), Some(expected), "rebuilt {rebuilt}");
        assert!(!names(&after).contains(&renamed.to_string()));
        lists.check_rebuilt(&server, rebuilt, answered).await;
    }
    // The kept counts agree with the rows after all of it.
    let counts: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT customer_count, (SELECT COUNT(*) FROM customers c WHERE c.partner_id = p.id) \
         FROM partners p",
    )
    .fetch_all(server.db.pool())
    .await
    .unwrap();
    assert!(counts.iter().all(|(kept, real)| kept == real), "{counts:?}");
}
