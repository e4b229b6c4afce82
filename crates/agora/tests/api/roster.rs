//! The members list for managers: search, filters, sort, last seen and post counts, the CSV
//! download safe against formulas, and only for admins.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

async fn names(app: &TestApp, admin: &str, query: &str) -> Vec<String> {
    let r = app
        .get(&format!("{}?{query}", routes::admin_members()), Some(admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
    r.body["members"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["username"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn managers_search_filter_sort_and_download_members() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "club", "public").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.register("cyd").await;
        app.join(&ana, "club").await;
        app.join(&ben, "club").await;
        for n in 0..3 {
            app.create_topic(&ana, "club", &format!("Ana's ride {n}"), "Come along.")
                .await;
        }
        app.create_topic(&ben, "club", "Ben's question", "Which tyres?")
            .await;
        // A display name that a spreadsheet would run as a formula.
        let r = app
            .patch(
                &routes::me(),
                Some(&ben),
                json!({"display_name": "=HYPERLINK(\"http://x.example\")"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        app.set_trust("cyd", 3).await;

        // Newest first by default; the total counts every match.
        let r = app.get(&routes::admin_members(), Some(&admin)).await;
        assert_eq!(r.body["total"], 4, "{}", r.text);
        assert_eq!(
            names(&app, &admin, "").await,
            ["cyd", "ben", "ana", "admin"]
        );
        assert_eq!(names(&app, &admin, "sort=posts").await[..2], ["ana", "ben"]);
        assert_eq!(
            names(&app, &admin, "sort=name").await,
            ["admin", "ana", "ben", "cyd"]
        );
        let r = app
            .get(
                &format!("{}?sort=posts", routes::admin_members()),
                Some(&admin),
            )
            .await;
        assert_eq!(r.body["members"][0]["posts"], 3, "{}", r.text);
        assert!(r.body["members"][0]["last_seen"].is_string(), "{}", r.text);

        // Search by any part of a name or address, in any case; filters combine.
        assert_eq!(names(&app, &admin, "q=AN").await, ["ana"]);
        assert_eq!(names(&app, &admin, "q=ben%40example").await, ["ben"]);
        assert_eq!(names(&app, &admin, "q=%25").await, Vec::<String>::new());
        assert_eq!(names(&app, &admin, "trust=3").await, ["cyd"]);
        assert_eq!(names(&app, &admin, "role=admin").await, ["admin"]);
        assert_eq!(names(&app, &admin, "posts=none").await, ["cyd", "admin"]);
        assert_eq!(names(&app, &admin, "posts=2").await, ["ana"]);
        assert_eq!(
            names(&app, &admin, "joined=7&posts=1").await,
            ["ben", "ana"]
        );
        assert_eq!(names(&app, &admin, "joined=-7").await, Vec::<String>::new());
        let unseen = names(&app, &admin, "seen=-30").await;
        assert!(!unseen.contains(&"ana".to_owned()), "{unseen:?}");
        assert!(
            names(&app, &admin, "seen=7")
                .await
                .contains(&"ana".to_owned())
        );

        // A wrong value says which and what to send.
        for (query, field) in [
            ("trust=9", "trust"),
            ("seen=soon", "seen"),
            ("sort=age", "sort"),
            ("posts=-1", "posts"),
        ] {
            let r = app
                .get(
                    &format!("{}?{query}", routes::admin_members()),
                    Some(&admin),
                )
                .await;
            assert_eq!(
                (r.status, r.code(), r.body["error"]["field"].as_str()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_choice",
                    Some(field)
                ),
                "{}",
                r.text
            );
        }

        // The spreadsheet: every match, formulas neutralised.
        let csv = app
            .get(
                &format!("{}?sort=name", routes::admin_members_csv()),
                Some(&admin),
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
        assert!(
            csv.header("content-type")
                .unwrap_or("")
                .starts_with("text/csv")
        );
        let lines: Vec<&str> = csv.text.lines().collect();
        assert_eq!(lines.len(), 5, "{}", csv.text);
        assert!(lines[0].starts_with("username,display_name,email"));
        assert!(
            lines[3].contains("\"'=HYPERLINK(\"\"http://x.example\"\")\""),
            "{}",
            lines[3]
        );
        assert!(lines.iter().skip(1).all(|l| l.starts_with('"')));
        // The page offers the same, with the filters as a form.
        let page = app.page("/admin/members?trust=3", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text.contains("href=\"/admin/members.csv?trust=3\""),
            "{}",
            page.text
        );
        assert!(page.text.contains("@cyd") && !page.text.contains("@ana"));
        let download = app.page("/admin/members.csv?trust=3", Some(&admin)).await;
        assert_eq!(download.text.lines().count(), 2, "{}", download.text);

        let page = app.page("/admin/members?trust=9", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.text.contains("A trust level is 0 to 4."),
            "{}",
            page.text
        );
        // Values are taken as sent: ` 1` is no trust level.
        let r = app
            .get(
                &format!("{}?trust=%201", routes::admin_members()),
                Some(&admin),
            )
            .await;
        assert_eq!(r.code(), "invalid_choice", "{}", r.text);

        // Only admins.
        for (token, status) in [
            (None, StatusCode::UNAUTHORIZED),
            (Some(ana.as_str()), StatusCode::FORBIDDEN),
        ] {
            let r = app.get(&routes::admin_members(), token).await;
            assert_eq!(r.status, status, "{}", r.text);
            let r = app.get(&routes::admin_members_csv(), token).await;
            assert_eq!(r.status, status, "{}", r.text);
        }
    })
    .await;
}
