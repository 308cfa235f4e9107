//! The pages whose code the browser fetches the first time one of them opens. Signing in and
//! the customer list (`crate::workspace`) need only the main module; a customer with the buying wizard (and adding a customer), support, the reports and settings (activity log, invoices, billing profile, webhooks, users, single sign-on, the user's profile),
//! the pages of mailed links (setting a password, asking for a reset link) and the
//! customer admin center each live in a chunk of their own (`scripts/build-app.mjs` splits them
//! off at these functions). Code that several chunks share goes into shared modules the tool
//! makes, fetched with the first chunk that needs them; so the fewer the chunks, the fewer files.
//!
//! Each split function hands back the function that draws its pages, so the page is built
//! inside the reactive owner of the place it is shown, not in the future that loaded it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

use crate::components::states::LoadingState;
use crate::i18n::{tr, Msg};
use crate::pages::activity_log::ActivityLogPage;
use crate::pages::admin_center::AdminCenterSoftwarePage;
use crate::pages::audit_log::AuditLogPage;
use crate::pages::billing::BillingProfilePage;
use crate::pages::buying::AddProductPage;
use crate::pages::customers::add::AddCustomerPage;
use crate::pages::customers::details::CustomerDetailsPage;
use crate::pages::invoices::InvoicesPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::orders::OrdersPage;
use crate::pages::password::{ForgotPasswordPage, LinkPurpose, SetPasswordPage};
use crate::pages::profile::ProfilePage;
use crate::pages::sso::SingleSignOnPage;
use crate::pages::support::{NewSupportRequestPage, SupportPage, SupportRequestPage};
use crate::pages::tenant::TenantPage;
use crate::pages::users::UsersPage;
use crate::pages::webhooks::WebhooksPage;
use crate::routes::{AddCustomerStep, CustomerSection, CustomerTab, Route, WizardStep};

/// Draws a page of a chunk: the route without its sub-state, and the whole route as it changes
/// (a customer's tab, a wizard step, an invoice month).
pub type DrawPage = fn(Route, Memo<Option<Route>>) -> AnyView;

/// A chunk on its way: how it draws its pages once it is here, or why it could not be fetched.
pub type Load = Pin<Box<dyn Future<Output = Result<DrawPage, SplitLoaderError>>>>;

/// The chunk a page lives in, loaded (once) when first asked for; `None` for the pages that
/// come with the main module (home, sign-in, the customer list).
pub fn load(page: &Route) -> Option<Load> {
    Some(match page {
        Route::Customer { .. } | Route::AddProduct { .. } | Route::AddCustomer { .. } => {
            Box::pin(customer())
        }
        Route::Support | Route::NewSupportRequest | Route::SupportRequest { .. } => {
            Box::pin(support())
        }
        Route::ActivityLog
        | Route::AuditLog
        | Route::Orders
        | Route::Invoices { .. }
        | Route::BillingProfile
        | Route::Webhooks
        | Route::Users
        | Route::SingleSignOn
        | Route::Profile => Box::pin(reports()),
        Route::AcceptInvitation | Route::ForgotPassword | Route::ResetPassword => {
            Box::pin(accounts())
        }
        Route::Tenant | Route::AdminCenterSoftware => Box::pin(tenant()),
        Route::Home | Route::SignIn | Route::Customers => return None,
    })
}

/// Shows `page` from its chunk: at once when the chunk is already here, otherwise the loading
/// state until it arrives, or — when it cannot be fetched (offline, or the app was updated
/// since this tab opened and the old chunk is gone) — a message with a way to reload.
pub fn show(mut load: Load, page: Route, route: Memo<Option<Route>>) -> AnyView {
    if let Poll::Ready(drawn) = load.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        return match drawn {
            Ok(draw) => draw(page, route),
            Err(_) => view! { <LoadFailed/> }.into_any(),
        };
    }
    let loaded = RwSignal::new(None::<Result<DrawPage, ()>>);
    spawn_local(async move {
        // The user may have moved on meanwhile; then nobody is waiting for it.
        loaded.try_set(Some(load.await.map_err(|_| ())));
    });
    (move || match loaded.get() {
        None => view! { <LoadingState/> }.into_any(),
        Some(Ok(draw)) => draw(page.clone(), route),
        Some(Err(())) => view! { <LoadFailed/> }.into_any(),
    })
    .into_any()
}

#[component]
fn LoadFailed() -> impl IntoView {
    view! {
        <div class="state state--error" role="alert">
            <p>{tr(Msg::ChunkLoadFailed)}</p>
            <button type="button" class="button" on:click=|_| {
                let _ = window().location().reload();
            }>{tr(Msg::Reload)}</button>
        </div>
    }
}

/// A customer's details with its tabs and the cancel dialog, the buying wizard that starts
/// from there, and the wizard that adds a customer (and leads to both): one chunk, since the
/// one is seldom opened without the others.
#[wasm_split(customer, wasm_split_path = ::leptos::wasm_split, fallible)]
fn customer() -> Result<DrawPage, SplitLoaderError> {
    Ok(draw_customer)
}

fn draw_customer(page: Route, route: Memo<Option<Route>>) -> AnyView {
    match page {
        Route::Customer { id, .. } => {
            let section = Signal::derive(move || match route.get() {
                Some(Route::Customer { section, .. }) => section,
                _ => CustomerSection::Tab(CustomerTab::Software),
            });
            view! { <CustomerDetailsPage id=id section=section/> }.into_any()
        }
        Route::AddProduct { customer, .. } => {
            let step = Signal::derive(move || match route.get() {
                Some(Route::AddProduct { step, .. }) => step,
                _ => WizardStep::Product,
            });
            view! { <AddProductPage customer=customer step=step/> }.into_any()
        }
        Route::AddCustomer { .. } => {
            let step = Signal::derive(move || match route.get() {
                Some(Route::AddCustomer { step }) => step,
                _ => AddCustomerStep::Company,
            });
            view! { <AddCustomerPage step=step/> }.into_any()
        }
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}

#[wasm_split(support, wasm_split_path = ::leptos::wasm_split, fallible)]
fn support() -> Result<DrawPage, SplitLoaderError> {
    Ok(draw_support)
}

fn draw_support(page: Route, _: Memo<Option<Route>>) -> AnyView {
    match page {
        Route::Support => view! { <SupportPage/> }.into_any(),
        Route::NewSupportRequest => view! { <NewSupportRequestPage/> }.into_any(),
        Route::SupportRequest { id } => view! { <SupportRequestPage id=id/> }.into_any(),
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}

#[wasm_split(reports, wasm_split_path = ::leptos::wasm_split, fallible)]
fn reports() -> Result<DrawPage, SplitLoaderError> {
    Ok(draw_reports)
}

fn draw_reports(page: Route, route: Memo<Option<Route>>) -> AnyView {
    match page {
        Route::ActivityLog => view! { <ActivityLogPage/> }.into_any(),
        Route::AuditLog => view! { <AuditLogPage/> }.into_any(),
        Route::Orders => view! { <OrdersPage/> }.into_any(),
        Route::BillingProfile => view! { <BillingProfilePage/> }.into_any(),
        Route::Webhooks => view! { <WebhooksPage/> }.into_any(),
        Route::Users => view! { <UsersPage/> }.into_any(),
        Route::SingleSignOn => view! { <SingleSignOnPage/> }.into_any(),
        Route::Profile => view! { <ProfilePage/> }.into_any(),
        Route::Invoices { .. } => {
            let month = Signal::derive(move || match route.get() {
                Some(Route::Invoices { month }) => month,
                _ => None,
            });
            view! { <InvoicesPage month=month/> }.into_any()
        }
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}

/// The pages of the mailed links, opened signed out: small, and seldom needed.
#[wasm_split(accounts, wasm_split_path = ::leptos::wasm_split, fallible)]
fn accounts() -> Result<DrawPage, SplitLoaderError> {
    Ok(draw_accounts)
}

fn draw_accounts(page: Route, _: Memo<Option<Route>>) -> AnyView {
    match page {
        Route::AcceptInvitation => {
            view! { <SetPasswordPage purpose=LinkPurpose::Invitation/> }.into_any()
        }
        Route::ResetPassword => view! { <SetPasswordPage purpose=LinkPurpose::Reset/> }.into_any(),
        Route::ForgotPassword => view! { <ForgotPasswordPage/> }.into_any(),
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}

#[wasm_split(tenant, wasm_split_path = ::leptos::wasm_split, fallible)]
fn tenant() -> Result<DrawPage, SplitLoaderError> {
    Ok(draw_tenant)
}

fn draw_tenant(page: Route, _: Memo<Option<Route>>) -> AnyView {
    match page {
        Route::Tenant => view! { <TenantPage/> }.into_any(),
        Route::AdminCenterSoftware => view! { <AdminCenterSoftwarePage/> }.into_any(),
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}
