//! Single sign-on with an organisation's OpenID Connect provider (SPEC §11 "Identity
//! providers"): the provider a Global admin configures, which addresses it signs in, and what
//! the provider's answer must say for the product to trust it.

use csp_messages::Msg;
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::error::{FieldCode, FieldErrors, FieldIssue, Text};
use crate::open_enum::open_enum;
use crate::text;

/// The most e-mail domains one provider signs in.
pub const MAX_DOMAINS: usize = 20;

/// `PUT /api/v1/identity-provider` (a partner's Global admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityProviderRequest {
    /// The provider's issuer URL, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`;
    /// its discovery document is at `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Write-only: never shown again. Absent on a change keeps the stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The e-mail domains whose users sign in at this provider, e.g. `["litware.example"]`.
    pub domains: Vec<String>,
    /// Passwords are refused for the organisation's users (Global admins keep theirs, to get
    /// in when the provider is down).
    #[serde(default)]
    pub require_sso: bool,
    /// Someone of the organisation's domains whom nobody invited gets in at their first
    /// sign-in through the provider (just in time), as a user with no roles until a Global
    /// admin gives them some.
    #[serde(default)]
    pub allow_jit: bool,
}

/// A configured provider as the API shows it (the secret never).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityProvider {
    pub issuer: String,
    pub client_id: String,
    pub domains: Vec<String>,
    pub require_sso: bool,
    pub allow_jit: bool,
    /// The redirect URI to register at the provider.
    pub redirect_uri: String,
}

/// A provider's settings that passed the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedProvider {
    /// Without a trailing `/`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Lower case, each once.
    pub domains: Vec<String>,
    pub require_sso: bool,
    pub allow_jit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderIssue {
    /// Not an https URL (http only on this machine's own addresses, for development).
    Issuer,
    /// No discovery document could be read at the issuer.
    Unreachable,
    /// Not a domain name, or more than [`MAX_DOMAINS`], or none.
    Domains,
    /// Another organisation's provider signs in one of the domains.
    DomainsTaken,
    /// The first time, the client secret is needed.
    SecretRequired,
}

impl FieldIssue for ProviderIssue {
    fn code(&self) -> FieldCode {
        match self {
            ProviderIssue::Issuer => FieldCode::HttpsRequired,
            ProviderIssue::Unreachable => FieldCode::InvalidUrl,
            ProviderIssue::Domains => FieldCode::UnknownValue,
            ProviderIssue::DomainsTaken => FieldCode::Taken,
            ProviderIssue::SecretRequired => FieldCode::Required,
        }
    }
    fn text(&self) -> Text {
        match self {
            ProviderIssue::Issuer => Text::new(Msg::SsoIssuerRules),
            ProviderIssue::Unreachable => Text::new(Msg::SsoIssuerUnreachable),
            ProviderIssue::Domains => Text::new(Msg::SsoDomainsRules).with("max", MAX_DOMAINS),
            ProviderIssue::DomainsTaken => Text::new(Msg::SsoDomainsTaken),
            ProviderIssue::SecretRequired => Text::new(Msg::SsoSecretRequired),
        }
    }
}

/// An issuer URL: https, or http on a loopback host (a provider on the same machine, for
/// development and tests); no query or fragment.
pub fn check_issuer(raw: &str) -> Result<String, ProviderIssue> {
    let raw = raw.trim();
    if raw.len() > 2000 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ProviderIssue::Issuer);
    }
    let lower = raw.to_ascii_lowercase();
    let (https, rest) = match (
        lower.strip_prefix("https://"),
        lower.strip_prefix("http://"),
    ) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => return Err(ProviderIssue::Issuer),
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "::1");
    if host.is_empty() || rest.contains(['?', '#', '@']) || !(https || loopback) {
        return Err(ProviderIssue::Issuer);
    }
    Ok(raw.trim_end_matches('/').to_string())
}

/// E-mail domains: DNS names of letters, digits, hyphens and dots, lower case, each once.
pub fn check_domains(raw: &[String]) -> Result<Vec<String>, ProviderIssue> {
    let mut out: Vec<String> = Vec::new();
    for d in raw {
        let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
        let labels_ok = !d.is_empty()
            && d.len() <= 253
            && d.contains('.')
            && d.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !labels_ok {
            return Err(ProviderIssue::Domains);
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    if out.is_empty() || out.len() > MAX_DOMAINS {
        return Err(ProviderIssue::Domains);
    }
    Ok(out)
}

impl IdentityProviderRequest {
    /// The settings checked; `set_up`: the organisation has a provider already, whose secret
    /// an omitted one keeps (the first time the secret is required).
    pub fn check(&self, set_up: bool) -> Result<CheckedProvider, FieldErrors> {
        self.checked(set_up, check_domains(&self.domains))
    }

    /// Customers' provider ("Sign in with Microsoft", set by the operator): it signs in no
    /// e-mail domains — its users are found by the tenant their ID token names — and refuses
    /// no passwords.
    pub fn check_for_customers(&self, set_up: bool) -> Result<CheckedProvider, FieldErrors> {
        let domains = if self.domains.is_empty() {
            Ok(Vec::new())
        } else {
            Err(ProviderIssue::Domains)
        };
        let mut checked = self.checked(set_up, domains)?;
        checked.require_sso = false;
        // Customers' users are the partner's to invite: nobody is let in just in time.
        checked.allow_jit = false;
        Ok(checked)
    }

    fn checked(
        &self,
        set_up: bool,
        domains: Result<Vec<String>, ProviderIssue>,
    ) -> Result<CheckedProvider, FieldErrors> {
        let mut errors = FieldErrors::new();
        let issuer = errors.take("issuer", check_issuer(&self.issuer));
        let client_id = errors.take("client_id", text::line(&self.client_id, 255));
        let client_secret = match self.client_secret.as_deref() {
            None if !set_up => {
                errors.add("client_secret", &ProviderIssue::SecretRequired);
                None
            }
            None => Some(None),
            Some(s) => errors.take("client_secret", text::line(s, 1024)).map(Some),
        };
        let domains = errors.take("domains", domains);
        match (issuer, client_id, client_secret, domains) {
            (Some(issuer), Some(client_id), Some(client_secret), Some(domains))
                if errors.is_empty() =>
            {
                Ok(CheckedProvider {
                    issuer,
                    client_id,
                    client_secret,
                    domains,
                    require_sso: self.require_sso,
                    allow_jit: self.allow_jit,
                })
            }
            _ => Err(errors),
        }
    }
}

/// `POST /api/v1/sessions/sso`: the address someone typed on the sign-in page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoStart {
    pub email: String,
    /// Where to go after signing in: a path of this app (`/customers/…`), else the user's home.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Where to send the browser: the provider's authorization endpoint, or `null` when the
/// address's domain has no provider (the page then asks for the password).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoRedirect {
    pub redirect_url: Option<String>,
}

/// `GET /api/v1/sessions/sso/customers`: whether customers' users can sign in with Microsoft
/// here (the operator set it up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerSignIn {
    pub available: bool,
}

/// `POST /api/v1/sessions/sso/customers`: a customer's user chose "Sign in with Microsoft".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerSsoStart {
    /// Where to go after signing in: a path of this app (the partner's deep link, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The domain part of an address, for finding its provider.
pub fn domain_of(email: &Email) -> &str {
    email.as_str().rsplit('@').next().unwrap_or_default()
}

/// Whether the provider's `amr` claim (RFC 8176) says the user passed more than one factor:
/// `mfa`, or a second factor such as a one-time code, a hardware key or a fingerprint.
pub fn amr_says_mfa(amr: &[String]) -> bool {
    amr.iter().any(|m| {
        matches!(
            m.as_str(),
            "mfa" | "otp" | "hwk" | "sc" | "fpt" | "face" | "swk"
        )
    }) && (amr.len() > 1 || amr.iter().any(|m| m == "mfa"))
}

open_enum! {
    /// Why a sign-in at the provider did not sign in (`/sign-in?sso_error=…`): the app says it
    /// in the user's language.
    pub enum SsoFailure {
        /// The user cancelled or refused at the provider.
        Denied = "denied",
        /// The sign-in took too long, or its link was used already.
        Expired = "expired",
        /// The provider's answer could not be checked (signature, issuer, audience, nonce,
        /// expiry) or the provider could not be reached.
        Invalid = "invalid",
        /// The account at the provider is not one of the organisation's users here (not
        /// invited, of another organisation's domain, or deactivated).
        NotInvited = "not_invited",
    }
}

impl SsoFailure {
    pub fn msg(self) -> Msg {
        match self {
            SsoFailure::Denied => Msg::SsoDenied,
            SsoFailure::Expired => Msg::SsoExpired,
            SsoFailure::Invalid | SsoFailure::Unknown(_) => Msg::SsoInvalid,
            SsoFailure::NotInvited => Msg::SsoNotInvited,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_https_or_this_machines_http() {
        assert_eq!(
            check_issuer("https://login.microsoftonline.com/common/v2.0/"),
            Ok("https://login.microsoftonline.com/common/v2.0".into())
        );
        assert_eq!(
            check_issuer("http://127.0.0.1:4444"),
            Ok("http://127.0.0.1:4444".into())
        );
        for bad in [
            "http://idp.example",
            "ftp://idp.example",
            "https://idp.example/?x=1",
            "https://user@idp.example",
            "idp.example",
        ] {
            assert_eq!(check_issuer(bad), Err(ProviderIssue::Issuer), "{bad}");
        }
    }

    #[test]
    fn domains_are_dns_names_each_once() {
        assert_eq!(
            check_domains(&[" Litware.Example ".into(), "@litware.example".into()]),
            Ok(vec!["litware.example".into()])
        );
        for bad in [
            vec![],
            vec!["litware".into()],
            vec!["-x.example".into()],
            vec!["a b.example".into()],
        ] {
            assert_eq!(check_domains(&bad), Err(ProviderIssue::Domains), "{bad:?}");
        }
        let many: Vec<String> = (0..21).map(|n| format!("d{n}.example")).collect();
        assert_eq!(check_domains(&many), Err(ProviderIssue::Domains));
    }

    #[test]
    fn the_secret_is_needed_the_first_time_only() {
        let request = IdentityProviderRequest {
            issuer: "https://idp.example".into(),
            client_id: "csp".into(),
            client_secret: None,
            domains: vec!["litware.example".into()],
            require_sso: false,
            allow_jit: false,
        };
        let first = request.check(false).unwrap_err();
        assert_eq!(first.code("client_secret"), Some(FieldCode::Required));
        assert_eq!(request.check(true).unwrap().client_secret, None, "kept");
    }

    #[test]
    fn customers_provider_signs_in_no_domains() {
        let mut request = IdentityProviderRequest {
            issuer: "https://login.microsoftonline.com/organizations/v2.0".into(),
            client_id: "csp".into(),
            client_secret: Some("s".into()),
            domains: vec![],
            require_sso: true,
            allow_jit: true,
        };
        let checked = request.check_for_customers(false).unwrap();
        assert!(checked.domains.is_empty());
        assert!(!checked.require_sso, "customers keep their passwords");
        assert!(
            !checked.allow_jit,
            "customers' users are invited by their partner"
        );
        assert!(
            request.check(false).is_err(),
            "an organisation's needs domains"
        );
        request.domains = vec!["contoso.example".into()];
        let refused = request.check_for_customers(false).unwrap_err();
        assert_eq!(refused.code("domains"), Some(FieldCode::UnknownValue));
    }

    #[test]
    fn only_a_second_factor_counts_as_mfa() {
        let amr = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(amr_says_mfa(&amr(&["mfa"])));
        assert!(amr_says_mfa(&amr(&["pwd", "otp"])));
        assert!(amr_says_mfa(&amr(&["pwd", "mfa"])));
        assert!(!amr_says_mfa(&amr(&["pwd"])));
        assert!(!amr_says_mfa(&amr(&["otp"])), "one factor, even a code");
        assert!(!amr_says_mfa(&[]));
    }
}
