//! Server-side paging of lists (R-CUST-2: large customer lists must stay fast).

use serde::{Deserialize, Serialize};

use crate::text::TextError;

pub const DEFAULT_PAGE_SIZE: u32 = 25;
pub const MAX_PAGE_SIZE: u32 = 100;
/// Deeper pages are refused: nobody reads page 400 001, and a search narrows the list faster.
pub const MAX_PAGE: u32 = 100_000;
/// Search text longer than this is refused.
pub const MAX_SEARCH_LEN: usize = 200;
/// Searches count their matches only this far: past it the total reads "1 000+", and pages go
/// only as deep as this (a narrower search finds the rest). Counting every match of a broad
/// search in a list of 100 000 would cost more than the page itself.
pub const SEARCH_COUNT_CAP: u64 = 1_000;

/// `?q=&page=&page_size=` as sent by clients; read it with [`PageQuery::check`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema), into_params(parameter_in = Query))]
pub struct PageQuery {
    /// Search text; matches company name, domain or tenant ID.
    #[cfg_attr(feature = "openapi", param(max_length = 200))]
    pub q: Option<String>,
    /// 1-based page number (default 1).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100000))]
    pub page: Option<u32>,
    /// Items per page (default 25, at most 100).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub page_size: Option<u32>,
}

/// A page request after validation: only [`PageQuery::check`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    page_size: u32,
    search: Option<String>,
}

impl PageRequest {
    pub fn first(page_size: u32) -> PageRequest {
        PageRequest {
            page: 1,
            page_size: page_size.clamp(1, MAX_PAGE_SIZE),
            search: None,
        }
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }

    /// The search text with surrounding blanks removed; `None` when there is nothing to search.
    pub fn search(&self) -> Option<&str> {
        self.search.as_deref()
    }

    /// An empty page of this request.
    pub fn empty<T>(&self) -> Page<T> {
        self.page_of(Vec::new(), 0)
    }

    /// This request's page: `items` of `total` in all.
    pub fn page_of<T>(&self, items: Vec<T>, total: u64) -> Page<T> {
        Page {
            items,
            total,
            total_capped: false,
            page: self.page,
            page_size: self.page_size,
        }
    }

    /// A search's page, whose matches were counted up to [`SEARCH_COUNT_CAP`] and one more:
    /// above the cap the total is the cap and says so.
    pub fn search_page_of<T>(&self, items: Vec<T>, counted: u64) -> Page<T> {
        let mut page = self.page_of(items, counted.min(SEARCH_COUNT_CAP));
        page.total_capped = counted > SEARCH_COUNT_CAP;
        page
    }
}

impl PageQuery {
    /// Checks page, page size and search text; the error says what is wrong in words.
    pub fn check(&self) -> Result<PageRequest, String> {
        let page = self.page.unwrap_or(1);
        let page_size = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page == 0 || page > MAX_PAGE {
            return Err(format!("page must be between 1 and {MAX_PAGE}"));
        }
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(format!("page_size must be between 1 and {MAX_PAGE_SIZE}"));
        }
        // Control characters cannot be typed into a search box (and a NUL cannot even be
        // stored): they are dropped rather than refused.
        let cleaned: Option<String> = self
            .q
            .as_deref()
            .map(|q| q.chars().filter(|c| !c.is_control()).collect());
        let search = match cleaned
            .as_deref()
            .map(|q| crate::text::line(q, MAX_SEARCH_LEN))
        {
            None | Some(Err(TextError::Required)) => None,
            Some(Ok(q)) => Some(q),
            Some(Err(_)) => return Err(format!("q has at most {MAX_SEARCH_LEN} characters")),
        };
        Ok(PageRequest {
            page,
            page_size,
            search,
        })
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items over all pages; with `total_capped`, the least there are.
    pub total: u64,
    /// The count stopped at the search cap (1 000): there are more than `total` matches, and
    /// pages go only as deep as `total`. Shown as "1 000+".
    #[serde(default)]
    pub total_capped: bool,
    pub page: u32,
    pub page_size: u32,
}

impl<T> Page<T> {
    /// How many pages there are; an empty list still has one (empty) page.
    pub fn page_count(&self) -> u32 {
        let size = u64::from(self.page_size.max(1));
        (self.total.div_ceil(size)).clamp(1, u64::from(u32::MAX)) as u32
    }

    /// The 1-based position of the first item shown, and of the last.
    pub fn shown_range(&self) -> Option<(u64, u64)> {
        if self.items.is_empty() {
            return None;
        }
        let first = u64::from(self.page.saturating_sub(1)) * u64::from(self.page_size) + 1;
        Some((first, first + self.items.len() as u64 - 1))
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            total_capped: self.total_capped,
            page: self.page,
            page_size: self.page_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(page: Option<u32>, page_size: Option<u32>) -> PageQuery {
        PageQuery {
            q: None,
            page,
            page_size,
        }
    }

    #[test]
    fn defaults_to_first_page_of_25() {
        let r = q(None, None).check().unwrap();
        assert_eq!((r.page(), r.page_size(), r.offset()), (1, 25, 0));
    }

    #[test]
    fn offset_follows_page() {
        assert_eq!(q(Some(3), Some(10)).check().unwrap().offset(), 20);
        assert_eq!(
            q(Some(MAX_PAGE), Some(100)).check().unwrap().offset(),
            9_999_900
        );
    }

    #[test]
    fn refuses_page_zero_deep_pages_and_oversized_pages() {
        assert!(q(Some(0), None).check().is_err());
        assert!(q(Some(MAX_PAGE + 1), None).check().is_err());
        assert!(q(None, Some(0)).check().is_err());
        assert!(q(None, Some(101)).check().is_err());
        assert!(q(None, Some(100)).check().is_ok());
    }

    #[test]
    fn blank_search_is_no_search_and_long_search_is_refused() {
        let mut query = q(None, None);
        query.q = Some("   ".into());
        assert_eq!(query.check().unwrap().search(), None);
        query.q = Some("  contoso ".into());
        assert_eq!(query.check().unwrap().search(), Some("contoso"));
        query.q = Some("x".repeat(MAX_SEARCH_LEN + 1));
        assert!(query.check().is_err());
        query.q = Some("con\0toso\n".into());
        assert_eq!(
            query.check().unwrap().search(),
            Some("contoso"),
            "control characters are dropped"
        );
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let page = |total| Page::<()> {
            items: vec![],
            total,
            total_capped: false,
            page: 1,
            page_size: 25,
        };
        assert_eq!(page(0).page_count(), 1);
        assert_eq!(page(25).page_count(), 1);
        assert_eq!(page(26).page_count(), 2);
    }

    #[test]
    fn a_search_count_above_the_cap_says_so() {
        let request = PageQuery::default().check().unwrap();
        let below = request.search_page_of(vec![(); 3], SEARCH_COUNT_CAP);
        assert_eq!((below.total, below.total_capped), (SEARCH_COUNT_CAP, false));
        let above = request.search_page_of(vec![(); 3], SEARCH_COUNT_CAP + 1);
        assert_eq!((above.total, above.total_capped), (SEARCH_COUNT_CAP, true));
        assert_eq!(above.page_count(), 40, "pages go as deep as the cap");
    }

    #[test]
    fn shown_range_counts_from_one() {
        let page = Page {
            items: vec![1, 2, 3],
            total: 53,
            total_capped: false,
            page: 3,
            page_size: 25,
        };
        assert_eq!(page.shown_range(), Some((51, 53)));
        assert_eq!(
            Page::<u8> {
                items: vec![],
                total: 0,
                total_capped: false,
                page: 1,
                page_size: 25
            }
            .shown_range(),
            None
        );
    }
}
