//! Files uploaded with support requests, from the wire to the database without holding them
//! in memory or a lock: while a form arrives each file is spooled to a temporary file and
//! checked by its bytes ([`Spooler`]); once the form is valid the files are stored piece by
//! piece (`store::files`), within the partner's quota and the user's hourly allowance; then
//! the short transaction that records the request attaches them. At most
//! `max_concurrent` uploads are received at once (`max_concurrent_per_user` per user).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use csp_domain::support::{AttachmentKind, FileCheck, FileIssue};
use csp_domain::{PartnerId, UserId};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::UploadLimits;
use crate::store::files::{self, Quota, StoredFileId, Usage, PIECE_BYTES};
use crate::store::{sign_in, Db};

/// A file of a form, received whole into a temporary file (removed when this is dropped).
#[derive(Debug)]
pub struct SpooledFile {
    pub name: String,
    pub kind: AttachmentKind,
    pub size: u64,
    pub sha256: [u8; 32],
    path: PathBuf,
}

impl Drop for SpooledFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A file stored and ready to attach.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    pub name: String,
    pub kind: AttachmentKind,
    pub size: u64,
    pub sha256: [u8; 32],
    pub stored: StoredFileId,
}

/// Receives one file part: its bytes go to a temporary file as they arrive, checked as they
/// go; past the size limit they are counted, not kept. Dropped unfinished (a broken form), it
/// removes its temporary file.
pub struct Spooler {
    file: tokio::fs::File,
    path: Option<PathBuf>,
    check: FileCheck,
    hasher: Sha256,
}

impl Drop for Spooler {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Spooler {
    pub async fn create(dir: &Path) -> std::io::Result<Spooler> {
        tokio::fs::create_dir_all(dir).await?;
        let path = dir.join(format!("upload-{}", uuid::Uuid::new_v4().simple()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        Ok(Spooler {
            file,
            path: Some(path),
            check: FileCheck::default(),
            hasher: Sha256::new(),
        })
    }

    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let was_too_big = self.check.too_big();
        self.check.push(bytes);
        if !was_too_big && !self.check.too_big() {
            self.hasher.update(bytes);
            self.file.write_all(bytes).await?;
        }
        Ok(())
    }

    /// The bytes received so far.
    pub fn size(&self) -> usize {
        self.check.size()
    }

    /// The file with its kind, or why it is refused (its temporary file removed then).
    pub async fn finish(mut self, name: String) -> std::io::Result<Result<SpooledFile, FileIssue>> {
        self.file.flush().await?;
        let kind = match self.check.finish(&name) {
            Ok(kind) => kind,
            Err(issue) => return Ok(Err(issue)),
        };
        let path = self.path.take().expect("finished once");
        Ok(Ok(SpooledFile {
            name,
            kind,
            size: self.check.size() as u64,
            sha256: std::mem::take(&mut self.hasher).finalize().into(),
            path,
        }))
    }
}

/// Removes what a crashed process left in the spool folder: files older than a day (no upload
/// takes that long, and another server may share the folder).
pub fn clear_spool(dir: &Path) {
    let day = std::time::Duration::from_secs(24 * 3600);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|at| at.elapsed().ok())
            .is_some_and(|age| age > day);
        if stale && entry.file_name().to_string_lossy().starts_with("upload-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Uploads being received, server-wide and per user.
pub struct UploadSlots {
    all: Arc<Semaphore>,
    per_user: Mutex<HashMap<UserId, usize>>,
    per_user_max: usize,
}

/// One upload being received; the slot is free again when this is dropped.
pub struct UploadSlot {
    _permit: OwnedSemaphorePermit,
    user: UserId,
    slots: Arc<UploadSlots>,
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut per_user = self.slots.per_user.lock().expect("not poisoned");
        if let Some(n) = per_user.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                per_user.remove(&self.user);
            }
        }
    }
}

/// Why an upload is not taken.
#[derive(Debug)]
pub enum UploadRefusal {
    /// Every slot, or the user's, is in use.
    Busy {
        mine: bool,
    },
    /// The user sent their hourly allowance of uploads; retry after this many seconds.
    TooOften {
        retry_after_seconds: u64,
    },
    /// The partner's files would exceed its quota.
    OverQuota {
        used: Usage,
        quota: Quota,
    },
    Database(sqlx::Error),
    Io(std::io::Error),
}

impl From<sqlx::Error> for UploadRefusal {
    fn from(e: sqlx::Error) -> Self {
        UploadRefusal::Database(e)
    }
}

impl From<std::io::Error> for UploadRefusal {
    fn from(e: std::io::Error) -> Self {
        UploadRefusal::Io(e)
    }
}

impl UploadSlots {
    pub fn new(limits: &UploadLimits) -> Arc<UploadSlots> {
        Arc::new(UploadSlots {
            all: Arc::new(Semaphore::new(limits.max_concurrent)),
            per_user: Mutex::new(HashMap::new()),
            per_user_max: limits.max_concurrent_per_user,
        })
    }

    /// A slot for `user`, or `Busy` at once (a client retries; nobody waits in a queue).
    pub fn take(self: &Arc<Self>, user: &UserId) -> Result<UploadSlot, UploadRefusal> {
        let mut per_user = self.per_user.lock().expect("not poisoned");
        let mine = per_user.get(user).copied().unwrap_or(0);
        if mine >= self.per_user_max {
            return Err(UploadRefusal::Busy { mine: true });
        }
        let permit = self
            .all
            .clone()
            .try_acquire_owned()
            .map_err(|_| UploadRefusal::Busy { mine: false })?;
        per_user.insert(user.clone(), mine + 1);
        Ok(UploadSlot {
            _permit: permit,
            user: user.clone(),
            slots: self.clone(),
        })
    }
}

/// Stores spooled files for `partner`, on behalf of `user`: counted against the user's hourly
/// allowance (a request with files counts once), each file reserved within the partner's
/// quota and written piece by piece. On failure nothing stays stored.
pub async fn store(
    db: &Db,
    limits: &UploadLimits,
    partner: &PartnerId,
    user: &UserId,
    spooled: &[SpooledFile],
    now: DateTime<Utc>,
) -> Result<Vec<UploadedFile>, UploadRefusal> {
    if spooled.is_empty() {
        return Ok(Vec::new());
    }
    let window = chrono::Duration::hours(1);
    let bucket = format!("uploads:{user}");
    let (sent, window_start) = sign_in::claim(&mut *db.conn().await?, &bucket, window, now).await?;
    if sent > limits.per_user_per_hour {
        sign_in::release(&mut *db.conn().await?, &bucket).await?;
        let retry_after_seconds = (window_start + window - now).num_seconds().max(1) as u64;
        return Err(UploadRefusal::TooOften {
            retry_after_seconds,
        });
    }
    let quota = Quota {
        files: limits.quota_files,
        bytes: limits.quota_bytes,
    };
    let mut stored = Vec::with_capacity(spooled.len());
    for file in spooled {
        match store_one(db, partner, quota, file, now).await {
            Ok(id) => stored.push(UploadedFile {
                name: file.name.clone(),
                kind: file.kind,
                size: file.size,
                sha256: file.sha256,
                stored: id,
            }),
            Err(refusal) => {
                discard(db, &stored).await;
                return Err(refusal);
            }
        }
    }
    Ok(stored)
}

async fn store_one(
    db: &Db,
    partner: &PartnerId,
    quota: Quota,
    file: &SpooledFile,
    now: DateTime<Utc>,
) -> Result<StoredFileId, UploadRefusal> {
    let id = files::reserve(db, partner, file.size, quota, now)
        .await?
        .map_err(|used| UploadRefusal::OverQuota { used, quota })?;
    let written = async {
        let mut source = tokio::fs::File::open(&file.path).await?;
        let mut piece = vec![0u8; PIECE_BYTES];
        let mut seq = 0;
        loop {
            let mut filled = 0;
            while filled < PIECE_BYTES {
                let n = source.read(&mut piece[filled..]).await?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if filled == 0 {
                break;
            }
            files::write_piece(&mut *db.conn().await?, &id, seq, &piece[..filled]).await?;
            seq += 1;
            if filled < PIECE_BYTES {
                break;
            }
        }
        Ok::<(), UploadRefusal>(())
    }
    .await;
    match written {
        Ok(()) => Ok(id),
        Err(e) => {
            let _ = files::remove_unattached(&mut *db.conn().await?, &id).await;
            Err(e)
        }
    }
}

/// Removes stored files that will not be attached (the request was refused); what fails
/// here is left to the pruning worker.
pub async fn discard(db: &Db, stored: &[UploadedFile]) {
    if stored.is_empty() {
        return;
    }
    if let Ok(mut conn) = db.conn().await {
        for file in stored {
            let _ = files::remove_unattached(&mut conn, &file.stored).await;
        }
    }
}
