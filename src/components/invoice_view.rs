//! A month's invoice: its lines (charges and credits, credits negative) and the totals per
//! currency. Used by the partner's Invoices page and a customer's Invoices & credits tab.

use crate::router::A;
use csp_domain::{Invoice, InvoiceLineKind, InvoiceMonth};
use leptos::prelude::*;

use crate::components::data_table::DataTable;
use crate::components::states::EmptyState;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};

/// Previous / next month links around the month shown.
#[component]
pub fn MonthNav(month: InvoiceMonth, href: Callback<InvoiceMonth, String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="month-nav" aria-label=tr(Msg::InvoicesHeading)>
            <A href=href.run(month.previous()) attr:class="button button--subtle">
                <span aria-hidden="true">"‹ "</span>{tr(Msg::PreviousMonth)}
            </A>
            <h2 class="month-nav__month">{move || i18n.f(Msg::InvoiceFor, &[("month", &month)])}</h2>
            <A href=href.run(month.next()) attr:class="button button--subtle">
                {tr(Msg::NextMonth)}<span aria-hidden="true">" ›"</span>
            </A>
        </nav>
    }
}

#[component]
pub fn InvoiceView(invoice: Invoice, #[prop(optional)] show_customer: bool) -> impl IntoView {
    let i18n = use_i18n();
    if invoice.lines.is_empty() {
        return view! { <EmptyState title=move || i18n.t(Msg::NoInvoiceLines)/> }.into_any();
    }
    let rows = invoice
        .lines
        .into_iter()
        .map(|line| {
            let kind = line.kind.clone();
            let is_credit = kind == InvoiceLineKind::Credit;
            let amount = format::money(&line.amount, line.currency);
            view! {
                <tr class:invoice__credit=is_credit>
                    <td class="nowrap">{format::local_date(line.date)}</td>
                    <td>{move || match &kind {
                        InvoiceLineKind::Charge => i18n.t(Msg::InvoiceCharge).to_string(),
                        InvoiceLineKind::Credit => i18n.t(Msg::InvoiceCredit).to_string(),
                        InvoiceLineKind::Unknown(raw) => raw.clone(),
                    }}</td>
                    {show_customer.then(|| view! { <td>{line.customer_name.clone()}</td> })}
                    <td>{line.description}</td>
                    <td class="mono">{line.order_id.to_string()}</td>
                    <td class="nowrap numeric">{amount}</td>
                </tr>
            }
        })
        .collect_view();
    let columns: &'static [Msg] = if show_customer {
        &[
            Msg::ColDate,
            Msg::ColKind,
            Msg::ColCustomer,
            Msg::ColDescription,
            Msg::ColOrderId,
            Msg::ColAmount,
        ]
    } else {
        &[
            Msg::ColDate,
            Msg::ColKind,
            Msg::ColDescription,
            Msg::ColOrderId,
            Msg::ColAmount,
        ]
    };
    let totals = invoice
        .totals
        .into_iter()
        .map(|t| {
            view! {
                <tr>
                    <th scope="row">{t.currency.to_string()}</th>
                    <td class="numeric">{format::money(&t.charges, t.currency)}</td>
                    <td class="numeric">{format::money(&t.credits, t.currency)}</td>
                    <td class="numeric"><strong>{format::money(&t.net, t.currency)}</strong></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-region"><div class="table-region__scroll" tabindex="0">
            <DataTable columns=columns>{rows}</DataTable>
        </div></div>
        <h3>{tr(Msg::InvoiceTotals)}</h3>
        <div class="table-region"><div class="table-region__scroll" tabindex="0">
            <DataTable columns=&[Msg::ColCurrency, Msg::Charges, Msg::Credits, Msg::Net]>{totals}</DataTable>
        </div></div>
    }
    .into_any()
}
