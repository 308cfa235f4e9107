-- "Sign in with Microsoft" for customers' users: one provider the operator sets up (a
-- multi-tenant app at Microsoft Entra ID), whose ID tokens name the customer's tenant (`tid`).
-- It belongs to no organisation (partner_id NULL, as the support organisation's) and signs in
-- no e-mail domains: its users are found by the tenant.
ALTER TABLE identity_providers ADD COLUMN for_customers INTEGER NOT NULL DEFAULT 0;

-- An organisation may let people of its domains in at their first sign-in through its provider
-- (just in time), as users with no roles: a Global admin then gives them roles.
ALTER TABLE identity_providers ADD COLUMN allow_jit INTEGER NOT NULL DEFAULT 0;

-- A sign-in at a provider that waits for the product's own code: the session it ends in keeps
-- the provider (signing out offers the provider's sign-out).
ALTER TABLE sign_in_challenges ADD COLUMN sso_provider_id TEXT;
