//! A partner's customer list and its search (R-CUST-2): from the copy held in memory when it
//! is current ([`crate::customer_lists`]), otherwise from SQL ([`store::customers::search`]).
//! The invariant: **a held list is used only at its partner's current version.**

use std::sync::Arc;

use csp_domain::{Customer, Page, PageRequest, PartnerId};

use crate::customer_lists::{CustomerLists, PartnerList, Source};
use crate::store::customers::{list_version, rows_by_id, search, search_fold, CustomerScope};
use crate::store::{Conn, Db};

/// A page of the customers in `scope`, in name order; with a search, the customers whose name,
/// domain or tenant ID contain it, names that start with it first (R-CUST-2).
///
/// Sized for 100 000 customers of one partner (see `make bench`): a large partner's list is
/// answered from the copy held in memory when it is current ([`customer_lists`]), and its
/// page's rows read by id; otherwise, and for small partners and customer users, from SQL
/// (`search`).
///
/// [`customer_lists`]: crate::customer_lists
pub async fn list(
    db: &Db,
    lists: &Arc<CustomerLists>,
    scope: &CustomerScope,
    request: &PageRequest,
) -> Result<Page<Customer>, sqlx::Error> {
    let mut conn = db.conn().await?;
    let CustomerScope::Partner(partner) = scope else {
        return search(&mut conn, scope, request, None).await;
    };
    // A held list answers in one statement when it is still current, as it nearly always is.
    let tried = lists.held(partner);
    if let Some(held) = &tried {
        if let Some(page) = from_held_list(&mut conn, partner, held, request).await? {
            lists.answered_by(Source::HeldList);
            return Ok(page);
        }
    }
    let (total, version) = list_version(&mut conn, partner).await?;
    let Some(held) = lists.current(db, partner, version, total as u64) else {
        if tried.is_some() {
            lists.let_go_older_than(partner, version);
        }
        return search(&mut conn, scope, request, Some(total)).await;
    };
    // Held at the version just read (built meanwhile), unless it moved on again since.
    match from_held_list(&mut conn, partner, &held, request).await? {
        Some(page) => {
            lists.answered_by(Source::HeldList);
            Ok(page)
        }
        None => {
            lists.answered_by(Source::Sql);
            search(&mut conn, scope, request, None).await
        }
    }
}

/// The page as `held` answers it, or `None` when the partner's customers have changed since
/// the list was built (its version is not the current one).
async fn from_held_list(
    conn: &mut Conn,
    partner: &PartnerId,
    held: &PartnerList,
    request: &PageRequest,
) -> Result<Option<Page<Customer>>, sqlx::Error> {
    let found = match request.search() {
        None => held.page(request),
        Some(q) => held.search(&search_fold(q), request),
    };
    let Some(rows) = rows_by_id(conn, partner, held.version(), &found.ids).await? else {
        return Ok(None);
    };
    Ok(Some(match request.search() {
        None => request.page_of(rows, found.counted),
        Some(_) => request.search_page_of(rows, found.counted),
    }))
}
