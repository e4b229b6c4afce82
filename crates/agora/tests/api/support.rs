//! The test harness: the real application (store, core, router) on a fresh database per test,
//! driven in-process through the router. Every scenario runs on SQLite, and on PostgreSQL
//! when `AGORA_TEST_POSTGRES_URL` is set (a server URL; each test gets its own database).

use crate::routes;
use std::future::Future;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use agora::app::{self, App};
use agora_core::AgoraConfig;
use agora_core::members::PasswordHasher;
use agora_web::WebConfig;

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

/// A running application on a fresh database.
pub struct TestApp {
    pub app: App,
    /// The application's clock: `advance` it to see suspensions end and sessions expire.
    pub clock: std::sync::Arc<agora_core::time::ShiftedClock>,
    pub router: Router,
    pub backend: &'static str,
    pub database_url: String,
    pg: Option<(String, String)>,
    /// What the application mailed (kept across a restart, as an outbox would be).
    mail: std::sync::Arc<agora::mail::MemoryMailer>,
    _dir: tempfile::TempDir,
}

/// A response as a test sees it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// The error code of an error body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// A response header as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Runs `scenario` on SQLite, then on PostgreSQL if configured.
pub async fn each_backend<F, Fut>(scenario: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    each_backend_with(AgoraConfig::default(), scenario).await;
}

/// Like [`each_backend`], with the application's settings given.
pub async fn each_backend_with<F, Fut>(config: AgoraConfig, scenario: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    // Scenarios are boxed: a test thread's stack is small, and their futures are not.
    let app = TestApp::sqlite(config.clone()).await;
    Box::pin(scenario(app)).await;
    if let Some(url) = postgres_url() {
        let app = TestApp::postgres(&url, config).await;
        let cleanup = app.pg.clone();
        Box::pin(scenario(app)).await;
        if let Some((server, db)) = cleanup {
            drop_database(&server, &db).await;
        }
    }
}

/// Like [`each_backend_with`], with the two databases at the same time rather than one after
/// the other: for long scenarios, which spend much of their time waiting on PostgreSQL.
pub async fn each_backend_at_once_with<F, Fut>(config: AgoraConfig, scenario: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let sqlite = async {
        scenario(TestApp::sqlite(config.clone()).await).await;
    };
    let postgres = async {
        if let Some(url) = postgres_url() {
            let app = TestApp::postgres(&url, config.clone()).await;
            let cleanup = app.pg.clone();
            scenario(app).await;
            if let Some((server, db)) = cleanup {
                drop_database(&server, &db).await;
            }
        }
    };
    tokio::join!(sqlite, postgres);
}

/// The PostgreSQL server to test on, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("AGORA_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// The suite's mailer: each mail kept in memory as the real transports format it, in order
/// (`e2e/smtp.sh` sends through a real SMTP server; the binary's tests use the outbox folder).
fn mailer() -> std::sync::Arc<agora::mail::MemoryMailer> {
    let from = "agora <noreply@agora.test>"
        .parse()
        .unwrap_or_else(|e| panic!("sender: {e}"));
    std::sync::Arc::new(agora::mail::MemoryMailer::new(from))
}

fn test_config(mut config: AgoraConfig) -> AgoraConfig {
    config.public_url = "http://agora.test".into();
    // Every in-process request comes from the same "address".
    if config.registrations_per_hour == AgoraConfig::default().registrations_per_hour {
        config.registrations_per_hour = 100_000;
    }
    if config.posts_per_minute == AgoraConfig::default().posts_per_minute {
        config.posts_per_minute = 100_000;
    }
    config
}

impl TestApp {
    /// A fresh SQLite database in a temporary folder.
    pub async fn sqlite(config: AgoraConfig) -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let url = format!("sqlite:{}", dir.path().join("agora.db").display());
        Self::open("sqlite", url, None, dir, config).await
    }

    /// A fresh database on the PostgreSQL server at `server_url`.
    pub async fn postgres(server_url: &str, config: AgoraConfig) -> Self {
        let db = format!("agora_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin_connection(server_url).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("creating {db} on {server_url}: {e}"));
        // A throwaway database need not wait for the disk at every commit.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE {db} SET synchronous_commit = off"
        )))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("configuring {db}: {e}"));
        let url = with_database(server_url, &db);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        Self::open(
            "postgres",
            url,
            Some((server_url.to_owned(), db)),
            dir,
            config,
        )
        .await
    }

    async fn open(
        backend: &'static str,
        url: String,
        pg: Option<(String, String)>,
        dir: tempfile::TempDir,
        config: AgoraConfig,
    ) -> Self {
        let mail = mailer();
        let mut app = app::open(
            &url,
            PasswordHasher::fast_for_tests(),
            mail.clone(),
            test_config(config),
        )
        .await
        .unwrap_or_else(|e| panic!("opening {url}: {e:#}"));
        let clock = std::sync::Arc::new(agora_core::time::ShiftedClock::default());
        app.agora = app.agora.with_clock(clock.clone());
        // Every in-process request comes from the same "address": the sign-up burst rule
        // would stop the fourth account of every test (the tests of the rule lower it again).
        agora_core::store::MemberStore::put_setting(
            &*app.store,
            "registration_burst_per_10_min",
            "10000",
        )
        .await
        .unwrap_or_else(|e| panic!("settings: {e}"));
        let router = app.router(WebConfig::new("http://agora.test"));
        Self {
            app,
            clock,
            router,
            backend,
            database_url: url,
            pg,
            mail,
            _dir: dir,
        }
    }

    /// The application on a database that exists already (made by a copy or a restore).
    pub async fn at(backend: &'static str, url: &str) -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        Self::open(backend, url.to_owned(), None, dir, AgoraConfig::default()).await
    }

    /// Opens the same database again, as a restarted server would.
    pub async fn restart(self) -> Self {
        self.app.store.close().await;
        let mut app = app::open(
            &self.database_url,
            PasswordHasher::fast_for_tests(),
            self.mail.clone(),
            test_config(AgoraConfig::default()),
        )
        .await
        .unwrap_or_else(|e| panic!("reopening: {e:#}"));
        app.agora = app.agora.with_clock(self.clock.clone());
        let router = app.router(WebConfig::new("http://agora.test"));
        Self {
            app,
            router,
            ..self
        }
    }

    /// The same application, knowing one more kind (a kind a test declares for itself).
    pub fn with_kind(mut self, kind: &'static agora_core::kinds::Kind) -> Self {
        self.app.agora = self.app.agora.clone().with_kind(kind);
        self.router = self.app.router(WebConfig::new("http://agora.test"));
        self
    }

    /// The same application behind a router that keeps public pages for guests `secs` seconds
    /// (the tests run with the guest cache off unless they ask for it).
    pub fn with_guest_cache(self, secs: u64) -> Self {
        let router = self.app.router(WebConfig {
            guest_cache_secs: secs,
            ..WebConfig::new("http://agora.test")
        });
        Self { router, ..self }
    }

    /// Runs the event worker until it has handled every event recorded so far (what `agora
    /// serve` does in the background); returns how many it handled.
    pub async fn work(&self) -> usize {
        self.work_as("test-worker").await
    }

    /// Like [`TestApp::work`], as the worker named `holder`. On PostgreSQL an event becomes
    /// readable once every transaction older than its own has finished, in any database of
    /// the server (the tests run side by side): the worker goes round again until no event is
    /// waiting for that. The waiting events are counted *before* each round: counted after
    /// it, an event that became readable between the round's look and the count was in
    /// neither, and the worker stopped with it unread (a bulletin test saw that under load).
    pub async fn work_as(&self, holder: &str) -> usize {
        let mut handled = 0;
        for _ in 0..500 {
            let waiting = hidden_events(self).await;
            let round = self
                .app
                .agora
                .events()
                .work(holder)
                .await
                .unwrap_or_else(|e| panic!("the event worker failed: {e}"));
            handled += round;
            if round == 0 && waiting == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        handled
    }

    /// Another node serving the same database, with a guest cache of its own kept `secs`
    /// seconds: its router, and its cache (`GuestCache::catch_up` reads the outbox as the
    /// node's follower does every half second).
    pub fn other_node(&self, secs: u64) -> (Router, agora_web::GuestCache) {
        let cache = agora_web::GuestCache::default();
        let config = WebConfig {
            guest_cache_secs: secs,
            ..WebConfig::new("http://agora.test")
        };
        (self.app.router_with(config, cache.clone()), cache)
    }

    /// Sends a request through the router.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        send_to(&self.router, req).await
    }

    /// A JSON request, signed in with `token` if given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap_or_else(|e| panic!("building request: {e}"));
        self.send(req).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::DELETE, path, token, None).await
    }

    /// A page request, signed in by the session cookie when `token` is given.
    pub async fn page(&self, path: &str, token: Option<&str>) -> Reply {
        self.page_with(path, token, &[]).await
    }

    /// A page request with extra headers.
    pub async fn page_with(
        &self,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder().uri(path);
        if let Some(t) = token {
            req = req.header("cookie", format!("agora_session={t}"));
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let req = req
            .body(Body::empty())
            .unwrap_or_else(|e| panic!("building request: {e}"));
        self.send(req).await
    }

    /// A form post from our own pages (same origin), signed in by cookie when `token` is given.
    pub async fn form(&self, path: &str, token: Option<&str>, fields: &[(&str, &str)]) -> Reply {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        if let Some(t) = token {
            req = req.header("cookie", format!("agora_session={t}"));
        }
        let req = req
            .body(Body::from(body))
            .unwrap_or_else(|e| panic!("building request: {e}"));
        self.send(req).await
    }

    /// Registers `username` without confirming the address; returns the token.
    pub async fn register_unverified(&self, username: &str) -> String {
        let r = self
            .post(
                &routes::auth_register(),
                None,
                json!({"username": username, "email": format!("{username}@example.com"), "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "registering {username}: {}",
            r.text
        );
        token_of(&r)
    }

    /// Registers `username`, confirms the address by following the link in the mail it got,
    /// as a person would, and gives the member trust level 1 (basic: someone who has read
    /// a while, without a newcomer's limits); returns its token. The first account on a site
    /// is its admin.
    pub async fn register(&self, username: &str) -> String {
        let token = self.register_newcomer(username).await;
        self.set_trust(username, 1).await;
        token
    }

    /// Registers `username` and confirms the address, leaving them a newcomer (trust level
    /// 0); returns its token.
    pub async fn register_newcomer(&self, username: &str) -> String {
        let token = self.register_unverified(username).await;
        self.verify(&format!("{username}@example.com")).await;
        token
    }

    /// The database behind the application, read and written straight (to arrange what time
    /// would otherwise do, and to check what the application stored).
    pub fn db(&self) -> Db<'_> {
        Db(self)
    }

    /// The mails the application sent (its outbox folder).
    pub fn mailbox(&self) -> Mailbox<'_> {
        Mailbox(self)
    }

    /// Sets a member's stored trust level straight in the database, as if earned.
    pub async fn set_trust(&self, username: &str, level: i64) {
        self.db()
            .execute_sql(&format!(
                "UPDATE members SET trust_level = {level}, trust_earned = {level} \
             WHERE username = '{username}'"
            ))
            .await;
    }

    /// Follows the newest verification link mailed to `email`.
    pub async fn verify(&self, email: &str) {
        let link = self
            .mailbox()
            .mailed_token(email, "/verify/")
            .unwrap_or_else(|| panic!("no verification mail to {email}"));
        let r = self
            .post(&routes::auth_verify(), None, json!({"token": link}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "verifying {email}: {}", r.text);
    }

    /// Creates a group as `token` and returns its slug.
    pub async fn create_group(&self, token: &str, slug: &str, visibility: &str) -> String {
        let r = self
            .post(
                &routes::groups(),
                Some(token),
                json!({"name": format!("Group {slug}"), "slug": slug, "description": format!("About {slug}"), "visibility": visibility}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "creating {slug}: {}", r.text);
        slug.to_owned()
    }

    /// Opens a topic and returns (topic id, opening post id).
    pub async fn create_topic(
        &self,
        token: &str,
        slug: &str,
        title: &str,
        body: &str,
    ) -> (i64, i64) {
        let r = self
            .post(
                &routes::group_topics(slug),
                Some(token),
                json!({"title": title, "body": body}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "topic in {slug}: {}", r.text);
        (
            r.body["id"].as_i64().unwrap_or_default(),
            r.body["posts"][0]["id"].as_i64().unwrap_or_default(),
        )
    }

    /// Joins a public group (or requests a closed one) as `token`.
    pub async fn join(&self, token: &str, slug: &str) -> Reply {
        self.post(&routes::group_join(slug), Some(token), json!({}))
            .await
    }
}

/// The database behind a test application.
pub struct Db<'a>(&'a TestApp);

impl Db<'_> {
    /// Runs a statement straight on the database (to arrange what time would otherwise do).
    pub async fn execute_sql(&self, sql: &str) {
        if let Err(e) = self.try_sql(sql).await {
            panic!("running {sql:?}: {e}");
        }
    }

    /// Runs a statement straight on the database; the database's error, if any.
    pub async fn try_sql(&self, sql: &str) -> Result<(), String> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        if self.0.backend == "sqlite" {
            let mut c = sqlite_connection(&self.0.database_url).await;
            sqlx::query(sql).execute(&mut c).await.map(|_| ())
        } else {
            let mut c = pg_connection(&self.0.database_url).await;
            sqlx::query(sql).execute(&mut c).await.map(|_| ())
        }
        .map_err(|e| e.to_string())
    }

    /// How many rows of `table` meet `condition` (SQL the test wrote).
    pub async fn count_where(&self, table: &str, condition: &str) -> i64 {
        self.count_rows(&format!("{table} WHERE {condition}")).await
    }

    /// The one number `sql` selects.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let query = sqlx::AssertSqlSafe(sql.to_owned());
        if self.0.backend == "sqlite" {
            let mut c = sqlite_connection(&self.0.database_url).await;
            sqlx::query_scalar::<_, i64>(query).fetch_one(&mut c).await
        } else {
            let mut c = pg_connection(&self.0.database_url).await;
            sqlx::query_scalar::<_, i64>(query).fetch_one(&mut c).await
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// How many rows `table` holds.
    pub async fn count_rows(&self, table: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        if self.0.backend == "sqlite" {
            let mut c = sqlite_connection(&self.0.database_url).await;
            sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut c).await
        } else {
            let mut c = pg_connection(&self.0.database_url).await;
            sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut c).await
        }
        .unwrap_or_else(|e| panic!("counting {table}: {e}"))
    }
}

/// The mails a test application sent.
pub struct Mailbox<'a>(&'a TestApp);

impl Mailbox<'_> {
    /// The mails sent to `to`, oldest first, as (headers and body) text with quoted-printable
    /// soft line breaks undone.
    pub fn mails_to(&self, to: &str) -> Vec<String> {
        self.0
            .mail
            .sent()
            .into_iter()
            .map(|text| text.replace("=\r\n", "").replace("=3D", "="))
            .filter(|text| {
                text.lines()
                    .any(|l| l.starts_with("To: ") && l.contains(to))
            })
            .collect()
    }

    /// The token of the newest link to `path` (e.g. `/verify/`) mailed to `to`.
    pub fn mailed_token(&self, to: &str, path: &str) -> Option<String> {
        self.mailed_tokens(to, path).pop()
    }

    /// The tokens of every link to `path` mailed to `to`, oldest first.
    pub fn mailed_tokens(&self, to: &str, path: &str) -> Vec<String> {
        let needle = format!("http://agora.test{path}");
        self.mails_to(to)
            .iter()
            .filter_map(|text| {
                let start = text.find(&needle)? + needle.len();
                Some(
                    text[start..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect(),
                )
            })
            .collect()
    }
}

/// Events recorded but not yet readable: on PostgreSQL an event is read once every transaction
/// older than its own has finished, in any database of the server (the tests run side by
/// side); on SQLite none.
pub async fn hidden_events(app: &TestApp) -> i64 {
    if app.backend != "postgres" {
        return 0;
    }
    app.db()
        .count_where(
            "outbox",
            "tx >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        )
        .await
}

/// A registered member's id, from the store.
pub async fn member_id(app: &TestApp, username: &str) -> agora_core::MemberId {
    use agora_core::store::MemberStore as _;
    app.app
        .store
        .member_by_username(username)
        .await
        .ok()
        .flatten()
        .map(|m| m.id)
        .unwrap_or_else(|| panic!("{username} is registered"))
}

/// The token of a sign-in or registration response.
pub fn token_of(r: &Reply) -> String {
    r.body["token"].as_str().unwrap_or_default().to_owned()
}

pub async fn sqlite_connection(url: &str) -> sqlx::SqliteConnection {
    use sqlx::Connection as _;
    sqlx::SqliteConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
}

pub async fn pg_connection(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection as _;
    sqlx::PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e} (is PostgreSQL running?)"))
}

async fn admin_connection(server_url: &str) -> sqlx::PgConnection {
    pg_connection(server_url).await
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// A new empty database on the PostgreSQL server at `server_url`: its URL and its name.
pub async fn empty_postgres_database(server_url: &str) -> (String, String) {
    let db = format!("agora_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin_connection(server_url).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("creating {db}: {e}"));
    (with_database(server_url, &db), db)
}

/// Drops database `db` on the PostgreSQL server at `server_url`.
pub async fn drop_postgres_database(server_url: &str, db: &str) {
    drop_database(server_url, db).await;
}

async fn drop_database(server_url: &str, db: &str) {
    let mut conn = admin_connection(server_url).await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await;
}

/// Percent-encodes a form value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The CSRF token the pages put in forms for a session.
pub fn csrf_for(token: &str) -> String {
    agora_core::members::session::hash_token(&format!("csrf:{token}"))[..32].to_owned()
}

/// Sends a request through `router` and reads the whole answer.
pub async fn send_to(router: &Router, req: Request<Body>) -> Reply {
    let res = router
        .clone()
        .oneshot(req)
        .await
        .unwrap_or_else(|e| panic!("request failed: {e}"));
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}
