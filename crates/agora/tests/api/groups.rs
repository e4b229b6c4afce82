//! Groups of the three kinds: joining, requests, invitations, roles, leaving.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::each_backend;

#[tokio::test]
async fn a_member_joins_a_public_group_at_once_and_can_leave() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        app.create_group(&admin, "riders", "public").await;

        let r = app.join(&ana, "riders").await;
        assert_eq!(
            (r.status, r.body["state"].as_str()),
            (StatusCode::OK, Some("member"))
        );
        let g = app.get(&routes::group("riders"), Some(&ana)).await;
        assert_eq!(g.body["member_count"], 2);
        assert_eq!(g.body["membership"], "member");
        assert_eq!(g.body["can_post"], true);

        let again = app.join(&ana, "riders").await;
        assert_eq!(again.body["state"], "member", "joining twice is harmless");
        assert_eq!(
            app.get(&routes::group("riders"), None).await.body["member_count"],
            2
        );

        let r = app
            .post(&routes::group_leave("riders"), Some(&ana), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.get(&routes::group("riders"), None).await.body["member_count"],
            1
        );
        let r = app
            .post(&routes::group_leave("riders"), Some(&ana), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "not_a_member"));
    })
    .await;
}

#[tokio::test]
async fn joining_a_closed_group_waits_for_a_moderator_who_approves_or_rejects() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let owner = app.register("owner").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.patch(
            &routes::site(),
            Some(&admin),
            json!({"members_may_create_groups": true}),
        )
        .await;
        app.create_group(&owner, "beta", "closed").await;

        let r = app.join(&ana, "beta").await;
        assert_eq!(r.body["state"], "pending", "{}", r.text);
        assert_eq!(app.join(&ben, "beta").await.body["state"], "pending");
        let g = app.get(&routes::group("beta"), Some(&ana)).await;
        assert_eq!(
            (g.body["membership"].as_str(), g.body["can_read"].as_bool()),
            (Some("pending"), Some(false))
        );

        let r = app.get(&routes::group_requests("beta"), Some(&ana)).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "moderators_only")
        );
        let r = app.get(&routes::group_requests("beta"), Some(&owner)).await;
        let names: Vec<&str> = r
            .body
            .as_array()
            .map(|a| a.iter().filter_map(|x| x["username"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, vec!["ana", "ben"]);

        let r = app
            .post(
                &routes::group_request_approve("beta", "ana"),
                Some(&owner),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let r = app
            .post(
                &routes::group_request_reject("beta", "ben"),
                Some(&owner),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = app
            .post(
                &routes::group_request_approve("beta", "ben"),
                Some(&owner),
                json!({}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "a decided request cannot be decided again"
        );

        let g = app.get(&routes::group("beta"), Some(&ana)).await;
        assert_eq!(
            (
                g.body["membership"].as_str(),
                g.body["member_count"].as_i64()
            ),
            (Some("member"), Some(2))
        );
        let g = app.get(&routes::group("beta"), Some(&ben)).await;
        assert_eq!(g.body["membership"], "none");
        let t = app.get(&routes::group_topics("beta"), Some(&ana)).await;
        assert_eq!(t.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn a_secret_group_is_joined_only_by_an_accepted_invitation_from_a_member() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        let cat = app.register("cat").await;
        app.create_group(&admin, "board", "secret").await;

        let r = app.join(&ana, "board").await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "a non-member cannot even find it"
        );
        let r = app
            .post(
                &routes::group_invitations("board"),
                Some(&ben),
                json!({"username": "ana"}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "a non-member cannot invite"
        );

        let inv = app
            .post(
                &routes::group_invitations("board"),
                Some(&admin),
                json!({"username": "ana"}),
            )
            .await;
        assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.text);
        let id = inv.body["id"].as_i64().unwrap_or_default();

        let r = app
            .post(&routes::invitation_accept(id), Some(&ben), json!({}))
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "an invitation is only its invitee's"
        );
        let mine = app.get(&routes::me_invitations(), Some(&ana)).await;
        assert_eq!(mine.body[0]["group"]["slug"], "board", "{}", mine.text);
        let r = app.join(&ana, "board").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "invitation_required")
        );

        let r = app
            .post(&routes::invitation_accept(id), Some(&ana), json!({}))
            .await;
        assert_eq!(
            (r.status, r.body["membership"].as_str()),
            (StatusCode::OK, Some("member")),
            "{}",
            r.text
        );
        let r = app
            .post(&routes::invitation_accept(id), Some(&ana), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "accepted once");

        // Now a member, ana may invite in turn (any active member of a secret group may).
        let r = app
            .post(
                &routes::group_invitations("board"),
                Some(&ana),
                json!({"username": "cat"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let r = app
            .post(
                &routes::group_invitations("board"),
                Some(&ana),
                json!({"username": "admin"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "already_member")
        );
        let g = app.get(&routes::group("board"), Some(&cat)).await;
        assert_eq!(
            (
                g.status,
                g.body["membership"].as_str(),
                g.body["can_read"].as_bool()
            ),
            (StatusCode::OK, Some("invited"), Some(false))
        );
        assert_eq!(
            app.get(&routes::group("board"), Some(&ben)).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn owners_remove_members_and_set_roles_but_the_last_owner_stays() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "club", "public").await;
        app.join(&ana, "club").await;
        app.join(&ben, "club").await;

        let r = app
            .delete(&routes::group_member("club", "ben"), Some(&ana))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "owners_only"));
        let r = app
            .call(
                axum::http::Method::PUT,
                &routes::group_member_role("club", "ana"),
                Some(&admin),
                Some(json!({"role": "moderator"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let members = app.get(&routes::group_members("club"), None).await;
        let roles: Vec<(String, String)> = members.body["members"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|m| {
                        (
                            m["username"].as_str().unwrap_or("").to_owned(),
                            m["role"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            roles,
            vec![
                ("admin".into(), "owner".into()),
                ("ana".into(), "moderator".into()),
                ("ben".into(), "member".into())
            ]
        );

        let r = app
            .delete(&routes::group_member("club", "ben"), Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.get(&routes::group("club"), None).await.body["member_count"],
            2
        );

        let r = app
            .post(&routes::group_leave("club"), Some(&admin), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "last_owner"));
        let r = app
            .call(
                axum::http::Method::PUT,
                &routes::group_member_role("club", "admin"),
                Some(&admin),
                Some(json!({"role": "member"})),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "last_owner"));
    })
    .await;
}

#[tokio::test]
async fn admins_create_groups_and_a_site_setting_lets_members_create_them() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ana = app.register("ana").await;
        let body = json!({"name": "Night Riders", "visibility": "public"});
        let r = app.post(&routes::groups(), Some(&ana), body.clone()).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));

        let r = app
            .patch(
                &routes::site(),
                Some(&ana),
                json!({"members_may_create_groups": true}),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({"members_may_create_groups": true, "name": "Riders"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["name"].as_str()),
            (StatusCode::OK, Some("Riders"))
        );

        let r = app.post(&routes::groups(), Some(&ana), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(
            r.body["slug"], "night-riders",
            "the slug is derived from the name"
        );
        assert_eq!(r.body["membership"], "owner");
    })
    .await;
}

#[tokio::test]
async fn the_group_directory_pages_by_cursor() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        for i in 0..7 {
            app.create_group(&admin, &format!("g{i}"), "public").await;
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..10 {
            let path = match &cursor {
                Some(c) => format!("/api/v1/groups?limit=3&cursor={c}"),
                None => "/api/v1/groups?limit=3".to_owned(),
            };
            let r = app.get(&path, None).await;
            for g in r.body["groups"].as_array().into_iter().flatten() {
                seen.push(g["slug"].as_str().unwrap_or("").to_owned());
            }
            cursor = r.body["next_cursor"].as_str().map(str::to_owned);
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(seen, (0..7).map(|i| format!("g{i}")).collect::<Vec<_>>());
    })
    .await;
}
