//! Support requests (R-SUP): filing one (checked against the partner's own customers and
//! orders), comments and files while it is open, and the status changes of support agents —
//! an approval books its credit once, even when two agents approve at the same moment.

use crate::store::audit::{self, Event};
use chrono::{DateTime, Utc};
use csp_domain::audit::AuditAction;
use csp_domain::notification::{
    CancellationCompleted, EventData, SupportChange, SupportRequestCreated, SupportRequestUpdated,
};
use csp_domain::support::{
    check_approval, check_refund_filing, ApprovalOutcome, CheckedForm, CreditIssue, FileIssue,
    RefundRefusal, ResolveIssue, SupportEventKind, SupportOrderInfo, SupportRequest,
    MAX_FILES_PER_REQUEST,
};
use csp_domain::CancellationId;
use csp_domain::{
    Amount, CreditSource, Customer, Email, FieldErrors, IdempotencyKey, Money, PartnerId,
    SupportRequestId, SupportStatus,
};
use sha2::{Digest, Sha256};

use crate::cases::cancelling::{locked_order, product_of};
use crate::notify::{self, Outbox};
use crate::store::cancellations::{self, NewCancellation};
use crate::store::credits::{self, NewCredit};
use crate::store::customers::{self, CustomerScope};
use crate::store::orders::{self, StoredOrder};
use crate::store::support_requests::{self as store, NewAttachment, NewEvent, NewRequest};
use crate::store::{decode, new_id, Conn, Db};

pub use crate::cases::uploads::UploadedFile;

#[derive(Debug)]
pub enum DeskError {
    Invalid(FieldErrors),
    /// The order the request is about is cancelled or has nothing left to credit, or an
    /// approval cannot cancel it.
    Refused(RefundRefusal),
    /// The idempotency key filed another request before.
    KeyReused,
    NotFound,
    /// The request is decided: no more comments or files.
    Closed,
    /// Not a change the request's status allows (or another agent changed it first).
    InvalidStatusChange(String),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for DeskError {
    fn from(e: sqlx::Error) -> Self {
        DeskError::Database(e)
    }
}

/// Who acts: their name as the history shows it, and whether they are a support agent.
pub struct Actor<'a> {
    pub name: &'a str,
    pub email: &'a Email,
    pub support: bool,
}

pub struct FileRequest<'a> {
    pub partner: &'a PartnerId,
    pub form: &'a CheckedForm,
    pub files: &'a [UploadedFile],
    /// From the `Idempotency-Key` header: a retried filing is the same request.
    pub key: Option<&'a IdempotencyKey>,
    pub by: Actor<'a>,
    pub now: DateTime<Utc>,
    /// Where the `support_request.created` event goes.
    pub outbox: &'a Outbox,
    /// Who, for the audit trail (none for demo data).
    pub audit: Option<&'a audit::Actor>,
}

/// What a filing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    Created(SupportRequestId),
    /// The key filed this request before, with the same form and files.
    Replayed(SupportRequestId),
}

/// The request an `Idempotency-Key` filed before with this form and these files, if any
/// (checked before the files are stored: a retry stores nothing again).
pub async fn filed_before<'f>(
    db: &Db,
    partner: &PartnerId,
    key: Option<&IdempotencyKey>,
    form: &CheckedForm,
    files: impl IntoIterator<Item = (&'f str, &'f [u8; 32])>,
) -> Result<Option<Result<Filed, DeskError>>, DeskError> {
    let Some(key) = key else { return Ok(None) };
    let hash = request_hash(form, files);
    replay(&mut *db.conn().await?, partner, key, &hash).await
}

/// Files a request with its files (stored already, see `cases::uploads`), in one transaction.
/// The customer and order must be the partner's own, the order not cancelled, and the amount
/// at most what is left to credit on it (checked with the order locked, as an approval or a
/// cancellation checks it).
pub async fn file(db: &Db, input: FileRequest<'_>) -> Result<Filed, DeskError> {
    let form = input.form;
    let hash = request_hash(
        form,
        input.files.iter().map(|f| (f.name.as_str(), &f.sha256)),
    );
    let mut tx = db.begin().await?;
    if let Some(key) = input.key {
        if let Some(found) = replay(&mut tx, input.partner, key, &hash).await? {
            return found;
        }
    }
    let mut errors = FieldErrors::new();
    let customer = match form.customer.as_deref() {
        Some(text) => {
            let found = customers::find_by_tenant_or_domain(&mut tx, input.partner, text).await?;
            if found.is_none() {
                errors.add("customer", &ResolveIssue::UnknownCustomer);
            }
            found
        }
        None => None,
    };
    let order = match &form.order_id {
        Some(id) => {
            let found = orders::get_for_partner(&mut tx, input.partner, id).await?;
            match (&found, &customer) {
                (None, _) => errors.add("order_id", &ResolveIssue::UnknownOrder),
                (Some(o), Some(c)) if o.order.customer_id != c.id => {
                    errors.add("order_id", &ResolveIssue::OtherCustomersOrder)
                }
                _ => {}
            }
            match found {
                // Read again with its row locked: its ledger must not move until this commits.
                Some(o) => locked_order(&mut tx, &o.order.customer_id, &o.order.id).await?,
                None => None,
            }
        }
        None => None,
    };
    let amount = match (&form.amount_requested, &order) {
        (None, _) => None,
        (Some(_), None) => {
            if form.order_id.is_none() {
                errors.add("amount_requested", &ResolveIssue::NeedsOrder);
            }
            None
        }
        (Some(amount), Some(order)) => match refundable_amount(amount, order, &mut errors) {
            Ok(amount) => amount,
            Err(refusal) => return replay_or(&mut tx, &input, &hash, refusal).await,
        },
    };
    if !errors.is_empty() {
        return replay_or(&mut tx, &input, &hash, DeskError::Invalid(errors)).await;
    }
    let id: SupportRequestId = new_id();
    let number = store::next_number(&mut tx).await?;
    let customer_id = customer
        .as_ref()
        .map(|c| c.id.clone())
        .or_else(|| order.as_ref().map(|o| o.order.customer_id.clone()));
    store::insert(
        &mut tx,
        &NewRequest {
            id: &id,
            number,
            partner: input.partner,
            problem_type: &form.problem_type,
            impact: &form.impact,
            title: &form.title,
            customer_text: form.customer.as_deref().unwrap_or(""),
            customer: customer_id.as_ref(),
            order: order.as_ref().map(|o| &o.order.id),
            refund_reason: form.refund_reason.as_deref(),
            amount_requested: amount,
            contact_name: &form.contact_name,
            contact_email: &form.contact_email,
            contact_phone: &form.contact_phone,
            created_by: input.by.email.as_str(),
            created_at: input.now,
        },
    )
    .await?;
    if let Some(key) = input.key {
        if !store::claim_idempotency_key(&mut tx, input.partner, key, &hash, &id, input.now).await?
        {
            // Another filing with this key committed meanwhile: answer as it was answered.
            tx.rollback().await?;
            return replay(&mut *db.conn().await?, input.partner, key, &hash)
                .await?
                .unwrap_or(Err(DeskError::KeyReused));
        }
    }
    store_files(&mut tx, &id, input.files, &input.by, input.now).await?;
    store::record(
        &mut tx,
        &NewEvent {
            request: &id,
            kind: SupportEventKind::Created,
            actor: input.by.name,
            by_support: false,
            status: Some(&SupportStatus::New),
            note: None,
            at: input.now,
        },
    )
    .await?;
    let event = SupportRequestCreated {
        support_request_id: id.clone(),
        number,
        title: form.title.clone(),
        problem_type: form.problem_type.as_str().to_string(),
        customer_id: customer_id.clone(),
        order_id: order.as_ref().map(|o| o.order.id.clone()),
        created_by: input.by.email.as_str().to_string(),
    };
    input
        .outbox
        .record(
            &mut tx,
            Some(input.partner),
            EventData::SupportRequestCreated(event),
            input.now,
        )
        .await?;
    let mut filed = Event::new(
        AuditAction::SupportRequestFiled,
        "support_request",
        id.as_str(),
    )
    .detail(format!("{number}: {}", form.title));
    if let Some(customer) = &customer_id {
        filed = filed.customer(customer);
    }
    audit::record_by(&mut tx, input.audit, filed, input.now).await?;
    tx.commit().await?;
    tracing::info!(request = %id, number, "support request filed");
    Ok(Filed::Created(id))
}

/// `refusal`, unless a filing with the same key committed while this one waited for the
/// order's lock (the first of a double click, approved at once since, say): then that
/// filing's answer — a retried filing is one request, whatever happened to it meanwhile.
async fn replay_or(
    conn: &mut Conn,
    input: &FileRequest<'_>,
    hash: &str,
    refusal: DeskError,
) -> Result<Filed, DeskError> {
    if let Some(key) = input.key {
        if let Some(found) = replay(conn, input.partner, key, hash).await? {
            return found;
        }
    }
    Err(refusal)
}

async fn replay(
    conn: &mut Conn,
    partner: &PartnerId,
    key: &IdempotencyKey,
    hash: &str,
) -> Result<Option<Result<Filed, DeskError>>, DeskError> {
    Ok(store::idempotency_record(conn, partner, key)
        .await?
        .map(|(stored, id)| {
            if stored == hash {
                Ok(Filed::Replayed(id))
            } else {
                Err(DeskError::KeyReused)
            }
        }))
}

/// What makes two filings "the same": every field as checked, and each file's name and bytes
/// (by their SHA-256).
fn request_hash<'f>(
    form: &CheckedForm,
    files: impl IntoIterator<Item = (&'f str, &'f [u8; 32])>,
) -> String {
    let mut hasher = Sha256::new();
    let fields = [
        form.problem_type.as_str(),
        form.impact.as_str(),
        &form.title,
        form.customer.as_deref().unwrap_or(""),
        form.order_id.as_ref().map(|o| o.as_str()).unwrap_or(""),
        form.refund_reason.as_deref().unwrap_or(""),
        form.amount_requested
            .as_ref()
            .map(Amount::as_str)
            .unwrap_or(""),
        &form.contact_name,
        form.contact_email.as_str(),
        &form.contact_phone,
    ];
    for field in fields {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    for (name, sha256) in files {
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update(sha256);
    }
    hex::encode(hasher.finalize())
}

/// The amount in the order's currency, if the order may get a refund request for it.
fn refundable_amount(
    amount: &Amount,
    order: &StoredOrder,
    errors: &mut FieldErrors,
) -> Result<Option<Money>, DeskError> {
    let money = match amount.to_money(order.order.currency) {
        Ok(m) => m,
        Err(e) => {
            errors.add("amount_requested", &e);
            return Ok(None);
        }
    };
    match check_refund_filing(&order.facts, money).map_err(DeskError::Refused)? {
        Ok(money) => Ok(Some(money)),
        Err(issue) => {
            errors.add("amount_requested", &issue);
            Ok(None)
        }
    }
}

async fn store_files(
    conn: &mut Conn,
    request: &SupportRequestId,
    files: &[UploadedFile],
    by: &Actor<'_>,
    now: DateTime<Utc>,
) -> Result<(), DeskError> {
    let held = store::attachment_count(conn, request).await? as usize;
    if held + files.len() > MAX_FILES_PER_REQUEST {
        let mut errors = FieldErrors::new();
        errors.add("files", &FileIssue::RequestFull);
        return Err(DeskError::Invalid(errors));
    }
    for file in files {
        store::insert_attachment(
            conn,
            &NewAttachment {
                // Time-ordered, so files list in the order they were attached.
                id: &crate::store::new_ordered_id(),
                request,
                file_name: &file.name,
                content_type: file.kind.content_type(),
                size_bytes: file.size,
                stored_file: &file.stored,
                uploaded_by: by.name,
                uploaded_at: now,
            },
        )
        .await?;
    }
    Ok(())
}

pub struct AddComment<'a> {
    pub request: &'a SupportRequestId,
    /// `Some` for a partner user: only its own requests.
    pub partner: Option<&'a PartnerId>,
    pub text: Option<&'a str>,
    pub files: &'a [UploadedFile],
    pub by: Actor<'a>,
    pub now: DateTime<Utc>,
    /// Where the `support_request.updated` event goes.
    pub outbox: &'a Outbox,
    /// Who, for the audit trail (none for demo data).
    pub audit: Option<&'a audit::Actor>,
}

/// Adds a comment and/or files to an open request.
pub async fn comment(db: &Db, input: AddComment<'_>) -> Result<(), DeskError> {
    let mut tx = db.begin().await?;
    let stored = store::get(&mut tx, input.partner, input.request)
        .await?
        .ok_or(DeskError::NotFound)?;
    if !stored.summary.status.is_open() {
        return Err(DeskError::Closed);
    }
    store_files(&mut tx, input.request, input.files, &input.by, input.now).await?;
    let (kind, change) = if input.text.is_some() {
        (SupportEventKind::Comment, SupportChange::Comment)
    } else {
        (SupportEventKind::FilesAdded, SupportChange::FilesAdded)
    };
    store::record(
        &mut tx,
        &NewEvent {
            request: input.request,
            kind,
            actor: input.by.name,
            by_support: input.by.support,
            status: None,
            note: input.text,
            at: input.now,
        },
    )
    .await?;
    record_update(
        &mut tx,
        input.outbox,
        &stored,
        change,
        &stored.summary.status,
        input.text,
        &input.by,
        input.now,
    )
    .await?;
    audit::record_by(
        &mut tx,
        input.audit,
        Event::new(
            AuditAction::SupportRequestCommented,
            "support_request",
            input.request.as_str(),
        )
        .of_partner(&stored.partner)
        .detail(format!("{} file(s)", input.files.len())),
        input.now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records the `support_request.updated` event of a change to `stored`.
#[allow(clippy::too_many_arguments)]
async fn record_update(
    conn: &mut Conn,
    outbox: &Outbox,
    stored: &store::StoredRequest,
    change: SupportChange,
    status: &SupportStatus,
    note: Option<&str>,
    by: &Actor<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let request = &stored.summary;
    let event = EventData::SupportRequestUpdated(SupportRequestUpdated {
        support_request_id: request.id.clone(),
        number: request.number,
        title: request.title.clone(),
        change,
        status: status.as_str().to_string(),
        note: note.map(str::to_string),
        by_support: by.support,
        changed_by: if by.support {
            "CSP support".to_string()
        } else {
            by.email.as_str().to_string()
        },
        created_by: store::filed_by(conn, &request.id)
            .await?
            .unwrap_or_default(),
    });
    outbox
        .record(conn, Some(&stored.partner), event, now)
        .await?;
    Ok(())
}

pub struct ChangeStatus<'a> {
    pub request: &'a SupportRequestId,
    pub to: SupportStatus,
    pub note: Option<&'a str>,
    /// With an approval: the credit to book; the most allowed when `None`.
    pub credit: Option<&'a Amount>,
    /// With an approval of a request about an order: cancel the purchase (the default) or
    /// only credit it.
    pub outcome: Option<ApprovalOutcome>,
    pub by: Actor<'a>,
    pub now: DateTime<Utc>,
    /// Where the events of the change go.
    pub outbox: &'a Outbox,
    /// Who, for the audit trail (none for demo data).
    pub audit: Option<&'a audit::Actor>,
}

/// A support agent's status change, with the note the partner sees. Approving a request that
/// names an order and an amount books the credit on the next month's invoice and, unless the
/// agent chose a credit only, cancels the order as a cancellation does (R-CAN-8) — all in
/// the same transaction, with the order's row locked first so its ledger cannot move: the
/// conditional status update lets one of two concurrent approvals through, and the credit
/// never exceeds what is left to credit on the order.
pub async fn change_status(db: &Db, input: ChangeStatus<'_>) -> Result<(), DeskError> {
    let mut tx = db.begin().await?;
    let stored = store::get(&mut tx, None, input.request)
        .await?
        .ok_or(DeskError::NotFound)?;
    let refund = match (
        &stored.summary.order_id,
        &stored.customer,
        stored.amount_requested,
    ) {
        (Some(order), Some(customer), Some(requested)) => Some((order, customer, requested)),
        _ => None,
    };
    let approving = input.to == SupportStatus::Approved;
    let order = match refund {
        Some((order, customer, _)) if approving => locked_order(&mut tx, customer, order).await?,
        _ => None,
    };
    let from = stored.summary.status.clone();
    if !from.can_change_to(&input.to) {
        return Err(DeskError::InvalidStatusChange(format!(
            "This request is {}; it cannot become {}.",
            from.as_str().replace('_', " "),
            input.to.as_str().replace('_', " ")
        )));
    }
    if !store::change_status(&mut tx, input.request, &from, &input.to).await? {
        return Err(DeskError::InvalidStatusChange(
            "Another agent changed this request a moment ago; reload it to see its status.".into(),
        ));
    }
    let invalid = |field: &str, issue: CreditIssue| {
        let mut errors = FieldErrors::new();
        errors.add(field, &issue);
        DeskError::Invalid(errors)
    };
    match (approving, refund, order) {
        (true, Some((_, _, requested)), Some(order)) => {
            let outcome = input
                .outcome
                .clone()
                .unwrap_or(ApprovalOutcome::CancelPurchase);
            book_approval(
                &mut tx,
                &stored,
                &order,
                requested,
                input.credit,
                &outcome,
                &input,
            )
            .await?;
        }
        (true, Some(_), None) => return Err(DeskError::NotFound),
        _ if input.credit.is_some() => return Err(invalid("credit", CreditIssue::NoOrder)),
        _ if approving && input.outcome.is_some() => {
            return Err(invalid("outcome", CreditIssue::NoOrder))
        }
        _ => {}
    }
    store::record(
        &mut tx,
        &NewEvent {
            request: input.request,
            kind: SupportEventKind::StatusChanged,
            actor: input.by.name,
            by_support: input.by.support,
            status: Some(&input.to),
            note: input.note,
            at: input.now,
        },
    )
    .await?;
    record_update(
        &mut tx,
        input.outbox,
        &stored,
        SupportChange::StatusChanged,
        &input.to,
        input.note,
        &input.by,
        input.now,
    )
    .await?;
    let mut changed = Event::new(
        AuditAction::SupportRequestStatusChanged,
        "support_request",
        input.request.as_str(),
    )
    .of_partner(&stored.partner)
    .detail(format!("{} -> {}", from.as_str(), input.to.as_str()));
    if let Some(customer) = &stored.customer {
        changed = changed.customer(customer);
    }
    audit::record_by(&mut tx, input.audit, changed, input.now).await?;
    tx.commit().await?;
    tracing::info!(request = %input.request, status = input.to.as_str(), "support request status changed");
    Ok(())
}

/// Books an approval's credit and, with `cancel_purchase`, cancels the order (its keys and
/// downloads revoked, listed without a key: R-CAN-8), on the locked order.
async fn book_approval(
    conn: &mut Conn,
    stored: &store::StoredRequest,
    order: &StoredOrder,
    requested: Money,
    chosen: Option<&Amount>,
    outcome: &ApprovalOutcome,
    input: &ChangeStatus<'_>,
) -> Result<(), DeskError> {
    if !outcome.is_known() {
        let mut errors = FieldErrors::new();
        errors.add("outcome", &csp_domain::support::FormIssue::Choose);
        return Err(DeskError::Invalid(errors));
    }
    let credit = match check_approval(&order.facts, outcome, requested, chosen) {
        Ok(credit) => credit,
        Err(RefundRefusal::Credit(issue)) => {
            let mut errors = FieldErrors::new();
            errors.add("credit", &issue);
            return Err(DeskError::Invalid(errors));
        }
        Err(refusal) => return Err(DeskError::Refused(refusal)),
    };
    let request = &stored.summary;
    let o = &order.order;
    if *outcome == ApprovalOutcome::CancelPurchase {
        let cancellation_id: CancellationId = new_id();
        let cancelled = cancellations::insert_completed(
            conn,
            &NewCancellation {
                id: &cancellation_id,
                order: &o.id,
                partner: &stored.partner,
                customer: &o.customer_id,
                requested_by: input.by.name,
                requested_at: input.now,
                credit,
                due_at: input.now,
            },
            &request.id,
        )
        .await?;
        if !cancelled {
            return Err(DeskError::Refused(RefundRefusal::AlreadyCancelled));
        }
        let customer_name = customers::get(
            conn,
            &CustomerScope::Partner(stored.partner.clone()),
            &o.customer_id,
        )
        .await?
        .map(|c| c.company_name)
        .unwrap_or_default();
        let completed = CancellationCompleted {
            cancellation_id: cancellation_id.clone(),
            order_id: o.id.clone(),
            customer_id: o.customer_id.clone(),
            customer_name,
            product_name: product_of(order),
            credit: credit.amount(),
            currency: credit.currency(),
            support_request_id: Some(request.id.clone()),
        };
        input
            .outbox
            .record(
                conn,
                Some(&stored.partner),
                EventData::CancellationCompleted(completed),
                input.now,
            )
            .await?;
    }
    let description = match outcome {
        ApprovalOutcome::CancelPurchase => format!(
            "Support request {}: refund and cancellation",
            request.number
        ),
        _ => format!("Support request {}: credit", request.number),
    };
    let booking = NewCredit {
        id: &new_id(),
        source: CreditSource::SupportRequest,
        source_id: request.id.as_str(),
        order: &o.id,
        partner: &stored.partner,
        customer: &o.customer_id,
        amount: credit,
        description: &description,
        booked_by: input.by.name,
        booked_at: input.now,
    };
    if !credits::book(conn, &booking).await? {
        return Err(DeskError::InvalidStatusChange(
            "This request's credit was booked already.".into(),
        ));
    }
    input
        .outbox
        .record(
            conn,
            Some(&stored.partner),
            notify::credit_created(&booking),
            input.now,
        )
        .await?;
    store::set_credited(conn, &request.id, credit, outcome).await?;
    Ok(())
}

/// A request with its files, history and order, as its partner and support agents see it.
/// `Some(partner)` limits it to that partner's requests.
pub async fn detail(
    conn: &mut Conn,
    partner: Option<&PartnerId>,
    id: &SupportRequestId,
) -> Result<Option<SupportRequest>, sqlx::Error> {
    let Some(stored) = store::get(conn, partner, id).await? else {
        return Ok(None);
    };
    let attachments = store::attachments(conn, id).await?;
    let history = store::history(conn, id).await?;
    let order = match (&stored.summary.order_id, &stored.customer) {
        (Some(order_id), Some(customer_id)) => {
            order_info(conn, &stored, customer_id, order_id).await?
        }
        _ => None,
    };
    let currency = stored.amount_requested.map(Money::currency);
    Ok(Some(SupportRequest {
        refund_reason: stored.refund_reason,
        amount_requested: stored.amount_requested.map(Money::amount),
        currency,
        contact_name: stored.contact_name,
        contact_email: match stored.contact_email.as_str() {
            "" => None,
            email => Some(decode("contact e-mail", email, Email::parse)?),
        },
        contact_phone: stored.contact_phone,
        attachments,
        history,
        order,
        credited: stored.credited.map(Money::amount),
        outcome: stored.outcome,
        summary: stored.summary,
    }))
}

async fn order_info(
    conn: &mut Conn,
    request: &store::StoredRequest,
    customer_id: &csp_domain::CustomerId,
    order_id: &csp_domain::OrderId,
) -> Result<Option<SupportOrderInfo>, sqlx::Error> {
    let scope = CustomerScope::Partner(request.partner.clone());
    let Some(customer): Option<Customer> = customers::get(conn, &scope, customer_id).await? else {
        return Ok(None);
    };
    let Some(order) = orders::get(conn, customer_id, order_id).await? else {
        return Ok(None);
    };
    let currency = order.order.currency;
    let ledger = order.facts.ledger;
    let since = request.summary.created_at;
    let mut credited_since =
        credits::credited_since(conn, order_id, since, request.summary.id.as_str()).await?;
    if ledger.pending().minor() > 0
        && cancellations::for_order(conn, order_id)
            .await?
            .is_some_and(|c| c.cancellation.requested_at >= since)
    {
        credited_since += ledger.pending().minor();
    }
    Ok(Some(SupportOrderInfo {
        order_id: order.order.id.clone(),
        customer_id: customer.id,
        customer_name: customer.company_name,
        status: order.order.status.clone(),
        ledger: ledger.summary(),
        credited_since_filed: Money::from_minor(credited_since, currency).amount(),
        currency,
        tax_inclusive: order.order.tax_inclusive,
        cancellable_kind: order.facts.is_cancellable_kind(),
        created_at: order.order.created_at,
        products: order
            .order
            .line_items
            .iter()
            .map(|l| format!("{} — {}", l.product_name, l.sku_name))
            .collect(),
    }))
}
