//! Purchases (order lines) as the Software lists show them, their product keys and the
//! download files of their product. Keys and file bytes are only ever read for a customer user
//! of the purchase's own tenant (see `routes::tenant`).

use csp_domain::software::Download;
use csp_domain::{CustomerId, FileId, PageRequest, PurchaseId};

use super::orders::{self, StoredOrder, ORDER_COLUMNS};
use super::{decode, Conn};

/// The orders of a page of `customer`'s purchases (newest first), searched by product name or
/// order ID, and how many purchases match in all. Each purchase is one line of these orders.
pub async fn purchases(
    conn: &mut Conn,
    customer: &CustomerId,
    request: &PageRequest,
) -> Result<(Vec<(StoredOrder, usize)>, u64), sqlx::Error> {
    let search = request.search().map(|q| {
        format!(
            "%{}%",
            q.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let filter = if search.is_some() {
        " AND (LOWER(l.product_name) LIKE $2 ESCAPE '\\' OR LOWER(l.order_id) LIKE $2 ESCAPE '\\')"
    } else {
        ""
    };
    let count_sql = format!(
        "SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.customer_id = $1{filter}"
    );
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(customer.as_str());
    if let Some(pattern) = &search {
        count = count.bind(pattern);
    }
    let total = count.fetch_one(&mut *conn).await?;
    let (limit, offset) = if search.is_some() {
        ("$3", "$4")
    } else {
        ("$2", "$3")
    };
    let page_sql = format!(
        "SELECT l.id, l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.customer_id = $1{filter} ORDER BY o.created_at DESC, l.order_id, l.line_no LIMIT {limit} OFFSET {offset}"
    );
    let mut page = sqlx::query_as::<_, (String, String)>(&page_sql).bind(customer.as_str());
    if let Some(pattern) = &search {
        page = page.bind(pattern);
    }
    let lines = page
        .bind(i64::from(request.page_size()))
        .bind(request.offset() as i64)
        .fetch_all(&mut *conn)
        .await?;
    let stored = orders_by_id(conn, lines.iter().map(|(_, order)| order.as_str())).await?;
    let mut out = Vec::new();
    for (line, order) in &lines {
        let Some(o) = stored.iter().find(|o| o.order.id.as_str() == order) else {
            continue;
        };
        if let Some(i) = o
            .order
            .line_items
            .iter()
            .position(|l| l.purchase_id.as_str() == line)
        {
            out.push((o.clone(), i));
        }
    }
    Ok((out, total.max(0) as u64))
}

/// Every purchase of `customer` (the admin center lists them all), newest first.
pub async fn all_purchases(
    conn: &mut Conn,
    customer: &CustomerId,
) -> Result<Vec<(StoredOrder, usize)>, sqlx::Error> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC");
    let rows = sqlx::query_as(&sql)
        .bind(customer.as_str())
        .fetch_all(&mut *conn)
        .await?;
    let stored = orders::assemble(conn, rows).await?;
    Ok(stored
        .into_iter()
        .flat_map(|o| (0..o.order.line_items.len()).map(move |i| (o.clone(), i)))
        .collect())
}

/// One purchase of `customer`: its order and the line's index. `None` for another tenant's.
pub async fn purchase(
    conn: &mut Conn,
    customer: &CustomerId,
    id: &PurchaseId,
) -> Result<Option<(StoredOrder, usize)>, sqlx::Error> {
    let order: Option<String> = sqlx::query_scalar(
        "SELECT l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.id = $1 AND o.customer_id = $2",
    )
    .bind(id.as_str())
    .bind(customer.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(order) = order else { return Ok(None) };
    let stored = orders_by_id(conn, std::iter::once(order.as_str())).await?;
    Ok(stored.into_iter().next().and_then(|o| {
        let i = o
            .order
            .line_items
            .iter()
            .position(|l| &l.purchase_id == id)?;
        Some((o, i))
    }))
}

async fn orders_by_id<'a>(
    conn: &mut Conn,
    ids: impl Iterator<Item = &'a str>,
) -> Result<Vec<StoredOrder>, sqlx::Error> {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    orders::assemble(conn, rows).await
}

/// The product keys of a purchase, in order.
pub async fn product_keys(
    conn: &mut Conn,
    purchase: &PurchaseId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT product_key FROM product_keys WHERE purchase_id = $1 ORDER BY position",
    )
    .bind(purchase.as_str())
    .fetch_all(conn)
    .await
}

/// How many keys a purchase has (the admin center shows them masked until revealed).
pub async fn key_count(conn: &mut Conn, purchase: &PurchaseId) -> Result<u32, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM product_keys WHERE purchase_id = $1")
        .bind(purchase.as_str())
        .fetch_one(conn)
        .await?;
    Ok(u32::try_from(n).unwrap_or(0))
}

#[derive(sqlx::FromRow)]
struct DownloadRow {
    id: String,
    file_name: String,
    version: String,
    language: String,
    size_bytes: i64,
    sha256: String,
}

/// The downloads of the product a purchase is of.
pub async fn downloads(
    conn: &mut Conn,
    purchase: &PurchaseId,
) -> Result<Vec<Download>, sqlx::Error> {
    let rows: Vec<DownloadRow> = sqlx::query_as(
        "SELECT f.id, f.file_name, f.version, f.language, f.size_bytes, f.sha256 \
         FROM software_files f JOIN order_lines l ON l.product_id = f.product_id \
         WHERE l.id = $1 AND l.has_keys = 1 ORDER BY f.language, f.file_name",
    )
    .bind(purchase.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Download {
                id: decode("file id", &r.id, FileId::parse)?,
                file_name: r.file_name,
                version: r.version,
                language: r.language,
                size_bytes: r.size_bytes.max(0) as u64,
                sha256: r.sha256,
            })
        })
        .collect()
}

/// A file of the purchase's product, with its bytes.
pub async fn file_content(
    conn: &mut Conn,
    purchase: &PurchaseId,
    file: &FileId,
) -> Result<Option<(Download, Vec<u8>)>, sqlx::Error> {
    /// id, file name, version, language, size, SHA-256, bytes
    type FileRow = (String, String, String, String, i64, String, Vec<u8>);
    let row: Option<FileRow> = sqlx::query_as(
        "SELECT f.id, f.file_name, f.version, f.language, f.size_bytes, f.sha256, f.content \
         FROM software_files f JOIN order_lines l ON l.product_id = f.product_id \
         WHERE l.id = $1 AND f.id = $2 AND l.has_keys = 1",
    )
    .bind(purchase.as_str())
    .bind(file.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(
        |(id, file_name, version, language, size, sha256, content)| {
            Ok((
                Download {
                    id: decode("file id", &id, FileId::parse)?,
                    file_name,
                    version,
                    language,
                    size_bytes: size.max(0) as u64,
                    sha256,
                },
                content,
            ))
        },
    )
    .transpose()
}
