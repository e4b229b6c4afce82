//! The SQL form of the read rule (`agora-store/src/scope.rs`, used by every list, count and
//! search) checked on both databases against the rule itself (`policy::access`): for every
//! kind of group, every relation a member can have to one, and every kind of viewer, the
//! groups the store draws from are exactly those the rule admits, with the relation the rule
//! was given.

use std::collections::BTreeSet;

use agora_core::groups::policy::{Access, Need, Relation, access, scope};
use agora_core::groups::{GroupRole, Visibility};
use agora_core::store::GroupStore as _;
use agora_core::trust::TrustLevel;
use agora_core::viewer::{Actor, Restriction, SiteRole, Viewer};

use crate::routes;
use crate::support::{TestApp, each_backend, member_id};

const RELATIONS: [(&str, Relation); 6] = [
    ("stranger", Relation::Stranger),
    ("requested", Relation::Requested),
    ("invited", Relation::Invited),
    ("member", Relation::Member(GroupRole::Member)),
    ("moderator", Relation::Member(GroupRole::Moderator)),
    ("owner", Relation::Member(GroupRole::Owner)),
];

const KINDS: [(&str, Visibility); 3] = [
    ("public", Visibility::Public),
    ("closed", Visibility::Closed),
    ("secret", Visibility::Secret),
];

async fn viewer(app: &TestApp, username: &str, role: SiteRole) -> Viewer {
    Viewer::member(Actor {
        id: member_id(app, username).await,
        username: username.into(),
        role,
        verified: true,
        restriction: Restriction::None,
        trust: TrustLevel::Basic,
    })
}

/// Gives mia `relation` to the group `slug`, straight in the database.
async fn relate(app: &TestApp, slug: &str, relation: &str) {
    let pick = format!("FROM groups g, members m WHERE g.slug = '{slug}' AND m.username = 'mia'");
    let sql = match relation {
        "stranger" => return,
        "requested" => format!(
            "INSERT INTO join_requests (group_id, member_id, state, created_at) \
             SELECT g.id, m.id, 'pending', 0 {pick}"
        ),
        "invited" => format!(
            "INSERT INTO invitations (group_id, invitee_id, state, created_at) \
             SELECT g.id, m.id, 'pending', 0 {pick}"
        ),
        role => format!(
            "INSERT INTO group_members (group_id, member_id, role, joined_at) \
             SELECT g.id, m.id, '{role}', 0 {pick}"
        ),
    };
    app.db().execute_sql(&sql).await;
}

#[tokio::test]
async fn the_sql_scope_admits_exactly_the_groups_the_rule_admits() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.register("mia").await;
        app.register("sam").await;
        let r = app
            .call(
                axum::http::Method::PUT,
                &routes::member_role("sam"),
                Some(&admin),
                Some(serde_json::json!({"role": "moderator"})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        // (slug, kind, mia's relation)
        let mut groups = Vec::new();
        for (kind, visibility) in KINDS {
            for (name, relation) in RELATIONS {
                let slug = format!("{kind}-{name}");
                app.create_group(&admin, &slug, kind).await;
                relate(&app, &slug, name).await;
                groups.push((slug, visibility, relation));
            }
        }
        let viewers = [
            ("a guest", Viewer::guest()),
            ("mia", viewer(&app, "mia", SiteRole::Member).await),
            (
                "a site moderator",
                viewer(&app, "sam", SiteRole::Moderator).await,
            ),
            ("an admin", viewer(&app, "admin", SiteRole::Admin).await),
        ];
        for (who, v) in &viewers {
            for (need, least) in [(Need::Listed, Access::Listed), (Need::Read, Access::Read)] {
                // What the rule says, one group at a time. The admin created every group
                // (its owner); mia has the arranged relation; nobody else has any.
                let relation_of = |arranged: Relation| match *who {
                    "mia" => arranged,
                    "an admin" => Relation::Member(GroupRole::Owner),
                    _ => Relation::Stranger,
                };
                let expected: BTreeSet<(String, String)> = groups
                    .iter()
                    .filter(|(_, vis, rel)| access(v, *vis, relation_of(*rel)) >= least)
                    .map(|(slug, _, rel)| (slug.clone(), format!("{:?}", relation_of(*rel))))
                    .collect();
                // What the SQL draws.
                let s = scope(v, need);
                let listed = app
                    .app
                    .store
                    .list_groups(&s, None, 100)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                let got: BTreeSet<(String, String)> = listed
                    .into_iter()
                    .map(|(g, rel)| (g.slug, format!("{rel:?}")))
                    .collect();
                assert_eq!(got, expected, "{who}, {need:?}");
                let counted = app
                    .app
                    .store
                    .count_groups(&s)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(
                    usize::try_from(counted).unwrap_or_default(),
                    expected.len(),
                    "{who}, {need:?}: the count"
                );
            }
        }
    })
    .await;
}
