//! A response or request body fed by a task through a channel: the request pump of `drain.rs`
//! and the stored files streamed piece by piece to a download.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use http_body::{Frame, SizeHint};
use tokio::sync::mpsc;

use crate::store::files;
use crate::store::Db;

pub type Chunk = Result<Frame<Bytes>, axum::Error>;

/// Set by `CurrentUser` when the request carries a valid session: only then is the rest of a
/// refused body read beyond the small budget of a stranger.
#[derive(Clone, Default)]
pub struct SignedIn(pub std::sync::Arc<std::sync::atomic::AtomicBool>);

/// The request body sent nothing for longer than the server waits.
#[derive(Debug)]
pub struct BodyStalled(pub Duration);

impl std::fmt::Display for BodyStalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the client sent nothing for {:?}", self.0)
    }
}

impl std::error::Error for BodyStalled {}

/// Whether `error` (or one of its causes) is a stalled body.
pub fn is_stalled(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<BodyStalled>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The frames a task sends, in order; the body ends when the task drops its sender.
pub struct ChannelBody {
    pub receiver: mpsc::Receiver<Chunk>,
    pub size_hint: SizeHint,
}

impl HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.receiver.poll_recv(cx)
    }

    fn size_hint(&self) -> SizeHint {
        self.size_hint
    }
}

/// A stored file of `size` bytes as a body, read piece by piece as the client takes them
/// (one piece ahead): a large download holds neither memory nor a database connection for
/// long. A read that fails midway ends the body with an error, so the client sees a broken
/// download, never a short one.
pub fn stored_file(db: Db, file: String, size: u64) -> Body {
    let (sender, receiver) = mpsc::channel(1);
    tokio::spawn(async move {
        let mut seq = 0;
        loop {
            let piece = match db.conn().await {
                Ok(mut conn) => files::read_piece(&mut conn, &file, seq).await,
                Err(e) => Err(e),
            };
            let frame = match piece {
                Ok(Some(bytes)) => Ok(Frame::data(Bytes::from(bytes))),
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %e, file, "reading a stored file failed midway");
                    Err(axum::Error::new(e))
                }
            };
            let failed = frame.is_err();
            if sender.send(frame).await.is_err() || failed {
                return;
            }
            seq += 1;
        }
    });
    Body::new(ChannelBody {
        receiver,
        size_hint: SizeHint::with_exact(size),
    })
}
