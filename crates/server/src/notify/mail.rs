//! E-mail: each event's mail in the recipient's language, as plain text and HTML, with links
//! built from the public URL; sent over SMTP from `MAIL_FROM`. `SMTP_URL` ([`transport_url`]):
//! `smtp://` to another machine uses STARTTLS when the server offers it (`?tls=required` to
//! insist), to this machine plain SMTP (`?tls=none` asks for it elsewhere too); `smtps://` is
//! TLS from the start; `user:password@` authenticates, never in clear text to another machine.

use std::fmt::Display;
use std::time::Duration;

use csp_domain::notification::{EventData, SupportChange};
use csp_domain::support::{ProblemType, SupportStatus};
use csp_domain::{Amount, Currency};
use csp_messages::{fill, Msg};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A mail ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One paragraph of a mail: its text, and the link it ends with, if any.
struct Paragraph {
    text: String,
    link: Option<String>,
}

/// Writes the mail of `data` in `language` (`en` or `zh-CN`), its links under `public_url`.
/// `None` for events that are not mailed.
pub fn render(data: &EventData, language: &str, public_url: &str) -> Option<Rendered> {
    let zh = language.eq_ignore_ascii_case("zh-CN");
    let t = |key: Msg| -> &'static str {
        if zh {
            key.chinese()
        } else {
            key.english()
        }
    };
    let f = |key: Msg, args: &[(&str, &dyn Display)]| fill(t(key), args);
    let link = |path: String| format!("{public_url}{path}");
    let money = |amount: &Amount, currency: Currency| match amount.to_money(currency) {
        Ok(m) => m.to_string(),
        Err(_) => format!("{currency} {amount}"),
    };
    let para = |text: String| Paragraph { text, link: None };
    let linked = |key: Msg, url: String| Paragraph {
        text: f(key, &[arg("link", &"")]).trim_end().to_string(),
        link: Some(url),
    };
    let status_words = |raw: &str| {
        let status = SupportStatus::parse(raw);
        status
            .msg()
            .map(|m| t(m).to_string())
            .unwrap_or_else(|| raw.replace('_', " "))
    };
    let mut optional = false;
    let (subject, mut body) = match data {
        EventData::OrderCreated(o) => {
            optional = true;
            let total = money(&o.total, o.currency);
            let mut body = vec![para(f(
                Msg::MailOrderBody,
                &[arg("customer", &o.customer_name), arg("order", &o.order_id)],
            ))];
            let lines: Vec<String> = o
                .line_items
                .iter()
                .map(|l| {
                    f(
                        Msg::MailOrderLine,
                        &[
                            arg("quantity", &l.quantity),
                            arg("product", &l.product_name),
                            arg("sku", &l.sku_name),
                            arg("amount", &money(&l.amount, o.currency)),
                        ],
                    )
                })
                .collect();
            body.push(para(lines.join("\n")));
            let tax = t(if o.tax_inclusive {
                Msg::MailTaxIncluded
            } else {
                Msg::MailTaxExcluded
            });
            body.push(para(f(
                Msg::MailOrderTotal,
                &[arg("total", &total), arg("tax", &tax)],
            )));
            body.push(linked(
                Msg::MailSeeOrder,
                link(format!(
                    "/customers/{}/orders/{}",
                    o.customer_id, o.order_id
                )),
            ));
            (
                f(
                    Msg::MailOrderSubject,
                    &[arg("customer", &o.customer_name), arg("total", &total)],
                ),
                body,
            )
        }
        EventData::CancellationCompleted(c) => (
            f(
                Msg::MailCancelledSubject,
                &[arg("product", &c.product_name)],
            ),
            vec![
                para(f(
                    if c.support_request_id.is_some() {
                        Msg::MailCancelledBodyRefund
                    } else {
                        Msg::MailCancelledBody
                    },
                    &[
                        arg("product", &c.product_name),
                        arg("customer", &c.customer_name),
                        arg("order", &c.order_id),
                    ],
                )),
                para(t(Msg::MailCancelledRevoked).to_string()),
                linked(Msg::MailCancelledSee, link("/tenant".into())),
            ],
        ),
        EventData::SupportRequestCreated(r) => {
            let problem = ProblemType::parse(&r.problem_type);
            let kind = problem
                .msg()
                .map(|m| t(m).to_string())
                .unwrap_or_else(|| r.problem_type.clone());
            (
                f(
                    Msg::MailNewRequestSubject,
                    &[arg("number", &r.number), arg("title", &r.title)],
                ),
                vec![
                    para(f(
                        Msg::MailNewRequestBody,
                        &[
                            arg("by", &r.created_by),
                            arg("number", &r.number),
                            arg("type", &kind),
                        ],
                    )),
                    linked(
                        Msg::MailOpenRequest,
                        link(format!("/support/{}", r.support_request_id)),
                    ),
                ],
            )
        }
        EventData::SupportRequestUpdated(u) => {
            optional = u.by_support;
            let number: &dyn Display = &u.number;
            let title: &dyn Display = &u.title;
            let (subject, first) = match (&u.change, u.by_support) {
                (SupportChange::StatusChanged, _) => {
                    let status = status_words(&u.status);
                    (
                        f(
                            Msg::MailStatusSubject,
                            &[arg("number", number), arg("status", &status)],
                        ),
                        f(
                            Msg::MailStatusBody,
                            &[
                                arg("number", number),
                                arg("title", title),
                                arg("status", &status),
                            ],
                        ),
                    )
                }
                (SupportChange::Comment, true) => (
                    f(Msg::MailCommentSubject, &[arg("number", number)]),
                    f(
                        Msg::MailCommentBodySupport,
                        &[arg("number", number), arg("title", title)],
                    ),
                ),
                (SupportChange::Comment, false) => (
                    f(Msg::MailCommentSubject, &[arg("number", number)]),
                    f(
                        Msg::MailCommentBodyPartner,
                        &[
                            arg("by", &u.changed_by),
                            arg("number", number),
                            arg("title", title),
                        ],
                    ),
                ),
                _ => (
                    f(Msg::MailFilesSubject, &[arg("number", number)]),
                    f(
                        Msg::MailFilesBody,
                        &[arg("number", number), arg("title", title)],
                    ),
                ),
            };
            let mut body = vec![para(first)];
            if let Some(note) = u.note.as_deref().filter(|n| !n.trim().is_empty()) {
                body.push(para(if u.change == SupportChange::StatusChanged {
                    f(Msg::MailNote, &[arg("note", &note)])
                } else {
                    note.to_string()
                }));
            }
            body.push(linked(
                Msg::MailOpenRequest,
                link(format!("/support/{}", u.support_request_id)),
            ));
            (subject, body)
        }
        EventData::DeadlineReminder(r) => {
            let date = r.at.format("%Y-%m-%d %H:%M").to_string();
            let price = r
                .renewal_price
                .as_ref()
                .map(|p| money(p, r.currency))
                .unwrap_or_default();
            let args: [(&str, &dyn Display); 7] = [
                arg("product", &r.product_name),
                arg("customer", &r.customer_name),
                arg("order", &r.order_id),
                arg("date", &date),
                arg("days", &r.days_before),
                arg("price", &price),
                arg("link", &""),
            ];
            let (subject, body) = match r.renews {
                None => (Msg::MailReminderWindowSubject, Msg::MailReminderWindowBody),
                Some(true) => (Msg::MailReminderRenewSubject, Msg::MailReminderRenewBody),
                Some(false) => (Msg::MailReminderExpireSubject, Msg::MailReminderExpireBody),
            };
            (
                f(subject, &args),
                vec![
                    para(f(body, &args)),
                    linked(
                        Msg::MailReminderSee,
                        link(format!("/customers/{}", r.customer_id)),
                    ),
                ],
            )
        }
        EventData::WebhookDisabled(w) => (
            f(Msg::MailWebhookDisabledSubject, &[arg("url", &w.url)]),
            vec![
                para(f(
                    Msg::MailWebhookDisabledBody,
                    &[arg("url", &w.url), arg("error", &w.last_error)],
                )),
                linked(
                    Msg::MailWebhookDisabledFix,
                    link("/settings/webhooks".into()),
                ),
            ],
        ),
        EventData::AccountInvitation(a) => (
            f(
                Msg::MailInvitationSubject,
                &[arg("organization", &a.organization)],
            ),
            vec![Paragraph {
                text: f(
                    Msg::MailInvitationBody,
                    &[
                        arg("by", &a.invited_by),
                        arg("organization", &a.organization),
                    ],
                ),
                link: Some(a.link.clone()),
            }],
        ),
        EventData::PasswordReset(r) => (
            t(Msg::MailResetSubject).to_string(),
            vec![
                Paragraph {
                    text: f(Msg::MailResetBody, &[arg("email", &r.email)]),
                    link: Some(r.link.clone()),
                },
                para(t(Msg::MailResetIgnore).to_string()),
            ],
        ),
        EventData::CancellationRequested(_)
        | EventData::CreditCreated(_)
        | EventData::WebhookTest(_) => return None,
    };
    body.push(if optional {
        linked(Msg::MailWhyOptional, link("/profile".into()))
    } else {
        para(t(Msg::MailWhyService).to_string())
    });
    let signature = t(Msg::MailSignature);

    let text = body
        .iter()
        .map(|p| match &p.link {
            Some(url) => format!("{} {url}", p.text),
            None => p.text.clone(),
        })
        .chain(std::iter::once(format!("— {signature}")))
        .collect::<Vec<_>>()
        .join("\n\n");
    let html_paragraphs: String = body
        .iter()
        .map(|p| {
            let text = escape(&p.text).replace('\n', "<br>");
            match &p.link {
                Some(url) => format!(
                    "<p>{text} <a href=\"{href}\">{shown}</a></p>",
                    href = escape(url),
                    shown = escape(url)
                ),
                None => format!("<p>{text}</p>"),
            }
        })
        .collect();
    let lang = if zh { "zh-CN" } else { "en" };
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b;max-width:40em\">\
         {html_paragraphs}<p style=\"color:#555\">— {signature}</p></body></html>",
        title = escape(&subject),
        signature = escape(signature),
    );
    Some(Rendered {
        subject,
        text,
        html,
    })
}

/// One `{name}` of a message and its value.
fn arg<'a>(name: &'a str, value: &'a dyn Display) -> (&'a str, &'a dyn Display) {
    (name, value)
}

/// Text made safe to place in HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `SMTP_URL` as the SMTP client reads it: `smtp://` to another machine asks for STARTTLS
/// when offered (`tls=opportunistic`; the client alone would send in the clear), to this
/// machine (a local relay, the demo's catcher) it stays plain; `tls=none` asks for plain SMTP
/// anywhere. A password is refused over plain SMTP to another machine.
pub fn transport_url(raw: &str) -> Result<String, String> {
    let masked = crate::store::mask_password(raw);
    let mut url =
        url::Url::parse(raw).map_err(|e| format!("SMTP_URL {masked} is not a URL: {e}"))?;
    let loopback = match url.host() {
        // smtp:// is not a scheme the URL standard knows: its host comes as text.
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(format!("SMTP_URL {masked} names no host")),
    };
    let tls: Option<String> = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "tls")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let tls = match (url.scheme(), tls.as_deref()) {
        ("smtps", _) => tls,
        ("smtp", Some("required" | "opportunistic")) => tls,
        ("smtp", Some("none")) => None,
        ("smtp", None) if loopback => None,
        ("smtp", None) => Some("opportunistic".to_string()),
        (scheme, other) => {
            return Err(format!(
                "SMTP_URL {masked}: use smtp:// or smtps:// with tls=required, opportunistic or none (not {scheme}:// with {other:?})"
            ))
        }
    };
    let plain = url.scheme() == "smtp" && tls.is_none();
    if plain && !loopback && url.password().is_some() {
        return Err(format!(
            "SMTP_URL {masked} would send its password in clear text to another machine: use \
             smtps://, or smtp:// without tls=none"
        ));
    }
    url.set_query(None);
    if !others.is_empty() || tls.is_some() {
        let mut query = url.query_pairs_mut();
        for (k, v) in &others {
            query.append_pair(k, v);
        }
        if let Some(tls) = &tls {
            query.append_pair("tls", tls);
        }
    }
    Ok(url.to_string())
}

/// Sends mail over the configured SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why a mail was not sent, and whether trying again can help.
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    /// The server refused it for good (a 5xx reply, a bad address): no retries.
    pub permanent: bool,
}

impl Mailer {
    /// A mailer for `smtp_url` (see the module's documentation) sending as `from`.
    pub fn new(smtp_url: &str, from: &str, timeout: Duration) -> Result<Mailer, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("MAIL_FROM {from:?} is not an address: {e}"))?;
        let smtp_url = transport_url(smtp_url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp_url)
            .map_err(|e| {
                format!(
                    "SMTP_URL {} is not usable: {e}",
                    crate::store::mask_password(&smtp_url)
                )
            })?
            .timeout(Some(timeout))
            .build();
        Ok(Mailer { transport, from })
    }

    pub async fn send(&self, to: &str, mail: &Rendered) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|e| SendError {
            message: format!("not an address: {e}"),
            permanent: true,
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| SendError {
                message: e.to_string(),
                permanent: true,
            })?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csp_domain::notification::{CancellationCompleted, SupportRequestUpdated};

    fn cancelled() -> EventData {
        EventData::CancellationCompleted(CancellationCompleted {
            cancellation_id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            order_id: "1f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            customer_id: "2f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            customer_name: "Contoso <Ltd>".into(),
            product_name: "Windows Server 2025 Standard".into(),
            credit: Amount::try_from("10.00".to_string()).unwrap(),
            currency: Currency::parse("USD").unwrap(),
            support_request_id: None,
        })
    }

    #[test]
    fn a_cancellation_tells_the_customer_its_keys_stopped_working_in_its_language() {
        let en = render(&cancelled(), "en", "https://csp.example.com").unwrap();
        assert_eq!(
            en.subject,
            "Your purchase of Windows Server 2025 Standard was cancelled"
        );
        assert!(en.text.contains("no longer work"), "{}", en.text);
        assert!(
            en.text.contains("https://csp.example.com/tenant"),
            "{}",
            en.text
        );
        assert!(
            en.html.contains("Contoso &lt;Ltd&gt;"),
            "HTML is escaped: {}",
            en.html
        );
        let zh = render(&cancelled(), "zh-CN", "https://csp.example.com").unwrap();
        assert_eq!(zh.subject, "你购买的 Windows Server 2025 Standard 已取消");
        assert!(zh.html.contains("lang=\"zh-CN\""));
        assert!(zh.text.contains("不再有效"), "{}", zh.text);
    }

    #[test]
    fn smtp_to_another_machine_is_encrypted_and_passwords_never_travel_in_clear() {
        assert_eq!(
            transport_url("smtp://mail.example.com:587").unwrap(),
            "smtp://mail.example.com:587?tls=opportunistic"
        );
        assert_eq!(
            transport_url("smtp://u:p@mail.example.com?tls=required").unwrap(),
            "smtp://u:p@mail.example.com?tls=required"
        );
        assert_eq!(
            transport_url("smtp://127.0.0.1:1025").unwrap(),
            "smtp://127.0.0.1:1025"
        );
        assert_eq!(
            transport_url("smtp://u:p@localhost:1025").unwrap(),
            "smtp://u:p@localhost:1025"
        );
        assert_eq!(
            transport_url("smtps://u:p@mail.example.com").unwrap(),
            "smtps://u:p@mail.example.com"
        );
        let refused = transport_url("smtp://u:s3cret@mail.example.com?tls=none").unwrap_err();
        assert!(
            refused.contains("clear text") && !refused.contains("s3cret"),
            "{refused}"
        );
        assert!(transport_url("http://mail.example.com").is_err());
        assert!(transport_url("smtp://mail.example.com?tls=maybe").is_err());
    }

    #[test]
    fn an_invitation_carries_its_link_and_a_reset_says_what_to_do_if_it_was_not_you() {
        use csp_domain::notification::{AccountInvitation, PasswordReset};
        let invitation = EventData::AccountInvitation(AccountInvitation {
            user_id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            email: "casey@northwind.example".into(),
            organization: "Northwind Partners".into(),
            invited_by: "global.admin@northwind.example".into(),
            link: "https://csp.example.com/accept-invitation?token=abc".into(),
            expires_at: "2026-12-13T10:00:00Z".parse().unwrap(),
        });
        let mail = render(&invitation, "en", "https://csp.example.com").unwrap();
        assert_eq!(
            mail.subject,
            "Your CSP Software Center account for Northwind Partners"
        );
        assert!(mail
            .text
            .contains("https://csp.example.com/accept-invitation?token=abc"));
        assert!(mail
            .html
            .contains("href=\"https://csp.example.com/accept-invitation?token=abc\""));
        let reset = EventData::PasswordReset(PasswordReset {
            user_id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            email: "casey@northwind.example".into(),
            link: "https://csp.example.com/reset-password?token=def".into(),
            expires_at: "2026-12-06T11:00:00Z".parse().unwrap(),
        });
        let zh = render(&reset, "zh-CN", "https://csp.example.com").unwrap();
        assert_eq!(zh.subject, "重置你的 CSP 软件中心密码");
        assert!(
            zh.text.contains("请忽略此邮件") && zh.text.contains("token=def"),
            "{}",
            zh.text
        );
    }

    #[test]
    fn a_status_change_names_the_status_in_words_with_the_note() {
        let update = EventData::SupportRequestUpdated(SupportRequestUpdated {
            support_request_id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            number: 1000007,
            title: "Refund".into(),
            change: SupportChange::StatusChanged,
            status: "in_progress".into(),
            note: Some("Looking into it".into()),
            by_support: true,
            changed_by: "CSP support".into(),
            created_by: "admin.agent@northwind.example".into(),
        });
        let mail = render(&update, "en", "http://127.0.0.1:8080").unwrap();
        assert_eq!(mail.subject, "Support request 1000007 is now In progress");
        assert!(mail.text.contains("Note: Looking into it"));
        assert!(
            mail.text.contains("http://127.0.0.1:8080/profile"),
            "optional mails say how to stop them"
        );
    }
}
