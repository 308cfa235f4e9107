//! A company's postal address as a form asks for it — in the add-customer wizard and in the
//! edit dialog of a customer's Company tab: one field per part, each with its problem.

use csp_domain::onboarding::Address;
use leptos::prelude::*;

use crate::components::field::TextField;
use crate::i18n::Msg;

/// The company's address as the wizard and the edit dialog ask for it, one signal per line.
#[derive(Clone, Copy)]
pub(crate) struct AddressInputs {
    pub line1: RwSignal<String>,
    pub line2: RwSignal<String>,
    pub city: RwSignal<String>,
    pub region: RwSignal<String>,
    pub postal_code: RwSignal<String>,
}

impl AddressInputs {
    pub fn new(address: Option<&Address>) -> AddressInputs {
        let text = |s: Option<&String>| RwSignal::new(s.cloned().unwrap_or_default());
        AddressInputs {
            line1: text(address.map(|a| &a.line1)),
            line2: text(address.and_then(|a| a.line2.as_ref())),
            city: text(address.map(|a| &a.city)),
            region: text(address.and_then(|a| a.region.as_ref())),
            postal_code: text(address.map(|a| &a.postal_code)),
        }
    }

    /// The address as typed, trimmed, empty optional lines left out (tracked).
    pub fn address(&self) -> Address {
        let optional =
            |s: RwSignal<String>| Some(s.get().trim().to_string()).filter(|s| !s.is_empty());
        Address {
            line1: self.line1.get().trim().to_string(),
            line2: optional(self.line2),
            city: self.city.get().trim().to_string(),
            region: optional(self.region),
            postal_code: self.postal_code.get().trim().to_string(),
        }
    }

    /// Whether nothing was typed (a customer of before addresses were kept may stay without).
    pub fn is_empty(&self) -> bool {
        [
            self.line1,
            self.line2,
            self.city,
            self.region,
            self.postal_code,
        ]
        .iter()
        .all(|s| s.with(|s| s.trim().is_empty()))
    }
}

/// The address's fields. `error` gives the problem to show next to a field (`address.line1`,
/// `address.city`, …).
#[component]
pub(crate) fn AddressFields(
    inputs: AddressInputs,
    error: Callback<&'static str, Signal<Option<String>>>,
) -> impl IntoView {
    // The partner types the customer's address: the browser's own addresses would not fit.
    view! {
        <TextField id="address-line1" label=Msg::AddressLine1 value=inputs.line1 autocomplete="off"
            required=true error=error.run("address.line1")/>
        <TextField id="address-line2" label=Msg::AddressLine2 value=inputs.line2 autocomplete="off"
            error=error.run("address.line2")/>
        <TextField id="address-city" label=Msg::City value=inputs.city autocomplete="off"
            required=true error=error.run("address.city")/>
        <TextField id="address-region" label=Msg::Region value=inputs.region autocomplete="off"
            error=error.run("address.region")/>
        <TextField id="address-postal-code" label=Msg::PostalCode value=inputs.postal_code autocomplete="off"
            required=true error=error.run("address.postal_code")/>
    }
}
