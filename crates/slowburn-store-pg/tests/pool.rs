//! The server's connection pool: bounded, a borrower waits and is then refused with a reason,
//! a connection is given back when its store is dropped, and a connection the server closed is
//! replaced rather than lent again.

mod common;

use std::time::{Duration, Instant};

use common::{server, TestDb};
use slowburn_store::Store as _;
use slowburn_store_pg::{Access, Action, PgStore, Pool};

#[test]
fn the_pool_is_bounded_and_heals() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "pool");
    drop(PgStore::connect(&db.url, "anna").expect("the athlete"));
    let mut acc = Access::connect(&db.url).expect("access");
    acc.create_account("anna", "a-long-secret", Some("anna")).expect("account");
    let anna = acc.act_as("anna").expect("anna");
    let pool = Pool::new(&db.url, 2).expect("pool").with_wait(Duration::from_millis(300));
    assert_eq!(pool.max(), 2);

    let a = PgStore::open_pooled(&pool, &anna, "anna", Action::Read).expect("first");
    let b = Access::from_pool(&pool).expect("second");
    let t = Instant::now();
    let Err(e) = Access::from_pool(&pool) else { panic!("a third connection was lent") };
    assert!(t.elapsed() >= Duration::from_millis(250), "it waited first");
    assert!(e.to_string().contains("all 2 connections"), "{e}");
    assert!(e.is_environment(), "busy is the environment's: {e}");
    // Given back when dropped: the next borrower gets it.
    drop(b);
    let mut c = Access::from_pool(&pool).expect("given back");
    assert!(c.changes_of("anna").is_ok());
    drop(c);
    assert!(a.activities(&slowburn_store::Filter::default()).expect("reads").is_empty());
    drop(a);

    // The server closes every connection of the pool: after a second of idleness a
    // connection is checked before it is lent, and a closed one replaced.
    let mut admin = db.client();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .expect("terminate");
    std::thread::sleep(Duration::from_millis(1100));
    for _ in 0..3 {
        let store = PgStore::open_pooled(&pool, &anna, "anna", Action::Read).expect("healed");
        assert!(store.activities(&slowburn_store::Filter::default()).expect("reads").is_empty());
    }
    // A caller without rights is refused before anything is read, and the connection returns.
    let mut acc = Access::connect(&db.url).expect("access again (it was closed too)");
    acc.create_account("stranger", "a-long-secret", None).expect("account");
    let stranger = acc.act_as("stranger").expect("stranger");
    for _ in 0..3 {
        let Err(e) = PgStore::open_pooled(&pool, &stranger, "anna", Action::Read) else {
            panic!("a stranger opened anna's store")
        };
        assert!(e.to_string().contains("may not read the history of athlete \"anna\""), "{e}");
    }
    assert!(Access::from_pool(&pool).is_ok(), "refusals gave their connections back");
}
