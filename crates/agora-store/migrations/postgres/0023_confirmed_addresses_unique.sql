-- An address belongs to one confirmed account. A sign-up (or an address change) that names an
-- address another account has confirmed is taken like any other and answered the same, so the
-- answer never tells whether the address has an account; the owner gets a mail about it, and
-- the new account cannot confirm the address while the other holds it. Unconfirmed accounts may
-- share an address: whoever follows the link first confirms it.
DROP INDEX members_email;
CREATE UNIQUE INDEX members_email ON members (email) WHERE email_verified_at IS NOT NULL;
CREATE INDEX members_email_any ON members (email);
