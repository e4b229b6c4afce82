//! Structured data for search engines (issue 21's basics): a public question's page carries a
//! schema.org `QAPage` with its accepted answer, a discussion a `DiscussionForumPosting`; a
//! closed group's topic carries none. The JSON-LD is read back with a JSON parser from the page
//! as a crawler gets it (`e2e/jsonld.py` expands the demo's with a JSON-LD processor).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::routes;
use crate::support::{TestApp, each_backend};

/// The JSON-LD block of a page, parsed; `None` when it has none.
fn json_ld(html: &str) -> Option<Value> {
    let start = html.find("<script type=\"application/ld+json\">")?;
    let rest = &html[start + "<script type=\"application/ld+json\">".len()..];
    let end = rest.find("</script>")?;
    Some(
        serde_json::from_str(&rest[..end])
            .unwrap_or_else(|e| panic!("not JSON: {e}: {}", &rest[..end])),
    )
}

async fn ask(
    app: &TestApp,
    token: &str,
    group: &str,
    kind: &str,
    title: &str,
    body: &str,
) -> (i64, String) {
    let r = app
        .post(
            &routes::group_topics(group),
            Some(token),
            json!({"title": title, "body": body, "kind": kind}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    (
        r.body["id"].as_i64().unwrap_or_default(),
        r.body["slug"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_solved_question_is_a_qa_page_and_a_discussion_a_forum_posting() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "help", "public").await;
        app.create_group(&admin, "staff", "closed").await;
        app.join(&ana, "help").await;
        let (question, slug) = ask(
            &app,
            &admin,
            "help",
            "question",
            "Range drops in the cold",
            "Is 40 km at -5 °C normal & expected? <b>bold</b>",
        )
        .await;
        let mut answers = Vec::new();
        for body in [
            "Yes: keep the battery indoors.",
            "Also check tyre pressure.",
        ] {
            let r = app
                .post(
                    &routes::topic_posts(question),
                    Some(&ana),
                    json!({"body": body}),
                )
                .await;
            answers.push(r.body["id"].as_i64().unwrap_or_default());
        }
        let r = app
            .post(&routes::post_accept(answers[0]), Some(&admin), json!({}))
            .await;
        assert!(r.status.is_success(), "{}", r.text);

        let page = app.page(&format!("/t/{question}/{slug}"), None).await;
        let data = json_ld(&page.text).unwrap_or_else(|| panic!("no JSON-LD: {}", page.text));
        assert_eq!(
            (data["@context"].as_str(), data["@type"].as_str()),
            (Some("https://schema.org"), Some("QAPage"))
        );
        let q = &data["mainEntity"];
        assert_eq!(
            (
                q["@type"].as_str(),
                q["name"].as_str(),
                q["answerCount"].as_i64()
            ),
            (Some("Question"), Some("Range drops in the cold"), Some(2))
        );
        assert_eq!(
            q["text"], "Is 40 km at -5 °C normal & expected? <b>bold</b>",
            "the text as written, markup escaped in the page"
        );
        assert!(
            !page.text.contains("<b>bold</b>"),
            "no raw markup reaches the page"
        );
        assert_eq!(
            (
                q["acceptedAnswer"]["@type"].as_str(),
                q["acceptedAnswer"]["text"].as_str()
            ),
            (Some("Answer"), Some("Yes: keep the battery indoors."))
        );
        assert_eq!(q["acceptedAnswer"]["author"]["name"], "ana");
        assert!(
            q["acceptedAnswer"]["url"]
                .as_str()
                .unwrap_or_default()
                .ends_with("#post-2"),
            "{q}"
        );
        assert_eq!(
            q["suggestedAnswer"].as_array().map(Vec::len),
            Some(1),
            "the other answer"
        );

        let (talk, talk_slug) = ask(
            &app,
            &admin,
            "help",
            "discussion",
            "Favourite winter routes",
            "Share yours.",
        )
        .await;
        app.post(
            &routes::topic_posts(talk),
            Some(&ana),
            json!({"body": "The river path."}),
        )
        .await;
        let data = json_ld(&app.page(&format!("/t/{talk}/{talk_slug}"), None).await.text)
            .unwrap_or_default();
        assert_eq!(
            (data["@type"].as_str(), data["headline"].as_str()),
            (
                Some("DiscussionForumPosting"),
                Some("Favourite winter routes")
            )
        );
        assert_eq!(data["interactionStatistic"]["userInteractionCount"], 1);
        assert_eq!(data["comment"][0]["text"], "The river path.");

        // Nothing for a closed group's topic, even to its members.
        let (closed, closed_slug) = ask(
            &app,
            &admin,
            "staff",
            "question",
            "Internal pricing",
            "Not for the public.",
        )
        .await;
        let page = app
            .page(&format!("/t/{closed}/{closed_slug}"), Some(&admin))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(json_ld(&page.text).is_none(), "{}", page.text);
    })
    .await;
}
