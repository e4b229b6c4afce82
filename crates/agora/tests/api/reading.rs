//! What a reader meets on the pages beside the posts themselves: excerpts in words rather than
//! markup, a profile's posts by time and its bio first, one label and one date format for an
//! idea, a best answer shown in full once, and every sign-up error at once.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

/// A public group `forum` with `admin` (its owner) and `ana` in it; their tokens.
async fn forum(app: &TestApp) -> (String, String) {
    let admin = app.register("admin").await;
    app.create_group(&admin, "forum", "public").await;
    let ana = app.register("ana").await;
    app.join(&ana, "forum").await;
    (admin, ana)
}

const MARKED_UP: &str = "Range held at **96%** of the *way*, see [the log](https://x.example/log).";
const AS_TEXT: &str = "Range held at 96% of the way, see the log.";

#[tokio::test]
async fn excerpts_on_profiles_and_the_flag_and_complaint_pages_show_words_not_markup() {
    each_backend(|app| async move {
        let (admin, ana) = forum(&app).await;
        let (_, post) = app
            .create_topic(&ana, "forum", "A long ride", MARKED_UP)
            .await;
        for (path, token) in [
            ("/u/ana".to_owned(), Some(&admin)),
            (format!("/p/{post}/flag"), Some(&admin)),
            (format!("/p/{post}/complaint"), None),
        ] {
            let r = app.page(&path, token.map(String::as_str)).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
            assert!(r.text.contains(AS_TEXT), "{path}: {}", r.text);
            assert!(!r.text.contains("**96%**"), "{path} shows markdown");
        }

        // The moderators' queue quotes the flagged post in words too.
        let r = app
            .post(
                &routes::post_flags(post),
                Some(&admin),
                json!({"reason": "off_topic"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app.page("/admin/queue", Some(&admin)).await;
        assert!(r.text.contains(AS_TEXT), "{}", r.text);
    })
    .await;
}

#[tokio::test]
async fn a_profile_lists_posts_by_when_they_were_written_and_puts_the_bio_first() {
    each_backend(|app| async move {
        let (_, ana) = forum(&app).await;
        app.patch(
            &routes::me(),
            Some(&ana),
            json!({"bio": "Commutes by e-bike all year."}),
        )
        .await;
        let (_, older) = app
            .create_topic(&ana, "forum", "Written first", "The first one.")
            .await;
        let (_, newer) = app
            .create_topic(&ana, "forum", "Written second", "The second one.")
            .await;
        // An imported post: the higher id was written earlier.
        app.db()
            .execute_sql(&format!(
                "UPDATE posts SET created_at = created_at - 86400000000 WHERE id = {newer}"
            ))
            .await;
        assert!(newer > older);

        let r = app.page("/u/ana", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let first = r.text.find("Written first");
        let second = r.text.find("Written second");
        assert!(
            first.is_some() && second.is_some() && first < second,
            "the post written last comes first: {}",
            r.text
        );
        let bio = r.text.find("Commutes by e-bike all year.");
        let posts = r.text.find("Recent posts");
        assert!(
            bio.is_some() && bio < posts,
            "the bio comes before the posts in the page, so a phone shows it first: {}",
            r.text
        );
    })
    .await;
}

#[tokio::test]
async fn sign_up_shows_every_fields_error_at_once_in_the_page_and_the_api() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let r = app
            .post(
                &routes::document("terms"),
                Some(&admin),
                json!({"body": "# Terms\n\nBe nice."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let wrong = [
            ("username", "a"),
            ("email", "not an address"),
            ("password", "short"),
        ];

        let r = app
            .post(
                &routes::auth_register(),
                None,
                json!({"username": "a", "email": "not an address", "password": "short"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(
            r.body["error"]["field"], "username",
            "the first stays first"
        );
        let fields: Vec<&str> = r.body["error"]["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(
            fields,
            ["username", "email", "password", "accept_documents"],
            "{}",
            r.text
        );

        let page = app.page("/signup", None).await.text;
        let needle = "name=\"started\" value=\"";
        let at = page.find(needle).map_or(0, |i| i + needle.len());
        let started: String = page[at..].chars().take_while(|c| *c != '"').collect();
        let mut form = wrong.to_vec();
        form.push(("started", &started));
        let r = app.form("/signup", None, &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        for field in ["username", "email", "password", "accept_documents"] {
            assert!(
                r.text.contains(&format!("id=\"{field}-error\"")),
                "{field} has no error beside it: {}",
                r.text
            );
        }
        assert_eq!(app.db().count_rows("members").await, 1);
    })
    .await;
}

/// The words of every `<time>` in `html`.
fn times(html: &str) -> Vec<&str> {
    html.split("<time datetime=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('>'))
        .filter_map(|(_, rest)| rest.split_once("</time>"))
        .map(|(words, _)| words)
        .collect()
}

#[tokio::test]
async fn an_idea_wears_one_label_everywhere_and_its_history_names_people_and_links_merges() {
    each_backend(|app| async move {
        let (admin, ana) = forum(&app).await;
        app.patch(
            &routes::me(),
            Some(&admin),
            json!({"display_name": "Mara Keller"}),
        )
        .await;
        let propose = |title: &'static str| {
            let app = &app;
            let ana = ana.clone();
            async move {
                let r = app
                    .post(
                        &routes::group_topics("forum"),
                        Some(&ana),
                        json!({"title": title, "body": "It would help.", "kind": "idea"}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                (
                    r.body["id"].as_i64().unwrap_or_default(),
                    r.body["slug"].as_str().unwrap_or_default().to_owned(),
                )
            }
        };
        let (idea, slug) = propose("Walk assist up to 6 km/h").await;
        let r = app
            .call(
                axum::http::Method::PUT,
                &routes::topic_status(idea),
                Some(&admin),
                Some(json!({"status": "under_review", "note": "Looking into it."})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);

        let label = "<span class=\"badge\">Under review</span>";
        for path in [
            format!("/t/{idea}/{slug}"),
            "/g/forum".to_owned(),
            "/".to_owned(),
        ] {
            let r = app.page(&path, Some(&ana)).await;
            assert!(r.text.contains(label), "{path}: {}", r.text);
            assert!(!r.text.contains(">Idea</span>"), "{path} says Idea too");
        }
        let board = app.page("/g/forum/ideas", Some(&ana)).await;
        assert!(
            board.text.contains(">Under review</span>"),
            "{}",
            board.text
        );

        let page = app.page(&format!("/t/{idea}/{slug}"), Some(&ana)).await;
        assert!(
            page.text.contains("<a href=\"/u/admin\">Mara Keller</a>"),
            "the history names people as every page does: {}",
            page.text
        );

        // A duplicate merged into it: its staff view links the original by its title.
        let (duplicate, dup_slug) = propose("Walk assist for pushing uphill").await;
        let r = app
            .post(
                &routes::topic_merge(duplicate),
                Some(&admin),
                json!({"into": idea}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let staff = app
            .page(&format!("/t/{duplicate}/{dup_slug}"), Some(&admin))
            .await;
        assert_eq!(staff.status, StatusCode::OK, "{}", staff.text);
        assert!(
            staff.text.contains(&format!(
                "Merged into <a href=\"/t/{idea}/{slug}\">Walk assist up to 6 km/h</a>"
            )),
            "{}",
            staff.text
        );

        // The changelog: a breadcrumb that does not repeat itself, dates as every page has them.
        app.call(
            axum::http::Method::PUT,
            &routes::topic_status(idea),
            Some(&admin),
            Some(json!({"status": "shipped", "note": "In 4.3."})),
        )
        .await;
        let log = app.page("/g/forum/changelog", Some(&ana)).await;
        assert!(log.text.contains(">Idea board</a></nav>"), "{}", log.text);
        let dates = times(&log.text);
        assert!(!dates.is_empty(), "{}", log.text);
        for d in dates {
            let words: Vec<&str> = d.split(' ').collect();
            assert!(
                words.len() == 3 && words[1].len() == 3 && !d.contains('-'),
                "{d:?} is not written as \"2 Oct 2026\""
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_best_answer_is_shown_in_full_once_and_search_does_not_repeat_it() {
    each_backend(|app| async move {
        let (admin, ana) = forum(&app).await;
        let r = app
            .post(
                &routes::group_topics("forum"),
                Some(&ana),
                json!({"title": "Range in winter", "body": "Why does my range drop?", "kind": "question"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let (question, slug) = (
            r.body["id"].as_i64().unwrap_or_default(),
            r.body["slug"].as_str().unwrap_or_default().to_owned(),
        );
        let long = format!(
            "{} Keep the quokkabattery indoors overnight.",
            "Cold cells hold less charge than warm ones do. ".repeat(8)
        );
        let r = app
            .post(&routes::topic_posts(question), Some(&admin), json!({"body": long}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let best = r.body["id"].as_i64().unwrap_or_default();
        let r = app
            .post(&routes::post_accept(best), Some(&ana), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);

        let page = app.page(&format!("/t/{question}/{slug}"), None).await;
        // What a reader sees: the page without its structured data for search engines.
        let shown = match page.text.split_once("<script type=\"application/ld+json\">") {
            Some((head, rest)) => format!("{head}{}", rest.split_once("</script>").map_or("", |r| r.1)),
            None => page.text.clone(),
        };
        assert_eq!(
            shown.matches("Keep the quokkabattery indoors overnight.").count(),
            1,
            "the answer in full once, in the thread: {}",
            page.text
        );
        assert!(page.text.contains("Jump to the answer"), "{}", page.text);

        let found = app.page("/search?q=quokkabattery", None).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.text);
        assert!(found.text.contains("Best answer</span>"), "{}", found.text);
        assert!(
            !found.text.contains("Accepted answer</a>:"),
            "the result is the answer; its box would repeat it: {}",
            found.text
        );
    })
    .await;
}
