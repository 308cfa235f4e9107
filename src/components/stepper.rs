//! The steps of a multi-step flow, with the current one marked (`aria-current="step"`).

use leptos::prelude::*;

use crate::i18n::{tr, use_i18n, Msg};

#[component]
pub fn Stepper(
    /// The labels of the steps, in order.
    steps: Vec<Msg>,
    /// The index of the current step.
    #[prop(into)]
    current: Signal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = steps.len();
    view! {
        <nav class="stepper" aria-label=tr(Msg::Progress)>
            <ol>
                {steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, step)| {
                        let state = move || match current.get() {
                            c if i < c => "done",
                            c if i == c => "current",
                            _ => "todo",
                        };
                        view! {
                            <li
                                class=move || format!("stepper__step stepper__step--{}", state())
                                aria-current=move || (state() == "current").then_some("step")
                            >
                                <span class="stepper__number" aria-hidden="true">{i + 1}</span>
                                <span class="stepper__label">{tr(step)}</span>
                                <span class="visually-hidden">
                                    {move || i18n.f(Msg::StepOf, &[("n", &(i + 1)), ("total", &count)])}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}
