//! Support requests (R-SUP): filing one (checked against the partner's own customers and
//! orders), comments and files while it is open, and the status changes of support agents —
//! an approval books its credit once, even when two agents approve at the same moment.

use chrono::{DateTime, Utc};
use csp_domain::support::{
    approval_credit, AttachmentKind, CheckedForm, CreditIssue, FileIssue, ResolveIssue,
    SupportEventKind, SupportOrderInfo, SupportRequest, MAX_FILES_PER_REQUEST,
};
use csp_domain::{
    Amount, Customer, Email, FieldErrors, Money, PartnerId, SupportRequestId, SupportStatus,
};

use crate::store::credits::{self, NewCredit};
use crate::store::customers::{self, CustomerScope};
use crate::store::orders::{self, StoredOrder};
use crate::store::support_requests::{self as store, NewAttachment, NewEvent, NewRequest};
use crate::store::{decode, new_id, Conn, Db};

/// A file that passed the domain's checks.
pub struct UploadedFile {
    pub name: String,
    pub kind: AttachmentKind,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub enum DeskError {
    Invalid(FieldErrors),
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
    pub by: Actor<'a>,
    pub now: DateTime<Utc>,
}

/// Files a request with its files, in one transaction. The customer and order must be the
/// partner's own, and the amount at most what was paid for the order less earlier credits.
pub async fn file(db: &Db, input: FileRequest<'_>) -> Result<SupportRequestId, DeskError> {
    let form = input.form;
    let mut tx = db.begin().await?;
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
            found
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
        (Some(amount), Some(order)) => {
            refundable_amount(&mut tx, amount, order, &mut errors).await?
        }
    };
    if !errors.is_empty() {
        return Err(DeskError::Invalid(errors));
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
    tx.commit().await?;
    tracing::info!(request = %id, number, "support request filed");
    Ok(id)
}

/// The amount in the order's currency, if it is at most what can still be refunded.
async fn refundable_amount(
    conn: &mut Conn,
    amount: &Amount,
    order: &StoredOrder,
    errors: &mut FieldErrors,
) -> Result<Option<Money>, sqlx::Error> {
    let currency = order.order.currency;
    let money = match amount.to_money(currency) {
        Ok(m) => m,
        Err(e) => {
            errors.add("amount_requested", &e);
            return Ok(None);
        }
    };
    let paid = paid(order);
    let credited = Money::from_minor(
        credits::credited_for_order(conn, &order.order.id).await?,
        currency,
    );
    let left = csp_domain::support::max_credit(paid, paid, credited);
    if money > left {
        errors.add("amount_requested", &ResolveIssue::AbovePaid(left));
        return Ok(None);
    }
    Ok(Some(money))
}

fn paid(order: &StoredOrder) -> Money {
    order
        .order
        .total
        .to_money(order.order.currency)
        .unwrap_or(Money::zero(order.order.currency))
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
                content: &file.bytes,
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
    let kind = if input.text.is_some() {
        SupportEventKind::Comment
    } else {
        SupportEventKind::FilesAdded
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
    tx.commit().await?;
    Ok(())
}

pub struct ChangeStatus<'a> {
    pub request: &'a SupportRequestId,
    pub to: SupportStatus,
    pub note: Option<&'a str>,
    /// With an approval: the credit to book; the most allowed when `None`.
    pub credit: Option<&'a Amount>,
    pub by: Actor<'a>,
    pub now: DateTime<Utc>,
}

/// A support agent's status change, with the note the partner sees. Approving a request that
/// names an order and an amount books the credit on the next month's invoice, in the same
/// transaction: the conditional status update lets one of two concurrent approvals through,
/// the order's row lock serialises credits for one order, and the credit's source key
/// (`support:<id>`) could not be booked twice anyway.
pub async fn change_status(db: &Db, input: ChangeStatus<'_>) -> Result<(), DeskError> {
    let mut tx = db.begin().await?;
    let stored = store::get(&mut tx, None, input.request)
        .await?
        .ok_or(DeskError::NotFound)?;
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
    if input.to == SupportStatus::Approved {
        book_credit(&mut tx, &stored, input.credit, input.now).await?;
    } else if input.credit.is_some() {
        let mut errors = FieldErrors::new();
        errors.add("credit", &CreditIssue::NoOrder);
        return Err(DeskError::Invalid(errors));
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
    tx.commit().await?;
    tracing::info!(request = %input.request, status = input.to.as_str(), "support request status changed");
    Ok(())
}

async fn book_credit(
    conn: &mut Conn,
    stored: &store::StoredRequest,
    chosen: Option<&Amount>,
    now: DateTime<Utc>,
) -> Result<(), DeskError> {
    let invalid = |issue: CreditIssue| {
        let mut errors = FieldErrors::new();
        errors.add("credit", &issue);
        DeskError::Invalid(errors)
    };
    let (Some(order_id), Some(customer), Some(requested)) = (
        &stored.summary.order_id,
        &stored.customer,
        stored.amount_requested,
    ) else {
        return match chosen {
            Some(_) => Err(invalid(CreditIssue::NoOrder)),
            None => Ok(()),
        };
    };
    orders::lock(conn, order_id).await?;
    let order = orders::get(conn, customer, order_id)
        .await?
        .ok_or(DeskError::NotFound)?;
    let currency = order.order.currency;
    let credited = Money::from_minor(credits::credited_for_order(conn, order_id).await?, currency);
    let credit = approval_credit(chosen, requested, paid(&order), credited).map_err(invalid)?;
    let source = format!("support:{}", stored.summary.id);
    let description = format!("Support request {}: refund", stored.summary.number);
    let booked = credits::book(
        conn,
        &NewCredit {
            id: &new_id(),
            source: &source,
            order: order_id,
            partner: &stored.partner,
            customer,
            amount: credit,
            description: &description,
            booked_at: now,
        },
    )
    .await?;
    if !booked {
        return Err(DeskError::InvalidStatusChange(
            "This request's credit was booked already.".into(),
        ));
    }
    store::set_credited(conn, &stored.summary.id, credit).await?;
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
            order_info(conn, &stored.partner, customer_id, order_id).await?
        }
        _ => None,
    };
    let currency = stored.amount_requested.map(Money::currency);
    Ok(Some(SupportRequest {
        refund_reason: stored.refund_reason,
        amount_requested: stored.amount_requested.map(Money::amount),
        currency,
        contact_name: stored.contact_name,
        contact_email: decode("contact e-mail", &stored.contact_email, Email::parse)?,
        contact_phone: stored.contact_phone,
        attachments,
        history,
        order,
        credited: stored.credited.map(Money::amount),
        summary: stored.summary,
    }))
}

async fn order_info(
    conn: &mut Conn,
    partner: &PartnerId,
    customer_id: &csp_domain::CustomerId,
    order_id: &csp_domain::OrderId,
) -> Result<Option<SupportOrderInfo>, sqlx::Error> {
    let scope = CustomerScope::Partner(partner.clone());
    let Some(customer): Option<Customer> = customers::get(conn, &scope, customer_id).await? else {
        return Ok(None);
    };
    let Some(order) = orders::get(conn, customer_id, order_id).await? else {
        return Ok(None);
    };
    let currency = order.order.currency;
    let credited = Money::from_minor(credits::credited_for_order(conn, order_id).await?, currency);
    Ok(Some(SupportOrderInfo {
        order_id: order.order.id.clone(),
        customer_id: customer.id,
        customer_name: customer.company_name,
        status: order.order.status.clone(),
        paid: order.order.total.clone(),
        credited: credited.amount(),
        currency,
        created_at: order.order.created_at,
        products: order
            .order
            .line_items
            .iter()
            .map(|l| format!("{} — {}", l.product_name, l.sku_name))
            .collect(),
    }))
}
