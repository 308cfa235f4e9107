//! Demo support requests in every state — new, in progress, approved as a goodwill credit,
//! approved as a refund that cancelled the purchase, rejected — filed and decided through the
//! same paths as the API's (`support_desk`), and the activity log of the last weeks: key
//! reveals and downloads by customer users. Idempotent: requests carry idempotency keys, and
//! the log is written only while the partner's log is empty.

use crate::notify::Outbox;
use chrono::{DateTime, Duration, Utc};
use csp_domain::support::{ApprovalOutcome, CheckedForm, Impact, ProblemType};
use csp_domain::{
    ActivityAction, ActivityLogEntry, Amount, Customer, Email, IdempotencyKey, Money, PartnerId,
    SupportRequestId, SupportStatus,
};

use super::{demo_customer, domain_of, stable_id, NORTHWIND, NORTHWIND_CUSTOMERS, SUPPORT_EMAIL};
use crate::cases::support_desk::{self, Actor, ChangeStatus, DeskError, FileRequest, Filed};
use crate::store::orders::{self, StoredOrder};
use crate::store::{activity_log, Db};

/// What happens to a demo request after it is filed.
enum Decision {
    Stay,
    InProgress(&'static str),
    Approve(ApprovalOutcome, &'static str),
    Reject(&'static str),
}

struct DemoRequest {
    key: &'static str,
    /// The demo order it is about (`demo-order-N`).
    order: &'static str,
    customer: &'static str,
    title: &'static str,
    reason: &'static str,
    /// The share of the order's total asked for: (numerator, denominator).
    share: (u64, u64),
    filed_days_ago: i64,
    decided_days_ago: i64,
    decision: Decision,
}

const DEMO_REQUESTS: &[DemoRequest] = &[
    DemoRequest {
        key: "demo-support-1",
        order: "demo-order-8",
        customer: "litware",
        title: "Refund: customer reduced its SQL Server cores",
        reason: "The customer moved two servers to Azure SQL and needs half of the cores it bought.",
        share: (1, 2),
        filed_days_ago: 2,
        decided_days_ago: 0,
        decision: Decision::Stay,
    },
    DemoRequest {
        key: "demo-support-2",
        order: "demo-order-7",
        customer: "cohowinery",
        title: "Refund: Windows Server bought twice",
        reason: "The customer's own IT bought the same licences through another reseller the same week.",
        share: (1, 1),
        filed_days_ago: 4,
        decided_days_ago: 3,
        decision: Decision::InProgress("Checking with the customer's finance team which purchase to keep."),
    },
    DemoRequest {
        key: "demo-support-3",
        order: "demo-order-9",
        customer: "adatum",
        title: "Credit: reservation in the wrong region",
        reason: "The reservation was bought for West Europe; the customer's VMs run in North Europe.",
        share: (1, 4),
        filed_days_ago: 6,
        decided_days_ago: 5,
        decision: Decision::Approve(
            ApprovalOutcome::CreditOnly,
            "Goodwill credit for the region mix-up; the reservation stays.",
        ),
    },
    DemoRequest {
        key: "demo-support-4",
        order: "demo-order-14",
        customer: "tailspintoys",
        title: "Refund: SQL Server ordered for the wrong customer",
        reason: "Ordered for Tailspin Toys by mistake; it was meant for another customer.",
        share: (1, 1),
        filed_days_ago: 8,
        decided_days_ago: 7,
        decision: Decision::Approve(
            ApprovalOutcome::CancelPurchase,
            "Refunded in full; the purchase is cancelled and its keys revoked.",
        ),
    },
    DemoRequest {
        key: "demo-support-5",
        order: "demo-order-10",
        customer: "wideworldimporters",
        title: "Refund: customer no longer needs Windows Server",
        reason: "The project was cancelled after the software was installed.",
        share: (1, 1),
        filed_days_ago: 20,
        decided_days_ago: 18,
        decision: Decision::Reject(
            "Outside the refund policy: the software has been in use for three weeks. Cancel it from the dashboard while the window is open.",
        ),
    },
];

fn agent() -> Email {
    Email::parse("admin.agent@northwind.example").expect("a demo address")
}

fn customer(prefix: &str) -> Customer {
    let (company, _, market, currency) = NORTHWIND_CUSTOMERS
        .iter()
        .find(|c| c.1 == prefix)
        .expect("demo requests are for demo customers");
    demo_customer(company, &domain_of(prefix), market, currency)
}

/// A demo order of Northwind, by the idempotency key it was seeded with.
async fn demo_order(db: &Db, key: &str) -> Result<Option<StoredOrder>, sqlx::Error> {
    let partner: PartnerId = stable_id(NORTHWIND);
    let key = IdempotencyKey::parse(key).expect("a valid key");
    let mut conn = db.conn().await?;
    let Some((_, id)) = orders::idempotency_record(&mut conn, &partner, &key).await? else {
        return Ok(None);
    };
    orders::get_for_partner(&mut conn, &partner, &id).await
}

pub async fn seed_support_requests(db: &Db, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let partner: PartnerId = stable_id(NORTHWIND);
    let support = Email::parse(SUPPORT_EMAIL).expect("a demo address");
    let filer = agent();
    for demo in DEMO_REQUESTS {
        let Some(order) = demo_order(db, demo.order).await? else {
            continue;
        };
        let paid = order
            .order
            .total
            .to_money(order.order.currency)
            .unwrap_or(Money::zero(order.order.currency));
        let amount = paid.share(demo.share.0, demo.share.1).amount();
        let form = CheckedForm {
            problem_type: ProblemType::CspPurchaseRefund,
            impact: Impact::Medium,
            title: demo.title.into(),
            customer: Some(customer(demo.customer).domain),
            order_id: Some(order.order.id.clone()),
            refund_reason: Some(demo.reason.into()),
            amount_requested: Some(amount),
            contact_name: "Avery Agent".into(),
            contact_email: filer.clone(),
            contact_phone: "+1 (425) 555-0100".into(),
        };
        let key = IdempotencyKey::parse(demo.key).expect("a valid key");
        let filed = support_desk::file(
            db,
            FileRequest {
                partner: &partner,
                form: &form,
                files: &[],
                key: Some(&key),
                by: Actor {
                    name: "Avery Agent",
                    email: &filer,
                    support: false,
                },
                now: now - Duration::days(demo.filed_days_ago),
                outbox: &Outbox::silent(),
                audit: None,
            },
        )
        .await;
        let id = match filed {
            Ok(Filed::Created(id)) => id,
            // Seeded before, and decided then.
            Ok(Filed::Replayed(_)) => continue,
            Err(DeskError::Database(e)) => return Err(e),
            Err(other) => panic!("demo support request {} is refused: {other:?}", demo.key),
        };
        decide(db, &id, demo, &support, now).await?;
    }
    Ok(())
}

async fn decide(
    db: &Db,
    id: &SupportRequestId,
    demo: &DemoRequest,
    support: &Email,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (to, note, outcome) = match &demo.decision {
        Decision::Stay => return Ok(()),
        Decision::InProgress(note) => (SupportStatus::InProgress, *note, None),
        Decision::Approve(outcome, note) => (SupportStatus::Approved, *note, Some(outcome.clone())),
        Decision::Reject(note) => (SupportStatus::Rejected, *note, None),
    };
    let change = ChangeStatus {
        request: id,
        to,
        note: Some(note),
        credit: None::<&Amount>,
        outcome,
        by: Actor {
            name: "Sam Support",
            email: support,
            support: true,
        },
        now: now - Duration::days(demo.decided_days_ago),
        outbox: &Outbox::silent(),
        audit: None,
    };
    match support_desk::change_status(db, change).await {
        Ok(()) => Ok(()),
        Err(DeskError::Database(e)) => Err(e),
        Err(other) => panic!(
            "demo support request {} cannot be decided: {other:?}",
            demo.key
        ),
    }
}

/// Key reveals and downloads by customer users over the last four weeks, for the purchases
/// with keys bought before them — written only while Northwind's log is empty.
pub async fn seed_activity(db: &Db, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let partner: PartnerId = stable_id(NORTHWIND);
    let mut conn = db.conn().await?;
    if activity_log::count(&mut conn, &partner).await? > 0 {
        return Ok(());
    }
    drop(conn);
    // (demo order, customer, days ago of the reveal, whether a download followed); all before
    // today (UTC), so today's log holds only what happens today.
    let visits: &[(&str, &str, i64, bool)] = &[
        ("demo-order-1", "contoso", 4, true),
        ("demo-order-1", "contoso", 2, false),
        ("demo-order-5", "contoso", 19, true),
        ("demo-order-5", "contoso", 12, false),
        ("demo-order-7", "cohowinery", 11, true),
        ("demo-order-8", "litware", 14, true),
        ("demo-order-10", "wideworldimporters", 27, true),
        ("demo-order-13", "proseware", 5, true),
    ];
    let mut entries = Vec::new();
    for (n, &(order_key, prefix, days_ago, download)) in visits.iter().enumerate() {
        let Some(order) = demo_order(db, order_key).await? else {
            continue;
        };
        let Some(line) = order.order.line_items.first() else {
            continue;
        };
        let tenant = customer(prefix);
        let user = Email::parse(&format!("admin@{}", tenant.domain)).expect("a demo address");
        let at = now - Duration::days(days_ago) + Duration::minutes(37 * n as i64);
        let entry = |action, at| ActivityLogEntry {
            at,
            action,
            user_email: user.clone(),
            customer_id: tenant.id.clone(),
            customer_name: tenant.company_name.clone(),
            purchase_id: line.purchase_id.clone(),
            product_name: line.product_name.clone(),
            client_ip: format!("203.0.113.{}", 10 + n),
        };
        entries.push(entry(ActivityAction::KeyRevealed, at));
        if download {
            entries.push(entry(
                ActivityAction::SoftwareDownloaded,
                at + Duration::minutes(4),
            ));
        }
    }
    let mut tx = db.begin().await?;
    for entry in &entries {
        activity_log::append(&mut tx, &partner, entry).await?;
    }
    tx.commit().await?;
    Ok(())
}
