//! The read rule's SQL form, `agora_store::scope::audience_filter`, admits exactly what the
//! single-item rule lets each viewer read, for every kind of audience: rows naming groups of
//! each visibility, conversations the viewer takes part in, was asked into, left or never saw,
//! the site and its staff. What a viewer may read is asked of the rule as users meet it (the
//! API's 200 or 404); what the filter admits, of the database, on both backends.

use axum::http::{Method, StatusCode};
use serde_json::json;

use agora_core::audience::audience_scope;
use agora_core::groups::policy::Need;
use agora_store::scope::{AudienceAt, audience_filter};

use crate::routes;
use crate::support::{TestApp, each_backend};

async fn conversation(app: &TestApp, token: &str, to: &str) -> i64 {
    let r = app
        .post(
            &routes::conversations(),
            Some(token),
            json!({"to": [to], "subject": "Kit list", "body": "Lights, tubes, a pump."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_i64().unwrap_or_default()
}

async fn group_id(app: &TestApp, slug: &str) -> i64 {
    app.db()
        .scalar(&format!("SELECT id FROM groups WHERE slug = '{slug}'"))
        .await
}

#[tokio::test]
async fn the_audience_filter_admits_exactly_what_the_item_rule_lets_each_viewer_read() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let sitemod = app.register("sitemod").await;
        let r = app
            .call(
                Method::PUT,
                &routes::member_role("sitemod"),
                Some(&admin),
                Some(json!({"role": "moderator"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        let cleo = app.register("cleo").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"members_may_create_groups": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);

        // Groups of every visibility, ben a member of some and a stranger to others.
        let mut rows: Vec<(String, i64, String)> = Vec::new(); // (kind, id, how it is read)
        for (owner, slug, visibility) in [
            (&ana, "open", "public"),
            (&ana, "ana-closed", "closed"),
            (&ana, "ana-secret", "secret"),
            (&ben, "ben-closed", "closed"),
            (&ben, "ben-secret", "secret"),
        ] {
            app.create_group(owner, slug, visibility).await;
            let id = group_id(&app, slug).await;
            rows.push(("group".into(), id, routes::group_topics(slug)));
        }
        // Conversations: ben's with ana (ana asked in), cleo's with ana (ben never in it), and
        // ben's with cleo, which ben left.
        let with_ana = conversation(&app, &ben, "ana").await;
        let without_ben = conversation(&app, &cleo, "ana").await;
        let left = conversation(&app, &ben, "cleo").await;
        let r = app
            .post(&routes::conversation_leave(left), Some(&ben), json!({}))
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        for id in [with_ana, without_ben, left] {
            rows.push(("conversation".into(), id, routes::conversation(id)));
        }

        let viewers = [
            ("guest", None),
            ("ben", Some(&ben)),
            ("ana", Some(&ana)),
            ("cleo", Some(&cleo)),
            ("sitemod", Some(&sitemod)),
            ("admin", Some(&admin)),
        ];
        let values: Vec<String> = rows
            .iter()
            .enumerate()
            .map(|(n, (kind, id, _))| format!("({}, '{kind}', {id})", 1_i64 << n))
            .chain([
                format!("({}, 'site', 0)", 1_i64 << rows.len()),
                format!("({}, 'site', 1)", 1_i64 << (rows.len() + 1)),
                format!("({}, 'staff', 0)", 1_i64 << (rows.len() + 2)),
            ])
            .collect();
        for (name, token) in viewers {
            let viewer = match token {
                Some(t) => ok(app.app.agora.accounts().viewer_for_token(t).await),
                None => agora_core::Viewer::guest(),
            };
            // What the rule lets the viewer read, as the API answers them.
            let mut readable = 0_i64;
            for (n, (_, _, path)) in rows.iter().enumerate() {
                let r = app.get(path, token.map(String::as_str)).await;
                match r.status {
                    StatusCode::OK => readable |= 1 << n,
                    StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => {}
                    other => panic!("{name} {path}: {other} {}", r.text),
                }
            }
            // The site's everyone audience (id 0) is read by all; its members-only one (any
            // other id) by the signed-in; the staff's by the staff.
            readable |= 1 << rows.len();
            if token.is_some() {
                readable |= 1 << (rows.len() + 1);
            }
            if matches!(name, "sitemod" | "admin") {
                readable |= 1 << (rows.len() + 2);
            }
            let scope = audience_scope(&viewer, Need::Read);
            let me = scope
                .participant
                .map_or_else(|| "NULL".to_owned(), |m| m.0.to_string());
            let filter = audience_filter(&scope, AudienceAt::Columns("x"), 1).replace("$1", &me);
            let admitted = app
                .db()
                .scalar(&format!(
                    "WITH x (n, audience_kind, audience_id) AS (VALUES {}) \
                     SELECT COALESCE(SUM(x.n), 0) FROM x WHERE {filter}",
                    values.join(", ")
                ))
                .await;
            assert_eq!(
                admitted, readable,
                "{name}: the filter admits {admitted:b}, the rule lets them read {readable:b}"
            );
        }
    })
    .await;
}

fn ok<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e:?}"))
}
