//! Paging past the end: every page of a list that has no items that far is a 404 (with a page
//! that says so), and the API answers an offset or cursor past the end with an empty page
//! (and, where it counts, the true total). Search's pages are in `search.rs`.

use axum::http::StatusCode;
use serde_json::json;

use agora_core::paging::{Cursor, NameCursor};

use crate::routes;
use crate::support::each_backend;

#[tokio::test]
async fn a_topic_page_past_its_last_is_not_found() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (topic, _) = app.create_topic(&admin, "club", "Short", "One post.").await;
        let base = format!("/t/{topic}/short");
        assert_eq!(app.page(&base, None).await.status, StatusCode::OK);
        assert_eq!(
            app.page(&format!("{base}?page=1"), None).await.status,
            StatusCode::OK
        );
        for page in [2, 99] {
            let r = app.page(&format!("{base}?page={page}"), None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "page {page}");
        }
        // Twenty-one posts make two pages: the second is there, the third is not.
        for n in 0..20 {
            app.post(
                &routes::topic_posts(topic),
                Some(&admin),
                json!({"body": format!("Reply {n}.")}),
            )
            .await;
        }
        let second = app.page(&format!("{base}?page=2"), None).await;
        assert_eq!(second.status, StatusCode::OK);
        assert!(second.text.contains("Reply 19."));
        let r = app.page(&format!("{base}?page=3"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn every_paged_list_answers_a_page_past_its_end_with_not_found() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        app.create_topic(&admin, "club", "A topic", "Hello.").await;
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&admin),
                json!({"title": "A question", "body": "Why?", "kind": "question"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&admin),
                json!({"title": "An idea", "body": "Do it.", "kind": "idea"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        // Cursors past the last item: nothing is older, or later by name, than these.
        let oldest = Cursor { key: 0, id: 0 }.encode();
        let last_name = NameCursor {
            name: "zzzzzzzz".into(),
            id: i64::MAX,
        }
        .encode();
        let pages = [
            (format!("/g/club?cursor={oldest}"), "/g/club"),
            (
                format!("/g/club?sort=replies&cursor={oldest}"),
                "/g/club?sort=replies",
            ),
            (
                format!("/g/club?sort=top&period=week&cursor={oldest}"),
                "/g/club?sort=top&period=week",
            ),
            (
                format!("/g/club?sort=top&period=all&cursor={oldest}"),
                "/g/club?sort=top&period=all",
            ),
            (
                format!("/g/club?sort=unanswered&cursor={oldest}"),
                "/g/club?sort=unanswered",
            ),
            (
                format!("/latest?sort=top&period=year&cursor={oldest}"),
                "/latest?sort=top&period=year",
            ),
            (
                format!("/latest?sort=unanswered&cursor={oldest}"),
                "/latest?sort=unanswered",
            ),
            (
                format!("/g/club/questions?cursor={oldest}"),
                "/g/club/questions",
            ),
            (format!("/g/club/ideas?cursor={oldest}"), "/g/club/ideas"),
            (
                format!("/g/club/ideas?sort=newest&cursor={oldest}"),
                "/g/club/ideas?sort=newest",
            ),
            (format!("/groups?cursor={last_name}"), "/groups"),
            (
                format!("/g/club/members?cursor={}", i64::MAX),
                "/g/club/members",
            ),
            (format!("/admin/groups?cursor={last_name}"), "/admin/groups"),
            ("/admin/members?offset=500".to_owned(), "/admin/members"),
            ("/admin/audit?before=1".to_owned(), "/admin/audit"),
        ];
        for (past, first) in pages {
            let r = app.page(first, Some(&admin)).await;
            assert_eq!(r.status, StatusCode::OK, "{first}: {}", r.text);
            let r = app.page(&past, Some(&admin)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{past}");
            assert!(r.text.contains("Past the end"), "{past}: {}", r.text);
        }

        // The API answers a cursor or offset past the end with an empty page and no next.
        for (past, items, next) in [
            (
                format!("/api/v1/groups/club/topics?cursor={oldest}"),
                "topics",
                "next_cursor",
            ),
            (
                format!("/api/v1/groups/club/topics?sort=top&period=month&cursor={oldest}"),
                "topics",
                "next_cursor",
            ),
            (
                format!("/api/v1/latest?sort=unanswered&cursor={oldest}"),
                "topics",
                "next_cursor",
            ),
            (
                format!("/api/v1/groups/club/questions?cursor={oldest}"),
                "topics",
                "next_cursor",
            ),
            (
                format!("/api/v1/groups/club/ideas?cursor={oldest}"),
                "ideas",
                "next_cursor",
            ),
            (
                format!("/api/v1/groups?cursor={last_name}"),
                "groups",
                "next_cursor",
            ),
            (
                "/api/v1/admin/members?offset=500".to_owned(),
                "members",
                "next_offset",
            ),
        ] {
            let r = app.get(&past, Some(&admin)).await;
            assert_eq!(r.status, StatusCode::OK, "{past}: {}", r.text);
            assert_eq!(
                r.body[items].as_array().map(Vec::len),
                Some(0),
                "{past}: {}",
                r.text
            );
            assert!(r.body[next].is_null(), "{past}: {}", r.text);
        }
        let r = app
            .get("/api/v1/admin/members?offset=500", Some(&admin))
            .await;
        assert_eq!(r.body["total"], 1, "the true total: {}", r.text);
    })
    .await;
}
