//! What the suite makes of an answer to a hostile request: a 5xx is a problem; a refusal must
//! be a clear 4xx (the error envelope from the API, an HTML page from the site) that stored
//! nothing; an acceptance must be harmless where it shows.

use axum::http::{Method, StatusCode, header};
use serde_json::Value;

use super::Run;
use super::fields::{forbidden_in_names, plain};
use super::forms::{Form, FormSlot, fetch};
use super::inputs::Input;
use super::operations::{Operation, Place, Slot};
use super::scan::dangers;
use super::scene::Actor;
use crate::support::Reply;

impl Run<'_> {
    pub(super) async fn judge_api(
        &mut self,
        op: &Operation,
        slot: &Slot,
        input: &Input,
        r: &Reply,
        what: &str,
    ) {
        let at = format!("{} {} {}", op.method, op.route, slot.describe());
        let changes = self.db.changes().await;
        if r.status.is_server_error() {
            self.problem(format!("{at}: {}", r.status), format!("{what}: {}", r.text));
            return;
        }
        if r.status.is_client_error() {
            if let Some(p) = envelope_problem(r) {
                self.problem(format!("{at}: no error envelope"), format!("{what}: {p}"));
            }
            let field = r.body["error"]["field"].as_str().unwrap_or("");
            // An upload's file comes as multipart, which this JSON suite never sends: a
            // hostile group address that is a plain word may name a group an earlier request
            // created, and then the missing file is what is refused (`uploads.rs` covers files).
            if r.status == StatusCode::UNPROCESSABLE_ENTITY
                && !field.is_empty()
                && field != "file"
                && slot.place != Place::Header
                && !slot.names().iter().any(|n| n == field)
            {
                self.problem(
                    format!("{at}: judged by the field {field} instead (the suite's example for it is wrong)"),
                    format!("{what}: {}", r.text),
                );
            }
            if slot.place == Place::Header && r.code() != "invalid_token" {
                self.problem(
                    format!("{at}: not 401 invalid_token"),
                    format!("{what}: {}", r.text),
                );
            }
            self.unchanged(&at, what, &changes);
            return;
        }
        self.accepted = true;
        if slot.place == Place::Header || !plain(slot.kind, &input.value) {
            self.problem(
                format!(
                    "{at}: accepted a hostile value into a {:?} field",
                    slot.kind
                ),
                format!("{what}: {} {}", r.status.as_u16(), excerpt(&r.text)),
            );
        }
        let mut found = Vec::new();
        json_dangers(&r.body, "", &mut found);
        for d in found {
            self.problem(format!("{at}: harmful JSON"), format!("{what}: {d}"));
        }
        for page in pointers(&r.body) {
            self.watch(&at, what, &page, Actor::Admin).await;
        }
        if matches!(op.method, Method::PATCH | Method::PUT) {
            for page in ["/", "/about", "/settings", "/admin"] {
                self.watch(&at, what, page, Actor::Admin).await;
            }
        }
    }

    pub(super) async fn judge_page(
        &mut self,
        form: &Form,
        slot: &FormSlot,
        input: &Input,
        r: &Reply,
        what: &str,
    ) {
        let at = format!(
            "form {} {} {}",
            form.method,
            form.action,
            slot.describe(form)
        );
        let changes = self.db.changes().await;
        if r.status.is_server_error() {
            self.problem(
                format!("{at}: {}", r.status),
                format!("{what}: {}", excerpt(&r.text)),
            );
            return;
        }
        for d in dangers(&r.text) {
            self.problem(
                format!("{at}: unescaped in the answer"),
                format!("{what}: {d}"),
            );
        }
        let location = r
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let on_site = location.starts_with('/')
            && !location.starts_with("//")
            && !location.starts_with("/\\");
        if !location.is_empty() && !on_site {
            self.problem(
                format!("{at}: redirects off the site"),
                format!("{what}: {location}"),
            );
        }
        if r.status.is_client_error() || location.starts_with("/signin") {
            let html = r
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("text/html"));
            if r.status.is_client_error() && (!html || !r.text.contains("</html>")) {
                self.problem(
                    format!("{at}: {} is not an HTML page", r.status.as_u16()),
                    format!("{what}: {:?}", excerpt(&r.text)),
                );
            }
            self.unchanged(&at, what, &changes);
            return;
        }
        self.accepted = true;
        if !plain(slot.kind(), &input.value) {
            self.problem(
                format!(
                    "{at}: accepted a hostile value into a {:?} field",
                    slot.kind()
                ),
                format!("{what}: {} → {location}", r.status.as_u16()),
            );
        }
        if on_site {
            self.watch(&at, what, &location, form.actor).await;
        }
    }

    /// Fetches a page where an accepted value shows and scans it; a page view stores nothing.
    async fn watch(&mut self, at: &str, what: &str, path: &str, actor: Actor) {
        self.sent += 1;
        let (shown, status, html) = fetch(self.app, path, self.scene.token(actor)).await;
        if status.is_server_error() {
            self.problem(
                format!("{shown}: {status} after an accepted value"),
                format!("{what} (at {at})"),
            );
        }
        for d in dangers(&html) {
            self.problem(
                format!("{at}: unescaped on {shown}"),
                format!("{what}: {d}"),
            );
        }
        let changes = self.db.changes().await;
        if !changes.is_empty() {
            self.problem(
                format!("viewing {shown} stored something"),
                changes.join("; "),
            );
        }
    }

    /// After each endpoint or form that writes: the overview pages are scanned and the stored
    /// names checked.
    pub(super) async fn after_batch(&mut self, at: &str) {
        if !std::mem::take(&mut self.accepted) {
            return;
        }
        let topic = format!("/t/{}", self.scene.topic);
        let admin_pages = [
            "/",
            "/about",
            "/groups",
            "/g/riders",
            "/g/riders/members",
            &topic,
            "/u/founder",
            "/u/ben",
            "/settings",
            "/admin",
            "/admin/members",
            "/admin/groups",
            "/admin/audit",
            "/admin/queue",
            "/admin/documents",
            "/legal/netiquette",
            "/search?q=alert",
        ];
        for page in admin_pages {
            self.watch(at, "after the batch", page, Actor::Admin).await;
        }
        for page in ["/sanctions", "/invitations", "/g/inner"] {
            self.watch(at, "after the batch", page, Actor::Member).await;
        }
        for (what, value) in self.db.names().await {
            let bad: Vec<String> = value
                .chars()
                .filter(|c| forbidden_in_names(*c))
                .map(|c| format!("U+{:04X}", c as u32))
                .collect();
            let ascii_only = matches!(what.as_str(), "username" | "group slug");
            if !bad.is_empty() || (ascii_only && !value.bytes().all(|b| b.is_ascii_graphic())) {
                self.problem(
                    format!("stored {what} with forbidden characters"),
                    format!("after {at}: {value:?} {bad:?}"),
                );
            }
        }
    }

    /// A refused request must have stored nothing.
    fn unchanged(&mut self, at: &str, what: &str, changes: &[String]) {
        if !changes.is_empty() {
            self.problem(
                format!("{at}: refused but stored something"),
                format!("{what}: {}", changes.join("; ")),
            );
        }
    }
}

/// What is wrong with an error answer, if anything: it must be exactly
/// `{"error":{"code","message","field"}}` with a snake_case code and a message.
fn envelope_problem(r: &Reply) -> Option<String> {
    let json = r
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    let error = &r.body["error"];
    let mut keys: Vec<&str> = error
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    let code = error["code"].as_str().unwrap_or("");
    let message = error["message"].as_str().unwrap_or("");
    let only_error = r.body.as_object().is_some_and(|o| o.len() == 1);
    let good = json
        && only_error
        && keys == ["code", "field", "message"]
        && !code.is_empty()
        && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        && !message.trim().is_empty()
        && (error["field"].is_null() || error["field"].is_string());
    (!good).then(|| format!("{} {}", r.status.as_u16(), excerpt(&r.text)))
}

/// Rendered HTML in a JSON answer (`body_html`, `snippet_html`, `html`) that would run, and
/// names holding forbidden characters.
fn json_dangers(value: &Value, key: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s) if key == "html" || key.ends_with("_html") => {
            out.extend(dangers(s).into_iter().map(|d| format!("{key}: {d}")));
        }
        Value::String(s)
            if matches!(
                key,
                "username" | "display_name" | "title" | "name" | "slug" | "group" | "tags"
            ) && s.chars().any(forbidden_in_names) =>
        {
            out.push(format!("{key} holds a forbidden character: {s:?}"));
        }
        Value::Array(items) => items.iter().for_each(|v| json_dangers(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| json_dangers(v, k, out)),
        _ => {}
    }
}

/// The pages an accepted answer points to: a topic's `url`, a post's page, a group's page.
fn pointers(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(url) = body["url"].as_str() {
        out.push(url.to_owned());
    }
    if let (Some(id), true) = (body["id"].as_i64(), body["topic_id"].is_i64()) {
        out.push(format!("/p/{id}"));
    }
    if let (Some(slug), true) = (body["slug"].as_str(), body["visibility"].is_string()) {
        out.push(format!("/g/{}", crate::support::urlencode(slug)));
    }
    out
}

/// The first 300 characters of a text.
pub fn excerpt(text: &str) -> String {
    let short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}
