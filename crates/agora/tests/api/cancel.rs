//! Clients hang up: a request future dropped at any of its await points, through the router
//! and at the core, must leave every write finished or rolled back, never half, and must
//! never stop the next writes.
//!
//! Each scenario runs the same operation again and again, the first time dropped at its first
//! await point, the next at its second, and so on until it runs to its end; after each drop
//! the next write must succeed and the database must hold no half-written work.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;
use tower::ServiceExt as _;

use agora_core::ids::TopicId;
use agora_core::members::{Registration, SessionKind};

use crate::routes;
use crate::support::{PASSWORD, TestApp, each_backend};

/// Polls a future at most `polls` times; if it has not finished by then, drops it where it
/// stands, as hyper drops a request's future when its client hangs up.
struct HangUp<F> {
    fut: Pin<Box<F>>,
    polls: usize,
}

impl<F: Future> Future for HangUp<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.polls == 0 {
            return Poll::Ready(None);
        }
        self.polls -= 1;
        self.fut.as_mut().poll(cx).map(Some)
    }
}

fn hang_up<F: Future>(fut: F, polls: usize) -> HangUp<F> {
    HangUp {
        fut: Box::pin(fut),
        polls,
    }
}

/// The most await points an operation here is expected to have; a loop that reaches it has
/// not seen the operation finish.
const MAX_POLLS: usize = 400;

/// A JSON request through the router, signed in with `token`.
fn request(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req.body(Body::from(body.to_string()))
        .unwrap_or_else(|e| panic!("building request: {e}"))
}

/// How many times each sweep over an operation's await points runs: where a future stands
/// after its Nth poll depends on how fast the database answered, so one sweep may miss a point.
const SWEEPS: usize = 3;

/// Sends `make(n)` through the router dropped after 1, 2, … polls until one runs to its end,
/// [`SWEEPS`] times; after each drop, checks that the database is whole and that a write
/// still succeeds.
async fn hang_up_at_every_step(
    app: &TestApp,
    what: &str,
    writer: &str,
    topic: i64,
    make: impl Fn(usize) -> Request<Body>,
) {
    let mut n = 0;
    for _ in 0..SWEEPS {
        let mut finished = false;
        for polls in 1..MAX_POLLS {
            n += 1;
            let done = hang_up(app.router.clone().oneshot(make(n)), polls).await;
            let after = format!("{what}, dropped after {polls} polls");
            Box::pin(check_whole(app, &after)).await;
            Box::pin(next_write_succeeds(app, writer, topic, &after)).await;
            if let Some(res) = done {
                let res = res.unwrap_or_else(|e| panic!("{what}: {e}"));
                assert!(
                    res.status().is_success(),
                    "{what}: finished with {}",
                    res.status()
                );
                finished = true;
                break;
            }
        }
        assert!(finished, "{what} did not finish in {MAX_POLLS} polls");
    }
}

/// A reply posted by `writer` right after a drop must be stored.
async fn next_write_succeeds(app: &TestApp, writer: &str, topic: i64, after: &str) {
    let r = app
        .post(
            &routes::topic_posts(topic),
            Some(writer),
            json!({"body": format!("The next write, after: {after}")}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "a reply after {} was refused: {}",
        after,
        r.text
    );
}

/// One number from the database.
async fn scalar(app: &TestApp, sql: &str) -> i64 {
    scalars(app, &[sql.to_owned()]).await[0]
}

/// One number from each query, on one connection.
async fn scalars(app: &TestApp, queries: &[String]) -> Vec<i64> {
    let mut out = Vec::new();
    if app.backend == "sqlite" {
        let mut c = crate::support::sqlite_connection(&app.database_url).await;
        for sql in queries {
            let sql = sqlx::AssertSqlSafe(sql.clone());
            out.push(sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut c).await);
        }
    } else {
        let mut c = crate::support::pg_connection(&app.database_url).await;
        for sql in queries {
            let sql = sqlx::AssertSqlSafe(sql.clone());
            out.push(sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut c).await);
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// What must hold between every two transactions: nothing half-written.
async fn check_whole(app: &TestApp, after: &str) {
    let indexed = if app.backend == "sqlite" {
        "SELECT rowid FROM post_search"
    } else {
        "SELECT post_id FROM post_search"
    };
    let checks = [
        (
            "topics whose post counts disagree with their posts",
            "SELECT COUNT(*) FROM topics t WHERE t.post_count <> (SELECT COUNT(*) FROM posts p WHERE p.topic_id = t.id) \
             OR t.reply_count <> t.post_count - 1"
                .to_owned(),
        ),
        (
            "groups whose topic counts disagree with their topics",
            "SELECT COUNT(*) FROM groups g WHERE g.topic_count <> (SELECT COUNT(*) FROM topics t WHERE t.group_id = g.id)"
                .to_owned(),
        ),
        ("topics without an opening post", "SELECT COUNT(*) FROM topics t WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.topic_id = t.id AND p.number = 1)".to_owned()),
        (
            "posts missing from the search index",
            format!("SELECT COUNT(*) FROM posts WHERE id NOT IN ({indexed})"),
        ),
        (
            "members without the session their sign-up opened",
            "SELECT COUNT(*) FROM members m WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.member_id = m.id)"
                .to_owned(),
        ),
        (
            "unconfirmed members without a confirmation link",
            "SELECT COUNT(*) FROM members m WHERE m.email_verified_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM email_tokens e WHERE e.member_id = m.id AND e.purpose = 'verify')"
                .to_owned(),
        ),
        (
            "reading records that disagree with the topics read",
            "SELECT COUNT(*) FROM member_activity a WHERE a.topics_entered <> \
             (SELECT COUNT(*) FROM topic_reads r WHERE r.member_id = a.member_id) \
             OR a.posts_read <> (SELECT COALESCE(SUM(r.last_number), 0) FROM topic_reads r WHERE r.member_id = a.member_id)"
                .to_owned(),
        ),
    ];
    let queries: Vec<String> = checks.iter().map(|(_, sql)| sql.clone()).collect();
    let found = scalars(app, &queries).await;
    for ((what, _), n) in checks.iter().zip(found) {
        assert_eq!(n, 0, "{what}, after {after}, on {}", app.backend);
    }
}

/// A site with an admin, a public group and a topic; returns (admin token, topic id).
async fn arrange(app: &TestApp) -> (String, i64) {
    let admin = app.register("admin").await;
    app.create_group(&admin, "club", "public").await;
    let (topic, _) = app
        .create_topic(&admin, "club", "Hanging up", "Clients come and go.")
        .await;
    (admin, topic)
}

#[tokio::test]
async fn a_reply_whose_client_hangs_up_at_any_step_is_whole_or_absent() {
    each_backend(|app| async move {
        let (admin, topic) = arrange(&app).await;
        hang_up_at_every_step(&app, "a reply", &admin, topic, |n| {
            request(
                "POST",
                &routes::topic_posts(topic),
                Some(&admin),
                json!({"body": format!("Reply number {n}")}),
            )
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_topic_whose_client_hangs_up_at_any_step_is_whole_or_absent() {
    each_backend(|app| async move {
        let (admin, topic) = arrange(&app).await;
        hang_up_at_every_step(&app, "a new topic", &admin, topic, |n| {
            request(
                "POST",
                &routes::group_topics("club"),
                Some(&admin),
                json!({"title": format!("Topic number {n}"), "body": "An opening post."}),
            )
        })
        .await;
    })
    .await;
}

/// `n` as a name of letters only (registration refuses names that look generated).
fn name(n: usize) -> String {
    let mut n = n;
    let mut s = String::from("reader");
    loop {
        s.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

#[tokio::test]
async fn a_sign_up_whose_client_hangs_up_at_any_step_is_whole_or_absent() {
    each_backend(|app| async move {
        let (admin, topic) = arrange(&app).await;
        hang_up_at_every_step(&app, "a sign-up", &admin, topic, |n| {
            request(
                "POST",
                &routes::auth_register(),
                None,
                json!({"username": name(n), "email": format!("{}@example.com", name(n)), "password": PASSWORD}),
            )
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_page_read_whose_client_hangs_up_at_any_step_keeps_the_reading_record_whole() {
    each_backend(|app| async move {
        let (admin, topic) = arrange(&app).await;
        let reader = app.register("reader").await;
        // Each try reads a topic it has not read before, so that each one writes.
        let mut topics = Vec::new();
        for n in 0..120 {
            let (t, _) = app
                .create_topic(&admin, "club", &format!("To read {n}"), "Read me.")
                .await;
            topics.push(t);
        }
        hang_up_at_every_step(&app, "a topic read", &admin, topic, |n| {
            let t = topics
                .get(n)
                .copied()
                .unwrap_or_else(|| panic!("more than {} tries", topics.len()));
            request("GET", &routes::topic(t), Some(&reader), json!({}))
        })
        .await;
    })
    .await;
}

/// The same at the core, without the router: each use case dropped at each of its steps.
#[tokio::test]
async fn use_cases_dropped_at_any_step_leave_nothing_half_written() {
    each_backend(|app| async move {
        let (admin, topic) = arrange(&app).await;
        let agora = &app.app.agora;
        let viewer = agora
            .accounts()
            .viewer_for_token(&admin)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let reader_token = app.register("reader").await;
        let reader = agora
            .accounts()
            .viewer_for_token(&reader_token)
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        let mut finished = [false; 4];
        let (mut sweeps, mut polls, mut n) = (0, 0, 0);
        while polls < MAX_POLLS {
            polls += 1;
            n += 1;
            let after = format!("use cases dropped after {polls} polls");
            let reply = agora
                .forum()
                .reply(&viewer, TopicId(topic), "A reply from the core.");
            finished[0] |= hang_up(reply, polls).await.is_some();
            check_whole(&app, &format!("a reply: {after}")).await;

            let input = agora_core::forum::NewTopicInput {
                title: format!("Core topic {n}"),
                body: "Opened at the core.".into(),
                tags: Vec::new(),
                kind: None,
            };
            finished[1] |= hang_up(agora.forum().create_topic(&viewer, "club", input), polls)
                .await
                .is_some();
            check_whole(&app, &format!("a new topic: {after}")).await;

            let form = Registration {
                username: name(n + 1_000),
                email: format!("{}@example.com", name(n + 1_000)),
                password: PASSWORD.into(),
                display_name: String::new(),
                accept_documents: true,
                email_opt_ins: Vec::new(),
            };
            let register = agora
                .accounts()
                .register(form, SessionKind::Api, "127.0.0.1");
            finished[2] |= hang_up(register, polls).await.is_some();
            check_whole(&app, &format!("a sign-up: {after}")).await;

            let (fresh, _) = app
                .create_topic(&admin, "club", &format!("Unread {n}"), "Read me.")
                .await;
            let read = agora.trust().read_topic(&reader, TopicId(fresh), 1, 50);
            finished[3] |= hang_up(read, polls).await.is_some();
            check_whole(&app, &format!("a topic read: {after}")).await;

            next_write_succeeds(&app, &admin, topic, &after).await;
            if finished.iter().all(|f| *f) {
                sweeps += 1;
                finished = [false; 4];
                polls = 0;
                if sweeps == SWEEPS {
                    return;
                }
            }
        }
        panic!("the use cases did not all finish in {MAX_POLLS} polls: {finished:?}");
    })
    .await;
}

/// Writes `bytes` to a new connection to `addr` and hangs up: after `cut` bytes if given,
/// else after the whole request and `wait`.
async fn send_and_hang_up(
    addr: std::net::SocketAddr,
    bytes: &[u8],
    cut: Option<usize>,
    wait: std::time::Duration,
) {
    use tokio::io::AsyncWriteExt as _;
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        panic!("connecting to {addr}");
    };
    let end = cut.unwrap_or(bytes.len()).min(bytes.len());
    let _ = stream.write_all(&bytes[..end]).await;
    if cut.is_none() {
        tokio::time::sleep(wait).await;
    }
    drop(stream);
}

/// One request as it goes over the wire.
fn wire(method: &str, path: &str, auth: &str, body: &str) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: agora.test\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn clients_that_hang_up_over_tcp_leave_nothing_half_written() {
    each_backend(|app| async move {
        let (admin, topic) = arrange(&app).await;
        let reader = app.register("reader").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("binding: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("address: {e}"));
        let service = app
            .router
            .clone()
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let server = tokio::spawn(async move { axum::serve(listener, service).await });

        let bearer = |t: &str| format!("Authorization: Bearer {t}\r\n");
        let mut kinds = Vec::new();
        for n in 0..40usize {
            kinds.push(wire(
                "POST",
                &routes::topic_posts(topic),
                &bearer(&admin),
                &json!({"body": format!("Reply over TCP {n}")}).to_string(),
            ));
            kinds.push(wire(
                "POST",
                &routes::group_topics("club"),
                &bearer(&admin),
                &json!({"title": format!("Topic over TCP {n}"), "body": "Opened and left."}).to_string(),
            ));
            kinds.push(wire(
                "POST",
                &routes::auth_register(),
                "",
                &json!({"username": name(n + 5_000), "email": format!("{}@example.com", name(n + 5_000)), "password": PASSWORD}).to_string(),
            ));
            kinds.push(wire("GET", &routes::topic(topic), &bearer(&reader), ""));
        }
        // Each request is cut at a different byte, or sent whole and left after a different
        // wait; all of them at once, as a burst ends.
        let mut clients = tokio::task::JoinSet::new();
        for (i, bytes) in kinds.into_iter().enumerate() {
            let (cut, wait) = match i % 3 {
                0 => (Some(bytes.len() * (i % 7 + 1) / 8), std::time::Duration::ZERO),
                1 => (None, std::time::Duration::ZERO),
                _ => (None, std::time::Duration::from_micros(250 * (i as u64 % 40))),
            };
            clients.spawn(async move { send_and_hang_up(addr, &bytes, cut, wait).await });
        }
        while clients.join_next().await.is_some() {}
        // Requests sent whole go on without their clients; once they are done, nothing may
        // be half-written and the next write must go through, over TCP too.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        app.app.store.settle().await;
        check_whole(&app, "clients hung up over TCP").await;
        next_write_succeeds(&app, &admin, topic, "clients hung up over TCP").await;
        let stored = scalar(&app, "SELECT COUNT(*) FROM posts WHERE body_markdown LIKE 'Reply over TCP%'").await;
        assert!(stored > 0, "replies sent whole are stored though their clients left");
        server.abort();
    })
    .await;
}

/// Shutdown (issue 21, defect 16): a reply whose client left while the database was busy is
/// still running when serving stops. The stopping server waits for it before it closes the
/// store, so it lands; closing at once refused it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stopping_server_finishes_the_writes_whose_clients_left() {
    each_backend(|app| async move {
        let (admin, topic) = arrange(&app).await;
        let (router, in_flight) = app.app.serving(
            agora_web::WebConfig::new("http://agora.test"),
            agora_web::GuestCache::default(),
        );
        // Another connection holds the posts table, so the reply waits inside the store.
        let release = hold_writes(&app).await;
        let call = router.oneshot(request(
            "POST",
            &routes::topic_posts(topic),
            Some(&admin),
            json!({"body": "Written while the server stops."}),
        ));
        // The client leaves while its reply waits.
        let left = tokio::time::timeout(std::time::Duration::from_millis(300), call).await;
        assert!(left.is_err(), "the reply did not wait for the held table");
        assert_eq!(in_flight.running(), 1, "the reply is not running any more");
        // Serving stopped: finish while the table is still held, and let it go a little later.
        let finishing = agora::app::finish(
            &app.app.store,
            &in_flight,
            std::time::Duration::from_secs(30),
        );
        let releasing = async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            release
                .send(())
                .unwrap_or_else(|()| panic!("the holder left"));
        };
        let (still_running, ()) = tokio::join!(finishing, releasing);
        assert_eq!(still_running, 0);
        let app = app.restart().await;
        let landed = scalar(
            &app,
            "SELECT COUNT(*) FROM posts WHERE body_markdown = 'Written while the server stops.'",
        )
        .await;
        assert_eq!(
            landed, 1,
            "the reply was lost at shutdown on {}",
            app.backend
        );
    })
    .await;
}

/// Holds every write to the posts table from another connection until told to let go.
async fn hold_writes(app: &TestApp) -> tokio::sync::oneshot::Sender<()> {
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let (held, holding) = tokio::sync::oneshot::channel::<()>();
    let (backend, url) = (app.backend, app.database_url.clone());
    tokio::spawn(async move {
        if backend == "sqlite" {
            let mut c = crate::support::sqlite_connection(&url).await;
            let lock = sqlx::query("BEGIN IMMEDIATE").execute(&mut c).await;
            lock.unwrap_or_else(|e| panic!("{e}"));
            let _ = held.send(());
            let _ = released.await;
            let end = sqlx::query("COMMIT").execute(&mut c).await;
            end.unwrap_or_else(|e| panic!("{e}"));
        } else {
            let mut c = crate::support::pg_connection(&url).await;
            let lock = sqlx::query("BEGIN").execute(&mut c).await;
            lock.unwrap_or_else(|e| panic!("{e}"));
            let lock = sqlx::query("LOCK TABLE posts IN EXCLUSIVE MODE")
                .execute(&mut c)
                .await;
            lock.unwrap_or_else(|e| panic!("{e}"));
            let _ = held.send(());
            let _ = released.await;
            let end = sqlx::query("COMMIT").execute(&mut c).await;
            end.unwrap_or_else(|e| panic!("{e}"));
        }
    });
    holding
        .await
        .unwrap_or_else(|_| panic!("the holder failed"));
    release
}
