//! Stored files (the files of support requests): each is reserved against its partner's quota
//! in a short transaction, then written in pieces of [`PIECE_BYTES`], each piece its own short
//! write, and only then attached to what it belongs to. A writer never holds a lock while
//! megabytes go in, and a reader streams a file piece by piece. Files reserved but never
//! attached (a refused form, a crash) are removed by [`prune_unattached`].

use chrono::{DateTime, Utc};
use csp_domain::PartnerId;

use super::{db_time, new_id, Conn, Db};

/// The size of a piece: large enough that a 10 MB file is 40 writes, small enough that no
/// write holds SQLite's lock for long.
pub const PIECE_BYTES: usize = 256 * 1024;

/// The id of a stored file.
pub type StoredFileId = String;

/// A partner's files: how many, and their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub files: u64,
    pub bytes: u64,
}

/// What one partner may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub files: u64,
    pub bytes: u64,
}

impl Quota {
    /// Whether `usage` plus a file of `size` bytes stays within the quota.
    pub fn allows(self, usage: Usage, size: u64) -> bool {
        usage.files < self.files && usage.bytes.saturating_add(size) <= self.bytes
    }
}

/// The files `partner` keeps, attached or on their way.
pub async fn usage(conn: &mut Conn, partner: &PartnerId) -> Result<Usage, sqlx::Error> {
    let (files, bytes): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM stored_files \
         WHERE partner_id = $1",
    )
    .bind(partner.as_str())
    .fetch_one(conn)
    .await?;
    Ok(Usage {
        files: files.max(0) as u64,
        bytes: bytes.max(0) as u64,
    })
}

/// Reserves room for a file of `size` bytes for `partner`: its id, or the partner's usage
/// when the file would not fit. One short transaction that holds the partner's row, so two
/// uploads at once cannot both take the last room.
pub async fn reserve(
    db: &Db,
    partner: &PartnerId,
    size: u64,
    quota: Quota,
    now: DateTime<Utc>,
) -> Result<Result<StoredFileId, Usage>, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE partners SET name = name WHERE id = $1")
        .bind(partner.as_str())
        .execute(&mut *tx)
        .await?;
    let used = usage(&mut tx, partner).await?;
    if !quota.allows(used, size) {
        return Ok(Err(used));
    }
    let id: StoredFileId = new_id::<uuid::Uuid>().to_string();
    sqlx::query(
        "INSERT INTO stored_files (id, partner_id, size_bytes, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(partner.as_str())
    .bind(i64::try_from(size).unwrap_or(i64::MAX))
    .bind(db_time(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Writes piece `seq` of a reserved file.
pub async fn write_piece(
    conn: &mut Conn,
    file: &str,
    seq: i64,
    data: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO stored_file_pieces (file_id, seq, data) VALUES ($1, $2, $3)")
        .bind(file)
        .bind(seq)
        .bind(data.to_vec())
        .execute(conn)
        .await?;
    Ok(())
}

/// Piece `seq` of a file, or `None` past its end.
pub async fn read_piece(
    conn: &mut Conn,
    file: &str,
    seq: i64,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("SELECT data FROM stored_file_pieces WHERE file_id = $1 AND seq = $2")
        .bind(file)
        .bind(seq)
        .fetch_optional(conn)
        .await
}

/// Removes a file that was reserved but is attached to nothing (its pieces go with it); a
/// file attached meanwhile keeps its row and every piece.
pub async fn remove_unattached(conn: &mut Conn, file: &str) -> Result<(), sqlx::Error> {
    const UNATTACHED: &str =
        "NOT EXISTS (SELECT 1 FROM support_attachments WHERE stored_file_id = $1)";
    sqlx::query(&format!(
        "DELETE FROM stored_file_pieces WHERE file_id = $1 AND {UNATTACHED}"
    ))
    .bind(file)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "DELETE FROM stored_files WHERE id = $1 AND {UNATTACHED}"
    ))
    .bind(file)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes files reserved before `before` that nothing refers to; returns how many.
pub async fn prune_unattached(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM stored_files f WHERE created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM support_attachments a WHERE a.stored_file_id = f.id) \
         LIMIT 500",
    )
    .bind(db_time(before))
    .fetch_all(&mut *conn)
    .await?;
    for file in &stale {
        remove_unattached(conn, file).await?;
    }
    Ok(stale.len() as u64)
}
