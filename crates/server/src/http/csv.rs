//! A CSV answer streamed page by page, never built whole in memory: the audit trail's and the
//! orders list's exports.

use std::future::Future;

use axum::body::Body;
use csp_domain::csv::Csv;
use tokio::sync::mpsc;

use crate::http::body::ChannelBody;

/// A CSV body with `header`, then the rows `read` returns page after page. `read` takes where
/// a page starts and gives the page's rows and where the next one starts (`None`: that was the
/// last); `write` writes one row. Each page is sent as it is read, so a caller's connection is
/// held for one page at a time. A read that fails midway ends the body with an error: the
/// client sees a broken download, never a short file that looks whole.
pub fn paged<S, T, F, Fut>(
    header: &'static [&'static str],
    first: S,
    read: F,
    write: fn(&mut Csv, &T),
    what: &'static str,
) -> Body
where
    S: Send + 'static,
    T: Send + 'static,
    F: Fn(S) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Option<S>), sqlx::Error>> + Send,
{
    let (sender, receiver) = mpsc::channel(2);
    tokio::spawn(async move {
        let mut csv = Csv::with_header(header);
        let mut at = Some(first);
        while let Some(start) = at.take() {
            let (rows, next) = match read(start).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, what, "a CSV export failed midway");
                    let _ = sender.send(Err(axum::Error::new(e))).await;
                    return;
                }
            };
            for row in &rows {
                write(&mut csv, row);
            }
            let chunk = std::mem::replace(&mut csv, Csv::continued()).finish();
            if !chunk.is_empty()
                && sender
                    .send(Ok(http_body::Frame::data(chunk.into())))
                    .await
                    .is_err()
            {
                return;
            }
            at = next;
        }
    });
    Body::new(ChannelBody {
        receiver,
        size_hint: http_body::SizeHint::default(),
    })
}
