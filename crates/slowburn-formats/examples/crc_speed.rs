//! How fast the FIT CRC runs over 64 MB (for docs/PERFORMANCE.md).
fn main() {
    let data: Vec<u8> =
        (0..64u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut best = f64::MAX;
    let mut x = 0u16;
    for _ in 0..5 {
        let t = std::time::Instant::now();
        x ^= slowburn_formats::fit::crc::crc16(&data);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("CRC-16 over 64 MiB: {:.2} GB/s ({x:#06x})", data.len() as f64 / best / 1e9);
}
