//! The community the hostile inputs are sent at: an admin who founded a public group with a
//! topic, a member with a reply there (flagged, and warned once), a closed group he asked
//! to join, a secret group he is invited to, a published netiquette, and a password-reset
//! link waiting in a third member's mail, a conversation between the admin and the member (a
//! message of each) and a request waiting for the admin from the third member. Every route
//! then has something real to act on,
//! so a hostile value meets the rules of its field rather than a missing thing.

use serde_json::json;

use crate::support::TestApp;

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Guest,
    /// The site admin (`founder`), who owns the groups.
    Admin,
    /// `ben`: a member, warned once, invited into the secret group.
    Member,
}

/// The community, and the ids and tokens its routes need.
pub struct Scene {
    pub admin: String,
    pub member: String,
    /// The public group, owned by the admin; the member belongs to it.
    pub group: &'static str,
    /// The closed group the member asked to join.
    pub closed: &'static str,
    pub topic: i64,
    /// The topic's opening post (the admin's).
    pub post: i64,
    /// The member's reply, flagged by the admin.
    pub reply: i64,
    pub invitation: i64,
    pub sanction: i64,
    /// An open legal case, filed by the member about another reply of the admin's.
    pub case: i64,
    /// A password-reset token mailed to `rhea`.
    pub reset_token: String,
    /// A conversation the admin started with the member, who accepted and replied.
    pub conversation: i64,
    /// The member's reply in it.
    pub message: i64,
}

impl Scene {
    /// Every name the community gives to something a URL points at (groups, members, a
    /// document): a path segment holding one of them is a slot.
    pub const NAMES: &[&str] = &[
        "riders",
        "workshop",
        "inner",
        "founder",
        "ben",
        "rhea",
        "netiquette",
    ];

    pub async fn build(app: &TestApp) -> Self {
        let admin = app.register("founder").await;
        let member = app.register("ben").await;
        let rhea = app.register("rhea").await;
        let group = "riders";
        app.create_group(&admin, group, "public").await;
        let closed = "workshop";
        app.create_group(&admin, closed, "closed").await;
        app.create_group(&admin, "inner", "secret").await;
        app.join(&member, group).await;
        app.join(&member, closed).await;
        let (topic, post) = app
            .create_topic(
                &admin,
                group,
                "Battery range in winter",
                "How far below zero?",
            )
            .await;
        let r = app
            .post(
                &format!("/api/v1/topics/{topic}/posts"),
                Some(&member),
                json!({"body": "About 40 km."}),
            )
            .await;
        let reply = id_of(&r.body, "reply", &r.text);
        let r = app
            .post(
                "/api/v1/groups/inner/invitations",
                Some(&admin),
                json!({"username": "ben"}),
            )
            .await;
        let invitation = id_of(&r.body, "invitation", &r.text);
        let r = app
            .post(
                &format!("/api/v1/posts/{reply}/flags"),
                Some(&admin),
                json!({"reason": "spam", "note": "An advert?"}),
            )
            .await;
        assert!(r.status.is_success(), "flag: {}", r.text);
        let r = app
            .post(
                "/api/v1/members/ben/sanctions",
                Some(&admin),
                json!({"kind": "warning", "reason": "Please stay on topic."}),
            )
            .await;
        let sanction = id_of(&r.body, "sanction", &r.text);
        let r = app
            .post(
                &format!("/api/v1/topics/{topic}/posts"),
                Some(&admin),
                json!({"body": "Ben sells stolen bikes."}),
            )
            .await;
        let disputed = id_of(&r.body, "disputed reply", &r.text);
        let r = app
            .post(
                &format!("/api/v1/posts/{disputed}/complaints"),
                Some(&member),
                json!({"kind": "defamation", "statement": "This is untrue and harms my name.", "good_faith": true}),
            )
            .await;
        assert!(r.status.is_success(), "complaint: {}", r.text);
        let cases = app.get("/api/v1/legal-cases", Some(&admin)).await;
        let case = cases.body[0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no legal case: {}", cases.text));
        let (conversation, message) = converse(app, &admin, &member, &rhea).await;
        let r = app
            .post(
                "/api/v1/documents/netiquette",
                Some(&admin),
                json!({"body": "Be kind."}),
            )
            .await;
        assert!(r.status.is_success(), "netiquette: {}", r.text);
        let r = app
            .post(
                "/api/v1/auth/password-reset",
                None,
                json!({"login": "rhea"}),
            )
            .await;
        assert!(r.status.is_success(), "reset: {}", r.text);
        let reset_token = app
            .mailbox()
            .mailed_token("rhea@example.com", "/reset/")
            .unwrap_or_else(|| panic!("no reset mail to rhea"));
        Self {
            admin,
            member,
            group,
            closed,
            topic,
            post,
            reply,
            invitation,
            sanction,
            case,
            reset_token,
            conversation,
            message,
        }
    }

    /// The bearer token of `actor`.
    pub fn token(&self, actor: Actor) -> Option<&str> {
        match actor {
            Actor::Guest => None,
            Actor::Admin => Some(&self.admin),
            Actor::Member => Some(&self.member),
        }
    }

    /// Who sends requests to `route`: the member for what only the sanctioned or the invited
    /// do, a guest for routes that need no sign-in, the admin for the rest.
    pub fn actor_for(&self, route: &str, signed_in: bool) -> Actor {
        if route.contains("/me/sanctions/") || route.contains("/invitations/{") {
            Actor::Member
        } else if signed_in {
            Actor::Admin
        } else {
            Actor::Guest
        }
    }

    /// A real value for the path parameter `name` of `route`.
    pub fn path_value(&self, route: &str, name: &str) -> String {
        let before = route
            .split(&format!("/{{{name}}}"))
            .next()
            .and_then(|head| head.rsplit('/').next())
            .unwrap_or("");
        match (before, name) {
            (_, "slug") if route.contains("/requests") => self.closed.to_owned(),
            (_, "slug") => self.group.to_owned(),
            (_, "username") => "ben".to_owned(),
            // An item's reference: the member's reply (the admin reacts to it and has flagged
            // it), or for a complaint the admin's post.
            (_, "kind") if route.contains("/items/") => "post".to_owned(),
            (_, "kind") => "netiquette".to_owned(),
            ("{kind}", _) if route.contains("/complaints") => self.post.to_string(),
            ("{kind}", _) => self.reply.to_string(),
            ("topics", _) => self.topic.to_string(),
            ("posts", _) if route.contains("/flags") => self.reply.to_string(),
            ("posts", _) => self.post.to_string(),
            ("invitations", _) => self.invitation.to_string(),
            ("sanctions", _) => self.sanction.to_string(),
            ("legal-cases", _) => self.case.to_string(),
            ("conversations", _) => self.conversation.to_string(),
            ("messages", _) => self.message.to_string(),
            // No event is parked in the scene: the retry and the dismissal find none.
            ("parked", _) => "1".to_owned(),
            _ => panic!(
                "the suite has no value for {{{name}}} in {route}: add one to Scene::path_value"
            ),
        }
    }

    /// Accepts every document version waiting for the admin and the member (after a hostile
    /// but harmless document was published, everyone must accept it before writing again).
    pub async fn accept_documents(&self, app: &TestApp) {
        for token in [&self.admin, &self.member] {
            let pending = app.get("/api/v1/me/documents", Some(token)).await;
            let documents: Vec<serde_json::Value> = pending
                .body
                .as_array()
                .map(|docs| {
                    docs.iter()
                        .map(|d| json!({"kind": d["kind"], "version": d["version"]}))
                        .collect()
                })
                .unwrap_or_default();
            if documents.is_empty() {
                continue;
            }
            let r = app
                .post(
                    "/api/v1/me/consents",
                    Some(token),
                    json!({ "documents": documents }),
                )
                .await;
            assert!(r.status.is_success(), "accepting documents: {}", r.text);
        }
    }
}

fn id_of(body: &serde_json::Value, what: &str, text: &str) -> i64 {
    body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{what}: no id in {text}"))
}

/// The admin writes to the member, who accepts and replies; `rhea`, who never talked with the
/// admin, writes to the admin, whose request it stays. Returns the conversation and the
/// member's reply.
async fn converse(app: &TestApp, admin: &str, member: &str, rhea: &str) -> (i64, i64) {
    let r = app
        .post(
            "/api/v1/conversations",
            Some(admin),
            json!({"to": ["ben"], "subject": "Winter tyres", "body": "Which ones do you run?"}),
        )
        .await;
    let conversation = id_of(&r.body, "conversation", &r.text);
    let r = app
        .post(
            &format!("/api/v1/conversations/{conversation}/accept"),
            Some(member),
            json!({}),
        )
        .await;
    assert!(r.status.is_success(), "accept: {}", r.text);
    let r = app
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            Some(member),
            json!({"body": "Studded, 42 mm."}),
        )
        .await;
    let message = id_of(&r.body, "message", &r.text);
    let r = app
        .post(
            "/api/v1/conversations",
            Some(rhea),
            json!({"to": ["founder"], "subject": "A question", "body": "May I ask you something?"}),
        )
        .await;
    assert!(r.status.is_success(), "request: {}", r.text);
    (conversation, message)
}
