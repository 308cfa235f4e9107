//! The catalog as data (R-CAT-1): products, their offers and a price list per currency, and
//! the download files of keyed products. Written at every start; unchanged rows stay as they are.

use csp_domain::catalog::{ProductKind, Term};
use csp_domain::{Currency, FileId, Money, OfferId};
use sha2::{Digest, Sha256};

use super::stable_id;
use crate::store::catalog::{self, FileRecord, OfferRecord, ProductRecord};
use crate::store::Db;

struct Product {
    key: &'static str,
    name: &'static str,
    kind: ProductKind,
    description: &'static str,
    unit: &'static str,
    has_keys: bool,
    azure_hybrid_benefit: bool,
    /// (SKU name, term, minimum, maximum, price in US cents)
    offers: &'static [(&'static str, Option<Term>, u32, u32, i64)],
    /// (file name, version, language, size in bytes)
    files: &'static [(&'static str, &'static str, &'static str, usize)],
}

const WINDOWS_FILES: &[(&str, &str, &str, usize)] = &[
    (
        "SW_DVD9_Win_Server_STD_CORE_2022_64Bit_English_DC_STD_MLF.iso",
        "2022 (20348.2340)",
        "English",
        262_144,
    ),
    (
        "SW_DVD9_Win_Server_STD_CORE_2022_64Bit_ChnSimp_DC_STD_MLF.iso",
        "2022 (20348.2340)",
        "Chinese (Simplified)",
        196_608,
    ),
];
const SQL_FILES: &[(&str, &str, &str, usize)] = &[
    (
        "SW_DVD9_NTRL_SQL_Svr_Ent_Core_2022_64Bit_English_OEM_VL.iso",
        "2022 CU12 (16.0.4125)",
        "English",
        229_376,
    ),
    (
        "SQL_Server_2022_Management_Studio_Setup.exe",
        "20.2",
        "English",
        98_304,
    ),
];

const PRODUCTS: &[Product] = &[
    Product {
        key: "windows-server-2022-datacenter",
        name: "Windows Server 2022 Datacenter",
        kind: ProductKind::SoftwareSubscription,
        description: "Unlimited virtualisation for highly virtualised datacenters and clouds. Licensed per core in 16-core packs.",
        unit: "16-core pack",
        has_keys: true,
        azure_hybrid_benefit: true,
        offers: &[("16-core pack", Some(Term::P1Y), 1, 100, 246_200), ("16-core pack", Some(Term::P3Y), 1, 100, 664_800)],
        files: WINDOWS_FILES,
    },
    Product {
        key: "windows-server-2022-standard",
        name: "Windows Server 2022 Standard",
        kind: ProductKind::SoftwareSubscription,
        description: "For physical or lightly virtualised environments: two virtual machines per licensed server.",
        unit: "16-core pack",
        has_keys: true,
        azure_hybrid_benefit: true,
        offers: &[("16-core pack", Some(Term::P1Y), 1, 100, 43_200), ("16-core pack", Some(Term::P3Y), 1, 100, 116_600)],
        files: WINDOWS_FILES,
    },
    Product {
        key: "sql-server-2022-enterprise",
        name: "SQL Server 2022 Enterprise",
        kind: ProductKind::SoftwareSubscription,
        description: "Mission-critical performance and unlimited virtualisation. Licensed per core in 2-core packs, at least 4 cores per server.",
        unit: "2-core pack",
        has_keys: true,
        azure_hybrid_benefit: false,
        offers: &[("2-core pack", Some(Term::P1Y), 2, 200, 543_400), ("2-core pack", Some(Term::P3Y), 2, 200, 1_467_200)],
        files: SQL_FILES,
    },
    Product {
        key: "sql-server-2022-standard",
        name: "SQL Server 2022 Standard",
        kind: ProductKind::SoftwareSubscription,
        description: "Core database capabilities for departments and small organisations. Licensed per core in 2-core packs, at least 4 cores per server.",
        unit: "2-core pack",
        has_keys: true,
        azure_hybrid_benefit: false,
        offers: &[("2-core pack", Some(Term::P1Y), 2, 200, 141_800), ("2-core pack", Some(Term::P3Y), 2, 200, 382_900)],
        files: SQL_FILES,
    },
    Product {
        key: "windows-server-2022-standard-perpetual",
        name: "Windows Server 2022 Standard (perpetual)",
        kind: ProductKind::PerpetualSoftware,
        description: "A licence with no end date for 16 cores of one server.",
        unit: "16-core licence",
        has_keys: true,
        azure_hybrid_benefit: true,
        offers: &[("16-core licence", None, 1, 100, 106_900)],
        files: WINDOWS_FILES,
    },
    Product {
        key: "sql-server-2022-standard-perpetual",
        name: "SQL Server 2022 Standard (perpetual)",
        kind: ProductKind::PerpetualSoftware,
        description: "A licence with no end date, in 2-core packs, at least 4 cores per server.",
        unit: "2-core licence",
        has_keys: true,
        azure_hybrid_benefit: false,
        offers: &[("2-core licence", None, 2, 200, 394_500)],
        files: SQL_FILES,
    },
    Product {
        key: "azure-reserved-vm-instances",
        name: "Azure Reserved VM Instances",
        kind: ProductKind::AzureReservation,
        description: "Pay up front for virtual machines in one region and save compared with pay-as-you-go prices.",
        unit: "virtual machine",
        has_keys: false,
        azure_hybrid_benefit: false,
        offers: &[
            ("Standard_D2s_v5 (2 vCPUs, 8 GiB)", Some(Term::P1Y), 1, 500, 60_600),
            ("Standard_D2s_v5 (2 vCPUs, 8 GiB)", Some(Term::P3Y), 1, 500, 116_900),
            ("Standard_D4s_v5 (4 vCPUs, 16 GiB)", Some(Term::P1Y), 1, 500, 121_200),
            ("Standard_D4s_v5 (4 vCPUs, 16 GiB)", Some(Term::P3Y), 1, 500, 233_800),
            ("Standard_E8s_v5 (8 vCPUs, 64 GiB)", Some(Term::P1Y), 1, 500, 304_500),
            ("Standard_E8s_v5 (8 vCPUs, 64 GiB)", Some(Term::P3Y), 1, 500, 587_000),
        ],
        files: &[],
    },
    Product {
        key: "suse-linux-enterprise-server",
        name: "SUSE Linux Enterprise Server Priority",
        kind: ProductKind::SoftwarePlan,
        description: "A SUSE software plan for Azure virtual machines, with priority support. Cannot be cancelled or exchanged.",
        unit: "virtual machine",
        has_keys: false,
        azure_hybrid_benefit: false,
        offers: &[("1–2 vCPU VM", Some(Term::P1Y), 1, 500, 43_800), ("1–2 vCPU VM", Some(Term::P3Y), 1, 500, 118_300)],
        files: &[],
    },
    Product {
        key: "red-hat-enterprise-linux",
        name: "Red Hat Enterprise Linux",
        kind: ProductKind::SoftwarePlan,
        description: "A Red Hat software plan for Azure virtual machines. Cannot be cancelled or exchanged.",
        unit: "virtual machine",
        has_keys: false,
        azure_hybrid_benefit: false,
        offers: &[("1–4 vCPU VM", Some(Term::P1Y), 1, 500, 52_600), ("1–4 vCPU VM", Some(Term::P3Y), 1, 500, 142_000)],
        files: &[],
    },
];

/// Price lists: (currency, units of it per US dollar × 1000, rounding step in minor units).
/// Australian and Brazilian lists include tax (R-CAT-3).
const PRICE_LISTS: &[(Currency, i64, i64)] = &[
    (Currency::USD, 1_000, 1),
    (Currency::EUR, 920, 1),
    (Currency::GBP, 790, 1),
    (Currency::JPY, 150_000, 100),
    (Currency::AUD, 1_672, 1),
    (Currency::BRL, 6_060, 1),
    (Currency::CNY, 7_200, 1),
    (Currency::NOK, 10_600, 1),
    (Currency::INR, 83_000, 100),
    (Currency::CHF, 880, 1),
    (Currency::CAD, 1_360, 1),
];

/// The price of `usd_cents` in `currency`, rounded to the list's step.
fn price_in(usd_cents: i64, currency: Currency, per_thousand: i64, step: i64) -> Money {
    let minor_per_major = 10_i64.pow(currency.exponent());
    let exact =
        i128::from(usd_cents) * i128::from(per_thousand) * i128::from(minor_per_major) / 100_000;
    let step = i128::from(step);
    let rounded = (exact + step / 2) / step * step;
    Money::from_minor(rounded as i64, currency)
}

pub fn offer_id(product: &str, sku: &str, term: Option<Term>) -> OfferId {
    stable_id(&format!(
        "offer:{product}:{sku}:{}",
        term.map(Term::as_str).unwrap_or("perpetual")
    ))
}

/// The id of a product of the catalog (its key).
pub fn product_id(key: &str) -> String {
    stable_id::<uuid::Uuid>(&format!("product:{key}")).to_string()
}

/// Writes the catalog in one transaction.
pub async fn seed_catalog(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for (i, p) in PRODUCTS.iter().enumerate() {
        let id = product_id(p.key);
        catalog::upsert_product(
            &mut tx,
            &ProductRecord {
                id: &id,
                name: p.name,
                kind: p.kind,
                description: p.description,
                unit: p.unit,
                has_keys: p.has_keys,
                azure_hybrid_benefit: p.azure_hybrid_benefit,
                sort_order: i as i64,
            },
        )
        .await?;
        for (j, &(sku, term, min, max, usd_cents)) in p.offers.iter().enumerate() {
            let offer = offer_id(p.key, sku, term);
            let record = OfferRecord {
                id: &offer,
                product_id: &id,
                sku_name: sku,
                term,
                min_quantity: min,
                max_quantity: max,
                sort_order: j as i64,
            };
            catalog::upsert_offer(&mut tx, &record).await?;
            for &(currency, rate, step) in PRICE_LISTS {
                catalog::upsert_price(&mut tx, &offer, price_in(usd_cents, currency, rate, step))
                    .await?;
            }
        }
        for &(file_name, version, language, size) in p.files {
            let file: FileId = stable_id(&format!("file:{}:{file_name}", p.key));
            if catalog::has_file(&mut tx, &file).await? {
                continue;
            }
            let content = demo_content(file.as_str(), size);
            let sha256 = hex::encode(Sha256::digest(&content));
            let record = FileRecord {
                id: &file,
                product_id: &id,
                file_name,
                version,
                language,
                sha256: &sha256,
                content: &content,
            };
            catalog::insert_file(&mut tx, &record).await?;
        }
    }
    tx.commit().await
}

/// `size` bytes that stand in for an ISO image: a SHA-256 stream of the file's id, so every
/// server generates the same bytes.
fn demo_content(seed: &str, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 32);
    let mut counter: u64 = 0;
    while out.len() < size {
        out.extend_from_slice(&Sha256::digest(format!("{seed}:{counter}").as_bytes()));
        counter += 1;
    }
    out.truncate(size);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_lists_are_exact_and_rounded_to_their_step() {
        assert_eq!(
            price_in(43_200, Currency::USD, 1_000, 1).amount().as_str(),
            "432.00"
        );
        assert_eq!(
            price_in(43_200, Currency::JPY, 150_000, 100)
                .amount()
                .as_str(),
            "64800"
        );
        assert_eq!(
            price_in(43_200, Currency::AUD, 1_672, 1).amount().as_str(),
            "722.30"
        );
        assert_eq!(
            price_in(43_200, Currency::EUR, 920, 1).amount().as_str(),
            "397.44"
        );
    }

    #[test]
    fn every_kind_of_r_cat_1_is_in_the_catalog_with_both_terms_where_it_has_terms() {
        for kind in ProductKind::ALL {
            assert!(PRODUCTS.iter().any(|p| p.kind == kind), "{kind}");
        }
        for p in PRODUCTS
            .iter()
            .filter(|p| p.kind != ProductKind::PerpetualSoftware)
        {
            assert!(
                p.offers.iter().any(|o| o.1 == Some(Term::P1Y))
                    && p.offers.iter().any(|o| o.1 == Some(Term::P3Y)),
                "{}",
                p.name
            );
        }
        for p in PRODUCTS.iter().filter(|p| p.has_keys) {
            assert!(!p.files.is_empty(), "{} has downloads", p.name);
        }
        let windows: Vec<_> = PRODUCTS
            .iter()
            .filter(|p| p.name.starts_with("Windows Server"))
            .collect();
        assert!(windows.iter().all(|p| p.azure_hybrid_benefit), "R-CAT-5");
    }

    #[test]
    fn demo_files_have_their_stated_size_and_are_stable() {
        assert_eq!(demo_content("x", 1000).len(), 1000);
        assert_eq!(demo_content("x", 100), demo_content("x", 100));
        assert_ne!(demo_content("x", 100), demo_content("y", 100));
    }
}
