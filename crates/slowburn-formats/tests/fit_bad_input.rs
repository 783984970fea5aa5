//! Bad input never panics, never loops, never takes unbounded memory: it gives `Err`, or a
//! `Recording` with warnings. Truncation at every byte offset of real files, random bytes,
//! lying headers, huge definitions, invalid base types and endless chains.

use std::path::PathBuf;

use proptest::prelude::*;
use slowburn_formats::fit::{self, crc::crc16};

fn corpus_file(name: &str) -> Vec<u8> {
    let dir = std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("corpus file {name}: {e}"))
}

/// A 14-byte header for `data_len` bytes of data, with a correct header CRC.
fn header(data_len: u32) -> Vec<u8> {
    let mut h = vec![14, 0x20, 0x08, 0x08];
    h.extend_from_slice(&data_len.to_le_bytes());
    h.extend_from_slice(b".FIT");
    let c = crc16(&h);
    h.extend_from_slice(&c.to_le_bytes());
    h
}

/// A whole FIT file around `data`: header, data, file CRC.
fn file(data: &[u8]) -> Vec<u8> {
    let mut f = header(data.len() as u32);
    f.extend_from_slice(data);
    let c = crc16(&f);
    f.extend_from_slice(&c.to_le_bytes());
    f
}

/// `file_id` (activity) + a record definition (timestamp, `heart_rate`) + `n` records.
fn small_activity(n: u32) -> Vec<u8> {
    let mut d = vec![0x40, 0, 0, 0, 0, 1, 0, 1, 0x00]; // def local 0: file_id, 1 field: type enum
    d.extend_from_slice(&[0x00, 4]); // data: type = activity
    d.extend_from_slice(&[0x41, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02]); // def local 1: record
    for i in 0..n {
        d.push(0x01);
        d.extend_from_slice(&(1_000_000_000u32 + i).to_le_bytes());
        d.push(120 + (i % 50) as u8);
    }
    file(&d)
}

#[test]
fn a_handmade_file_decodes() {
    let rec = fit::decode(&small_activity(10)).expect("decodes");
    assert_eq!(rec.samples.len(), 10);
    assert_eq!(rec.samples.heart_rate[3], Some(123));
    assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
}

#[test]
fn truncation_at_every_byte_of_real_files_never_panics() {
    for name in [
        "python-fitparse/garmin-fenix-5-run.fit",
        "python-fitparse/activity-settings.fit",
        "fit-python-sdk/HrmPluginTestActivity.fit",
        "python-fitparse/compressed-speed-distance.fit",
    ] {
        let bytes = corpus_file(name);
        let full = fit::decode(&bytes).expect("full file decodes");
        // Ends of the chained files: a cut exactly there is a complete (shorter) chain.
        let mut ends = Vec::new();
        let mut p = 0usize;
        while p + 12 <= bytes.len() && &bytes[p + 8..p + 12] == b".FIT" {
            let size = u32::from_le_bytes([bytes[p + 4], bytes[p + 5], bytes[p + 6], bytes[p + 7]]);
            p += bytes[p] as usize + size as usize + 2;
            ends.push(p);
        }
        for cut in 0..bytes.len() {
            match fit::decode(&bytes[..cut]) {
                Err(_) => assert!(cut < 14, "{name} cut at {cut}: Err after a valid header"),
                Ok(rec) => {
                    assert!(rec.samples.len() <= full.samples.len(), "{name} cut at {cut}");
                    if !ends.contains(&cut) {
                        assert!(!rec.warnings.is_empty(), "{name} cut at {cut}: no warning");
                    }
                }
            }
        }
    }
}

#[test]
fn not_fit_is_an_error_naming_the_offset() {
    let e = fit::decode(b"<?xml version=\"1.0\"?><gpx></gpx>").expect_err("not FIT");
    assert!(e.to_string().contains("at byte 0"), "{e}");
    assert!(fit::decode(&[]).is_err());
}

#[test]
fn a_header_that_lies_about_the_data_size_is_a_warning() {
    let mut f = small_activity(20);
    f[4..8].copy_from_slice(&1_000_000u32.to_le_bytes());
    let rec = fit::decode(&f).expect("data returned");
    assert_eq!(rec.samples.len(), 20);
    assert!(
        rec.warnings.iter().any(|w| w.message.contains("data bytes follow")),
        "{:?}",
        rec.warnings
    );
}

#[test]
fn a_definition_with_255_fields_is_read_and_skipped_by_size() {
    let mut d = vec![0x40, 0, 0, 0xFF, 0xFF, 255]; // unknown global message 65535, 255 fields
    for i in 0..255u8 {
        d.extend_from_slice(&[i, 255, 0x0D]); // byte arrays of 255 bytes
    }
    d.push(0x00);
    d.extend(std::iter::repeat_n(0xAB, 255 * 255));
    let f = file(&d);
    let rec = fit::decode(&f).expect("decodes");
    assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
}

#[test]
fn invalid_base_types_are_skipped_with_a_warning() {
    let mut d = vec![0x40, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x1F]; // base type 0x1F does not exist
    d.push(0x00);
    d.extend_from_slice(&1_000_000_000u32.to_le_bytes());
    d.push(150);
    let rec = fit::decode(&file(&d)).expect("decodes");
    assert_eq!(rec.samples.len(), 1);
    assert_eq!(rec.samples.heart_rate[0], None);
    assert!(rec.warnings.iter().any(|w| w.message.contains("unknown base type")));
}

#[test]
fn an_undefined_local_message_stops_with_a_warning() {
    let mut d = small_activity(3);
    let end = d.len() - 2;
    d.truncate(end);
    d.push(0x05); // data message, local type 5: never defined
    let len = (d.len() - 14) as u32;
    d[4..8].copy_from_slice(&len.to_le_bytes());
    let rec = fit::decode(&d).expect("decodes");
    assert_eq!(rec.samples.len(), 3);
    assert!(rec.warnings.iter().any(|w| w.message.contains("no definition")));
}

#[test]
fn an_endless_chain_of_empty_files_ends() {
    // 100,000 chained files of zero data: linear time, one file kind each.
    let one = file(&[]);
    let chain: Vec<u8> = one.iter().copied().cycle().take(one.len() * 100_000).collect();
    let rec = fit::decode(&chain).expect("decodes");
    assert!(rec.samples.is_empty());
}

#[test]
fn big_endian_definitions_decode() {
    let mut d = vec![0x40, 0, 1, 0, 20, 2, 253, 4, 0x86, 6, 2, 0x84]; // record, big endian
    d.push(0x00);
    d.extend_from_slice(&1_000_000_000u32.to_be_bytes());
    d.extend_from_slice(&3_500u16.to_be_bytes());
    let rec = fit::decode(&file(&d)).expect("decodes");
    assert_eq!(rec.samples.speed_mps[0], Some(3.5));
    assert_eq!(rec.start, Some((1_000_000_000 + slowburn_formats::FIT_EPOCH_OFFSET_S) * 1000));
}

#[test]
fn compressed_timestamps_roll_over() {
    let mut d = vec![0x40, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02]; // local 0: timestamp + hr
    d.extend_from_slice(&[0x41, 0, 0, 20, 0, 1, 3, 1, 0x02]); // local 1: hr only
    d.push(0x00);
    d.extend_from_slice(&1_000_000_030u32.to_le_bytes()); // low 5 bits = 30
    d.push(100);
    // Compressed header, local type 1, offset 2 (< 30): rolls over to +4 s.
    d.extend_from_slice(&[0x80 | (1 << 5) | 2, 101]);
    let rec = fit::decode(&file(&d)).expect("decodes");
    let t0 = rec.samples.time[0].expect("t0");
    assert_eq!(rec.samples.time[1], Some(t0 + 4000));
}

#[test]
fn heart_rate_zero_is_missing() {
    let mut d = vec![0x40, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02];
    for (i, hr) in [0u8, 140, 255].into_iter().enumerate() {
        d.push(0x00);
        d.extend_from_slice(&(1_000_000_000u32 + i as u32).to_le_bytes());
        d.push(hr);
    }
    let rec = fit::decode(&file(&d)).expect("decodes");
    assert_eq!(rec.samples.heart_rate, vec![None, Some(140), None]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = fit::decode(&bytes);
    }

    #[test]
    fn random_data_behind_a_valid_header_never_panics(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let f = file(&data);
        let rec = fit::decode(&f);
        prop_assert!(rec.is_ok());
    }

    #[test]
    fn corrupting_bytes_of_a_real_file_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16)
    ) {
        let mut bytes = small_activity(50);
        let n = bytes.len();
        for (pos, b) in edits {
            bytes[14 + pos % (n - 14)] = b;
        }
        let _ = fit::decode(&bytes);
    }

    #[test]
    fn memory_stays_bounded_by_input(n in 0u32..2000) {
        let f = small_activity(n);
        let rec = fit::decode(&f).expect("decodes");
        prop_assert_eq!(rec.samples.len(), n as usize);
    }
}

#[test]
fn monitoring_files_give_all_day_heart_rate_and_resting_heart_rate() {
    // file_id: type monitoring_b (32).
    let mut d = vec![0x40, 0, 0, 0, 0, 1, 0, 1, 0x00, 0x00, 32];
    // monitoring (55): timestamp + heart_rate; then timestamp_16 + heart_rate.
    d.extend_from_slice(&[0x41, 0, 0, 55, 0, 2, 253, 4, 0x86, 27, 1, 0x02]);
    d.extend_from_slice(&[0x42, 0, 0, 55, 0, 2, 26, 2, 0x84, 27, 1, 0x02]);
    // monitoring_hr_data (211): timestamp + resting_heart_rate.
    d.extend_from_slice(&[0x43, 0, 0, 211, 0, 2, 253, 4, 0x86, 0, 1, 0x02]);
    let t0 = 1_100_000_000u32;
    d.push(0x01);
    d.extend_from_slice(&t0.to_le_bytes());
    d.push(61);
    // 16-bit timestamp 60 s later.
    d.push(0x02);
    d.extend_from_slice(&(((t0 + 60) & 0xFFFF) as u16).to_le_bytes());
    d.push(52);
    d.push(0x03);
    d.extend_from_slice(&(t0 + 120).to_le_bytes());
    d.push(49);
    let rec = fit::decode(&file(&d)).expect("decodes");
    assert_eq!(rec.kind(), Some(slowburn_formats::FileKind::Monitoring));
    let base = (i64::from(t0) + slowburn_formats::FIT_EPOCH_OFFSET_S) * 1000;
    assert_eq!(rec.monitoring_hr, vec![(base, 61), (base + 60_000, 52)]);
    assert_eq!(rec.resting_hr, vec![(base + 120_000, 49)]);
}
