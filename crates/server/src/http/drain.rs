//! A client that is still sending its body when the answer is already known (401 for a
//! signed-out upload, 413 for one too large, 404 for a wrong id) must still read that answer.
//! Hyper closes a connection whose request body was left unread, and closing a socket with
//! unread data resets it: the client, still writing, sees "connection reset" instead of the
//! JSON error. So every request body passes through a pump that, once the handler is done
//! with it, reads on and throws away the rest — up to a limit in bytes and in time, beyond
//! which the connection is closed after all.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::sync::mpsc;

/// The most of a body left unread that is read on and thrown away: twice the largest upload.
const DRAIN_BYTES: usize = 2 * crate::http::extract::UPLOAD_BODY_BYTES;
/// The longest that takes.
const DRAIN_TIME: Duration = Duration::from_secs(30);

type Chunk = Result<Frame<Bytes>, axum::Error>;

/// Middleware: hands the handler a body fed by a pump task (see the module's comment).
pub async fn drain_unread_bodies(request: Request, next: Next) -> Response {
    if !has_body(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let size_hint = body.size_hint();
    let (sender, receiver) = mpsc::channel(1);
    tokio::spawn(pump(body, sender));
    let body = Body::new(Piped {
        receiver,
        size_hint,
    });
    next.run(Request::from_parts(parts, body)).await
}

fn has_body(request: &Request) -> bool {
    let headers = request.headers();
    headers.contains_key(TRANSFER_ENCODING)
        || headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|length| length > 0)
}

/// Forwards the body's frames while the handler wants them, then drains the rest.
async fn pump(mut body: Body, sender: mpsc::Sender<Chunk>) {
    while let Some(frame) = body.frame().await {
        let failed = frame.is_err();
        if sender.send(frame).await.is_err() || failed {
            break;
        }
    }
    let drain = async {
        let mut drained = 0;
        while let Some(Ok(frame)) = body.frame().await {
            drained += frame.data_ref().map_or(0, Bytes::len);
            if drained > DRAIN_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
}

/// The body the handler reads: the pump's frames.
struct Piped {
    receiver: mpsc::Receiver<Chunk>,
    size_hint: SizeHint,
}

impl HttpBody for Piped {
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
