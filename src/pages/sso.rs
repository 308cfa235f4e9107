//! `/settings/sso` (Settings → Single sign-on): the partner's own OpenID Connect provider,
//! where its people sign in with their work account instead of a password here. Its Global
//! admins set it up — the redirect URI to register at the provider (with a copy button), the
//! issuer, the client ID and secret (write-only: left empty, the stored one is kept), the
//! email domains it signs in, whether passwords are refused (Global admins keep theirs) and
//! whether people of those domains nobody invited get in at their first sign-in (no roles) —
//! checked with the domain's `IdentityProviderRequest::check` before sending, the server's
//! problems next to their fields; and remove it. Other partner users are told which role
//! does (the server refuses them).

use csp_domain::sso::{IdentityProvider, IdentityProviderRequest};
use csp_domain::{FieldErrors, Permission};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::copy_button::CopyField;
use crate::components::dialog::Dialog;
use crate::components::field::{
    field_problem, first_with_problem, CheckField, TextAreaField, TextField,
};
use crate::components::focus::focus_by_id;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::{NeedsPermission, Spinner};
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;

#[component]
pub fn SingleSignOnPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeader title=move || i18n.t(Msg::NavSingleSignOn) intro=move || i18n.t(Msg::SsoIntro)/>
        <NeedsPermission permission=Permission::ManageIdentityProvider>
            <ManageProvider/>
        </NeedsPermission>
    }
}

#[component]
fn ManageProvider() -> impl IntoView {
    // `None`: not set up yet (the server's 404), an empty form.
    let provider = use_loader(|| (), |()| api::identity_provider());
    view! {
        <Loaded loader=provider children={move |p: Option<IdentityProvider>| view! { <ProviderForm initial=p/> }}/>
    }
}

/// The fields of the form and their controls, in the form's order.
const FIELDS: [(&str, &str); 4] = [
    ("issuer", "sso-issuer"),
    ("client_id", "sso-client-id"),
    ("client_secret", "sso-client-secret"),
    ("domains", "sso-domains"),
];

/// The request the form stands for: the domains one per line (spaces and commas separate them
/// too), an empty secret left out (the stored one is kept).
fn request_of(
    issuer: &str,
    client_id: &str,
    secret: &str,
    domains: &str,
    require_sso: bool,
    allow_jit: bool,
) -> IdentityProviderRequest {
    let secret = secret.trim();
    IdentityProviderRequest {
        issuer: issuer.trim().to_string(),
        client_id: client_id.trim().to_string(),
        client_secret: (!secret.is_empty()).then(|| secret.to_string()),
        domains: domains
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect(),
        require_sso,
        allow_jit,
    }
}

/// The form's own problems: the domain's rules (the secret required the first time).
fn problems(request: &IdentityProviderRequest, set_up: bool) -> FieldErrors {
    request.check(set_up).err().unwrap_or_default()
}

/// What the page did last, said under the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Saved,
    Removed,
}

#[component]
fn ProviderForm(initial: Option<IdentityProvider>) -> impl IntoView {
    let i18n = use_i18n();
    // The provider as the server last answered.
    let current = RwSignal::new(initial.clone());
    let set_up = Memo::new(move |_| current.with(Option::is_some));
    let field = |f: fn(&IdentityProvider) -> String| {
        RwSignal::new(initial.as_ref().map(f).unwrap_or_default())
    };
    let issuer = field(|p| p.issuer.clone());
    let client_id = field(|p| p.client_id.clone());
    let domains = field(|p| p.domains.join("\n"));
    let secret = RwSignal::new(String::new());
    let require = RwSignal::new(initial.as_ref().is_some_and(|p| p.require_sso));
    let jit = RwSignal::new(initial.as_ref().is_some_and(|p| p.allow_jit));
    // Shows what the server has: after saving (its spelling: lower case, no trailing slash),
    // or empty after removing.
    let show = move |p: Option<&IdentityProvider>| {
        issuer.set(p.map(|p| p.issuer.clone()).unwrap_or_default());
        client_id.set(p.map(|p| p.client_id.clone()).unwrap_or_default());
        domains.set(p.map(|p| p.domains.join("\n")).unwrap_or_default());
        require.set(p.is_some_and(|p| p.require_sso));
        jit.set(p.is_some_and(|p| p.allow_jit));
        secret.set(String::new());
    };

    let request = Memo::new(move |_| {
        request_of(
            &issuer.get(),
            &client_id.get(),
            &secret.get(),
            &domains.get(),
            require.get(),
            jit.get(),
        )
    });
    let checked = Memo::new(move |_| request.with(|r| problems(r, set_up.get())));
    let tried = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);
    let done = RwSignal::new(None::<Done>);
    let removing = RwSignal::new(false);

    let save: Action<IdentityProviderRequest, ApiResult<IdentityProvider>> =
        Action::new_local(|request: &IdentityProviderRequest| {
            api::set_identity_provider(request.clone())
        });
    let pending = save.pending();
    Effect::new(move |_| {
        let result = save.value().get();
        untrack(|| match result {
            Some(Ok(provider)) => {
                show(Some(&provider));
                tried.set(false);
                current.set(Some(provider));
                done.set(Some(Done::Saved));
            }
            Some(Err(f)) => {
                if let Some(id) =
                    first_with_problem(&FIELDS, |field| f.field_codes.get(field).is_some())
                {
                    focus_by_id(id);
                }
                failure.set(Some(f));
            }
            None => {}
        })
    });
    let on_removed = Callback::new(move |()| {
        show(None);
        tried.set(false);
        failure.set(None);
        current.set(None);
        done.set(Some(Done::Removed));
        focus_by_id("sso-issuer");
    });

    let error = move |field: &'static str| field_problem(i18n, field, tried, checked, failure);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        tried.set(true);
        failure.set(None);
        done.set(None);
        if let Some(id) =
            checked.with_untracked(|c| first_with_problem(&FIELDS, |field| c.contains(field)))
        {
            focus_by_id(id);
            return;
        }
        save.dispatch_local(request.get_untracked());
    };

    // The server's, once set up; until then the same address built here.
    let redirect_uri = Signal::derive(move || {
        current.with(|p| {
            p.as_ref()
                .map(|p| p.redirect_uri.clone())
                .unwrap_or_else(api::sso_callback_url)
        })
    });
    let summary = move || {
        current.with(|p| match p {
            Some(p) => i18n.f(Msg::SsoOnFor, &[("domains", &p.domains.join(", "))]),
            None => i18n.t(Msg::SsoNotSetUp).to_string(),
        })
    };
    let secret_hint = Signal::derive(move || {
        i18n.t(if set_up.get() {
            Msg::SsoClientSecretKeep
        } else {
            Msg::SsoClientSecretFirst
        })
        .to_string()
    });

    view! {
        <div class="card panel sso">
            <p class="sso__summary">{summary}</p>
            <p class="note" id="sso-redirect-uri-hint">{tr(Msg::SsoRedirectUriHint)}</p>
            <CopyField id="sso-redirect-uri" label=Msg::SsoRedirectUri text=redirect_uri button=Msg::CopyRedirectUri/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="sso-issuer" name="issuer" label=Msg::SsoIssuer value=issuer input_type="url"
                    autocomplete="off" required=true error=error("issuer")
                    hint=Signal::derive(move || i18n.t(Msg::SsoIssuerHint).to_string())/>
                <TextField id="sso-client-id" name="client_id" label=Msg::SsoClientId value=client_id
                    autocomplete="off" required=true error=error("client_id")/>
                <TextField id="sso-client-secret" name="client_secret" label=Msg::SsoClientSecret value=secret
                    input_type="password" autocomplete="new-password" error=error("client_secret") hint=secret_hint/>
                <TextAreaField id="sso-domains" label=Msg::SsoDomains value=domains rows=3 required=true
                    error=error("domains") hint=Signal::derive(move || i18n.t(Msg::SsoDomainsHint).to_string())/>
                <CheckField id="sso-require" name="require_sso" label=Msg::SsoRequire hint=Msg::SsoRequireHint value=require/>
                <CheckField id="sso-jit" name="allow_jit" label=Msg::SsoAllowJit hint=Msg::SsoAllowJitHint value=jit/>
                {move || done.get().map(|d| view! {
                    <p class="message message--success" role="status">
                        {tr(if d == Done::Saved { Msg::SsoSaved } else { Msg::SsoRemoved })}
                    </p>
                })}
                {move || failure.get().filter(|f| first_with_problem(&FIELDS, |field| f.field_codes.get(field).is_some()).is_none()).map(|f| view! {
                    <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
                })}
                <div class="form__actions">
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()><Spinner/></Show>
                        {tr(Msg::SaveSso)}
                    </button>
                    <Show when=move || set_up.get()>
                        <button type="button" class="button button--danger" on:click=move |_| {
                            done.set(None);
                            removing.set(true);
                        }>
                            {tr(Msg::SsoRemove)}
                        </button>
                    </Show>
                </div>
            </form>
        </div>
        <RemoveDialog open=removing on_removed=on_removed/>
    }
}

/// "Remove single sign-on?": the organisation's people sign in with passwords again.
#[component]
fn RemoveDialog(open: RwSignal<bool>, on_removed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let remove: Action<(), ApiResult<()>> =
        Action::new_local(|_: &()| api::remove_identity_provider());
    let pending = remove.pending();
    let failure = RwSignal::new(None::<ApiFailure>);
    Effect::new(move |_| {
        let result = remove.value().get();
        untrack(|| match result {
            // Already gone (removed in another tab): gone all the same.
            Some(Ok(())) => {
                open.set(false);
                on_removed.run(());
            }
            Some(Err(f)) if f.is_not_found() => {
                open.set(false);
                on_removed.run(());
            }
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });
    // A new question each time it opens.
    Effect::new(move |_| {
        if open.get() {
            failure.set(None);
        }
    });
    view! {
        <Dialog open=open labelled_by="sso-remove-title" described_by="sso-remove-body">
            <h2 id="sso-remove-title">{tr(Msg::SsoRemove)}</h2>
            <p id="sso-remove-body">{tr(Msg::SsoRemoveConfirm)}</p>
            {move || failure.get().map(|f| view! {
                <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
            })}
            <div class="dialog__actions">
                <button type="button" class="button" autofocus on:click=move |_| open.set(false)>{tr(Msg::CloseDialog)}</button>
                <button type="button" class="button button--danger" disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string() on:click=move |_| { failure.set(None); remove.dispatch_local(()); }>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::SsoRemove)}
                </button>
            </div>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csp_domain::FieldCode;

    #[test]
    fn the_form_is_the_request_the_server_checks() {
        let request = request_of(
            " https://login.example.com/tenant/v2.0/ ",
            " csp-app ",
            "  ",
            "Litware.example\n\n fabrikam.example, contoso.example\n",
            true,
            true,
        );
        assert_eq!(
            request.client_secret, None,
            "an empty secret keeps the stored one"
        );
        assert_eq!(
            request.domains,
            ["Litware.example", "fabrikam.example", "contoso.example"]
        );
        assert!(problems(&request, true).is_empty());
        // The first time the secret is needed, as the server says.
        assert_eq!(
            problems(&request, false).code("client_secret"),
            Some(FieldCode::Required)
        );
        let with_secret = request_of(
            "https://idp.example",
            "csp",
            " s3cret ",
            "a.example",
            false,
            false,
        );
        assert_eq!(with_secret.client_secret.as_deref(), Some("s3cret"));
        assert!(problems(&with_secret, false).is_empty());
        // The domain's rules: https (or this machine), real domains.
        let bad = request_of("http://idp.example", "", "", "litware", false, false);
        let errors = problems(&bad, true);
        assert_eq!(errors.code("issuer"), Some(FieldCode::HttpsRequired));
        assert!(errors.contains("client_id"));
        assert_eq!(errors.code("domains"), Some(FieldCode::UnknownValue));
        assert_eq!(
            first_with_problem(&FIELDS, |f| errors.contains(f)),
            Some("sso-issuer"),
            "the first problem in the form's order"
        );
        assert!(problems(
            &request_of(
                "http://127.0.0.1:4444",
                "csp",
                "x",
                "a.example",
                false,
                false
            ),
            false
        )
        .is_empty());
    }
}
