//! A rustyfit-based stand-in for `slowburn inspect --json`, for the whole-process comparison
//! in docs/PERFORMANCE.md: reads each file, decodes it with rustyfit's streaming decoder and
//! prints record count and heart-rate statistics as JSON.
//!
//! `cargo build --release --example rustyfit_inspect -p slowburn-formats`

use rustyfit::{profile::typedef::MesgNum, proto::Value, Decoder, DecoderEvent, StreamingIterator};

fn main() {
    let mut out = Vec::new();
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            out.push(serde_json::json!({ "file": path, "error": "cannot read" }));
            continue;
        };
        let mut dec = Decoder::new();
        let mut reader: &[u8] = &bytes;
        let mut stream = dec.stream(&mut reader);
        let (mut records, mut hr_n, mut hr_sum, mut hr_min, mut hr_max) =
            (0u64, 0u64, 0u64, u8::MAX, 0u8);
        let mut error = None;
        while let Some(ev) = stream.next() {
            match ev {
                Err(e) => {
                    error = Some(format!("{e:?}"));
                    break;
                }
                Ok(DecoderEvent::Message(m)) if m.num == MesgNum::RECORD => {
                    records += 1;
                    for f in &m.fields {
                        if let (3, Value::Uint8(h)) = (f.num, f.value.clone()) {
                            if h > 0 {
                                hr_n += 1;
                                hr_sum += u64::from(h);
                                hr_min = hr_min.min(h);
                                hr_max = hr_max.max(h);
                            }
                        }
                    }
                }
                Ok(_) => {}
            }
        }
        out.push(serde_json::json!({
            "file": path, "record_count": records, "hr_count": hr_n,
            "hr_min": (hr_n > 0).then_some(hr_min), "hr_max": (hr_n > 0).then_some(hr_max),
            "hr_mean": (hr_n > 0).then(|| hr_sum as f64 / hr_n as f64), "error": error,
        }));
    }
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}
