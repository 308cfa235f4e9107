//! Markets: which prices include tax (R-CAT-3) and where Azure reservations are not sold
//! (R-CAT-2, SPEC Table 1).

/// Markets whose commercial prices include tax (R-CAT-3).
const TAX_INCLUSIVE_MARKETS: [&str; 2] = ["AU", "BR"];

/// SPEC Table 1: the 109 markets where Azure reservations are unavailable.
pub const AZURE_RESERVATIONS_UNAVAILABLE: [&str; 109] = [
    // "A to Gi"
    "AX", "AS", "AD", "AI", "AQ", "AG", "AW", "AZ", "BJ", "BT", "BQ-BO", "BV", "IO", "VG", "BF",
    "BI", "KH", "CF", "TD", "CN", "CX", "CC", "KM", "CG", "CD", "CK", "DJ", "DM", "GQ", "ER", "FK",
    "GF", "PF", "TF", "GA", "GM", "GI",
    // "Gr to Pal"
    "GL", "GD", "GP", "GU", "GG", "GN", "GW", "GY", "HT", "HM", "IM", "NO-22", "JE", "KI", "XK",
    "LA", "LS", "LR", "MG", "MW", "MV", "ML", "MH", "MQ", "MR", "YT", "FM", "MS", "MZ", "MM", "NR",
    "NC", "NE", "NU", "NF", "MP", "PW",
    // "Pap to Z"
    "PG", "PN", "RE", "BQ-SA", "BL", "LC", "MF", "PM", "VC", "WS", "SM", "ST", "SC", "SL", "BQ-SE",
    "SX", "SB", "SO", "GS", "SS", "SH", "SR", "NO-21", "SZ", "TL", "TG", "TK", "TO", "TC", "TV",
    "UM", "VU", "VA", "WF", "YE",
];

/// A customer's market code (ISO 3166-1 alpha-2 or an ISO 3166-2 subdivision such as `NO-21`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Market<'a>(pub &'a str);

impl Market<'_> {
    /// Whether prices in this market include tax (R-CAT-3).
    pub fn tax_inclusive(self) -> bool {
        TAX_INCLUSIVE_MARKETS.contains(&self.0)
    }

    /// Whether Azure reservations may be sold to a customer in this market (R-CAT-2).
    /// A subdivision listed on its own (Svalbard, `NO-21`) is unavailable while the rest of
    /// the country (`NO`) is available.
    pub fn azure_reservations_available(self) -> bool {
        !AZURE_RESERVATIONS_UNAVAILABLE.contains(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_one_has_109_distinct_markets() {
        let mut codes = AZURE_RESERVATIONS_UNAVAILABLE.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 109);
    }

    #[test]
    fn only_australia_and_brazil_include_tax() {
        assert!(Market("AU").tax_inclusive());
        assert!(Market("BR").tax_inclusive());
        for code in ["US", "DE", "GB", "JP", "CN", "NO-21"] {
            assert!(!Market(code).tax_inclusive(), "{code}");
        }
    }

    #[test]
    fn reservations_follow_table_one_including_subdivisions() {
        assert!(!Market("CN").azure_reservations_available());
        assert!(!Market("NO-21").azure_reservations_available());
        assert!(!Market("XK").azure_reservations_available());
        assert!(Market("NO").azure_reservations_available());
        assert!(Market("US").azure_reservations_available());
        assert!(Market("DE").azure_reservations_available());
    }
}
