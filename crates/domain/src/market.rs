//! Markets: a customer's country (or a part of one listed on its own), which prices include
//! tax (R-CAT-3) and where Azure reservations are not sold (R-CAT-2, SPEC Table 1).

use crate::money::Currency;
use std::fmt;

use csp_messages::Msg;
use serde::{Deserialize, Serialize};

/// Markets whose commercial prices include tax (R-CAT-3).
const TAX_INCLUSIVE_MARKETS: [&str; 2] = ["AU", "BR"];

/// SPEC Table 1: the 109 markets where Azure reservations are unavailable, with their names,
/// in the source's three columns.
pub const AZURE_RESERVATIONS_UNAVAILABLE: [(&str, &str); 109] = [
    // "A to Gi"
    ("AX", "Åland Islands"),
    ("AS", "American Samoa"),
    ("AD", "Andorra"),
    ("AI", "Anguilla"),
    ("AQ", "Antarctica"),
    ("AG", "Antigua and Barbuda"),
    ("AW", "Aruba"),
    ("AZ", "Azerbaijan"),
    ("BJ", "Benin"),
    ("BT", "Bhutan"),
    ("BQ-BO", "Bonaire"),
    ("BV", "Bouvet Island"),
    ("IO", "British Indian Ocean Territory"),
    ("VG", "British Virgin Islands"),
    ("BF", "Burkina Faso"),
    ("BI", "Burundi"),
    ("KH", "Cambodia"),
    ("CF", "Central African Republic"),
    ("TD", "Chad"),
    ("CN", "China"),
    ("CX", "Christmas Island"),
    ("CC", "Cocos (Keeling) Islands"),
    ("KM", "Comoros"),
    ("CG", "Congo"),
    ("CD", "Congo (DRC)"),
    ("CK", "Cook Islands"),
    ("DJ", "Djibouti"),
    ("DM", "Dominica"),
    ("GQ", "Equatorial Guinea"),
    ("ER", "Eritrea"),
    ("FK", "Falkland Islands"),
    ("GF", "French Guiana"),
    ("PF", "French Polynesia"),
    ("TF", "French Southern Territories"),
    ("GA", "Gabon"),
    ("GM", "Gambia"),
    ("GI", "Gibraltar"),
    // "Gr to Pal"
    ("GL", "Greenland"),
    ("GD", "Grenada"),
    ("GP", "Guadeloupe"),
    ("GU", "Guam"),
    ("GG", "Guernsey"),
    ("GN", "Guinea"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HT", "Haiti"),
    ("HM", "Heard Island and McDonald Islands"),
    ("IM", "Isle of Man"),
    ("NO-22", "Jan Mayen"),
    ("JE", "Jersey"),
    ("KI", "Kiribati"),
    ("XK", "Kosovo"),
    ("LA", "Laos"),
    ("LS", "Lesotho"),
    ("LR", "Liberia"),
    ("MG", "Madagascar"),
    ("MW", "Malawi"),
    ("MV", "Maldives"),
    ("ML", "Mali"),
    ("MH", "Marshall Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("YT", "Mayotte"),
    ("FM", "Micronesia"),
    ("MS", "Montserrat"),
    ("MZ", "Mozambique"),
    ("MM", "Myanmar"),
    ("NR", "Nauru"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NU", "Niue"),
    ("NF", "Norfolk Island"),
    ("MP", "Northern Mariana Islands"),
    ("PW", "Palau"),
    // "Pap to Z"
    ("PG", "Papua New Guinea"),
    ("PN", "Pitcairn Islands"),
    ("RE", "Réunion"),
    ("BQ-SA", "Saba"),
    ("BL", "Saint Barthélemy"),
    ("LC", "Saint Lucia"),
    ("MF", "Saint Martin"),
    ("PM", "Saint Pierre and Miquelon"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("WS", "Samoa"),
    ("SM", "San Marino"),
    ("ST", "São Tomé and Príncipe"),
    ("SC", "Seychelles"),
    ("SL", "Sierra Leone"),
    ("BQ-SE", "Sint Eustatius"),
    ("SX", "Sint Maarten"),
    ("SB", "Solomon Islands"),
    ("SO", "Somalia"),
    ("GS", "South Georgia and South Sandwich Islands"),
    ("SS", "South Sudan"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SR", "Suriname"),
    ("NO-21", "Svalbard"),
    ("SZ", "Eswatini"),
    ("TL", "Timor-Leste"),
    ("TG", "Togo"),
    ("TK", "Tokelau"),
    ("TO", "Tonga"),
    ("TC", "Turks and Caicos Islands"),
    ("TV", "Tuvalu"),
    ("UM", "U.S. Outlying Islands"),
    ("VU", "Vanuatu"),
    ("VA", "Vatican City"),
    ("WF", "Wallis and Futuna"),
    ("YE", "Yemen"),
];

/// Every ISO 3166-1 alpha-2 country code (249) and Kosovo's user-assigned `XK`: the markets
/// a customer can be in. Subdivisions are markets only where Table 1 lists them on their own.
const COUNTRY_CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ \
EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU \
ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ \
LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA \
RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

/// Codes whose every part Table 1 lists on its own, so the whole code is unavailable too:
/// the Caribbean Netherlands (Bonaire, Saba, Sint Eustatius) and Svalbard and Jan Mayen.
const WHOLLY_UNAVAILABLE: [(&str, &str); 2] = [
    ("BQ", "Caribbean Netherlands"),
    ("SJ", "Svalbard and Jan Mayen"),
];

/// Names of markets outside Table 1 that messages may need; other codes show as codes.
const OTHER_MARKET_NAMES: [(&str, &str); 64] = [
    ("US", "United States"),
    ("CA", "Canada"),
    ("MX", "Mexico"),
    ("BR", "Brazil"),
    ("AR", "Argentina"),
    ("CL", "Chile"),
    ("CO", "Colombia"),
    ("PE", "Peru"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("ES", "Spain"),
    ("PT", "Portugal"),
    ("IT", "Italy"),
    ("NL", "Netherlands"),
    ("BE", "Belgium"),
    ("LU", "Luxembourg"),
    ("CH", "Switzerland"),
    ("AT", "Austria"),
    ("DK", "Denmark"),
    ("SE", "Sweden"),
    ("NO", "Norway"),
    ("FI", "Finland"),
    ("IS", "Iceland"),
    ("PL", "Poland"),
    ("CZ", "Czechia"),
    ("SK", "Slovakia"),
    ("HU", "Hungary"),
    ("RO", "Romania"),
    ("BG", "Bulgaria"),
    ("GR", "Greece"),
    ("TR", "Türkiye"),
    ("IL", "Israel"),
    ("AE", "United Arab Emirates"),
    ("SA", "Saudi Arabia"),
    ("QA", "Qatar"),
    ("KW", "Kuwait"),
    ("EG", "Egypt"),
    ("ZA", "South Africa"),
    ("NG", "Nigeria"),
    ("KE", "Kenya"),
    ("MA", "Morocco"),
    ("IN", "India"),
    ("PK", "Pakistan"),
    ("JP", "Japan"),
    ("KR", "Korea"),
    ("TW", "Taiwan"),
    ("HK", "Hong Kong SAR"),
    ("SG", "Singapore"),
    ("MY", "Malaysia"),
    ("TH", "Thailand"),
    ("VN", "Vietnam"),
    ("PH", "Philippines"),
    ("ID", "Indonesia"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("UA", "Ukraine"),
    ("EE", "Estonia"),
    ("LV", "Latvia"),
    ("LT", "Lithuania"),
    ("HR", "Croatia"),
    ("SI", "Slovenia"),
    ("CY", "Cyprus"),
];

/// A customer's market: an ISO 3166-1 alpha-2 code (`US`), or an ISO 3166-2 subdivision
/// listed on its own (`NO-21`, Svalbard), upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "US"))]
#[serde(try_from = "String", into = "String")]
pub struct Market(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketError;

impl fmt::Display for MarketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "not a market: use an ISO 3166 country code such as US, or a subdivision listed on its own such as NO-21",
        )
    }
}

impl Market {
    /// A real market: an ISO 3166-1 alpha-2 code (or `XK`), or a subdivision Table 1 lists
    /// on its own (`NO-21`, `BQ-BO`, …); any case, surrounding spaces ignored.
    pub fn parse(code: &str) -> Result<Market, MarketError> {
        let code = code.trim().to_ascii_uppercase();
        let known = match code.split_once('-') {
            Some(_) => AZURE_RESERVATIONS_UNAVAILABLE
                .iter()
                .any(|(listed, _)| *listed == code),
            None => code.len() == 2 && COUNTRY_CODES.split_ascii_whitespace().any(|c| c == code),
        };
        if known {
            Ok(Market(code))
        } else {
            Err(MarketError)
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// The currency the product bills customers of this market in: the market's own where
    /// the catalog has a price list in it, else US dollars (as Partner Center bills many
    /// markets).
    pub fn billing_currency(&self) -> Currency {
        const EURO: &[&str] = &[
            "AT", "BE", "HR", "CY", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV", "LT", "LU",
            "MT", "NL", "PT", "SK", "SI", "ES", "AD", "MC", "SM", "VA", "ME", "XK",
        ];
        let country = self.code().split('-').next().unwrap_or_default();
        match country {
            c if EURO.contains(&c) => Currency::EUR,
            "GB" | "IM" | "JE" | "GG" => Currency::GBP,
            "JP" => Currency::JPY,
            "AU" => Currency::AUD,
            "BR" => Currency::BRL,
            "CN" => Currency::CNY,
            "NO" => Currency::NOK,
            "IN" => Currency::INR,
            "CH" | "LI" => Currency::CHF,
            "CA" => Currency::CAD,
            _ => Currency::USD,
        }
    }

    /// Whether prices in this market include tax (R-CAT-3).
    pub fn tax_inclusive(&self) -> bool {
        TAX_INCLUSIVE_MARKETS.contains(&self.code())
    }

    /// Whether Azure reservations may be sold to a customer in this market (R-CAT-2).
    /// A subdivision listed on its own (Svalbard, `NO-21`) is unavailable while the rest of
    /// the country (`NO`) is available.
    pub fn azure_reservations_available(&self) -> bool {
        !AZURE_RESERVATIONS_UNAVAILABLE
            .iter()
            .chain(WHOLLY_UNAVAILABLE.iter())
            .any(|(code, _)| *code == self.code())
    }

    /// The market's English name, for messages ("… not available in China"); the code when
    /// the name is not known here.
    pub fn english_name(&self) -> &str {
        AZURE_RESERVATIONS_UNAVAILABLE
            .iter()
            .chain(WHOLLY_UNAVAILABLE.iter())
            .chain(OTHER_MARKET_NAMES.iter())
            .find(|(code, _)| *code == self.code())
            .map(|(_, name)| *name)
            .unwrap_or(self.code())
    }
}

impl TryFrom<String> for Market {
    type Error = MarketError;
    fn try_from(code: String) -> Result<Self, MarketError> {
        Market::parse(&code)
    }
}

impl From<Market> for String {
    fn from(m: Market) -> String {
        m.0
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The label every price carries (R-CAT-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaxLabel {
    InclTax,
    ExclTax,
}

impl TaxLabel {
    pub fn for_market(market: &Market) -> TaxLabel {
        if market.tax_inclusive() {
            TaxLabel::InclTax
        } else {
            TaxLabel::ExclTax
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            TaxLabel::InclTax => Msg::TaxIncl,
            TaxLabel::ExclTax => Msg::TaxExcl,
        }
    }

    pub fn english(self) -> &'static str {
        self.msg().english()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(code: &str) -> Market {
        Market::parse(code).unwrap()
    }

    #[test]
    fn table_one_has_109_distinct_markets() {
        let mut codes: Vec<_> = AZURE_RESERVATIONS_UNAVAILABLE
            .iter()
            .map(|(c, _)| *c)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 109);
    }

    #[test]
    fn every_table_one_market_parses_and_has_no_reservations() {
        for (code, name) in AZURE_RESERVATIONS_UNAVAILABLE {
            let market = Market::parse(code).unwrap_or_else(|_| panic!("{code} parses"));
            assert!(!market.azure_reservations_available(), "{code}");
            assert_eq!(market.english_name(), name);
        }
    }

    #[test]
    fn other_markets_have_reservations() {
        for (code, _) in OTHER_MARKET_NAMES {
            assert!(m(code).azure_reservations_available(), "{code}");
        }
        assert!(m("NO").azure_reservations_available(), "mainland Norway");
        assert!(!m("NO-21").azure_reservations_available(), "Svalbard");
        assert!(
            !m("BQ").azure_reservations_available(),
            "Bonaire, Saba and Sint Eustatius are all listed"
        );
        assert!(
            !m("SJ").azure_reservations_available(),
            "Svalbard and Jan Mayen are both listed"
        );
        assert_eq!(m("SJ").english_name(), "Svalbard and Jan Mayen");
    }

    #[test]
    fn only_australia_and_brazil_include_tax() {
        assert!(m("AU").tax_inclusive());
        assert!(m("BR").tax_inclusive());
        for code in ["US", "DE", "GB", "JP", "CN", "NO-21"] {
            assert!(!m(code).tax_inclusive(), "{code}");
            assert_eq!(TaxLabel::for_market(&m(code)).english(), "excl. tax");
        }
        assert_eq!(TaxLabel::for_market(&m("AU")).english(), "incl. tax");
    }

    #[test]
    fn codes_are_checked_and_upper_cased() {
        assert_eq!(m(" no-21 ").code(), "NO-21");
        assert_eq!(m("cn").english_name(), "China");
        assert_eq!(
            m("KZ").english_name(),
            "KZ",
            "a market without a name here shows its code"
        );
        for bad in [
            "", "U", "USA", "U1", "NO-", "NO-2222", "N0", "NO_21", "ZZ", "XX", "UK", "EU", "NO-03",
            "US-CA",
        ] {
            assert!(Market::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_country_list_is_iso_3166_1_and_kosovo() {
        let codes: Vec<&str> = COUNTRY_CODES.split_ascii_whitespace().collect();
        assert_eq!(codes.len(), 250, "249 ISO 3166-1 codes and XK");
        assert!(
            codes.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        for (code, _) in AZURE_RESERVATIONS_UNAVAILABLE
            .iter()
            .chain(&OTHER_MARKET_NAMES)
            .chain(&WHOLLY_UNAVAILABLE)
        {
            let country = code.split('-').next().unwrap();
            assert!(codes.contains(&country), "{code}");
            assert!(Market::parse(code).is_ok(), "{code}");
        }
    }
}
