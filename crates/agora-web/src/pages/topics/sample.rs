//! A guest's topic page of sample posts, rendered without a database for the criterion
//! benchmark.

use askama::Template;

use agora_core::forum::TopicView;
use agora_core::groups::policy::Access;
use agora_core::{PostId, TopicId};

use crate::kinds::TopicPart;
use crate::pages::Page;

use super::view::topic_page;

/// Renders a guest's view of a topic page with `posts` posts of sample text: what the topic
/// page spends outside the database, for the criterion benchmark (`benches/render.rs`).
#[doc(hidden)]
pub fn render_sample_topic(posts: usize) -> String {
    use agora_core::forum::{Author, Post, Topic, TopicKind};
    use agora_core::groups::policy::Relation;
    use agora_core::groups::{Group, GroupView, Visibility};
    use agora_core::time::Timestamp;
    use agora_core::{GroupId, MemberId};
    let at = Timestamp(1_767_225_600_000_000);
    let author = |n: usize| Author {
        id: MemberId(n as i64 + 1),
        username: format!("rider_{n}"),
        display_name: format!("Rider Number {n}"),
    };
    let body = agora_core::content::markdown::render(
        "Winter range dropped from **80 km** to about 55 km on my Trail T5. Keeping the \
         battery indoors overnight helped; see [the care guide](https://example.com/care).\n\n\
         - charge to 80%\n- store above 10 °C\n\nAnyone tried the thermal cover?",
    );
    let view = TopicView::new(
        &agora_core::Viewer::guest(),
        Topic {
            id: TopicId(7),
            group_id: GroupId(1),
            kind: TopicKind::DISCUSSION,
            title: "Battery range in winter".into(),
            slug: "battery-range-in-winter".into(),
            author: author(0),
            tags: vec!["battery".into(), "winter".into()],
            pinned: false,
            locked: false,
            deleted: false,
            reply_count: posts as i64 - 1,
            post_count: posts as i64,
            created_at: at,
            last_activity_at: at,
            status: String::new(),
            featured_post: None,
            held: false,
            hidden: false,
        },
        GroupView {
            group: Group {
                id: GroupId(1),
                slug: "commuters".into(),
                name: "Commuters".into(),
                description: "Riding to work, all year.".into(),
                visibility: Visibility::Public,
                member_count: 1_200,
                topic_count: 3_400,
                created_at: at,
                last_activity_at: at,
                archived_at: None,
            },
            relation: Relation::Stranger,
            access: Access::Read,
            can_edit: false,
        },
        (0..posts)
            .map(|n| Post {
                id: PostId(n as i64 + 1),
                topic_id: TopicId(7),
                group_id: GroupId(1),
                number: n as i64 + 1,
                author: author(n % 7),
                body_markdown: String::new(),
                body_html: body.html.clone(),
                created_at: at,
                edited_at: None,
                revision_count: 0,
                deleted: false,
                held: false,
                hidden: false,
            })
            .collect(),
        None,
    );
    let page = Page::sample();
    let html = topic_page(
        &page,
        &view,
        1,
        String::new(),
        None,
        None,
        TopicPart::default(),
        &[],
    )
    .render();
    html.unwrap_or_default()
}
