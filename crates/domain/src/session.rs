//! Signing in and the signed-in user (SPEC §10 `/api/v1/sessions`).

use serde::{Deserialize, Serialize};

use crate::role::{any_grants, Permission, Role};

/// Which of the three audiences a user belongs to (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Partner,
    Customer,
    Support,
}

impl UserKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Partner => "partner",
            UserKind::Customer => "customer",
            UserKind::Support => "support",
        }
    }

    pub fn parse(s: &str) -> Option<UserKind> {
        [UserKind::Partner, UserKind::Customer, UserKind::Support]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The signed-in user as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub kind: UserKind,
    /// Partner roles; empty for customer users and support agents.
    pub roles: Vec<Role>,
    /// The organisation the user works for: the partner's or the customer's company name,
    /// or the support team's name.
    pub organization: String,
}

impl User {
    /// Partner roles only ever grant to partner users.
    pub fn can(&self, permission: Permission) -> bool {
        self.kind == UserKind::Partner && any_grants(&self.roles, permission)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    pub user: User,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(kind: UserKind, roles: Vec<Role>) -> User {
        User {
            id: "u1".into(),
            email: "a@b.example".into(),
            display_name: "A".into(),
            kind,
            roles,
            organization: "Org".into(),
        }
    }

    #[test]
    fn roles_grant_only_to_partner_users() {
        assert!(user(UserKind::Partner, vec![Role::AdminAgent]).can(Permission::CancelPurchase));
        // A malformed profile with roles on a customer user must still not grant anything.
        assert!(!user(UserKind::Customer, vec![Role::AdminAgent]).can(Permission::ViewCustomers));
        assert!(!user(UserKind::Support, vec![]).can(Permission::ViewCustomers));
    }

    #[test]
    fn kind_wire_names() {
        for k in [UserKind::Partner, UserKind::Customer, UserKind::Support] {
            assert_eq!(UserKind::parse(k.as_str()), Some(k));
        }
    }
}
