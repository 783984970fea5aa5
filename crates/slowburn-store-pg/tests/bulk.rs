//! The bulk path (`COPY … binary`) stores what the batch path stores.
//! Needs `SLOWBURN_PG_URL` (see `tests/pg.rs`).

mod common;
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss, dead_code)]
#[path = "../../slowburn-store/tests/contract/mod.rs"]
mod contract;

use common::{server, TestDb};
use slowburn_store::{compress, PartOf, Store};
use slowburn_store_pg::{BulkOriginal, PgStore};

#[test]
fn a_bulk_load_stores_what_batches_store_and_fails_whole() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "bulk");
    let t0 = 1_700_000_000_000_i64;
    let bytes: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 100 + usize::from(i)]).collect();
    let packed: Vec<Vec<u8>> = bytes.iter().map(|b| compress(b).expect("zstd")).collect();
    let mut acts: Vec<_> = (0..4u8)
        .map(|i| contract::activity(i, t0 + i64::from(i) * 86_400_000, 3600.0, 100))
        .collect();
    for part in 0..2 {
        let mut a = contract::part_of(4, part, 2, t0 + 9 * 86_400_000, 600.0);
        a.part = PartOf { part, parts: 2 };
        acts.push(a);
    }
    let originals: Vec<BulkOriginal<'_>> = (0..5u8)
        .map(|i| BulkOriginal {
            sha256: [i; 32],
            name: "f.fit",
            size: bytes[usize::from(i)].len(),
            compressed: &packed[usize::from(i)],
        })
        .collect();
    let mut bulk = PgStore::connect(&db.url, "bulk").expect("connect");
    let ids = bulk.bulk_insert(&originals, &acts).expect("bulk");
    assert_eq!(ids.len(), acts.len());
    let mut slow = PgStore::connect(&db.url, "slow").expect("connect");
    {
        let mut b = slow.batch().expect("batch");
        for o in &originals {
            b.insert_original(&o.sha256, o.name, o.size, o.compressed).expect("orig");
        }
        for a in &acts {
            b.insert_activity(a).expect("insert");
        }
        b.commit().expect("commit");
    }
    assert_eq!(bulk.canonical_dump().expect("dump"), slow.canonical_dump().expect("dump"));
    assert_eq!(bulk.generations().expect("g"), slow.generations().expect("g"));
    assert_eq!(bulk.original(&[2; 32]).expect("original"), bytes[2]);
    assert_eq!(bulk.integrity_check().expect("check"), "ok");
    // Again: the files are there, so the whole load fails and nothing changes.
    let before = bulk.canonical_dump().expect("dump");
    assert!(bulk.bulk_insert(&originals, &acts).is_err());
    assert_eq!(bulk.canonical_dump().expect("dump"), before);
    assert_eq!(bulk.activity(ids[0]).expect("row").id, ids[0]);
}
