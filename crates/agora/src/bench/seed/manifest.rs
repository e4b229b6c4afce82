//! What a seeding is asked to build, what it built and how fast, and the manifest the load
//! benchmark reads about the community it drives.

use std::collections::HashMap;

use serde::Serialize;

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    pub posts: u64,
    pub seed: u64,
}

/// What was built, and how fast.
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub members: usize,
    pub groups: usize,
    pub memberships: usize,
    pub topics: usize,
    pub posts: usize,
    pub seconds: f64,
    /// Rows written per second, all tables together (search entries included).
    pub rows_per_second: f64,
    pub post_seconds: f64,
}

/// What the load benchmark needs to know about the community it drives.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub posts: usize,
    pub password: &'static str,
    /// A member of the big public group and of several secret groups.
    pub member: String,
    pub admin: String,
    /// The public group with the most topics.
    pub big_group: String,
    pub big_group_topics: usize,
    /// `ID/SLUG` of topics with at least 50 replies.
    pub topics_50: Vec<String>,
    /// Topic ids in the big group, to reply to.
    pub reply_topics: Vec<i64>,
    /// Search terms by how many posts hold them.
    pub rare_terms: Vec<String>,
    pub mid_terms: Vec<String>,
    pub common_terms: Vec<String>,
    /// Posts holding each listed term.
    pub term_posts: HashMap<String, u32>,
}
