//! Groups are edited, archived and deleted (issue 21's basics): by their owners and site
//! admins only, audited, with every reader's view following at once; a deleted group is gone
//! for everyone, its address free again, and what the law needs (legal cases, the audit log)
//! kept.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

/// An admin (the first account), an owner of `club` (public), a member, and a topic.
async fn arrange(app: &TestApp) -> (String, String, String, i64, i64) {
    let admin = app.register("admin").await;
    let owner = app.register("olga").await;
    let member = app.register("mia").await;
    // Members may not create groups by default: the admin creates it and makes olga an owner.
    app.create_group(&admin, "club", "public").await;
    make_owner(app, &admin, "club", &owner, "olga").await;
    assert_eq!(app.join(&member, "club").await.status, StatusCode::OK);
    let (topic, post) = app
        .create_topic(
            &owner,
            "club",
            "Spring rides",
            "Where do we ride this spring?",
        )
        .await;
    (admin, owner, member, topic, post)
}

#[tokio::test]
async fn owners_edit_their_group_and_others_are_told_why_not() {
    each_backend(|app| async move {
        let (admin, owner, member, _, _) = arrange(&app).await;
        let r = app
            .patch(
                &routes::group("club"),
                Some(&owner),
                json!({"name": "Spring club", "description": "We ride together."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(
            (r.body["name"].as_str(), r.body["description"].as_str()),
            (Some("Spring club"), Some("We ride together."))
        );
        assert_eq!(r.body["can_edit"], true);
        let seen = app.get(&routes::group("club"), Some(&member)).await;
        assert_eq!(
            (seen.body["name"].as_str(), seen.body["can_edit"].as_bool()),
            (Some("Spring club"), Some(false))
        );

        let r = app
            .patch(
                &routes::group("club"),
                Some(&member),
                json!({"name": "Mine"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "owners_only"),
            "{}",
            r.text
        );
        let r = app
            .patch(&routes::group("club"), None, json!({"name": "Mine"}))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
        let r = app
            .patch(&routes::group("club"), Some(&owner), json!({"name": "x"}))
            .await;
        assert_eq!(
            (r.status, r.code(), r.body["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_length",
                Some("name")
            ),
            "{}",
            r.text
        );
        let r = app
            .patch(
                &routes::group("club"),
                Some(&owner),
                json!({"visibility": "hidden"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("visibility")),
            "{}",
            r.text
        );

        // A secret group does not exist for a member outside it, whatever they try.
        app.create_group(&admin, "inner", "secret").await;
        let r = app
            .patch(
                &routes::group("inner"),
                Some(&member),
                json!({"name": "Mine"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        // A site admin edits any group.
        let r = app
            .patch(
                &routes::group("inner"),
                Some(&admin),
                json!({"description": "Staff."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);

        let log = app
            .get(
                &format!(
                    "{}?target=group:{}",
                    routes::audit(),
                    group_id(&app, "club").await
                ),
                Some(&admin),
            )
            .await;
        let entry = &log.body["entries"][0];
        assert_eq!(
            (entry["action"].as_str(), entry["actor"].as_str()),
            (Some("group.edit"), Some("olga")),
            "{}",
            log.text
        );
        assert!(
            entry["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("Group club → Spring club"),
            "{}",
            log.text
        );
    })
    .await;
}

async fn make_owner(app: &TestApp, admin: &str, slug: &str, token: &str, username: &str) {
    let joined = app.join(token, slug).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.text);
    let r = app
        .call(
            Method::PUT,
            &routes::group_member_role(slug, username),
            Some(admin),
            Some(json!({"role": "owner"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
}

async fn group_id(app: &TestApp, slug: &str) -> i64 {
    app.db()
        .scalar(&format!("SELECT id FROM groups WHERE slug = '{slug}'"))
        .await
}

#[tokio::test]
async fn a_change_of_visibility_reaches_every_reader_at_once() {
    each_backend(|app| async move {
        let (_, owner, member, topic, _) = arrange(&app).await;
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::OK
        );
        let r = app
            .patch(
                &routes::group("club"),
                Some(&owner),
                json!({"visibility": "closed"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["visibility"].as_str()),
            (StatusCode::OK, Some("closed")),
            "{}",
            r.text
        );
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::FORBIDDEN,
            "a guest reads a closed group's topic"
        );
        assert_eq!(
            app.get(&routes::topic(topic), Some(&member)).await.status,
            StatusCode::OK
        );
        app.patch(
            &routes::group("club"),
            Some(&owner),
            json!({"visibility": "secret"}),
        )
        .await;
        for path in [routes::group("club"), routes::topic(topic)] {
            assert_eq!(
                app.get(&path, None).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let found = app
            .get(&format!("{}?q=spring", routes::search()), None)
            .await;
        assert!(!found.text.contains("Spring rides"), "{}", found.text);
        app.patch(
            &routes::group("club"),
            Some(&owner),
            json!({"visibility": "public"}),
        )
        .await;
        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::OK
        );
        // Each change is an event the guest cache and the other nodes follow.
        assert_eq!(
            app.db()
                .count_where("outbox", "name = 'group_changed'")
                .await,
            3
        );
    })
    .await;
}

#[tokio::test]
async fn an_archived_group_is_read_only_until_it_is_active_again() {
    each_backend(|app| async move {
        let (_, owner, member, topic, post) = arrange(&app).await;
        let newcomer = app.register("nils").await;
        let r = app
            .patch(
                &routes::group("club"),
                Some(&owner),
                json!({"archived": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(r.body["archived_at"].is_string(), "{}", r.text);

        assert_eq!(
            app.get(&routes::topic(topic), None).await.status,
            StatusCode::OK,
            "still read"
        );
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&member),
                json!({"body": "One more ride?"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "topic_locked"),
            "{}",
            r.text
        );
        let r = app
            .post(
                &routes::group_topics("club"),
                Some(&member),
                json!({"title": "A new ride", "body": "Who comes?"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "archived"),
            "{}",
            r.text
        );
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("archived"),
            "{}",
            r.text
        );
        let r = app
            .patch(
                &routes::post(post),
                Some(&owner),
                json!({"body": "Edited after the end."}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "its moderators may still write: {}",
            r.text
        );
        let r = app.join(&newcomer, "club").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "archived"),
            "{}",
            r.text
        );
        // Nor through an invitation sent before it was archived.
        let invited = app.register("ines").await;
        let r = app
            .post(
                &routes::group_invitations("club"),
                Some(&owner),
                json!({"username": "ines"}),
            )
            .await;
        assert!(
            r.status.is_success() || r.code() == "archived",
            "{}",
            r.text
        );
        if r.status.is_success() {
            let id = r.body["id"].as_i64().unwrap_or_default();
            let r = app
                .post(&routes::invitation_accept(id), Some(&invited), json!({}))
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::FORBIDDEN, "archived"),
                "{}",
                r.text
            );
        }
        let shown = app.get(&routes::topic(topic), Some(&member)).await;
        assert_eq!(shown.body["capabilities"]["reply"], false, "{}", shown.text);
        let page = app.page("/g/club", Some(&member)).await;
        assert!(
            page.text.contains("This group is archived"),
            "{}",
            page.text
        );
        assert!(!page.text.contains("/g/club/new"), "no new topic offered");

        let r = app
            .patch(
                &routes::group("club"),
                Some(&owner),
                json!({"archived": false}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["archived_at"].is_null()),
            (StatusCode::OK, true),
            "{}",
            r.text
        );
        let r = app
            .post(
                &routes::topic_posts(topic),
                Some(&member),
                json!({"body": "One more ride?"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(app.join(&newcomer, "club").await.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn only_a_site_admin_deletes_a_group_and_what_the_law_needs_is_kept() {
    each_backend(|app| async move {
        let (admin, owner, member, topic, post) = arrange(&app).await;
        // A complaint about a post in the group is open when it goes.
        let r = app.post(&routes::post_complaints(post), Some(&member), json!({"kind": "defamation", "statement": "The post says I stole a bike from the club's garage; that is untrue.", "good_faith": true})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let delete = |token: String, body: serde_json::Value| {
            let app = &app;
            async move { app.call(Method::DELETE, &routes::group("club"), Some(&token), Some(body)).await }
        };
        let r = delete(owner.clone(), json!({"confirm": "club"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"), "{}", r.text);
        let r = delete(admin.clone(), json!({"confirm": "club"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "not_archived"), "archived first: {}", r.text);
        let r = app.patch(&routes::group("club"), Some(&owner), json!({"archived": true})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = delete(admin.clone(), json!({"confirm": "clu"})).await;
        assert_eq!((r.status, r.body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("confirm")), "{}", r.text);
        assert_eq!(app.get(&routes::group("club"), None).await.status, StatusCode::OK, "nothing done");
        let r = delete(admin.clone(), json!({"confirm": "club", "reason": "Spam ring"})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);

        for who in [None, Some(member.as_str()), Some(owner.as_str()), Some(admin.as_str())] {
            assert_eq!(app.get(&routes::group("club"), who).await.status, StatusCode::NOT_FOUND);
            assert_eq!(app.get(&routes::topic(topic), who).await.status, StatusCode::NOT_FOUND);
            assert_eq!(app.get(&routes::post(post), who).await.status, StatusCode::NOT_FOUND);
            let list = app.get(&routes::groups(), who).await;
            assert!(!list.text.contains("\"club"), "{}", list.text);
            let found = app.get(&format!("{}?q=spring", routes::search()), who).await;
            assert!(!found.text.contains("Spring rides"), "{}", found.text);
        }
        // The legal case and its post stay, and the audit log says who deleted what and why.
        let cases = app.get(&routes::legal_cases(), Some(&admin)).await;
        assert_eq!(cases.body.as_array().map(Vec::len), Some(1), "{}", cases.text);
        // The admins still open and decide it.
        let case = cases.body[0]["id"].as_i64().unwrap_or_default();
        let open = app.get(&routes::legal_case(case), Some(&admin)).await;
        assert_eq!(open.status, StatusCode::OK, "{}", open.text);
        let decided = app
            .post(&routes::legal_case_decision(case), Some(&admin), json!({"decision": "remove", "reason": "Unproven accusation of a theft."}))
            .await;
        assert_eq!(decided.body["status"], "removed", "{}", decided.text);
        // Deleting it again is refused, and recorded once.
        let again = delete(admin.clone(), json!({"confirm": "club"})).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text);
        assert_eq!(app.db().count_where("posts", &format!("id = {post}")).await, 1);
        let log = app.get(&routes::audit(), Some(&admin)).await;
        let deletions: Vec<&serde_json::Value> = log.body["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["action"] == "group.delete")
            .collect();
        assert_eq!(deletions.len(), 1, "{}", log.text);
        assert!(deletions[0]["detail"].as_str().unwrap_or_default().contains("Spam ring"), "{}", log.text);
        // The address is free again.
        app.create_group(&admin, "club", "public").await;
        let fresh = app.get(&routes::group("club"), None).await;
        assert_eq!(fresh.body["topic_count"], 0, "{}", fresh.text);
    })
    .await;
}

#[tokio::test]
async fn the_settings_page_confirms_a_change_of_visibility_before_saving_it() {
    each_backend(|app| async move {
        let (_, owner, member, _, _) = arrange(&app).await;
        assert_eq!(
            app.page("/g/club/settings", Some(&member)).await.status,
            StatusCode::FORBIDDEN
        );
        let page = app.page("/g/club/settings", Some(&owner)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.text.contains("Delete this group"),
            "only admins delete"
        );
        let csrf = crate::support::csrf_for(&owner);
        let fields = [
            ("csrf", csrf.as_str()),
            ("name", "Group club"),
            ("description", "About club"),
            ("visibility", "closed"),
        ];
        let asked = app.form("/g/club/settings", Some(&owner), &fields).await;
        assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
        assert!(
            asked
                .text
                .contains("Guests and members who have not joined will no longer read its topic"),
            "{}",
            asked.text
        );
        let still = app.get(&routes::group("club"), None).await;
        assert_eq!(
            still.body["visibility"], "public",
            "nothing saved before the confirmation"
        );
        let mut confirmed = fields.to_vec();
        confirmed.push(("confirmed", "true"));
        let saved = app.form("/g/club/settings", Some(&owner), &confirmed).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
        let now = app.get(&routes::group("club"), Some(&owner)).await;
        assert_eq!(now.body["visibility"], "closed");
    })
    .await;
}
