//! A client that is still sending its body when the answer is already known (413 for an
//! upload too large, 404 for a wrong id, 422 for a refused file) must still read that answer.
//! Hyper closes a connection whose request body was left unread, and closing a socket with
//! unread data resets it: the client, still writing, sees "connection reset" instead of the
//! JSON error. So every request body passes through a pump that, once the handler is done
//! with it, reads on and throws away the rest — up to a limit in bytes and in time, beyond
//! which the connection is closed after all. A client without a valid session gets a small
//! limit, whatever the answer: a stranger cannot make the server read tens of megabytes.
//!
//! While the handler reads, a body that sends nothing for `body_idle_timeout` ends with an
//! error (`BodyStalled`), which the handler answers 408: a slow client cannot hold a request
//! open by sending a byte now and then for ever (the request's own time limit bounds the rest).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;
use tokio::sync::{mpsc, oneshot};

use crate::http::body::{BodyStalled, ChannelBody, Chunk, SignedIn};
use crate::state::AppState;

/// The most of a body left unread that is read on and thrown away: twice the largest upload.
const DRAIN_BYTES: usize = 2 * crate::http::extract::UPLOAD_BODY_BYTES;
/// The longest that takes.
const DRAIN_TIME: Duration = Duration::from_secs(30);
/// For a client that is not signed in (or took too long): enough for any JSON body and a
/// small form, and no more.
const SIGNED_OUT_DRAIN_BYTES: usize = 1024 * 1024;
const SIGNED_OUT_DRAIN_TIME: Duration = Duration::from_secs(5);

/// What `forwarded` holds once the pump has seen the body's end.
const READ_TO_THE_END: u64 = u64::MAX;

/// Middleware: hands the handler a body fed by a pump task (see the module's comment).
pub async fn drain_unread_bodies(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !has_body(&request) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let signed_in = SignedIn::default();
    parts.extensions.insert(signed_in.clone());
    let size_hint = body.size_hint();
    let (sender, receiver) = mpsc::channel(1);
    let (answered, answer) = oneshot::channel();
    let forwarded = Arc::new(AtomicU64::new(0));
    tokio::spawn(pump(
        body,
        sender,
        answer,
        forwarded.clone(),
        state.settings.serving.body_idle_timeout,
    ));
    let body = Body::new(ChannelBody {
        receiver,
        size_hint,
    });
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let status = response.status();
    // What will not be read: the client is told the connection closes after this answer,
    // so it does not send its next request on it.
    let read = forwarded.load(Ordering::Relaxed);
    let unread = if read == READ_TO_THE_END {
        Some(0)
    } else {
        size_hint.exact().map(|length| length.saturating_sub(read))
    };
    let signed_in = signed_in.0.load(Ordering::Relaxed) && status != StatusCode::UNAUTHORIZED;
    let (limit, _) = drain_limits(signed_in);
    if unread.is_none_or(|unread| unread > limit as u64) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    let _ = answered.send(signed_in);
    response
}

/// How much of an unread body is read on, and for how long: a signed-in user's refused upload
/// is read to its end so the answer arrives; a stranger gets the small budget.
fn drain_limits(signed_in: bool) -> (usize, Duration) {
    if signed_in {
        (DRAIN_BYTES, DRAIN_TIME)
    } else {
        (SIGNED_OUT_DRAIN_BYTES, SIGNED_OUT_DRAIN_TIME)
    }
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

/// Forwards the body's frames while the handler wants them, then drains the rest, as much
/// as the answer's status allows.
async fn pump(
    mut body: Body,
    sender: mpsc::Sender<Chunk>,
    answer: oneshot::Receiver<bool>,
    forwarded: Arc<AtomicU64>,
    idle: Duration,
) {
    loop {
        let frame = match tokio::time::timeout(idle, body.frame()).await {
            Ok(Some(frame)) => frame,
            Ok(None) => {
                forwarded.store(READ_TO_THE_END, Ordering::Relaxed);
                break;
            }
            Err(_) => {
                let _ = sender.send(Err(axum::Error::new(BodyStalled(idle)))).await;
                // A stalled client is not waited for again: the connection closes.
                return;
            }
        };
        let failed = frame.is_err();
        let length = frame
            .as_ref()
            .ok()
            .and_then(|f| f.data_ref())
            .map_or(0, Bytes::len);
        if sender.send(frame).await.is_err() || failed {
            break;
        }
        let _ = forwarded.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |read| {
            Some(read.saturating_add(length as u64).min(READ_TO_THE_END - 1))
        });
    }
    drop(sender);
    let signed_in = answer.await.unwrap_or(false);
    let (limit, time) = drain_limits(signed_in);
    let drain = async {
        let mut drained = 0;
        while let Ok(Some(Ok(frame))) = tokio::time::timeout(idle, body.frame()).await {
            drained += frame.data_ref().map_or(0, Bytes::len);
            if drained > limit {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(time, drain).await;
}
