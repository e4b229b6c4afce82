//! The writer's tests: callers hanging up, failing, panicking and rogue transactions, failed
//! commits, full batches and closing, each on a scratch SQLite database.

use std::str::FromStr;
use std::task::Poll;

use sqlx::ConnectOptions as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};

use super::*;

type Outcome<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// A writer on a fresh database with a table `t (v, part)` and a deferred foreign key
/// `child.parent → parent.id`; removes the files when dropped.
struct Scratch {
    path: std::path::PathBuf,
    writer: Writer,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.path.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

async fn scratch(name: &str) -> Outcome<Scratch> {
    let path = std::env::temp_dir().join(format!(
        "agora-writer-{name}-{}-{}.db",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let mut conn = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .connect()
        .await?;
    for sql in [
        "CREATE TABLE t (v INTEGER NOT NULL, part TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
        "CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
    ] {
        sqlx::query(sql).execute(&mut conn).await?;
    }
    let writer = Writer::start(conn).await?;
    Ok(Scratch { path, writer })
}

impl Scratch {
    /// The rows of `t` as (v, part), read on a connection of their own.
    async fn rows(&self) -> Outcome<Vec<(i64, String)>> {
        let mut conn = SqliteConnectOptions::from_str(&format!("sqlite:{}", self.path.display()))?
            .read_only(true)
            .connect()
            .await?;
        Ok(sqlx::query_as("SELECT v, part FROM t ORDER BY v, part")
            .fetch_all(&mut conn)
            .await?)
    }

    /// Inserts (v, part) for each part, as one write transaction.
    async fn insert(&self, v: i64, parts: &'static [&'static str]) -> Result<(), StoreError> {
        self.writer
            .write(move |tx| {
                Box::pin(async move {
                    for part in parts {
                        tx.execute(
                            "INSERT INTO t (v, part) VALUES ($1, $2)",
                            &[v.into(), (*part).into()],
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// Holds the writer inside a batch until `release` is sent, so that the writes
    /// handed over meanwhile share that batch.
    fn hold(
        &self,
    ) -> (
        oneshot::Sender<()>,
        tokio::task::JoinHandle<Result<(), StoreError>>,
    ) {
        let (release, released) = oneshot::channel::<()>();
        let writer = self.writer.clone();
        let held = tokio::spawn(async move {
            writer
                .write(move |_| {
                    Box::pin(async move {
                        let _ = released.await;
                        Ok(())
                    })
                })
                .await
        });
        (release, held)
    }
}

/// Polls `fut` at most `polls` times, then drops it where it stands.
async fn hang_up<F: Future>(fut: F, polls: usize) -> Option<F::Output> {
    let mut fut = Box::pin(fut);
    let mut left = polls;
    std::future::poll_fn(move |cx| {
        if left == 0 {
            return Poll::Ready(None);
        }
        left -= 1;
        fut.as_mut().poll(cx).map(Some)
    })
    .await
}

/// Lets the writer task take what was handed to it.
async fn queued() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_write_whose_caller_hangs_up_at_any_step_is_whole_or_absent() -> Outcome {
    let s = scratch("hang-up").await?;
    let mut finished = false;
    for polls in 0..20 {
        finished |= hang_up(s.insert(polls, &["a", "b"]), polls as usize)
            .await
            .is_some();
        s.insert(1_000 + polls, &["next"]).await?;
    }
    assert!(finished, "some write ran to its end before it was dropped");
    s.writer.settle().await;
    let rows = s.rows().await?;
    for v in 0..20 {
        let parts: Vec<&str> = rows
            .iter()
            .filter(|r| r.0 == v)
            .map(|r| r.1.as_str())
            .collect();
        assert!(
            parts.is_empty() || parts == ["a", "b"],
            "write {v} left {parts:?}"
        );
    }
    assert_eq!(rows.iter().filter(|r| r.1 == "next").count(), 20);
    Ok(())
}

#[tokio::test]
async fn a_failing_write_loses_only_its_own_work_in_a_shared_batch() -> Outcome {
    let s = scratch("failing").await?;
    let (release, held) = s.hold();
    queued().await;
    let commits = s.writer.state.ends().0;
    let a = s.insert(1, &["a", "b"]);
    let failing = s.writer.write(|tx| {
        Box::pin(async move {
            tx.execute("INSERT INTO t (v) VALUES (2)", &[]).await?;
            tx.execute("INSERT INTO nowhere VALUES (1)", &[]).await?;
            Ok(())
        })
    });
    let c = s.insert(3, &["c"]);
    let released = async {
        queued().await;
        let _ = release.send(());
    };
    let (a, failing, c, ()) = tokio::join!(a, failing, c, released);
    held.await??;
    assert!(a.is_ok() && c.is_ok(), "{a:?} {c:?}");
    assert!(failing.is_err(), "the failing write reports its error");
    assert_eq!(
        s.rows().await?,
        [(1, "a".into()), (1, "b".into()), (3, "c".into())]
    );
    assert_eq!(
        s.writer.state.ends().0,
        commits + 1,
        "one commit for the batch"
    );
    Ok(())
}

#[tokio::test]
async fn a_write_that_panics_is_rolled_back_and_the_writer_goes_on() -> Outcome {
    let s = scratch("panic").await?;
    let panicked = s
        .writer
        .write(|tx| {
            Box::pin(async move {
                tx.execute("INSERT INTO t (v) VALUES (1)", &[]).await?;
                let words: Vec<&str> = Vec::new();
                Ok::<_, StoreError>(words[3].len())
            })
        })
        .await;
    assert!(panicked.is_err());
    s.insert(2, &["after"]).await?;
    assert_eq!(s.rows().await?, [(2, "after".into())]);
    Ok(())
}

#[tokio::test]
async fn a_batch_that_sqlite_rolled_back_is_never_acknowledged() -> Outcome {
    let s = scratch("rolled-back").await?;
    let (release, held) = s.hold();
    queued().await;
    let a = s.insert(1, &["a"]);
    // What SQLite does by itself on a full disk or an I/O error: the whole transaction
    // is rolled back under the writer.
    let lost = s.writer.write(|tx| {
        Box::pin(async move {
            tx.execute("ROLLBACK", &[]).await?;
            Ok(())
        })
    });
    // A write behind it must not run in what is left of that batch: its savepoint would
    // open a transaction of its own, and the batch's failing commit would then report a
    // stored write as failed.
    let c = s.insert(3, &["c"]);
    let released = async {
        queued().await;
        let _ = release.send(());
    };
    let (a, lost, c, ()) = tokio::join!(a, lost, c, released);
    assert!(
        held.await?.is_err(),
        "the holding write was in the lost batch"
    );
    assert!(
        a.is_err(),
        "a write in a batch that was rolled back is not acknowledged"
    );
    assert!(lost.is_err());
    assert!(c.is_ok(), "{c:?}");
    s.insert(4, &["next"]).await?;
    assert_eq!(s.rows().await?, [(3, "c".into()), (4, "next".into())]);
    Ok(())
}

#[tokio::test]
async fn a_transaction_the_writer_did_not_open_is_rolled_back_before_the_next_batch() -> Outcome {
    let s = scratch("heal").await?;
    s.insert(1, &["a"]).await?;
    // A write that commits the batch itself and leaves a transaction of its own open:
    // the wedge the writer must heal.
    let rogue = s
        .writer
        .write(|tx| {
            Box::pin(async move {
                tx.execute("COMMIT", &[]).await?;
                tx.execute("BEGIN", &[]).await?;
                tx.execute("INSERT INTO t (v, part) VALUES (2, 'rogue')", &[])
                    .await?;
                Ok(())
            })
        })
        .await;
    assert!(
        rogue.is_err(),
        "a write that ended its batch is not vouched for"
    );
    s.insert(3, &["next"]).await?;
    assert_eq!(s.rows().await?, [(1, "a".into()), (3, "next".into())]);
    assert_eq!(s.writer.healed(), 1);
    assert_eq!(s.writer.health(), Ok(()));
    Ok(())
}

#[tokio::test]
async fn a_commit_that_fails_is_reported_to_every_write_in_the_batch_and_to_ready() -> Outcome {
    let s = scratch("commit-fails").await?;
    let (release, held) = s.hold();
    queued().await;
    let a = s.insert(1, &["a"]);
    // A deferred foreign key is checked at the commit, which then fails.
    let orphan = s.writer.write(|tx| {
        Box::pin(async move {
            tx.execute("INSERT INTO child (parent) VALUES (42)", &[])
                .await?;
            Ok(())
        })
    });
    let released = async {
        queued().await;
        let _ = release.send(());
    };
    let (a, orphan, ()) = tokio::join!(a, orphan, released);
    assert!(held.await?.is_err());
    assert!(a.is_err() && orphan.is_err(), "{a:?} {orphan:?}");
    let health = s.writer.health();
    assert!(
        health.as_ref().is_err_and(|r| r.contains("commit failed")),
        "{health:?}"
    );
    // The next batch starts clean, commits, and the writer is healthy again.
    s.insert(2, &["next"]).await?;
    assert_eq!(s.rows().await?, [(2, "next".into())]);
    assert_eq!(s.writer.health(), Ok(()));
    assert_eq!(
        s.writer.healed(),
        0,
        "the failed commit was rolled back at once"
    );
    Ok(())
}

#[tokio::test]
async fn a_batch_commits_when_full_even_with_writers_queued() -> Outcome {
    let s = scratch("full").await?;
    let commits = s.writer.state.ends().0;
    let mut tasks = tokio::task::JoinSet::new();
    for v in 0..300 {
        let writer = s.writer.clone();
        tasks.spawn(async move {
            writer
                .write(move |tx| {
                    Box::pin(async move {
                        tx.execute("INSERT INTO t (v) VALUES ($1)", &[v.into()])
                            .await
                    })
                })
                .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    assert_eq!(s.rows().await?.len(), 300);
    assert!(
        s.writer.state.ends().0 - commits >= 3,
        "at most 128 writes a commit"
    );
    Ok(())
}

#[tokio::test]
async fn closing_finishes_the_writes_handed_over_and_refuses_later_ones() -> Outcome {
    let s = scratch("close").await?;
    let (release, held) = s.hold();
    queued().await;
    let first = s.insert(1, &["kept"]);
    let close = async {
        queued().await;
        let closing = s.writer.close();
        let released = async {
            queued().await;
            let _ = release.send(());
        };
        tokio::join!(closing, released);
    };
    let (first, ()) = tokio::join!(first, close);
    held.await??;
    first?;
    assert_eq!(s.rows().await?, [(1, "kept".into())]);
    assert!(s.insert(2, &["late"]).await.is_err());
    assert!(s.writer.health().is_err());
    Ok(())
}
