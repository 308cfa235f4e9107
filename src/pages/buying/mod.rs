//! `/customers/:id/add-product/:step`: buying software for a customer (R-BUY-1) in four steps
//! — product, configuration, review, payment — and a confirmation. The step lives in the URL;
//! what was entered lives in a draft in sessionStorage, so Back, Next and a reload keep it
//! (R-BUY-4); leaving with a draft asks first; placing the order or discarding clears it.

mod steps;

use crate::router::use_navigate;
use crate::router::NavigateOptions;
use crate::router::Redirect;
use csp_domain::order::check_quantity;
use csp_domain::{Customer, CustomerId, Offer, OfferList, Permission};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::dialog::Dialog;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::EmptyState;
use crate::components::stepper::Stepper;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::routes::{CustomerTab, Route, WizardStep};
use crate::state::{
    discard_order_draft, load_order_draft, save_order_draft, use_session, OrderDraft,
};

/// The wizard, for partner users who may buy (R-ROLE-1); others are told which role buys.
#[component]
pub fn AddProductPage(
    customer: CustomerId,
    #[prop(into)] step: Signal<WizardStep>,
) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let may_buy = Memo::new(move |_| {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.can(Permission::BuySoftware)))
    });
    let loaded = use_loader(move || customer.clone(), api::customer);
    move || {
        if may_buy.get() {
            view! { <Loaded loader=loaded children={move |c: Customer| view! { <Wizard customer=c step=step/> }}/> }.into_any()
        } else {
            view! {
                <PageHeader title=move || i18n.t(Msg::AddProduct)/>
                <EmptyState title=move || i18n.refusal(Permission::BuySoftware)/>
            }
            .into_any()
        }
    }
}

/// What the wizard's steps share.
#[derive(Clone, Copy)]
pub(crate) struct WizardContext {
    pub draft: RwSignal<OrderDraft>,
    pub offers: StoredValue<Vec<Offer>>,
    /// Moves to a step (a new history entry, so the browser's Back works too).
    pub go: Callback<WizardStep>,
}

impl WizardContext {
    /// The offer chosen in the draft.
    pub fn offer(&self) -> Option<Offer> {
        let id = self.draft.with(|d| d.offer.clone())?;
        self.offers
            .with_value(|offers| offers.iter().find(|o| o.id == id).cloned())
    }

    /// The offers of the chosen product.
    pub fn product_offers(&self) -> Vec<Offer> {
        let product = self.draft.with(|d| d.product.clone());
        self.offers.with_value(|offers| {
            offers
                .iter()
                .filter(|o| Some(&o.product_name) == product.as_ref())
                .cloned()
                .collect()
        })
    }

    /// The first step that still needs something from the user.
    fn first_incomplete(&self) -> WizardStep {
        if self.product_offers().is_empty() {
            return WizardStep::Product;
        }
        let quantity_ok = self.offer().is_some_and(|offer| {
            let q = self.draft.with(|d| d.quantity.trim().parse::<i64>().ok());
            q.is_some_and(|q| offer.available && check_quantity(&offer, q).is_ok())
        });
        if quantity_ok {
            WizardStep::Pay
        } else {
            WizardStep::Configure
        }
    }
}

#[component]
fn Wizard(customer: Customer, step: Signal<WizardStep>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let id = customer.id.clone();
    let draft = RwSignal::new(load_order_draft(&id).unwrap_or_else(OrderDraft::new));
    // Saved on every change, so a reload of the tab keeps it.
    {
        let id = id.clone();
        Effect::new(move |_| draft.with(|current| save_order_draft(&id, current)));
    }
    let go = {
        let id = id.clone();
        let navigate = navigate.clone();
        Callback::new(move |step: WizardStep| {
            navigate(
                &Route::AddProduct {
                    customer: id.clone(),
                    step,
                }
                .to_path(),
                NavigateOptions::default(),
            )
        })
    };
    // Forgets the draft (placed, or discarded): leaving no longer asks, and a next order
    // starts afresh with a new idempotency key.
    let forget = {
        let id = id.clone();
        Callback::new(move |()| {
            discard_order_draft(&id);
            draft.set(OrderDraft::new());
        })
    };
    let leave = use_leave_guard(draft, step, forget, customer.company_name.clone());
    let offers = use_loader(
        {
            let id = id.clone();
            move || id.clone()
        },
        api::offers,
    );
    let steps = vec![
        Msg::StepProduct,
        Msg::StepConfigure,
        Msg::StepReview,
        Msg::StepPay,
        Msg::StepDone,
    ];
    let current = Signal::derive(move || {
        WizardStep::ALL
            .iter()
            .position(|s| *s == step.get())
            .unwrap_or(0)
    });
    let name = customer.company_name.clone();
    let discard = {
        let id = id.clone();
        let navigate = navigate.clone();
        move |_| {
            forget.run(());
            navigate(
                &Route::customer(&id, CustomerTab::Software).to_path(),
                NavigateOptions::default(),
            );
        }
    };
    let customer = StoredValue::new(customer);

    view! {
        <PageHeader title=move || i18n.f(Msg::AddProductFor, &[("customer", &name)])>
            <Show when=move || step.get() != WizardStep::Done>
                <button type="button" class="button button--subtle" on:click=discard.clone()>{tr(Msg::DiscardOrder)}</button>
            </Show>
        </PageHeader>
        <Stepper steps=steps current=current/>
        <Loaded loader=offers children={move |list: OfferList| {
            let context = WizardContext { draft, offers: StoredValue::new(list.items), go };
            provide_context(context);
            view! { <CurrentStep step=step customer=customer.get_value() forget=forget/> }
        }}/>
        {leave}
    }
}

/// The step the URL names, or a redirect to the first step that still needs input.
#[component]
fn CurrentStep(
    step: Signal<WizardStep>,
    customer: Customer,
    forget: Callback<()>,
) -> impl IntoView {
    let context = expect_context::<WizardContext>();
    let customer = StoredValue::new(customer);
    move || {
        let wanted = step.get();
        // Read once per step: the step's own view follows the draft from here on.
        let allowed = untrack(|| context.first_incomplete());
        if wanted != WizardStep::Done && wanted > allowed {
            let path = Route::AddProduct {
                customer: customer.with_value(|c| c.id.clone()),
                step: allowed,
            }
            .to_path();
            return view! { <Redirect path=path options=NavigateOptions { replace: true, ..Default::default() }/> }.into_any();
        }
        let customer = customer.get_value();
        match wanted {
            WizardStep::Product => view! { <steps::ProductStep customer=customer/> }.into_any(),
            WizardStep::Configure => view! { <steps::ConfigureStep/> }.into_any(),
            WizardStep::Review => view! { <steps::ReviewStep/> }.into_any(),
            WizardStep::Pay => {
                view! { <steps::PayStep customer=customer forget=forget/> }.into_any()
            }
            WizardStep::Done => view! { <steps::DoneStep customer=customer/> }.into_any(),
        }
    }
}

/// While the draft holds a choice, a click on a link that leaves the wizard opens a dialog
/// instead: stay, or discard the draft and go. Returns the dialog's view.
fn use_leave_guard(
    draft: RwSignal<OrderDraft>,
    step: Signal<WizardStep>,
    forget: Callback<()>,
    customer_name: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let target = StoredValue::new(String::new());

    // On `document`, so it runs before the router's handler on `window` and can stop it.
    let listener = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        let guarded = step.get_untracked() != WizardStep::Done
            && draft.with_untracked(OrderDraft::has_choices);
        if !guarded
            || ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
        {
            return;
        }
        let anchor = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        let Some(anchor) = anchor else { return };
        let href = anchor.get_attribute("href").unwrap_or_default();
        if href.starts_with('#')
            || href.contains("/add-product/")
            || anchor.has_attribute("download")
        {
            return;
        }
        ev.prevent_default();
        target.set_value(href);
        open.set(true);
    });
    let document = document();
    let _ = document.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
    let held = send_wrapper::SendWrapper::new((document, listener));
    on_cleanup(move || {
        let (document, listener) = held.take();
        let _ = document
            .remove_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
    });

    let leave = move |_| {
        forget.run(());
        open.set(false);
        navigate(&target.get_value(), NavigateOptions::default());
    };
    view! {
        <Dialog open=open labelled_by="leave-title" described_by="leave-body">
            <h2 id="leave-title">{tr(Msg::LeaveTitle)}</h2>
            <p id="leave-body">{move || i18n.f(Msg::LeaveBody, &[("customer", &customer_name)])}</p>
            <div class="dialog__actions">
                <button type="button" class="button button--primary" autofocus on:click=move |_| open.set(false)>{tr(Msg::Stay)}</button>
                <button type="button" class="button button--danger" on:click=leave>{tr(Msg::DiscardAndLeave)}</button>
            </div>
        </Dialog>
    }
}
