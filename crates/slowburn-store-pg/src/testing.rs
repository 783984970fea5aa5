//! What the `PostgreSQL` tests of every crate share (feature `testing`): the server named by
//! `SLOWBURN_PG_URL`, and a database of its own for each test, dropped with it.

use std::sync::atomic::{AtomicU32, Ordering};

/// The test server's URL, or `None` (saying so) when none is given — except with `CI=true`,
/// where a missing server fails the test: CI never skips the `PostgreSQL` tests.
///
/// # Panics
/// With `CI=true` and no `SLOWBURN_PG_URL`.
#[must_use]
pub fn server() -> Option<String> {
    match std::env::var("SLOWBURN_PG_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "SLOWBURN_PG_URL is not set and CI=true: the PostgreSQL tests must run on CI \
                 (SLOWBURN_PG_URL=$(bash scripts/pg-throwaway.sh start))"
            );
            eprintln!(
                "SLOWBURN_PG_URL is not set: the PostgreSQL tests did not run. Start a server \
                 with `SLOWBURN_PG_URL=$(bash scripts/pg-throwaway.sh start)` to run them."
            );
            None
        }
    }
}

/// A name no other test (or run) uses.
#[must_use]
pub fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{tag}_{}_{nanos}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// `url` with its database replaced by `db`.
#[must_use]
pub fn with_db(url: &str, db: &str) -> String {
    if let Some(i) = url.find("://") {
        let rest = &url[i + 3..];
        let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
        let query = tail.find('?').map_or("", |q| &tail[q..]);
        format!("{}{authority}/{db}{query}", &url[..i + 3])
    } else {
        format!("{url} dbname={db}")
    }
}

/// A database of its own for one test, dropped with it. Made and dropped with the blocking
/// client: outside an async runtime.
pub struct TestDb {
    admin: String,
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// # Panics
    /// When the server refuses the database.
    #[must_use]
    pub fn new(server: &str, tag: &str) -> TestDb {
        let name = unique(tag).to_lowercase();
        let mut c = postgres::Client::connect(server, postgres::NoTls).expect("admin connection");
        c.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
        TestDb { admin: server.to_owned(), url: with_db(server, &name), name }
    }

    /// A plain connection to the test's database.
    ///
    /// # Panics
    /// When it cannot connect.
    #[must_use]
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("raw connection")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}
