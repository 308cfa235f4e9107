//! Adding a customer (Customers → Add customer): the customer, the record of who added it,
//! its idempotency key and the invitation of its first admin, in one transaction — so a double
//! click or a retried script adds one customer, and of concurrent additions of one primary
//! domain exactly one succeeds. And edits of the company's details, each change recorded.

use crate::store::audit::{self, Event};
use chrono::{DateTime, Utc};
use csp_domain::audit::AuditAction;
use csp_domain::onboarding::{CheckedEdit, NewCustomer};
use csp_domain::{Customer, CustomerId, IdempotencyKey, PartnerId};
use sha2::{Digest, Sha256};

use crate::cases::accounts::{self, AccountError, Actor, Invite, InviteTo, Invited};
use crate::notify::Outbox;
use crate::store::{new_id, onboarding, Db};

#[derive(Debug)]
pub enum AddError {
    /// The key was used before with another request (`idempotency_key_reused`).
    KeyReused,
    /// Another customer (of any partner) has the primary domain.
    DomainTaken,
    /// The first admin's address has an account already.
    AdminEmailTaken,
    /// Inviting the first admin failed otherwise.
    Account(AccountError),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for AddError {
    fn from(e: sqlx::Error) -> Self {
        AddError::Database(e)
    }
}

pub enum Added {
    Created {
        customer: CustomerId,
        admin: Invited,
    },
    /// The key stands for this customer, added by an earlier request with the same body.
    Replayed(CustomerId),
}

pub struct AddCustomer<'a> {
    pub partner: &'a PartnerId,
    pub new: &'a NewCustomer,
    pub key: &'a IdempotencyKey,
    pub by: Actor<'a>,
    pub public_url: &'a str,
    pub outbox: &'a Outbox,
    pub now: DateTime<Utc>,
    /// Who, for the audit trail.
    pub audit: Option<&'a audit::Actor>,
}

/// Adds the customer unless its key already stands for one.
pub async fn add(db: &Db, input: AddCustomer<'_>) -> Result<Added, AddError> {
    let hash = request_hash(input.new);
    let mut tx = db.begin().await?;
    if let Some(found) = replay(&mut tx, &input, &hash).await? {
        return found;
    }
    let id: CustomerId = new_id();
    if !onboarding::claim_key(&mut tx, input.partner, input.key, &hash, &id, input.now).await? {
        // Another request with this key committed while we were checking: answer as it did.
        tx.rollback().await?;
        let mut conn = db.conn().await?;
        return replay(&mut conn, &input, &hash)
            .await?
            .unwrap_or(Err(AddError::KeyReused));
    }
    let new = input.new;
    let customer = Customer {
        id: id.clone(),
        company_name: new.company_name.clone(),
        tenant_id: new_id(),
        domain: new.domain.as_str().to_string(),
        market: new.market.clone(),
        currency: new.currency,
    };
    if !onboarding::insert(
        &mut tx,
        input.partner,
        &customer,
        new,
        input.by.email,
        input.now,
    )
    .await?
    {
        return Err(AddError::DomainTaken);
    }
    onboarding::record(
        &mut tx,
        &id,
        "created",
        None,
        &format!("{} ({})", customer.company_name, customer.domain),
        input.by.email,
        input.now,
    )
    .await?;
    // Its admin's invitation counts with the adder's invitations of the hour.
    let admin = accounts::invite_within(
        &mut tx,
        &Invite {
            to: InviteTo::Tenant(&id),
            organization: &customer.company_name,
            email: &new.admin_email,
            display_name: &new.admin_name,
            by: input.by,
            public_url: input.public_url,
            outbox: input.outbox,
            now: input.now,
        },
    )
    .await
    .map_err(|e| match e {
        AccountError::EmailTaken => AddError::AdminEmailTaken,
        other => AddError::Account(other),
    })?;
    audit::record_by(
        &mut tx,
        input.audit,
        Event::new(AuditAction::CustomerAdded, "customer", id.as_str())
            .customer(&id)
            .detail(format!("{} ({})", customer.company_name, customer.domain)),
        input.now,
    )
    .await?;
    tx.commit().await?;
    Ok(Added::Created {
        customer: id,
        admin,
    })
}

async fn replay(
    conn: &mut crate::store::Conn,
    input: &AddCustomer<'_>,
    hash: &str,
) -> Result<Option<Result<Added, AddError>>, AddError> {
    Ok(onboarding::key_record(conn, input.partner, input.key)
        .await?
        .map(|(stored, customer)| {
            if stored == hash {
                Ok(Added::Replayed(customer))
            } else {
                Err(AddError::KeyReused)
            }
        }))
}

/// What makes two additions "the same": every field as the rules read it.
fn request_hash(new: &NewCustomer) -> String {
    let a = &new.address;
    let canonical = [
        new.company_name.as_str(),
        new.domain.as_str(),
        new.market.code(),
        &a.line1,
        a.line2.as_deref().unwrap_or(""),
        &a.city,
        a.region.as_deref().unwrap_or(""),
        &a.postal_code,
        new.tax_id.as_deref().unwrap_or(""),
        &new.admin_name,
        new.admin_email.as_str(),
    ]
    .join("\n");
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Edits the company's details of `customer`, recording each change; one transaction.
pub async fn edit(
    db: &Db,
    customer: &Customer,
    edit: &CheckedEdit,
    by: &audit::Actor,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    onboarding::update(&mut tx, customer, edit, &by.email, now).await?;
    audit::record(
        &mut tx,
        by,
        Event::new(
            AuditAction::CustomerChanged,
            "customer",
            customer.id.as_str(),
        )
        .customer(&customer.id),
        now,
    )
    .await?;
    tx.commit().await
}
