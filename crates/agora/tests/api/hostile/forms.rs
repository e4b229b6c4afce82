//! The site's forms as a browser finds them: pages are fetched as a signed-in admin, a member
//! and a guest, links followed, and every `<form>` read with its fields (inputs, text areas,
//! selects, named buttons, the hidden CSRF token) and the path segments of its action that
//! name something (an id, a slug, a username), which are slots too. A link with a query or
//! such a segment (`/t/1/x?page=2`, `/u/ben`) is a GET form as well.

use std::collections::{BTreeMap, HashSet, VecDeque};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use super::fields::{Kind, field};
use super::operations::fill;
use super::scan::{attributes, decode_entities};
use super::scene::{Actor, Scene};
use crate::support::{TestApp, urlencode};

/// A form.
#[derive(Debug, Clone)]
pub struct Form {
    pub actor: Actor,
    /// The page it was found on.
    pub page: String,
    pub method: Method,
    pub action: String,
    /// (name, input type, value as given): in order, names may repeat (radio buttons).
    pub fields: Vec<(String, String, String)>,
    pub slots: Vec<FormSlot>,
}

/// Where a hostile value goes in a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormSlot {
    Field {
        name: String,
        kind: Kind,
    },
    /// A segment of the action's path, by index.
    Segment {
        index: usize,
        kind: Kind,
    },
    /// A parameter in the action's query (`/signin?next=/`).
    Query {
        name: String,
        kind: Kind,
    },
}

impl FormSlot {
    pub fn describe(&self, form: &Form) -> String {
        match self {
            Self::Field { name, .. } => format!("field {name}"),
            Self::Query { name, .. } => format!("query {name}"),
            Self::Segment { index, .. } => {
                let segment = form.action.split('/').nth(*index).unwrap_or("");
                format!("path segment {index} ({segment})")
            }
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Self::Field { kind, .. } | Self::Segment { kind, .. } | Self::Query { kind, .. } => {
                *kind
            }
        }
    }
}

/// A session cookie for `token`.
pub fn cookie(token: Option<&str>) -> Option<String> {
    token.map(|t| format!("agora_session={t}"))
}

/// GET `path` as a browser would, following redirects within the site; returns the final path,
/// status and body.
pub async fn fetch(app: &TestApp, path: &str, token: Option<&str>) -> (String, StatusCode, String) {
    let mut path = path.to_owned();
    for _ in 0..5 {
        let r = app.page(&path, token).await;
        if r.status.is_redirection() {
            let location = r
                .headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("/");
            if location.starts_with('/') && !location.starts_with("//") {
                path = location.to_owned();
                continue;
            }
        }
        return (path, r.status, r.text);
    }
    panic!("too many redirects from {path}");
}

/// Every form found on the pages reachable from `starts` (up to `limit` pages; at most three
/// pages of one shape, such as `/t/*/*`), with every page fetched.
pub async fn crawl(
    app: &TestApp,
    actor: Actor,
    token: Option<&str>,
    starts: &[String],
    limit: usize,
    names: &[&str],
) -> (Vec<Form>, Vec<(String, String)>) {
    let mut queue: VecDeque<String> = starts.iter().cloned().collect();
    let mut seen = HashSet::new();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut forms = Vec::new();
    let mut pages = Vec::new();
    let mut keys = HashSet::new();
    while let Some(path) = queue.pop_front() {
        if pages.len() >= limit || !seen.insert(path.clone()) {
            continue;
        }
        let count = shapes.entry(shape(&path, names)).or_default();
        if *count >= 3 {
            continue;
        }
        *count += 1;
        let (at, status, html) = fetch(app, &path, token).await;
        if !status.is_success() || html.is_empty() {
            continue;
        }
        // A link with a query or a segment naming something is a GET form too: its query
        // parameters and those segments are slots.
        let link_forms = links(&html).into_iter().filter_map(|link| {
            let (path, query) = link.split_once('?').unwrap_or((link.as_str(), ""));
            let fields: Vec<(String, String, String)> = query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_owned(), "text".to_owned(), percent_decoded(v)))
                .collect();
            let named = path
                .split('/')
                .skip(2)
                .any(|s| s.bytes().all(|b| b.is_ascii_digit()) || names.contains(&s));
            (named || !fields.is_empty()).then(|| (Method::GET, path.to_owned(), fields))
        });
        for form in parse(&html)
            .into_iter()
            .chain(link_forms.collect::<Vec<_>>())
        {
            let key = format!(
                "{} {} {:?}",
                form.0,
                shape(&form.1, names),
                form.2.iter().map(|f| &f.0).collect::<Vec<_>>()
            );
            if keys.insert(key) {
                forms.push(Form {
                    actor,
                    page: at.clone(),
                    method: form.0,
                    slots: slots(&form.1, &form.2, names),
                    action: form.1,
                    fields: form.2,
                });
            }
        }
        for link in links(&html) {
            queue.push_back(link);
        }
        pages.push((at, html));
    }
    (forms, pages)
}

/// A path's shape: segments with digits or naming something of the scene become `*`.
fn shape(path: &str, names: &[&str]) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut out = Vec::new();
    for (i, segment) in path.split('/').enumerate() {
        let variable = segment.bytes().any(|b| b.is_ascii_digit())
            || names.contains(&segment)
            || (i >= 3 && path.starts_with("/t/"));
        out.push(if variable { "*" } else { segment });
    }
    out.join("/")
}

/// Links within the site worth following.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let end = rest.find('"').unwrap_or(rest.len());
        let link = decode_entities(&rest[..end]);
        let link = link.split('#').next().unwrap_or("").to_owned();
        let skip = !link.starts_with('/')
            || link.starts_with("//")
            || link.starts_with("/static/")
            || link.starts_with("/settings/export")
            || link.ends_with(".xml")
            || link.ends_with(".txt");
        if !skip {
            out.push(link);
        }
    }
    out
}

/// A query value decoded (`+` and `%XX`).
fn percent_decoded(value: &str) -> String {
    let bytes = value.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

type RawForm = (Method, String, Vec<(String, String, String)>);

/// The forms of a page: method, action and fields with their values.
pub fn parse(html: &str) -> Vec<RawForm> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<form").map(|i| at + i) {
        let (attrs, used) = attributes(&html[start + 5..]);
        let body_start = start + 5 + used;
        let end = lower[body_start..]
            .find("</form")
            .map_or(html.len(), |i| body_start + i);
        let get = |n: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| decode_entities(v))
        };
        let method = match get("method").as_deref().map(str::to_ascii_lowercase) {
            Some(m) if m == "post" => Method::POST,
            _ => Method::GET,
        };
        let action = get("action").unwrap_or_default();
        out.push((method, action, form_fields(&html[body_start..end])));
        at = end;
    }
    out
}

fn form_fields(html: &str) -> Vec<(String, String, String)> {
    let mut fields = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = lower[at..].find('<') {
        let start = at + i + 1;
        let name_len = lower[start..]
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let tag = &lower[start..start + name_len];
        let (attrs, used) = attributes(&html[start + name_len..]);
        at = start + name_len + used;
        let get = |n: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| decode_entities(v))
        };
        let Some(name) = get("name") else {
            continue;
        };
        match tag {
            "input" => {
                let kind = get("type").unwrap_or_else(|| "text".to_owned());
                let checked = attrs.iter().any(|(k, _)| k == "checked");
                if kind == "checkbox" && !checked {
                    continue;
                }
                fields.push((name, kind, get("value").unwrap_or_default()));
            }
            "textarea" => {
                let end = lower[at..]
                    .find("</textarea")
                    .map_or(html.len(), |e| at + e);
                fields.push((name, "textarea".to_owned(), decode_entities(&html[at..end])));
            }
            "select" => {
                let end = lower[at..].find("</select").map_or(html.len(), |e| at + e);
                let options = &html[at..end];
                let value = options
                    .split("<option")
                    .skip(1)
                    .map(|o| attributes(o).0)
                    .find(|a| a.iter().any(|(k, _)| k == "selected"))
                    .or_else(|| options.split("<option").nth(1).map(|o| attributes(o).0))
                    .and_then(|a| a.into_iter().find(|(k, _)| k == "value"))
                    .map(|(_, v)| decode_entities(&v))
                    .unwrap_or_default();
                fields.push((name, "select".to_owned(), value));
            }
            "button" => fields.push((name, "button".to_owned(), get("value").unwrap_or_default())),
            _ => {}
        }
    }
    fields
}

/// The slots of a form: each named field once, and each action segment naming something.
fn slots(action: &str, fields: &[(String, String, String)], names: &[&str]) -> Vec<FormSlot> {
    let mut out = Vec::new();
    let path = action.split('?').next().unwrap_or("");
    for (index, segment) in path.split('/').enumerate() {
        if index > 1 && (segment.bytes().all(|b| b.is_ascii_digit()) || names.contains(&segment)) {
            let kind = if segment.bytes().all(|b| b.is_ascii_digit()) {
                Kind::Number
            } else {
                Kind::Structured
            };
            out.push(FormSlot::Segment { index, kind });
        }
    }
    let query = action.split_once('?').map_or("", |(_, q)| q);
    for name in query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, _)| k)
    {
        out.push(FormSlot::Query {
            name: name.to_owned(),
            kind: field(name, action).kind,
        });
    }
    for (name, input_type, given) in fields {
        // A checkbox says yes by being sent at all; its value means nothing. A guest's form
        // carries an empty token: there is no session to check it against.
        if input_type == "checkbox"
            || (name == "csrf" && given.is_empty())
            || out
                .iter()
                .any(|s| matches!(s, FormSlot::Field { name: n, .. } if n == name))
        {
            continue;
        }
        let known = field(name, action);
        let kind = match input_type.as_str() {
            _ if known.example.is_some() => known.kind,
            "textarea" | "password" => Kind::Text,
            _ => Kind::Structured,
        };
        out.push(FormSlot::Field {
            name: name.clone(),
            kind,
        });
    }
    out
}

impl Form {
    /// The request posting `value` (already percent-encoded) into `slot`, every other field as
    /// the page gave it or as the suite fills it.
    pub fn request(
        &self,
        token: Option<&str>,
        slot: &FormSlot,
        encoded: &str,
        n: usize,
    ) -> Request<Body> {
        let (path, query) = self
            .action
            .split_once('?')
            .map_or((self.action.as_str(), None), |(p, q)| (p, Some(q)));
        let path: Vec<String> = path
            .split('/')
            .enumerate()
            .map(|(i, s)| match slot {
                FormSlot::Segment { index, .. } if *index == i => encoded.to_owned(),
                _ => s.to_owned(),
            })
            .collect();
        let mut seen = HashSet::new();
        let mut pairs = Vec::new();
        for (name, input_type, given) in &self.fields {
            if !seen.insert(name.clone()) {
                continue;
            }
            let value = match slot {
                FormSlot::Field { name: n, .. } if n == name => encoded.to_owned(),
                _ => {
                    let example = field(name, &self.action).example;
                    let value = match example {
                        _ if input_type == "hidden" => given.clone(),
                        Some(e) if e.contains("{n}") => fill(e, n),
                        _ if !given.is_empty() => given.clone(),
                        Some(e) => fill(e, n),
                        None => given.clone(),
                    };
                    urlencode(&value)
                }
            };
            pairs.push(format!("{}={value}", urlencode(name)));
        }
        let body = pairs.join("&");
        let query = query.map(|q| {
            q.split('&')
                .map(|pair| match (pair.split_once('='), slot) {
                    (Some((k, _)), FormSlot::Query { name, .. }) if k == name => {
                        format!("{k}={encoded}")
                    }
                    _ => pair.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("&")
        });
        let target = match query {
            Some(q) => format!("{}?{q}", path.join("/")),
            None => path.join("/"),
        };
        let (uri, body) = if self.method == Method::GET {
            let joiner = if target.contains('?') { '&' } else { '?' };
            let uri = if body.is_empty() {
                target
            } else {
                format!("{target}{joiner}{body}")
            };
            (uri, Body::empty())
        } else {
            (target, Body::from(body))
        };
        let mut req = Request::builder()
            .method(self.method.clone())
            .uri(uri)
            .header("sec-fetch-site", "same-origin");
        if self.method == Method::POST {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        if let Some(c) = cookie(token) {
            req = req.header(header::COOKIE, c);
        }
        req.body(body)
            .unwrap_or_else(|e| panic!("building {} {}: {e}", self.method, self.action))
    }
}

impl super::Run<'_> {
    /// Every form of the site, found by crawling as the admin, the member and a guest.
    pub(super) async fn forms(&mut self) -> Vec<Form> {
        let reset = format!("/reset/{}", self.scene.reset_token);
        let crawls: [(Actor, Vec<&str>, usize); 3] = [
            (
                Actor::Admin,
                vec!["/", "/admin", "/settings", "/legal/accept"],
                80,
            ),
            (Actor::Member, vec!["/sanctions", "/invitations"], 2),
            (
                Actor::Guest,
                vec!["/signup", "/signin", "/forgot", &reset],
                4,
            ),
        ];
        let mut all = Vec::new();
        for (actor, starts, limit) in crawls {
            let starts: Vec<String> = starts.iter().map(|p| (*p).to_owned()).collect();
            let token = self.scene.token(actor);
            let (forms, pages) = crawl(self.app, actor, token, &starts, limit, Scene::NAMES).await;
            self.sent += pages.len();
            all.extend(forms);
        }
        // The same form on many pages (the header's search, sign-out) is sent once per actor.
        let mut seen = HashSet::new();
        all.retain(|f| {
            let route: Vec<&str> = f.action.split('/').take(2).collect();
            let slots: Vec<String> = f.slots.iter().map(|s| s.describe(f)).collect();
            seen.insert(format!(
                "{:?} {} {} {slots:?}",
                f.actor,
                f.method,
                route.join("/")
            ))
        });
        assert!(all.len() > 20, "{} forms found", all.len());
        all
    }
}
