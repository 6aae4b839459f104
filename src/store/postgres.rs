//! The PostgreSQL engine of the storage interface, for several `serve` nodes sharing one state (issue 15).
//!
//! Every tree is a `space` of rows in one `entries` table (and a `counters` table), so the engine offers exactly
//! what the sled engine offers and the roles above cannot tell them apart: reads, upserts, atomic
//! compare-and-swap (one conditional statement each, so two nodes can never both move a record out of the same
//! state), removal that returns what it removed (single use across nodes), prefix scans in key order, counters
//! and expiry kept in a column so the background purge is one indexed `DELETE`.
//!
//! The roles are synchronous (sled is), the client is async: the engine owns a small runtime of its own with
//! the connection pool (deadpool), and a call waits for its statement there. Called from a server worker, the
//! wait is announced to tokio (`block_in_place`) so the worker's other tasks move on. The schema lives in
//! `src/store/migrations/`, applied in order at start under an advisory lock, so nodes starting together apply
//! each migration once.

use std::future::Future;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use super::StoreError;

/// The migrations, in order: (version, name, SQL).
const MIGRATIONS: &[(i32, &str, &str)] = &[(1, "entries", include_str!("migrations/0001_entries.sql"))];

/// The advisory lock nodes take while migrating (an arbitrary constant: "skillspass" in ASCII, truncated).
const MIGRATION_LOCK: i64 = 0x736b_696c_6c73_7061;

/// A connection pool to one PostgreSQL database, with the runtime its connections live on.
pub struct Postgres {
    pool: Pool,
    runtime: Option<tokio::runtime::Runtime>,
    /// Where it connects, without the password.
    target: String,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Postgres({})", self.target)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Postgres(e.to_string())
}

/// A client error with the server's own message (tokio-postgres's `Display` says only "db error").
fn client_failed(e: &tokio_postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Postgres(format!("{}: {}", db.code().code(), db.message())),
        None => failed(e),
    }
}

impl Postgres {
    /// Connects to `url` (`postgres://user:password@host:port/database`), checks it is reachable and applies the
    /// migrations this build has that the database lacks.
    ///
    /// # Errors
    /// [`StoreError::Postgres`] for a bad URL, an unreachable server or a failed migration.
    pub fn connect(url: &str, pool_size: usize) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| failed(format!("database URL: {e}")))?;
        let target = describe(&config);
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("skillspass-postgres")
            .enable_all()
            .build()
            .map_err(failed)?;
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(failed)?;
        let engine = Self { pool, runtime: Some(runtime), target };
        engine.migrate().map_err(|e| match e {
            StoreError::Postgres(reason) => failed(format!("{reason} ({})", engine.target)),
            other => other,
        })?;
        Ok(engine)
    }

    /// Where this pool connects (host, port, database; never the password).
    #[must_use]
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Runs `work` on the engine's runtime and waits for it.
    fn block<T: Send + 'static>(
        &self,
        work: impl Future<Output = Result<T, StoreError>> + Send + 'static,
    ) -> Result<T, StoreError> {
        let runtime = self.runtime.as_ref().ok_or_else(|| failed("the database engine is shut down"))?;
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            let _ = sender.send(work.await);
        });
        let wait = move || receiver.recv().map_err(|_| failed("the database task stopped"))?;
        match tokio::runtime::Handle::try_current() {
            Ok(caller) if caller.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(wait)
            }
            _ => wait(),
        }
    }

    /// Runs one statement shape with a pooled connection.
    fn with_client<T, F, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, tokio_postgres::Error>> + Send + 'static,
        W: FnOnce(deadpool_postgres::Object) -> F + Send + 'static,
    {
        let pool = self.pool.clone();
        self.block(async move {
            let client = pool.get().await.map_err(failed)?;
            work(client).await.map_err(|e| client_failed(&e))
        })
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        self.block(async move {
            let mut client = pool.get().await.map_err(failed)?;
            let pg = |e: tokio_postgres::Error| client_failed(&e);
            let transaction = client.transaction().await.map_err(pg)?;
            transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(pg)?;
            transaction
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS skillspass_migrations (version integer PRIMARY KEY, name text NOT \
                     NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                )
                .await
                .map_err(failed)?;
            for (version, name, sql) in MIGRATIONS {
                let applied = transaction
                    .query_opt("SELECT 1 FROM skillspass_migrations WHERE version = $1", &[version])
                    .await
                    .map_err(failed)?;
                if applied.is_none() {
                    transaction
                        .batch_execute(sql)
                        .await
                        .map_err(|e| failed(format!("migration {version}: {}", client_failed(&e))))?;
                    transaction
                        .execute("INSERT INTO skillspass_migrations (version, name) VALUES ($1, $2)", &[version, name])
                        .await
                        .map_err(failed)?;
                }
            }
            transaction.commit().await.map_err(pg)
        })
    }

    /// Whether the database answers.
    ///
    /// # Errors
    /// [`StoreError::Postgres`].
    pub fn ping(&self) -> Result<(), StoreError> {
        self.with_client(|c| async move { c.query_one("SELECT 1", &[]).await.map(drop) })
    }

    pub(super) fn get(&self, space: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let (space, key) = (space.to_owned(), key.to_vec());
        self.with_client(move |c| async move {
            let statement = c.prepare_cached("SELECT value FROM entries WHERE space = $1 AND key = $2").await?;
            Ok(c.query_opt(&statement, &[&space, &key]).await?.map(|row| row.get(0)))
        })
    }

    pub(super) fn insert(&self, space: &str, key: &[u8], value: &[u8], expires: Option<i64>) -> Result<(), StoreError> {
        let (space, key, value) = (space.to_owned(), key.to_vec(), value.to_vec());
        self.with_client(move |c| async move {
            let statement = c
                .prepare_cached(
                    "INSERT INTO entries (space, key, value, expires) VALUES ($1, $2, $3, $4) ON CONFLICT (space, \
                     key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires",
                )
                .await?;
            c.execute(&statement, &[&space, &key, &value, &expires]).await.map(drop)
        })
    }

    pub(super) fn remove(&self, space: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let (space, key) = (space.to_owned(), key.to_vec());
        self.with_client(move |c| async move {
            let statement =
                c.prepare_cached("DELETE FROM entries WHERE space = $1 AND key = $2 RETURNING value").await?;
            Ok(c.query_opt(&statement, &[&space, &key]).await?.map(|row| row.get(0)))
        })
    }

    /// Replaces `old` (None: absent) with `new` (None: remove) in one conditional statement.
    pub(super) fn compare_and_swap(
        &self,
        space: &str,
        key: &[u8],
        old: Option<&[u8]>,
        new: Option<(&[u8], Option<i64>)>,
    ) -> Result<bool, StoreError> {
        let (space, key) = (space.to_owned(), key.to_vec());
        let old = old.map(<[u8]>::to_vec);
        let new = new.map(|(value, expires)| (value.to_vec(), expires));
        self.with_client(move |c| async move {
            let changed = match (old, new) {
                (None, Some((value, expires))) => {
                    let sql = "INSERT INTO entries (space, key, value, expires) VALUES ($1, $2, $3, $4) ON CONFLICT \
                               (space, key) DO NOTHING";
                    c.execute(&c.prepare_cached(sql).await?, &[&space, &key, &value, &expires]).await?
                }
                (Some(old), Some((value, expires))) => {
                    let sql =
                        "UPDATE entries SET value = $3, expires = $4 WHERE space = $1 AND key = $2 AND value = $5";
                    c.execute(&c.prepare_cached(sql).await?, &[&space, &key, &value, &expires, &old]).await?
                }
                (Some(old), None) => {
                    let sql = "DELETE FROM entries WHERE space = $1 AND key = $2 AND value = $3";
                    c.execute(&c.prepare_cached(sql).await?, &[&space, &key, &old]).await?
                }
                (None, None) => {
                    let sql = "SELECT 1 FROM entries WHERE space = $1 AND key = $2";
                    u64::from(c.query_opt(&c.prepare_cached(sql).await?, &[&space, &key]).await?.is_none())
                }
            };
            Ok(changed == 1)
        })
    }

    /// Entries whose key starts with `prefix`, in key order (bytea compares bytewise, as sled does).
    pub(super) fn scan_prefix(&self, space: &str, prefix: &[u8]) -> Result<Vec<super::database::Entry>, StoreError> {
        let (space, prefix) = (space.to_owned(), prefix.to_vec());
        let upper = upper_bound(&prefix);
        self.with_client(move |c| async move {
            let statement = c
                .prepare_cached(
                    "SELECT key, value FROM entries WHERE space = $1 AND key >= $2 AND ($3::bytea IS NULL OR key < \
                     $3) ORDER BY key",
                )
                .await?;
            let rows = c.query(&statement, &[&space, &prefix, &upper]).await?;
            Ok(rows.into_iter().map(|row| (row.get(0), row.get(1))).collect())
        })
    }

    pub(super) fn len(&self, space: &str) -> Result<usize, StoreError> {
        let space = space.to_owned();
        let count: i64 = self.with_client(move |c| async move {
            let statement = c.prepare_cached("SELECT count(*) FROM entries WHERE space = $1").await?;
            Ok(c.query_one(&statement, &[&space]).await?.get(0))
        })?;
        usize::try_from(count).map_err(failed)
    }

    /// Whether the space holds at least `limit` entries (counting no further than that).
    pub(super) fn holds_at_least(&self, space: &str, limit: usize) -> Result<bool, StoreError> {
        let space = space.to_owned();
        let limit = i64::try_from(limit).map_err(failed)?;
        let count: i64 = self.with_client(move |c| async move {
            let statement = c
                .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM entries WHERE space = $1 LIMIT $2) AS found")
                .await?;
            Ok(c.query_one(&statement, &[&space, &limit]).await?.get(0))
        })?;
        Ok(count >= limit)
    }

    /// The counter under `key` (0 before its first increment).
    pub(super) fn counter(&self, space: &str, key: &[u8]) -> Result<u64, StoreError> {
        let (space, key) = (space.to_owned(), key.to_vec());
        let value: Option<i64> = self.with_client(move |c| async move {
            let statement = c.prepare_cached("SELECT value FROM counters WHERE space = $1 AND key = $2").await?;
            Ok(c.query_opt(&statement, &[&space, &key]).await?.map(|row| row.get(0)))
        })?;
        u64::try_from(value.unwrap_or(0)).map_err(failed)
    }

    pub(super) fn increment(&self, space: &str, key: &[u8]) -> Result<u64, StoreError> {
        let (space, key) = (space.to_owned(), key.to_vec());
        let value: i64 = self.with_client(move |c| async move {
            let statement = c
                .prepare_cached(
                    "INSERT INTO counters (space, key, value) VALUES ($1, $2, 1) ON CONFLICT (space, key) DO UPDATE \
                     SET value = counters.value + 1 RETURNING value",
                )
                .await?;
            Ok(c.query_one(&statement, &[&space, &key]).await?.get(0))
        })?;
        u64::try_from(value).map_err(failed)
    }

    /// Removes the entries of `space` whose expiry is at or before `now` (Unix seconds).
    pub(super) fn purge(&self, space: &str, now: i64) -> Result<usize, StoreError> {
        let space = space.to_owned();
        let removed = self.with_client(move |c| async move {
            let statement = c.prepare_cached("DELETE FROM entries WHERE space = $1 AND expires <= $2").await?;
            c.execute(&statement, &[&space, &now]).await
        })?;
        usize::try_from(removed).map_err(failed)
    }
}

/// The smallest key above every key starting with `prefix`; None when there is none (empty or all 0xFF).
fn upper_bound(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < u8::MAX {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}

/// `host:port/database` of a connection config, for messages.
fn describe(config: &tokio_postgres::Config) -> String {
    let host = config.get_hosts().first().map_or_else(
        || "localhost".into(),
        |host| match host {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        },
    );
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("postgres at {host}:{port}/{}", config.get_dbname().unwrap_or("(default database)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bounds_cover_exactly_the_prefix() {
        assert_eq!(upper_bound(b""), None);
        assert_eq!(upper_bound(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(upper_bound(&[1, 0xff]), Some(vec![2]));
        assert_eq!(upper_bound(&[0xff, 0xff]), None);
    }

    #[test]
    fn a_bad_url_is_refused_with_its_reason() {
        let e = Postgres::connect("postgres://host:notaport/db", 1).unwrap_err();
        assert!(e.to_string().contains("database URL"), "{e}");
    }
}
