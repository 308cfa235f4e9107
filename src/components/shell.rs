//! The frame of every signed-in page: a skip link, the banner with who is signed in and a link
//! to their profile, the navigation that user's kind works with, and the main landmark for the
//! page.

use crate::router::A;
use csp_domain::{Permission, User, UserKind};
use leptos::prelude::*;

use crate::components::gear_menu::GearMenu;
use crate::components::language_switch::LanguageSwitch;
use crate::i18n::{tr, use_i18n, Msg};
use crate::routes::Route;

#[component]
pub fn AppShell(
    /// The signed-in user; the shell is only rendered while there is one.
    #[prop(into)]
    user: Signal<Option<User>>,
    on_sign_out: Callback<()>,
    #[prop(into)] signing_out: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let kind = Memo::new(move |_| user.with(|u| u.as_ref().map(|u| u.kind)));
    let home = move || {
        kind.get()
            .map(Route::home_for)
            .unwrap_or(Route::Home)
            .to_path()
    };

    view! {
        // rel=external: a same-page jump the browser does itself, not a route change.
        <a class="skip-link" href="#main" rel="external">{tr(Msg::SkipToContent)}</a>
        <header class="banner">
            <A href=home attr:class="banner__brand">
                <span class="banner__logo" aria-hidden="true"></span>
                <span>{tr(Msg::AppName)}</span>
            </A>
            <div class="banner__tools">
                <LanguageSwitch/>
                <UserCard user=user/>
                // Every kind of user has a profile (the language of mails), so it is here rather
                // than under Settings, which only partner users have.
                <A href=Route::Profile.to_path() attr:class="banner__link">{tr(Msg::NavProfile)}</A>
                <button
                    type="button"
                    class="button button--inverse"
                    disabled=move || signing_out.get()
                    on:click=move |_| on_sign_out.run(())
                >
                    {tr(Msg::SignOut)}
                </button>
            </div>
        </header>
        {move || match kind.get() {
            Some(UserKind::Partner) => view! { <PartnerNav user=user/> }.into_any(),
            Some(UserKind::Support) => view! { <SupportNav user=user/> }.into_any(),
            _ => ().into_any(),
        }}
        <main id="main" class="main" tabindex="-1">{children()}</main>
    }
}

/// Name, organisation and roles of the signed-in user.
#[component]
fn UserCard(user: Signal<Option<User>>) -> impl IntoView {
    let i18n = use_i18n();
    let detail = move || {
        user.with(|u| {
            let Some(u) = u else { return String::new() };
            let what = match u.kind {
                UserKind::Partner => i18n.roles(&u.roles),
                UserKind::Support if !u.roles.is_empty() => i18n.roles(&u.roles),
                UserKind::Support => i18n.t(Msg::SupportAgent).to_string(),
                UserKind::Customer => i18n.t(Msg::CustomerAdmin).to_string(),
            };
            format!("{} · {}", u.organization, what)
        })
    };
    view! {
        <div class="user-card">
            <span class="visually-hidden">{tr(Msg::SignedInAs)}</span>
            <span class="user-card__name">{move || user.with(|u| u.as_ref().map(|u| u.display_name.clone()))}</span>
            <span class="user-card__detail">{detail}</span>
        </div>
    }
}

#[component]
fn PartnerNav(user: Signal<Option<User>>) -> impl IntoView {
    view! {
        <nav class="topnav" aria-label=tr(Msg::MainNavigation)>
            <ul class="topnav__links">
                <li><A href=Route::Customers.to_path()>{tr(Msg::NavCustomers)}</A></li>
                <li><A href=Route::Orders.to_path()>{tr(Msg::NavOrders)}</A></li>
                <li><A href=Route::Invoices { month: None }.to_path()>{tr(Msg::NavInvoices)}</A></li>
                <li><A href=Route::Support.to_path()>{tr(Msg::NavSupport)}</A></li>
            </ul>
            <GearMenu label=Msg::HelpMenu help=true>
                <ul class="gear__list">
                    <li><A href=Route::NewSupportRequest.to_path()>{tr(Msg::ReportProblem)}</A></li>
                    <li><A href=Route::Support.to_path()>{tr(Msg::MySupportRequests)}</A></li>
                </ul>
            </GearMenu>
            <GearMenu label=Msg::Settings>
                <ul class="gear__list">
                    <SettingsLink user=user route=Route::ActivityLog label=Msg::ActivityLog
                        permission=Permission::ViewActivityLog hint_id="activity-log-hint"/>
                    <SettingsLink user=user route=Route::AuditLog label=Msg::AuditLog
                        permission=Permission::ViewActivityLog hint_id="audit-log-hint"/>
                    <li><A href=Route::BillingProfile.to_path()>{tr(Msg::BillingProfile)}</A></li>
                    <SettingsLink user=user route=Route::Webhooks label=Msg::NavWebhooks
                        permission=Permission::ManageWebhooks hint_id="webhooks-hint"/>
                    <SettingsLink user=user route=Route::Users label=Msg::NavUsers
                        permission=Permission::ManageUsers hint_id="users-hint"/>
                    <SettingsLink user=user route=Route::SingleSignOn label=Msg::NavSingleSignOn
                        permission=Permission::ManageIdentityProvider hint_id="sso-hint"/>
                </ul>
            </GearMenu>
        </nav>
    }
}

/// A settings page listed for every partner user: those whose roles may not use it are told
/// which roles can (the page itself shows the server's refusal).
#[component]
fn SettingsLink(
    user: Signal<Option<User>>,
    route: Route,
    label: Msg,
    permission: Permission,
    hint_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint = move || {
        let allowed = user.with(|u| u.as_ref().is_some_and(|u| u.can(permission)));
        (!allowed).then(|| i18n.requires(permission))
    };
    view! {
        <li>
            <A href=route.to_path() attr:aria-describedby=move || hint().map(|_| hint_id)>
                {tr(label)}
            </A>
            {move || hint().map(|hint| view! { <span id=hint_id class="gear__hint">{hint}</span> })}
        </li>
    }
}

#[component]
fn SupportNav(user: Signal<Option<User>>) -> impl IntoView {
    // Support leads manage the support agents.
    let lead = move || {
        user.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.can(Permission::ManageSupportAgents))
        })
    };
    view! {
        <nav class="topnav" aria-label=tr(Msg::MainNavigation)>
            <ul class="topnav__links">
                <li><A href=Route::Support.to_path()>{tr(Msg::NavSupportRequests)}</A></li>
                <Show when=lead>
                    <li><A href=Route::Users.to_path()>{tr(Msg::NavUsers)}</A></li>
                    <li><A href=Route::AuditLog.to_path()>{tr(Msg::AuditLog)}</A></li>
                </Show>
            </ul>
        </nav>
    }
}
