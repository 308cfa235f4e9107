//! Partner roles and what each may do (SPEC R-ROLE). The one table of the product: the UI asks
//! it to hide or disable controls, the server asks it to refuse requests.

use csp_messages::Msg;
use serde::{Deserialize, Serialize};

use crate::session::UserKind;

/// A user's role: the five partner roles (wire names fixed by SPEC §10), and the support
/// organisation's one, Support lead (manages the support agents). Roles belong to one kind of
/// user: [`Role::for_kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    AdminAgent,
    GlobalAdmin,
    AccountAdmin,
    ReferralAdmin,
    MarketingContentAdmin,
    SupportLead,
}

/// Something a partner user may be allowed to do. Travels with a `forbidden` error so a client
/// can say, in its own language, which roles would allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// List customers and open their details pages: every partner role.
    ViewCustomers,
    /// Buy and manage software for customers (R-ROLE-1).
    BuySoftware,
    /// Copy a customer's software deep link (R-ROLE-2).
    CopySoftwareDeepLink,
    /// Read the activity log of key access and downloads (R-ROLE-3).
    ViewActivityLog,
    /// Cancel a purchase (R-ROLE-4).
    CancelPurchase,
    /// Change the partner's billing settings, such as its self-service refund limit (R-CAN-6).
    ManageBillingSettings,
    /// Register and manage the partner's webhook endpoints.
    ManageWebhooks,
    /// Invite the partner's users, change their roles, deactivate them (Global admins; Account
    /// admins for everyone but Global admins).
    ManageUsers,
    /// Give or take the Global admin role, or change a Global admin.
    ManageGlobalAdmins,
    /// Invite the support organisation's agents, make them leads, deactivate them.
    ManageSupportAgents,
    /// Add customers and edit their company details (Admin agents and Global admins, as
    /// buying: R-ROLE-1).
    AddCustomers,
    /// Set up the partner's identity provider for single sign-on (Global admins).
    ManageIdentityProvider,
}

impl Role {
    /// The partner roles (R-ROLE), in Partner Center's order.
    pub const ALL: [Role; 5] = [
        Role::AdminAgent,
        Role::GlobalAdmin,
        Role::AccountAdmin,
        Role::ReferralAdmin,
        Role::MarketingContentAdmin,
    ];
    /// The support organisation's roles.
    pub const SUPPORT: [Role; 1] = [Role::SupportLead];

    /// The roles a user of `kind` may hold (a customer's users have none).
    pub fn for_kind(kind: UserKind) -> &'static [Role] {
        match kind {
            UserKind::Partner => &Role::ALL,
            UserKind::Support => &Role::SUPPORT,
            UserKind::Customer => &[],
        }
    }

    /// Those of `roles` a user of `kind` may hold.
    pub fn of_kind(kind: UserKind, roles: &[Role]) -> Vec<Role> {
        let allowed = Role::for_kind(kind);
        roles
            .iter()
            .copied()
            .filter(|r| allowed.contains(r))
            .collect()
    }

    /// Every role of every kind.
    fn every() -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().chain(Role::SUPPORT)
    }

    /// The wire name, also used as the database value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::AdminAgent => "admin_agent",
            Role::GlobalAdmin => "global_admin",
            Role::AccountAdmin => "account_admin",
            Role::ReferralAdmin => "referral_admin",
            Role::MarketingContentAdmin => "marketing_content_admin",
            Role::SupportLead => "support_lead",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::every().find(|r| r.as_str() == s)
    }

    /// The role's name in the message table: Partner Center's English name, and its Chinese.
    pub fn msg(self) -> Msg {
        match self {
            Role::AdminAgent => Msg::RoleAdminAgent,
            Role::GlobalAdmin => Msg::RoleGlobalAdmin,
            Role::AccountAdmin => Msg::RoleAccountAdmin,
            Role::ReferralAdmin => Msg::RoleReferralAdmin,
            Role::MarketingContentAdmin => Msg::RoleMarketingContentAdmin,
            Role::SupportLead => Msg::RoleSupportLead,
        }
    }

    /// The name Partner Center shows, used in messages such as "needs the Admin agent role".
    pub fn display_name(self) -> &'static str {
        self.msg().english()
    }

    /// R-ROLE-1..4 as one table, and the support lead's one permission.
    pub fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match permission {
            ViewCustomers => self != SupportLead,
            ManageSupportAgents => self == SupportLead,
            AddCustomers => matches!(self, AdminAgent | GlobalAdmin),
            BuySoftware => matches!(self, AdminAgent | GlobalAdmin),
            CopySoftwareDeepLink | CancelPurchase => matches!(self, AdminAgent),
            ManageBillingSettings
            | ManageWebhooks
            | ManageGlobalAdmins
            | ManageIdentityProvider => {
                matches!(self, GlobalAdmin)
            }
            ManageUsers => matches!(self, GlobalAdmin | AccountAdmin),
            ViewActivityLog => {
                matches!(
                    self,
                    GlobalAdmin | AccountAdmin | ReferralAdmin | MarketingContentAdmin
                )
            }
        }
    }
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::ViewCustomers,
        Permission::BuySoftware,
        Permission::CopySoftwareDeepLink,
        Permission::ViewActivityLog,
        Permission::CancelPurchase,
        Permission::ManageBillingSettings,
        Permission::ManageWebhooks,
        Permission::ManageUsers,
        Permission::ManageGlobalAdmins,
        Permission::ManageSupportAgents,
        Permission::AddCustomers,
        Permission::ManageIdentityProvider,
    ];

    /// The roles that hold this permission, for messages that say what is missing (R-ROLE-5).
    pub fn granted_to(self) -> Vec<Role> {
        Role::every().filter(|r| r.grants(self)).collect()
    }

    /// What the permission allows, completing "You need … to …", in the message table.
    pub fn msg(self) -> Msg {
        match self {
            Permission::ViewCustomers => Msg::ActionViewCustomers,
            Permission::BuySoftware => Msg::ActionBuySoftware,
            Permission::CopySoftwareDeepLink => Msg::ActionCopyDeepLink,
            Permission::ViewActivityLog => Msg::ActionViewActivityLog,
            Permission::CancelPurchase => Msg::ActionCancelPurchase,
            Permission::ManageBillingSettings => Msg::ActionManageBilling,
            Permission::ManageWebhooks => Msg::ActionManageWebhooks,
            Permission::ManageUsers => Msg::ActionManageUsers,
            Permission::ManageGlobalAdmins => Msg::ActionManageGlobalAdmins,
            Permission::ManageSupportAgents => Msg::ActionManageSupportAgents,
            Permission::AddCustomers => Msg::ActionAddCustomers,
            Permission::ManageIdentityProvider => Msg::ActionManageIdentityProvider,
        }
    }

    /// The sentence a refusal shows: it names the roles that would allow it (R-ROLE-5).
    pub fn refusal_message(self) -> String {
        Msg::ErrForbiddenNeedsRole.english_with(&[
            ("roles", &self.required_roles_text()),
            ("action", &self.msg().english()),
        ])
    }

    /// "Admin agent" or "Admin agent or Global admin": the roles to name in a refusal.
    pub fn required_roles_text(self) -> String {
        self.granted_to()
            .into_iter()
            .map(Role::display_name)
            .collect::<Vec<_>>()
            .join(Msg::RolesOr.english())
    }
}

/// A user holding several roles may do what any of them allows (R-ROLE-5).
pub fn any_grants(roles: &[Role], permission: Permission) -> bool {
    roles.iter().any(|r| r.grants(permission))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;
    use Role::*;

    #[test]
    fn only_admin_agents_and_global_admins_buy_software() {
        assert_eq!(BuySoftware.granted_to(), vec![AdminAgent, GlobalAdmin]);
    }

    #[test]
    fn only_admin_agents_copy_deep_links_and_cancel() {
        assert_eq!(CopySoftwareDeepLink.granted_to(), vec![AdminAgent]);
        assert_eq!(CancelPurchase.granted_to(), vec![AdminAgent]);
    }

    #[test]
    fn activity_log_is_for_admins_other_than_admin_agent() {
        assert_eq!(
            ViewActivityLog.granted_to(),
            vec![
                GlobalAdmin,
                AccountAdmin,
                ReferralAdmin,
                MarketingContentAdmin
            ]
        );
        assert!(!AdminAgent.grants(ViewActivityLog));
    }

    #[test]
    fn only_global_admins_change_billing_settings() {
        assert_eq!(ManageBillingSettings.granted_to(), vec![GlobalAdmin]);
    }

    #[test]
    fn every_role_sees_customers() {
        assert_eq!(ViewCustomers.granted_to(), Role::ALL.to_vec());
    }

    #[test]
    fn the_support_lead_manages_support_agents_and_nothing_of_a_partner() {
        assert_eq!(ManageSupportAgents.granted_to(), vec![SupportLead]);
        for permission in Permission::ALL {
            if permission != ManageSupportAgents {
                assert!(!SupportLead.grants(permission), "{permission:?}");
            }
        }
        assert_eq!(Role::for_kind(UserKind::Support), &[SupportLead]);
        assert!(!Role::for_kind(UserKind::Partner).contains(&SupportLead));
        assert!(Role::for_kind(UserKind::Customer).is_empty());
    }

    #[test]
    fn several_roles_combine() {
        let owner = [AdminAgent, GlobalAdmin];
        assert!(any_grants(&owner, ViewActivityLog));
        assert!(any_grants(&owner, CancelPurchase));
        assert!(!any_grants(&[AccountAdmin], BuySoftware));
        assert!(!any_grants(&[], ViewCustomers));
    }

    #[test]
    fn wire_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("support_lead"), Some(SupportLead));
        assert_eq!(Role::parse("owner"), None);
    }

    #[test]
    fn refusal_names_the_needed_role() {
        assert_eq!(CancelPurchase.required_roles_text(), "Admin agent");
        assert_eq!(
            BuySoftware.required_roles_text(),
            "Admin agent or Global admin"
        );
        assert_eq!(
            CancelPurchase.refusal_message(),
            "You need the Admin agent role to cancel purchases."
        );
    }
}
