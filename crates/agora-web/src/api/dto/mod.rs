//! Response bodies: what the API shows of the core's types, never database rows. Email
//! addresses appear only in `MeResponse`, the signed-in member's own account.
//!
//! One file per resource: `members`, `groups`, `topics`, `posts`, `search` and `site`.

mod groups;
mod members;
mod posts;
mod search;
mod site;
mod topics;

pub use groups::{
    GroupListResponse, GroupMemberResponse, GroupMembersResponse, GroupResponse,
    InvitationResponse, JoinRequestResponse, JoinResponse, MyInvitationResponse,
};
pub use members::{AuthResponse, MeResponse, MemberResponse, ProfileGroup, ProfileResponse};
pub use posts::{CapabilitiesResponse, PostResponse, RevisionResponse};
pub use search::{FeaturedResponse, ItemHitResponse, SearchHitResponse, SearchResponse};
pub use site::{RulesResponse, SiteResponse};
pub use topics::{AuthorResponse, TopicListResponse, TopicResponse, TopicSummary};
