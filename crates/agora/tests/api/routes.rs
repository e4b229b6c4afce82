//! The API's routes as the tests call them: one function per route the OpenAPI document
//! declares, typed by its parameters (`routes::topic_posts(topic)`), instead of URLs written
//! out in each test. `every_route_has_one_function` checks both ways against the document the
//! server serves, so a route renamed, removed or added fails here, by name, before any test
//! that uses it sends a request to a path that no longer exists.
//!
//! Segments are put in as given (the hostile-input tests send raw ones on purpose).

use axum::http::StatusCode;

/// A value that fills one `{parameter}` of a route.
pub trait Segment {
    fn segment(&self) -> String;
}

impl Segment for i64 {
    fn segment(&self) -> String {
        self.to_string()
    }
}

impl Segment for &str {
    fn segment(&self) -> String {
        (*self).to_owned()
    }
}

macro_rules! routes {
    ($($name:ident($($param:ident: $ty:ty),*) => $template:literal;)*) => {
        $(
            #[doc = concat!("`", $template, "`")]
            #[allow(dead_code)]
            pub fn $name($($param: $ty),*) -> String {
                #[allow(unused_mut)]
                let mut path = String::from($template);
                $(
                    path = path.replace(
                        concat!("{", stringify!($param), "}"),
                        &Segment::segment(&$param),
                    );
                )*
                path
            }
        )*
        /// Every route's template, as the OpenAPI document writes it.
        pub const TEMPLATES: &[&str] = &[$($template),*];
    };
}

routes! {
    admin_members() => "/api/v1/admin/members";
    admin_members_csv() => "/api/v1/admin/members.csv";
    admin_outbox() => "/api/v1/admin/outbox";
    admin_outbox_parked(id: i64) => "/api/v1/admin/outbox/parked/{id}";
    admin_outbox_retry(id: i64) => "/api/v1/admin/outbox/parked/{id}/retry";
    appeals() => "/api/v1/appeals";
    audit() => "/api/v1/audit";
    auth_login() => "/api/v1/auth/login";
    auth_logout() => "/api/v1/auth/logout";
    auth_password_reset() => "/api/v1/auth/password-reset";
    auth_password_reset_confirm() => "/api/v1/auth/password-reset/confirm";
    auth_register() => "/api/v1/auth/register";
    auth_verify() => "/api/v1/auth/verify";
    auth_verify_resend() => "/api/v1/auth/verify/resend";
    bookmarks() => "/api/v1/bookmarks";
    bulletins() => "/api/v1/bulletins";
    complaints_confirm() => "/api/v1/complaints/confirm";
    blocks() => "/api/v1/blocks";
    conversations() => "/api/v1/conversations";
    conversation(id: i64) => "/api/v1/conversations/{id}";
    conversation_accept(id: i64) => "/api/v1/conversations/{id}/accept";
    conversation_decline(id: i64) => "/api/v1/conversations/{id}/decline";
    conversation_leave(id: i64) => "/api/v1/conversations/{id}/leave";
    conversation_members(id: i64) => "/api/v1/conversations/{id}/members";
    conversation_messages(id: i64) => "/api/v1/conversations/{id}/messages";
    conversation_read(id: i64) => "/api/v1/conversations/{id}/read";
    message(id: i64) => "/api/v1/messages/{id}";
    message_revisions(id: i64) => "/api/v1/messages/{id}/revisions";
    member_block(username: &str) => "/api/v1/members/{username}/block";
    member_ignore(username: &str) => "/api/v1/members/{username}/ignore";
    documents() => "/api/v1/documents";
    document(kind: &str) => "/api/v1/documents/{kind}";
    groups() => "/api/v1/groups";
    group(slug: &str) => "/api/v1/groups/{slug}";
    group_changelog(slug: &str) => "/api/v1/groups/{slug}/changelog";
    group_ideas(slug: &str) => "/api/v1/groups/{slug}/ideas";
    group_invitations(slug: &str) => "/api/v1/groups/{slug}/invitations";
    group_join(slug: &str) => "/api/v1/groups/{slug}/join";
    group_leave(slug: &str) => "/api/v1/groups/{slug}/leave";
    group_members(slug: &str) => "/api/v1/groups/{slug}/members";
    group_member(slug: &str, username: &str) => "/api/v1/groups/{slug}/members/{username}";
    group_member_role(slug: &str, username: &str) => "/api/v1/groups/{slug}/members/{username}/role";
    group_questions(slug: &str) => "/api/v1/groups/{slug}/questions";
    group_requests(slug: &str) => "/api/v1/groups/{slug}/requests";
    group_request_approve(slug: &str, username: &str) => "/api/v1/groups/{slug}/requests/{username}/approve";
    group_request_reject(slug: &str, username: &str) => "/api/v1/groups/{slug}/requests/{username}/reject";
    group_topics(slug: &str) => "/api/v1/groups/{slug}/topics";
    group_uploads(slug: &str) => "/api/v1/groups/{slug}/uploads";
    idea_statuses() => "/api/v1/idea-statuses";
    item_complaints(kind: &str, id: i64) => "/api/v1/items/{kind}/{id}/complaints";
    item_report(kind: &str, id: i64) => "/api/v1/items/{kind}/{id}/report";
    item_reports(kind: &str, id: i64) => "/api/v1/items/{kind}/{id}/reports";
    item_reports_resolve(kind: &str, id: i64) => "/api/v1/items/{kind}/{id}/reports/resolve";
    invitation_accept(id: i64) => "/api/v1/invitations/{id}/accept";
    item_bookmark(kind: &str, id: i64) => "/api/v1/items/{kind}/{id}/bookmark";
    item_reactions(kind: &str, id: i64) => "/api/v1/items/{kind}/{id}/reactions";
    latest() => "/api/v1/latest";
    legal_cases() => "/api/v1/legal-cases";
    legal_case(id: i64) => "/api/v1/legal-cases/{id}";
    legal_case_decision(id: i64) => "/api/v1/legal-cases/{id}/decision";
    legal_case_notes(id: i64) => "/api/v1/legal-cases/{id}/notes";
    markdown_preview() => "/api/v1/markdown/preview";
    me() => "/api/v1/me";
    me_avatar() => "/api/v1/me/avatar";
    me_consents() => "/api/v1/me/consents";
    me_documents() => "/api/v1/me/documents";
    me_email() => "/api/v1/me/email";
    me_email_preferences() => "/api/v1/me/email-preferences";
    me_export() => "/api/v1/me/export";
    me_invitations() => "/api/v1/me/invitations";
    me_sanctions() => "/api/v1/me/sanctions";
    me_sanction_appeal(id: i64) => "/api/v1/me/sanctions/{id}/appeal";
    me_trust() => "/api/v1/me/trust";
    member(username: &str) => "/api/v1/members/{username}";
    member_consents(username: &str) => "/api/v1/members/{username}/consents";
    member_erase(username: &str) => "/api/v1/members/{username}/erase";
    member_flags(username: &str) => "/api/v1/members/{username}/flags";
    member_flags_resolve(username: &str) => "/api/v1/members/{username}/flags/resolve";
    member_role(username: &str) => "/api/v1/members/{username}/role";
    member_sanctions(username: &str) => "/api/v1/members/{username}/sanctions";
    member_trust(username: &str) => "/api/v1/members/{username}/trust";
    moderation_members() => "/api/v1/moderation/members";
    moderation_queue() => "/api/v1/moderation/queue";
    openapi_json() => "/api/v1/openapi.json";
    post(id: i64) => "/api/v1/posts/{id}";
    post_accept(id: i64) => "/api/v1/posts/{id}/accept";
    post_complaints(id: i64) => "/api/v1/posts/{id}/complaints";
    post_flags(id: i64) => "/api/v1/posts/{id}/flags";
    post_flags_resolve(id: i64) => "/api/v1/posts/{id}/flags/resolve";
    post_restore(id: i64) => "/api/v1/posts/{id}/restore";
    post_revisions(id: i64) => "/api/v1/posts/{id}/revisions";
    sanction_lift(id: i64) => "/api/v1/sanctions/{id}/lift";
    search() => "/api/v1/search";
    tags() => "/api/v1/tags";
    site() => "/api/v1/site";
    topic(id: i64) => "/api/v1/topics/{id}";
    topic_idea(id: i64) => "/api/v1/topics/{id}/idea";
    topic_merge(id: i64) => "/api/v1/topics/{id}/merge";
    topic_posts(id: i64) => "/api/v1/topics/{id}/posts";
    topic_question(id: i64) => "/api/v1/topics/{id}/question";
    topic_status(id: i64) => "/api/v1/topics/{id}/status";
    topic_vote(id: i64) => "/api/v1/topics/{id}/vote";
    unsubscribe() => "/api/v1/unsubscribe";
}

#[tokio::test]
async fn every_route_has_one_function() {
    let app = crate::support::TestApp::sqlite(agora_core::AgoraConfig::default()).await;
    let doc = app.get(&openapi_json(), None).await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.text);
    let mut declared: Vec<String> = doc.body["paths"]
        .as_object()
        .map(|paths| paths.keys().cloned().collect())
        .unwrap_or_default();
    declared.push(openapi_json());
    declared.sort();
    declared.dedup();
    let mut ours: Vec<String> = TEMPLATES.iter().map(|t| (*t).to_owned()).collect();
    ours.sort();
    let missing: Vec<&String> = declared.iter().filter(|p| !ours.contains(p)).collect();
    let stale: Vec<&String> = ours.iter().filter(|p| !declared.contains(p)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a function in routes.rs: {missing:?}; functions for routes the API no longer declares: {stale:?}"
    );
    assert_eq!(topic_posts(7), "/api/v1/topics/7/posts");
    assert_eq!(
        group_member_role("club", "ana"),
        "/api/v1/groups/club/members/ana/role"
    );
}
