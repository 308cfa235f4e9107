//! Two-step sign-in (RFC 6238): enrolment (a new secret, confirmed by a code of it, then ten
//! recovery codes shown once), the second step of a sign-in (an authenticator code used at
//! most once, or a recovery code; wrong codes in a row pause it), and switching it off with
//! the password. Each change of it is recorded with the user's other account changes.

use crate::store::audit::{self, Event};
use chrono::{DateTime, Duration, Utc};
use csp_domain::account::UserChangeAction;
use csp_domain::audit::AuditAction;
use csp_domain::two_step::{
    show_recovery_code, CodeIssue, Enrolment, OneTimeCode, RecoveryCodes, CHALLENGE_MINUTES,
    CODE_DIGITS, ISSUER, MAX_WRONG_CODES, PAUSE_MINUTES, RECOVERY_ALPHABET, RECOVERY_CODES,
    RECOVERY_CODE_CHARS, SKEW_STEPS, STEP_SECONDS,
};
use csp_domain::{Principal, UserId};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::store::accounts::{self, Change};
use crate::store::{two_step, users, Conn, Db};

#[derive(Debug)]
pub enum TwoStepError {
    /// Enrolment asked for while two-step sign-in is on.
    AlreadyOn,
    /// A code to confirm, but no secret waiting for one.
    NotStarted,
    Code(CodeIssue),
    /// The password given to switch it off is not the user's.
    WrongPassword,
    /// Too many wrong codes in a row: the second step waits until then.
    Paused(DateTime<Utc>),
    /// The sign-in waiting for a code is unknown or expired.
    NoChallenge,
    Database(sqlx::Error),
    Internal(String),
}

impl From<sqlx::Error> for TwoStepError {
    fn from(e: sqlx::Error) -> Self {
        TwoStepError::Database(e)
    }
}

fn authenticator(secret_base32: &str) -> Result<TOTP, TwoStepError> {
    let bytes = Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .map_err(|e| TwoStepError::Internal(format!("stored secret: {e:?}")))?;
    // No skew here: each step is checked on its own, so the step a code belongs to is known.
    TOTP::new(Algorithm::SHA1, CODE_DIGITS, 0, STEP_SECONDS, bytes)
        .map_err(|e| TwoStepError::Internal(format!("secret: {e:?}")))
}

/// The time step whose code `code` is, among the server's step and its neighbours.
fn step_of(totp: &TOTP, code: &str, now: DateTime<Utc>) -> Option<u64> {
    let current = now.timestamp().max(0) as u64 / STEP_SECONDS;
    (current.saturating_sub(SKEW_STEPS)..=current + SKEW_STEPS)
        .find(|step| totp.check(code, step * STEP_SECONDS))
}

fn recovery_hash(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.as_bytes()))
}

fn partner_of(principal: &Principal) -> Option<&csp_domain::PartnerId> {
    match principal {
        Principal::Partner { partner, .. } => Some(partner),
        _ => None,
    }
}

async fn record(
    conn: &mut Conn,
    user: &UserId,
    action: UserChangeAction,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Result<(), TwoStepError> {
    let record = users::find_by_id(conn, user)
        .await?
        .ok_or(TwoStepError::NoChallenge)?;
    accounts::record(
        conn,
        &Change {
            partner: partner_of(&record.principal),
            actor_email: record.user.email.as_str(),
            user,
            action,
            detail: "",
            client_ip,
            at: now,
        },
    )
    .await?;
    Ok(())
}

/// A new secret for the user's authenticator app, waiting for a code of it.
pub async fn start(
    db: &Db,
    user: &UserId,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Enrolment, TwoStepError> {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let Secret::Encoded(secret) = Secret::Raw(bytes.to_vec()).to_encoded() else {
        return Err(TwoStepError::Internal("base32 of the secret".into()));
    };
    if !two_step::start(&mut *db.conn().await?, user, &secret, now).await? {
        return Err(TwoStepError::AlreadyOn);
    }
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let otpauth_url = format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={CODE_DIGITS}&period={STEP_SECONDS}",
        issuer = encode(ISSUER).replace('+', "%20"),
        account = encode(email),
    );
    let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
        .map_err(|e| TwoStepError::Internal(format!("QR code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    // An XML declaration means nothing inside an HTML page.
    let qr_svg = match qr_svg.find("<svg") {
        Some(start) => qr_svg[start..].to_string(),
        None => qr_svg,
    };
    Ok(Enrolment {
        secret,
        otpauth_url,
        qr_svg,
    })
}

/// Turns two-step sign-in on with a code of the waiting secret; returns the recovery codes,
/// which are shown only now.
pub async fn confirm(
    db: &Db,
    user: &UserId,
    code: &str,
    by: &audit::Actor,
    now: DateTime<Utc>,
) -> Result<RecoveryCodes, TwoStepError> {
    let OneTimeCode::Authenticator(code) = OneTimeCode::parse(code).map_err(TwoStepError::Code)?
    else {
        return Err(TwoStepError::Code(CodeIssue::Malformed));
    };
    let mut tx = db.begin().await?;
    let Some(stored) = two_step::find(&mut tx, user).await? else {
        return Err(TwoStepError::NotStarted);
    };
    if stored.confirmed {
        return Err(TwoStepError::AlreadyOn);
    }
    let step = step_of(&authenticator(&stored.secret)?, &code, now)
        .ok_or(TwoStepError::Code(CodeIssue::Wrong))?;
    if !two_step::confirm(&mut tx, user, &stored.secret, step, now).await? {
        return Err(TwoStepError::NotStarted);
    }
    let plain: Vec<String> = {
        let mut rng = rand::rngs::OsRng;
        (0..RECOVERY_CODES)
            .map(|_| {
                (0..RECOVERY_CODE_CHARS)
                    .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                    .collect()
            })
            .collect()
    };
    let hashes: Vec<String> = plain.iter().map(|p| recovery_hash(p)).collect();
    two_step::replace_recovery_codes(&mut tx, user, &hashes).await?;
    record(
        &mut tx,
        user,
        UserChangeAction::TwoStepEnabled,
        &by.client_ip,
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        by,
        Event::new(AuditAction::TwoStepEnabled, "user", user.as_str()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(RecoveryCodes {
        recovery_codes: plain.iter().map(|p| show_recovery_code(p)).collect(),
    })
}

/// Switches two-step sign-in off — the caller has checked the password
/// (`routes::sessions::check_own_password`).
pub async fn disable(
    db: &Db,
    user: &UserId,
    by: &audit::Actor,
    now: DateTime<Utc>,
) -> Result<(), TwoStepError> {
    let mut tx = db.begin().await?;
    if two_step::remove(&mut tx, user).await? {
        record(
            &mut tx,
            user,
            UserChangeAction::TwoStepDisabled,
            &by.client_ip,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            by,
            Event::new(AuditAction::TwoStepDisabled, "user", user.as_str()),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// `csp-server admin reset-two-step --email …`: turns two-step sign-in off for someone who lost
/// their phone and their recovery codes, and ends their sessions; recorded. False when the
/// address has no account with it on.
pub async fn reset_by_operator(
    db: &Db,
    email: &csp_domain::Email,
    now: DateTime<Utc>,
) -> Result<bool, TwoStepError> {
    let mut tx = db.begin().await?;
    let Some(record) = users::find_by_email(&mut tx, email).await? else {
        return Ok(false);
    };
    let user = record.user.id.clone();
    if !two_step::remove(&mut tx, &user).await? {
        return Ok(false);
    }
    crate::store::accounts::end_sessions(&mut tx, &user).await?;
    accounts::record(
        &mut tx,
        &Change {
            partner: partner_of(&record.principal),
            actor_email: "csp-server admin",
            user: &user,
            action: UserChangeAction::TwoStepReset,
            detail: "",
            client_ip: "",
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether the user signs in in two steps.
pub async fn is_on(conn: &mut Conn, user: &UserId) -> Result<bool, sqlx::Error> {
    Ok(two_step::find(conn, user)
        .await?
        .is_some_and(|t| t.confirmed))
}

/// The password was right: a sign-in waiting for the code, and the token for its cookie.
pub async fn challenge(
    conn: &mut Conn,
    user: &UserId,
    sso_provider: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let token =
        two_step::create_challenge(conn, user, now, now + Duration::minutes(CHALLENGE_MINUTES))
            .await?;
    if let Some(provider) = sso_provider {
        two_step::mark_challenge_sso(conn, &token, provider).await?;
    }
    Ok(token)
}

/// The second step: the sign-in the code completes (the user, and the identity provider it
/// came through). An authenticator code works once; a recovery code works once; a wrong one
/// counts towards the pause.
pub async fn complete(
    db: &Db,
    challenge: &str,
    code: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Result<two_step::Challenge, TwoStepError> {
    let mut conn = db.conn().await?;
    let waiting = two_step::challenge_user(&mut conn, challenge, now)
        .await?
        .ok_or(TwoStepError::NoChallenge)?;
    let user = waiting.user.clone();
    // Deactivated meanwhile: the sign-in that waited ends with nothing.
    if !crate::store::accounts::is_active(&mut conn, &user).await? {
        return Err(TwoStepError::NoChallenge);
    }
    let stored = two_step::find(&mut conn, &user)
        .await?
        .filter(|t| t.confirmed)
        .ok_or(TwoStepError::NoChallenge)?;
    let parsed = OneTimeCode::parse(code).map_err(TwoStepError::Code)?;
    // Each try is counted before the code is looked at, in one conditional update: requests
    // sent at once cannot all slip in before the pause, and once paused nothing is tried.
    let pause_until = now + Duration::minutes(PAUSE_MINUTES);
    if !two_step::count_try(&mut conn, &user, MAX_WRONG_CODES, now, pause_until).await? {
        let until = two_step::find(&mut conn, &user)
            .await?
            .and_then(|t| t.paused_until)
            .unwrap_or(pause_until);
        return Err(TwoStepError::Paused(until));
    }
    let passed = match &parsed {
        OneTimeCode::Authenticator(code) => {
            match step_of(&authenticator(&stored.secret)?, code, now) {
                Some(step) => two_step::use_step(&mut conn, &user, step).await?,
                None => false,
            }
        }
        OneTimeCode::Recovery(plain) => {
            two_step::use_recovery_code(&mut conn, &user, &recovery_hash(plain), now).await?
        }
    };
    if !passed {
        return Err(TwoStepError::Code(CodeIssue::Wrong));
    }
    if !two_step::end_challenge(&mut conn, challenge).await? {
        return Err(TwoStepError::NoChallenge);
    }
    if matches!(parsed, OneTimeCode::Recovery(_)) {
        record(
            &mut conn,
            &user,
            UserChangeAction::RecoveryCodeUsed,
            client_ip,
            now,
        )
        .await?;
    }
    Ok(waiting)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, truncated to six digits.
    #[test]
    fn codes_are_those_of_rfc_6238() {
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded();
        let Secret::Encoded(secret) = secret else {
            panic!("encoded")
        };
        let totp = authenticator(&secret).unwrap();
        for (time, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (1234567890, "005924"),
            (2000000000, "279037"),
        ] {
            assert_eq!(totp.generate(time), code, "at {time}");
        }
        let at = DateTime::from_timestamp(1111111109, 0).unwrap();
        assert_eq!(step_of(&totp, "081804", at), Some(1111111109 / 30));
        assert_eq!(
            step_of(&totp, "081804", at + Duration::seconds(30)),
            Some(1111111109 / 30),
            "a code of the step before is still taken"
        );
        assert_eq!(
            step_of(&totp, "081804", at + Duration::seconds(90)),
            None,
            "but not three steps later"
        );
    }
}
