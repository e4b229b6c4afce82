//! Settings forms keep what they do not change: submitting an admin page's form as the page
//! shows it leaves every setting as it was (the site settings form used to save the featured
//! groups, which it did not show, as empty), and a request that lacks a text field keeps it.

use axum::http::StatusCode;
use serde_json::json;

use crate::routes;
use crate::support::{TestApp, each_backend};

/// Undoes the escaping the templates apply to text: the named entities and numeric ones
/// (`&#62;`, `&#x27;`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            _ => entity.strip_prefix('#').and_then(|n| {
                match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                }
                .and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of attribute `name` in one tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// What a browser submits from the form posting to `action` on `page`: text, number and
/// hidden inputs, ticked boxes and textareas, in order.
fn submitted(page: &str, action: &str) -> Vec<(String, String)> {
    let form = page
        .split(&format!("action=\"{action}\" method=\"post\""))
        .nth(1)
        .and_then(|rest| rest.split("</form>").next())
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').unwrap_or(rest.len() - 1);
        let tag = &rest[..=end];
        if tag.starts_with("<input") {
            let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
            if let Some(name) = attribute(tag, "name") {
                let value = attribute(tag, "value").unwrap_or_default();
                let ticked = tag.contains(" checked");
                if !matches!(kind.as_str(), "checkbox" | "radio") || ticked {
                    fields.push((name, value));
                }
            }
        } else if tag.starts_with("<textarea")
            && let Some(name) = attribute(tag, "name")
        {
            let body = &rest[end + 1..];
            let text = body.split("</textarea>").next().unwrap_or("");
            fields.push((name, unescape(text)));
        }
        rest = &rest[end + 1..];
    }
    fields
}

/// Posts `fields` to `action` as a browser would.
async fn submit(
    app: &TestApp,
    action: &str,
    token: &str,
    fields: &[(String, String)],
) -> crate::support::Reply {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.form(action, Some(token), &pairs).await
}

async fn settings(app: &TestApp, admin: &str) -> serde_json::Value {
    let r = app.get(&routes::site(), Some(admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

#[tokio::test]
async fn saving_an_admin_form_unchanged_changes_no_setting() {
    each_backend(|app| async move {
        let admin = app.register("admin").await;
        app.create_group(&admin, "riders", "public").await;
        app.create_group(&admin, "owners", "closed").await;
        let r = app
            .patch(
                &routes::site(),
                Some(&admin),
                json!({
                    "goal": "Help each other ride <further> & longer.",
                    "featured_groups": ["owners", "riders"],
                    "members_may_create_groups": true,
                    "word_filters": "hold pills\nreplace ebike => e-bike",
                    "registration_rules": {"extra_names": ["voltera"], "off": ["keyboard_mash"]},
                    "complaints_hide_at_once": ["copyright"],
                    "trust": {"question_remind_days": 5, "idea_votes_per_level": 2},
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let before = settings(&app, &admin).await;
        assert_eq!(before["featured_groups"], json!(["owners", "riders"]));

        for (page, action) in [("/admin", "/admin"), ("/admin/trust", "/admin/trust")] {
            let shown = app.page(page, Some(&admin)).await;
            assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
            let fields = submitted(&shown.text, action);
            let r = submit(&app, action, &admin, &fields).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}: {}", r.text);
            assert_eq!(
                settings(&app, &admin).await,
                before,
                "{page} changed a setting"
            );
        }

        // A request without the text fields (an older copy of the page, a script) keeps them.
        let shown = app.page("/admin", Some(&admin)).await;
        let texts = [
            "name",
            "goal",
            "netiquette",
            "featured_groups",
            "rules_extra_names",
            "rules_extra_domains",
            "registration_burst_per_10_min",
            "word_filters",
        ];
        let fields: Vec<(String, String)> = submitted(&shown.text, "/admin")
            .into_iter()
            .filter(|(k, _)| !texts.contains(&k.as_str()))
            .collect();
        let r = submit(&app, "/admin", &admin, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(settings(&app, &admin).await, before);

        // The featured groups are edited on the page, as the README says.
        let mut fields = submitted(&app.page("/admin", Some(&admin)).await.text, "/admin");
        for (k, v) in &mut fields {
            if k == "featured_groups" {
                *v = "riders".into();
            }
        }
        let r = submit(&app, "/admin", &admin, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(
            settings(&app, &admin).await["featured_groups"],
            json!(["riders"])
        );
    })
    .await;
}
