//! Full-text search: ranked, highlighted, and in step with every write.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::each_backend;

#[tokio::test]
async fn search_finds_topics_and_replies_ranked_with_highlighted_snippets() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (t1, _) = app
            .create_topic(
                &admin,
                "club",
                "Battery range in winter",
                "My range drops in the cold.",
            )
            .await;
        let (t2, _) = app
            .create_topic(
                &admin,
                "club",
                "Brake pads",
                "Pads squeal after rain; the battery is fine.",
            )
            .await;
        app.post(
            &routes::topic_posts(t2),
            Some(&admin),
            json!({"body": "Clean the rotor with <b>alcohol</b>."}),
        )
        .await;

        let r = app.get("/api/v1/search?q=battery", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let ids: Vec<i64> = r.body["results"]
            .as_array()
            .map(|a| a.iter().filter_map(|h| h["topic_id"].as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(ids, vec![t1, t2], "a title match ranks first");
        let snippet = r.body["results"][0]["snippet_html"].as_str().unwrap_or("");
        assert!(snippet.contains("<mark>Battery</mark>"), "{snippet}");

        let r = app.get("/api/v1/search?q=rotor+alcohol", None).await;
        assert_eq!(r.body["results"][0]["post_number"], 2);
        let snippet = r.body["results"][0]["snippet_html"].as_str().unwrap_or("");
        assert!(snippet.contains("<mark>alcohol</mark>"), "{snippet}");
        assert!(
            !snippet.contains("<b>"),
            "markup in posts is never live in snippets: {snippet}"
        );

        let r = app
            .get("/api/v1/search?q=%22battery%22+OR+*+NEAR(", None)
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "search syntax typed by a user is just words: {}",
            r.text
        );
    })
    .await;
}

#[tokio::test]
async fn search_follows_edits_and_deletions_at_once() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (_, post) = app
            .create_topic(
                &admin,
                "club",
                "Motor noise",
                "A grinding sound at low speed.",
            )
            .await;
        assert_eq!(
            app.get("/api/v1/search?q=grinding", None).await.body["results"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );

        app.patch(
            &routes::post(post),
            Some(&admin),
            json!({"body": "A clicking sound at low speed."}),
        )
        .await;
        assert_eq!(
            app.get("/api/v1/search?q=grinding", None).await.body["results"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        assert_eq!(
            app.get("/api/v1/search?q=clicking", None).await.body["results"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );

        app.delete(&routes::post(post), Some(&admin)).await;
        assert_eq!(
            app.get("/api/v1/search?q=clicking", None).await.body["results"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        assert_eq!(
            app.get("/api/v1/search?q=clicking", Some(&admin))
                .await
                .body["results"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
    })
    .await;
}

/// The topic ids of a search's results, in order.
fn topic_ids(r: &crate::support::Reply) -> Vec<i64> {
    r.body["results"]
        .as_array()
        .map(|a| a.iter().filter_map(|h| h["topic_id"].as_i64()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn search_shows_each_topic_once_by_its_best_match_with_the_count_of_the_others() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let (busy, _) = app
            .create_topic(&admin, "club", "Winter tyres", "Which tyres grip on ice?")
            .await;
        for body in [
            "Studded tyres grip best.",
            "My tyres slip on ice.",
            "Tyres with siping help.",
            "Wider tyres, lower pressure.",
        ] {
            let r = app
                .post(
                    &routes::topic_posts(busy),
                    Some(&admin),
                    json!({"body": body}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        }
        let (quiet, _) = app
            .create_topic(&admin, "club", "Pump", "What pressure for my tyres?")
            .await;

        let r = app.get("/api/v1/search?q=tyres", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(
            topic_ids(&r),
            [busy, quiet],
            "one result per topic: {}",
            r.text
        );
        assert_eq!(
            (
                r.body["results"][0]["post_number"].as_i64(),
                r.body["results"][0]["more_matches"].as_i64(),
                r.body["results"][1]["more_matches"].as_i64()
            ),
            (Some(1), Some(4), Some(0)),
            "the title match is the best; four more posts matched: {}",
            r.text
        );
        assert_eq!(
            (r.body["total"].as_i64(), r.body["total_exact"].as_bool()),
            (Some(2), Some(true))
        );

        // Pages count topics.
        let r = app.get("/api/v1/search?q=tyres&limit=1", None).await;
        assert_eq!(
            (topic_ids(&r), r.body["next_offset"].as_i64()),
            (vec![busy], Some(1))
        );
        let r = app
            .get("/api/v1/search?q=tyres&limit=1&offset=1", None)
            .await;
        assert_eq!(
            (topic_ids(&r), r.body["next_offset"].as_i64()),
            (vec![quiet], None)
        );
        assert_eq!(r.body["total"], 2);

        let page = app.page("/search?q=tyres", None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("2 topics found."), "{}", page.text);
        assert_eq!(
            page.text.matches("class=\"title\"").count(),
            2,
            "{}",
            page.text
        );
        assert!(
            page.text.contains("4 more matches in this topic"),
            "{}",
            page.text
        );
    })
    .await;
}

#[tokio::test]
async fn search_filters_are_form_controls_that_work_without_javascript() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.create_group(&admin, "shop", "public").await;
        app.join(&ben, "club").await;
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&admin),
                json!({"title": "Chain wax or oil?", "body": "Which lasts on a chain?", "kind": "question"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let question = r.body["id"].as_i64().unwrap_or_default();
        let (talk, _) = app
            .create_topic(&ben, "club", "Chain stories", "My chain snapped once.")
            .await;
        let (shop, _) = app
            .create_topic(&admin, "shop", "Chain sale", "Chains at half price.")
            .await;

        // The page offers the filters as controls of one GET form.
        let form = app.page("/search", None).await.text;
        for control in [
            "<form class=\"card filters\" action=\"/search\" method=\"get\"",
            "<select id=\"search-kind\" name=\"kind\"",
            "<option value=\"question\">",
            "<select id=\"search-is\" name=\"is\"",
            "<option value=\"solved\">",
            "<option value=\"planned\">",
            "name=\"group\"",
            "name=\"author\"",
        ] {
            assert!(form.contains(control), "{control}: {form}");
        }

        let titles = |text: &str| -> Vec<&'static str> {
            ["Chain wax or oil?", "Chain stories", "Chain sale"]
                .into_iter()
                .filter(|t| text.contains(t))
                .collect()
        };
        for (address, expected) in [
            ("/search?q=chain&kind=question", vec!["Chain wax or oil?"]),
            ("/search?q=chain&kind=discussion&group=club", vec!["Chain stories"]),
            ("/search?q=chain&author=ben", vec!["Chain stories"]),
            ("/search?q=chain&group=shop", vec!["Chain sale"]),
            ("/search?q=chain&is=unanswered&kind=&group=&author=", vec!["Chain wax or oil?", "Chain stories", "Chain sale"]),
        ] {
            let r = app.page(address, None).await;
            assert_eq!(r.status, StatusCode::OK, "{address}: {}", r.text);
            assert_eq!(titles(&r.text), expected, "{address}");
        }
        // The chosen values stay chosen, and so does an operator typed in the words.
        let r = app.page("/search?q=chain+is%3Aunanswered&kind=question", None).await;
        assert!(r.text.contains("<option value=\"question\" selected>"), "{}", r.text);
        assert!(r.text.contains("<option value=\"unanswered\" selected>"), "{}", r.text);
        // A value no control offers is refused, on the page and in the API.
        let r = app.page("/search?q=chain&is=solved%20extra", None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = app.page("/search?q=chain&group=%27%3B", None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The API takes the same filters as operators.
        let r = app.get("/api/v1/search?q=chain%20author%3Aben", None).await;
        assert_eq!(topic_ids(&r), [talk], "{}", r.text);
        let r = app.get("/api/v1/search?q=chain%20group%3Ashop", None).await;
        assert_eq!(topic_ids(&r), [shop], "{}", r.text);
        let r = app.get("/api/v1/search?q=chain%20kind%3Aquestion", None).await;
        assert_eq!(topic_ids(&r), [question], "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn a_search_of_operators_alone_lists_what_matches_newest_first() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ben, "club").await;
        let ask = |title: &'static str, kind: &'static str| {
            let (app, admin) = (&app, &admin);
            async move {
                let r = app
                    .post(
                        &routes::group_topics("club"),
                        Some(admin),
                        json!({"title": title, "body": format!("About {title}."), "kind": kind}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                r.body["id"].as_i64().unwrap_or_default()
            }
        };
        let older = ask("Older question", "question").await;
        app.create_topic(&admin, "club", "A discussion", "Just talk.")
            .await;
        let newer = ask("Newer question", "question").await;
        let idea = ask("Night mode", "idea").await;

        let r = app.get("/api/v1/search?q=kind%3Aquestion", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(topic_ids(&r), [newer, older], "newest first: {}", r.text);
        assert_eq!(r.body["total"], 2);
        assert_eq!(
            r.body["results"][0]["snippet_html"],
            "About Newer question."
        );

        // is:solved: ben answers the newer question, the asker accepts it.
        let r = app
            .post(
                &routes::topic_posts(newer),
                Some(&ben),
                json!({"body": "Use wax."}),
            )
            .await;
        let answer = r.body["id"].as_i64().unwrap_or_default();
        let r = app
            .post(&routes::post_accept(answer), Some(&admin), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = app.get("/api/v1/search?q=is%3Asolved", None).await;
        assert_eq!(topic_ids(&r), [newer], "{}", r.text);
        let r = app
            .get("/api/v1/search?q=kind%3Aquestion%20is%3Aunanswered", None)
            .await;
        assert_eq!(topic_ids(&r), [older], "{}", r.text);

        // is:planned.
        let r = app
            .call(
                axum::http::Method::PUT,
                &routes::topic_status(idea),
                Some(&admin),
                Some(json!({"status": "planned"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = app.get("/api/v1/search?q=is%3Aplanned", None).await;
        assert_eq!(topic_ids(&r), [idea], "{}", r.text);

        // The page lists them too, and the controls alone are a search.
        for address in [
            "/search?q=kind%3Aquestion",
            "/search?kind=question",
            "/search?q=&kind=question",
        ] {
            let r = app.page(address, None).await;
            assert_eq!(r.status, StatusCode::OK, "{address}: {}", r.text);
            let (n, o) = (r.text.find("Newer question"), r.text.find("Older question"));
            assert!(n.is_some() && n < o, "{address}: {}", r.text);
            assert!(!r.text.contains("A discussion"), "{address}");
            assert!(r.text.contains("2 topics found."), "{address}: {}", r.text);
        }
        // Nothing at all to search for is still refused.
        let r = app.page("/search?q=%20&kind=&is=", None).await;
        assert_eq!(r.status, StatusCode::OK, "an empty form is the form");
        assert!(!r.text.contains("topics found"));
        let r = app.get("/api/v1/search?q=%20", None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn a_search_of_operators_alone_never_lists_a_secret_groups_topics_to_others() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let outsider = app.register("outsider").await;
        app.create_group(&admin, "club", "public").await;
        app.create_group(&admin, "vault", "secret").await;
        let ask = |group: &'static str, title: &'static str| {
            let (app, admin) = (&app, &admin);
            async move {
                let r = app
                    .post(
                        &routes::group_topics(group),
                        Some(admin),
                        json!({"title": title, "body": "Which one?", "kind": "question"}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                r.body["id"].as_i64().unwrap_or_default()
            }
        };
        let open = ask("club", "Open question").await;
        let hidden = ask("vault", "Zanzibar launch question").await;

        for token in [None, Some(outsider.as_str())] {
            for q in [
                "kind%3Aquestion",
                "is%3Aopen",
                "is%3Aunanswered",
                "author%3Aadmin",
            ] {
                let r = app.get(&format!("/api/v1/search?q={q}"), token).await;
                assert_eq!(topic_ids(&r), [open], "{q}: {}", r.text);
                assert_eq!(r.body["total"], 1, "{q}");
                let page = app.page(&format!("/search?q={q}"), token).await;
                assert!(!page.text.contains("Zanzibar"), "{q}");
            }
            // Naming the secret group finds what a group that does not exist finds.
            let secret = app.get("/api/v1/search?q=group%3Avault", token).await;
            let never = app.get("/api/v1/search?q=group%3Anowhere", token).await;
            assert_eq!((secret.status, secret.text), (never.status, never.text));
            let page = app.page("/search?group=vault", token).await;
            assert!(!page.text.contains("Zanzibar"));
            assert!(page.text.contains("Nothing found."), "{}", page.text);
        }
        let r = app
            .get("/api/v1/search?q=kind%3Aquestion", Some(&admin))
            .await;
        assert_eq!(
            topic_ids(&r),
            [hidden, open],
            "a member reads it: {}",
            r.text
        );
        let r = app
            .get("/api/v1/search?q=group%3Avault", Some(&admin))
            .await;
        assert_eq!(topic_ids(&r), [hidden], "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn search_pages_past_the_end_are_not_found_and_the_counts_are_true() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        for n in 0..23 {
            app.create_topic(
                &admin,
                "club",
                &format!("Battery note {n}"),
                "About the battery.",
            )
            .await;
        }

        let first = app.page("/search?q=battery", None).await;
        assert_eq!(first.status, StatusCode::OK);
        assert!(
            first.text.contains("Topics 1 to 20 of 23."),
            "{}",
            first.text
        );
        assert!(
            first
                .text
                .contains("href=\"/search?q=battery&#38;offset=20\""),
            "{}",
            first.text
        );
        let last = app.page("/search?q=battery&offset=20", None).await;
        assert_eq!(last.status, StatusCode::OK);
        assert!(
            last.text.contains("Topics 21 to 23 of 23."),
            "{}",
            last.text
        );
        assert!(!last.text.contains("More results"), "no link past the end");
        for past in [
            "/search?q=battery&offset=23",
            "/search?q=battery&offset=40",
            "/search?q=battery&offset=999999",
        ] {
            let r = app.page(past, None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{past}");
            assert!(r.text.contains("Past the end"), "{past}: {}", r.text);
            assert!(!r.text.contains("Results "), "{past}");
        }
        // A search that found nothing is its own first page, not a 404.
        let none = app.page("/search?q=zeppelin", None).await;
        assert_eq!(none.status, StatusCode::OK);

        // The API: an offset past the end is an empty page with the true total.
        let r = app
            .get("/api/v1/search?q=battery&limit=20&offset=20", None)
            .await;
        assert_eq!(
            (
                r.body["results"].as_array().map(Vec::len),
                r.body["next_offset"].as_i64(),
                r.body["total"].as_i64()
            ),
            (Some(3), None, Some(23)),
            "{}",
            r.text
        );
        let r = app.get("/api/v1/search?q=battery&offset=40", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(
            (
                r.body["results"].as_array().map(Vec::len),
                r.body["next_offset"].as_i64(),
                r.body["total"].as_i64()
            ),
            (Some(0), None, Some(23))
        );
    })
    .await;
}
