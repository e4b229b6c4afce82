//! The members list for managers (`MemberStore::roster`): one statement with the filters as
//! bound arguments, the post count per member from the `posts_author` index, and the same
//! statement counted for the total.

use agora_core::StoreError;
use agora_core::site::roster::{Days, RosterFilter, RosterRow, RosterSort};

use crate::SqlStore;
use crate::db::{Arg, Int};
use crate::rows::{MEMBER_COLUMNS, MemberRow};

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    member: MemberRow,
    last_seen_day: Option<i64>,
    posts: i64,
}

/// Adds an argument; its placeholder.
fn bind<'a>(args: &mut Vec<Arg<'a>>, a: Arg<'a>) -> String {
    args.push(a);
    format!("${}", args.len())
}

pub(crate) async fn roster(
    store: &SqlStore,
    filter: &RosterFilter,
) -> Result<(Vec<RosterRow>, i64), StoreError> {
    let q = &filter.query;
    let mut args: Vec<Arg<'_>> = Vec::new();
    let mut inner = vec!["1 = 1".to_owned()];
    let mut outer = vec!["1 = 1".to_owned()];
    let like = filter.like.as_ref().map(|t| format!("%{t}%"));
    if let Some(like) = &like {
        args.push(like.as_str().into());
        let n = args.len();
        inner.push(format!(
            "(LOWER(m.username) LIKE ${n} ESCAPE '\\' OR LOWER(m.display_name) LIKE ${n} ESCAPE '\\' \
             OR LOWER(m.email) LIKE ${n} ESCAPE '\\')"
        ));
    }
    if let Some(role) = q.role {
        let p = bind(&mut args, role.as_str().into());
        inner.push(format!("m.role = {p}"));
    }
    if let Some(level) = q.trust {
        let p = bind(&mut args, level.number().into());
        inner.push(format!("m.trust_level = {p}"));
    }
    match q.joined {
        Some(Days::Within(d)) => {
            let p = bind(&mut args, filter.now.plus_seconds(-d * 86_400).0.into());
            inner.push(format!("m.created_at >= {p}"));
        }
        Some(Days::NotWithin(d)) => {
            let p = bind(&mut args, filter.now.plus_seconds(-d * 86_400).0.into());
            inner.push(format!("m.created_at < {p}"));
        }
        None => {}
    }
    match q.seen {
        Some(Days::Within(d)) => {
            let p = bind(&mut args, (filter.today - d).into());
            inner.push(format!("a.last_visit_day >= {p}"));
        }
        Some(Days::NotWithin(d)) => {
            let p = bind(&mut args, (filter.today - d).into());
            inner.push(format!(
                "(a.last_visit_day IS NULL OR a.last_visit_day < {p})"
            ));
        }
        None => {}
    }
    if q.no_posts {
        outer.push("x.posts = 0".into());
    } else if let Some(min) = q.min_posts {
        let p = bind(&mut args, min.into());
        outer.push(format!("x.posts >= {p}"));
    }
    let order = match q.sort {
        RosterSort::Joined => "x.created_at DESC, x.id DESC",
        RosterSort::LastSeen => "COALESCE(x.last_seen_day, -1) DESC, x.id DESC",
        RosterSort::Posts => "x.posts DESC, x.id DESC",
        RosterSort::Name => "LOWER(x.username), x.id",
    };
    let matching = format!(
        "SELECT * FROM (SELECT {MEMBER_COLUMNS}, NULLIF(a.last_visit_day, 0) AS last_seen_day, \
         (SELECT COUNT(*) FROM posts p WHERE p.author_id = m.id AND p.deleted = FALSE) AS posts \
         FROM members m LEFT JOIN member_activity a ON a.member_id = m.id WHERE {}) x WHERE {}",
        inner.join(" AND "),
        outer.join(" AND ")
    );
    let mut db = store.pools.read().await?;
    let total = db
        .one::<Int>(format!("SELECT COUNT(*) FROM ({matching}) y"), &args)
        .await?
        .0;
    let mut page_args = args.clone();
    page_args.push(i64::from(filter.limit).into());
    page_args.push(i64::from(q.offset).into());
    let rows = db
        .all::<Row>(
            format!(
                "{matching} ORDER BY {order} LIMIT ${} OFFSET ${}",
                page_args.len() - 1,
                page_args.len()
            ),
            &page_args,
        )
        .await?;
    Ok((
        rows.into_iter()
            .map(|r| RosterRow {
                member: r.member.into(),
                last_seen_day: r.last_seen_day,
                posts: r.posts,
            })
            .collect(),
        total,
    ))
}
