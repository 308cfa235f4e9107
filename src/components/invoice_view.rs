//! A month's invoice: its number and dates, its lines (charges and credits, credits negative,
//! each amount saying whether it includes tax) and the totals per currency and tax basis, with
//! its reconciliation file. Used by the partner's Invoices page and a customer's Invoices &
//! credits tab.

use crate::router::A;
use csp_domain::{CustomerId, Invoice, InvoiceLineKind, InvoiceMonth};
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
pub fn InvoiceView(
    invoice: Invoice,
    #[prop(optional)] show_customer: bool,
    /// Only this customer's share, as the reconciliation file then is too.
    #[prop(optional)]
    customer: Option<CustomerId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let csv = crate::api::invoice_csv_url(&invoice.month, customer.as_ref());
    let header = view! {
        <dl class="details details--inline invoice__facts">
            <div><dt>{tr(Msg::InvoiceNumber)}</dt><dd class="mono">{invoice.number.clone()}</dd></div>
            <div><dt>{tr(Msg::InvoiceIssued)}</dt><dd>{format::iso(invoice.issued_on)}</dd></div>
            <div><dt>{tr(Msg::InvoiceDue)}</dt><dd>{format::iso(invoice.due_on)}</dd></div>
        </dl>
        <p class="no-print"><a href=csv download="" rel="external">{tr(Msg::DownloadReconciliation)}</a></p>
    };
    if invoice.lines.is_empty() {
        return view! { {header}<EmptyState title=move || i18n.t(Msg::NoInvoiceLines)/> }
            .into_any();
    }
    let rows = invoice
        .lines
        .into_iter()
        .map(|line| {
            let kind = line.kind.clone();
            let is_credit = kind == InvoiceLineKind::Credit;
            let (amount, currency, tax) = (line.amount.clone(), line.currency, line.tax_inclusive);
            let amount = move || i18n.price(&amount, currency, tax);
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
            let (currency, tax) = (t.currency, t.tax_inclusive);
            let price = move |a: &csp_domain::Amount| i18n.price(a, currency, tax);
            let (charges, credits, net) = (t.charges.clone(), t.credits.clone(), t.net.clone());
            view! {
                <tr>
                    <th scope="row">{move || format!("{currency} ({})", i18n.tax_label(tax))}</th>
                    <td class="numeric nowrap">{move || price(&charges)}</td>
                    <td class="numeric nowrap">{move || price(&credits)}</td>
                    <td class="numeric nowrap"><strong>{move || price(&net)}</strong></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {header}
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
