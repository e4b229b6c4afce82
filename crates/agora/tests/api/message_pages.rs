//! The pages of private messages, on both databases: a conversation is the very page of one
//! that never existed to everyone outside it (a member, an admin, a site moderator, a guest, a
//! member who declined); the forms start, accept, reply, quote, edit, delete and leave; a
//! refusal comes back on its form; blocking and ignoring from a profile; the header's unread
//! count, which no guest ever sees.

use axum::http::{Method, StatusCode, header};
use serde_json::json;

use crate::routes;
use crate::support::{Reply, TestApp, csrf_for, each_backend};

/// The `<main>` of a page: what a reader sees of it, without the header, and with the forms'
/// CSRF tokens (masked afresh in every answer) left out.
fn main_of(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    let end = html.find("</main>").unwrap_or(html.len());
    let mut out = String::new();
    let mut rest = &html[start..end];
    let marker = "name=\"csrf\" value=\"";
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at + marker.len()]);
        rest = &rest[at + marker.len()..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

fn location(r: &Reply) -> String {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no redirect: {} {}", r.status, r.text))
        .to_owned()
}

/// Posts a page form as a signed-in member, with the session's CSRF token.
async fn form(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)]) -> Reply {
    let csrf = csrf_for(token);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.form(path, Some(token), &all).await
}

/// Starts a conversation from the new-message form; returns its id.
async fn start(app: &TestApp, token: &str, to: &str, subject: &str, body: &str) -> i64 {
    let r = form(
        app,
        token,
        "/messages/new",
        &[("to", to), ("subject", subject), ("body", body)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    location(&r)
        .strip_prefix("/messages/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("started at {}", location(&r)))
}

/// A conversation's page as a member sees it.
async fn open(app: &TestApp, id: i64, token: &str) -> Reply {
    app.page(&format!("/messages/{id}"), Some(token)).await
}

/// Accepts a request from its page's button.
async fn accept(app: &TestApp, token: &str, id: i64) -> Reply {
    form(app, token, &format!("/messages/{id}/accept"), &[]).await
}

/// The ids of the messages a conversation's page shows, from their edit, quote or history links.
fn message_ids(html: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for marker in ["quote=", "/messages/m/"] {
        for part in html.split(marker).skip(1) {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(id) = digits.parse()
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
    }
    ids.sort_unstable();
    ids
}

/// The header's unread count on the landing page, if it shows one.
async fn header_count(app: &TestApp, token: Option<&str>) -> Option<String> {
    let html = app.page("/", token).await.text;
    let nav = &html[..html.find("</nav>").unwrap_or(html.len())];
    let at = nav.find("href=\"/messages\"")?;
    let link = &nav[at..nav[at..].find("</a>").map_or(nav.len(), |e| at + e)];
    Some(
        link.split("badge count\">")
            .nth(1)
            .map(|s| s.chars().take_while(char::is_ascii_digit).collect())
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_conversation_is_the_page_of_one_that_never_existed_to_everyone_outside_it() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let sitemod = app.register("sitemod").await;
        let r = app
            .call(
                Method::PUT,
                "/api/v1/members/sitemod/role",
                Some(&admin),
                Some(json!({"role": "moderator"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        let dora = app.register("dora").await;
        let carl = app.register("carl").await;
        let id = start(&app, &anna, "ben, dora", "Saturday ride", "Meet at nine?").await;
        assert_eq!(accept(&app, &ben, id).await.status, StatusCode::SEE_OTHER);
        assert_eq!(
            form(&app, &dora, &format!("/messages/{id}/decline"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let r = form(
            &app,
            &ben,
            &format!("/messages/{id}/reply"),
            &[("body", "Nine works.")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let page = open(&app, id, &anna).await;
        assert_eq!(page.status, StatusCode::OK);
        let messages = message_ids(&page.text);
        assert_eq!(messages.len(), 2, "{}", main_of(&page.text));
        let message = messages[0];
        let never = id + 1_000;
        let never_message = messages[1] + 1_000;

        let outsiders = [
            ("a member", Some(carl.as_str())),
            ("the admin", Some(admin.as_str())),
            ("a site moderator", Some(sitemod.as_str())),
            ("a guest", None),
            ("the member who declined", Some(dora.as_str())),
        ];
        let paths = [
            (format!("/messages/{id}"), format!("/messages/{never}")),
            (
                format!("/messages/{id}?quote={message}"),
                format!("/messages/{never}?quote={message}"),
            ),
            (
                format!("/messages/m/{message}/history"),
                format!("/messages/m/{never_message}/history"),
            ),
            (
                format!("/messages/m/{message}/edit"),
                format!("/messages/m/{never_message}/edit"),
            ),
        ];
        for (who, token) in outsiders {
            for (real, imagined) in &paths {
                let seen = app.page(real, token).await;
                let none = app.page(imagined, token).await;
                assert_eq!(seen.status, StatusCode::NOT_FOUND, "{who} at {real}");
                assert_eq!(none.status, StatusCode::NOT_FOUND, "{who} at {imagined}");
                assert_eq!(
                    main_of(&seen.text),
                    main_of(&none.text),
                    "{who}: {real} and {imagined} differ"
                );
                assert!(!seen.text.contains("Saturday ride"), "{who} at {real}");
            }
            // The forms answer as they do for a conversation that never existed.
            if let Some(t) = token {
                for action in ["reply", "accept", "leave", "members"] {
                    let fields = [("body", "Hello?"), ("usernames", "carl")];
                    let seen = form(&app, t, &format!("/messages/{id}/{action}"), &fields).await;
                    let none = form(&app, t, &format!("/messages/{never}/{action}"), &fields).await;
                    assert_eq!(seen.status, StatusCode::NOT_FOUND, "{who} {action}");
                    assert_eq!(main_of(&seen.text), main_of(&none.text), "{who} {action}");
                }
            }
        }
        // Nothing they tried changed it.
        let page = open(&app, id, &anna).await;
        assert_eq!(message_ids(&page.text), messages);
        assert!(!page.text.contains("Hello?"));
    })
    .await;
}

#[tokio::test]
async fn members_start_accept_reply_and_leave_a_conversation_through_the_pages() {
    each_backend(|app| async move {
        app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        assert_eq!(header_count(&app, Some(&anna)).await.as_deref(), Some(""));

        // Anna writes from the form a profile's "Send a message" opens.
        let profile = app.page("/u/ben", Some(&anna)).await;
        assert!(profile.text.contains("href=\"/messages/new?to=ben\""));
        let composer = app.page("/messages/new?to=ben", Some(&anna)).await;
        assert_eq!(composer.status, StatusCode::OK);
        assert!(composer.text.contains("value=\"ben\""), "prefilled");
        let id = start(
            &app,
            &anna,
            "ben",
            "Winter tyres",
            "Which studs do you run?",
        )
        .await;

        // Ben never talked with her: it waits in his requests, with its opening words, and
        // nothing counts as unread until he accepts.
        assert_eq!(header_count(&app, Some(&ben)).await.as_deref(), Some(""));
        let inbox = app.page("/messages", Some(&ben)).await;
        assert!(!inbox.text.contains("Winter tyres"), "not in the inbox yet");
        assert!(inbox.text.contains("Requests (1)"));
        let requests = app.page("/messages/requests", Some(&ben)).await;
        assert!(requests.text.contains("Winter tyres"));
        assert!(requests.text.contains("Which studs do you run?"));
        assert!(
            requests
                .text
                .contains(&format!("action=\"/messages/{id}/accept\""))
        );
        let request = open(&app, id, &ben).await;
        assert!(request.text.contains("Decline"));
        assert!(
            !request.text.contains("id=\"reply-body\""),
            "no reply to a request"
        );
        let refused = form(
            &app,
            &ben,
            &format!("/messages/{id}/reply"),
            &[("body", "Hi")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.text.contains("Accept this conversation first"));
        // Anna sees him as not accepted, never whether he declined.
        let mine = open(&app, id, &anna).await;
        assert!(
            mine.text.contains(">not accepted<"),
            "{}",
            main_of(&mine.text)
        );

        let r = accept(&app, &ben, id).await;
        assert_eq!(location(&r), format!("/messages/{id}?notice=accepted"));
        let r = form(
            &app,
            &ben,
            &format!("/messages/{id}/reply"),
            &[("body", "Schwalbe *Marathon Winter*, 42 mm.")],
        )
        .await;
        assert_eq!(location(&r), format!("/messages/{id}#message-2"));

        // Anna's header counts the conversation until she reads it.
        assert_eq!(header_count(&app, Some(&anna)).await.as_deref(), Some("1"));
        let inbox = app.page("/messages", Some(&anna)).await;
        assert!(inbox.text.contains("1 unread"), "{}", main_of(&inbox.text));
        let read = open(&app, id, &anna).await;
        assert!(read.text.contains("<em>Marathon Winter</em>"));
        assert!(
            !read.text.contains("badge count"),
            "the page that read it counts it no more"
        );
        assert_eq!(header_count(&app, Some(&anna)).await.as_deref(), Some(""));

        // Leaving takes it out of her messages, and its page is gone for her.
        let r = form(&app, &anna, &format!("/messages/{id}/leave"), &[]).await;
        assert_eq!(location(&r), "/messages?notice=left");
        assert!(
            !app.page("/messages", Some(&anna))
                .await
                .text
                .contains("Winter tyres")
        );
        let gone = open(&app, id, &anna).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        let left = open(&app, id, &ben).await;
        assert!(left.text.contains(">left<"), "{}", main_of(&left.text));

        // A declined request says no more to its writer than one not answered yet.
        let carl = app.register("carl").await;
        let second = start(
            &app,
            &carl,
            "anna",
            "Spare charger?",
            "Do you still have one?",
        )
        .await;
        let asked = main_of(&open(&app, second, &carl).await.text);
        let r = form(&app, &anna, &format!("/messages/{second}/decline"), &[]).await;
        assert_eq!(location(&r), "/messages/requests?notice=declined");
        let declined = open(&app, second, &carl).await;
        assert_eq!(asked, main_of(&declined.text));
    })
    .await;
}

#[tokio::test]
async fn members_add_others_with_or_without_the_earlier_messages() {
    each_backend(|app| async move {
        app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        let carl = app.register("carl").await;
        let dora = app.register("dora").await;
        let id = start(&app, &anna, "ben", "Club ride", "Before Carl joins.").await;
        accept(&app, &ben, id).await;

        let page = open(&app, id, &anna).await;
        assert!(page.text.contains("Let them read the earlier messages"));
        let r = form(
            &app,
            &anna,
            &format!("/messages/{id}/members"),
            &[("usernames", "carl")],
        )
        .await;
        assert_eq!(location(&r), format!("/messages/{id}?notice=added"));
        let r = form(
            &app,
            &anna,
            &format!("/messages/{id}/members"),
            &[("usernames", "dora"), ("history", "true")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let carl_sees = open(&app, id, &carl).await;
        assert_eq!(carl_sees.status, StatusCode::OK);
        assert!(!carl_sees.text.contains("Before Carl joins."));
        let dora_sees = open(&app, id, &dora).await;
        assert!(dora_sees.text.contains("Before Carl joins."));

        // Adding someone already in changes nothing.
        let r = form(
            &app,
            &anna,
            &format!("/messages/{id}/members"),
            &[("usernames", "carl")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

        // A name that is no member comes back on the form, as typed.
        let r = form(
            &app,
            &anna,
            &format!("/messages/{id}/members"),
            &[("usernames", "nobody_here")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("There is no member named nobody_here"));
        assert!(r.text.contains("value=\"nobody_here\""));
    })
    .await;
}

#[tokio::test]
async fn a_refused_first_message_comes_back_on_the_form_with_the_draft_kept() {
    each_backend(|app| async move {
        app.register("admin").await;
        let anna = app.register("anna").await;
        app.register("ben").await;
        let newcomer = app.register_newcomer("nina").await;

        let r = form(
            &app,
            &anna,
            "/messages/new",
            &[
                ("to", "nobody_here"),
                ("subject", "Hello"),
                ("body", "My draft"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("id=\"to-error\""), "beside the field");
        assert!(r.text.contains("My draft"));

        let r = form(
            &app,
            &anna,
            "/messages/new",
            &[("to", "ben"), ("subject", " "), ("body", "x")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("id=\"subject-error\""));

        // A newcomer may not write to strangers: the form says what to do.
        let r = form(
            &app,
            &newcomer,
            "/messages/new",
            &[
                ("to", "ben"),
                ("subject", "Hi"),
                ("body", "Newcomer's draft"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            r.text
                .contains("New members can write only to members they have talked with")
        );
        assert!(
            r.text.contains("Newcomer&#39;s draft"),
            "{}",
            main_of(&r.text)
        );

        // A prefill that cannot be a username is said at once.
        let r = app.page("/messages/new?to=%3Cb%3E", Some(&anna)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("id=\"to-error\""));
        // Only the site's staff see the moderation message box.
        assert!(
            !app.page("/messages/new", Some(&anna))
                .await
                .text
                .contains("name=\"moderation\"")
        );
        // Guests are asked to sign in.
        let guest = app.page("/messages/new", None).await;
        assert_eq!(guest.status, StatusCode::SEE_OTHER);
        assert!(location(&guest).starts_with("/signin"));
    })
    .await;
}

#[tokio::test]
async fn quoting_editing_and_deleting_a_message_through_the_pages() {
    each_backend(|app| async move {
        app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        let id = start(&app, &anna, "ben", "Lights", "Dynamo or battery lights?").await;
        accept(&app, &ben, id).await;
        let page = open(&app, id, &ben).await;
        let first = message_ids(&page.text)[0];

        let quoted = app
            .page(&format!("/messages/{id}?quote={first}"), Some(&ben))
            .await;
        assert!(
            quoted
                .text
                .contains("@anna wrote:\n&#62; Dynamo or battery lights?"),
            "{}",
            main_of(&quoted.text)
        );
        assert!(
            !page.text.contains(&format!("/messages/m/{first}/edit")),
            "not his to edit"
        );

        let edit = app
            .page(&format!("/messages/m/{first}/edit"), Some(&anna))
            .await;
        assert!(edit.text.contains("Dynamo or battery lights?"));
        let refused = app
            .page(&format!("/messages/m/{first}/edit"), Some(&ben))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let r = form(
            &app,
            &anna,
            &format!("/messages/m/{first}/edit"),
            &[("body", "Dynamo lights?")],
        )
        .await;
        assert_eq!(location(&r), format!("/messages/{id}#message-1"));
        let page = open(&app, id, &ben).await;
        assert!(page.text.contains("Dynamo lights?"));
        assert!(
            page.text
                .contains(&format!("/messages/m/{first}/history\">edited"))
        );
        let history = app
            .page(&format!("/messages/m/{first}/history"), Some(&ben))
            .await;
        assert!(history.text.contains("Dynamo or battery lights?"));
        assert!(history.text.contains("Version 1"));
        let empty = form(
            &app,
            &anna,
            &format!("/messages/m/{first}/edit"),
            &[("body", "  ")],
        )
        .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.text.contains("id=\"body-error\""));

        let r = form(&app, &anna, &format!("/messages/m/{first}/delete"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = open(&app, id, &ben).await;
        assert!(page.text.contains("This message was deleted."));
        assert!(!page.text.contains("Dynamo lights?"));
        let history = app
            .page(&format!("/messages/m/{first}/history"), Some(&ben))
            .await;
        assert!(
            !history.text.contains("Dynamo"),
            "its words are gone, earlier ones too"
        );
    })
    .await;
}

#[tokio::test]
async fn blocking_and_ignoring_from_a_profile_and_undoing_it_in_the_settings() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "riders", "public").await;
        app.join(&anna, "riders").await;
        let (topic, _) = app
            .create_topic(&anna, "riders", "Chain wax", "Hot wax beats drip wax.")
            .await;
        let id = start(&app, &anna, "ben", "Wax", "Want some of my wax?").await;
        accept(&app, &ben, id).await;

        // The buttons: not on one's own profile, not on a staff profile, not for guests.
        let profile = app.page("/u/anna", Some(&ben)).await;
        assert!(profile.text.contains("action=\"/u/anna/block\""));
        assert!(
            !app.page("/u/ben", Some(&ben))
                .await
                .text
                .contains("/block\"")
        );
        assert!(
            !app.page("/u/admin", Some(&ben))
                .await
                .text
                .contains("/block\"")
        );
        assert!(!app.page("/u/anna", None).await.text.contains("/block\""));
        let staff = form(&app, &ben, "/u/admin/block", &[("action", "block")]).await;
        assert_eq!(staff.status, StatusCode::FORBIDDEN);
        assert!(staff.text.contains("cannot be blocked"));

        // Ignoring collapses her post and her messages for him.
        let r = form(&app, &ben, "/u/anna/block", &[("action", "ignore")]).await;
        assert_eq!(location(&r), "/u/anna?notice=ignore");
        let profile = app.page("/u/anna?notice=ignore", Some(&ben)).await;
        assert!(profile.text.contains("Unignore"));
        assert!(profile.text.contains("They are not told"));
        let thread = app.page(&format!("/t/{topic}/chain-wax"), Some(&ben)).await;
        assert!(
            thread
                .text
                .contains("<summary>Post by a member you ignore</summary>")
        );
        assert!(
            thread.text.contains("Hot wax beats drip wax."),
            "inside, to open"
        );
        let others = app
            .page(&format!("/t/{topic}/chain-wax"), Some(&admin))
            .await;
        assert!(!others.text.contains("member you ignore"));
        let conversation = open(&app, id, &ben).await;
        assert!(
            conversation
                .text
                .contains("<summary>Message from a member you ignore</summary>")
        );

        // Blocking hides the conversations she is in, and she cannot start another.
        let r = form(&app, &ben, "/u/anna/block", &[("action", "block")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(!app.page("/messages", Some(&ben)).await.text.contains("Wax"));
        let again = start(&app, &anna, "ben", "Still there?", "Hello?").await;
        let page = open(&app, again, &anna).await;
        assert!(page.text.contains(">not accepted<"), "she is not told");
        assert!(
            !app.page("/messages/requests", Some(&ben))
                .await
                .text
                .contains("Still there?")
        );

        // The settings page lists both, each with its undo button.
        let settings = app.page("/settings/blocks", Some(&ben)).await;
        assert_eq!(settings.status, StatusCode::OK);
        assert!(
            settings.text.contains("aria-label=\"Unblock anna\""),
            "{}",
            main_of(&settings.text)
        );
        assert!(settings.text.contains("aria-label=\"Unignore anna\""));
        let r = form(
            &app,
            &ben,
            "/settings/blocks",
            &[("username", "anna"), ("action", "unignore")],
        )
        .await;
        assert_eq!(location(&r), "/settings/blocks?notice=unignore");
        let r = form(
            &app,
            &ben,
            "/settings/blocks",
            &[("username", "anna"), ("action", "unblock")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let settings = app.page("/settings/blocks", Some(&ben)).await;
        assert!(settings.text.contains("You block nobody."));
        assert!(settings.text.contains("You ignore nobody."));
        let thread = app.page(&format!("/t/{topic}/chain-wax"), Some(&ben)).await;
        assert!(!thread.text.contains("member you ignore"));
        let odd = form(&app, &ben, "/u/anna/block", &[("action", "mute")]).await;
        assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn the_unread_count_is_a_members_own_and_never_in_a_guests_cached_page() {
    each_backend(|app| async move {
        let app = app.with_guest_cache(60);
        app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        let id = start(&app, &anna, "ben", "Cache", "Is it cached?").await;
        accept(&app, &ben, id).await;
        form(
            &app,
            &ben,
            &format!("/messages/{id}/reply"),
            &[("body", "No.")],
        )
        .await;

        for path in ["/", "/u/anna"] {
            let guest = app.page(path, None).await;
            let again = app.page(path, None).await;
            assert_eq!(
                again.header(agora_web::CACHE_HEADER),
                Some("hit"),
                "{path} is kept for guests"
            );
            assert!(!again.text.contains("href=\"/messages\""), "{path}");
            assert_eq!(guest.text, again.text);
            let member = app.page(path, Some(&anna)).await;
            assert_eq!(member.header(agora_web::CACHE_HEADER), None, "{path}");
            assert!(member.text.contains("badge count\">1<"), "{path}");
            let other = app.page(path, Some(&ben)).await;
            assert!(other.text.contains("href=\"/messages\""));
            assert!(
                !other.text.contains("badge count\">"),
                "{path}: ben read it all"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn the_staff_send_a_moderation_message_marked_as_such_that_no_request_holds() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let ben = app.register("ben").await;
        let composer = app.page("/messages/new", Some(&admin)).await;
        assert!(composer.text.contains("name=\"moderation\""));
        let r = form(
            &app,
            &admin,
            "/messages/new",
            &[
                ("to", "ben"),
                ("subject", "About your last post"),
                ("body", "Please keep it civil."),
                ("moderation", "true"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let inbox = app.page("/messages", Some(&ben)).await;
        assert!(inbox.text.contains("About your last post"), "not a request");
        assert!(inbox.text.contains("Moderation message"));
        let id: i64 = location(&r)
            .trim_start_matches("/messages/")
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let page = open(&app, id, &ben).await;
        assert!(page.text.contains("badge moderation\">Moderation message"));
        assert!(
            page.text.contains("id=\"reply-body\""),
            "he can answer at once"
        );
        // A member cannot send one.
        let r = form(
            &app,
            &ben,
            "/messages/new",
            &[
                ("to", "admin"),
                ("subject", "Hi"),
                ("body", "x"),
                ("moderation", "true"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            r.text
                .contains("Only the site&#39;s staff can send moderation messages.")
        );
    })
    .await;
}

#[tokio::test]
async fn a_new_members_daily_limit_is_said_on_the_form_with_when_to_try_again() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.register("ben").await;
        let nina = app.register_newcomer("nina").await;
        let r = app
            .patch(
                "/api/v1/site",
                Some(&admin),
                json!({"trust": {"messages_new_per_day": 1, "messages_strangers_min_level": 0}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let trust = app.page("/admin/trust", Some(&admin)).await;
        assert!(
            trust
                .text
                .contains("New conversations a member at trust level 0 may start a day")
        );

        start(&app, &nina, "ben", "First", "Hello Ben.").await;
        let r = form(
            &app,
            &nina,
            "/messages/new",
            &[("to", "ben"), ("subject", "Second"), ("body", "Kept draft")],
        )
        .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.header("retry-after").is_some());
        assert!(
            r.text
                .contains("New members may start 1 conversations a day"),
            "{}",
            main_of(&r.text)
        );
        assert!(r.text.contains("Kept draft"));
    })
    .await;
}

#[tokio::test]
async fn a_message_is_reacted_to_bookmarked_and_reported_from_its_page_as_a_post_is() {
    each_backend(|app| async move {
        app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        let id = start(&app, &anna, "ben", "Chains", "Which lube?").await;
        let page = open(&app, id, &anna).await;
        let message = message_ids(&page.text)[0];
        let react = format!("action=\"/items/message/{message}/react\"");
        let report = format!("href=\"/items/message/{message}/report\"");

        accept(&app, &ben, id).await;

        // Ben likes it from the button under it, and is sent back to it.
        let r = form(
            &app,
            &ben,
            &format!("/items/message/{message}/react"),
            &[("add", "❤️")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert!(
            location(&r).starts_with(&format!("/messages/{id}")),
            "{}",
            location(&r)
        );
        let his = open(&app, id, &ben).await;
        assert!(his.text.contains(&react), "he may react");
        assert!(
            his.text.contains("aria-pressed=\"true\">❤️<span class=\"sr-only\"> Like</span> <span class=\"count\">1</span>"),
            "his own like, pressed: {}",
            main_of(&his.text)
        );
        assert!(his.text.contains(&report), "he may report her message");
        assert!(his.text.contains(&format!("/items/message/{message}/reactions")));

        // Anna sees the count under her own message, and neither a button to like it nor
        // a way to report it.
        let hers = open(&app, id, &anna).await;
        assert!(!hers.text.contains(&react), "no reacting to one's own");
        assert!(hers.text.contains("<span class=\"count\">1</span>"));
        assert!(!hers.text.contains(&report));

        // Ben bookmarks it from the same bar; it is on his bookmarks page, not on hers.
        let r = form(
            &app,
            &ben,
            &format!("/items/message/{message}/bookmark"),
            &[("action", "save")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let his = open(&app, id, &ben).await;
        assert!(his.text.contains("class=\"small bookmarked\""));
        assert!(
            app.page("/bookmarks", Some(&ben))
                .await
                .text
                .contains("Chains")
        );
        assert!(
            !open(&app, id, &anna)
                .await
                .text
                .contains("class=\"small bookmarked\"")
        );

        // The report link opens the report form for that message.
        let form_page = app
            .page(&format!("/items/message/{message}/report"), Some(&ben))
            .await;
        assert_eq!(form_page.status, StatusCode::OK, "{}", form_page.text);
    })
    .await;
}

/// Ignoring collapses the member's content wherever the one who ignores meets it: topic
/// lists, search results (posts and messages), the member's profile, a topic and a
/// conversation; the API says `author_ignored` beside each. Nobody else sees a difference.
#[tokio::test]
async fn an_ignored_members_content_is_collapsed_everywhere_and_marked_in_the_api() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        let anna = app.register("anna").await;
        let ben = app.register("ben").await;
        app.create_group(&admin, "riders", "public").await;
        app.join(&anna, "riders").await;
        let (topic, _) = app
            .create_topic(&anna, "riders", "Chain wax", "Hot wax beats drip wax.")
            .await;
        let id = start(&app, &anna, "ben", "Wax", "Want some of my wax?").await;
        accept(&app, &ben, id).await;
        let r = app
            .call(
                Method::PUT,
                &routes::member_ignore("anna"),
                Some(&ben),
                None,
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);

        let collapsed = [
            ("/g/riders", "Topic by a member you ignore"),
            ("/latest", "Topic by a member you ignore"),
            ("/", "Topic by a member you ignore"),
            ("/search?q=wax", "Post by a member you ignore"),
            ("/search?q=wax", "Message from a member you ignore"),
            ("/u/anna", "Post by a member you ignore"),
            (
                &format!("/t/{topic}/chain-wax"),
                "Post by a member you ignore",
            ),
            (
                &format!("/messages/{id}"),
                "Message from a member you ignore",
            ),
        ];
        for (path, summary) in collapsed {
            let page = app.page(path, Some(&ben)).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let main = main_of(&page.text);
            assert!(
                main.contains(&format!("<summary>{summary}</summary>")),
                "{path}: {main}"
            );
            assert!(main.contains("wax"), "{path}: inside, to open: {main}");
            let other = app.page(path, Some(&anna)).await;
            assert!(!other.text.contains("member you ignore"), "{path}");
        }
        for path in ["/g/riders", "/search?q=wax", "/u/anna"] {
            let seen = app.page(path, Some(&admin)).await;
            assert!(!seen.text.contains("member you ignore"), "{path}");
        }

        // The API marks her posts, search results and messages for him, and for no one else.
        for (token, ignored) in [(&ben, true), (&admin, false)] {
            let t = app.get(&routes::topic(topic), Some(token)).await;
            assert_eq!(t.body["posts"][0]["author_ignored"], ignored, "{}", t.text);
            let found = app
                .get(&format!("{}?q=wax", routes::search()), Some(token))
                .await;
            assert_eq!(
                found.body["results"][0]["author_ignored"], ignored,
                "{}",
                found.text
            );
        }
        let found = app
            .get(&format!("{}?q=wax", routes::search()), Some(&ben))
            .await;
        assert_eq!(
            found.body["items"][0]["author_ignored"], true,
            "{}",
            found.text
        );
        let talk = app.get(&routes::conversation(id), Some(&ben)).await;
        assert_eq!(
            talk.body["messages"][0]["author_ignored"], true,
            "{}",
            talk.text
        );
        let talk = app.get(&routes::conversation(id), Some(&anna)).await;
        assert_eq!(
            talk.body["messages"][0]["author_ignored"], false,
            "{}",
            talk.text
        );

        // Unignored, nothing is collapsed any more.
        let r = app.delete(&routes::member_ignore("anna"), Some(&ben)).await;
        assert!(r.status.is_success(), "{}", r.text);
        for path in ["/g/riders", "/search?q=wax", "/u/anna"] {
            let seen = app.page(path, Some(&ben)).await;
            assert!(!seen.text.contains("member you ignore"), "{path}");
        }
    })
    .await;
}
