//! Accounts: the first administrator (by command), invitations of colleagues, roles and
//! (de)activation by a partner's admins — never leaving the partner without an active Global
//! admin — and passwords set from one-time links. Each change is recorded with who made it,
//! and the links are mailed through the outbox.

use crate::store::audit::{self, Event};
use chrono::{DateTime, Duration, Utc};
use csp_domain::account::{
    check_new_password, check_roles, keeper_role, may_manage, PasswordIssue, UserChangeAction,
    UserRefusal, INVITATIONS_PER_HOUR, INVITATION_HOURS, RESET_MINUTES,
};
use csp_domain::audit::AuditAction;
use csp_domain::notification::{AccountInvitation, EventData, PasswordReset};
use csp_domain::{CustomerId, Email, PartnerId, Principal, Role, UserId};

use crate::notify::Outbox;
use crate::store::accounts::{self, Change, Org, Purpose};
use crate::store::users::{self, NewUser};
use crate::store::{new_id, partners, Conn, Db};

#[derive(Debug)]
pub enum AccountError {
    NotFound,
    /// The address belongs to a user already.
    EmailTaken,
    Refused(UserRefusal),
    /// A role the user's kind cannot hold.
    RoleNotForKind,
    Password(PasswordIssue),
    /// The link is unknown, used or expired.
    InvalidLink,
    /// The inviter sent [`INVITATIONS_PER_HOUR`] invitations in the last hour.
    TooManyInvitations {
        retry_after_seconds: u64,
    },
    Database(sqlx::Error),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Database(e)
    }
}

/// Who does something, and from where.
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    pub email: &'a str,
    pub roles: &'a [Role],
    pub client_ip: &'a str,
}

/// A new user and the link to set their password.
pub struct Invited {
    pub user: UserId,
    pub link: String,
    pub expires_at: DateTime<Utc>,
}

/// Refuses a person's invitation beyond [`INVITATIONS_PER_HOUR`] in the last hour.
async fn within_invitation_rate(
    conn: &mut Conn,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let hour = Duration::hours(1);
    let (sent, first) = accounts::invitations_since(conn, by, now - hour).await?;
    if sent < INVITATIONS_PER_HOUR {
        return Ok(());
    }
    let free_at = first.unwrap_or(now) + hour;
    Err(AccountError::TooManyInvitations {
        retry_after_seconds: (free_at - now).num_seconds().max(1) as u64,
    })
}

fn link(public_url: &str, path: &str, token: &str) -> String {
    format!("{public_url}{path}?token={token}")
}

/// Writes a user without a password, a link to set one, the record and the mail.
#[allow(clippy::too_many_arguments)]
async fn invite_in(
    conn: &mut Conn,
    outbox: &Outbox,
    public_url: &str,
    principal: &Principal,
    email: &Email,
    display_name: &str,
    organization: &str,
    invited_by: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Result<Invited, AccountError> {
    if users::find_by_email(conn, email).await?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    let user: UserId = match principal {
        Principal::Partner { user, .. }
        | Principal::Customer { user, .. }
        | Principal::Support { user, .. } => user.clone(),
    };
    users::insert(
        conn,
        &NewUser {
            id: &user,
            email,
            display_name,
            principal,
            password_hash: "",
        },
        now,
    )
    .await?;
    let expires_at = now + Duration::hours(INVITATION_HOURS);
    let token = accounts::create_token(conn, &user, Purpose::Invitation, now, expires_at).await?;
    let invitation = link(public_url, "/accept-invitation", &token);
    let partner = match principal {
        Principal::Partner { partner, .. } => Some(partner),
        _ => None,
    };
    let roles: Vec<&str> = principal.roles().iter().map(|r| r.as_str()).collect();
    accounts::record(
        conn,
        &Change {
            partner,
            actor_email: invited_by,
            user: &user,
            action: UserChangeAction::Invited,
            detail: &roles.join(" "),
            client_ip,
            at: now,
        },
    )
    .await?;
    outbox
        .record(
            conn,
            partner,
            EventData::AccountInvitation(AccountInvitation {
                user_id: user.clone(),
                email: email.as_str().to_string(),
                organization: organization.to_string(),
                invited_by: invited_by.to_string(),
                link: invitation.clone(),
                expires_at,
            }),
            now,
        )
        .await?;
    Ok(Invited {
        user,
        link: invitation,
        expires_at,
    })
}

/// `csp-server admin create-partner`: a new partner organisation and its first Global admin.
pub async fn create_partner(
    db: &Db,
    outbox: &Outbox,
    public_url: &str,
    name: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<Invited, AccountError> {
    let mut tx = db.begin().await?;
    let partner: PartnerId = new_id();
    partners::insert(&mut tx, &partner, name, now).await?;
    // A billing profile to complete: its Global admin fills in the address and the payment
    // method under Settings → Billing profile.
    crate::store::billing::insert_profile(
        &mut tx,
        &partner,
        &csp_domain::BillingProfile {
            company_name: name.to_string(),
            address_lines: Vec::new(),
            invoice_email: email.as_str().to_string(),
            payment_method: String::new(),
            refund_limit: csp_domain::RefundLimit::DEFAULT,
            refund_limit_max: csp_domain::RefundLimit::DEFAULT_MAX,
            refund_limit_changes: Vec::new(),
            details_changes: Vec::new(),
        },
    )
    .await?;
    let principal = Principal::Partner {
        user: new_id(),
        partner,
        roles: vec![Role::GlobalAdmin],
    };
    first_account(tx, outbox, public_url, &principal, email, name, now).await
}

/// `csp-server admin create-support-agent`: a support lead of the operator, who invites the
/// other agents in the product.
pub async fn create_support_agent(
    db: &Db,
    outbox: &Outbox,
    public_url: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<Invited, AccountError> {
    let tx = db.begin().await?;
    let principal = Principal::Support {
        user: new_id(),
        roles: vec![Role::SupportLead],
    };
    first_account(
        tx,
        outbox,
        public_url,
        &principal,
        email,
        "CSP Support",
        now,
    )
    .await
}

/// An account made by the operator's command, named after its address until its owner
/// changes it.
async fn first_account(
    mut tx: crate::store::Tx,
    outbox: &Outbox,
    public_url: &str,
    principal: &Principal,
    email: &Email,
    organization: &str,
    now: DateTime<Utc>,
) -> Result<Invited, AccountError> {
    let display = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or_default()
        .to_string();
    let by = "csp-server admin";
    let invited = invite_in(
        &mut tx,
        outbox,
        public_url,
        principal,
        email,
        &display,
        organization,
        by,
        "",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(invited)
}

/// Whom an invitation adds: a user of an organisation (a partner's, or the support
/// organisation) with roles, or a user of a customer's tenant.
#[derive(Clone, Copy)]
pub enum InviteTo<'a> {
    Org(Org<'a>, &'a [Role]),
    Tenant(&'a CustomerId),
}

pub struct Invite<'a> {
    pub to: InviteTo<'a>,
    /// The name of the organisation, for the mail.
    pub organization: &'a str,
    pub email: &'a Email,
    pub display_name: &'a str,
    pub by: Actor<'a>,
    pub public_url: &'a str,
    pub outbox: &'a Outbox,
    pub now: DateTime<Utc>,
}

/// An organisation's admin (a partner's, or a support lead) invites a colleague with roles,
/// or a customer's admin another user of the tenant (to reach the admin center, where the
/// partner's deep links lead).
pub async fn invite(
    db: &Db,
    input: Invite<'_>,
    audit: &audit::Actor,
) -> Result<Invited, AccountError> {
    let mut tx = db.begin().await?;
    if let InviteTo::Org(org, _) = input.to {
        // Changes of an organisation's users one at a time (see `change_user`).
        accounts::lock(&mut tx, org).await?;
    }
    let invited = invite_within(&mut tx, &input).await?;
    audit::record(
        &mut tx,
        audit,
        Event::new(AuditAction::UserInvited, "user", invited.user.as_str())
            .detail(input.email.as_str()),
        input.now,
    )
    .await?;
    tx.commit().await?;
    Ok(invited)
}

/// An invitation in the caller's transaction — also the first admin of a customer being added:
/// the roles checked for the kind of user, the inviter's hourly limit, the user, the link, the
/// record and the mail.
pub async fn invite_within(conn: &mut Conn, input: &Invite<'_>) -> Result<Invited, AccountError> {
    let principal = match input.to {
        InviteTo::Org(org, roles) => {
            let roles = check_roles(org.kind(), roles).map_err(|_| AccountError::RoleNotForKind)?;
            match org {
                Org::Partner(partner) => {
                    may_manage(input.by.roles, &[], &roles).map_err(AccountError::Refused)?;
                    Principal::Partner {
                        user: new_id(),
                        partner: partner.clone(),
                        roles,
                    }
                }
                Org::Support => Principal::Support {
                    user: new_id(),
                    roles,
                },
            }
        }
        InviteTo::Tenant(customer) => Principal::Customer {
            user: new_id(),
            customer: customer.clone(),
        },
    };
    within_invitation_rate(conn, input.by.email, input.now).await?;
    invite_in(
        conn,
        input.outbox,
        input.public_url,
        &principal,
        input.email,
        input.display_name,
        input.organization,
        input.by.email,
        input.by.client_ip,
        input.now,
    )
    .await
}

pub struct ChangeUser<'a> {
    pub org: Org<'a>,
    pub user: &'a UserId,
    pub roles: Option<&'a [Role]>,
    pub active: Option<bool>,
    pub by: Actor<'a>,
    pub by_user: &'a UserId,
    pub now: DateTime<Utc>,
    /// Who, for the audit trail.
    pub audit: &'a audit::Actor,
}

/// Changes a user's roles or (de)activates them, with the organisation's users locked: a
/// partner keeps at least one active Global admin, the support organisation one Support lead.
/// A deactivated user's sessions end at once; a role change applies from the user's next
/// request.
pub async fn change_user(db: &Db, input: ChangeUser<'_>) -> Result<(), AccountError> {
    let kind = input.org.kind();
    let after = input
        .roles
        .map(|roles| check_roles(kind, roles))
        .transpose()
        .map_err(|_| AccountError::RoleNotForKind)?;
    let mut tx = db.begin().await?;
    accounts::lock(&mut tx, input.org).await?;
    let record = users::find_by_id(&mut tx, input.user)
        .await?
        .filter(|r| match (&r.principal, input.org) {
            (Principal::Partner { partner, .. }, Org::Partner(org)) => partner == org,
            (Principal::Support { .. }, Org::Support) => true,
            _ => false,
        })
        .ok_or(AccountError::NotFound)?;
    let before = record.user.roles.clone();
    let after = after.unwrap_or_else(|| before.clone());
    if kind == csp_domain::UserKind::Partner {
        may_manage(input.by.roles, &before, &after).map_err(AccountError::Refused)?;
    }
    if input.active == Some(false) && input.user == input.by_user {
        return Err(AccountError::Refused(UserRefusal::OwnAccount));
    }
    let was_active = accounts::is_active(&mut tx, input.user).await?;
    if let Some(keeper) = keeper_role(kind) {
        let stays = after.contains(&keeper) && input.active != Some(false);
        let counted_before = before.contains(&keeper) && was_active;
        if counted_before
            && !stays
            && accounts::other_active_holders(&mut tx, input.org, keeper, input.user).await? == 0
        {
            return Err(AccountError::Refused(match kind {
                csp_domain::UserKind::Support => UserRefusal::LastSupportLead,
                _ => UserRefusal::LastGlobalAdmin,
            }));
        }
    }
    if after != before {
        accounts::set_roles(&mut tx, input.user, &after).await?;
        let words = |roles: &[Role]| {
            roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let detail = format!("{} -> {}", words(&before), words(&after));
        accounts::record(
            &mut tx,
            &change_of(&input, UserChangeAction::RolesChanged, &detail),
        )
        .await?;
        audit::record(
            &mut tx,
            input.audit,
            Event::new(AuditAction::UserChanged, "user", input.user.as_str())
                .detail(format!("roles: {detail}")),
            input.now,
        )
        .await?;
    }
    if let Some(active) = input.active.filter(|a| *a != was_active) {
        accounts::set_active(&mut tx, input.user, active).await?;
        if !active {
            accounts::end_sessions(&mut tx, input.user).await?;
        }
        let action = if active {
            UserChangeAction::Reactivated
        } else {
            UserChangeAction::Deactivated
        };
        accounts::record(&mut tx, &change_of(&input, action, "")).await?;
        audit::record(
            &mut tx,
            input.audit,
            Event::new(AuditAction::UserChanged, "user", input.user.as_str())
                .detail(format!("active: {was_active} -> {active}")),
            input.now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn change_of<'a>(
    input: &'a ChangeUser<'a>,
    action: UserChangeAction,
    detail: &'a str,
) -> Change<'a> {
    Change {
        partner: match input.org {
            Org::Partner(partner) => Some(partner),
            Org::Support => None,
        },
        actor_email: input.by.email,
        user: input.user,
        action,
        detail,
        client_ip: input.by.client_ip,
        at: input.now,
    }
}

/// Sets the password from a one-time link (an invitation or a reset) and ends the user's
/// other sessions; returns the user, to be signed in.
pub async fn set_password_from_link(
    db: &Db,
    purpose: Purpose,
    token: &str,
    password: &str,
    (client_ip, request_id): (&str, &str),
    now: DateTime<Utc>,
) -> Result<UserId, AccountError> {
    // The hash is slow: made before the transaction, checked against the user after.
    let hash = {
        let password = password.to_string();
        tokio::task::spawn_blocking(move || crate::password::hash(&password))
            .await
            .map_err(|_| AccountError::InvalidLink)?
    };
    let mut tx = db.begin().await?;
    let user = accounts::use_token(&mut tx, token, purpose, now)
        .await?
        .ok_or(AccountError::InvalidLink)?;
    let record = users::find_by_id(&mut tx, &user)
        .await?
        .ok_or(AccountError::InvalidLink)?;
    if !accounts::is_active(&mut tx, &user).await? {
        return Err(AccountError::InvalidLink);
    }
    check_new_password(password, Some(&record.user.email)).map_err(AccountError::Password)?;
    accounts::set_password(&mut tx, &user, &hash).await?;
    accounts::void_tokens(&mut tx, &user, now).await?;
    crate::store::two_step::forget_devices(&mut tx, &user).await?;
    accounts::end_sessions(&mut tx, &user).await?;
    let partner = match &record.principal {
        Principal::Partner { partner, .. } => Some(partner),
        _ => None,
    };
    accounts::record(
        &mut tx,
        &Change {
            partner,
            actor_email: record.user.email.as_str(),
            user: &user,
            action: match purpose {
                Purpose::Invitation => UserChangeAction::PasswordSet,
                Purpose::PasswordReset => UserChangeAction::PasswordReset,
            },
            detail: "",
            client_ip,
            at: now,
        },
    )
    .await?;
    let action = match purpose {
        Purpose::Invitation => AuditAction::InvitationAccepted,
        Purpose::PasswordReset => AuditAction::PasswordReset,
    };
    audit::record(
        &mut tx,
        &audit::Actor::user(
            &record.principal,
            record.user.email.as_str(),
            client_ip,
            request_id,
        ),
        Event::new(action, "user", user.as_str()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// The signed-in user changes their password — the caller has checked the current one
/// (`routes::sessions::check_own_password`); their other sessions end, this one goes on.
pub async fn change_password(
    db: &Db,
    user: &UserId,
    new: &str,
    session_token: &str,
    by: &audit::Actor,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let record = users::find_by_id(&mut *db.conn().await?, user)
        .await?
        .ok_or(AccountError::NotFound)?;
    check_new_password(new, Some(&record.user.email)).map_err(AccountError::Password)?;
    let new = new.to_string();
    let hash = tokio::task::spawn_blocking(move || crate::password::hash(&new))
        .await
        .map_err(|_| AccountError::NotFound)?;
    let mut tx = db.begin().await?;
    accounts::set_password(&mut tx, user, &hash).await?;
    accounts::void_tokens(&mut tx, user, now).await?;
    crate::store::two_step::forget_devices(&mut tx, user).await?;
    accounts::end_other_sessions(&mut tx, user, session_token).await?;
    let partner = match &record.principal {
        Principal::Partner { partner, .. } => Some(partner),
        _ => None,
    };
    accounts::record(
        &mut tx,
        &Change {
            partner,
            actor_email: record.user.email.as_str(),
            user,
            action: UserChangeAction::PasswordChanged,
            detail: "",
            client_ip: &by.client_ip,
            at: now,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        by,
        Event::new(AuditAction::PasswordChanged, "user", user.as_str()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// At most this many reset links per user and hour.
const RESETS_PER_HOUR: i64 = 3;

/// "Forgot password": mails a one-time link to an active user with this address — and does
/// nothing, answering the same, for an unknown one (no way to learn who has an account).
pub async fn request_reset(
    db: &Db,
    outbox: &Outbox,
    public_url: &str,
    email: &Email,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let mut tx = db.begin().await?;
    let Some(record) = users::find_by_email(&mut tx, email).await? else {
        return Ok(());
    };
    let user = record.user.id.clone();
    if !accounts::is_active(&mut tx, &user).await?
        || accounts::tokens_since(
            &mut tx,
            &user,
            Purpose::PasswordReset,
            now - Duration::hours(1),
        )
        .await?
            >= RESETS_PER_HOUR
    {
        return Ok(());
    }
    let expires_at = now + Duration::minutes(RESET_MINUTES);
    let token =
        accounts::create_token(&mut tx, &user, Purpose::PasswordReset, now, expires_at).await?;
    let partner = match &record.principal {
        Principal::Partner { partner, .. } => Some(partner.clone()),
        _ => None,
    };
    accounts::record(
        &mut tx,
        &Change {
            partner: partner.as_ref(),
            actor_email: email.as_str(),
            user: &user,
            action: UserChangeAction::PasswordResetRequested,
            detail: "",
            client_ip,
            at: now,
        },
    )
    .await?;
    outbox
        .record(
            &mut tx,
            partner.as_ref(),
            EventData::PasswordReset(PasswordReset {
                user_id: user.clone(),
                email: email.as_str().to_string(),
                link: link(public_url, "/reset-password", &token),
                expires_at,
            }),
            now,
        )
        .await?;
    tx.commit().await?;
    Ok(())
}
