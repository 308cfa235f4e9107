//! Step 2: configure — the SKU and term, and a quantity the product allows.

use csp_domain::order::{check_quantity, LineIssue};
use csp_domain::{Money, Offer};
use leptos::prelude::*;

use super::{StepActions, StepHeading};
use crate::components::field::TextField;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::pages::buying::WizardContext;
use crate::routes::WizardStep;

/// The quantity the draft holds, checked by the offer's bounds; the message when it is wrong.
fn quantity_problem(i18n: I18n, offer: &Offer, text: &str) -> Option<String> {
    let Ok(q) = text.trim().parse::<i64>() else {
        return Some(i18n.t(Msg::QuantityNotANumber).to_string());
    };
    match check_quantity(offer, q) {
        Ok(_) => None,
        Err(LineIssue::QuantityOutOfRange { min, max }) => {
            Some(i18n.f(Msg::QuantityOutOfRange, &[("min", &min), ("max", &max)]))
        }
        Err(_) => Some(i18n.t(Msg::QuantityNotANumber).to_string()),
    }
}

/// The total of the draft: unit price × quantity, exact.
pub(super) fn line_total(offer: &Offer, quantity: &str) -> Option<Money> {
    let q = u32::try_from(quantity.trim().parse::<i64>().ok()?).ok()?;
    offer
        .unit_price
        .to_money(offer.currency)
        .ok()?
        .times(q)
        .ok()
}

/// Step 2: SKU, term and quantity.
#[component]
pub fn ConfigureStep() -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    let draft = context.draft;
    let product_offers = StoredValue::new(context.product_offers());
    let offer = Memo::new(move |_| {
        draft.track();
        context.offer()
    });
    let skus: Vec<String> = product_offers.with_value(|offers| {
        let mut names: Vec<String> = Vec::new();
        for o in offers.iter().filter(|o| o.available) {
            if !names.contains(&o.sku_name) {
                names.push(o.sku_name.clone());
            }
        }
        names
    });
    let tried = RwSignal::new(false);
    let quantity = RwSignal::new(draft.with_untracked(|d| d.quantity.clone()));
    Effect::new(move |_| {
        let q = quantity.get();
        if draft.with_untracked(|d| d.quantity != q) {
            draft.update(|d| d.quantity = q);
        }
    });
    let quantity_error = Signal::derive(move || {
        let offer = offer.get()?;
        let text = quantity.get();
        if !tried.get() && text.is_empty() {
            return None;
        }
        quantity_problem(i18n, &offer, &text)
    });
    let choose_sku = move |sku: String| {
        let term = offer.get_untracked().and_then(|o| o.term);
        let pick = product_offers.with_value(|offers| {
            offers
                .iter()
                .filter(|o| o.available && o.sku_name == sku)
                .find(|o| o.term == term)
                .or_else(|| offers.iter().find(|o| o.available && o.sku_name == sku))
                .cloned()
        });
        if let Some(pick) = pick {
            draft.update(|d| d.offer = Some(pick.id));
        }
    };
    let next = move |_| {
        tried.set(true);
        if quantity_error.get_untracked().is_none() && offer.get_untracked().is_some() {
            context.go.run(WizardStep::Review);
        }
    };
    let hint = Signal::derive(move || {
        offer
            .get()
            .map(|o| {
                i18n.f(
                    Msg::QuantityHint,
                    &[
                        ("min", &o.min_quantity),
                        ("max", &o.max_quantity),
                        ("unit", &o.unit),
                    ],
                )
            })
            .unwrap_or_default()
    });

    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepConfigure/>
            <p class="step__product">{move || offer.get().map(|o| o.product_name)}</p>
            <div class="field">
                <label for="sku">{tr(Msg::Sku)}</label>
                <select id="sku" on:change=move |ev| choose_sku(event_target_value(&ev))>
                    {skus.into_iter().map(|sku| {
                        let selected = { let sku = sku.clone(); move || offer.get().is_some_and(|o| o.sku_name == sku) };
                        view! { <option value=sku.clone() prop:selected=selected>{sku.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="choice-group">
                <legend>{tr(Msg::Term)}</legend>
                {move || {
                    let sku = offer.get().map(|o| o.sku_name).unwrap_or_default();
                    product_offers.with_value(|offers| offers.iter().filter(|o| o.available && o.sku_name == sku).cloned().collect::<Vec<_>>())
                        .into_iter()
                        .map(|o| {
                            let id = format!("term-{}", o.term.map(|t| t.as_str()).unwrap_or("perpetual"));
                            let label_for = id.clone();
                            let checked = { let offer_id = o.id.clone(); move || draft.with(|d| d.offer.as_ref() == Some(&offer_id)) };
                            let offer_id = o.id.clone();
                            view! {
                                <label class="choice" for=label_for>
                                    <input type="radio" name="term" id=id prop:checked=checked
                                        on:change=move |_| draft.update(|d| d.offer = Some(offer_id.clone()))/>
                                    {move || i18n.term(o.term)}
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
            <TextField id="quantity" label=Msg::Quantity value=quantity input_type="number" inputmode="numeric"
                required=true error=quantity_error hint=hint/>
            <dl class="details details--inline">
                <div>
                    <dt>{tr(Msg::UnitPrice)}</dt>
                    <dd>{move || offer.get().map(|o| i18n.price(&o.unit_price, o.currency, o.tax_inclusive))}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::Total)}</dt>
                    <dd>{move || offer.get().and_then(|o| line_total(&o, &quantity.get()).map(|t| format!("{t} {}", i18n.tax_label(o.tax_inclusive))))}</dd>
                </div>
            </dl>
            {move || offer.get().filter(|o| o.azure_hybrid_benefit).map(|_| view! { <p class="product__note">{tr(Msg::AzureHybridBenefit)}</p> })}
            <StepActions back=WizardStep::Product>
                <button type="button" class="button button--primary" on:click=next>{tr(Msg::Next)}</button>
            </StepActions>
        </section>
    }
}
