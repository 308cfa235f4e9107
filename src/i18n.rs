//! Every word the app shows, in English and Simplified Chinese (zh-CN), behind one enum of
//! message keys. The chosen locale is a signal in context, so switching language re-renders
//! text in place; it is remembered in localStorage and mirrored to `<html lang>` for screen
//! readers.

use std::fmt::Display;

use csp_domain::{Permission, Role};
use leptos::prelude::*;

const STORAGE_KEY: &str = "csp.locale";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// BCP 47 tag, for `lang` attributes and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// The language's own name, so people find their language whatever is showing.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "简体中文",
        }
    }
}

/// Defines the message keys and their texts side by side, so a key cannot lack a language.
macro_rules! messages {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// Every key, so tests can check the whole table.
            #[cfg(test)]
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, locale: Locale) -> &'static str {
                match self {
                    $(Msg::$key => match locale { Locale::En => $en, Locale::ZhCn => $zh },)*
                }
            }
        }
    };
}

messages! {
    // -- shell --
    AppName => "CSP Software Center", "CSP 软件中心";
    SkipToContent => "Skip to main content", "跳到主要内容";
    Language => "Language", "语言";
    SignOut => "Sign out", "注销";
    SignedInAs => "Signed in as", "登录身份";
    MainNavigation => "Main", "主导航";
    NavCustomers => "Customers", "客户";
    NavSupport => "Support", "支持";
    NavSupportRequests => "Support requests", "支持请求";
    Settings => "Settings", "设置";
    ActivityLog => "Activity log", "活动日志";
    RequiresRoles => "Requires {roles}", "需要{roles}角色";
    RolesOr => " or ", "或";
    RolesAnd => ", ", "、";
    SupportAgent => "Support agent", "支持专员";
    CustomerAdmin => "Customer administrator", "客户管理员";
    RoleAdminAgent => "Admin agent", "管理员代理";
    RoleGlobalAdmin => "Global admin", "全局管理员";
    RoleAccountAdmin => "Account admin", "帐户管理员";
    RoleReferralAdmin => "Referral admin", "推荐管理员";
    RoleMarketingContentAdmin => "Marketing content admin", "营销内容管理员";

    // -- shared states --
    Loading => "Loading…", "正在加载…";
    TryAgain => "Try again", "重试";
    NetworkError => "The service can't be reached. Check your connection and try again.",
        "无法连接到服务。请检查网络连接，然后重试。";
    UnexpectedResponse => "The service sent an unexpected response (HTTP {status}). Try again in a moment.",
        "服务返回了意外的响应 (HTTP {status})。请稍后重试。";
    Breadcrumb => "Breadcrumb", "痕迹导航";

    // -- sign-in --
    SignInHeading => "Sign in", "登录";
    SignInIntro => "Sign in with your work account.", "使用工作帐户登录。";
    Email => "Email", "电子邮件";
    Password => "Password", "密码";
    SignInButton => "Sign in", "登录";
    SigningIn => "Signing in…", "正在登录…";
    EmailRequired => "Enter your email address.", "请输入电子邮件地址。";
    PasswordRequired => "Enter your password.", "请输入密码。";

    // -- customers --
    CustomersHeading => "Customers", "客户";
    CustomersIntro => "Find a customer by company name, domain or tenant ID.",
        "按公司名称、域或租户 ID 查找客户。";
    SearchCustomers => "Search customers", "搜索客户";
    SearchPlaceholder => "Name, domain or tenant ID", "名称、域或租户 ID";
    ColCompany => "Company", "公司";
    ColDomain => "Domain", "域";
    ColTenantId => "Tenant ID", "租户 ID";
    ColMarket => "Market", "市场";
    ColCurrency => "Currency", "货币";
    ShowingCustomers => "Showing {first}–{last} of {total} customers",
        "显示第 {first}–{last} 个客户，共 {total} 个";
    ShowingCustomer => "Showing {first}–{last} of {total} customer",
        "显示第 {first}–{last} 个客户，共 {total} 个";
    NoCustomersToShow => "No customers to show", "没有可显示的客户";
    NoCustomersMatch => "No customers match “{q}”.", "没有与“{q}”匹配的客户。";
    NoCustomersMatchHint => "Check the spelling, or search by domain or tenant ID instead.",
        "请检查拼写，或改用域或租户 ID 搜索。";
    NoCustomersYet => "You don't have any customers yet.", "你还没有任何客户。";
    PageIsEmpty => "There are no customers on this page.", "此页上没有客户。";
    FirstPage => "Go to the first page", "转到第一页";
    Pagination => "Pagination", "分页";
    PreviousPage => "Previous page", "上一页";
    NextPage => "Next page", "下一页";
    PageOf => "Page {page} of {pages}", "第 {page} 页，共 {pages} 页";

    // -- customer details --
    CustomerNotFound => "Customer not found", "找不到客户";
    CustomerNotFoundBody => "This customer doesn't exist, or it isn't one of your customers.",
        "此客户不存在，或者不是你的客户。";
    BackToCustomers => "Back to customers", "返回客户列表";
    CustomerDetails => "Customer details", "客户详细信息";
    Tax => "Tax", "税费";
    PricesIncludeTax => "Prices include tax", "价格含税";
    PricesExcludeTax => "Prices exclude tax", "价格不含税";
    CustomerSections => "Customer sections", "客户信息分区";
    TabSoftware => "Software", "软件";
    TabOrders => "Orders", "订单";
    TabInvoices => "Invoices & credits", "发票和信用额度";
    ComingSoon => "Coming in a later release", "将在后续版本中推出";
    SoftwareComingSoon => "The software bought for this customer, with the deep link to share its product keys and downloads, will be listed here in a later release.",
        "为此客户购买的软件以及用于共享产品密钥和下载的深层链接将在后续版本中列于此处。";
    OrdersComingSoon => "This customer's orders will be listed here in a later release.",
        "此客户的订单将在后续版本中列于此处。";
    InvoicesComingSoon => "Invoices and credits for this customer will be listed here in a later release.",
        "此客户的发票和信用额度将在后续版本中列于此处。";

    // -- activity log --
    ActivityLogIntro => "See who revealed product keys or downloaded software for your customers. Dates are in UTC; a range covers at most 90 days.",
        "查看谁为你的客户显示了产品密钥或下载了软件。日期采用 UTC；一个范围最多 90 天。";
    DateRange => "Date range", "日期范围";
    From => "From", "开始日期";
    To => "To", "结束日期";
    Show => "Show", "显示";
    DatesRequired => "Enter both a start date and an end date.", "请输入开始日期和结束日期。";
    ColDateTime => "Date and time", "日期和时间";
    ColAction => "Action", "操作";
    ColUser => "User", "用户";
    ColCustomer => "Customer", "客户";
    ColProduct => "Product", "产品";
    ActionKeyRevealed => "Key revealed", "已显示密钥";
    ActionSoftwareDownloaded => "Software downloaded", "已下载软件";
    NoActivity => "No key reveals or downloads in this period.", "此期间没有密钥显示或下载记录。";
    ExportCsv => "Export CSV", "导出 CSV";
    ActivityEntries => "{count} entries from {from} to {to}", "{from} 至 {to} 共 {count} 条记录";
    ActivityEntry => "1 entry from {from} to {to}", "{from} 至 {to} 共 1 条记录";
    TimesInZone => "Times are shown in your time zone ({zone}).", "时间按你所在的时区 ({zone}) 显示。";

    // -- support --
    SupportHeading => "Support requests", "支持请求";
    SupportIntroPartner => "Refund and cancellation requests your organisation has filed.",
        "你的组织提交的退款和取消请求。";
    SupportIntroAgent => "Support requests from all partners.", "来自所有合作伙伴的支持请求。";
    ColNumber => "Number", "编号";
    ColTitle => "Title", "标题";
    ColStatus => "Status", "状态";
    ColCreated => "Created", "创建时间";
    NoSupportRequests => "No support requests yet.", "还没有支持请求。";
    StatusNew => "New", "新建";
    StatusInProgress => "In progress", "处理中";
    StatusApproved => "Approved", "已批准";
    StatusRejected => "Rejected", "已拒绝";

    // -- customer admin center --
    Billing => "Billing", "计费";
    YourProducts => "Your products", "你的产品";
    NoTenantSoftware => "No software has been bought for your organisation yet.",
        "尚未为你的组织购买任何软件。";
    NoTenantSoftwareHint => "When your partner buys software for you, it appears here with its product keys and downloads.",
        "合作伙伴为你购买软件后，软件会连同产品密钥和下载内容一起显示在此处。";

    // -- not found --
    NotFoundHeading => "Page not found", "找不到页面";
    NotFoundBody => "The page you asked for doesn't exist or has moved.", "你请求的页面不存在或已移动。";
    GoHome => "Go to the home page", "转到主页";
}

/// The locale, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    /// Restores the saved locale and keeps storage and `<html lang>` in step with it.
    pub fn start() -> Self {
        let saved = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|tag| Locale::from_tag(&tag))
            .unwrap_or(Locale::En);
        let i18n = I18n {
            locale: RwSignal::new(saved),
        };
        Effect::new(move |_| {
            let locale = i18n.locale.get();
            if let Some(storage) = storage() {
                let _ = storage.set_item(STORAGE_KEY, locale.tag());
            }
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", locale.tag());
            }
        });
        i18n
    }

    /// The text of `key` in the current locale (tracked: callers re-run on a switch).
    pub fn t(self, key: Msg) -> &'static str {
        key.text(self.locale.get())
    }

    /// The text of `key` with `{name}` placeholders filled in.
    pub fn f(self, key: Msg, args: &[(&str, &dyn Display)]) -> String {
        fill(self.t(key), args)
    }

    pub fn role(self, role: Role) -> &'static str {
        self.t(match role {
            Role::AdminAgent => Msg::RoleAdminAgent,
            Role::GlobalAdmin => Msg::RoleGlobalAdmin,
            Role::AccountAdmin => Msg::RoleAccountAdmin,
            Role::ReferralAdmin => Msg::RoleReferralAdmin,
            Role::MarketingContentAdmin => Msg::RoleMarketingContentAdmin,
        })
    }

    /// "Admin agent, Global admin": the roles a user holds.
    pub fn roles(self, roles: &[Role]) -> String {
        self.join(roles, Msg::RolesAnd)
    }

    /// "Requires Global admin or Account admin …": which roles grant a permission, taken from
    /// the domain's role table.
    pub fn requires(self, permission: Permission) -> String {
        let roles = self.join(&permission.granted_to(), Msg::RolesOr);
        self.f(Msg::RequiresRoles, &[("roles", &roles)])
    }

    fn join(self, roles: &[Role], separator: Msg) -> String {
        roles
            .iter()
            .map(|r| self.role(*r))
            .collect::<Vec<_>>()
            .join(self.t(separator))
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// A reactive text for use directly in views: `{tr(Msg::Show)}` or `aria-label=tr(Msg::Settings)`.
pub fn tr(key: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(key)
}

/// Replaces each `{name}` in `template` by its argument.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{name}` placeholders of a text, sorted.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn every_message_has_both_languages_with_the_same_placeholders() {
        for &key in Msg::ALL {
            let (en, zh) = (key.text(Locale::En), key.text(Locale::ZhCn));
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{key:?} has an empty text");
            assert_eq!(placeholders(en), placeholders(zh), "{key:?}: placeholders differ");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let text = fill("Showing {first}–{last} of {total} customers", &[
            ("first", &1),
            ("last", &25),
            ("total", &33),
        ]);
        assert_eq!(text, "Showing 1–25 of 33 customers");
    }

    #[test]
    fn locales_round_trip_through_their_tags() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
        assert_eq!(Locale::from_tag("fr"), None);
    }
}
