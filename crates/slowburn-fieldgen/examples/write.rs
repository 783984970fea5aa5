//! Writes a field set: `cargo run -p slowburn-fieldgen --example write -- --seed N --athletes K
//! --weeks W --out DIR`, then `slowburn --db X import DIR/a00` (one athlete per database).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut seed = 1u64;
    let mut n = 4usize;
    let mut weeks = 10u32;
    let mut out = PathBuf::from("fieldgen-out");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        let ok = match a.as_str() {
            "--seed" => v.parse().map(|x| seed = x).is_ok(),
            "--athletes" => v.parse().map(|x| n = x).is_ok(),
            "--weeks" => v.parse().map(|x| weeks = x).is_ok(),
            "--out" => {
                out = PathBuf::from(v);
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("usage: write --seed N --athletes K --weeks W --out DIR (bad {a})");
            return ExitCode::from(2);
        }
    }
    match slowburn_fieldgen::write_set(seed, n, weeks, &out) {
        Ok(t) => {
            let mut by: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
            for r in &t {
                *by.entry(r.kind.as_str()).or_default() += 1;
            }
            eprintln!(
                "wrote {} runs to {} (truth.json beside them): {by:?}",
                t.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("writing {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
