//! Groups: their kinds, their members' roles, who may see what (`policy`), and the use cases
//! that create, list, join, leave, approve and invite, edit, archive and delete.

mod directory;
mod lifecycle;
mod membership;
mod model;
pub mod policy;
mod slug;

pub(crate) use directory::visible as directory_visible;
pub use directory::{GROUPS_PER_HOUR, GroupError, NewGroupInput};
pub use lifecycle::GroupEdit;
pub use membership::JoinOutcome;
pub use model::{
    Group, GroupChange, GroupMember, GroupRole, GroupView, Invitation, JoinRequest, NewGroup,
    Visibility,
};
pub use slug::GroupSlug;
