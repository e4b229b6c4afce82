//! agora's domain: the types that cross every boundary, the rules (visibility above all),
//! the use cases the web and the command line call, and the storage traits they run on.
//!
//! Nothing here knows HTTP or SQL. `Agora` is the entry point: it holds the store and the
//! site's settings, and every use case is a method on it.

pub mod activity;
pub mod agora;
pub mod audience;
pub mod audit;
pub mod bookmarks;
pub mod complaints;
pub mod consent;
pub mod content;
pub mod error;
pub mod events;
pub mod filters;
pub mod flags;
pub mod forum;
pub mod groups;
pub mod guard;
pub mod ids;
pub mod items;
pub mod kinds;
pub mod mail;
pub mod mailings;
pub mod members;
pub mod paging;
mod rate;
pub mod reactions;
pub mod sanctions;
pub mod search;
pub mod site;
pub mod store;
pub mod time;
pub mod trust;
pub mod viewer;

pub use agora::{Agora, AgoraConfig};
pub use error::{Invalid, StoreError};
pub use ids::{GroupId, InvitationId, MemberId, PostId, TopicId};
pub use viewer::Viewer;
