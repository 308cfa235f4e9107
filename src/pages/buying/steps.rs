//! The steps of the add-product wizard. Each has a heading that takes the focus when the step
//! opens (screen readers announce where the user is), and Back/Next that keep the draft.

use crate::router::NavigateOptions;
use crate::router::A;
use crate::router::{use_navigate, use_query_map};
use csp_domain::catalog::ProductKind;
use csp_domain::order::{check_quantity, LineIssue, OrderLineRequest, MAX_PO_NUMBER_LEN};
use csp_domain::text::{self, TextError};
use csp_domain::{BillingProfile, Customer, IdempotencyKey, Money, Offer, Order, OrderRequest};
use leptos::html;
use leptos::prelude::*;

use super::WizardContext;
use crate::api::{self, ApiResult};
use crate::components::field::TextField;
use crate::components::loaded::Loaded;
use crate::components::states::{EmptyState, Spinner};
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::loader::use_loader;
use crate::routes::{CustomerSection, CustomerTab, Route, WizardStep};

/// The step's heading, focused when the step opens.
#[component]
fn StepHeading(label: Msg) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    heading.on_load(|h| {
        let _ = h.focus();
    });
    view! { <h2 id="step-heading" class="step__heading" tabindex="-1" node_ref=heading>{tr(label)}</h2> }
}

/// Back and Next (or another primary action) at the foot of a step.
#[component]
fn StepActions(#[prop(optional)] back: Option<WizardStep>, children: Children) -> impl IntoView {
    let context = expect_context::<WizardContext>();
    view! {
        <div class="step__actions">
            {back.map(|step| view! {
                <button type="button" class="button" on:click=move |_| context.go.run(step)>{tr(Msg::Back)}</button>
            })}
            {children()}
        </div>
    }
}

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
fn line_total(offer: &Offer, quantity: &str) -> Option<Money> {
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

/// What the draft will order, as the review and payment steps show it.
#[component]
fn OrderSummary(offer: Offer, quantity: String) -> impl IntoView {
    let i18n = use_i18n();
    let total = line_total(&offer, &quantity);
    let o = offer.clone();
    view! {
        <dl class="details summary">
            <div><dt>{tr(Msg::ColProducts)}</dt><dd>{offer.product_name.clone()}</dd></div>
            <div><dt>{tr(Msg::Sku)}</dt><dd>{offer.sku_name.clone()}</dd></div>
            <div><dt>{tr(Msg::Term)}</dt><dd>{move || i18n.term(o.term)}</dd></div>
            <div><dt>{tr(Msg::Quantity)}</dt><dd>{quantity.clone()}</dd></div>
            <div><dt>{tr(Msg::UnitPrice)}</dt><dd>{
                let o = offer.clone();
                move || i18n.price(&o.unit_price, o.currency, o.tax_inclusive)
            }</dd></div>
            <div class="summary__total"><dt>{tr(Msg::Total)}</dt><dd>{
                let tax = offer.tax_inclusive;
                move || total.map(|t| format!("{t} {}", i18n.tax_label(tax)))
            }</dd></div>
            <div><dt>{tr(Msg::CancellationPolicy)}</dt><dd>{
                let days = offer.cancellation_window_days;
                move || i18n.cancellation_policy(days)
            }</dd></div>
        </dl>
    }
}

/// Step 3: everything at a glance before paying.
#[component]
pub fn ReviewStep() -> impl IntoView {
    let context = expect_context::<WizardContext>();
    let offer = context.offer();
    let quantity = context
        .draft
        .with_untracked(|d| d.quantity.trim().to_string());
    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepReview/>
            {offer.map(|o| view! { <OrderSummary offer=o quantity=quantity/> })}
            <StepActions back=WizardStep::Configure>
                <button type="button" class="button button--primary" on:click=move |_| context.go.run(WizardStep::Pay)>{tr(Msg::Next)}</button>
            </StepActions>
        </section>
    }
}

/// Step 4: the partner's billing profile, a PO number, the terms, and the order.
#[component]
pub fn PayStep(customer: Customer, forget: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    let draft = context.draft;
    let navigate = use_navigate();
    let profile = use_loader(|| (), |()| api::billing_profile());
    let po = RwSignal::new(draft.with_untracked(|d| d.po_number.clone()));
    Effect::new(move |_| {
        let value = po.get();
        if draft.with_untracked(|d| d.po_number != value) {
            draft.update(|d| d.po_number = value);
        }
    });
    let tried = RwSignal::new(false);
    let po_error = Signal::derive(move || match text::line(&po.get(), MAX_PO_NUMBER_LEN) {
        Ok(_) | Err(TextError::Required) => None,
        Err(e) => Some(i18n.field_error(
            "purchase_order_number",
            csp_domain::FieldIssue::code(&e),
            None,
        )),
    });
    let terms_error = Signal::derive(move || {
        (tried.get() && !draft.with(|d| d.terms_accepted))
            .then(|| i18n.t(Msg::AcceptTermsRequired).to_string())
    });

    let place: Action<(), ApiResult<Order>> = {
        let customer_id = customer.id.clone();
        Action::new_local(move |()| {
            let (request, key) = draft.with_untracked(|d| {
                let offer = d.offer.clone().map(|o| o.to_string()).unwrap_or_default();
                let quantity = d.quantity.trim().parse().unwrap_or(0);
                let po = Some(d.po_number.trim().to_string()).filter(|p| !p.is_empty());
                (
                    OrderRequest {
                        line_items: vec![OrderLineRequest {
                            offer_id: offer,
                            quantity,
                        }],
                        purchase_order_number: po,
                    },
                    d.idempotency_key.clone(),
                )
            });
            let customer = customer_id.clone();
            async move {
                // The draft's key is a UUID; a draft without one (storage edited by hand) gets
                // a new one, which can at worst place this order once more, never merge two.
                let key =
                    IdempotencyKey::parse(&key).unwrap_or_else(crate::state::new_idempotency_key);
                api::place_order(customer, request, key).await
            }
        })
    };
    let pending = place.pending();
    let customer_id = customer.id.clone();
    Effect::new(move |_| {
        if let Some(Ok(order)) = place.value().get() {
            forget.run(());
            let done = Route::AddProduct {
                customer: customer_id.clone(),
                step: WizardStep::Done,
            };
            navigate(
                &done.with_query(&[("order", order.id.as_str())]),
                NavigateOptions::default(),
            );
        }
    });
    let failure = move || match place.value().get() {
        Some(Err(f)) => Some(f),
        _ => None,
    };
    let submit = move |_| {
        tried.set(true);
        if pending.get_untracked()
            || terms_error.get_untracked().is_some()
            || po_error.get_untracked().is_some()
        {
            return;
        }
        place.dispatch(());
    };
    let offer = context.offer();
    let quantity = draft.with_untracked(|d| d.quantity.trim().to_string());

    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepPay/>
            {offer.map(|o| view! { <OrderSummary offer=o quantity=quantity/> })}
            <h3>{tr(Msg::BillingProfile)}</h3>
            <Loaded loader=profile children={|p: BillingProfile| view! { <BillingProfileCard profile=p/> }}/>
            <TextField id="po-number" label=Msg::PoNumber value=po error=po_error
                hint=Signal::derive(move || i18n.t(Msg::PoNumberHint).to_string())/>
            <div class="field" class:field--invalid=move || terms_error.get().is_some()>
                <label class="choice" for="accept-terms">
                    <input type="checkbox" id="accept-terms"
                        aria-describedby=move || terms_error.get().map(|_| "accept-terms-error")
                        aria-invalid=move || terms_error.get().is_some().to_string()
                        prop:checked=move || draft.with(|d| d.terms_accepted)
                        on:change=move |ev| draft.update(|d| d.terms_accepted = event_target_checked(&ev))/>
                    {tr(Msg::AcceptTerms)}
                </label>
                {move || terms_error.get().map(|e| view! { <p id="accept-terms-error" class="field__error">{e}</p> })}
            </div>
            {move || failure().map(|f| {
                let fields: Vec<String> = f.field_codes.keys().filter_map(|field| i18n.server_field_error(&f, field)).collect();
                view! {
                    <div class="message message--error" role="alert">
                        <p>{i18n.failure(&f)}</p>
                        {fields.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                    </div>
                }
            })}
            <StepActions back=WizardStep::Review>
                <button type="button" class="button button--primary" disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string() on:click=submit>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::PlaceOrder)}
                </button>
            </StepActions>
            <p class="visually-hidden" role="status">{move || pending.get().then(|| i18n.t(Msg::PlacingOrder))}</p>
        </section>
    }
}

#[component]
fn BillingProfileCard(profile: BillingProfile) -> impl IntoView {
    view! {
        <dl class="details details--inline">
            <div>
                <dt>{tr(Msg::BillingProfile)}</dt>
                <dd>{profile.company_name}<br/>{profile.address_lines.join(", ")}</dd>
            </div>
            <div><dt>{tr(Msg::PaymentMethod)}</dt><dd>{profile.payment_method}</dd></div>
            <div><dt>{tr(Msg::InvoicesSentTo)}</dt><dd>{profile.invoice_email}</dd></div>
        </dl>
    }
}

/// The confirmation: the order ID, and where to go next.
#[component]
pub fn DoneStep(customer: Customer) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let order = Memo::new(move |_| {
        query
            .with(|q| q.get("order"))
            .and_then(|o| csp_domain::OrderId::parse(&o).ok())
    });
    let context = expect_context::<WizardContext>();
    let id = customer.id.clone();
    view! {
        <section class="card step step--done" aria-labelledby="step-heading">
            <StepHeading label=Msg::OrderPlaced/>
            {move || order.get().map(|order_id| {
                let shown = order_id.to_string();
                let orders = Route::Customer { id: id.clone(), section: CustomerSection::Order(order_id) }.to_path();
                let software = Route::customer(&id, CustomerTab::Software).to_path();
                view! {
                    <p role="status" class="message message--success">{move || i18n.f(Msg::OrderPlacedBody, &[("id", &shown)])}</p>
                    <div class="step__actions">
                        <A href=orders attr:class="button button--primary">{tr(Msg::ViewOrders)}</A>
                        <A href=software attr:class="button">{tr(Msg::ViewSoftware)}</A>
                        <button type="button" class="button" on:click=move |_| context.go.run(WizardStep::Product)>{tr(Msg::AddAnother)}</button>
                    </div>
                }
            })}
        </section>
    }
}
