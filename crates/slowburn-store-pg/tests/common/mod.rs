//! What the tests share: `slowburn_store_pg::testing` (the server named by `SLOWBURN_PG_URL`,
//! a database of its own for each test).
#![allow(unused_imports)] // Each test file uses its own part of it.

pub(crate) use slowburn_store_pg::testing::{server, unique, with_db, TestDb};
