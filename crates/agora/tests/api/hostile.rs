//! Hostile input: the list in `hostile_inputs.txt` (XSS in many shapes, SQL fragments, Unicode
//! tricks, control characters, odd numbers, path traversal, format strings, header and
//! template injection, oversized strings, JSON breakers, email tricks) sent through every JSON
//! endpoint the OpenAPI document lists and every form and link the pages show.
//!
//! Each endpoint and form gets up to [`PER_FIELD`] inputs per field (all of them when it has
//! enough fields); which field gets an input rotates, and the inputs go round the list from
//! one endpoint to the next, so every input reaches many endpoints and every field many
//! inputs. `AGORA_HOSTILE_PER_FIELD=all` sends every input to every endpoint and form.
//!
//! What every answer must be: never a 5xx. A refusal is a 4xx with the error envelope (API) or
//! an HTML page (pages), and leaves the database as it was. What is accepted comes back
//! harmless: no script, event handler or script URL on any page or in any rendered HTML, no
//! control, invisible or direction character in any stored name, and a structured field
//! (username, slug, email, choice, number, token) takes only a value that is plainly one.

mod database;
mod fields;
mod forms;
mod inputs;
mod judge;
mod operations;
mod scan;
mod scene;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};

use agora_core::AgoraConfig;

use self::database::Database;
use self::forms::{Form, FormSlot};
use self::inputs::Input;
use self::operations::{MAX_URI, Operation};
use self::scene::Scene;
use crate::routes;
use crate::support::{Reply, TestApp, each_backend_at_once_with};

/// Inputs per field of an endpoint or form, unless `AGORA_HOSTILE_PER_FIELD` says otherwise.
const PER_FIELD: usize = 25;

/// Limits high enough that the suite's thousands of requests meet the rules of their fields,
/// not the rate limits (which `auth.rs` tests).
fn config() -> AgoraConfig {
    AgoraConfig {
        posts_per_minute: 1_000_000,
        registrations_per_hour: 1_000_000,
        login_failures_allowed: 1_000_000,
        ..AgoraConfig::default()
    }
}

/// The JSON endpoints, and the forms, are each split in two halves that run side by side.
const SHARDS: usize = 2;

#[tokio::test]
async fn hostile_inputs_to_the_first_half_of_the_json_endpoints_are_refused_or_defused() {
    each_backend_at_once_with(config(), |app| async move { api(&app, 0).await }).await;
}

#[tokio::test]
async fn hostile_inputs_to_the_second_half_of_the_json_endpoints_are_refused_or_defused() {
    each_backend_at_once_with(config(), |app| async move { api(&app, 1).await }).await;
}

#[tokio::test]
async fn hostile_inputs_to_the_first_half_of_the_page_forms_are_refused_with_a_page_or_defused() {
    each_backend_at_once_with(config(), |app| async move { pages(&app, 0).await }).await;
}

#[tokio::test]
async fn hostile_inputs_to_the_second_half_of_the_page_forms_are_refused_with_a_page_or_defused() {
    each_backend_at_once_with(config(), |app| async move { pages(&app, 1).await }).await;
}

/// Whatever the rotation gives the username field, every input of the list is tried as a
/// username: only plain words (`NaN`, `0x10`) may become one; homoglyphs (`\u{430}dmin` with a
/// Cyrillic а), invisible and direction characters, fullwidth letters never do.
#[tokio::test]
async fn no_hostile_input_becomes_a_username_but_a_plain_word() {
    each_backend_at_once_with(config(), |app| async move {
        let mut taken = Vec::new();
        for (n, input) in inputs::all().iter().enumerate() {
            let body = format!(
                r#"{{"username":{},"email":"u{n}@example.com","password":"{}"}}"#,
                input.json_literal(),
                crate::support::PASSWORD
            );
            let req = Request::builder()
                .method(Method::POST)
                .uri(routes::auth_register())
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap_or_else(|e| panic!("{e}"));
            let r = app.send(req).await;
            assert!(
                r.status.is_client_error() || r.status.is_success(),
                "{}: {}",
                input.label(),
                r.text
            );
            if r.status.is_success() && !fields::plain(fields::Kind::Structured, &input.value) {
                taken.push(input.label());
            }
        }
        assert!(taken.is_empty(), "taken as usernames: {taken:#?}");
    })
    .await;
}

/// Every JSON body refuses a field it does not know, naming it, so that a misspelt field is
/// never silently ignored.
#[tokio::test]
async fn every_json_body_refuses_a_field_it_does_not_know_and_names_it() {
    each_backend_at_once_with(config(), |app| async move {
        let mut run = Run::new(&app).await;
        run.scene.accept_documents(&app).await;
        let doc = app.get(&routes::openapi_json(), None).await.body;
        let mut checked = 0;
        let mut wrong = Vec::new();
        for op in operations::all(&doc) {
            let actor = run.scene.actor_for(&op.route, op.signed_in);
            let n = run.next();
            let token = run.scene.token(actor).map(str::to_owned);
            let Some(req) =
                op.request_with_surplus(&run.scene, token.as_deref(), n, "surplus_field")
            else {
                continue;
            };
            let r = run.send(req).await;
            checked += 1;
            let got = (r.status, r.code(), r.body["error"]["field"].as_str());
            if got
                != (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown_field",
                    Some("surplus_field"),
                )
            {
                wrong.push(format!("{} {}: {}", op.method, op.route, r.text));
            }
        }
        assert!(checked > 25, "only {checked} operations with a body");
        assert!(
            wrong.is_empty(),
            "a surplus field was not refused:\n{}",
            wrong.join("\n")
        );
    })
    .await;
}

async fn api(app: &TestApp, shard: usize) {
    let started = Instant::now();
    let mut run = Run::new(app).await;
    run.scene.accept_documents(app).await;
    run.db.changes().await;
    let doc = app.get(&routes::openapi_json(), None).await.body;
    let operations = operations::all(&doc);
    assert!(operations.len() > 40, "{} operations", operations.len());
    for (i, op) in operations.iter().enumerate() {
        if i % SHARDS == shard {
            run.operation(i, op).await;
            if op.method != Method::GET {
                run.after_batch(&format!("{} {}", op.method, op.route))
                    .await;
            }
        }
    }
    run.finish(&format!("JSON endpoints, half {}", shard + 1), started);
}

async fn pages(app: &TestApp, shard: usize) {
    let started = Instant::now();
    let mut run = Run::new(app).await;
    let forms = run.forms().await;
    run.scene.accept_documents(app).await;
    run.db.changes().await;
    for (i, form) in forms
        .iter()
        .enumerate()
        .filter(|(i, _)| i % SHARDS == shard)
    {
        run.form(i, form).await;
        if form.method != Method::GET {
            run.after_batch(&format!("form {} {}", form.method, form.action))
                .await;
        }
    }
    run.finish(&format!("page forms, half {}", shard + 1), started);
}

/// One run of the suite on one database.
struct Run<'a> {
    app: &'a TestApp,
    scene: Scene,
    db: Database,
    inputs: Vec<Input>,
    per_field: usize,
    /// Where the next endpoint or form starts in the list of inputs.
    cursor: usize,
    /// How often each input was sent.
    uses: Vec<usize>,
    /// Problems found, grouped by what went wrong where; a few examples of each.
    problems: BTreeMap<String, (usize, Vec<String>)>,
    /// Requests carrying a hostile value.
    hostile: usize,
    /// Every request, the checks' page fetches included.
    sent: usize,
    /// A number for values that must be unique (usernames, slugs, client addresses).
    n: usize,
    /// Whether the current endpoint or form accepted anything (only then can the overview
    /// pages show something new).
    accepted: bool,
}

impl<'a> Run<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let scene = Scene::build(app).await;
        let db = Database::open(app).await;
        let inputs = inputs::all();
        let per_field = match std::env::var("AGORA_HOSTILE_PER_FIELD").ok().as_deref() {
            Some("all") => inputs.len(),
            Some(n) => n.parse().unwrap_or(PER_FIELD),
            None => PER_FIELD,
        };
        Self {
            app,
            scene,
            db,
            uses: vec![0; inputs.len()],
            inputs,
            per_field,
            cursor: 0,
            problems: BTreeMap::new(),
            hostile: 0,
            sent: 0,
            n: 0,
            accepted: false,
        }
    }

    fn problem(&mut self, key: String, detail: String) {
        let entry = self.problems.entry(key).or_default();
        entry.0 += 1;
        if entry.1.len() < 3 {
            entry.1.push(detail);
        }
    }

    fn next(&mut self) -> usize {
        self.n += 1;
        self.n
    }

    /// The inputs for an endpoint or form with `fields` fields: up to `per_field` per field,
    /// going on round the list from where the last one stopped.
    fn batch(&mut self, fields: usize) -> Vec<(usize, Input)> {
        let count = (fields * self.per_field).min(self.inputs.len());
        let start = self.cursor;
        self.cursor = (self.cursor + count) % self.inputs.len();
        (0..count)
            .map(|j| {
                let i = (start + j) % self.inputs.len();
                (j, self.inputs[i].clone())
            })
            .collect()
    }

    /// Sends a request from a client address of its own (the per-address limits are not what
    /// this suite tests).
    async fn send(&mut self, mut req: Request<Body>) -> Reply {
        let n = self.next();
        let address = SocketAddr::from(([10, (n >> 16) as u8, (n >> 8) as u8, n as u8], 40_000));
        req.extensions_mut().insert(ConnectInfo(address));
        self.sent += 1;
        self.app.send(req).await
    }

    /// Sends a hostile request; again, once, if it met a document version published by an
    /// earlier hostile but harmless request, which everyone must accept before writing again.
    async fn send_hostile(
        &mut self,
        input: &Input,
        build: impl Fn(&Self, usize) -> Request<Body>,
    ) -> Reply {
        if let Some(i) = self.inputs.iter().position(|x| x.line == input.line) {
            self.uses[i] += 1;
        }
        self.hostile += 1;
        let n = self.next();
        let r = self.send(build(self, n)).await;
        let must_accept = r.status == StatusCode::FORBIDDEN
            && (r.code() == "documents_not_accepted" || r.text.contains("accept the updated"));
        if !must_accept {
            return r;
        }
        self.db.changes().await;
        self.scene.accept_documents(self.app).await;
        self.db.changes().await;
        self.hostile += 1;
        let n = self.next();
        self.send(build(self, n)).await
    }

    /// Sends inputs through one JSON operation.
    async fn operation(&mut self, index: usize, op: &Operation) {
        let actor = self.scene.actor_for(&op.route, op.signed_in);
        for (j, input) in self.batch(op.slots.len()) {
            let Some(slot) = (0..op.slots.len())
                .map(|s| &op.slots[(j + index + s) % op.slots.len()])
                .find(|s| Operation::fits(s, &input))
            else {
                continue;
            };
            let r = self
                .send_hostile(&input, |run, n| {
                    let token = run.scene.token(actor);
                    op.request(&run.scene, token, slot, &input, n)
                })
                .await;
            let what = format!(
                "{} {} with {} in the {}",
                op.method,
                op.route,
                input.label(),
                slot.describe()
            );
            self.judge_api(op, slot, &input, &r, &what).await;
        }
    }

    /// Sends inputs through one form.
    async fn form(&mut self, index: usize, form: &Form) {
        for (j, input) in self.batch(form.slots.len()) {
            let encoded = input.url_encoded();
            let in_uri =
                |s: &FormSlot| form.method == Method::GET || !matches!(s, FormSlot::Field { .. });
            let Some(slot) = (0..form.slots.len())
                .map(|s| &form.slots[(j + index + s) % form.slots.len()])
                .find(|s| !in_uri(s) || encoded.len() < MAX_URI)
            else {
                continue;
            };
            let r = self
                .send_hostile(&input, |run, n| {
                    form.request(run.scene.token(form.actor), slot, &encoded, n)
                })
                .await;
            let what = format!(
                "form {} {} (from {}) with {} in the {}",
                form.method,
                form.action,
                form.page,
                input.label(),
                slot.describe(form)
            );
            self.judge_page(form, slot, &input, &r, &what).await;
        }
    }

    /// Prints what was sent and fails with every problem found.
    fn finish(&self, what: &str, started: Instant) {
        eprintln!(
            "hostile inputs, {what} on {}: {} inputs, {} hostile requests ({} with the checks' \
             page fetches) in {:.1} s",
            self.app.backend,
            self.inputs.len(),
            self.hostile,
            self.sent,
            started.elapsed().as_secs_f64()
        );
        let unused: Vec<usize> = self
            .inputs
            .iter()
            .zip(&self.uses)
            .filter(|(_, n)| **n == 0)
            .map(|(i, _)| i.line)
            .collect();
        assert!(
            unused.is_empty(),
            "inputs never sent ({what}): lines {unused:?}"
        );
        if self.problems.is_empty() {
            return;
        }
        let mut report = String::new();
        for (key, (count, examples)) in &self.problems {
            report.push_str(&format!("\n\n{key} ({count}×)"));
            for e in examples {
                report.push_str(&format!("\n    {}", judge::excerpt(e)));
            }
        }
        panic!(
            "{} kinds of problem with hostile input ({what}, {}):{report}",
            self.problems.len(),
            self.app.backend
        );
    }
}
