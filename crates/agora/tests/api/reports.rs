//! Reports on item references: the generic endpoint every kind shares, reports and legal
//! complaints routed by the item's audience, the audit log naming items by reference, and the
//! migration that moved old reports and cases onto references.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::reports_kind::{Place, with_notes};
use crate::routes;
use crate::support::{TestApp, each_backend, member_id};

/// The items in `token`'s moderation queue, as `kind:id`.
async fn queue_of(app: &TestApp, token: &str) -> Vec<String> {
    let r = app.get(&routes::moderation_queue(), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    format!(
                        "{}:{}",
                        i["item"]["kind"].as_str().unwrap_or(""),
                        i["item"]["id"]
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn make_site_moderator(app: &TestApp, admin: &str, username: &str) {
    let r = app
        .call(
            Method::PUT,
            &routes::member_role(username),
            Some(admin),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
}

#[tokio::test]
async fn a_post_is_reported_through_the_generic_endpoint_as_through_its_own() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.create_group(&admin, "vault", "secret").await;
        app.join(&ben, "club").await;
        let (_, post) = app
            .create_topic(&ben, "club", "Cheap tyres", "Buy now!")
            .await;
        let (_, secret) = app.create_topic(&admin, "vault", "Plans", "Inner.").await;

        let report = |token: String, kind: &'static str, id: i64| {
            let app = &app;
            async move {
                app.post(
                    &routes::item_report(kind, id),
                    Some(&token),
                    json!({"reason": "spam", "note": "An advert."}),
                )
                .await
            }
        };
        // A kind nobody declared, and an item the reporter cannot read, do not exist.
        let r = report(ana.clone(), "parcel", post).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        let r = report(ana.clone(), "post", secret).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        let r = report(ben.clone(), "post", post).await;
        assert_eq!(r.code(), "own_post", "the item rule's Flag: {}", r.text);
        let r = report(ana.clone(), "post", post).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.body["hidden"], false);
        // The post's own endpoint is the same report: one open per member.
        let r = app
            .post(
                &routes::post_flags(post),
                Some(&ana),
                json!({"reason": "spam"}),
            )
            .await;
        assert_eq!(r.code(), "already_flagged", "{}", r.text);

        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        let item = &queue.body[0];
        assert_eq!(
            (
                &item["item"],
                item["post_id"].as_i64(),
                item["audience"].as_str(),
                item["group"].as_str(),
                item["topic_title"].as_str(),
                item["excerpt"].as_str(),
                item["state"].as_str(),
            ),
            (
                &json!({"kind": "post", "id": post}),
                Some(post),
                Some("group"),
                Some("club"),
                Some("Cheap tyres"),
                Some("Buy now!"),
                Some("published"),
            ),
            "{}",
            queue.text
        );
        let page = app
            .get(&routes::item_reports("post", post), Some(&admin))
            .await;
        assert_eq!(
            (
                page.body["flags"].as_i64(),
                page.body["context"][0]["body"].as_str()
            ),
            (Some(1), Some("Buy now!")),
            "{}",
            page.text
        );
        // Resolved through the generic endpoint; logged against the post as before.
        let r = app
            .post(
                &routes::item_reports_resolve("post", post),
                Some(&admin),
                json!({"decision": "uphold", "reason": "An advert."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(
            app.get(&routes::post(post), None).await.status,
            StatusCode::NOT_FOUND,
            "upheld: hidden"
        );
        let log = app
            .get(
                &format!("{}?target=post:{post}", routes::audit()),
                Some(&admin),
            )
            .await;
        let entry = &log.body["entries"][0];
        assert_eq!(
            (
                entry["action"].as_str(),
                entry["target"].as_str(),
                entry["reference"].as_str()
            ),
            (
                Some("flags.uphold"),
                Some(format!("post:{post} by ben").as_str()),
                Some(format!("post:{post}").as_str())
            ),
            "{}",
            log.text
        );
        let r = app
            .get(
                &format!("{}?target=parcel:1", routes::audit()),
                Some(&admin),
            )
            .await;
        assert_eq!(r.code(), "invalid_target", "{}", r.text);
        let r = app
            .post(
                &routes::item_reports_resolve("post", post),
                Some(&admin),
                json!({"decision": "uphold", "reason": "Again."}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "nothing left open: {}",
            r.text
        );

        // The page forms: the generic one, and the post's link to it.
        let form = app
            .page(&format!("/items/post/{post}/report"), Some(&ana))
            .await;
        assert_eq!(
            form.status,
            StatusCode::NOT_FOUND,
            "hidden now: {}",
            form.text
        );
    })
    .await;
}

#[tokio::test]
async fn a_legal_complaint_names_its_item_by_reference() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "club", "public").await;
        let (_, post) = app
            .create_topic(&admin, "club", "Rules", "Nora lives at Seestrasse 14.")
            .await;
        let r = app
            .post(
                &routes::item_complaints("post", post),
                Some(&ana),
                json!({"kind": "privacy", "statement": "It publishes my home address.", "good_faith": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let cases = app.get(&routes::legal_cases(), Some(&admin)).await;
        let case = &cases.body[0];
        assert_eq!(
            (
                &case["item"],
                case["post_id"].as_i64(),
                case["topic_title"].as_str(),
                case["post_author"].as_str(),
                case["post_excerpt"].as_str(),
            ),
            (
                &json!({"kind": "post", "id": post}),
                Some(post),
                Some("Rules"),
                Some("admin"),
                Some("Nora lives at Seestrasse 14."),
            ),
            "{}",
            cases.text
        );
        let r = app
            .post(
                &routes::item_complaints("parcel", post),
                Some(&ana),
                json!({"kind": "privacy", "statement": "It publishes my home address.", "good_faith": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        let id = case["id"].as_i64().unwrap_or_default();
        let page = app.page(&format!("/admin/cases/{id}"), Some(&admin)).await;
        assert!(
            page.text.contains("The post</h2>") && page.text.contains("Seestrasse 14"),
            "{}",
            page.text
        );
        // The generic complaint form files the same way.
        let form = app
            .page(&format!("/items/post/{post}/complaint"), None)
            .await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.text);
        assert!(form.text.contains(&format!("action=\"/items/post/{post}/complaint\"")));
    })
    .await;
}

#[tokio::test]
async fn reports_reach_a_groups_moderators_for_its_items_and_the_site_staff_for_every_audience() {
    each_backend(|app| async move {
        let (app, notes) = with_notes(app).await;
        let admin = app.register("admin").await;
        let gm = app.register("groupmod").await;
        let sitemod = app.register("sitemod").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        make_site_moderator(&app, &admin, "sitemod").await;
        for slug in ["north", "south"] {
            app.create_group(&admin, slug, "public").await;
            app.join(&ben, slug).await;
        }
        app.join(&gm, "north").await;
        let r = app
            .call(
                Method::PUT,
                &routes::group_member_role("north", "groupmod"),
                Some(&admin),
                Some(json!({"role": "moderator"})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let (_, north) = app
            .create_topic(&ben, "north", "North ride", "Northwords.")
            .await;
        let (_, south) = app
            .create_topic(&ben, "south", "South ride", "Southwords.")
            .await;
        let (ana_id, ben_id) = (member_id(&app, "ana").await, member_id(&app, "ben").await);
        let site = notes.write((ben_id, "ben"), Place::Site, "Sitewords.");
        let private = notes.write(
            (ben_id, "ben"),
            Place::Conversation(vec![ana_id, ben_id]),
            "Privatewords.",
        );
        for (kind, id) in [
            ("post", north),
            ("post", south),
            ("note", site),
            ("note", private),
        ] {
            let r = app
                .post(
                    &routes::item_report(kind, id),
                    Some(&ana),
                    json!({"reason": "abuse"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{kind} {id}: {}", r.text);
        }
        let all = [
            format!("post:{north}"),
            format!("post:{south}"),
            format!("note:{site}"),
            format!("note:{private}"),
        ];
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };

        // The site's staff see every audience's reports, a conversation's too.
        assert_eq!(sorted(queue_of(&app, &admin).await), sorted(all.to_vec()));
        assert_eq!(sorted(queue_of(&app, &sitemod).await), sorted(all.to_vec()));
        // A group's moderator sees their group's, and nothing of another group, the site or a
        // conversation.
        assert_eq!(queue_of(&app, &gm).await, [format!("post:{north}")]);
        for (kind, id) in [("post", south), ("note", site), ("note", private)] {
            let r = app.get(&routes::item_reports(kind, id), Some(&gm)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{kind} {id}: {}", r.text);
            let r = app
                .post(
                    &routes::item_reports_resolve(kind, id),
                    Some(&gm),
                    json!({"decision": "dismiss", "reason": "Fine."}),
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{kind} {id}: {}", r.text);
        }
        let page = app.page("/admin/queue", Some(&gm)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("North ride"), "{}", page.text);
        assert!(
            !page.text.contains("South ride") && !page.text.contains("Sitewords"),
            "{}",
            page.text
        );
        assert!(
            !page.text.contains("<h2>Members</h2>"),
            "members are the staff's"
        );
        // A member who moderates nothing has no queue.
        let r = app.get(&routes::moderation_queue(), Some(&ben)).await;
        assert_eq!(r.code(), "moderators_only", "{}", r.text);

        // A site moderator reads none of the conversation, yet sees its report.
        let r = app
            .post(
                &routes::item_report("note", private),
                Some(&sitemod),
                json!({"reason": "abuse"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        let r = app
            .get(&routes::item_reports("note", private), Some(&sitemod))
            .await;
        assert_eq!(r.body["context"][0]["body"], "Privatewords.", "{}", r.text);

        // The group's moderator decides their group's report; the staff the others.
        let r = app
            .post(
                &routes::item_reports_resolve("post", north),
                Some(&gm),
                json!({"decision": "dismiss", "reason": "Fine."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app
            .post(
                &routes::item_reports_resolve("note", private),
                Some(&sitemod),
                json!({"decision": "dismiss", "reason": "Banter."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(queue_of(&app, &gm).await, Vec::<String>::new());
        assert_eq!(
            sorted(queue_of(&app, &admin).await),
            sorted(vec![format!("post:{south}"), format!("note:{site}")])
        );
    })
    .await;
}

#[tokio::test]
async fn an_ideas_status_change_is_logged_against_the_idea_and_its_group() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let sitemod = app.register("sitemod").await;
        make_site_moderator(&app, &admin, "sitemod").await;
        app.create_group(&admin, "board", "closed").await;
        let r = app
            .post(
                &routes::group_topics("board"),
                Some(&admin),
                json!({"title": "Walk assist", "body": "Up to 6 km/h.", "kind": "idea"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let idea = r.body["id"].as_i64().unwrap_or_default();
        let r = app
            .call(
                Method::PUT,
                &routes::topic_status(idea),
                Some(&admin),
                Some(json!({"status": "planned", "note": "Next firmware."})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let entries = |token: String| {
            let app = &app;
            async move {
                let log = app
                    .get(
                        &format!("{}?target=topic:{idea}", routes::audit()),
                        Some(&token),
                    )
                    .await;
                log.body["entries"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| (e["action"].clone(), e["reference"].clone()))
                    .collect::<Vec<(Value, Value)>>()
            }
        };
        assert!(
            entries(admin.clone())
                .await
                .contains(&(json!("idea.status"), json!(format!("topic:{idea}")))),
            "the idea, not the site"
        );
        assert!(
            entries(sitemod).await.is_empty(),
            "a closed group's log is its readers'"
        );
    })
    .await;
}

/// The reports and legal cases tables as they were before item references (migrations 0020,
/// 0010 and 0024), statement by statement.
fn old_tables(backend: &str) -> Vec<&'static str> {
    if backend == "sqlite" {
        vec![
            "DROP TABLE reports",
            "CREATE TABLE reports (id INTEGER PRIMARY KEY, \
             post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE, \
             member_id INTEGER REFERENCES members (id) ON DELETE CASCADE, \
             by_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE, \
             source TEXT NOT NULL DEFAULT 'member', reason TEXT NOT NULL, \
             note TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, resolved_at INTEGER, \
             resolved_by INTEGER REFERENCES members (id) ON DELETE SET NULL, resolution TEXT, \
             resolution_reason TEXT, CHECK ((post_id IS NULL) <> (member_id IS NULL)))",
            "CREATE UNIQUE INDEX reports_open_post ON reports (post_id, by_id) WHERE resolved_at IS NULL",
            "CREATE UNIQUE INDEX reports_open_member ON reports (member_id, by_id) WHERE resolved_at IS NULL",
            "CREATE INDEX reports_pending_post ON reports (resolved_at, post_id)",
            "CREATE INDEX reports_pending_member ON reports (resolved_at, member_id)",
            "CREATE INDEX reports_by ON reports (by_id)",
            "DROP TABLE legal_case_events",
            "DROP TABLE legal_cases",
            "CREATE TABLE legal_cases (id INTEGER PRIMARY KEY, reference TEXT NOT NULL, \
             post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL, status TEXT NOT NULL, \
             kind TEXT NOT NULL, statement TEXT NOT NULL, \
             complainant_id INTEGER REFERENCES members (id) ON DELETE SET NULL, \
             complainant_name TEXT NOT NULL, complainant_email TEXT NOT NULL, confirm_hash TEXT, \
             created_at INTEGER NOT NULL, decided_at INTEGER, due_at INTEGER, \
             hid_post INTEGER NOT NULL DEFAULT 0)",
            "CREATE TABLE legal_case_events (id INTEGER PRIMARY KEY, \
             case_id INTEGER NOT NULL REFERENCES legal_cases (id), at INTEGER NOT NULL, \
             actor_id INTEGER REFERENCES members (id) ON DELETE SET NULL, \
             actor_name TEXT NOT NULL, action TEXT NOT NULL, note TEXT NOT NULL DEFAULT '')",
            "DELETE FROM _sqlx_migrations WHERE version = 28",
        ]
    } else {
        vec![
            "DROP TABLE reports",
            "CREATE TABLE reports (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             post_id BIGINT REFERENCES posts (id) ON DELETE CASCADE, \
             member_id BIGINT REFERENCES members (id) ON DELETE CASCADE, \
             by_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE, \
             source TEXT NOT NULL DEFAULT 'member', reason TEXT NOT NULL, \
             note TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL, resolved_at BIGINT, \
             resolved_by BIGINT REFERENCES members (id) ON DELETE SET NULL, resolution TEXT, \
             resolution_reason TEXT, CHECK ((post_id IS NULL) <> (member_id IS NULL)))",
            "CREATE UNIQUE INDEX reports_open_post ON reports (post_id, by_id) WHERE resolved_at IS NULL",
            "CREATE UNIQUE INDEX reports_open_member ON reports (member_id, by_id) WHERE resolved_at IS NULL",
            "CREATE INDEX reports_pending_post ON reports (resolved_at, post_id)",
            "CREATE INDEX reports_pending_member ON reports (resolved_at, member_id)",
            "CREATE INDEX reports_by ON reports (by_id)",
            "DROP TABLE legal_case_events",
            "DROP TABLE legal_cases",
            "CREATE TABLE legal_cases (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             reference TEXT NOT NULL, post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL, \
             status TEXT NOT NULL, kind TEXT NOT NULL, statement TEXT NOT NULL, \
             complainant_id BIGINT REFERENCES members (id) ON DELETE SET NULL, \
             complainant_name TEXT NOT NULL, complainant_email TEXT NOT NULL, confirm_hash TEXT, \
             created_at BIGINT NOT NULL, decided_at BIGINT, due_at BIGINT, \
             hid_post BOOLEAN NOT NULL DEFAULT FALSE)",
            "CREATE TABLE legal_case_events (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             case_id BIGINT NOT NULL REFERENCES legal_cases (id), at BIGINT NOT NULL, \
             actor_id BIGINT REFERENCES members (id) ON DELETE SET NULL, \
             actor_name TEXT NOT NULL, action TEXT NOT NULL, note TEXT NOT NULL DEFAULT '')",
            "DELETE FROM _sqlx_migrations WHERE version = 28",
        ]
    }
}

#[tokio::test]
async fn reports_and_cases_written_before_item_references_are_moderated_after_the_migration() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.register("ana").await;
        let ben = app.register("ben").await;
        app.register("cyd").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ben, "club").await;
        let (_, flagged) = app.create_topic(&ben, "club", "Cheap tyres", "Buy now!").await;
        let (_, upheld) = app.create_topic(&ben, "club", "More tyres", "Buy more!").await;
        let (_, disputed) = app
            .create_topic(&ben, "club", "Nora's garage", "Seestrasse 14.")
            .await;
        let (ana, ben_id, cyd) = (
            member_id(&app, "ana").await,
            member_id(&app, "ben").await,
            member_id(&app, "cyd").await,
        );
        let admin_id = member_id(&app, "admin").await;
        // The schema before: a report names a post or a member, a case its post.
        for sql in old_tables(app.backend) {
            app.db().execute_sql(sql).await;
        }
        let old_rows = [
            format!(
                "INSERT INTO reports (post_id, by_id, reason, note, created_at) \
                 VALUES ({flagged}, {}, 'spam', 'An advert.', 10)",
                ana.0
            ),
            format!(
                "INSERT INTO reports (post_id, by_id, reason, created_at, resolved_at, resolved_by, \
                 resolution, resolution_reason) VALUES ({upheld}, {}, 'spam', 11, 12, {}, 'upheld', 'Spam.')",
                cyd.0, admin_id.0
            ),
            format!(
                "INSERT INTO reports (member_id, by_id, reason, note, created_at) \
                 VALUES ({}, {}, 'fake', 'A bot.', 13)",
                ben_id.0, ana.0
            ),
            format!(
                "INSERT INTO legal_cases (reference, post_id, status, kind, statement, complainant_id, \
                 complainant_name, complainant_email, created_at, due_at) VALUES ('LC-OLD', {disputed}, \
                 'open', 'privacy', 'My address.', {}, 'Ana', 'ana@example.com', 14, 9000000000000000)",
                ana.0
            ),
        ];
        for sql in &old_rows {
            app.db().execute_sql(sql).await;
        }
        app.db()
            .execute_sql(
                "INSERT INTO legal_case_events (case_id, at, actor_name, action, note) \
                 SELECT id, 14, 'complainant', 'filed', 'privacy complaint filed' FROM legal_cases",
            )
            .await;

        // Opened again, the migration moves every row onto item references.
        let app = app.restart().await;
        let queue = app.get(&routes::moderation_queue(), Some(&admin)).await;
        let items: Vec<(Value, Option<&str>, Option<i64>, bool)> = queue
            .body
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| {
                        (
                            i["item"].clone(),
                            i["reasons"].as_str(),
                            i["flags"].as_i64(),
                            i["legal_case"].is_object(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            items,
            [
                (json!({"kind": "post", "id": disputed}), Some(""), Some(0), true),
                (json!({"kind": "post", "id": flagged}), Some("spam"), Some(1), false),
            ],
            "{}",
            queue.text
        );
        let members = app.get(&routes::moderation_members(), Some(&admin)).await;
        assert_eq!(members.body[0]["username"], "ben", "{}", members.text);
        let cases = app.get(&routes::legal_cases(), Some(&admin)).await;
        assert_eq!(
            (
                &cases.body[0]["item"],
                cases.body[0]["post_author"].as_str(),
                cases.body[0]["post_hidden"].as_bool()
            ),
            (&json!({"kind": "post", "id": disputed}), Some("ben"), Some(false)),
            "{}",
            cases.text
        );
        let id = cases.body[0]["id"].as_i64().unwrap_or_default();
        let case = app.get(&routes::legal_case(id), Some(&admin)).await;
        assert_eq!(
            case.body["events"][0]["action"], "filed",
            "its steps came along: {}",
            case.text
        );
        // The upheld report still counts against its author; the open one is resolved as any.
        let reports = app
            .db()
            .count_where("reports", &format!("item_author_id = {} AND resolution = 'upheld'", ben_id.0))
            .await;
        assert_eq!(reports, 1);
        let r = app
            .post(
                &routes::post_flags_resolve(flagged),
                Some(&admin),
                json!({"decision": "uphold", "reason": "An advert."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert_eq!(
            app.get(&routes::post(flagged), None).await.status,
            StatusCode::NOT_FOUND
        );
        // A second report by the same member on the same item is still refused by the index.
        let r = app
            .post(
                &routes::item_report("post", disputed),
                Some(&app.register("dora").await),
                json!({"reason": "abuse"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    })
    .await;
}
