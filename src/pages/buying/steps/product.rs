//! Step 1: choose a product — by kind, searchable, unavailable ones shown with the reason.

use csp_domain::catalog::ProductKind;
use csp_domain::{Customer, Offer};
use leptos::prelude::*;

use super::StepHeading;
use crate::components::states::EmptyState;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::pages::buying::WizardContext;
use crate::routes::WizardStep;

/// One product of the catalog as the first step lists it.
#[derive(Clone)]
struct ProductChoice {
    name: String,
    kind: ProductKind,
    description: String,
    azure_hybrid_benefit: bool,
    /// The cheapest available offer, for "From …".
    cheapest: Option<Offer>,
    /// Why none of its offers can be bought.
    unavailable: Option<Offer>,
}

fn products(offers: &[Offer]) -> Vec<ProductChoice> {
    let mut choices: Vec<ProductChoice> = Vec::new();
    for offer in offers {
        let index = match choices.iter().position(|c| c.name == offer.product_name) {
            Some(i) => i,
            None => {
                choices.push(ProductChoice {
                    name: offer.product_name.clone(),
                    kind: offer.kind,
                    description: offer.description.clone(),
                    azure_hybrid_benefit: offer.azure_hybrid_benefit,
                    cheapest: None,
                    unavailable: None,
                });
                choices.len() - 1
            }
        };
        let choice = &mut choices[index];
        if offer.available {
            let cheaper = choice.cheapest.as_ref().is_none_or(|c| {
                let (Ok(a), Ok(b)) = (
                    offer.unit_price.to_money(offer.currency),
                    c.unit_price.to_money(c.currency),
                ) else {
                    return false;
                };
                a.minor() < b.minor()
            });
            if cheaper {
                choice.cheapest = Some(offer.clone());
            }
        } else {
            choice.unavailable.get_or_insert_with(|| offer.clone());
        }
    }
    for choice in &mut choices {
        if choice.cheapest.is_some() {
            choice.unavailable = None;
        }
    }
    choices
}

fn unavailable_text(i18n: I18n, offer: &Offer, customer: &Customer) -> String {
    match offer.unavailable_code {
        Some(code) => i18n.unavailable(code, &customer.market),
        None => offer.unavailable_reason.clone().unwrap_or_default(),
    }
}

/// Step 1: the product, by kind and name.
#[component]
pub fn ProductStep(customer: Customer) -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    let draft = context.draft;
    let by_name = StoredValue::new(context.offers.with_value(|offers| products(offers)));
    let customer = StoredValue::new(customer);
    let shown = Memo::new(move |_| {
        // ASCII folding: product names are English, and Unicode's case tables would add ~5 KB to
        // the app's first download.
        let (kind, search) = draft.with(|d| (d.kind, d.search.trim().to_ascii_lowercase()));
        by_name.with_value(|all| {
            all.iter()
                .filter(|p| kind.is_none_or(|k| k == p.kind))
                .filter(|p| search.is_empty() || p.name.to_ascii_lowercase().contains(&search))
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let choose = move |product: ProductChoice| {
        let Some(first) = product.cheapest.clone() else {
            return;
        };
        draft.update(|d| {
            if d.product.as_ref() != Some(&product.name) {
                d.product = Some(product.name.clone());
                d.offer = Some(first.id.clone());
                d.quantity = first.min_quantity.to_string();
            }
        });
        context.go.run(WizardStep::Configure);
    };
    let kinds = [
        None,
        Some(ProductKind::SoftwareSubscription),
        Some(ProductKind::PerpetualSoftware),
        Some(ProductKind::AzureReservation),
        Some(ProductKind::SoftwarePlan),
    ];

    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepProduct/>
            <div class="step__filters">
                <fieldset class="choice-group">
                    <legend>{tr(Msg::ProductType)}</legend>
                    {kinds.into_iter().map(|kind| {
                        let id = format!("kind-{}", kind.map(ProductKind::as_str).unwrap_or("all"));
                        let label_for = id.clone();
                        view! {
                            <label class="choice" for=label_for>
                                <input type="radio" name="kind" id=id
                                    prop:checked=move || draft.with(|d| d.kind == kind)
                                    on:change=move |_| draft.update(|d| d.kind = kind)/>
                                {move || kind.map(|k| i18n.kind(k)).unwrap_or_else(|| i18n.t(Msg::KindAll))}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="product-search">{tr(Msg::SearchProducts)}</label>
                    <input id="product-search" type="search" autocomplete="off" placeholder=tr(Msg::SearchProductsPlaceholder)
                        prop:value=move || draft.with(|d| d.search.clone())
                        on:input=move |ev| draft.update(|d| d.search = event_target_value(&ev))/>
                </div>
            </div>
            <p class="visually-hidden" role="status">{move || {
                let n = shown.with(Vec::len);
                if n == 0 { i18n.t(Msg::NoProductsMatch).to_string() } else { String::new() }
            }}</p>
            {move || {
                let names = shown.get();
                let list: Vec<ProductChoice> = by_name.with_value(|all| all.iter().filter(|p| names.contains(&p.name)).cloned().collect());
                if list.is_empty() {
                    return view! { <EmptyState title=move || i18n.t(Msg::NoProductsMatch)/> }.into_any();
                }
                view! {
                    <ul class="products">
                        {list.into_iter().map(|product| {
                            let chosen = {
                                let name = product.name.clone();
                                Signal::derive(move || draft.with(|d| d.product.as_ref() == Some(&name)))
                            };
                            let price = product.cheapest.clone().map(|o| move || i18n.f(Msg::FromPrice, &[("price", &i18n.price(&o.unit_price, o.currency, o.tax_inclusive))]));
                            let reason = product.unavailable.clone().map(|o| move || customer.with_value(|c| unavailable_text(i18n, &o, c)));
                            let disabled = product.cheapest.is_none();
                            let pick = product.clone();
                            let describe = format!("product-{}-note", slug(&product.name));
                            view! {
                                <li class="product" class:product--unavailable=disabled class:product--chosen=chosen>
                                    <div class="product__text">
                                        <h3 class="product__name">{product.name.clone()}</h3>
                                        <p class="product__kind">{move || i18n.kind(product.kind)}</p>
                                        <p class="product__description">{product.description.clone()}</p>
                                        {product.azure_hybrid_benefit.then(|| view! { <p class="product__note">{tr(Msg::AzureHybridBenefit)}</p> })}
                                        <p class="product__price" id=describe.clone()>
                                            {price.map(|p| view! { <span>{p}</span> })}
                                            {reason.map(|r| view! { <span class="product__reason">{r}</span> })}
                                        </p>
                                    </div>
                                    <button type="button" class="button" class:button--primary=!disabled disabled=disabled
                                        aria-describedby=describe on:click=move |_| choose(pick.clone())>
                                        {move || i18n.t(if chosen.get() { Msg::Chosen } else { Msg::Choose })}
                                        <span class="visually-hidden">" "{product.name.clone()}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
