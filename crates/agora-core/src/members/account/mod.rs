//! Use cases of an account: register and create an admin from the command line
//! (`register.rs`); sign in, sign out and resolve a session (`sign_in.rs`); see and edit a
//! profile (`profile.rs`).

mod profile;
mod register;
mod sign_in;

pub use profile::ProfileUpdate;
pub use register::{RegisterError, Registration};
pub use sign_in::{LoginError, SessionFacts};
