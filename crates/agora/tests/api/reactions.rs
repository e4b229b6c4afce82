//! Reactions on any item, through the API and the pages: a like and the site's other emoji,
//! once per member, item and emoji; never on one's own item; counts on every post object and
//! under every post of a topic page; who reacted, to readers only (anyone else gets the 404
//! of an item that does not exist); each change an event in its transaction; the guest copy
//! of the topic page dropped.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, csrf_for, each_backend, member_id};

const LIKE: &str = "❤️";

/// `admin` owns a public group `club` where `ana` opened a topic; `ben` is a member. Their
/// tokens and the topic's id and opening post's.
async fn club(app: &TestApp) -> (String, String, String, i64, i64) {
    let admin = app.register("admin").await;
    let ana = app.register("ana").await;
    let ben = app.register("ben").await;
    app.create_group(&admin, "club", "public").await;
    app.join(&ana, "club").await;
    app.join(&ben, "club").await;
    let (topic, post) = app
        .create_topic(&ana, "club", "Chain wax", "Hot wax or drip?")
        .await;
    (admin, ana, ben, topic, post)
}

fn counts(body: &Value) -> Vec<(String, i64, bool)> {
    body["reactions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["emoji"].as_str().unwrap_or_default().to_owned(),
                        c["count"].as_i64().unwrap_or_default(),
                        c["mine"].as_bool().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn one(emoji: &str, count: i64, mine: bool) -> Vec<(String, i64, bool)> {
    vec![(emoji.to_owned(), count, mine)]
}

async fn events(app: &TestApp, name: &str, post: i64, by: i64, author: i64) -> i64 {
    app.db()
        .count_where(
            "outbox",
            &format!(
                "name = '{name}' AND payload LIKE '%\"item\":{{\"kind\":\"post\",\"id\":{post}}}%' \
                 AND payload LIKE '%\"by\":{by},\"author\":{author}%'"
            ),
        )
        .await
}

#[tokio::test]
async fn a_member_reacts_once_per_emoji_and_takes_it_back() {
    each_backend(|app| async move {
        let (_, ana, ben, topic, post) = club(&app).await;
        let path = routes::item_reactions("post", post);

        let r = app.post(&path, Some(&ben), json!({"emoji": LIKE})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(counts(&r.body), one(LIKE, 1, true));
        assert_eq!(r.body["can_react"], true);
        // A second like is the same like.
        let again = app.post(&path, Some(&ben), json!({"emoji": LIKE})).await;
        assert_eq!(counts(&again.body), one(LIKE, 1, true));
        // The heart without its selector, as some keyboards type it, is the same emoji.
        let bare = app.post(&path, Some(&ben), json!({"emoji": "❤"})).await;
        assert_eq!(counts(&bare.body), one(LIKE, 1, true));
        let r = app.post(&path, Some(&ben), json!({"emoji": "🎉"})).await;
        assert_eq!(
            counts(&r.body),
            vec![(LIKE.to_owned(), 1, true), ("🎉".to_owned(), 1, true)]
        );

        // The post objects carry the counts; the viewer's own are marked.
        let seen = app.get(&routes::topic(topic), Some(&ana)).await;
        assert_eq!(
            seen.body["posts"][0]["reactions"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(seen.body["posts"][0]["reactions"][0]["mine"], false);
        assert_eq!(
            seen.body["posts"][0]["capabilities"]["react"], false,
            "her own post"
        );
        let single = app.get(&routes::post(post), Some(&ben)).await;
        assert_eq!(single.body["reactions"][0]["mine"], true, "{}", single.text);
        assert_eq!(single.body["capabilities"]["react"], true);

        let taken = app
            .delete(&format!("{path}?emoji=%F0%9F%8E%89"), Some(&ben))
            .await;
        assert_eq!(taken.status, StatusCode::OK, "{}", taken.text);
        assert_eq!(counts(&taken.body), one(LIKE, 1, true));
        let again = app
            .delete(&format!("{path}?emoji=%F0%9F%8E%89"), Some(&ben))
            .await;
        assert_eq!(
            counts(&again.body),
            one(LIKE, 1, true),
            "nothing more to take back"
        );

        // One event per change, with the item, who reacted and whose item it is.
        let (ben_id, ana_id) = (
            member_id(&app, "ben").await.0,
            member_id(&app, "ana").await.0,
        );
        assert_eq!(
            events(&app, "reaction_given", post, ben_id, ana_id).await,
            2
        );
        assert_eq!(
            events(&app, "reaction_taken", post, ben_id, ana_id).await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn own_items_strangers_guests_and_emoji_outside_the_set_are_refused() {
    each_backend(|app| async move {
        let (admin, ana, ben, topic, post) = club(&app).await;
        let path = routes::item_reactions("post", post);

        let own = app.post(&path, Some(&ana), json!({"emoji": LIKE})).await;
        assert_eq!(
            (own.status, own.code()),
            (StatusCode::FORBIDDEN, "own_item"),
            "{}",
            own.text
        );
        let guest = app.post(&path, None, json!({"emoji": LIKE})).await;
        assert_eq!(guest.status, StatusCode::UNAUTHORIZED, "{}", guest.text);
        let odd = app.post(&path, Some(&ben), json!({"emoji": "🚲"})).await;
        assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", odd.text);
        assert_eq!(odd.body["error"]["field"], "emoji");
        assert_eq!(odd.code(), "not_in_set");
        for bad in [
            routes::item_reactions("hologram", post),
            routes::item_reactions("post", post + 1_000),
        ] {
            let r = app.post(&bad, Some(&ben), json!({"emoji": LIKE})).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}: {}", r.text);
            let r = app.get(&bad, Some(&ben)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}: {}", r.text);
        }

        // A reader of a public group need not join to like, as on Discourse.
        let olga = app.register("olga").await;
        let r = app.post(&path, Some(&olga), json!({"emoji": LIKE})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        // An unconfirmed address and a suspension are the guard's refusals.
        let uma = app.register_unverified("uma").await;
        let r = app.post(&path, Some(&uma), json!({"emoji": LIKE})).await;
        assert_eq!(r.code(), "email_unverified", "{}", r.text);
        let r = app
            .post(
                &routes::member_sanctions("ben"),
                Some(&admin),
                json!({"kind": "suspension", "reason": "Spam.", "days": 7}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app.post(&path, Some(&ben), json!({"emoji": LIKE})).await;
        assert_eq!(r.code(), "suspended", "{}", r.text);

        // A locked topic takes no reactions but from its moderators.
        let r = app
            .patch(&routes::topic(topic), Some(&admin), json!({"locked": true}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = app.post(&path, Some(&olga), json!({"emoji": "👍"})).await;
        assert_eq!(r.code(), "topic_locked", "{}", r.text);
        let r = app.post(&path, Some(&admin), json!({"emoji": "👍"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn admins_choose_the_set_and_reactions_outside_it_stay_until_taken_back() {
    each_backend(|app| async move {
        let (admin, _, ben, _, post) = club(&app).await;
        let path = routes::item_reactions("post", post);
        assert_eq!(
            app.get(&routes::site(), None).await.body["reactions"],
            json!(["❤️", "👍", "😄", "🎉", "🤔", "👀"])
        );
        app.post(&path, Some(&ben), json!({"emoji": "👀"})).await;

        for bad in [json!([]), json!(["👍", "lol"]), json!(["👍", "👍"])] {
            let r = app
                .patch(&routes::site(), Some(&admin), json!({"reactions": bad}))
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{bad}: {}",
                r.text
            );
            assert_eq!(r.body["error"]["field"], "reactions");
        }
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"reactions": ["👍", "🚲"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["reactions"], json!(["👍", "🚲"]));

        let r = app.post(&path, Some(&ben), json!({"emoji": "🚲"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = app.post(&path, Some(&ben), json!({"emoji": LIKE})).await;
        assert_eq!(r.code(), "not_in_set", "{}", r.text);
        // The set's order first, then what left the set; and what left it is taken back.
        let who = app.get(&path, None).await;
        assert_eq!(
            counts(&who.body),
            vec![("🚲".to_owned(), 1, false), ("👀".to_owned(), 1, false)]
        );
        let r = app
            .delete(&format!("{path}?emoji=%F0%9F%91%80"), Some(&ben))
            .await;
        assert_eq!(counts(&r.body), one("🚲", 1, true), "{}", r.text);

        // The admin page's form sets it too.
        let csrf = csrf_for(&admin);
        let r = app
            .form(
                "/admin",
                Some(&admin),
                &[("csrf", &csrf), ("name", "agora"), ("reactions", "🎉 , 👍")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(
            app.get(&routes::site(), None).await.body["reactions"],
            json!(["🎉", "👍"])
        );
        let r = app
            .form(
                "/admin",
                Some(&admin),
                &[("csrf", &csrf), ("name", "agora"), ("reactions", "🎉 yes")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("not a single emoji"), "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn who_reacted_is_for_readers_and_everyone_else_gets_the_404_of_nothing() {
    each_backend(|app| async move {
        let owner = app.register("owner").await;
        let member = app.register("member").await;
        let outsider = app.register("outsider").await;
        let mut posts = Vec::new();
        for kind in ["public", "closed", "secret"] {
            let slug = format!("g-{kind}");
            app.create_group(&owner, &slug, kind).await;
            let r = app
                .post(
                    &routes::group_invitations(&slug),
                    Some(&owner),
                    json!({"username": "member"}),
                )
                .await;
            let id = r.body["id"].as_i64().unwrap_or_default();
            app.post(&routes::invitation_accept(id), Some(&member), json!({}))
                .await;
            let (_, post) = app
                .create_topic(
                    &owner,
                    &slug,
                    &format!("Zanzibar {kind}"),
                    "Quokka numbers.",
                )
                .await;
            let r = app
                .post(
                    &routes::item_reactions("post", post),
                    Some(&member),
                    json!({"emoji": LIKE}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{kind}: {}", r.text);
            posts.push((kind, post));
        }
        let nothing = app
            .get(&routes::item_reactions("post", 999_999), Some(&outsider))
            .await;
        assert_eq!(nothing.status, StatusCode::NOT_FOUND);
        for (kind, post) in posts {
            let path = routes::item_reactions("post", post);
            let readers: &[Option<&str>] = if kind == "public" {
                &[None, Some(&outsider), Some(&member)]
            } else {
                &[Some(&member), Some(&owner)]
            };
            for token in readers {
                let r = app.get(&path, *token).await;
                assert_eq!(r.status, StatusCode::OK, "{kind}: {}", r.text);
                assert_eq!(r.body["reactors"][0]["username"], "member");
                assert_eq!(
                    counts(&r.body),
                    one(LIKE, 1, *token == Some(member.as_str()))
                );
            }
            if kind == "public" {
                continue;
            }
            for token in [None, Some(outsider.as_str())] {
                let who = app.get(&path, token).await;
                let react = app.post(&path, token, json!({"emoji": "👍"})).await;
                let mark = app
                    .call(
                        axum::http::Method::PUT,
                        &routes::item_bookmark("post", post),
                        token,
                        Some(json!({})),
                    )
                    .await;
                // A guest too: what may not be read is looked at before who asks.
                for (what, r) in [("who", &who), ("react", &react), ("bookmark", &mark)] {
                    assert_eq!(
                        r.status,
                        StatusCode::NOT_FOUND,
                        "{kind} {what} {token:?}: {}",
                        r.text
                    );
                    assert_eq!(r.text, nothing.text, "{kind} {what}: the 404 of nothing");
                    assert!(!r.text.contains("Zanzibar") && !r.text.contains("member"));
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn who_reacted_comes_in_pages_the_latest_first() {
    each_backend(|app| async move {
        let (admin, _, ben, _, post) = club(&app).await;
        let path = routes::item_reactions("post", post);
        app.post(&path, Some(&ben), json!({"emoji": LIKE})).await;
        app.post(&path, Some(&admin), json!({"emoji": "👍"})).await;
        let first = app.get(&format!("{path}?limit=1"), None).await;
        assert_eq!(
            first.body["reactors"][0]["username"], "admin",
            "{}",
            first.text
        );
        let cursor = first.body["next_cursor"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let second = app
            .get(&format!("{path}?limit=1&cursor={cursor}"), None)
            .await;
        assert_eq!(
            second.body["reactors"][0]["username"], "ben",
            "{}",
            second.text
        );
        assert!(second.body["next_cursor"].is_null());
        let likes = app
            .get(&format!("{path}?emoji=%E2%9D%A4%EF%B8%8F"), None)
            .await;
        assert_eq!(likes.body["reactors"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            counts(&likes.body).len(),
            2,
            "the counts of every emoji stay"
        );
    })
    .await;
}

#[tokio::test]
async fn the_topic_page_offers_buttons_that_work_without_javascript() {
    each_backend(|app| async move {
        let (_, ana, ben, topic, post) = club(&app).await;
        let page = format!("/t/{topic}/chain-wax");
        let csrf = csrf_for(&ben);

        let before = app.page(&page, Some(&ben)).await;
        assert!(
            before
                .text
                .contains(&format!("action=\"/items/post/{post}/react\"")),
            "{}",
            before.text
        );
        assert!(
            before
                .text
                .contains("name=\"add\" value=\"❤️\" aria-pressed=\"false\"")
        );
        let r = app
            .form(
                &format!("/items/post/{post}/react"),
                Some(&ben),
                &[("csrf", &csrf), ("add", LIKE)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(r.header("location"), Some(format!("/p/{post}").as_str()));
        // Sent twice (a double click), it is still one like.
        app.form(
            &format!("/items/post/{post}/react"),
            Some(&ben),
            &[("csrf", &csrf), ("add", LIKE)],
        )
        .await;
        let after = app.page(&page, Some(&ben)).await;
        assert!(
            after
                .text
                .contains("name=\"remove\" value=\"❤️\" aria-pressed=\"true\""),
            "{}",
            after.text
        );
        assert!(after.text.contains("<span class=\"count\">1</span>"));
        assert!(
            after
                .text
                .contains(&format!("href=\"/items/post/{post}/reactions\""))
        );

        // Its author and guests see the count, and no button.
        for token in [Some(ana.as_str()), None] {
            let seen = app.page(&page, token).await;
            assert!(
                seen.text.contains("<span class=\"count\">1</span>"),
                "{}",
                seen.text
            );
            assert!(!seen.text.contains(&format!("/items/post/{post}/react\"")));
        }
        let who = app
            .page(&format!("/items/post/{post}/reactions"), None)
            .await;
        assert_eq!(who.status, StatusCode::OK, "{}", who.text);
        assert!(who.text.contains("href=\"/u/ben\""), "{}", who.text);

        let r = app
            .form(
                &format!("/items/post/{post}/react"),
                Some(&ben),
                &[("csrf", &csrf), ("remove", LIKE)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let back = app.page(&page, Some(&ben)).await;
        assert!(back.text.contains("aria-pressed=\"false\""));
        assert!(!back.text.contains("<span class=\"count\">"));
        let wrong = app
            .form(
                &format!("/items/post/{post}/react"),
                Some(&ben),
                &[("csrf", &csrf), ("add", "🚲")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn a_reaction_drops_the_guests_copy_of_its_topic_page() {
    each_backend(|app| async move {
        let app = app.with_guest_cache(60);
        let (_, _, ben, topic, post) = club(&app).await;
        let page = format!("/t/{topic}/chain-wax");
        let state = |r: &crate::support::Reply| {
            r.headers
                .get(agora_web::CACHE_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(state(&app.page(&page, None).await).as_deref(), Some("miss"));
        assert_eq!(state(&app.page(&page, None).await).as_deref(), Some("hit"));
        let r = app
            .post(
                &routes::item_reactions("post", post),
                Some(&ben),
                json!({"emoji": LIKE}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let after = app.page(&page, None).await;
        assert_eq!(state(&after).as_deref(), Some("miss"));
        assert!(
            after.text.contains("<span class=\"count\">1</span>"),
            "{}",
            after.text
        );
    })
    .await;
}
