//! Changes of settings, append-only: a partner's (its refund limit) and the operator's
//! (cancellation windows from the configuration), each with who changed it and when.

use chrono::{DateTime, Utc};
use csp_domain::billing::SettingChange;
use csp_domain::PartnerId;

use super::{db_time, new_ordered_id, read_time, Conn};

/// Who the operator's configuration changes are recorded as.
pub const OPERATOR: &str = "operator";

/// Records that `setting` (of `partner`, or the operator's when `None`) went from `from` to
/// `to`.
pub async fn record(
    conn: &mut Conn,
    partner: Option<&PartnerId>,
    setting: &str,
    from: Option<&str>,
    to: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO setting_changes (id, partner_id, setting, old_value, new_value, changed_by, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_ordered_id::<uuid::Uuid>().to_string())
    .bind(partner.map(PartnerId::as_str))
    .bind(setting)
    .bind(from)
    .bind(to)
    .bind(by)
    .bind(db_time(at))
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    id: String,
    setting: String,
    old_value: Option<String>,
    new_value: String,
    changed_by: String,
    changed_at: String,
}

/// The changes of `setting`, newest first.
pub async fn changes(
    conn: &mut Conn,
    partner: Option<&PartnerId>,
    setting: &str,
) -> Result<Vec<SettingChange>, sqlx::Error> {
    changes_of(conn, partner, &[setting]).await
}

/// The changes of any of `settings`, newest first (the latest 50).
pub async fn changes_of(
    conn: &mut Conn,
    partner: Option<&PartnerId>,
    settings: &[&str],
) -> Result<Vec<SettingChange>, sqlx::Error> {
    let mut rows: Vec<ChangeRow> = Vec::new();
    for setting in settings {
        rows.extend(
            sqlx::query_as::<_, ChangeRow>(
                "SELECT id, setting, old_value, new_value, changed_by, changed_at FROM setting_changes \
                 WHERE (partner_id = $1 OR ($1 IS NULL AND partner_id IS NULL)) AND setting = $2 \
                 ORDER BY changed_at DESC, id DESC LIMIT 50",
            )
            .bind(partner.map(PartnerId::as_str))
            .bind(setting)
            .fetch_all(&mut *conn)
            .await?,
        );
    }
    // Ids are ordered by creation: newest first across the settings.
    rows.sort_by(|a, b| (&b.changed_at, &b.id).cmp(&(&a.changed_at, &a.id)));
    rows.truncate(50);
    rows.into_iter()
        .map(|r| {
            Ok(SettingChange {
                setting: r.setting,
                at: read_time(&r.changed_at)?,
                by: r.changed_by,
                from: r.old_value,
                to: r.new_value,
            })
        })
        .collect()
}

/// Records the operator's value of `setting` when it differs from the last one recorded (at
/// start-up, for settings that come from the configuration). Returns whether it changed.
pub async fn note_operator_value(
    conn: &mut Conn,
    setting: &str,
    value: &str,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let last = changes(&mut *conn, None, setting).await?.into_iter().next();
    let from = last.map(|c| c.to);
    if from.as_deref() == Some(value) {
        return Ok(false);
    }
    record(conn, None, setting, from.as_deref(), value, OPERATOR, at).await?;
    Ok(true)
}
