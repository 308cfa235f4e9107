//! Demo orders, placed through the same path as the API's (`ordering::place`), at ages that
//! show every state on first start: cancellable, one day left, window passed, SUSE and Red Hat
//! plans, perpetual software, one above the refund limit, Australian and Brazilian
//! (tax-inclusive) and Japanese (yen) customers, one refunded by approval. Their idempotency
//! keys make seeding them twice a replay.

use crate::notify::Outbox;
use chrono::{DateTime, Duration, Utc};
use csp_domain::catalog::{CancellationWindows, Term};
use csp_domain::order::OrderLineRequest;
use csp_domain::{Email, IdempotencyKey, InvoiceMonth, OrderRequest, PartnerId};

use super::catalog::offer_id;
use super::{
    demo_customer, domain_of, stable_id, FABRIKAM, FABRIKAM_CUSTOMERS, NORTHWIND,
    NORTHWIND_CUSTOMERS,
};
use crate::cases::cancelling::{self, CancelError, CancelOrder};
use crate::cases::ordering::{self, PlaceError, PlaceOrder, Placed};
use crate::store::Db;

/// (partner, customer domain prefix, product key, SKU, term, quantity, age in days)
type DemoOrder = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<Term>,
    i64,
    i64,
);

const DEMO_ORDERS: &[DemoOrder] = &[
    (
        NORTHWIND,
        "contoso",
        "windows-server-2022-datacenter",
        "16-core pack",
        Some(Term::P1Y),
        2,
        5,
    ),
    (
        NORTHWIND,
        "contoso",
        "sql-server-2022-standard",
        "2-core pack",
        Some(Term::P1Y),
        4,
        59,
    ),
    (
        NORTHWIND,
        "contoso",
        "windows-server-2022-standard-perpetual",
        "16-core licence",
        None,
        1,
        61,
    ),
    (
        NORTHWIND,
        "contoso",
        "suse-linux-enterprise-server",
        "1–2 vCPU VM",
        Some(Term::P1Y),
        2,
        10,
    ),
    (
        NORTHWIND,
        "contoso",
        "sql-server-2022-standard-perpetual",
        "2-core licence",
        None,
        4,
        20,
    ),
    (
        NORTHWIND,
        "contoso",
        "sql-server-2022-enterprise",
        "2-core pack",
        Some(Term::P3Y),
        20,
        3,
    ),
    (
        NORTHWIND,
        "cohowinery",
        "windows-server-2022-standard",
        "16-core pack",
        Some(Term::P1Y),
        2,
        12,
    ),
    (
        NORTHWIND,
        "litware",
        "sql-server-2022-standard",
        "2-core pack",
        Some(Term::P1Y),
        4,
        15,
    ),
    (
        NORTHWIND,
        "adatum",
        "azure-reserved-vm-instances",
        "Standard_D2s_v5 (2 vCPUs, 8 GiB)",
        Some(Term::P1Y),
        3,
        8,
    ),
    (
        NORTHWIND,
        "wideworldimporters",
        "windows-server-2022-standard",
        "16-core pack",
        Some(Term::P1Y),
        1,
        30,
    ),
    (
        FABRIKAM,
        "tailwindtraders",
        "windows-server-2022-datacenter",
        "16-core pack",
        Some(Term::P1Y),
        1,
        7,
    ),
    // A Red Hat plan: like SUSE, it can never be cancelled.
    (
        NORTHWIND,
        "adatum",
        "red-hat-enterprise-linux",
        "1–4 vCPU VM",
        Some(Term::P1Y),
        2,
        14,
    ),
    // Brazil: prices include tax.
    (
        NORTHWIND,
        "proseware",
        "windows-server-2022-standard",
        "16-core pack",
        Some(Term::P1Y),
        3,
        6,
    ),
    // Refunded by a support agent's approval, which cancelled it (seed/support.rs).
    (
        NORTHWIND,
        "tailspintoys",
        "sql-server-2022-standard",
        "2-core pack",
        Some(Term::P1Y),
        2,
        9,
    ),
];

/// Who placed the demo orders of each partner.
fn placed_by(partner: &str) -> Email {
    let address = if partner == NORTHWIND {
        "admin.agent@northwind.example"
    } else {
        "admin.agent@fabrikam-resellers.example"
    };
    Email::parse(address).expect("demo addresses are valid")
}

pub async fn seed_orders(
    db: &Db,
    windows: &CancellationWindows,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for (n, &(partner, prefix, product, sku, term, quantity, age_days)) in
        DEMO_ORDERS.iter().enumerate()
    {
        let (company, _, market, currency) = NORTHWIND_CUSTOMERS
            .iter()
            .chain(FABRIKAM_CUSTOMERS)
            .find(|c| c.1 == prefix)
            .expect("demo orders are for demo customers");
        let customer = demo_customer(company, &domain_of(prefix), market, currency);
        let partner_id: PartnerId = stable_id(partner);
        let request = OrderRequest {
            line_items: vec![OrderLineRequest {
                offer_id: offer_id(product, sku, term).to_string(),
                quantity,
            }],
            purchase_order_number: Some(format!("PO-DEMO-{:03}", n + 1)),
        };
        let key = IdempotencyKey::parse(&format!("demo-order-{}", n + 1)).expect("a valid key");
        let agent = placed_by(partner);
        let input = PlaceOrder {
            partner: &partner_id,
            customer: &customer,
            request: &request,
            key: &key,
            placed_by: agent.as_str(),
            now: now - Duration::days(age_days),
            outbox: &Outbox::silent(),
            actor: None,
            renewing: None,
        };
        match ordering::place(db, windows, input).await {
            Ok(_) => {}
            Err(PlaceError::Database(e)) => return Err(e),
            Err(other) => panic!("demo order {} of {company} is invalid: {other:?}", n + 1),
        }
    }
    seed_cancelled_order(db, windows, now).await
}

/// Alpine Ski House: an order placed last month and cancelled then, so this month's invoice
/// shows its credit (R-INV-1).
async fn seed_cancelled_order(
    db: &Db,
    windows: &CancellationWindows,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let this_month = InvoiceMonth::of(now).start();
    let (placed_at, cancelled_at) = (
        this_month - Duration::days(10),
        this_month - Duration::days(5),
    );
    let (company, prefix, market, currency) = NORTHWIND_CUSTOMERS
        .iter()
        .find(|c| c.1 == "alpineskihouse")
        .expect("a demo customer");
    let customer = demo_customer(company, &domain_of(prefix), market, currency);
    let partner: PartnerId = stable_id(NORTHWIND);
    let request = OrderRequest {
        line_items: vec![OrderLineRequest {
            offer_id: offer_id(
                "windows-server-2022-standard",
                "16-core pack",
                Some(Term::P1Y),
            )
            .to_string(),
            quantity: 2,
        }],
        purchase_order_number: Some("PO-DEMO-CANCELLED".into()),
    };
    let key = IdempotencyKey::parse("demo-order-cancelled").expect("a valid key");
    let agent = placed_by(NORTHWIND);
    let input = PlaceOrder {
        partner: &partner,
        customer: &customer,
        request: &request,
        key: &key,
        placed_by: agent.as_str(),
        now: placed_at,
        outbox: &Outbox::silent(),
        actor: None,
        renewing: None,
    };
    let order = match ordering::place(db, windows, input).await {
        Ok(Placed::Created(order)) => order,
        // Seeded before: cancelled then too.
        Ok(Placed::Replayed(_)) => return Ok(()),
        Err(PlaceError::Database(e)) => return Err(e),
        Err(other) => panic!("the cancelled demo order is invalid: {other:?}"),
    };
    let cancel = CancelOrder {
        partner: &partner,
        customer: &customer,
        order: &order,
        requested_by: &agent,
        now: cancelled_at,
        delay: Duration::zero(),
        outbox: &Outbox::silent(),
        actor: None,
    };
    match cancelling::request(db, cancel).await {
        Ok(_) | Err(CancelError::AlreadyCancelled) => {}
        Err(CancelError::Database(e)) => return Err(e),
        Err(other) => panic!("the demo cancellation is refused: {other:?}"),
    }
    cancelling::process_next(
        db,
        &Outbox::silent(),
        "demo-seed",
        cancelled_at + Duration::minutes(1),
    )
    .await?;
    Ok(())
}
