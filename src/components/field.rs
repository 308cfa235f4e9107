//! A form field: label, control, optional hint and an inline error, wired together for
//! assistive technology (`aria-describedby`, `aria-invalid`).

use csp_domain::FieldErrors;
use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::i18n::{tr, I18n, Msg};

/// A field's problem in the user's language: the domain's check of the form once it was
/// submitted (`tried`), else what the server said of the field.
pub fn field_problem(
    i18n: I18n,
    field: &'static str,
    tried: RwSignal<bool>,
    checked: Memo<FieldErrors>,
    failure: RwSignal<Option<ApiFailure>>,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        tried
            .get()
            .then(|| checked.with(|c| c.text(field).map(|t| i18n.text(t))))
            .flatten()
            .or_else(|| {
                failure.with(|f| f.as_ref().and_then(|f| i18n.server_field_error(f, field)))
            })
    })
}

/// The control id of the first of a form's `fields` — (field, control id), in the form's
/// order — that `has` a problem: where focus goes.
pub fn first_with_problem(
    fields: &[(&str, &'static str)],
    has: impl Fn(&str) -> bool,
) -> Option<&'static str> {
    fields
        .iter()
        .find(|(field, _)| has(field))
        .map(|(_, id)| *id)
}

/// The ids a field's hint and error use, derived from the control's id.
pub fn described_by(id: &str, has_hint: bool, has_error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if has_hint {
        ids.push(format!("{id}-hint"));
    }
    if has_error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled `<input>` bound to a signal.
#[component]
pub fn TextField(
    /// The input's element id (the label points at it).
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    /// The problem to show under the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] name: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] min: Option<Signal<String>>,
    #[prop(optional)] max: Option<Signal<String>>,
) -> impl IntoView {
    let has_hint = hint.is_some();
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label for=id>{tr(label)}</label>
            {hint.map(|hint| view! { <p id=format!("{id}-hint") class="field__hint">{move || hint.get()}</p> })}
            <input
                id=id
                name=name.unwrap_or(id)
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                min=move || min.map(|m| m.get())
                max=move || max.map(|m| m.get())
                required=required
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=move || described_by(id, has_hint, error.with(Option::is_some))
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <FieldError id=id error=error/>
        </div>
    }
}

/// A labelled `<textarea>` bound to a signal.
#[component]
pub fn TextAreaField(
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional)] required: bool,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let has_hint = hint.is_some();
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label for=id>{tr(label)}</label>
            {hint.map(|hint| view! { <p id=format!("{id}-hint") class="field__hint">{move || hint.get()}</p> })}
            <textarea
                id=id
                name=id
                rows=rows
                maxlength=maxlength
                required=required
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=move || described_by(id, has_hint, error.with(Option::is_some))
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <FieldError id=id error=error/>
        </div>
    }
}

/// A labelled `<select>` of `(value, label)` options bound to a signal; an empty value is the
/// "Choose…" prompt.
#[component]
pub fn SelectField(
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    options: Vec<(&'static str, Msg)>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    /// The first, empty option; none when every value is a real choice.
    #[prop(optional)]
    prompt: Option<Msg>,
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(v, m)| view! { <option value=v prop:selected=move || value.get() == v>{tr(m)}</option> })
        .collect_view();
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label for=id>{tr(label)}</label>
            <select
                id=id
                name=id
                required=required
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=move || described_by(id, false, error.with(Option::is_some))
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {prompt.map(|m| view! { <option value="" prop:selected=move || value.get().is_empty()>{tr(m)}</option> })}
                {options}
            </select>
            <FieldError id=id error=error/>
        </div>
    }
}

/// A labelled checkbox bound to a signal, with a hint under it that says what it does.
#[component]
pub fn CheckField(
    id: &'static str,
    /// The form's name for it.
    name: &'static str,
    label: Msg,
    hint: Msg,
    value: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label class="choice" for=id>
                <input type="checkbox" id=id name=name aria-describedby=format!("{id}-hint")
                    prop:checked=move || value.get()
                    on:change=move |ev| value.set(event_target_checked(&ev))/>
                {tr(label)}
            </label>
            <p id=format!("{id}-hint") class="field__hint">{tr(hint)}</p>
        </div>
    }
}

#[component]
fn FieldError(id: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p id=format!("{id}-error") class="field__error">{e}</p> })
    }
}
