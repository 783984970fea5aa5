//! What the tests share: the server named by `SLOWBURN_PG_URL`, and a database of its own for
//! each test.
#![allow(dead_code)] // Each test file uses its own part of it.

use std::sync::atomic::{AtomicU32, Ordering};

/// The server's URL, or `None` (with a message) when none is given outside CI.
pub(crate) fn server() -> Option<String> {
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
pub(crate) fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{tag}_{}_{nanos}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// `url` with its database replaced by `db`.
pub(crate) fn with_db(url: &str, db: &str) -> String {
    if let Some(i) = url.find("://") {
        let rest = &url[i + 3..];
        let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
        let query = tail.find('?').map_or("", |q| &tail[q..]);
        format!("{}{authority}/{db}{query}", &url[..i + 3])
    } else {
        format!("{url} dbname={db}")
    }
}

/// A database of its own for one test, dropped with it.
pub(crate) struct TestDb {
    admin: String,
    pub(crate) name: String,
    pub(crate) url: String,
}

impl TestDb {
    pub(crate) fn new(server: &str, tag: &str) -> TestDb {
        let name = unique(tag).to_lowercase();
        let mut c = postgres::Client::connect(server, postgres::NoTls).expect("admin connection");
        c.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
        TestDb { admin: server.to_owned(), url: with_db(server, &name), name }
    }

    pub(crate) fn client(&self) -> postgres::Client {
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
