//! Lists of topics: a group's (pinned ones apart), the site-wide ones in every order, and the
//! tags in use.

use agora_core::audience::AudienceScope;
use agora_core::forum::{Author, LatestFilter, Topic, TopicFilter, TopicInGroup, TopicSort};
use agora_core::paging::Cursor;
use agora_core::time::Timestamp;
use agora_core::{GroupId, MemberId, StoreError};

use crate::db::{Arg, Handle};
use crate::rows::{TOPIC_COLUMNS, TopicRow};
use crate::scope::{AudienceAt, audience_filter};

/// One page of a group's topics in `sort` order.
pub(super) async fn group_topics(
    db: &mut Handle,
    group: GroupId,
    sort: TopicSort,
    after: Option<Cursor>,
    limit: u32,
    with_deleted: bool,
    filter: &TopicFilter,
) -> Result<Vec<Topic>, StoreError> {
    let (key, order) = topic_order(sort);
    let mut args = group_list_args(group, with_deleted, after, limit);
    let narrow = topic_narrowing(filter, &mut args);
    let pinned = if sort.pins_first() {
        " AND t.pinned = FALSE"
    } else {
        ""
    };
    // The row-value comparison continues exactly after the cursor and seeks the
    // (group_id, key, id) index, so a deep page costs what the first one does.
    let sql = format!(
        "SELECT {TOPIC_COLUMNS} FROM topics t JOIN members a ON a.id = t.author_id \
         WHERE t.group_id = $1{pinned} AND (t.deleted = FALSE OR $2) \
         AND ({key}, t.id) < ($3, $4){order}{narrow} \
         ORDER BY {key} DESC, t.id DESC LIMIT $5"
    );
    let rows = db.all::<TopicRow>(sql, &args).await?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// A group's pinned topics.
pub(super) async fn pinned(
    db: &mut Handle,
    group: GroupId,
    with_deleted: bool,
) -> Result<Vec<Topic>, StoreError> {
    let sql = format!(
        "SELECT {TOPIC_COLUMNS} FROM topics t JOIN members a ON a.id = t.author_id \
         WHERE t.group_id = $1 AND t.pinned = TRUE AND (t.deleted = FALSE OR $2) \
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 20"
    );
    let rows = db
        .all::<TopicRow>(sql, &[group.0.into(), with_deleted.into()])
        .await?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// One page of the site-wide list of the topics in `scope`.
pub(super) async fn latest(
    db: &mut Handle,
    scope: &AudienceScope,
    filter: &LatestFilter,
    limit: u32,
) -> Result<Vec<TopicInGroup>, StoreError> {
    let (key, order) = topic_order(filter.sort);
    let order = SiteOrder {
        source: "topics t",
        key,
        id: "t.id",
        narrow: order,
        since: None,
    };
    let rows = site_topics(db, scope, filter, limit, order).await?;
    Ok(rows.into_iter().map(|(t, _)| t).collect())
}

/// The tags most used in `scope`, with how many topics carry each.
pub(super) async fn tag_counts(
    db: &mut Handle,
    scope: &AudienceScope,
    limit: u32,
) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = format!(
        "SELECT tt.tag AS tag, COUNT(*) AS topics FROM topic_tags tt \
         JOIN topics t ON t.id = tt.topic_id JOIN groups g ON g.id = t.group_id \
         WHERE t.deleted = FALSE AND {} GROUP BY tt.tag ORDER BY COUNT(*) DESC, tt.tag LIMIT $2",
        audience_filter(scope, AudienceAt::Groups, 1)
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        tag: String,
        topics: i64,
    }
    let rows = db
        .all::<Row>(
            sql,
            &[
                scope.participant.map(|m| m.0).into(),
                i64::from(limit).into(),
            ],
        )
        .await?;
    Ok(rows.into_iter().map(|r| (r.tag, r.topics)).collect())
}

/// The order of a site-wide list, as SQL: the rows topics are drawn from (`t` is the topic),
/// the key they are ordered by (highest first, then the highest topic `id`, as the source
/// names it), what the order narrows them to (`AND …`), and the start of the period the source
/// reads, if any (bound to `$6`).
pub(crate) struct SiteOrder<'a> {
    pub source: &'a str,
    pub key: &'a str,
    pub id: &'a str,
    pub narrow: &'a str,
    pub since: Option<Timestamp>,
}

/// One page of the topics of the groups in `scope` (`filter.tag` narrows; `filter.before`
/// is the cursor) in `order`, each with its key. Each row also carries its newest published
/// post's author and how many members opened it, each an indexed lookup.
pub(crate) async fn site_topics(
    db: &mut Handle,
    scope: &AudienceScope,
    filter: &LatestFilter,
    limit: u32,
    order: SiteOrder<'_>,
) -> Result<Vec<(TopicInGroup, i64)>, StoreError> {
    let SiteOrder {
        source,
        key,
        id,
        narrow: order,
        since,
    } = order;
    // The page is chosen first (ids and keys), then dressed: a source in no index's order
    // (a period's ranking) looks up the rest for the page's rows only.
    let sql = format!(
        "SELECT {TOPIC_COLUMNS}, g.slug AS group_slug, g.name AS group_name, \
         COALESCE(la.id, a.id) AS last_id, COALESCE(la.username, a.username) AS last_username, \
         COALESCE(la.display_name, a.display_name) AS last_display_name, \
         (SELECT COUNT(*) FROM topic_reads r WHERE r.topic_id = t.id) AS readers, \
         page.sort_key AS sort_key \
         FROM (SELECT {id} AS topic_id, {key} AS sort_key FROM {source} \
           JOIN groups g ON g.id = t.group_id \
           WHERE t.deleted = FALSE AND {} \
           AND ($3 IS NULL OR t.id IN (SELECT tt.topic_id FROM topic_tags tt WHERE tt.tag = $3)) \
           AND ($4 IS NULL OR {key} < $4 OR ({key} = $4 AND {id} < $5)){order} \
           ORDER BY {key} DESC, {id} DESC LIMIT $2) page \
         JOIN topics t ON t.id = page.topic_id \
         JOIN members a ON a.id = t.author_id JOIN groups g ON g.id = t.group_id \
         LEFT JOIN posts lp ON lp.id = (SELECT p2.id FROM posts p2 \
           WHERE p2.topic_id = t.id AND p2.deleted = FALSE ORDER BY p2.number DESC LIMIT 1) \
         LEFT JOIN members la ON la.id = lp.author_id \
         ORDER BY page.sort_key DESC, t.id DESC",
        audience_filter(scope, AudienceAt::Groups, 1)
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        topic: TopicRow,
        group_slug: String,
        group_name: String,
        last_id: i64,
        last_username: String,
        last_display_name: String,
        readers: i64,
        sort_key: i64,
    }
    let mut args: Vec<Arg<'_>> = vec![
        scope.participant.map(|m| m.0).into(),
        i64::from(limit).into(),
        filter.tag.as_deref().into(),
        filter.before.map(|c| c.key).into(),
        filter.before.map(|c| c.id).into(),
    ];
    if let Some(since) = since {
        args.push(since.0.into());
    }
    let rows = db.all::<Row>(sql, &args).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let topic = TopicInGroup {
                topic: r.topic.into(),
                group_slug: r.group_slug,
                group_name: r.group_name,
                last_poster: Author {
                    id: MemberId(r.last_id),
                    username: r.last_username,
                    display_name: r.last_display_name,
                },
                readers: r.readers,
            };
            (topic, r.sort_key)
        })
        .collect())
}

/// The column a list in `sort` order is keyed by, and what that order narrows the list to
/// (an unanswered list: topics no one but their author replied to). `Top` is ranked by
/// `topic_sorts`; here it reads as all time.
fn topic_order(sort: TopicSort) -> (&'static str, &'static str) {
    match sort {
        TopicSort::Latest => ("t.last_activity_at", ""),
        TopicSort::Replies | TopicSort::Top(_) => ("t.reply_count", ""),
        TopicSort::Unanswered => ("t.created_at", " AND t.first_reply_at IS NULL"),
    }
}

/// The first arguments of a group's topic list: the group (`$1`), whether deleted topics show
/// (`$2`), the cursor's key and id (`$3`, `$4`; past the top of the list when there is none)
/// and the page's size (`$5`).
pub(crate) fn group_list_args<'a>(
    group: GroupId,
    with_deleted: bool,
    after: Option<Cursor>,
    limit: u32,
) -> Vec<Arg<'a>> {
    let (k, id) = after.map_or((i64::MAX, i64::MAX), |c| (c.key, c.id));
    vec![
        group.0.into(),
        with_deleted.into(),
        k.into(),
        id.into(),
        i64::from(limit).into(),
    ]
}

/// `AND …` conditions on a topics table aliased `t` for the fields of `filter` that are set,
/// binding their values after `args`. Only the filters asked for are written, so an unfiltered
/// list or search keeps its plan.
pub(crate) fn topic_narrowing<'a>(filter: &'a TopicFilter, args: &mut Vec<Arg<'a>>) -> String {
    let mut narrow = String::new();
    if let Some(kind) = filter.kind {
        args.push(kind.as_str().into());
        narrow.push_str(&format!(" AND t.kind = ${}", args.len()));
    }
    if let Some(status) = &filter.status {
        args.push(status.as_str().into());
        narrow.push_str(&format!(" AND t.status = ${}", args.len()));
    }
    match filter.replied {
        Some(true) => narrow.push_str(" AND t.reply_count > 0"),
        Some(false) => narrow.push_str(" AND t.reply_count = 0"),
        None => {}
    }
    if let Some(before) = filter.created_before {
        args.push(before.0.into());
        narrow.push_str(&format!(" AND t.created_at < ${}", args.len()));
    }
    narrow
}
