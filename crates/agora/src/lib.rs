//! The `agora` binary's library half: configuration, wiring the store, core and web into a
//! running application, and the demo community. `main.rs` holds only the command line; the
//! integration tests build the same application through [`app`].

pub mod app;
pub mod bench;
pub mod config;
pub mod demo;
pub mod images;
pub mod mail;
pub mod moving;
pub mod telemetry;
