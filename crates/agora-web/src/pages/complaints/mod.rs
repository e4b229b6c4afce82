//! Legal complaints on the site: the form under every post (guests too), the confirmation link
//! a guest follows, and the moderators' cases with every step.
//! Filing and confirming a complaint in `file.rs`, the moderators' cases in `cases.rs`.

mod cases;
mod file;

pub use cases::{case, cases, decide, note};
pub use file::{confirm, confirm_form, file, form, item_file, item_form};
