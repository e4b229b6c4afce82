//! The visibility matrix: every read path × group kind × viewer, asserting exactly what is
//! seen. A secret group's name, slug or content must not appear anywhere a non-member can
//! look: lists, counts, pages, search results and snippets, profiles.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, each_backend};

const KINDS: [&str; 3] = ["public", "closed", "secret"];
const VIEWERS: [&str; 8] = [
    "guest",
    "outsider",
    // A site moderator moderates across the site but reads what members read: a group they
    // do not belong to is to them what it is to any outsider.
    "sitemod",
    "requester",
    "invitee",
    "member",
    "moderator",
    "admin",
];

/// What the policy promises, written out by hand from PRODUCT.md.
fn exists(kind: &str, viewer: &str) -> bool {
    kind != "secret" || matches!(viewer, "invitee" | "member" | "moderator" | "admin")
}
fn reads(kind: &str, viewer: &str) -> bool {
    kind == "public" || matches!(viewer, "member" | "moderator" | "admin")
}
fn moderates(viewer: &str) -> bool {
    matches!(viewer, "moderator" | "admin")
}

/// The status a content read path must answer.
fn content_status(kind: &str, viewer: &str) -> StatusCode {
    if !exists(kind, viewer) {
        StatusCode::NOT_FOUND
    } else if reads(kind, viewer) {
        StatusCode::OK
    } else {
        StatusCode::FORBIDDEN
    }
}

struct World {
    tokens: BTreeMap<&'static str, String>,
    /// Per kind: (topic id, opening post id).
    content: BTreeMap<&'static str, (i64, i64)>,
    /// Per kind: (a question with an accepted answer, an idea with a vote and a status).
    kinds: BTreeMap<&'static str, (i64, i64)>,
}

fn slug(kind: &str) -> String {
    format!("aurora-{kind}")
}
fn marker(kind: &str) -> String {
    format!("quokka{kind}")
}
/// Marks a deleted reply.
fn gone_marker(kind: &str) -> String {
    format!("kiwi{kind}")
}
/// Marks the question and the idea of a group kind (apart from `marker`, whose search hits
/// the matrix counts).
fn kind_marker(kind: &str) -> String {
    format!("wombat{kind}")
}

/// The GET routes of the API that read no group's content, each with why; every other GET
/// route is an item read path and is checked for every viewer and group kind below. A new
/// route that reads items cannot ship without its row: it is either in this list, with a
/// reason a reviewer can judge, or the matrix derives its checks from its path.
const NOT_ITEM_READS: &[(&str, &str)] = &[
    (
        "/api/v1/groups",
        "the directory: checked below by what it lists",
    ),
    ("/api/v1/groups/{slug}", "the group itself: checked below"),
    (
        "/api/v1/groups/{slug}/requests",
        "moderators only: checked below",
    ),
    ("/api/v1/search", "checked below by what it finds"),
    ("/api/v1/latest", "checked in latest.rs by what it lists"),
    ("/api/v1/tags", "checked in latest.rs by what it counts"),
    (
        "/api/v1/members/{username}",
        "a profile: checked below by what it counts and lists",
    ),
    ("/api/v1/me", "the viewer's own account"),
    ("/api/v1/me/export", "the viewer's own data"),
    ("/api/v1/me/invitations", "checked below"),
    ("/api/v1/me/documents", "the viewer's own consents"),
    ("/api/v1/me/consents", "the viewer's own consents"),
    ("/api/v1/me/sanctions", "the viewer's own sanctions"),
    ("/api/v1/me/trust", "the viewer's own trust level"),
    ("/api/v1/me/email-preferences", "the viewer's own settings"),
    ("/api/v1/members/{username}/consents", "admins only"),
    ("/api/v1/members/{username}/trust", "site staff only"),
    ("/api/v1/site", "site settings"),
    ("/api/v1/audit", "site staff only"),
    ("/api/v1/admin/members", "admins only: members, not items"),
    (
        "/api/v1/admin/members.csv",
        "admins only: members, not items",
    ),
    ("/api/v1/documents", "the site's public documents"),
    (
        "/api/v1/moderation/queue",
        "those who decide reports only, routed by audience: reports.rs",
    ),
    (
        "/api/v1/items/{kind}/{id}/reports",
        "those who decide the item's reports only, routed by audience: reports.rs",
    ),
    ("/api/v1/moderation/members", "site staff only"),
    ("/api/v1/appeals", "site staff only"),
    ("/api/v1/legal-cases", "site staff only"),
    ("/api/v1/legal-cases/{id}", "site staff only"),
    ("/api/v1/bulletins", "admins only"),
    (
        "/api/v1/admin/outbox",
        "admins only; events hold references and ids, never an item's words",
    ),
    ("/api/v1/idea-statuses", "the site's list of statuses"),
    (
        "/api/v1/conversations",
        "the viewer's own inbox: checked in messages.rs by what it lists",
    ),
    (
        "/api/v1/conversations/{id}",
        "a conversation: messages.rs's matrix of participants and others",
    ),
    (
        "/api/v1/messages/{id}/revisions",
        "a message: messages.rs's matrix of participants and others",
    ),
    ("/api/v1/blocks", "the viewer's own blocks"),
    (
        "/api/v1/bookmarks",
        "the viewer's own bookmarks: an item they can no longer read leaves the list (bookmarks.rs)",
    ),
];

/// The address of an item read path for a group kind's content, from its OpenAPI template.
fn item_path(template: &str, slug: &str, ids: (i64, i64, i64, i64)) -> Option<String> {
    let (topic, post, question, idea) = ids;
    if template.starts_with("/api/v1/groups/{slug}/") {
        return Some(template.replace("{slug}", slug));
    }
    if let Some(rest) = template.strip_prefix("/api/v1/topics/{id}") {
        let id = match rest {
            "/question" => question,
            "/idea" => idea,
            _ => topic,
        };
        return Some(format!("/api/v1/topics/{id}{rest}"));
    }
    if let Some(rest) = template.strip_prefix("/api/v1/posts/{id}") {
        return Some(format!("/api/v1/posts/{post}{rest}"));
    }
    if let Some(rest) = template.strip_prefix("/api/v1/items/{kind}/{id}") {
        return Some(format!("/api/v1/items/post/{post}{rest}"));
    }
    None
}

/// The status a content read path must answer. A path that names an item by its reference
/// (`/api/v1/items/{kind}/{id}/…`) says nothing of an item the viewer cannot read: a closed
/// group's post is, to an outsider, the 404 of an item that does not exist.
fn path_status(path: &str, kind: &str, viewer: &str) -> StatusCode {
    if path.starts_with("/api/v1/items/") && !reads(kind, viewer) {
        StatusCode::NOT_FOUND
    } else {
        content_status(kind, viewer)
    }
}

async fn build(app: &TestApp) -> World {
    let admin = app.register("admin").await;
    app.patch(
        "/api/v1/site",
        Some(&admin),
        json!({"members_may_create_groups": true}),
    )
    .await;
    let owner = app.register("owner").await;
    let mut tokens = BTreeMap::new();
    for v in VIEWERS.iter().filter(|v| !matches!(**v, "guest" | "admin")) {
        tokens.insert(*v, app.register(v).await);
    }
    let r = app
        .call(
            axum::http::Method::PUT,
            "/api/v1/members/sitemod/role",
            Some(&admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    tokens.insert("admin", admin);
    let mut content = BTreeMap::new();
    let mut kinds = BTreeMap::new();
    for kind in KINDS {
        let s = slug(kind);
        let r = app
            .post(
                "/api/v1/groups",
                Some(&owner),
                json!({"name": format!("Aurora {kind} circle"), "slug": s, "description": format!("Zebra {kind} description"), "visibility": kind}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        for v in ["member", "moderator"] {
            let r = app
                .post(
                    &format!("/api/v1/groups/{s}/invitations"),
                    Some(&owner),
                    json!({"username": v}),
                )
                .await;
            let id = r.body["id"].as_i64().unwrap_or_default();
            let r = app
                .post(
                    &format!("/api/v1/invitations/{id}/accept"),
                    Some(&tokens[v]),
                    json!({}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{v} into {s}: {}", r.text);
        }
        app.call(
            axum::http::Method::PUT,
            &format!("/api/v1/groups/{s}/members/moderator/role"),
            Some(&owner),
            Some(json!({"role": "moderator"})),
        )
        .await;
        let r = app
            .post(
                &format!("/api/v1/groups/{s}/invitations"),
                Some(&owner),
                json!({"username": "invitee"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        if kind == "closed" {
            assert_eq!(
                app.join(&tokens["requester"], &s).await.body["state"],
                "pending"
            );
        }
        let (topic, post) = app
            .create_topic(
                &owner,
                &s,
                &format!("Zanzibar {kind} plans"),
                &format!("The {} numbers are final.", marker(kind)),
            )
            .await;
        app.post(
            &format!("/api/v1/topics/{topic}/posts"),
            Some(&tokens["member"]),
            json!({"body": format!("Agreed on {}.", marker(kind))}),
        )
        .await;
        app.patch(
            &format!("/api/v1/posts/{post}"),
            Some(&owner),
            json!({"body": format!("The {} numbers are final, revised.", marker(kind))}),
        )
        .await;
        content.insert(kind, (topic, post));

        // A reply its author deleted: a placeholder for readers, whole for moderators.
        let gone = app
            .post(
                &format!("/api/v1/topics/{topic}/posts"),
                Some(&tokens["member"]),
                json!({"body": format!("Withdrawn {}.", gone_marker(kind))}),
            )
            .await;
        let gone = gone.body["id"].as_i64().unwrap_or_default();
        let r = app
            .delete(&format!("/api/v1/posts/{gone}"), Some(&tokens["member"]))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);

        let km = kind_marker(kind);
        let q = app
            .post(
                &format!("/api/v1/groups/{s}/topics"),
                Some(&owner),
                json!({"title": format!("Yarrow {kind} question"), "body": format!("Who knows {km}?"), "kind": "question"}),
            )
            .await;
        let question = q.body["id"].as_i64().unwrap_or_default();
        let a = app
            .post(
                &format!("/api/v1/topics/{question}/posts"),
                Some(&tokens["member"]),
                json!({"body": format!("The answer is {km}.")}),
            )
            .await;
        let answer = a.body["id"].as_i64().unwrap_or_default();
        let r = app
            .post(
                &format!("/api/v1/posts/{answer}/accept"),
                Some(&owner),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let i = app
            .post(
                &format!("/api/v1/groups/{s}/topics"),
                Some(&owner),
                json!({"title": format!("Yarrow {kind} idea"), "body": format!("Build {km}."), "kind": "idea"}),
            )
            .await;
        let idea = i.body["id"].as_i64().unwrap_or_default();
        app.post(
            &format!("/api/v1/topics/{idea}/vote"),
            Some(&tokens["member"]),
            json!({}),
        )
        .await;
        let r = app
            .call(
                axum::http::Method::PUT,
                &format!("/api/v1/topics/{idea}/status"),
                Some(&owner),
                Some(json!({"status": "shipped", "note": format!("Shipped {km}.")})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        kinds.insert(kind, (question, idea));
    }
    World {
        tokens,
        content,
        kinds,
    }
}

#[tokio::test]
async fn every_read_path_shows_each_viewer_exactly_what_the_policy_allows() {
    each_backend(|app| async move {
        let world = build(&app).await;
        let mut failures: Vec<String> = Vec::new();
        // The item read paths, from the routes the API declares: every GET route is either
        // one of them or listed, with why, in NOT_ITEM_READS.
        let doc = app.get("/api/v1/openapi.json", None).await.body;
        let mut item_templates = Vec::new();
        for (template, ops) in doc["paths"].as_object().into_iter().flatten() {
            if ops.get("get").is_none() {
                continue;
            }
            if NOT_ITEM_READS.iter().any(|(t, _)| t == template) {
                continue;
            }
            if item_path(template, "x", (1, 1, 1, 1)).is_none() {
                failures.push(format!(
                    "GET {template} is neither an item read path the matrix knows nor in NOT_ITEM_READS"
                ));
                continue;
            }
            item_templates.push(template.clone());
        }
        assert!(item_templates.len() >= 10, "{item_templates:?}");
        for kind_path in ["/api/v1/topics/{id}/question", "/api/v1/topics/{id}/idea", "/api/v1/groups/{slug}/ideas", "/api/v1/items/{kind}/{id}/reactions"] {
            assert!(item_templates.iter().any(|t| t == kind_path), "{kind_path} is in the matrix");
        }
        for (template, _) in NOT_ITEM_READS {
            if doc["paths"][template]["get"].is_null() {
                failures.push(format!("NOT_ITEM_READS lists {template}, which is no GET route"));
            }
        }
        let mut check = |ok: bool, what: String| {
            if !ok {
                failures.push(what);
            }
        };

        for viewer in VIEWERS {
            let token = world.tokens.get(viewer).map(String::as_str);
            let mut seen_text = String::new();

            let dir = app.get("/api/v1/groups?limit=100", token).await;
            seen_text.push_str(&dir.text);
            let listed: Vec<String> = dir.body["groups"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|g| g["slug"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let expected_count = KINDS.iter().filter(|k| exists(k, viewer)).count();
            check(
                listed.len() == expected_count,
                format!("{viewer}: directory lists {listed:?}"),
            );

            let profile = app.get("/api/v1/members/member", token).await;
            seen_text.push_str(&profile.text);
            // In each group it reads: a reply and an answer by "member".
            let readable = 2 * KINDS.iter().filter(|k| reads(k, viewer)).count() as i64;
            check(
                profile.body["post_count"] == json!(readable),
                format!(
                    "{viewer}: member's profile counts {} posts, expected {readable}",
                    profile.body["post_count"]
                ),
            );

            let search = app.get("/api/v1/search?q=zanzibar", token).await;
            seen_text.push_str(&search.text);
            let found: Vec<String> = search.body["results"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|h| h["group"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();

            let invitations = if token.is_some() {
                app.get("/api/v1/me/invitations", token).await
            } else {
                app.get("/api/v1/me/invitations", None).await
            };
            seen_text.push_str(&invitations.text);

            for kind in KINDS {
                let s = slug(kind);
                let (topic, post) = world.content[kind];
                let cell = format!("{viewer} × {kind}");

                check(
                    listed.contains(&s) == exists(kind, viewer),
                    format!("{cell}: directory"),
                );
                let in_profile = profile.body["groups"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|g| g["slug"] == json!(s)));
                check(
                    in_profile == reads(kind, viewer),
                    format!("{cell}: profile lists the group = {in_profile}"),
                );
                check(
                    found.contains(&s) == reads(kind, viewer),
                    format!("{cell}: search by title found = {}", found.contains(&s)),
                );
                let invited_here = invitations
                    .body
                    .as_array()
                    .is_some_and(|a| a.iter().any(|i| i["group"]["slug"] == json!(s)));
                check(
                    invited_here == (viewer == "invitee"),
                    format!("{cell}: my invitations = {invited_here}"),
                );

                let page = app.get(&format!("/api/v1/groups/{s}"), token).await;
                seen_text.push_str(&page.text);
                let want = if exists(kind, viewer) {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                };
                check(
                    page.status == want,
                    format!("{cell}: group page {} (want {want})", page.status),
                );
                if page.status == StatusCode::OK {
                    check(
                        page.body["can_read"] == json!(reads(kind, viewer)),
                        format!("{cell}: can_read"),
                    );
                    check(
                        page.body["can_moderate"] == json!(moderates(viewer)),
                        format!("{cell}: can_moderate"),
                    );
                    check(
                        page.body["topic_count"].is_null() != reads(kind, viewer),
                        format!("{cell}: topic_count shown only to readers"),
                    );
                    check(
                        page.body["member_count"] == json!(3),
                        format!("{cell}: member_count {}", page.body["member_count"]),
                    );
                }

                let (question, idea) = world.kinds[kind];
                let content_paths: Vec<String> = item_templates
                    .iter()
                    .filter_map(|t| item_path(t, &s, (topic, post, question, idea)))
                    .collect();
                for path in &content_paths {
                    let r = app.get(path, token).await;
                    seen_text.push_str(&r.text);
                    let want = path_status(path, kind, viewer);
                    check(
                        r.status == want,
                        format!("{cell}: GET {path} = {} (want {want})", r.status),
                    );
                    if r.status != StatusCode::OK {
                        check(
                            !r.text.contains(&marker(kind))
                                && !r.text.contains(&kind_marker(kind))
                                && !r.text.contains("Zanzibar")
                                && !r.text.contains("Yarrow"),
                            format!("{cell}: {path} leaks content"),
                        );
                    }
                }
                let kind_search = app
                    .get(&format!("/api/v1/search?q={}", kind_marker(kind)), token)
                    .await;
                seen_text.push_str(&kind_search.text);
                let hits = kind_search.body["results"].as_array().map(Vec::len).unwrap_or(0);
                check(
                    (hits > 0) == reads(kind, viewer),
                    format!("{cell}: search for the question and idea found {hits}"),
                );
                let thread = app.get(&format!("/api/v1/topics/{topic}"), token).await;
                check(
                    thread.text.contains(&gone_marker(kind))
                        == (reads(kind, viewer) && moderates(viewer)),
                    format!("{cell}: a deleted reply's words shown = {}", thread.text.contains(&gone_marker(kind))),
                );
                let gone_search = app
                    .get(&format!("/api/v1/search?q={}", gone_marker(kind)), token)
                    .await;
                check(
                    gone_search.body["results"].as_array().is_some_and(Vec::is_empty),
                    format!("{cell}: search finds a deleted reply"),
                );

                let search = app
                    .get(&format!("/api/v1/search?q={}", marker(kind)), token)
                    .await;
                seen_text.push_str(&search.text);
                // The marker is in the opening post and a reply: one result for the topic,
                // with one more match in it.
                let hits = search.body["results"].as_array().map(Vec::len).unwrap_or(0);
                let more = search.body["results"][0]["more_matches"].as_i64().unwrap_or(0);
                check(
                    (hits == 1 && more == 1) == reads(kind, viewer)
                        && (hits == 0) != reads(kind, viewer),
                    format!("{cell}: search for its marker found {hits} ({more} more)"),
                );

                let requests = app
                    .get(&format!("/api/v1/groups/{s}/requests"), token)
                    .await;
                seen_text.push_str(&requests.text);
                let want = if !exists(kind, viewer) {
                    StatusCode::NOT_FOUND
                } else if moderates(viewer) {
                    StatusCode::OK
                } else if token.is_none() {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::FORBIDDEN
                };
                let got = if requests.status == StatusCode::FORBIDDEN && token.is_none() {
                    StatusCode::UNAUTHORIZED
                } else {
                    requests.status
                };
                check(
                    got == want,
                    format!("{cell}: requests list {} (want {want})", requests.status),
                );
                if requests.status == StatusCode::OK && kind == "closed" {
                    check(
                        requests.body[0]["username"] == json!("requester"),
                        format!("{cell}: the requester is listed"),
                    );
                }
            }

            if !exists("secret", viewer) {
                for secret in [
                    "aurora-secret",
                    "Aurora secret circle",
                    "Zebra secret",
                    "quokkasecret",
                    "Zanzibar secret",
                    "wombatsecret",
                    "Yarrow secret",
                    "kiwisecret",
                ] {
                    check(
                        !seen_text.contains(secret),
                        format!("{viewer}: a response mentions {secret:?}"),
                    );
                }
            }
            check(
                !seen_text.contains("@example.com"),
                format!("{viewer}: an email address appears in a response"),
            );
            if !reads("closed", viewer) {
                check(
                    !seen_text.contains("quokkaclosed")
                        && !seen_text.contains("Zanzibar closed")
                        && !seen_text.contains("wombatclosed")
                        && !seen_text.contains("Yarrow closed"),
                    format!("{viewer}: closed content leaked"),
                );
            }
        }
        assert!(
            failures.is_empty(),
            "{} ({}): {} visibility failures:\n{}",
            app.backend,
            "matrix",
            failures.len(),
            failures.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn a_secret_group_answers_every_write_path_like_a_group_that_never_existed() {
    each_backend(|app| async move {
        let world = build(&app).await;
        let outsider = world.tokens["outsider"].as_str();
        let (topic, post) = world.content["secret"];
        let (question, idea) = world.kinds["secret"];
        let answer = app
            .get(
                &format!("/api/v1/topics/{question}"),
                Some(&world.tokens["member"]),
            )
            .await
            .body["posts"][1]["id"]
            .as_i64()
            .unwrap_or_default();
        let posts_before = app.db().count_rows("posts").await;
        let events_before = app.db().count_rows("outbox").await;
        let writes: Vec<(axum::http::Method, String, Value)> = vec![
            (
                axum::http::Method::POST,
                format!("/api/v1/posts/{answer}/accept"),
                json!({"best": true}),
            ),
            (
                axum::http::Method::DELETE,
                format!("/api/v1/posts/{answer}/accept"),
                json!({}),
            ),
            (
                axum::http::Method::POST,
                format!("/api/v1/topics/{idea}/vote"),
                json!({}),
            ),
            (
                axum::http::Method::DELETE,
                format!("/api/v1/topics/{idea}/vote"),
                json!({}),
            ),
            (
                axum::http::Method::PUT,
                format!("/api/v1/topics/{idea}/status"),
                json!({"status": "declined"}),
            ),
            (
                axum::http::Method::POST,
                format!("/api/v1/topics/{idea}/merge"),
                json!({"into": question}),
            ),
            (
                axum::http::Method::DELETE,
                format!("/api/v1/topics/{idea}/merge"),
                json!({}),
            ),
            (
                axum::http::Method::POST,
                "/api/v1/groups/aurora-secret/join".into(),
                json!({}),
            ),
            (
                axum::http::Method::POST,
                "/api/v1/groups/aurora-secret/leave".into(),
                json!({}),
            ),
            (
                axum::http::Method::POST,
                "/api/v1/groups/aurora-secret/topics".into(),
                json!({"title": "Hello there", "body": "Hi"}),
            ),
            (
                axum::http::Method::POST,
                "/api/v1/groups/aurora-secret/invitations".into(),
                json!({"username": "guest"}),
            ),
            (
                axum::http::Method::POST,
                "/api/v1/groups/aurora-secret/requests/requester/approve".into(),
                json!({}),
            ),
            (
                axum::http::Method::POST,
                format!("/api/v1/topics/{topic}/posts"),
                json!({"body": "Hi"}),
            ),
            (
                axum::http::Method::PATCH,
                format!("/api/v1/topics/{topic}"),
                json!({"locked": true}),
            ),
            (
                axum::http::Method::PATCH,
                format!("/api/v1/posts/{post}"),
                json!({"body": "Hi"}),
            ),
            (
                axum::http::Method::DELETE,
                format!("/api/v1/posts/{post}"),
                json!({}),
            ),
            (
                axum::http::Method::POST,
                format!("/api/v1/posts/{post}/restore"),
                json!({}),
            ),
            (
                axum::http::Method::POST,
                format!("/api/v1/items/post/{post}/reactions"),
                json!({"emoji": "👍"}),
            ),
            (
                axum::http::Method::DELETE,
                format!("/api/v1/items/post/{post}/reactions?emoji=%F0%9F%91%8D"),
                json!({}),
            ),
            (
                axum::http::Method::PUT,
                format!("/api/v1/items/post/{post}/bookmark"),
                json!({"note": "later"}),
            ),
            (
                axum::http::Method::DELETE,
                format!("/api/v1/items/post/{post}/bookmark"),
                json!({}),
            ),
        ];
        let never = app
            .get("/api/v1/groups/never-existed", Some(outsider))
            .await;
        for (method, path, body) in writes {
            let r = app
                .call(method.clone(), &path, Some(outsider), Some(body))
                .await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{method} {path}: {}",
                r.text
            );
            assert_eq!(
                r.text, never.text,
                "{method} {path} answers differently from a group that never existed"
            );
        }
        assert_eq!(
            app.db().count_rows("posts").await,
            posts_before,
            "nothing was written"
        );
        assert_eq!(
            app.db().count_rows("outbox").await,
            events_before,
            "nothing was recorded"
        );
    })
    .await;
}
