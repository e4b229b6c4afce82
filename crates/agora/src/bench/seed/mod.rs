//! `agora bench seed`: fills an empty database with a large, realistic community for the load
//! benchmark. Members post with a long-tailed activity (a few write most), topics have a
//! long-tailed reply count (a few have thousands), words follow a Zipf distribution, times
//! spread over three years, posts get ids in the order they were written. Everything is
//! drawn from one seeded generator, so the same options give the same community.

mod manifest;
mod random;
#[cfg(test)]
mod tests;
mod text;

pub use manifest::{Manifest, SeedOptions, SeedReport};

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use anyhow::{Context as _, bail};

use agora_core::content::markdown;
use agora_core::forum::TopicTitle;
use agora_core::members::{Password, PasswordHasher};
use agora_core::store::MemberStore as _;
use agora_core::time::Timestamp;
use agora_store::bulk::{BulkGroup, BulkMember, BulkMembership, BulkPost, BulkTopic};

use crate::app::App;
use crate::bench::words::Vocabulary;
use random::{Rng, Zipf, shuffle};
use text::{FIRST, LAST, SUBJECTS, body, capitalised, title};

/// The password of every benchmark account.
pub const PASSWORD: &str = "bench-password-2026";

const SPAN_SECS: i64 = 3 * 365 * 86_400;

/// One post before its words: when, where, by whom.
#[derive(Clone, Copy)]
struct Stub {
    at: i64,
    topic: u32,
    number: u32,
    author: u32,
}

/// Builds the community and loads it. The database must have no members yet.
pub async fn seed(app: &App, opts: SeedOptions) -> anyhow::Result<(SeedReport, Manifest)> {
    if app.store.count_members().await? > 0 {
        bail!("the database already has members; seed an empty one (a new --data-dir or database)");
    }
    if opts.posts < 100 {
        bail!("seed at least 100 posts");
    }
    let started = Instant::now();
    let mut rng = Rng(opts.seed);
    let n_posts = opts.posts as usize;
    let n_members = (n_posts / 20).max(100);
    let n_groups = (n_posts / 4_000).max(10);
    let now = Timestamp::now().0 - 86_400_000_000;
    let epoch = now - SPAN_SECS * 1_000_000;
    let vocab = Vocabulary::new(200_000, 1.0);

    // Members: three known accounts, then the rest.
    let hash = PasswordHasher::recommended()
        .hash(&Password::parse_new(PASSWORD)?)
        .await
        .map_err(anyhow::Error::msg)?;
    let mut members = Vec::with_capacity(n_members);
    for i in 0..n_members {
        let id = i as i64 + 1;
        let (username, role, trust) = match i {
            0 => ("bench_admin".to_owned(), "admin", 4),
            1 => ("bench_mod".to_owned(), "moderator", 4),
            2 => ("bench_member".to_owned(), "member", 2),
            _ => (
                format!("{}_{i}", FIRST[i % FIRST.len()]),
                "member",
                [1, 1, 2, 2, 2, 3][i % 6],
            ),
        };
        members.push(BulkMember {
            id,
            email: format!("{username}@bench.example"),
            display_name: format!(
                "{} {}",
                capitalised(FIRST[i % FIRST.len()]),
                LAST[(i / FIRST.len()) % LAST.len()]
            ),
            username,
            password_hash: hash.clone(),
            role,
            trust,
            created_at: epoch + (rng.unit() * (SPAN_SECS as f64) * 0.5) as i64 * 1_000_000,
        });
    }

    // Groups: the first is the big public one; then seven public, two closed, one secret in ten.
    let mut groups: Vec<BulkGroup> = (0..n_groups)
        .map(|i| {
            let visibility = match i % 10 {
                _ if i == 0 => "public",
                7 | 8 => "closed",
                9 => "secret",
                _ => "public",
            };
            let subject = SUBJECTS[i % SUBJECTS.len()];
            let (slug, name) = if i == 0 {
                ("general".to_owned(), "General".to_owned())
            } else {
                (
                    format!("{}-{i}", subject.to_lowercase().replace(' ', "-")),
                    format!("{subject} {i}"),
                )
            };
            BulkGroup {
                id: i as i64 + 1,
                slug,
                name,
                description: format!("A {visibility} group about {}.", subject.to_lowercase()),
                visibility,
                member_count: 0,
                topic_count: 0,
                created_by: 1,
                created_at: epoch,
                last_activity_at: epoch,
            }
        })
        .collect();

    // Topics and the shape of every post: long-tailed replies, a few very long threads.
    let author_zipf = Zipf::new(n_members, 1.0);
    let group_zipf = Zipf::new(n_groups - 1, 0.8);
    let mut stubs: Vec<Stub> = Vec::with_capacity(n_posts);
    let mut topic_groups: Vec<u32> = Vec::new();
    let mut remaining = n_posts;
    let mut t: u32 = 0;
    while remaining > 0 {
        let replies = if t < 5 && n_posts >= 100_000 {
            rng.between(2_000, 5_000)
        } else {
            // Pareto with shape 1.15, capped: most threads short, a few long.
            let u = rng.unit().max(1e-9);
            ((1.0 / u.powf(1.0 / 1.15)) as usize)
                .saturating_sub(1)
                .min(1_500)
        };
        let count = (replies + 1).min(remaining);
        remaining -= count;
        let group = if rng.unit() < 0.4 {
            0
        } else {
            1 + group_zipf.draw(&mut rng) as u32
        };
        topic_groups.push(group);
        let mut at = epoch + (rng.unit() * SPAN_SECS as f64) as i64 * 1_000_000;
        let gap = if count > 500 { 1_800.0 } else { 6.0 * 3_600.0 };
        for number in 1..=count {
            if number > 1 {
                at += (-(rng.unit().max(1e-12)).ln() * gap) as i64 * 1_000_000;
            }
            stubs.push(Stub {
                at: at.min(now),
                topic: t,
                number: number as u32,
                author: author_zipf.draw(&mut rng) as u32,
            });
        }
        t += 1;
    }
    let n_topics = t as usize;
    // Ids in the order things were written: topics by their first post, posts by time.
    stubs.sort_by_key(|s| (s.at, s.topic, s.number));
    let mut topic_id = vec![0i64; n_topics];
    for (id, s) in (1i64..).zip(stubs.iter().filter(|s| s.number == 1)) {
        topic_id[s.topic as usize] = id;
    }

    let mut topics: Vec<Option<BulkTopic>> = vec![None; n_topics];
    let mut last_at = vec![0i64; n_topics];
    let mut count = vec![0i64; n_topics];
    let mut pairs: HashSet<(u32, u32)> = HashSet::new();
    for s in &stubs {
        last_at[s.topic as usize] = last_at[s.topic as usize].max(s.at);
        count[s.topic as usize] += 1;
        pairs.insert((topic_groups[s.topic as usize], s.author));
    }
    // The known accounts: everyone is in the big group; bench_member in secret groups too.
    for g in 0..n_groups as u32 {
        pairs.insert((g, 0));
    }
    pairs.insert((0, 2));
    for g in (0..n_groups as u32).filter(|g| g % 10 == 9).take(5) {
        pairs.insert((g, 2));
    }
    for m in 0..n_members as u32 {
        pairs.insert((group_zipf.draw(&mut rng) as u32 + 1, m));
    }
    let mut memberships: Vec<BulkMembership> = pairs
        .iter()
        .map(|&(g, m)| BulkMembership {
            group_id: i64::from(g) + 1,
            member_id: i64::from(m) + 1,
            role: if m == 0 { "owner" } else { "member" },
            joined_at: epoch,
        })
        .collect();
    memberships.sort_by_key(|m| (m.group_id, m.member_id));
    for m in &memberships {
        groups[(m.group_id - 1) as usize].member_count += 1;
    }
    for (i, &g) in topic_groups.iter().enumerate() {
        let group = &mut groups[g as usize];
        group.topic_count += 1;
        group.last_activity_at = group.last_activity_at.max(last_at[i]);
    }

    let load = Instant::now();
    let mut rows = 0usize;
    for chunk in members.chunks(10_000) {
        app.store.bulk_members(chunk).await?;
    }
    rows += members.len();
    app.store.bulk_groups(&groups).await?;
    rows += groups.len();
    for chunk in memberships.chunks(20_000) {
        app.store.bulk_memberships(chunk).await?;
    }
    rows += memberships.len();
    eprintln!(
        "seed: {} members, {} groups, {} memberships loaded; writing {} topics and {n_posts} posts…",
        members.len(),
        groups.len(),
        memberships.len(),
        n_topics
    );

    // Posts in chunks, with their words; a topic is loaded with the chunk of its first post.
    let mut df: HashMap<String, u32> = HashMap::new();
    let mut titles: Vec<String> = vec![String::new(); n_topics];
    let posts_started = Instant::now();
    let mut written = 0usize;
    for (chunk_no, chunk) in stubs.chunks(5_000).enumerate() {
        let mut batch_topics = Vec::new();
        let mut batch_posts = Vec::with_capacity(chunk.len());
        for (k, s) in chunk.iter().enumerate() {
            let ti = s.topic as usize;
            let text = body(&mut rng, &vocab);
            let mut title_text = String::new();
            if s.number == 1 {
                let raw = title(&mut rng, &vocab);
                let parsed = TopicTitle::parse(&raw).context("a generated title")?;
                titles[ti] = parsed.as_str().to_owned();
                title_text = titles[ti].clone();
                let tags: Vec<String> = (0..rng.below(3))
                    .map(|_| {
                        vocab
                            .word(Vocabulary::first_content_rank() + rng.below(40))
                            .to_owned()
                    })
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect();
                let topic = BulkTopic {
                    id: topic_id[ti],
                    group_id: i64::from(topic_groups[ti]) + 1,
                    slug: parsed.slug(),
                    title: titles[ti].clone(),
                    author_id: i64::from(s.author) + 1,
                    tags,
                    post_count: count[ti],
                    created_at: s.at,
                    last_activity_at: last_at[ti],
                };
                batch_topics.push(topic.clone());
                topics[ti] = Some(topic);
            }
            let rendered = markdown::render(&text);
            let mut seen: HashSet<&str> = HashSet::new();
            for w in rendered
                .text
                .split_whitespace()
                .chain(title_text.split_whitespace())
            {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if !w.is_empty() && seen.insert(w) {
                    *df.entry(w.to_lowercase()).or_default() += 1;
                }
            }
            batch_posts.push(BulkPost {
                id: (chunk_no * 5_000 + k) as i64 + 1,
                topic_id: topic_id[ti],
                group_id: i64::from(topic_groups[ti]) + 1,
                number: i64::from(s.number),
                author_id: i64::from(s.author) + 1,
                body_markdown: text,
                body_html: rendered.html,
                body_text: rendered.text,
                title: title_text,
                created_at: s.at,
            });
        }
        rows += batch_topics.len();
        app.store.bulk_topics(&batch_topics).await?;
        app.store.bulk_posts(&batch_posts).await?;
        rows += batch_posts.len() * 2;
        written += batch_posts.len();
        if written % 100_000 < 5_000 {
            eprintln!(
                "seed: {written} posts ({:.0} posts/s)",
                written as f64 / posts_started.elapsed().as_secs_f64()
            );
        }
    }
    let post_seconds = posts_started.elapsed().as_secs_f64();
    app.store.bulk_finish().await?;
    let load_secs = load.elapsed().as_secs_f64();

    // What the load benchmark drives.
    let mut topics_50: Vec<String> = topics
        .iter()
        .flatten()
        .filter(|t| t.post_count > 50 && groups[(t.group_id - 1) as usize].visibility == "public")
        .map(|t| format!("{}/{}", t.id, t.slug))
        .collect();
    shuffle(&mut topics_50, &mut rng);
    topics_50.truncate(2_000);
    let mut reply_topics: Vec<i64> = topics
        .iter()
        .flatten()
        .filter(|t| t.group_id == 1)
        .map(|t| t.id)
        .collect();
    shuffle(&mut reply_topics, &mut rng);
    reply_topics.truncate(2_000);
    let content: Vec<(String, u32)> = {
        let stop: HashSet<&str> = (0..Vocabulary::first_content_rank())
            .map(|r| vocab.word(r))
            .collect();
        let mut v: Vec<(String, u32)> = df
            .into_iter()
            .filter(|(w, _)| {
                !stop.contains(w.as_str()) && w.chars().all(|c| c.is_ascii_lowercase())
            })
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    let pick = |lo: f64, hi: f64, n: usize| -> Vec<(String, u32)> {
        content
            .iter()
            .filter(|(_, c)| {
                let share = f64::from(*c) / n_posts as f64;
                share >= lo && share < hi
            })
            .take(n)
            .cloned()
            .collect()
    };
    let common = content.iter().take(4).cloned().collect::<Vec<_>>();
    let mid = pick(0.001, 0.01, 6);
    let rare: Vec<(String, u32)> = content
        .iter()
        .rev()
        .filter(|(_, c)| (5..=60).contains(c))
        .take(8)
        .cloned()
        .collect();
    let mut term_posts = HashMap::new();
    for (w, c) in common.iter().chain(&mid).chain(&rare) {
        term_posts.insert(w.clone(), *c);
    }
    let manifest = Manifest {
        posts: n_posts,
        password: PASSWORD,
        member: "bench_member".into(),
        admin: "bench_admin".into(),
        big_group: "general".into(),
        big_group_topics: groups[0].topic_count as usize,
        topics_50,
        reply_topics,
        rare_terms: rare.into_iter().map(|(w, _)| w).collect(),
        mid_terms: mid.into_iter().map(|(w, _)| w).collect(),
        common_terms: common.into_iter().map(|(w, _)| w).collect(),
        term_posts,
    };
    let report = SeedReport {
        members: members.len(),
        groups: groups.len(),
        memberships: memberships.len(),
        topics: n_topics,
        posts: n_posts,
        seconds: started.elapsed().as_secs_f64(),
        rows_per_second: rows as f64 / load_secs,
        post_seconds,
    };
    Ok((report, manifest))
}
