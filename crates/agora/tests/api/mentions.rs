//! `@name` mentions: a member's name links to their profile, a mention tells (records
//! `member_mentioned` for) only members who may read the post, once per post, and a post may
//! mention only so many members.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, each_backend, member_id};
use crate::trust::reply;

/// Who each recorded mention told, by whom, in which post: `(member, by, post)`, sorted.
async fn told(app: &TestApp) -> Vec<(i64, i64, i64)> {
    let sql = "SELECT payload FROM outbox WHERE name = 'member_mentioned' ORDER BY id";
    let payloads: Vec<String> = if app.backend == "sqlite" {
        let mut c = crate::support::sqlite_connection(&app.database_url).await;
        sqlx::query_scalar(sql).fetch_all(&mut c).await
    } else {
        let mut c = crate::support::pg_connection(&app.database_url).await;
        sqlx::query_scalar(sql).fetch_all(&mut c).await
    }
    .unwrap_or_else(|e| panic!("reading the outbox: {e}"));
    payloads
        .iter()
        .map(|p| {
            let v: Value = serde_json::from_str(p).unwrap_or_default();
            assert_eq!(v["type"], "member_mentioned", "{p}");
            let n = |k: &str| v[k].as_i64().unwrap_or_else(|| panic!("{k} in {p}"));
            assert!(v["topic"].is_i64() && v["group"].is_i64(), "{p}");
            (n("member"), n("by"), n("post"))
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

async fn id(app: &TestApp, username: &str) -> i64 {
    member_id(app, username).await.0
}

/// Makes `username` a member of the closed or secret group `slug` (owned by `owner`).
pub(crate) async fn admit(app: &TestApp, owner: &str, slug: &str, username: &str, token: &str) {
    let invited = app
        .post(
            &routes::group_invitations(slug),
            Some(owner),
            json!({ "username": username }),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.text);
    let accept = routes::invitation_accept(invited.body["id"].as_i64().unwrap_or_default());
    let r = app.post(&accept, Some(token), json!({})).await;
    assert!(r.status.is_success(), "{}", r.text);
}

async fn edit(app: &TestApp, token: &str, post: i64, body: &str) -> crate::support::Reply {
    app.call(
        Method::PATCH,
        &routes::post(post),
        Some(token),
        Some(json!({ "body": body })),
    )
    .await
}

#[tokio::test]
async fn a_mention_of_a_member_links_to_their_profile_and_an_unknown_name_or_code_stays_text() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.register("ana").await;
        app.create_group(&admin, "club", "public").await;
        let (topic, _) = app
            .create_topic(
                &admin,
                "club",
                "Thanks all",
                "Thanks @ana, (@ANA) and @nobody; `@ana` in code.",
            )
            .await;
        let r = app.get(&routes::topic(topic), None).await;
        let html = r.body["posts"][0]["body_html"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(
            html.matches(r#"<a href="/u/ana" rel="nofollow ugc noopener">"#)
                .count(),
            2,
            "{html}"
        );
        assert!(
            html.contains(">@ana</a>, (<a") && html.contains(">@ANA</a>)"),
            "written as typed: {html}"
        );
        assert!(
            html.contains(" and @nobody; "),
            "an unknown name stays text: {html}"
        );
        assert!(
            html.contains("<code>@ana</code>"),
            "code is not linked: {html}"
        );
        // The topic page shows the link, and it leads to the profile.
        let page = app.page(&format!("/t/{topic}/thanks-all"), None).await;
        assert!(
            page.text
                .contains(r#"<a href="/u/ana" rel="nofollow ugc noopener">@ana</a>"#),
            "{}",
            page.text
        );
        assert_eq!(app.page("/u/ana", None).await.status, StatusCode::OK);

        // A reply and an edit render their mentions too.
        let r = reply(&app, &admin, topic, "Over to you, @nobody.").await;
        let post = r.body["id"].as_i64().unwrap_or_default();
        assert!(
            !r.body["body_html"]
                .as_str()
                .unwrap_or_default()
                .contains("<a "),
            "{}",
            r.text
        );
        let r = edit(&app, &admin, post, "Over to you, @ana.").await;
        assert!(
            r.body["body_html"]
                .as_str()
                .unwrap_or_default()
                .contains(r#"<a href="/u/ana""#),
            "{}",
            r.text
        );
    })
    .await;
}

#[tokio::test]
async fn a_mention_tells_only_members_who_may_read_the_post_and_never_its_author() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ben, "club").await;
        for slug in ["inner", "vault"] {
            app.create_group(
                &admin,
                slug,
                if slug == "inner" { "closed" } else { "secret" },
            )
            .await;
            admit(&app, &admin, slug, "ana", &ana).await;
        }
        let (ana_id, ben_id, admin_id) = (
            id(&app, "ana").await,
            id(&app, "ben").await,
            id(&app, "admin").await,
        );

        // A public group's post tells everyone it names but its author.
        let (_, public) = app
            .create_topic(&ben, "club", "Hello", "Hi @ana and @admin, and me, @ben.")
            .await;
        assert_eq!(
            told(&app).await,
            [(admin_id, ben_id, public), (ana_id, ben_id, public)]
        );

        // A closed or secret group's post tells its members only: Ben, who may not read it,
        // is never told that it exists.
        let mut expected = told(&app).await;
        for slug in ["inner", "vault"] {
            let (_, post) = app
                .create_topic(&admin, slug, "Plans", "Ideas, @ana? And @ben?")
                .await;
            expected.push((ana_id, admin_id, post));
            expected.sort_unstable();
            assert_eq!(told(&app).await, expected, "{slug}");
        }
        assert_eq!(
            app.db()
                .count_where(
                    "outbox",
                    &format!("name = 'member_mentioned' AND payload LIKE '%\"member\":{ben_id},%'")
                )
                .await,
            0
        );
        // The mention still links to his profile: a link tells him nothing.
        let vault = app.get(&routes::group_topics("vault"), Some(&ana)).await;
        let topic = vault.body["topics"][0]["id"].as_i64().unwrap_or_default();
        let html =
            app.get(&routes::topic(topic), Some(&ana)).await.body["posts"][0]["body_html"].clone();
        assert!(
            html.as_str()
                .unwrap_or_default()
                .contains(r#"<a href="/u/ben""#),
            "{html}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_edit_tells_only_the_members_it_adds() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.register("ana").await;
        app.register("cyd").await;
        app.create_group(&admin, "club", "public").await;
        let (_, post) = app.create_topic(&admin, "club", "Hello", "Hi @ana.").await;
        let (ana, cy, by) = (
            id(&app, "ana").await,
            id(&app, "cyd").await,
            id(&app, "admin").await,
        );
        assert_eq!(told(&app).await, [(ana, by, post)]);
        for (body, expected) in [
            ("Hi @ana and @cyd.", vec![(ana, by, post), (cy, by, post)]),
            ("Hi @cyd.", vec![(ana, by, post), (cy, by, post)]),
            (
                "Hi @ana, @cyd, @ana.",
                vec![(ana, by, post), (cy, by, post)],
            ),
        ] {
            let r = edit(&app, &admin, post, body).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            assert_eq!(told(&app).await, expected, "after {body:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_held_post_tells_when_it_is_approved_and_only_those_who_may_read_it_then() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let cy = app.register("cyd").await;
        app.create_group(&admin, "inner", "closed").await;
        admit(&app, &admin, "inner", "ana", &ana).await;
        admit(&app, &admin, "inner", "cyd", &cy).await;
        let (topic, _) = app
            .create_topic(&admin, "inner", "Plans", "What next?")
            .await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"new_posts_held": 1}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let nell = app.register_newcomer("nell").await;
        admit(&app, &admin, "inner", "nell", &nell).await;

        let held = reply(&app, &nell, topic, "Hello @ana and @cyd!").await;
        assert_eq!(held.code(), "held_for_review", "{}", held.text);
        let post = held.body["post_id"].as_i64().unwrap_or_default();
        assert_eq!(
            told(&app).await,
            [],
            "nobody is told of a post nobody may read yet"
        );
        // Cy leaves while the post waits: when it is approved, she may no longer read it.
        let r = app
            .post(&routes::group_leave("inner"), Some(&cy), json!({}))
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app
            .post(
                &routes::post_flags_resolve(post),
                Some(&admin),
                json!({"decision": "approve", "reason": "Welcome."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let nell_id = id(&app, "nell").await;
        assert_eq!(told(&app).await, [(id(&app, "ana").await, nell_id, post)]);
        // Approving told everyone there was to tell; an edit tells nobody again.
        let r = edit(&app, &nell, post, "Hello again @ana and @cyd!").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(told(&app).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_post_may_mention_at_most_the_sites_number_of_members() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        for name in ["mia", "max", "moe", "mel"] {
            app.register(name).await;
        }
        app.create_group(&admin, "club", "public").await;
        let (topic, _) = app
            .create_topic(&admin, "club", "Roll call", "Who is in?")
            .await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"trust": {"max_mentions": 3}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["trust"]["max_mentions"], 3, "{}", r.text);

        // Everyone, staff too: distinct members count, not names or repeats.
        let r = reply(&app, &admin, topic, "@mia @max @moe @mel").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "too_many_mentions"),
            "{}",
            r.text
        );
        assert_eq!(r.body["error"]["field"], "body");
        let message = r.body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("at most 3 members") && message.contains("this one mentions 4"),
            "{message}"
        );
        let r = reply(
            &app,
            &admin,
            topic,
            "@mia @MIA @mia @max @moe, @nobody and @nemo",
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = edit(
            &app,
            &admin,
            r.body["id"].as_i64().unwrap_or_default(),
            "@mia @max @moe @mel",
        )
        .await;
        assert_eq!(
            r.code(),
            "too_many_mentions",
            "an edit is held to it too: {}",
            r.text
        );

        // The setting is on the admins' trust page.
        let page = app.page("/admin/trust", Some(&admin)).await;
        assert!(
            page.text.contains(r#"name="max_mentions""#),
            "{}",
            page.text
        );
    })
    .await;
}
