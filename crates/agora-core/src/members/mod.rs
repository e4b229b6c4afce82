//! Members: the validated fields of an account, password hashing, sessions, and the use cases
//! register, sign in, sign out, profile.

mod account;
mod attempts;
pub mod blocks;
pub mod data;
mod email;
mod fields;
mod password;
pub mod plausibility;
pub mod session;

pub use account::{LoginError, ProfileUpdate, RegisterError, Registration, SessionFacts};
pub use email::EmailError;
pub(crate) use fields::is_forbidden_in_names as is_forbidden_in_text;
pub use fields::{DisplayName, EmailAddress, Username};
pub use password::{Password, PasswordHasher};
pub use session::{SessionKind, SessionToken};

use crate::ids::MemberId;
use crate::time::Timestamp;
use crate::viewer::SiteRole;

/// A member as stored, minus the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: MemberId,
    pub username: String,
    pub display_name: String,
    /// Private: only the member and the admins see it.
    pub email: String,
    pub bio: String,
    pub role: SiteRole,
    pub created_at: Timestamp,
    /// Whether the email address has been confirmed.
    pub email_verified: bool,
    /// How far the community trusts the member (as stored; staff count as leaders).
    pub trust_level: crate::trust::TrustLevel,
    /// Whether an admin set the level by hand.
    pub trust_locked: bool,
}

impl Member {
    /// The member's effective trust level: staff are leaders whatever is stored.
    pub fn trust(&self) -> crate::trust::TrustLevel {
        if self.role == SiteRole::Member {
            self.trust_level
        } else {
            crate::trust::TrustLevel::Leader
        }
    }
}

/// A member to insert.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub username: Username,
    pub email: EmailAddress,
    pub display_name: DisplayName,
    pub password_hash: String,
    pub role: SiteRole,
    pub at: Timestamp,
    /// Created already verified (admins made on the command line, the demo community).
    pub verified: bool,
}

/// Everything a sign-up writes, stored in one transaction: the member, the consents they
/// gave (documents accepted, mail opted into), the link that confirms their address and their
/// first session. Nothing of it exists without the rest.
#[derive(Debug, Clone)]
pub struct NewSignup {
    pub member: NewMember,
    /// (subject, version, granted), as `ConsentStore::record_consents` takes them.
    pub consents: Vec<(String, i64, bool)>,
    /// The hash of the confirmation link's token, and when the link expires.
    pub verify_token_hash: String,
    pub verify_expires_at: Timestamp,
    /// The hash of the first session's token, its kind, and when it expires.
    pub session_hash: String,
    pub session_kind: SessionKind,
    pub session_expires_at: Timestamp,
}

/// What sign-in needs of a stored member.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub member: Member,
    pub password_hash: String,
}

/// A member's public profile: what any viewer may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub member: Member,
    /// Posts in groups the viewer may read.
    pub visible_post_count: i64,
}
