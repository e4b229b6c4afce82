//! agora's integration suite: one test binary driving the real application in-process, on
//! SQLite always and on PostgreSQL when `AGORA_TEST_POSTGRES_URL` is set.

mod audit;
mod auth;
mod bad_input;
mod cache;
mod cancel;
mod capabilities;
mod clock;
mod complaints;
mod consent;
mod contracts;
mod copy;
mod data;
mod email;
mod forum;
mod groups;
mod hardening;
mod hostile;
mod ideas;
mod images;
mod mailings;
mod openapi;
mod outbox;
mod pages;
mod persistence;
mod proxy;
mod questions;
mod routes;
mod sanctions;
mod schema;
mod scope_sql;
mod search;
mod support;
mod trust;
mod visibility;
