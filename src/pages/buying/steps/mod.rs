//! The steps of the add-product wizard, one file each. Each has a heading that takes the focus
//! when the step opens (screen readers announce where the user is), and Back/Next that keep
//! the draft.

mod configure;
mod done;
mod pay;
mod product;
mod review;

pub use configure::ConfigureStep;
pub use done::DoneStep;
pub use pay::PayStep;
pub use product::ProductStep;
pub use review::ReviewStep;

use leptos::html;
use leptos::prelude::*;

use crate::i18n::{tr, Msg};
use crate::pages::buying::WizardContext;
use crate::routes::WizardStep;

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
