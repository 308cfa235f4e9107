//! Which kind of user may use which area of the product — the one table the app's guard and
//! the server's extractors both read. An area lists the kinds it admits; anything not listed
//! is refused (the table fails closed).

use serde::{Deserialize, Serialize};

use crate::role::Permission;
use crate::session::{Principal, UserKind};

/// A part of the product with one audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// The partner's customers: list, details, software, orders, buying and cancelling.
    Customers,
    /// The partner's monthly invoices.
    Invoices,
    /// Settings → Activity log (R-LOG).
    ActivityLog,
    /// Support requests: a partner its own, a support agent everyone's (R-SUP).
    SupportRequests,
    /// Filing a support request ("Report a problem", R-SUP-1): partner users.
    ReportProblem,
    /// The support console: the queue and status changes (support agents).
    SupportConsole,
    /// The customer admin center: a customer user's own tenant, keys and downloads (R-SW-3).
    AdminCenter,
    /// Settings → Users: an organisation's users and their roles — a partner's (Global and
    /// Account admins) or the support organisation's (support leads).
    Users,
    /// Settings → Audit log: a partner's trail (the roles of R-ROLE-3) or the support
    /// organisation's agents' (support leads).
    AuditLog,
}

/// Why an area is closed to a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This kind of user never uses the area.
    WrongKind(Area),
    /// A partner user without a role that grants the permission (R-ROLE-5).
    Needs(Permission),
}

impl Area {
    pub const ALL: [Area; 9] = [
        Area::Customers,
        Area::Invoices,
        Area::ActivityLog,
        Area::SupportRequests,
        Area::ReportProblem,
        Area::SupportConsole,
        Area::AdminCenter,
        Area::Users,
        Area::AuditLog,
    ];

    /// The kinds of user the area is for.
    pub fn kinds(self) -> &'static [UserKind] {
        match self {
            Area::Customers | Area::Invoices | Area::ActivityLog | Area::ReportProblem => {
                &[UserKind::Partner]
            }
            Area::SupportRequests | Area::Users | Area::AuditLog => {
                &[UserKind::Partner, UserKind::Support]
            }
            Area::SupportConsole => &[UserKind::Support],
            Area::AdminCenter => &[UserKind::Customer],
        }
    }

    /// The permission a partner user needs besides being a partner user.
    pub fn permission(self) -> Option<Permission> {
        match self {
            Area::Customers | Area::Invoices => Some(Permission::ViewCustomers),
            Area::ActivityLog | Area::AuditLog => Some(Permission::ViewActivityLog),
            Area::SupportRequests
            | Area::ReportProblem
            | Area::SupportConsole
            | Area::AdminCenter
            | Area::Users => None,
        }
    }

    pub fn admits_kind(self, kind: UserKind) -> bool {
        self.kinds().contains(&kind)
    }

    /// Whether `principal` may use the area, and if not, why.
    pub fn check(self, principal: &Principal) -> Result<(), Refusal> {
        if !self.admits_kind(principal.kind()) {
            return Err(Refusal::WrongKind(self));
        }
        match (principal.kind(), self.permission()) {
            (UserKind::Partner, Some(permission)) if !principal.can(permission) => {
                Err(Refusal::Needs(permission))
            }
            _ => Ok(()),
        }
    }

    /// The English sentence for a caller of the wrong kind.
    pub fn wrong_kind_message(self) -> &'static str {
        match self {
            Area::Customers => "Customer lists are for partner users.",
            Area::Invoices => "Invoices are for partner users.",
            Area::ActivityLog => "The activity log is for partner users.",
            Area::SupportRequests => "Support requests are for partner users and support agents.",
            Area::ReportProblem => "Support requests are filed by partner users.",
            Area::SupportConsole => "The support console is for support agents.",
            Area::AdminCenter => "The admin center is for users of a customer's organisation.",
            Area::Users => "A customer's users are managed in the admin center.",
            Area::AuditLog => "The audit trail is for partner users and support leads.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CustomerId, PartnerId, UserId};
    use crate::role::Role;

    const ID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn partner(roles: &[Role]) -> Principal {
        Principal::Partner {
            user: UserId::parse(ID).unwrap(),
            partner: PartnerId::parse(ID).unwrap(),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn every_area_has_an_audience() {
        for area in Area::ALL {
            assert!(!area.kinds().is_empty(), "{area:?}");
        }
    }

    #[test]
    fn each_kind_gets_only_its_areas() {
        let customer = Principal::Customer {
            user: UserId::parse(ID).unwrap(),
            customer: CustomerId::parse(ID).unwrap(),
        };
        let support = Principal::Support {
            user: UserId::parse(ID).unwrap(),
            roles: Vec::new(),
        };
        assert_eq!(Area::AdminCenter.check(&customer), Ok(()));
        assert_eq!(
            Area::Customers.check(&customer),
            Err(Refusal::WrongKind(Area::Customers))
        );
        assert_eq!(Area::SupportConsole.check(&support), Ok(()));
        assert_eq!(Area::SupportRequests.check(&support), Ok(()));
        assert_eq!(
            Area::ActivityLog.check(&support),
            Err(Refusal::WrongKind(Area::ActivityLog))
        );
        assert_eq!(
            Area::SupportConsole.check(&partner(&[Role::GlobalAdmin])),
            Err(Refusal::WrongKind(Area::SupportConsole))
        );
    }

    #[test]
    fn partner_areas_follow_the_role_table() {
        assert_eq!(
            Area::ActivityLog.check(&partner(&[Role::GlobalAdmin])),
            Ok(())
        );
        assert_eq!(
            Area::ActivityLog.check(&partner(&[Role::AdminAgent])),
            Err(Refusal::Needs(Permission::ViewActivityLog))
        );
        assert_eq!(
            Area::Customers.check(&partner(&[Role::MarketingContentAdmin])),
            Ok(())
        );
        assert_eq!(
            Area::Customers.check(&partner(&[])),
            Err(Refusal::Needs(Permission::ViewCustomers))
        );
    }
}
