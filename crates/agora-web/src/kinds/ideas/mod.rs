//! Ideas on the web: the API (`api.rs`) and the pages (`pages.rs`), declared to the
//! registry of kinds as `WEB`.

pub(crate) mod api;
mod pages;

pub(crate) use pages::WEB;
