//! Who is looking: a guest or a signed-in member with a site role.

use serde::{Deserialize, Serialize};

use crate::ids::MemberId;

/// A member's role on the whole site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteRole {
    /// Runs the site: settings, members, every group.
    Admin,
    /// Moderates across the site; sees what members see.
    Moderator,
    /// An ordinary member.
    Member,
}

impl SiteRole {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Moderator => "moderator",
            Self::Member => "member",
        }
    }

    /// Parses a stored or requested role name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "moderator" => Some(Self::Moderator),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

/// The signed-in member behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: MemberId,
    pub username: String,
    pub role: SiteRole,
    /// Whether the member has confirmed their email address; until then they read but do not
    /// post.
    pub verified: bool,
    /// What an active sanction stops the member from doing.
    pub restriction: Restriction,
    /// How far the community trusts the member (staff are always leaders).
    pub trust: crate::trust::TrustLevel,
}

/// The effect of a member's strongest active sanction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Restriction {
    /// Nothing: no sanction, or only warnings.
    #[default]
    None,
    /// Silenced: reads and takes part in groups, but does not post.
    Silenced,
    /// Suspended or banned: reads and appeals, nothing else.
    Suspended,
}

impl Restriction {
    /// From the number the store computes (0 none, 1 silenced, 2 suspended).
    pub fn from_level(level: Option<i64>) -> Self {
        match level {
            Some(2..) => Self::Suspended,
            Some(1) => Self::Silenced,
            _ => Self::None,
        }
    }
}

/// The viewer of a page or API response: every read path takes one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Viewer {
    actor: Option<Actor>,
    /// The network address the request came from, for rate limits per address.
    client: Option<String>,
    /// The members this viewer ignores (read with the session): their content is shown
    /// collapsed, on every page and in the API's `author_ignored`.
    ignoring: Vec<MemberId>,
}

impl Viewer {
    /// Someone not signed in.
    pub fn guest() -> Self {
        Self::default()
    }

    /// A signed-in member.
    pub fn member(actor: Actor) -> Self {
        Self {
            actor: Some(actor),
            client: None,
            ignoring: Vec::new(),
        }
    }

    /// The same viewer, ignoring `members`.
    #[must_use]
    pub fn with_ignoring(mut self, members: Vec<MemberId>) -> Self {
        self.ignoring = members;
        self
    }

    /// Whether the viewer ignores `member` (their content is collapsed for the viewer).
    pub fn ignores(&self, member: MemberId) -> bool {
        self.ignoring.contains(&member)
    }

    /// The members the viewer ignores.
    pub fn ignoring(&self) -> &[MemberId] {
        &self.ignoring
    }

    /// The same viewer, known to come from `client` (a network address).
    #[must_use]
    pub fn with_client(mut self, client: impl Into<String>) -> Self {
        self.client = Some(client.into());
        self
    }

    /// The network address the request came from (`local` when not known). A limit per
    /// address keys on `rate::per_address`, which counts an IPv6 client by its /64.
    pub fn client(&self) -> &str {
        self.client.as_deref().unwrap_or("local")
    }

    /// The member, if signed in.
    pub fn actor(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// The member's id, if signed in.
    pub fn id(&self) -> Option<MemberId> {
        self.actor.as_ref().map(|a| a.id)
    }

    /// Whether the viewer is a site admin.
    pub fn is_admin(&self) -> bool {
        matches!(&self.actor, Some(a) if a.role == SiteRole::Admin)
    }

    /// Whether the viewer moderates the whole site (admins do too).
    pub fn is_site_moderator(&self) -> bool {
        matches!(&self.actor, Some(a) if matches!(a.role, SiteRole::Admin | SiteRole::Moderator))
    }
}
