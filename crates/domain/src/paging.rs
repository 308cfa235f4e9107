//! Server-side paging of lists (R-CUST-2: large customer lists must stay fast).

use serde::{Deserialize, Serialize};

pub const DEFAULT_PAGE_SIZE: u32 = 25;
pub const MAX_PAGE_SIZE: u32 = 100;

/// `?q=&page=&page_size=` as sent by clients; pages count from 1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct PageQuery {
    /// Search text; matches company name, domain or tenant ID.
    pub q: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<u32>,
    /// Items per page (default 25, at most 100).
    pub page_size: Option<u32>,
}

/// A page request after validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
}

impl PageRequest {
    pub fn offset(self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }
}

impl PageQuery {
    /// Checks page and page size; the error says what is wrong in words a user understands.
    pub fn validate(&self) -> Result<PageRequest, String> {
        let page = self.page.unwrap_or(1);
        let page_size = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page == 0 {
            return Err("page counts from 1".into());
        }
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(format!("page_size must be between 1 and {MAX_PAGE_SIZE}"));
        }
        Ok(PageRequest { page, page_size })
    }

    /// The search text with surrounding blanks removed; `None` when there is nothing to search.
    pub fn search_text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items over all pages.
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
}

impl<T> Page<T> {
    /// How many pages there are; an empty list still has one (empty) page.
    pub fn page_count(&self) -> u32 {
        let size = u64::from(self.page_size.max(1));
        (self.total.div_ceil(size)).max(1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(page: Option<u32>, page_size: Option<u32>) -> PageQuery {
        PageQuery { q: None, page, page_size }
    }

    #[test]
    fn defaults_to_first_page_of_25() {
        let r = q(None, None).validate().unwrap();
        assert_eq!((r.page, r.page_size, r.offset()), (1, 25, 0));
    }

    #[test]
    fn offset_follows_page() {
        assert_eq!(q(Some(3), Some(10)).validate().unwrap().offset(), 20);
    }

    #[test]
    fn refuses_page_zero_and_oversized_pages() {
        assert!(q(Some(0), None).validate().is_err());
        assert!(q(None, Some(0)).validate().is_err());
        assert!(q(None, Some(101)).validate().is_err());
        assert!(q(None, Some(100)).validate().is_ok());
    }

    #[test]
    fn blank_search_is_no_search() {
        let mut query = q(None, None);
        query.q = Some("   ".into());
        assert_eq!(query.search_text(), None);
        query.q = Some("  contoso ".into());
        assert_eq!(query.search_text(), Some("contoso"));
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let page = |total| Page::<()> { items: vec![], total, page: 1, page_size: 25 };
        assert_eq!(page(0).page_count(), 1);
        assert_eq!(page(25).page_count(), 1);
        assert_eq!(page(26).page_count(), 2);
    }
}
