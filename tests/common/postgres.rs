//! A fresh PostgreSQL database per test, on the server named by `SKILLSPASS_TEST_DATABASE` (default: the local
//! cluster `.ci/run` sets up, `postgres://skillspass:skillspass@127.0.0.1:5432/skillspass`; the role needs
//! CREATEDB). Without a reachable server the PostgreSQL half of a test says it was skipped, unless
//! `SKILLSPASS_POSTGRES=required` (set by `.ci/run`), which makes it fail instead.

use tokio_postgres::NoTls;

const DEFAULT_ADMIN_URL: &str = "postgres://skillspass:skillspass@127.0.0.1:5432/skillspass";

/// A database created for one test and dropped after it.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    /// Its URL, for `--database`.
    pub url: String,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn admin(url: &str, sql: String) -> Result<(), tokio_postgres::Error> {
    let url = url.to_owned();
    // A thread of its own: callers may be inside a tokio runtime.
    std::thread::spawn(move || {
        runtime().block_on(async move {
            let (client, connection) = tokio_postgres::connect(&url, NoTls).await?;
            tokio::spawn(connection);
            client.batch_execute(&sql).await
        })
    })
    .join()
    .unwrap()
}

impl TestDatabase {
    /// A new empty database, or None (after saying so) when no PostgreSQL is reachable and it is not required.
    pub fn create(test: &str) -> Option<Self> {
        let admin_url = std::env::var("SKILLSPASS_TEST_DATABASE").unwrap_or_else(|_| DEFAULT_ADMIN_URL.into());
        let name = format!("skillspass_test_{}", uuid::Uuid::new_v4().simple());
        let mut url = url::Url::parse(&admin_url).unwrap();
        let server = format!("{}:{}", url.host_str().unwrap_or("?"), url.port().unwrap_or(5432));
        if let Err(e) = admin(&admin_url, format!("CREATE DATABASE {name}")) {
            assert!(
                std::env::var("SKILLSPASS_POSTGRES").as_deref() != Ok("required"),
                "{test}: PostgreSQL is required here but {server} refused: {e}"
            );
            // Written past the test harness's capture, so a passing run still says what it did not test.
            let note = format!("SKIPPED {test} on PostgreSQL: nothing answers at {server} ({e})\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
            return None;
        }
        url.set_path(&name);
        Some(Self { admin_url, name, url: url.to_string() })
    }

    /// Runs a query on this database and returns the rows' first columns as bytes (for reading tables).
    pub fn values(&self, sql: &str) -> Vec<Vec<u8>> {
        let (url, sql) = (self.url.clone(), sql.to_owned());
        std::thread::spawn(move || {
            runtime().block_on(async move {
                let (client, connection) = tokio_postgres::connect(&url, NoTls).await.unwrap();
                tokio::spawn(connection);
                client.query(&sql, &[]).await.unwrap().into_iter().map(|row| row.get::<_, Vec<u8>>(0)).collect()
            })
        })
        .join()
        .unwrap()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = admin(&self.admin_url, format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}
