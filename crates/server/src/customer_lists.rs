//! Large partners' customer lists, held in memory in list order so any page and any search
//! is answered without reading the partner's rows (issue: 100 000 customers of one partner).
//!
//! A held list is a copy of one *version* of the partner's customers
//! (`partners.customers_version`, moved on by triggers in the same transaction as every
//! change to them). A request picks the page's ids from the held copy and reads their rows
//! by id in one statement with the current version, and answers from the copy only when the
//! versions are equal. Otherwise it reads the version and the partner's count, and is answered
//! from SQL (the trigram indexes) while a fresh copy is built in the background (one build at
//! a time over all partners, each partner's at most every [`ListPolicy::rebuild_interval`]).
//! Stale copies are therefore never shown, also when several servers share a database.
//!
//! Only ids, folded names and search texts (`store::customers::search_fold`) are held (~170 bytes a
//! customer). Lists are kept within a memory budget, least recently used first out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use csp_domain::paging::SEARCH_COUNT_CAP;
use csp_domain::{PageRequest, PartnerId};
use memchr::memmem;

use crate::store::customers::{self, ListRow};
use crate::store::Db;

/// What a held list takes per customer, to tell before a build whether it would fit (17.1 MB
/// for 100 000 bench customers, with room for longer names).
const BYTES_PER_CUSTOMER: u64 = 200;

/// Which partners' lists are held, and how much memory they may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPolicy {
    /// Partners with fewer customers are answered from SQL alone (fast at that size).
    pub from_customers: u64,
    /// The most memory all held lists take together; 0 holds none. A build needs about as much
    /// again while it runs, and there is one build at a time.
    pub budget_bytes: usize,
    /// A partner's list is built again at most this often: one whose customers change all
    /// the time is answered from SQL in between instead of being read again after each change.
    pub rebuild_interval: Duration,
    /// How long after a failed build the next one may start.
    pub retry_after_failure: Duration,
}

impl Default for ListPolicy {
    fn default() -> Self {
        ListPolicy {
            from_customers: 2_000,
            budget_bytes: 256 << 20,
            rebuild_interval: Duration::from_secs(10),
            retry_after_failure: Duration::from_secs(60),
        }
    }
}

/// How many list requests of large partners were answered from a held list and how many
/// from SQL (the tests and the bench read them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Answered {
    pub from_held_lists: u64,
    pub from_sql: u64,
}

/// What answered a list request of a large partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    HeldList,
    Sql,
}

/// The held lists of one database.
pub struct CustomerLists {
    policy: ListPolicy,
    held: Mutex<HashMap<PartnerId, Held>>,
    /// Ticks on every use, for least-recently-used eviction.
    clock: AtomicU64,
    /// One build at a time over all partners: each reads a whole partner on a pool connection.
    building: AtomicBool,
    from_held_lists: AtomicU64,
    from_sql: AtomicU64,
}

#[derive(Default)]
struct Held {
    list: Option<Arc<PartnerList>>,
    /// The newest version a request has read: a copy older than that is of no more use.
    newest_seen: i64,
    last_used: u64,
    /// No build of this partner's list before then.
    next_build: Option<Instant>,
}

/// Lets the next build start when this one ends, also if it panics.
struct BuildSlot(Arc<CustomerLists>);

impl Drop for BuildSlot {
    fn drop(&mut self) {
        self.0.building.store(false, Ordering::Release);
    }
}

impl CustomerLists {
    pub fn new(policy: ListPolicy) -> CustomerLists {
        CustomerLists {
            policy,
            held: Mutex::new(HashMap::new()),
            clock: AtomicU64::new(0),
            building: AtomicBool::new(false),
            from_held_lists: AtomicU64::new(0),
            from_sql: AtomicU64::new(0),
        }
    }

    /// The map, also after a panic elsewhere while it was locked (each change to it is whole).
    fn lock(&self) -> MutexGuard<'_, HashMap<PartnerId, Held>> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The partner's list if one of `version` is held. When the partner is large enough and
    /// none is, a build may start in the background and `None` tells the caller to answer
    /// from SQL.
    pub fn current(
        self: &Arc<Self>,
        db: &Db,
        partner: &PartnerId,
        version: i64,
        customers: u64,
    ) -> Option<Arc<PartnerList>> {
        let fits = customers.saturating_mul(BYTES_PER_CUSTOMER) <= self.policy.budget_bytes as u64;
        if customers < self.policy.from_customers || !fits {
            return None;
        }
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        // Declared before the lock, so a copy let go is freed after the lock is released.
        let _stale: Option<Arc<PartnerList>>;
        let mut held = self.lock();
        let entry = held.entry(partner.clone()).or_default();
        entry.last_used = tick;
        entry.newest_seen = entry.newest_seen.max(version);
        match &entry.list {
            Some(list) if list.version == version => return Some(list.clone()),
            // Versions only move on, so an older copy will never be current again: requests
            // stop trying it until the new one is built. (A newer one, built since `version`
            // was read, stays.)
            Some(list) if list.version < version => _stale = entry.list.take(),
            _ => {}
        }
        self.from_sql.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let due = entry.next_build.is_none_or(|at| now >= at);
        if due && !self.building.swap(true, Ordering::AcqRel) {
            entry.next_build = Some(now + self.policy.rebuild_interval);
            let slot = BuildSlot(self.clone());
            let (db, partner) = (db.clone(), partner.clone());
            tokio::spawn(async move {
                let built = PartnerList::read(&db, &partner).await;
                if let Err(e) = &built {
                    tracing::warn!(partner = %partner, error = %e, "customer list not held");
                }
                slot.0.keep(&partner, built);
            });
        }
        None
    }

    /// The partner's held list, whatever its version: the caller finds out whether it is still
    /// current when it reads the page's rows (`cases::customer_directory::list`).
    pub fn held(&self, partner: &PartnerId) -> Option<Arc<PartnerList>> {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut held = self.lock();
        let entry = held.get_mut(partner)?;
        entry.last_used = tick;
        entry.list.clone()
    }

    /// Lets the partner's copy go if it is older than `version`, which a request has just read
    /// (for a partner that is no longer large, which [`Self::current`] does not look up).
    pub fn let_go_older_than(&self, partner: &PartnerId, version: i64) {
        let mut held = self.lock();
        let stale = match held.get(partner) {
            Some(entry) if entry.list.as_ref().is_some_and(|l| l.version < version) => {
                held.remove(partner)
            }
            _ => None,
        };
        drop(held);
        drop(stale);
    }

    /// Counts a request a held list answered, or one that a stale list left to SQL.
    pub fn answered_by(&self, source: Source) {
        let counter = match source {
            Source::HeldList => &self.from_held_lists,
            Source::Sql => &self.from_sql,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Builds the partner's list now and holds it (tests and the bench).
    pub async fn refresh(&self, db: &Db, partner: &PartnerId) -> Result<(), sqlx::Error> {
        let list = PartnerList::read(db, partner).await?;
        self.keep(partner, Ok(list));
        Ok(())
    }

    /// The version of the partner's held list, if any.
    pub fn held_version(&self, partner: &PartnerId) -> Option<i64> {
        self.lock().get(partner)?.list.as_ref().map(|l| l.version)
    }

    /// The memory all held lists take.
    pub fn held_bytes(&self) -> usize {
        bytes_held(&self.lock())
    }

    /// How list requests of large partners were answered so far.
    pub fn answered(&self) -> Answered {
        Answered {
            from_held_lists: self.from_held_lists.load(Ordering::Relaxed),
            from_sql: self.from_sql.load(Ordering::Relaxed),
        }
    }

    /// Holds a built list (after a failure: waits before the next build), then evicts the
    /// other lists least recently used first until all fit the budget. A list larger than
    /// the whole budget is not held.
    fn keep(&self, partner: &PartnerId, built: Result<PartnerList, sqlx::Error>) {
        let mut held = self.lock();
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let entry = held.entry(partner.clone()).or_default();
        let list = match built {
            Ok(list) if list.bytes() <= self.policy.budget_bytes => list,
            Ok(_) => return,
            Err(_) => {
                entry.next_build = Some(Instant::now() + self.policy.retry_after_failure);
                return;
            }
        };
        // A slower build of an older version does not replace a newer one, and a copy that a
        // request has already found stale is not held at all.
        if list.version < entry.newest_seen
            || entry
                .list
                .as_ref()
                .is_some_and(|l| l.version > list.version)
        {
            return;
        }
        entry.list = Some(Arc::new(list));
        entry.last_used = tick;
        let mut used = bytes_held(&held);
        while used > self.policy.budget_bytes {
            let Some((oldest, bytes)) = held
                .iter()
                .filter(|(p, _)| *p != partner)
                .filter_map(|(p, h)| Some((p, h.last_used, h.list.as_ref()?.bytes())))
                .min_by_key(|(_, last_used, _)| *last_used)
                .map(|(p, _, bytes)| (p.clone(), bytes))
            else {
                break;
            };
            held.get_mut(&oldest).expect("just found").list = None;
            used -= bytes;
        }
    }
}

/// The memory the lists in `held` take.
fn bytes_held(held: &HashMap<PartnerId, Held>) -> usize {
    held.values()
        .filter_map(|h| h.list.as_ref())
        .map(|l| l.bytes())
        .sum()
}

/// Strings end to end in one buffer: item `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Default)]
struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    fn push(&mut self, s: &str) -> Result<(), ()> {
        self.text.push_str(s);
        self.ends
            .push(u32::try_from(self.text.len()).map_err(|_| ())?);
        Ok(())
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1] as usize
        }
    }

    fn end(&self, i: usize) -> usize {
        self.ends[i] as usize
    }

    fn get(&self, i: usize) -> &str {
        &self.text[self.start(i)..self.end(i)]
    }

    fn bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4
    }
}

/// One partner's customers as of one version: ids, lower-cased names (`sort_name`) and
/// search texts, in list order (name, then id; the byte order both databases sort these
/// columns in).
pub struct PartnerList {
    version: i64,
    ids: Strings,
    names: Strings,
    texts: Strings,
}

/// A page as the held list answers it: the customers' ids in order, and how many there are
/// (a search's matches counted up to the cap and one more, like the SQL path).
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    pub ids: Vec<String>,
    pub counted: u64,
}

impl PartnerList {
    /// Reads the partner's customers. The version is read first: a change committed during
    /// the read gives the copy an older version than the database's, so it is not used.
    async fn read(db: &Db, partner: &PartnerId) -> Result<PartnerList, sqlx::Error> {
        let mut conn = db.conn().await?;
        let version = customers::list_version(&mut conn, partner).await?.1;
        let rows = customers::list_rows(&mut conn, partner).await?;
        PartnerList::new(version, rows)
            .ok_or_else(|| sqlx::Error::Protocol("customer list over 4 GiB".into()))
    }

    /// The list of `rows`, in any order; `None` when it would not fit 32-bit offsets.
    pub fn new(version: i64, mut rows: Vec<ListRow>) -> Option<PartnerList> {
        rows.sort_unstable_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let mut list = PartnerList {
            version,
            ids: Strings::default(),
            names: Strings::default(),
            texts: Strings::default(),
        };
        for (name, id, text) in rows {
            list.names.push(&name).ok()?;
            list.ids.push(&id).ok()?;
            list.texts.push(&text).ok()?;
        }
        for strings in [&mut list.names, &mut list.ids, &mut list.texts] {
            strings.text.shrink_to_fit();
            strings.ends.shrink_to_fit();
        }
        Some(list)
    }

    /// The partner's list version this copy is of.
    pub fn version(&self) -> i64 {
        self.version
    }

    fn len(&self) -> usize {
        self.ids.ends.len()
    }

    fn bytes(&self) -> usize {
        self.ids.bytes() + self.names.bytes() + self.texts.bytes()
    }

    /// A page of the whole list.
    pub fn page(&self, request: &PageRequest) -> Found {
        let (from, to) = window(request, self.len());
        Found {
            ids: (from..to).map(|i| self.ids.get(i).to_string()).collect(),
            counted: self.len() as u64,
        }
    }

    /// A page of the customers whose search text contains `q` (lower-cased): names that start
    /// with it first, then the others, each in list order (R-CUST-2).
    pub fn search(&self, q: &str, request: &PageRequest) -> Found {
        // Names that start with q lie together in name order.
        let first = self.partition(|name| name < q);
        let end = self.partition(|name| name < q || name.starts_with(q));
        let (offset, size) = (request.offset(), u64::from(request.page_size()));
        let (from, to) = (offset, offset + size);
        let cap = SEARCH_COUNT_CAP + 1;
        // Count to the cap, and past it only to fill a page that starts below it.
        let goal = if offset < cap { cap.max(to) } else { cap };

        let in_page = |place: u64| place >= from && place < to;
        let prefix_place = |place: u64| {
            first
                .saturating_add(place.try_into().unwrap_or(usize::MAX))
                .min(end)
        };
        let mut ids: Vec<String> = (prefix_place(from)..prefix_place(to))
            .map(|i| self.ids.get(i).to_string())
            .collect();
        let mut counted = (end - first) as u64;

        // Then every other text that contains q, scanning the texts end to end.
        let finder = memmem::Finder::new(q.as_bytes());
        let text = self.texts.text.as_bytes();
        let (mut at, mut entry) = (0, 0);
        while counted < goal {
            let Some(hit) = finder.find(&text[at..]).map(|h| at + h) else {
                break;
            };
            entry += self.texts.ends[entry..].partition_point(|&e| e as usize <= hit);
            let entry_end = self.texts.end(entry);
            // A hit that runs into the next text is none; either way go on from the next.
            if hit + q.len() <= entry_end && !(first..end).contains(&entry) {
                if in_page(counted) {
                    ids.push(self.ids.get(entry).to_string());
                }
                counted += 1;
            }
            at = entry_end;
        }
        let counted = counted.min(cap);
        if offset >= counted {
            ids.clear();
        }
        Found { ids, counted }
    }

    /// The first place whose name does not satisfy `before` (which holds for a prefix).
    fn partition(&self, before: impl Fn(&str) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if before(self.names.get(mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }
}

/// The request's page as a range of places in a list of `len`.
fn window(request: &PageRequest, len: usize) -> (usize, usize) {
    let from = usize::try_from(request.offset())
        .unwrap_or(usize::MAX)
        .min(len);
    (
        from,
        from.saturating_add(request.page_size() as usize).min(len),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use csp_domain::PageQuery;

    fn request(q: Option<&str>, page: u32, page_size: u32) -> PageRequest {
        PageQuery {
            q: q.map(String::from),
            page: Some(page),
            page_size: Some(page_size),
        }
        .check()
        .unwrap()
    }

    fn list(names: &[&str]) -> PartnerList {
        let rows = names
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let name = name.to_lowercase();
                let text = format!("{name} d{n}.example");
                (name, format!("id{n:03}"), text)
            })
            .collect();
        PartnerList::new(7, rows).unwrap()
    }

    fn names_of(list: &PartnerList, found: &Found) -> Vec<String> {
        found
            .ids
            .iter()
            .map(|id| {
                let i = (0..list.len()).find(|&i| list.ids.get(i) == id).unwrap();
                list.names.get(i).to_string()
            })
            .collect()
    }

    #[test]
    fn lists_are_held_within_the_budget_least_recently_used_first_out() {
        let one = list(&["a", "b", "c"]).bytes();
        let lists = CustomerLists::new(ListPolicy {
            budget_bytes: one * 2,
            ..ListPolicy::default()
        });
        let partner =
            |n: u32| -> PartnerId { format!("00000000-0000-4000-8000-{n:012}").parse().unwrap() };
        lists.keep(&partner(1), Ok(list(&["a", "b", "c"])));
        lists.keep(&partner(2), Ok(list(&["a", "b", "c"])));
        lists.keep(&partner(3), Ok(list(&["a", "b", "c"])));
        // The third pushed out the first; the newest always stays.
        assert_eq!(lists.held_version(&partner(1)), None);
        assert_eq!(lists.held_version(&partner(2)), Some(7));
        assert_eq!(lists.held_version(&partner(3)), Some(7));
        // One larger than the whole budget is not held, and pushes nothing out.
        let names: Vec<String> = (0..100).map(|n| format!("name {n}")).collect();
        let big = list(&names.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(big.bytes() > one * 2);
        lists.keep(&partner(4), Ok(big));
        assert_eq!(lists.held_version(&partner(4)), None);
        assert_eq!(lists.held_bytes(), one * 2);
    }

    #[test]
    fn copies_older_than_a_version_a_request_has_read_are_let_go_and_not_held() {
        let lists = CustomerLists::new(ListPolicy::default());
        let partner: PartnerId = "00000000-0000-4000-8000-000000000001".parse().unwrap();
        // A build of version 7 that ends after a request has read version 8.
        lists.lock().entry(partner.clone()).or_default().newest_seen = 8;
        lists.keep(&partner, Ok(list(&["a", "b"])));
        assert_eq!(lists.held_version(&partner), None);
        lists.lock().get_mut(&partner).unwrap().newest_seen = 7;
        lists.keep(&partner, Ok(list(&["a", "b"])));
        assert_eq!(lists.held_version(&partner), Some(7));
        // Still current at 7; gone once 8 has been read.
        lists.let_go_older_than(&partner, 7);
        assert_eq!(lists.held_version(&partner), Some(7));
        lists.let_go_older_than(&partner, 8);
        assert_eq!(lists.held_version(&partner), None);
        assert!(lists.held(&partner).is_none());
    }

    #[test]
    fn pages_follow_name_then_id_order() {
        let list = list(&["b", "a", "c", "a"]);
        let found = list.page(&request(None, 1, 3));
        assert_eq!(found.ids, ["id001", "id003", "id000"]);
        assert_eq!(found.counted, 4);
        assert_eq!(list.page(&request(None, 2, 3)).ids, ["id002"]);
        assert!(list.page(&request(None, 3, 3)).ids.is_empty());
    }

    #[test]
    fn names_starting_with_the_text_come_first_then_the_others() {
        let list = list(&["Zebra Blue", "Blue Sky", "Azure Blue", "Bluebird", "Red"]);
        let found = list.search("blue", &request(Some("blue"), 1, 10));
        assert_eq!(
            names_of(&list, &found),
            ["blue sky", "bluebird", "azure blue", "zebra blue"]
        );
        assert_eq!(found.counted, 4);
        let second = list.search("blue", &request(Some("blue"), 2, 3));
        assert_eq!(names_of(&list, &second), ["zebra blue"]);
    }

    #[test]
    fn a_hit_across_two_texts_is_none() {
        // "ab d0.example" + "cd d1.example": "ecd" exists only across the boundary.
        let list = list(&["ab", "cd"]);
        let found = list.search("ecd", &request(Some("ecd"), 1, 10));
        assert_eq!(
            found,
            Found {
                ids: vec![],
                counted: 0
            }
        );
        // Texts "xa" and "aab": "aa" first hits across the boundary, then in "aab" one
        // byte later, which the search must not step over.
        let rows = vec![
            ("b".to_string(), "id0".to_string(), "xa".to_string()),
            ("c".to_string(), "id1".to_string(), "aab".to_string()),
        ];
        let list = PartnerList::new(1, rows).unwrap();
        let found = list.search("aa", &request(Some("aa"), 1, 10));
        assert_eq!(
            found,
            Found {
                ids: vec!["id1".into()],
                counted: 1
            }
        );
    }

    #[test]
    fn searches_count_to_the_cap_and_one_more() {
        let names: Vec<String> = (0..1_200).map(|n| format!("Holdings {n:04}")).collect();
        let list = list(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let broad = list.search("holdings", &request(Some("holdings"), 1, 25));
        assert_eq!(broad.counted, SEARCH_COUNT_CAP + 1);
        // A page that starts below the cap is filled; one beyond it is empty.
        let last = list.search("holdings", &request(Some("holdings"), 41, 25));
        assert_eq!(last.ids.len(), 25);
        assert_eq!(names_of(&list, &last)[24], "holdings 1024");
        assert!(list
            .search("holdings", &request(Some("holdings"), 42, 25))
            .ids
            .is_empty());
        let exact = list.search("holdings 0", &request(Some("holdings 0"), 1, 25));
        assert_eq!(exact.counted, 1_000);
        assert_eq!(
            list.search("zzqx", &request(Some("zzqx"), 1, 25)).counted,
            0
        );
    }
}
