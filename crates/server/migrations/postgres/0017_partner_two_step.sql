-- A partner's Global admin can require two-step sign-in of every user of the partner, whatever
-- their roles (the operator's REQUIRE_TWO_STEP covers the roles that buy, cancel or manage users).
ALTER TABLE partners ADD COLUMN two_step_for_everyone BIGINT NOT NULL DEFAULT 0;
