//! Every word the app shows, in English and Simplified Chinese (zh-CN), behind one type of
//! message keys, side by side so a key cannot lack a language. The app (`src/i18n.rs`) picks
//! the language and fills placeholders.
//!
//! The English texts are built into the app. Each key (`Msg::SignInHeading`) carries its own
//! English text rather than an index into one table, so a text lands in the wasm module of the
//! code that shows it: the texts of pages that are fetched later (`src/pages/chunks.rs`) are
//! not part of the first download. The Chinese ones are built into native builds (tests, and
//! the `zh-cn-table` program) but not into the browser's wasm: the build writes them to
//! `zh-CN.json` beside the wasm (`scripts/build-app.mjs`), and the app fetches that file only
//! when Chinese is chosen, which keeps ~5 KB out of everyone's first download.

use std::fmt::{self, Display, Write};
use std::hash::{Hash, Hasher};

/// A message key: a text of the app, in every language.
#[derive(Clone, Copy)]
pub struct Msg(&'static Entry);

struct Entry {
    /// The key's place in the table (and in `zh-CN.json`).
    index: u16,
    english: &'static str,
}

impl Msg {
    /// The English text.
    pub fn english(self) -> &'static str {
        self.0.english
    }

    /// The English text with its `{name}` placeholders filled in: what the server writes for
    /// people who read its answers, so the API and the app say it the same way.
    pub fn english_with(self, args: &[(&str, &dyn Display)]) -> String {
        fill(self.english(), args)
    }

    /// The key's place in the table: in [`Msg::ALL`] and in `zh-CN.json`.
    pub fn index(self) -> usize {
        usize::from(self.0.index)
    }
}

/// Keys are the same when they name the same text.
impl PartialEq for Msg {
    fn eq(&self, other: &Msg) -> bool {
        self.0.index == other.0.index
    }
}

impl Eq for Msg {}

impl Hash for Msg {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.index.hash(state);
    }
}

/// The key's name natively (tests name the key that fails); its number in the browser, which
/// does not carry the names.
impl fmt::Debug for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(not(target_arch = "wasm32"))]
        return f.write_str(self.name());
        #[cfg(target_arch = "wasm32")]
        return write!(f, "Msg({})", self.0.index);
    }
}

/// Defines the message keys and their texts.
macro_rules! messages {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        /// The keys in table order; only their places are used.
        #[allow(dead_code)]
        // Variants are the keys' names, some of which begin or end with "Key".
        #[allow(clippy::enum_variant_names)]
        enum Key { $($key),* }

        // Every place fits the entry's index.
        const _: () = assert!(Msg::COUNT <= u16::MAX as usize);

        #[allow(non_upper_case_globals)]
        impl Msg {
            $(pub const $key: Msg = Msg(&Entry { index: Key::$key as u16, english: $en });)*

            /// How many keys there are.
            pub const COUNT: usize = [$(Key::$key),*].len();

            /// Every key, in table order.
            #[cfg(not(target_arch = "wasm32"))]
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            /// The Chinese text; the browser app has it from `zh-CN.json` instead.
            #[cfg(not(target_arch = "wasm32"))]
            pub fn chinese(self) -> &'static str {
                const ZH: &[&str] = &[$($zh),*];
                ZH[self.index()]
            }

            /// The key's name, as written here.
            #[cfg(not(target_arch = "wasm32"))]
            pub fn name(self) -> &'static str {
                const NAMES: &[&str] = &[$(stringify!($key)),*];
                NAMES[self.index()]
            }
        }
    };
}

/// Replaces each `{name}` in `template` by its argument, in one pass (an argument's own text
/// is never read as a placeholder); a `{…}` without an argument stays as it is.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let filled = after.find('}').and_then(|close| {
            let (_, value) = args.iter().find(|(name, _)| *name == &after[..close])?;
            Some((value, close))
        });
        match filled {
            Some((value, close)) => {
                let _ = write!(out, "{value}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
    NavOrders => "Orders", "订单";
    CustomersShow => "Show", "显示";
    DeadlineAll => "All customers", "所有客户";
    DeadlineWindowClosing => "A cancellation window closes within 7 days", "取消期在 7 天内截止";
    DeadlineRenewing => "A subscription renews within 30 days", "订阅在 30 天内续订";
    NoCustomersWithDeadline => "No customer has such a deadline coming up.", "没有客户有即将到来的此类期限。";
    OrdersIntro => "Every order of every customer, newest first: narrow it by days, status and product kind, or export it as CSV.", "所有客户的所有订单，按时间从新到旧排列：可按日期、状态和产品类型筛选，或导出为 CSV。";
    OrdersNone => "No orders match these filters.", "没有符合这些筛选条件的订单。";
    OrdersLoadMore => "Show older orders", "显示更早的订单";
    AllKinds => "All product kinds", "所有产品类型";
    ColProductKind => "Product kind", "产品类型";
    AuditOrdersExported => "Orders exported", "已导出订单";
    NavSupport => "Support", "支持";
    NavSupportRequests => "Support requests", "支持请求";
    Settings => "Settings", "设置";
    ActivityLog => "Activity log", "活动日志";
    BillingIntro => "How your organisation pays for what it buys, and the self-service refund limit for cancellations.", "你的组织如何为所购内容付款，以及取消的自助退款限额。";
    BillingAddress => "Billing address", "账单地址";
    RefundLimit => "Self-service refund limit", "自助退款限额";
    RefundLimitHint => "A cancellation that would credit more than this, in the order's currency, needs a support request. From 0 to {max}.", "取消的信用额度（以订单币种计）超过此值时需要提交支持请求。可设置为 0 至 {max}。";
    NewRefundLimit => "New limit", "新限额";
    SaveRefundLimit => "Save limit", "保存限额";
    RefundLimitSaved => "Saved: the refund limit is now {limit}.", "已保存：退款限额现为 {limit}。";
    RefundLimitChanges => "Changes of the limit", "限额变更记录";
    NoRefundLimitChanges => "The limit has not been changed.", "限额尚未更改。";
    ColChangedBy => "Changed by", "更改人";
    ColFrom => "From", "原值";
    ColTo => "To", "新值";
    RequiresRoles => "Requires {roles}", "需要{roles}角色";
    RolesOr => " or ", "或";
    RolesAnd => ", ", "、";
    SupportAgent => "Support agent", "支持专员";
    CustomerAdmin => "Customer administrator", "客户管理员";

    // -- shared states --
    Loading => "Loading…", "正在加载…";
    TryAgain => "Try again", "重试";
    Reload => "Reload", "重新加载";
    ChunkLoadFailed => "This page could not be loaded. Check your connection, then reload.", "无法加载此页面。请检查网络连接，然后重新加载。";
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
    ShowingCustomersOfMore => "Showing {first}–{last} of more than {total} customers",
        "显示第 {first}–{last} 个客户，共 {total} 个以上";
    NarrowTheSearch => "Only the first {total} matches can be paged through. Type more of the name, domain or tenant ID to find the rest.",
        "只能翻阅前 {total} 个匹配项。请输入更多的名称、域或租户 ID 以查找其余客户。";
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
    PageOfMore => "Page {page} of {pages}+", "第 {page} 页，共 {pages}+ 页";

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
    SupportConsoleHeading => "Support console", "支持控制台";
    ReportProblem => "Report a problem", "报告问题";
    ReportProblemIntro => "Ask the CSP support team for help, such as a refund on behalf of a customer. Fields marked as required for refunds: customer, order, reason and amount.",
        "向 CSP 支持团队寻求帮助，例如代表客户申请退款。退款必填：客户、订单、原因和金额。";
    HelpMenu => "Help", "帮助";
    MySupportRequests => "My support requests", "我的支持请求";
    SearchSupport => "Search support requests", "搜索支持请求";
    SearchSupportPlaceholder => "Request number, tenant ID, domain or order ID", "请求编号、租户 ID、域或订单 ID";
    AllStatuses => "All statuses", "所有状态";
    AllTypes => "All types", "所有类型";
    SortBy => "Order", "排序";
    OldestFirst => "Oldest first", "最早的在前";
    NewestFirst => "Newest first", "最新的在前";
    SupportCount => "{total} requests", "{total} 个请求";
    SupportCountOne => "1 request", "1 个请求";
    ColUpdated => "Last update", "最近更新";
    ColPartner => "Partner", "合作伙伴";
    ProblemType => "Problem type", "问题类型";
    Impact => "Impact", "影响";
    ProblemRefund => "CSP purchase/refund on behalf of customer", "代表客户的 CSP 购买/退款";
    ProblemBilling => "Billing", "账单";
    ProblemOther => "Other", "其他";
    ImpactLow => "Low", "低";
    ImpactMedium => "Medium", "中";
    ImpactHigh => "High", "高";
    ChooseOne => "Choose…", "请选择…";
    SectionDetails => "Details", "详细信息";
    SectionDescription => "Description", "描述";
    SectionContact => "Contact", "联系人";
    SectionFiles => "Add files", "添加文件";
    AtMostChars => "At most {max} characters.", "最多 {max} 个字符。";
    DescriptionRefundHint => "For a refund, give the customer's tenant ID or domain, the order ID or subscription ID, the reason and the amount.",
        "申请退款时，请提供客户的租户 ID 或域、订单 ID 或订阅 ID、原因和金额。";
    DescriptionOtherHint => "Name the customer and order if the problem concerns one.", "如果问题涉及某个客户和订单，请注明。";
    CustomerTenantOrDomain => "Customer tenant ID or domain", "客户租户 ID 或域";
    OrderOrSubscriptionId => "Order ID or subscription ID", "订单 ID 或订阅 ID";
    RefundReason => "Refund reason", "退款原因";
    AmountRequested => "Amount requested", "申请金额";
    AmountHint => "In the order's currency, e.g. 1234.56.", "以订单币种计，例如 1234.56。";
    AmountHintCurrency => "In {currency}, the order's currency, e.g. 1234.56.", "以订单币种 {currency} 计，例如 1234.56。";
    ContactName => "Name", "姓名";
    ContactEmail => "Email address", "电子邮件地址";
    ContactPhone => "Phone number", "电话号码";
    AttachFiles => "Files", "文件";
    FileLimits => "Optional. Up to {count} files of up to {mb} MB each: PDF, PNG, JPEG, TXT, CSV or EML.",
        "可选。最多 {count} 个文件，每个最大 {mb} MB：PDF、PNG、JPEG、TXT、CSV 或 EML。";
    FilesNotKept => "What you type is kept if this page reloads; chosen files are not.", "页面重新加载时会保留你输入的内容，但不会保留已选择的文件。";
    Remove => "Remove", "移除";
    RemoveFile => "Remove {name}", "移除 {name}";
    RequestHeading => "Request {number}: {title}", "请求 {number}：{title}";
    RequestFiled => "Your request {number} was filed. The support team answers here; you can add comments and files while it is open.",
        "你的请求 {number} 已提交。支持团队会在此答复；请求处理期间你可以添加评论和文件。";
    CreditApproved => "Approved: {credit} is credited on next month's invoice.", "已批准：{credit} 将计入下月发票。";
    CreditApprovedCancelled => "Approved: {credit} is credited on next month's invoice, and the purchase was cancelled — its keys and downloads are revoked.",
        "已批准：{credit} 将计入下月发票，且该购买已取消 — 其密钥和下载链接已被吊销。";
    PendingCredit => "To be credited by a pending cancellation", "待处理的取消将退还";
    LeftToCredit => "Left to refund", "剩余可退款";
    CreditedSinceFiled => "Since this request was filed, {amount} was credited or is being credited by a cancellation of the order.",
        "自此请求提交以来，订单的取消已退还或将退还 {amount}。";
    OutcomeLegend => "The purchase", "购买项";
    OutcomeCancel => "Refund and cancel the purchase: its keys and downloads are revoked", "退款并取消购买：其密钥和下载链接将被吊销";
    OutcomeCreditOnly => "Credit only, as goodwill: the purchase and its keys stay", "仅退信用额度（商誉补偿）：保留购买项及其密钥";
    OutcomeOnlyCreditCancelled => "The order is cancelled or being cancelled: only a credit of what is left can be approved.",
        "此订单已取消或正在取消：只能批准剩余金额的信用额度。";
    OutcomeOnlyCreditPlan => "Software plans cannot be cancelled: only a credit can be approved.", "软件计划无法取消：只能批准信用额度。";
    OutcomeNothingLeft => "Everything paid for this order has been credited or is being credited: an approval would book nothing.",
        "此订单的已付款项已全部退还或正在退还：批准不会记入任何信用额度。";
    SeeInvoice => "See the invoice for {month}", "查看 {month} 的发票";
    TheOrder => "Order", "订单";
    Placed => "Placed", "下单时间";
    Paid => "Paid", "已付";
    CreditedSoFar => "Credited so far", "已退信用额度";
    Attachments => "Files", "文件";
    NoAttachments => "No files attached.", "未附加文件。";
    History => "History", "历史记录";
    EventCreated => "filed the request", "提交了请求";
    EventComment => "commented", "发表了评论";
    EventFilesAdded => "added files", "添加了文件";
    EventStatusChanged => "changed the status to {status}", "将状态更改为 {status}";
    AddComment => "Add comment", "添加评论";
    Comment => "Comment", "评论";
    CommentOrFile => "Write a comment or attach a file.", "请填写评论或附加文件。";
    RequestClosedNote => "This request has been decided. File a new request if you need more help.", "此请求已有结论。如需更多帮助，请提交新请求。";
    ChangeStatus => "Change status", "更改状态";
    NewStatus => "New status", "新状态";
    Approve => "Approve", "批准";
    Reject => "Reject", "拒绝";
    NoteForPartner => "Note for the partner", "给合作伙伴的备注";
    RejectNeedsNote => "Tell the partner why the request is rejected.", "请告知合作伙伴拒绝请求的原因。";
    CreditToBook => "Credit", "信用额度";
    CreditAtMost => "At most {max}: the amount requested, and what is left to credit on the order. Booked on next month's invoice.",
        "最多 {max}：申请金额以及订单剩余可退的金额。计入下月发票。";
    SaveStatus => "Save status", "保存状态";

    // -- field problems of support requests, by code --
    FieldInvalidOrderId => "Enter an order ID such as 0f8fad5b-d9cb-469f-a165-70867728950e.", "请输入类似 0f8fad5b-d9cb-469f-a165-70867728950e 的订单 ID。";
    FieldInvalidPhone => "Enter a phone number: digits, spaces and + ( ) - only, at least 6 digits.", "请输入电话号码：仅限数字、空格和 + ( ) -，至少 6 位数字。";
    FieldNotPositive => "Enter an amount above zero.", "请输入大于零的金额。";
    FieldInvalidAmount => "Enter an amount like 1234.56.", "请输入类似 1234.56 的金额。";
    FieldTooPrecise => "The amount has more decimal places than its currency.", "金额的小数位数超过了其币种允许的位数。";
    FieldTooManyFiles => "Attach at most {max} files.", "最多附加 {max} 个文件。";
    FieldFileTooBig => "A file can be at most {mb} MB.", "单个文件最大 {mb} MB。";
    FieldFileType => "Attach only PDF, PNG, JPEG, TXT, CSV or EML files.", "仅可附加 PDF、PNG、JPEG、TXT、CSV 或 EML 文件。";
    FieldEmptyFile => "The file is empty.", "文件为空。";
    FieldRequestFull => "A request can hold at most {max} files.", "一个请求最多可包含 {max} 个文件。";
    FieldUnknownCustomer => "None of your customers has this tenant ID or domain.", "你的客户中没有此租户 ID 或域。";
    FieldUnknownOrder => "None of your orders or subscriptions has this ID.", "你的订单或订阅中没有此 ID。";
    FieldOtherCustomersOrder => "This order is for another customer.", "此订单属于其他客户。";
    FieldNeedsOrder => "Give the order ID the amount is for.", "请提供该金额对应的订单 ID。";
    FieldAbovePaid => "More than can be refunded for this order: what was paid, less what was credited or is being credited.", "超过此订单可退款的金额：已付款项减去已退或正在退还的信用额度。";
    FieldAboveMaximum => "More than the amount requested, or than is left to credit on the order.", "超过申请金额，或超过订单剩余可退的金额。";
    FieldRefundLimitAboveMax => "Higher than the operator allows.", "高于运营方允许的上限。";
    FieldTooLarge => "The amount is too large.", "金额过大。";
    FieldCurrencyMismatch => "Amounts in different currencies cannot be added.", "不同币种的金额不能相加。";
    FieldTooManyLines => "An order has at most {max} lines.", "一个订单最多 {max} 行。";
    FieldNoLines => "Add at least one product.", "请至少添加一个产品。";
    FieldChoose => "Choose one.", "请选择一项。";
    FieldTooLongMax => "Use at most {max} characters.", "最多使用 {max} 个字符。";
    FieldAbovePaidMax => "At most {max} can be refunded for this order: what was paid, less what was credited or is being credited.",
        "此订单最多可退款 {max}：已付款项减去已退或正在退还的信用额度。";
    FieldCreditNotPositive => "Enter a credit above zero.", "请输入大于零的信用额度。";
    FieldCreditInvalid => "Enter the credit in the order's currency, e.g. 1234.56.", "请以订单币种输入信用额度，例如 1234.56。";
    FieldRefundLimitInvalid => "Enter an amount of zero or more with at most two decimals, e.g. 1000.00.", "请输入零或以上、最多两位小数的金额，例如 1000.00。";
    FieldRefundLimitAboveMaxOf => "The limit can be at most {max}.", "限额最多为 {max}。";
    RoleAdminAgent => "Admin agent", "管理员代理";
    RoleGlobalAdmin => "Global admin", "全局管理员";
    RoleAccountAdmin => "Account admin", "帐户管理员";
    RoleReferralAdmin => "Referral admin", "推荐管理员";
    RoleMarketingContentAdmin => "Marketing content admin", "营销内容管理员";
    RoleSupportLead => "Support lead", "支持主管";
    FieldUnknownOffer => "There is no such product for this customer.", "此客户没有此产品。";
    FieldDuplicateOffer => "This product is already in the order; change its quantity instead.", "此产品已在订单中；请改为更改其数量。";
    FieldOutOfRange => "Enter a quantity the product allows.", "请输入此产品允许的数量。";
    FieldNothingLeft => "The order has been credited in full already.", "此订单已全额退还信用额度。";
    FieldNoOrder => "This request names no order and amount: leave the credit empty.", "此请求未指定订单和金额：请将信用额度留空。";
    FieldControlCharacters => "Remove the special characters.", "请删除特殊字符。";
    ErrRequestClosed => "This request has been decided: it takes no more comments or files.", "此请求已有结论：不再接受评论或文件。";

    // -- customer admin center --
    Billing => "Billing", "计费";
    YourProducts => "Your products", "你的产品";
    NoTenantSoftware => "No software has been bought for your organisation yet.",
        "尚未为你的组织购买任何软件。";
    NoTenantSoftwareHint => "When your partner buys software for you, it appears here with its product keys and downloads.",
        "合作伙伴为你购买软件后，软件会连同产品密钥和下载内容一起显示在此处。";

    // -- buying: the add-product wizard --
    AddProduct => "Add product", "添加产品";
    AddProductFor => "Add a product for {customer}", "为 {customer} 添加产品";
    Progress => "Progress", "进度";
    StepOf => "Step {n} of {total}", "第 {n} 步，共 {total} 步";
    StepProduct => "Choose a product", "选择产品";
    StepConfigure => "Configure", "配置";
    StepReview => "Review", "审阅";
    StepPay => "Pay", "付款";
    StepDone => "Confirmation", "确认";
    ProductType => "Product type", "产品类型";
    KindAll => "All products", "所有产品";
    KindSoftwareSubscription => "Software subscriptions", "软件订阅";
    KindPerpetualSoftware => "Perpetual software", "永久软件";
    KindAzureReservation => "Azure reservations", "Azure 预留";
    KindSoftwarePlan => "Software plans", "软件计划";
    SearchProducts => "Search products", "搜索产品";
    SearchProductsPlaceholder => "Product name", "产品名称";
    NoProductsMatch => "No products match your search.", "没有与搜索匹配的产品。";
    Choose => "Choose", "选择";
    Chosen => "Chosen", "已选择";
    FromPrice => "From {price}", "起价 {price}";
    UnavailableReservations => "Azure reservations are not available in {market}.", "Azure 预留在{market}不可用。";
    UnavailableMarket => "This product is not sold in {market}.", "此产品在{market}不销售。";
    AzureHybridBenefit => "Azure Hybrid Benefit: Windows Server licences with Software Assurance can save up to 40% on Azure VM costs.",
        "Azure 混合权益：具有软件保障的 Windows Server 许可证在 Azure 虚拟机费用上最多可节省 40%。";
    Sku => "Edition (SKU)", "版本 (SKU)";
    Term => "Term", "期限";
    TermP1Y => "1 year, paid up front", "1 年，预付";
    TermP3Y => "3 years, paid up front", "3 年，预付";
    TermPerpetual => "No end date (perpetual)", "无结束日期（永久）";
    Quantity => "Quantity", "数量";
    QuantityHint => "From {min} to {max}, each a {unit}.", "{min} 至 {max}，每个单位为 {unit}。";
    QuantityOutOfRange => "Enter a quantity from {min} to {max}.", "请输入 {min} 至 {max} 之间的数量。";
    QuantityNotANumber => "Enter a whole number.", "请输入整数。";
    UnitPrice => "Unit price", "单价";
    Total => "Total", "总计";
    TaxIncl => "incl. tax", "含税";
    TaxExcl => "excl. tax", "不含税";
    CancellationPolicy => "Cancellation", "取消";
    CancellableWithinDays => "Can be cancelled within {days} days of purchase.", "可在购买后 {days} 天内取消。";
    NeverCancellable => "Cannot be cancelled.", "无法取消。";
    Back => "Back", "上一步";
    Next => "Next", "下一步";
    BillingProfile => "Billing profile", "计费配置文件";
    PaymentMethod => "Payment method", "付款方式";
    InvoicesSentTo => "Invoices sent to", "发票发送至";
    PoNumber => "Purchase order number (optional)", "采购订单号（可选）";
    PoNumberHint => "For your own records; it is printed on the invoice.", "供你自己记录；会打印在发票上。";
    AcceptTerms => "I accept the Microsoft Customer Agreement on behalf of the customer and authorise this charge to our billing profile.",
        "我代表客户接受 Microsoft 客户协议，并授权从我们的计费配置文件扣款。";
    AcceptTermsRequired => "Accept the terms to place the order.", "请接受条款以下单。";
    PlaceOrder => "Place order and pay", "下单并付款";
    PlacingOrder => "Placing the order…", "正在下单…";
    OrderPlaced => "Order placed", "订单已下达";
    OrderPlacedBody => "Order {id} was placed and charged to your billing profile.", "订单 {id} 已下达，并已从你的计费配置文件扣款。";
    ViewOrders => "View orders", "查看订单";
    ViewSoftware => "View software", "查看软件";
    AddAnother => "Add another product", "添加其他产品";
    LeaveTitle => "Leave this order?", "离开此订单？";
    LeaveBody => "The product you were adding for {customer} has not been ordered yet. If you leave, what you entered is discarded.",
        "你为 {customer} 添加的产品尚未下单。如果离开，输入的内容将被丢弃。";
    Stay => "Stay", "留下";
    DiscardAndLeave => "Discard and leave", "丢弃并离开";
    DiscardOrder => "Discard order", "丢弃订单";

    // -- orders --
    ColOrderId => "Order ID", "订单 ID";
    ColDate => "Date", "日期";
    ColProducts => "Products", "产品";
    ColTotal => "Total", "总计";
    ColPlacedBy => "Placed by", "下单人";
    ColSku => "SKU", "SKU";
    ColTerm => "Term", "期限";
    ColTermEnd => "Term ends", "期限结束";
    RenewsAutomatically => "Renews automatically", "自动续订";
    ExpiresAtTermEnd => "Expires at the term end", "期限结束时过期";
    TurnOffAutoRenewOf => "Turn off auto-renew of {product}", "关闭 {product} 的自动续订";
    TurnOnAutoRenewOf => "Turn on auto-renew of {product}", "开启 {product} 的自动续订";
    TurnOffAutoRenew => "Turn off auto-renew", "关闭自动续订";
    TurnOnAutoRenew => "Turn on auto-renew", "开启自动续订";
    AutoRenewTurnedOff => "Auto-renew is off: {product} expires at the term end, and its keys stop working.", "自动续订已关闭：{product} 将在期限结束时过期，其密钥将停止工作。";
    AutoRenewTurnedOn => "Auto-renew is on: {product} renews at the term end at the price of that day.", "自动续订已开启：{product} 将在期限结束时按当日价格续订。";
    RenewalOrder => "Renewal order", "续订订单";
    RenewedNote => "Renewed: the product keys and downloads are with the renewal, listed on its own.", "已续订：产品密钥和下载位于续订项下，单独列出。";
    TermEndsOn => "term ends {when}", "期限结束于 {when}";
    ExpiredNote => "Expired: the term ended without renewal, so the product keys and downloads of this purchase were revoked and no longer work.", "已过期：期限结束且未续订，因此此购买的产品密钥和下载已被吊销，不再有效。";
    PlacedByRenewal => "Automatic renewal", "自动续订";
    ColQuantity => "Quantity", "数量";
    ColUnitPrice => "Unit price", "单价";
    ColAmount => "Amount", "金额";
    NoOrders => "No orders for this customer yet.", "此客户还没有订单。";
    ShowingOrders => "Showing {first}–{last} of {total} orders", "显示第 {first}–{last} 个订单，共 {total} 个";
    OrderHeading => "Order {id}", "订单 {id}";
    OrderLines => "Order lines", "订单行";
    OrderCompleted => "Completed", "已完成";
    OrderCancellationPending => "Cancellation pending", "取消待处理";
    OrderCancelled => "Cancelled", "已取消";
    OrderRenewed => "Renewed", "已续订";
    OrderExpired => "Expired", "已过期";
    BackToOrders => "Back to orders", "返回订单";
    OrderNotFound => "This order doesn't exist for this customer.", "此客户没有此订单。";
    CancellableUntil => "Can be cancelled until {date} (UTC)", "可在 {date}（UTC）之前取消";
    CancellableUntilBoth => "Can be cancelled until {utc} UTC ({local} your time, {zone})", "可在 {utc} UTC（你的当地时间 {local}，{zone}）之前取消";
    OrderLedger => "Paid and credited", "已付与已退";
    OrderHistory => "History", "历史记录";
    ColWhen => "When", "时间";
    ColWho => "Who", "操作人";
    ColWhat => "What", "操作";
    ColWhy => "Why", "原因";
    OrderEventPlaced => "Placed the order", "下单";
    OrderEventCancellationRequested => "Requested the cancellation", "请求取消";
    OrderEventCancelled => "Cancelled: keys and downloads revoked", "已取消：密钥和下载链接已吊销";
    OrderEventCreditedCancellation => "Credited for the cancellation", "因取消退还信用额度";
    OrderEventCreditedRefund => "Credited for a refund request", "因退款请求退还信用额度";
    SupportRequestNumber => "Support request {number}", "支持请求 {number}";
    PoNumberShort => "PO number", "采购订单号";
    MoreProducts => "{first} and {n} more", "{first} 等 {n} 项";

    // -- invoices --
    NavInvoices => "Invoices", "发票";
    InvoicesHeading => "Invoices", "发票";
    InvoicesIntro => "Charges for the orders placed in a month and the credits booked in the month before — cancellations and approved refunds — per currency.",
        "按货币列出某月所下订单的费用，以及上月记入的信用额度（取消和已批准的退款）。";
    InvoiceFor => "Invoice for {month}", "{month} 的发票";
    InvoiceNumber => "Invoice number", "发票编号";
    InvoiceIssued => "Issued", "开具日期";
    InvoiceDue => "Due", "到期日";
    DownloadReconciliation => "Download the reconciliation file (CSV)", "下载对账文件 (CSV)";
    PreviousMonth => "Previous month", "上个月";
    NextMonth => "Next month", "下个月";
    ColKind => "Type", "类型";
    ColDescription => "Description", "说明";
    InvoiceCharge => "Charge", "费用";
    InvoiceCredit => "Credit", "信用额度";
    Charges => "Charges", "费用";
    Credits => "Credits", "信用额度";
    Net => "Net", "净额";
    InvoiceTotals => "Totals by currency", "按货币合计";
    NoInvoiceLines => "Nothing was charged or credited in this month.", "本月没有费用或信用额度。";

    // -- software and keys --
    Purchases => "Purchases", "购买项";
    SearchSoftware => "Search software", "搜索软件";
    SearchSoftwarePlaceholder => "Product or order ID", "产品或订单 ID";
    KeysAndDownloads => "Software product keys and download links", "软件产品密钥和下载链接";
    DeepLinkIntro => "Share this link with {customer}. Their users sign in and find the product keys and downloads of everything bought for them; the link itself grants nothing.",
        "与 {customer} 共享此链接。其用户登录后即可找到为其购买的所有产品的密钥和下载内容；链接本身不授予任何权限。";
    DeepLink => "Deep link", "深层链接";
    CopyLink => "Copy link", "复制链接";
    Copied => "Copied", "已复制";
    CopiedToClipboard => "Copied to the clipboard.", "已复制到剪贴板。";
    PressCtrlC => "The browser blocked copying: the text is selected, press Ctrl+C (⌘C on a Mac) to copy it.",
        "浏览器阻止了复制：文本已选中，请按 Ctrl+C（Mac 上为 ⌘C）复制。";
    NoSoftware => "Nothing has been bought for this customer yet.", "尚未为此客户购买任何产品。";
    NoSoftwareMatches => "No purchases match “{q}”.", "没有与“{q}”匹配的购买项。";
    ColPurchased => "Purchased", "购买日期";
    ColActions => "Actions", "操作";
    AdminCenter => "Admin center", "管理中心";
    OtherOrganisationTitle => "This link is for another organisation", "此链接适用于其他组织";
    OtherOrganisationBody => "The link you opened is for the software of another organisation than the one you are signed in to. Ask your partner for your own link, or open your organisation's software.",
        "你打开的链接指向的软件属于另一个组织，而不是你当前登录的组织。请向合作伙伴索取你自己的链接，或打开你组织的软件。";
    YourSoftware => "Your software", "你的软件";
    SoftwareFor => "Software for {customer}", "{customer} 的软件";
    AdminCenterIntro => "Product keys and downloads of the software your partner bought for your organisation. Every key shown and every download is recorded.",
        "合作伙伴为你的组织购买的软件的产品密钥和下载内容。每次显示密钥和每次下载都会被记录。";
    PurchasedOn => "purchased {date}", "购买于 {date}";
    QuantityN => "quantity {n}", "数量 {n}";
    RevokedNote => "Cancelled: the product keys and downloads of this purchase were revoked and no longer work.",
        "已取消：此购买项的产品密钥和下载已被吊销，无法再使用。";
    NoKeysNeeded => "This product runs in Azure: it has no product keys or downloads.", "此产品在 Azure 中运行：没有产品密钥或下载内容。";
    ProductKey => "Product key", "产品密钥";
    ProductKeys => "Product keys", "产品密钥";
    KeyHidden => "Product key hidden", "产品密钥已隐藏";
    ShowKey => "Show key", "显示密钥";
    ShowKeyNote => "Showing a key is recorded in your partner's activity log.", "显示密钥会记录在合作伙伴的活动日志中。";
    CopyKey => "Copy key", "复制密钥";
    Downloads => "Downloads", "下载";
    ColFile => "File", "文件";
    ColVersion => "Version", "版本";
    ColLanguage => "Language", "语言";
    ColSize => "Size", "大小";
    OpenYourSoftware => "Product keys and downloads", "产品密钥和下载";

    // -- cancellation --
    CancelPurchase => "Cancel", "取消";
    CancelPurchaseOf => "Cancel {product}", "取消 {product}";
    CancelNeedsRole => "Cancelling: {roles}", "取消：{roles}";
    CancelTitle => "Cancel {product}", "取消 {product}";
    CancelOrderChoice => "Order ID", "订单 ID";
    DaysLeft => "{n} days left to cancel", "还剩 {n} 天可取消";
    LastDayLeft => "1 day left to cancel: the window closes within 24 hours", "还剩 1 天可取消：取消期限将在 24 小时内结束";
    WindowPassedText => "The cancellation window has passed: this order can no longer be cancelled.", "取消期限已过：此订单无法再取消。";
    NotCancellableText => "This product cannot be cancelled: SUSE Linux and Red Hat software plans cannot be cancelled or exchanged.",
        "此产品无法取消：SUSE Linux 和 Red Hat 软件计划无法取消或交换。";
    NeedsSupportText => "The credit due, {credit}, is above your self-service refund limit of {limit}. To cancel this order, file a support request.",
        "应退信用额度 {credit} 超过你的自助退款限额 {limit}。要取消此订单，请提交支持请求。";
    FileSupportRequest => "File a support request", "提交支持请求";
    AlreadyCancelledText => "This order is already cancelled or being cancelled.", "此订单已取消或正在取消。";
    NothingToRefundText => "Everything paid for this order has been credited already (an approved refund): cancelling it would credit nothing.",
        "此订单的已付款项已全部退还（已批准的退款）：取消不会退还任何信用额度。";
    CreditCapped => "Limited to what is left to credit: {credited} of {paid} was credited already.", "以剩余可退金额为限：{paid} 中已退还 {credited}。";
    CreditPreview => "Credit: {credit}", "信用额度：{credit}";
    CreditFull => "100% of what was paid, on next month's invoice.", "已付款项的 100%，将显示在下月发票上。";
    CreditProrated => "Prorated: {unused} unused days of {days}, on next month's invoice.", "按比例计算：{days} 天中未使用的 {unused} 天，将显示在下月发票上。";
    Important => "Important", "重要";
    ImportantText => "Cancelling revokes all product keys and download links of this order, for you and for your customer: they stop working. You and your customer must stop using the software, uninstall it and delete it. The purchase stays listed on the customer's Software page, without an activation key. The credit — 100% for perpetual software, prorated for subscriptions — appears on next month's invoice.",
        "取消将吊销此订单的所有产品密钥和下载链接（对你和你的客户均适用）：它们将无法再使用。你和你的客户必须停止使用、卸载并删除该软件。该购买项仍会列在客户的“软件”页面上，但没有激活密钥。信用额度（永久软件为 100%，订阅按比例计算）将显示在下月发票上。";
    ConfirmRead => "I have read the Important message.", "我已阅读“重要”消息。";
    Submit => "Submit", "提交";
    CloseDialog => "Cancel", "取消";
    Close => "Close", "关闭";
    CancellationRequested => "Cancellation requested for order {id}. It can take up to 15 minutes; until then the purchase shows as pending.",
        "已请求取消订单 {id}。最多可能需要 15 分钟；在此之前，该购买项显示为待处理。";
    PendingNote => "Cancellation pending — this can take up to 15 minutes", "取消待处理 — 最多可能需要 15 分钟";
    Print => "Print", "打印";

    // -- errors, by the API's code (and the app's own) --
    ErrBadRequest => "The request was not valid. Reload the page and try again.", "请求无效。请重新加载页面，然后重试。";
    ErrInvalidDateRange => "The date range is not valid.", "日期范围无效。";
    ErrIdempotencyKeyRequired => "The request could not be sent safely. Reload the page and try again.", "无法安全地发送请求。请重新加载页面，然后重试。";
    ErrUnauthenticated => "Your session has ended. Sign in to continue.", "你的会话已结束。请登录以继续。";
    ErrInvalidCredentials => "The email address or password is incorrect.", "电子邮件地址或密码不正确。";
    ErrForbidden => "You don't have permission to do this.", "你没有执行此操作的权限。";
    ErrForbiddenNeedsRole => "You need the {roles} role to {action}.", "你需要{roles}角色才能{action}。";
    ErrNotFound => "This item doesn't exist, or it isn't available to you.", "此项不存在，或者你无法访问。";
    ErrRequestTimeout => "The request took too long. Please try again.", "请求用时过长。请重试。";
    ErrSubscriptionEnded => "Its term has ended: it was renewed or it expired, so its renewal can no longer change.", "其期限已结束：已续订或已过期，因此无法再更改续订设置。";
    ErrNotRenewable => "Perpetual licences and software plans have no term to renew.", "永久许可证和软件计划没有可续订的期限。";
    ErrAlreadyCancelled => "This order is cancelled or being cancelled: its credit is booked or on its way, so no refund can be requested or approved for it.", "此订单已取消或正在取消：其信用额度已记入或正在记入，因此无法再为其申请或批准退款。";
    ErrInvalidStatusChange => "This status change isn't possible from the request's current status.", "无法从请求的当前状态进行此状态更改。";
    ErrTwoStepEnabled => "Two-step sign-in is on already.", "两步登录已经开启。";
    ErrTwoStepNotStarted => "No key is waiting for a code: start the setup again.", "没有等待验证码的密钥：请重新开始设置。";
    ErrLastGlobalAdmin => "Your organization needs at least one active Global admin: give the role to someone else first.", "你的组织至少需要一名有效的全局管理员：请先将该角色授予他人。";
    RoleNotForKind => "This role is not one this kind of user can hold.", "此类用户不能担任该角色。";
    SsoIssuerRules => "Enter the provider's issuer URL, starting with https://.", "请输入以 https:// 开头的身份提供者颁发者 URL。";
    SsoIssuerUnreachable => "No OpenID Connect discovery document could be read at this issuer.", "无法在此颁发者处读取 OpenID Connect 发现文档。";
    SsoDomainsTaken => "Another organization signs in one of these domains at its provider.", "其中某个域已由其他组织的身份提供者登录。";
    SsoSecretRequired => "Enter the client secret the provider gave you.", "请输入身份提供者提供的客户端密码。";
    ErrSsoRequired => "Your organization signs in with its own account: leave the password empty and choose Sign in.", "你的组织使用自己的帐户登录：请将密码留空，然后选择“登录”。";
    ActionManageIdentityProvider => "set up single sign-on", "设置单一登录";
    SsoDomainsRules => "Enter 1 to {max} e-mail domains such as litware.example.", "请输入 1 到 {max} 个电子邮件域，例如 litware.example。";
    SsoDenied => "The sign-in was cancelled at your organization's sign-in page. Try again, or ask your administrator for access.", "已在你组织的登录页面取消登录。请重试，或向管理员申请访问权限。";
    SsoExpired => "That sign-in took too long or was used already. Please sign in again.", "该登录耗时过长或已被使用。请重新登录。";
    SsoInvalid => "Your organization's sign-in could not be checked. Please try again; if it keeps happening, ask your administrator.", "无法验证你组织的登录。请重试；如果问题仍然存在，请联系管理员。";
    SsoNotInvited => "This account has no access here. Ask an administrator of your organization to invite you.", "此帐户在此处没有访问权限。请让你组织的管理员邀请你。";
    ErrLastSupportLead => "The support organization needs at least one active Support lead: make someone else a lead first.", "支持组织至少需要一名有效的支持主管：请先将他人设为主管。";
    ErrInvalidLink => "This link is not valid any more: it was used already or has expired. Ask for a new one.", "此链接已失效：它已被使用或已过期。请重新申请。";
    ErrRevoked => "This key or download was revoked: the purchase was cancelled, or its term ended without renewal.", "此密钥或下载已被吊销：购买已取消，或其期限结束且未续订。";
    ErrPayloadTooLarge => "What you sent is too large.", "发送的内容太大。";
    ErrRangeNotSatisfiable => "The download could not be resumed. Start it again.", "无法继续下载。请重新开始下载。";
    ErrValidationFailed => "Check the highlighted fields.", "请检查突出显示的字段。";
    ErrIdempotencyKeyReused => "This was already submitted once with different details. Start a new order or request.", "此内容已使用不同的详细信息提交过。请重新下单或提交新请求。";
    ErrOfferUnavailable => "This product isn't available for this customer.", "此产品不适用于此客户。";
    ErrCancellationWindowPassed => "The cancellation window has passed; this purchase can no longer be cancelled.", "取消期限已过；无法再取消此购买。";
    ErrNotCancellable => "This product cannot be cancelled.", "无法取消此产品。";
    ErrNeedsSupportRequest => "The credit due is above your self-service refund limit. File a support request instead.", "应退信用额度超过你的自助退款限额。请改为提交支持请求。";
    ErrConfirmationRequired => "Confirm that you have read the Important message.", "请确认你已阅读“重要”消息。";
    ErrNothingToRefund => "Everything paid for this order has been credited or is being credited: there is nothing left to refund.", "此订单的已付款项已全部退还或正在退还：没有可退款的金额。";
    ErrTooManyAttempts => "Too many attempts. Try again in {minutes} minutes.", "尝试次数过多。请在 {minutes} 分钟后重试。";
    ErrTooManyAttemptsSoon => "Too many attempts at once. Try again in a moment.", "同时尝试的次数过多。请稍后重试。";
    ErrInternal => "Something went wrong on our side. Please try again; if it keeps happening, contact support.", "我们这边出现了问题。请重试；如果问题仍然存在，请联系支持人员。";
    ErrUnavailable => "The service is unavailable for a moment. Please try again shortly.", "服务暂时不可用。请稍后重试。";
    ErrQuotaExceeded => "Your organization's attached files have reached their storage limit. Contact support to raise it.", "你的组织附加的文件已达到存储上限。请联系支持人员提高上限。";
    ErrTooManyUploads => "Too many uploads at the moment. Please try again in a minute.", "当前上传过多。请一分钟后重试。";
    ErrTooManyUploadsLater => "You have sent as many uploads as an hour allows. Try again in {minutes} minutes.", "你已达到每小时的上传次数上限。请在 {minutes} 分钟后重试。";

    // -- field problems, by code --
    FieldRequired => "This is required.", "此项为必填项。";
    FieldTooLong => "This is too long.", "内容过长。";
    FieldInvalidEmail => "Enter an email address like name@example.com.", "请输入类似 name@example.com 的电子邮件地址。";
    FieldInvalid => "This value is not valid.", "此值无效。";
    FieldUnknownValue => "Choose one of the values offered.", "请选择所提供的选项之一。";
    EmailTooLong => "An email address has at most {max} characters.", "电子邮件地址最多 {max} 个字符。";
    PasswordTooLong => "A password has at most {max} characters.", "密码最多 {max} 个字符。";
    PasswordTooShort => "Use at least {min} characters; a few words make a good password.", "请至少使用 {min} 个字符；几个单词组合即是好密码。";
    PasswordCommon => "This password is too easy to guess. Choose another, such as a few unrelated words.", "此密码太容易被猜到。请另选一个，例如几个不相关的单词。";
    EmailTaken => "This address already has an account.", "此地址已有帐户。";
    CurrentPasswordWrong => "This is not your current password.", "这不是你当前的密码。";

    // -- date ranges --
    RangeNotADate => "Enter dates like 2026-11-24.", "请输入类似 2026-11-24 的日期。";
    RangeInverted => "The end date is before the start date.", "结束日期早于开始日期。";
    RangeTooLong => "A date range can cover at most {days} days.", "一个日期范围最多 {days} 天。";

    // -- permissions: completes "You need the … role to …" --
    ActionViewCustomers => "view customers", "查看客户";
    ActionBuySoftware => "buy software for customers", "为客户购买软件";
    ActionCopyDeepLink => "copy software deep links", "复制软件深层链接";
    ActionViewActivityLog => "view the activity log", "查看活动日志";
    ActionCancelPurchase => "cancel purchases", "取消购买";
    ActionManageBilling => "change billing settings", "更改计费设置";
    ActionManageUsers => "manage users", "管理用户";
    ActionManageGlobalAdmins => "give or take the Global admin role", "授予或撤销全局管理员角色";
    ActionManageSupportAgents => "manage support agents", "管理支持人员";
    ActionAddCustomers => "add and edit customers", "添加和编辑客户";
    DomainRules => "Use 1 to {max} letters and digits (no spaces, dots or hyphens) before .onmicrosoft.com.", "在 .onmicrosoft.com 之前使用 1 到 {max} 个字母和数字（不含空格、点或连字符）。";
    DomainTaken => "This domain belongs to another customer already. Choose another one.", "此域已属于其他客户。请另选一个。";
    DomainAvailable => "{domain} is available.", "{domain} 可用。";
    DomainChecking => "Checking whether the domain is free…", "正在检查该域是否可用…";
    TaxIdRules => "Enter 2 to 32 letters, digits, spaces or - . / — or leave it empty.", "请输入 2 到 32 个字母、数字、空格或 - . /，也可留空。";
    MarketUnknown => "Choose the country or region from the list.", "请从列表中选择国家或地区。";
    AgreementRequired => "Confirm that the customer accepted the Microsoft Customer Agreement.", "请确认客户已接受 Microsoft 客户协议。";
    BillingAddressLines => "Enter the billing address in 1 to 5 lines.", "请用 1 到 5 行输入账单地址。";
    PaymentMethodCardNumber => "Enter a reference such as \"Visa ending 4242\", never a card number.", "请输入类似\"尾号 4242 的 Visa 卡\"的说明，切勿输入卡号。";

    // -- notifications: event types --
    EventOrderCreated => "An order was placed", "已下订单";
    EventCancellationRequested => "A cancellation was requested", "已申请取消";
    EventCancellationCompleted => "A purchase was cancelled (keys revoked)", "购买已取消（密钥已吊销）";
    EventCreditCreated => "A credit was booked", "已记入信用额度";
    EventSupportRequestCreated => "A support request was filed", "已提交支持请求";
    EventSupportRequestUpdated => "A support request changed or got a comment", "支持请求已更改或有新评论";
    EventWebhookTest => "Test event", "测试事件";
    EventWebhookDisabled => "A webhook endpoint was switched off", "Webhook 终结点已停用";
    EventUnknown => "Another event", "其他事件";

    // -- notifications: webhooks page --
    NavWebhooks => "Webhooks", "Webhook";
    ActionManageWebhooks => "manage webhooks", "管理 Webhook";
    WebhooksIntro => "Your own systems get a signed POST for each event you choose, retried with back-off for about 14 hours until they answer 2xx.", "你的系统会为所选的每个事件收到一个已签名的 POST 请求；在收到 2xx 响应之前，会以递增间隔重试约 14 小时。";
    WebhooksNone => "No endpoints yet.", "尚无终结点。";
    WebhookAdd => "Add endpoint", "添加终结点";
    WebhookUrl => "Endpoint URL", "终结点 URL";
    WebhookUrlHint => "An https:// address your systems receive on.", "你的系统接收请求的 https:// 地址。";
    WebhookEvents => "Events", "事件";
    WebhookCreate => "Add endpoint", "添加终结点";
    WebhookSecretOnce => "The signing secret of {url}. Copy it now: it is not shown again.", "{url} 的签名密钥。请立即复制：它不会再次显示。";
    WebhookSecret => "Signing secret", "签名密钥";
    WebhookActive => "Active", "已启用";
    WebhookInactive => "Switched off", "已停用";
    WebhookSwitchOn => "Switch on", "启用";
    WebhookSwitchOff => "Switch off", "停用";
    WebhookSendTest => "Send test event", "发送测试事件";
    WebhookTestSent => "Test event {id} is on its way; it appears in the delivery log below.", "测试事件 {id} 正在发送，将显示在下方的传递日志中。";
    WebhookRotate => "Rotate secret", "轮换密钥";
    WebhookRotated => "The new secret is below. For {hours} hours deliveries are signed with the old secret too.", "新密钥如下。在 {hours} 小时内，传递仍会同时使用旧密钥签名。";
    WebhookDelete => "Remove endpoint", "删除终结点";
    WebhookDeleteConfirm => "Remove {url}? Deliveries not yet made are dropped.", "删除 {url}？尚未进行的传递将被丢弃。";
    WebhookDeliveries => "Delivery log", "传递日志";
    WebhookNoDeliveries => "Nothing delivered yet.", "尚无传递记录。";
    ColEvent => "Event", "事件";
    ColResult => "Result", "结果";
    ColAttempts => "Attempts", "尝试次数";
    ColDuration => "Duration", "耗时";
    ColNextAttempt => "Next attempt", "下次尝试";
    DeliveryPending => "Waiting", "等待中";
    DeliverySending => "Sending", "正在发送";
    DeliveryDelivered => "Delivered", "已传递";
    DeliveryFailed => "Failed", "失败";
    DeliverySkipped => "Not sent", "未发送";
    DisabledBecause => "Switched off: {reason}", "已停用：{reason}";
    WebhookSignatureHelp => "Each delivery carries Webhook-Id (the event id: drop repeats) and Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" with the secret>.", "每次传递都带有 Webhook-Id（事件 ID：请丢弃重复项）和 Webhook-Signature: t=<Unix 秒>,v1=<使用密钥对 \"<t>.<body>\" 计算的十六进制 HMAC-SHA256>。";
    WebhookUrlInvalid => "Enter an address like https://hooks.example.com/csp.", "请输入类似 https://hooks.example.com/csp 的地址。";
    WebhookUrlHttps => "Use https://: deliveries carry your customers' data.", "请使用 https://：传递内容包含你客户的数据。";
    WebhookUrlCredentials => "Leave the user name and password out of the address; verify the signature instead.", "地址中不要包含用户名和密码；请改为验证签名。";
    WebhookUrlPrivate => "This address is inside a private network or on this server; deliveries only go to public addresses.", "此地址位于专用网络内或本服务器上；传递只会发往公共地址。";
    WebhookEventsRequired => "Choose at least one event.", "请至少选择一个事件。";
    WebhookEventUnknown => "One of the events is not one an endpoint can receive.", "其中一个事件不是终结点可接收的事件。";
    WebhookEndpoints => "Endpoints", "终结点";
    WebhookCopySecret => "Copy secret", "复制密钥";
    WebhookCreatedBy => "{time} by {by}", "{time}，由 {by} 创建";
    WebhookOldSecretUntil => "Until {time} deliveries are signed with the previous secret too.", "在 {time} 之前，传递仍会同时使用旧密钥签名。";
    DeliveryHttpStatus => "HTTP {status}", "HTTP {status}";
    DurationMs => "{ms} ms", "{ms} 毫秒";

    // -- notifications: profile --
    NavProfile => "Profile", "个人资料";
    ProfileIntro => "The language of your mails, and the mails you want.", "你的邮件语言，以及你希望收到的邮件。";
    MailLanguage => "Language of mails", "邮件语言";
    MailOrderConfirmations => "Mail me a confirmation of each order I place", "为我下的每个订单向我发送确认邮件";
    MailSupportUpdates => "Mail me when support changes or comments on a request I filed", "当支持人员更改或评论我提交的请求时向我发送邮件";
    MailAlwaysSent => "Mails about cancelled purchases and switched-off webhooks are always sent.", "有关已取消的购买和已停用 Webhook 的邮件始终会发送。";
    SaveProfile => "Save", "保存";
    ProfileSaved => "Saved.", "已保存。";
    LanguageUnknown => "Choose English or 简体中文.", "请选择 English 或简体中文。";
    PasswordSection => "Password", "密码";
    CurrentPassword => "Current password", "当前密码";
    PasswordChanged => "Your password is changed. Your other sessions have ended.", "你的密码已更改。你的其他会话已结束。";
    TwoStepHeading => "Two-step sign-in", "两步登录";
    TwoStepPrompt => "Enter the 6-digit code your authenticator app shows, or one of your recovery codes.", "请输入身份验证器应用显示的 6 位验证码，或你的一个恢复码。";
    TwoStepCodeLabel => "Code", "验证码";
    TwoStepVerify => "Verify", "验证";
    TwoStepVerifying => "Checking the code…", "正在检查验证码…";
    TwoStepStartOver => "Sign in again", "重新登录";
    TwoStepExpired => "This sign-in waited too long for its code. Sign in again.", "此次登录等待验证码的时间过长。请重新登录。";
    TwoStepCopyCodes => "Copy codes", "复制恢复码";
    RememberDaysUnknown => "Choose 7 or 30 days.", "请选择 7 天或 30 天。";
    RememberBrowser => "Ask for a code on this browser", "在此浏览器上要求验证码";
    RememberEveryTime => "Every time", "每次";
    RememberWeek => "Not again for 7 days", "7 天内不再要求";
    RememberMonth => "Not again for 30 days", "30 天内不再要求";
    DevicesHeading => "Where you are signed in", "你的登录位置";
    DevicesIntro => "Each browser you signed in with, most recently used first. Sign out of any you do not recognise, and change your password.", "你登录过的每个浏览器，最近使用的在前。请退出你不认识的会话，并更改密码。";
    DevicesTable => "Your sessions", "你的会话";
    UserChangesHeading => "Changes to users", "用户变更";
    TenantUsersHeading => "Users", "用户";
    TenantUsersIntro => "The people of your organization who can sign in here to reach product keys and downloads.", "你的组织中可以在此登录以获取产品密钥和下载的人员。";
    TenantUsersTable => "Your organization's users", "你的组织的用户";
    UserChangesTable => "Recorded changes", "已记录的变更";
    UserChangesIntro => "The latest 200 changes of your organization's users: who made each, and from where.", "你的组织最近 200 条用户变更：由谁进行、来自何处。";
    NoUserChanges => "No changes to users yet.", "尚无用户变更。";
    ColBy => "By", "操作者";
    ColChange => "Change", "变更";
    ChangeInvited => "Invited as {roles}", "受邀，角色：{roles}";
    ChangeRolesTo => "Roles: {before} → {after}", "角色：{before} → {after}";
    ChangeDeactivated => "Deactivated", "已停用";
    ChangeReactivated => "Reactivated", "已重新启用";
    ChangePasswordSet => "Set a first password from the invitation", "通过邀请设置了初始密码";
    ChangeResetRequested => "Asked for a password reset link", "请求了密码重置链接";
    ChangePasswordReset => "Reset the password from a link", "通过链接重置了密码";
    ChangePasswordChanged => "Changed the password", "更改了密码";
    ChangeTwoStepOn => "Turned two-step sign-in on", "开启了两步登录";
    ChangeTwoStepOff => "Turned two-step sign-in off", "关闭了两步登录";
    ChangeRecoveryCode => "Signed in with a recovery code", "使用恢复码登录";
    ChangeSsoLinked => "Linked to an account at the organization's identity provider", "已关联到组织身份提供者的帐户";
    ChangeSsoCreated => "Let in at the first sign-in through the organization's identity provider, with no roles", "在首次通过组织身份提供者登录时进入，无角色";
    ChangeTwoStepReset => "Two-step sign-in turned off by the operator", "运营方关闭了两步登录";
    ColDevice => "Browser", "浏览器";
    ColAddress => "Address", "地址";
    ColSignedIn => "Signed in", "登录时间";
    ColLastActive => "Last active", "上次活动";
    DeviceOn => "{browser} on {system}", "{system} 上的 {browser}";
    DeviceUnknown => "Unknown browser", "未知浏览器";
    ThisDevice => "This browser", "此浏览器";
    SignOutDevice => "Sign out", "退出";
    SignOutDeviceLabel => "Sign out {device}, last active {time}", "退出 {device}（上次活动 {time}）";
    SignOutOthers => "Sign out everywhere else", "退出所有其他会话";
    DeviceSignedOut => "Signed out: {device}.", "已退出：{device}。";
    OthersSignedOut => "Signed out everywhere else.", "已退出所有其他会话。";
    TwoStepRequiredNotice => "Two-step sign-in is required for your account. Set it up below to go on.", "你的帐户需要两步登录。请在下方完成设置后继续。";
    ErrTwoStepRequired => "Two-step sign-in is required for your account: it has to be on.", "你的帐户需要两步登录：必须开启。";
    TwoStepPolicyHeading => "Two-step sign-in", "两步登录";
    TwoStepPolicyEveryone => "Require two-step sign-in of every user of {organization}", "要求 {organization} 的每个用户使用两步登录";
    TwoStepPolicyHint => "Users who have not set it up are asked to at their next request. Without this, it is required of the roles that buy, cancel or manage users where the operator says so.", "尚未设置的用户会在下次请求时被要求设置。未勾选时，仅在运营方要求时对可购买、取消或管理用户的角色强制。";
    TwoStepPolicySaved => "Saved.", "已保存。";
    TwoStepCodeRequired => "Enter the code from your authenticator app.", "请输入身份验证器应用中的验证码。";
    TwoStepCodeMalformed => "Enter the 6 digits your authenticator app shows, or a recovery code.", "请输入身份验证器应用显示的 6 位数字，或一个恢复码。";
    TwoStepCodeWrong => "This code is not right, or it was used already. Enter the code your app shows now.", "此验证码不正确或已被使用。请输入应用当前显示的验证码。";
    TwoStepOff => "Off. With two-step sign-in, a stolen password is not enough to sign in as you.", "未开启。开启两步登录后，仅凭被盗的密码无法以你的身份登录。";
    TwoStepOn => "On. Recovery codes left: {count}.", "已开启。剩余恢复码：{count} 个。";
    TwoStepSetUp => "Set up two-step sign-in", "设置两步登录";
    TwoStepScan => "Scan this QR code with an authenticator app (Microsoft Authenticator, Google Authenticator, 1Password, …) or type the key into it, then enter the code it shows.", "使用身份验证器应用（Microsoft Authenticator、Google Authenticator、1Password 等）扫描此二维码或输入密钥，然后输入应用显示的验证码。";
    TwoStepKeyLabel => "Key", "密钥";
    TwoStepQrLabel => "QR code for your authenticator app", "用于身份验证器应用的二维码";
    TwoStepConfirm => "Turn on", "开启";
    TwoStepRecoveryIntro => "Two-step sign-in is on. Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are shown only now.", "两步登录已开启。请将这些恢复码保存在安全的地方：如果丢失手机，每个恢复码可让你登录一次。它们只显示这一次。";
    TwoStepRecoveryLabel => "Recovery codes", "恢复码";
    TwoStepTurnOff => "Turn off", "关闭";
    TwoStepTurnOffPrompt => "Enter your password to turn two-step sign-in off.", "输入你的密码以关闭两步登录。";
    TwoStepTurnedOff => "Two-step sign-in is off.", "两步登录已关闭。";

    // -- e-mail --
    MailSignature => "CSP Software Center", "CSP 软件中心";
    MailWhyOptional => "You get this mail because it is switched on in your profile: {link}", "你收到此邮件是因为你在个人资料中启用了它：{link}";
    MailWhyService => "This is a service message about your account; it is always sent.", "这是关于你帐户的服务消息，始终会发送。";
    MailOrderSubject => "Order confirmed for {customer}: {total}", "{customer} 的订单已确认：{total}";
    MailOrderBody => "Your order for {customer} was placed. Order ID: {order}.", "你为 {customer} 下的订单已提交。订单 ID：{order}。";
    MailOrderLine => "{quantity} × {product} ({sku}): {amount}", "{quantity} × {product}（{sku}）：{amount}";
    MailOrderTotal => "Total: {total} ({tax})", "总计：{total}（{tax}）";
    MailTaxIncluded => "tax included", "含税";
    MailTaxExcluded => "excluding tax", "不含税";
    MailSeeOrder => "See the order: {link}", "查看订单：{link}";
    MailCancelledSubject => "Your purchase of {product} was cancelled", "你购买的 {product} 已取消";
    MailCancelledBody => "The purchase of {product} for {customer} was cancelled by your partner (order {order}).", "你的合作伙伴已取消为 {customer} 购买的 {product}（订单 {order}）。";
    MailCancelledBodyRefund => "The purchase of {product} for {customer} was cancelled when a refund of it was approved (order {order}).", "为 {customer} 购买的 {product} 已在其退款获批时取消（订单 {order}）。";
    MailCancelledRevoked => "Its product keys and download links have been revoked: they no longer work, for you or your partner. Stop using the software, uninstall it and delete it. The purchase stays listed on your Software page, without an activation key.", "其产品密钥和下载链接已被吊销：对你和你的合作伙伴均不再有效。请停止使用该软件，将其卸载并删除。该购买仍会列在你的“软件”页面上，但不再有激活密钥。";
    MailCancelledSee => "See your software: {link}", "查看你的软件：{link}";
    MailNewRequestSubject => "New support request {number}: {title}", "新支持请求 {number}：{title}";
    MailNewRequestBody => "{by} filed support request {number} ({type}).", "{by} 提交了支持请求 {number}（{type}）。";
    MailOpenRequest => "Open the request: {link}", "打开请求：{link}";
    MailStatusSubject => "Support request {number} is now {status}", "支持请求 {number} 的状态现为：{status}";
    MailStatusBody => "Support changed the status of your request {number} ({title}) to {status}.", "支持人员已将你的请求 {number}（{title}）的状态更改为：{status}。";
    MailCommentSubject => "New comment on support request {number}", "支持请求 {number} 有新评论";
    MailCommentBodySupport => "Support commented on your request {number} ({title}):", "支持人员对你的请求 {number}（{title}）发表了评论：";
    MailCommentBodyPartner => "{by} commented on request {number} ({title}):", "{by} 对请求 {number}（{title}）发表了评论：";
    MailFilesSubject => "New files on support request {number}", "支持请求 {number} 有新文件";
    MailFilesBody => "Files were added to request {number} ({title}).", "请求 {number}（{title}）中添加了文件。";
    MailNote => "Note: {note}", "备注：{note}";
    MailWebhookDisabledSubject => "Webhook endpoint switched off: {url}", "Webhook 终结点已停用：{url}";
    MailWebhookDisabledBody => "Deliveries to {url} kept failing, so the endpoint was switched off. Last error: {error}", "发往 {url} 的传递持续失败，因此该终结点已停用。最后一个错误：{error}";
    MailInvitationSubject => "Your CSP Software Center account for {organization}", "你在 CSP 软件中心的 {organization} 帐户";
    MailInvitationBody => "{by} invited you to CSP Software Center for {organization}. Set your password with this link within 7 days; it works once:", "{by} 邀请你加入 CSP 软件中心（{organization}）。请在 7 天内通过此链接设置密码；链接仅可使用一次：";
    MailResetSubject => "Reset your CSP Software Center password", "重置你的 CSP 软件中心密码";
    MailResetBody => "Someone asked to reset the password of {email}. If it was you, set a new password with this link within 60 minutes; it works once:", "有人请求重置 {email} 的密码。如果是你本人，请在 60 分钟内通过此链接设置新密码；链接仅可使用一次：";
    MailResetIgnore => "If it was not you, ignore this mail: your password stays as it is.", "如果不是你本人，请忽略此邮件：你的密码不会改变。";
    EventAccountInvitation => "An account was invited", "已邀请帐户";
    EventPasswordReset => "A password reset was asked for", "已请求重置密码";
    MailWebhookDisabledFix => "Fix the receiver, then switch the endpoint on again: {link}", "修复接收方后，请重新启用该终结点：{link}";

    // -- accounts --
    ForgotPasswordLink => "Forgot your password?", "忘记密码？";
    AcceptInvitationHeading => "Set your password", "设置密码";
    AcceptInvitationIntro => "Choose the password of your new account. The link from your invitation works once.", "为你的新帐户选择密码。邀请中的链接仅可使用一次。";
    ResetPasswordHeading => "Choose a new password", "选择新密码";
    ResetPasswordIntro => "Your new password replaces the old one, and your other sessions end. The link works once.", "新密码将替换旧密码，你的其他会话也将结束。该链接仅可使用一次。";
    NewPassword => "New password", "新密码";
    RepeatPassword => "Repeat the password", "再次输入密码";
    PasswordRuleHint => "At least {min} characters. A few unrelated words make a good password; common passwords are refused.", "至少 {min} 个字符。几个不相关的单词组合即是好密码；常见密码会被拒绝。";
    NewPasswordRequired => "Enter a new password.", "请输入新密码。";
    PasswordsDiffer => "The two passwords are not the same.", "两次输入的密码不一致。";
    SetPasswordButton => "Set password", "设置密码";
    SavePasswordButton => "Save new password", "保存新密码";
    SettingPassword => "Setting your password…", "正在设置密码…";
    LinkMissing => "This address has no link in it. Open the link from your mail again, or ask for a new one.", "此地址中没有链接信息。请重新打开邮件中的链接，或重新申请。";
    GoToSignIn => "Go to sign in", "前往登录";
    ForgotPasswordHeading => "Reset your password", "重置密码";
    ForgotPasswordIntro => "Enter the email address of your account: we mail you a link to choose a new password.", "请输入你帐户的电子邮件地址：我们会向你发送一个用于选择新密码的链接。";
    SendResetLink => "Send link", "发送链接";
    SendingResetLink => "Sending…", "正在发送…";
    ResetLinkSent => "If the address has an account, a link is on its way; it works for {minutes} minutes.", "如果该地址有帐户，链接正在发送中；链接在 {minutes} 分钟内有效。";
    NavUsers => "Users", "用户";
    UsersIntro => "The people of your organisation who sign in here, and their roles.", "在此登录的组织成员及其角色。";
    UsersList => "Users of your organisation", "组织的用户";
    ColRoles => "Roles", "角色";
    ColLastSignIn => "Last sign-in", "上次登录";
    UserActive => "Active", "有效";
    UserInvited => "Invited", "已邀请";
    UserDeactivated => "Deactivated", "已停用";
    NeverSignedIn => "Never", "从未";
    NoRoles => "No roles", "无角色";
    YouMarker => "(you)", "（你）";
    InviteHeading => "Invite a colleague", "邀请同事";
    InviteRoles => "Roles", "角色";
    InviteButton => "Send invitation", "发送邀请";
    InvitationCreated => "{email} is invited. The link below sets their password; it works once, for {days} days, and was also mailed to them if mail is configured. It is not shown again.", "已邀请 {email}。下方链接用于设置其密码；该链接仅可使用一次，有效期 {days} 天；如果已配置邮件，也已通过邮件发送给对方。该链接不会再次显示。";
    InvitationLink => "Invitation link", "邀请链接";
    ChangeRoles => "Change roles", "更改角色";
    ChangeRolesOf => "Change roles of {name}", "更改 {name} 的角色";
    RolesOf => "Roles of {name}", "{name} 的角色";
    SaveRoles => "Save", "保存";
    Deactivate => "Deactivate", "停用";
    DeactivateOf => "Deactivate {name}", "停用 {name}";
    Reactivate => "Reactivate", "重新启用";
    ReactivateOf => "Reactivate {name}", "重新启用 {name}";
    DeactivateConfirm => "Deactivate {name} ({email})? They can no longer sign in, and their sessions end now.", "停用 {name}（{email}）？对方将无法再登录，其会话也会立即结束。";
    ReactivateConfirm => "Reactivate {name} ({email})? They can sign in again.", "重新启用 {name}（{email}）？对方将可以再次登录。";
    RolesSaved => "Saved: {name} now has {roles}. It applies from their next step in the app.", "已保存：{name} 现在的角色为 {roles}。自其在应用中的下一步操作起生效。";
    UserWasDeactivated => "{name} is deactivated.", "{name} 已停用。";
    UserWasReactivated => "{name} is active again.", "{name} 已重新启用。";
    ErrOwnAccount => "You cannot deactivate your own account; ask another admin.", "你无法停用自己的帐户；请联系其他管理员。";
    Inviting => "Sending the invitation…", "正在发送邀请…";

    // -- not found --
    NotFoundHeading => "Page not found", "找不到页面";
    NotFoundBody => "The page you asked for doesn't exist or has moved.", "你请求的页面不存在或已移动。";
    GoHome => "Go to the home page", "转到主页";

    // -- customers: adding one, its company's details --
    AddCustomer => "Add customer", "添加客户";
    AddCustomerIntro => "A new customer tenant: the company, its primary domain and its first admin.", "新的客户租户：公司、其主域和第一位管理员。";
    DiscardCustomer => "Discard", "丢弃";
    StepCompany => "Company", "公司";
    StepDomain => "Domain", "域";
    StepFirstAdmin => "First admin", "第一位管理员";
    CompanyName => "Company name", "公司名称";
    CountryOrRegion => "Country or region", "国家或地区";
    ChooseCountry => "Choose a country or region", "选择国家或地区";
    BilledIn => "Prices and invoices in {currency}.", "价格和发票使用 {currency}。";
    AddressLine1 => "Address line 1", "地址第 1 行";
    AddressLine2 => "Address line 2 (optional)", "地址第 2 行（可选）";
    City => "City", "城市";
    Region => "State, province or region (optional)", "州、省或地区（可选）";
    PostalCode => "Postal code", "邮政编码";
    TaxIdOptional => "Tax ID (optional)", "税号（可选）";
    TaxIdHint => "A VAT number or another tax registration, as invoices show it.", "增值税号或其他税务登记号，与发票上显示的一致。";
    TaxId => "Tax ID", "税号";
    CompanyAddress => "Address", "地址";
    PrimaryDomain => "Primary domain", "主域";
    DomainHint => "Letters and digits; it cannot be changed later.", "字母和数字；之后无法更改。";
    FirstAdminIntro => "The customer's first admin gets a one-time link to set a password and open the customer admin center.", "客户的第一位管理员会收到一个一次性链接，用于设置密码并打开客户管理中心。";
    AgreementConfirm => "The customer accepted the Microsoft Customer Agreement", "客户已接受 Microsoft 客户协议";
    AddingCustomer => "Adding the customer…", "正在添加客户…";
    CustomerAdded => "Customer added", "客户已添加";
    CustomerAddedBody => "{customer} was added. {admin} ({email}) is its first admin: the link below sets their password. It works once, for {days} days, and was also mailed to them if mail is configured. It is not shown again.", "已添加 {customer}。{admin}（{email}）是其第一位管理员：下方链接用于设置其密码。该链接仅可使用一次，有效期 {days} 天；如果已配置邮件，也已通过邮件发送给对方。该链接不会再次显示。";
    CustomerAddedNoLink => "{customer} was added. {admin} ({email}) is its first admin: their one-time link to set a password came with the first answer and was mailed to them if mail is configured. It is not shown again.", "已添加 {customer}。{admin}（{email}）是其第一位管理员：用于设置密码的一次性链接已随首次响应提供；如果已配置邮件，也已通过邮件发送给对方。该链接不会再次显示。";
    OpenCustomer => "Open customer", "打开客户";
    BuyProduct => "Buy a product", "购买产品";
    TabCompany => "Company", "公司";
    NoAddress => "No address on record.", "没有地址记录。";
    NoTaxId => "None", "无";
    Agreement => "Microsoft Customer Agreement", "Microsoft 客户协议";
    AcceptedBy => "Accepted by", "接受人";
    AcceptedAt => "Accepted", "接受时间";
    ConfirmedBy => "Confirmed by", "确认人";
    TimeBoth => "{utc} UTC ({local} your time, {zone})", "{utc} UTC（你的当地时间 {local}，{zone}）";
    NoAgreementRecord => "Not on record: the customer was added before acceptances were kept.", "没有记录：该客户是在开始保存接受记录之前添加的。";
    EditDetails => "Edit details", "编辑详细信息";
    EditDetailsOf => "Details of {customer}", "{customer} 的详细信息";
    SaveChanges => "Save changes", "保存更改";
    DetailsSaved => "The details were saved.", "详细信息已保存。";
    NothingChanged => "Nothing was changed.", "未做任何更改。";
    DetailsChanges => "Changes of the details", "详细信息变更记录";
    NoCustomerChanges => "The details have not been changed since the customer was added.", "自添加客户以来，详细信息未被更改。";
    ChangeCustomerAdded => "Customer added", "已添加客户";
    EditBillingDetails => "Change the billing details", "更改账单详细信息";
    BillingAddressHint => "One line of the address per line, up to 5.", "每行输入地址的一行，最多 5 行。";
    PaymentMethodHint => "A reference such as \"Visa ending 4242\" or \"Bank transfer, 30 days net\" — never a card number.", "类似\"尾号 4242 的 Visa 卡\"或\"银行转账，30 天付款\"的说明，切勿输入卡号。";
    SaveBillingDetails => "Save details", "保存详细信息";
    BillingDetailsSaved => "The billing details were saved.", "账单详细信息已保存。";
    NoBillingDetailsChanges => "The details have not been changed.", "详细信息尚未更改。";
    NavSingleSignOn => "Single sign-on", "单一登录";
    SsoIntro => "Your organization's people sign in with their work account at your identity provider (OpenID Connect, such as Microsoft Entra ID) instead of a password here.", "你组织的人员使用其工作帐户在你的身份提供者（OpenID Connect，例如 Microsoft Entra ID）处登录，而不是在此处使用密码。";
    SsoNotSetUp => "Single sign-on is not set up: everyone signs in with a password.", "尚未设置单一登录：所有人均使用密码登录。";
    SsoOnFor => "Single sign-on is on for {domains}.", "已为 {domains} 启用单一登录。";
    SsoRedirectUri => "Redirect URI", "重定向 URI";
    SsoRedirectUriHint => "Register this address at your provider as the redirect URI of the app you add there for CSP Software Center.", "请在身份提供者处将此地址注册为你为 CSP Software Center 添加的应用的重定向 URI。";
    CopyRedirectUri => "Copy redirect URI", "复制重定向 URI";
    SsoIssuer => "Issuer URL", "颁发者 URL";
    SsoIssuerHint => "For example https://login.microsoftonline.com/<tenant ID>/v2.0", "例如 https://login.microsoftonline.com/<租户 ID>/v2.0";
    SsoClientId => "Client ID", "客户端 ID";
    SsoClientSecret => "Client secret", "客户端密码";
    SsoClientSecretFirst => "The secret your provider shows when you add the app there. It is never shown here again.", "你在身份提供者处添加应用时显示的密码。此处不会再次显示它。";
    SsoClientSecretKeep => "A secret is stored: leave this empty to keep it, or enter a new one.", "已保存客户端密码：留空可保留它，或输入新的密码。";
    SsoDomains => "Email domains", "电子邮件域";
    SsoDomainsHint => "One per line, such as litware.example: people whose email address ends in one of them sign in at your provider.", "每行一个，例如 litware.example：电子邮件地址以其中之一结尾的人员将在你的身份提供者处登录。";
    SsoRequire => "Require single sign-on (Global admins keep their passwords)", "要求单一登录（全局管理员保留其密码）";
    SsoRequireHint => "The other people of your organization then cannot sign in with a password here. Global admins keep theirs, to get in when the provider is down.", "此后你组织的其他人员将无法在此处使用密码登录。全局管理员保留其密码，以便在身份提供者不可用时登录。";
    SsoAllowJit => "Let people of these domains in at their first sign-in, with no roles", "允许这些域的人员在首次登录时进入（无角色）";
    SsoAllowJitHint => "Someone nobody invited gets an account when the provider signs them in; a Global admin then gives them roles under Users. Leave it off to let in only the people you invite.", "未受邀请的人员在身份提供者为其登录时会获得帐户；随后由全局管理员在“用户”下为其分配角色。保持关闭则仅允许你邀请的人员进入。";
    SaveSso => "Save", "保存";
    SsoSaved => "Single sign-on was saved.", "单一登录已保存。";
    SsoRemove => "Remove single sign-on", "移除单一登录";
    SsoRemoveConfirm => "Your organization's people will sign in with a password again; those who have none set one with \"Forgot your password?\".", "你组织的人员将重新使用密码登录；没有密码的人员可通过“忘记密码？”设置密码。";
    SsoRemoved => "Single sign-on was removed: everyone signs in with a password.", "单一登录已移除：所有人均使用密码登录。";
    SignInSsoHint => "Not needed if your organization signs in with its own account (single sign-on): your email is enough.", "如果你的组织使用自己的帐户登录（单一登录），则无需密码：只需电子邮件地址。";
    ErrorReference => "Reference: {id}", "参考编号：{id}";
    AuditLog => "Audit log", "审核日志";
    AuditLogIntro => "Everything your organization's people did here — orders, cancellations, support requests, customers, settings, users and sign-ins — and what support did for you, newest first. Entries cannot be changed or removed.", "你组织的人员在此执行的所有操作（订单、取消、支持请求、客户、设置、用户和登录）以及支持团队为你执行的操作，按时间从新到旧排列。条目无法更改或删除。";
    AuditKeyAccessLink => "Who revealed keys or downloaded software: the activity log", "谁显示了密钥或下载了软件：活动日志";
    AuditActor => "Person (email)", "人员（电子邮件）";
    AuditAllActions => "All actions", "所有操作";
    AuditTarget => "Target", "对象";
    AuditDetail => "Details", "详细信息";
    AuditWhere => "Address and request", "地址和请求";
    AuditLoadMore => "Show older entries", "显示更早的条目";
    AuditNone => "Nothing was recorded for these filters.", "没有符合这些筛选条件的记录。";
    AuditDatesOrder => "The first day must not be after the last.", "开始日期不能晚于结束日期。";
    AuditSignedIn => "Signed in", "已登录";
    AuditSignInFailed => "Sign-in failed", "登录失败";
    AuditOrderPlaced => "Order placed", "已下订单";
    AuditCancellationRequested => "Cancellation requested", "已请求取消";
    AuditSupportRequestFiled => "Support request filed", "已提交支持请求";
    AuditSupportRequestStatusChanged => "Support request status changed", "支持请求状态已更改";
    AuditSupportRequestCommented => "Support request comment", "支持请求评论";
    AuditCustomerAdded => "Customer added", "已添加客户";
    AuditCustomerChanged => "Customer details changed", "客户详细信息已更改";
    AuditBillingProfileChanged => "Billing profile changed", "帐单配置文件已更改";
    AuditUserInvited => "User invited", "已邀请用户";
    AuditUserChanged => "User changed", "用户已更改";
    AuditWebhookCreated => "Webhook added", "已添加 Webhook";
    AuditWebhookChanged => "Webhook changed", "Webhook 已更改";
    AuditWebhookDeleted => "Webhook removed", "已删除 Webhook";
    AuditIdentityProviderSet => "Single sign-on set up", "已设置单一登录";
    AuditIdentityProviderRemoved => "Single sign-on removed", "已移除单一登录";
    AuditTwoStepPolicyChanged => "Two-step sign-in rule changed", "两步登录规则已更改";
    AuditPasswordChanged => "Password changed", "密码已更改";
    AuditTwoStepEnabled => "Two-step sign-in turned on", "已启用两步登录";
    AuditTwoStepDisabled => "Two-step sign-in turned off", "已关闭两步登录";
    AuditSessionsEnded => "Sessions ended", "会话已结束";
    AuditProfileChanged => "Profile changed", "个人资料已更改";
    AuditActivityLogExported => "Activity log exported", "已导出活动日志";
    AuditAuditLogExported => "Audit log exported", "已导出审核日志";
    AuditLogIntroSupport => "Everything the support organisation's agents did here — status changes, approvals, comments, users and sign-ins — newest first. Entries cannot be changed or removed.", "支持组织的客服人员在此执行的所有操作（状态更改、批准、评论、用户和登录），按时间从新到旧排列。条目无法更改或删除。";
    AuditSignedOut => "Signed out", "已注销";
    AuditInvitationAccepted => "Invitation accepted, password set", "已接受邀请并设置密码";
    AuditPasswordReset => "Password reset from a link", "已通过链接重置密码";
    AuditCancellationCompleted => "Cancellation processed", "已处理取消";
    AuditAutoRenewChanged => "Auto-renew changed", "自动续订已更改";
    AuditSubscriptionRenewed => "Subscription renewed", "订阅已续订";
    AuditSubscriptionExpired => "Subscription expired", "订阅已过期";
    EventDeadlineReminder => "A term ends or a cancellation window closes soon", "期限即将结束或取消期即将截止";
    MailReminderRenewSubject => "{product} for {customer} renews on {date}", "{customer} 的 {product} 将于 {date} 续订";
    MailReminderExpireSubject => "{product} for {customer} expires on {date}", "{customer} 的 {product} 将于 {date} 过期";
    MailReminderWindowSubject => "The cancellation window of {product} for {customer} closes on {date}", "{customer} 的 {product} 的取消期将于 {date} 截止";
    MailReminderRenewBody => "{product} of {customer} (order {order}) renews automatically on {date} UTC, in {days} days: a new order at today's price of {price}, charged on that month's invoice. To let it expire instead, turn off auto-renew on the customer's Software tab before then.", "{customer} 的 {product}（订单 {order}）将于 {date} UTC（{days} 天后）自动续订：按今日价格 {price} 生成新订单，计入当月发票。如要让其过期，请在此之前在客户的“软件”选项卡上关闭自动续订。";
    MailReminderExpireBody => "{product} of {customer} (order {order}) expires on {date} UTC, in {days} days: its product keys and downloads then stop working. To renew it, turn on auto-renew on the customer's Software tab before then.", "{customer} 的 {product}（订单 {order}）将于 {date} UTC（{days} 天后）过期：届时其产品密钥和下载将停止工作。如要续订，请在此之前在客户的“软件”选项卡上开启自动续订。";
    MailReminderWindowBody => "Order {order} of {customer} ({product}) can be cancelled with a credit until {date} UTC, {days} more days; after that it can no longer be cancelled.", "{customer} 的订单 {order}（{product}）可在 {date} UTC 之前取消并获得信用额度，还剩 {days} 天；此后将无法取消。";
    MailReminderSee => "Open the customer's software", "打开客户的软件";
    AuditBySystem => "CSP Software Center (automatic)", "CSP 软件中心（自动）";
    SignInWithMicrosoft => "Sign in with Microsoft", "使用 Microsoft 登录";
    SignInWithMicrosoftHint => "Followed a link from your partner? Sign in with your organization's Microsoft account.", "是否点击了合作伙伴发送的链接？请使用你组织的 Microsoft 帐户登录。";
    SignInOr => "or", "或";
}

/// The Chinese texts in key order, as JSON: the contents of `zh-CN.json`.
#[cfg(not(target_arch = "wasm32"))]
pub fn chinese_table_json() -> String {
    let texts: Vec<&str> = Msg::ALL.iter().map(|m| m.chinese()).collect();
    serde_json::to_string(&texts).expect("strings serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chinese_table_lists_every_key_in_order() {
        let table: Vec<String> = serde_json::from_str(&chinese_table_json()).unwrap();
        assert_eq!(table.len(), Msg::ALL.len());
        assert_eq!(Msg::ALL.len(), Msg::COUNT);
        for (i, &key) in Msg::ALL.iter().enumerate() {
            assert_eq!(key.index(), i);
            assert_eq!(table[i], key.chinese(), "{key:?}");
        }
    }

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
            let (en, zh) = (key.english(), key.chinese());
            assert!(
                !en.trim().is_empty() && !zh.trim().is_empty(),
                "{key:?} has an empty text"
            );
            assert_eq!(placeholders(en), placeholders(zh), "{key:?}");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let text = fill(
            "Showing {first}–{last} of {total} customers",
            &[("first", &1), ("last", &25), ("total", &33)],
        );
        assert_eq!(text, "Showing 1–25 of 33 customers");
        // Twice the same name, a value that looks like a placeholder, braces without an
        // argument, an unclosed brace, and Chinese around them.
        let text = fill("{a}、{a}：{b} {c} {{a}} {", &[("a", &"甲"), ("b", &"{a}")]);
        assert_eq!(text, "甲、甲：{a} {c} {甲} {");
        assert_eq!(
            Msg::FieldTooManyFiles.english_with(&[("max", &5)]),
            "Attach at most 5 files."
        );
    }
}
