//! The FIT CRC: CRC-16/ARC (reflected polynomial 0xA001, initial value 0), as in the FIT
//! protocol's `FitCRC_Get16`.
//!
//! # Design
//! Every decode checks the whole file's CRC, so it is on the hot path: slicing-by-16 tables
//! process sixteen bytes per step, and long inputs run as two interleaved streams (the two
//! halves) whose CRCs are joined with the GF(2) "combine" of zlib's `crc32_combine`, which
//! hides the table look-up latency of the loop-carried dependency. instead of the protocol's nibble-at-a-time loop.

const fn make_tables() -> [[u16; 256]; 16] {
    let mut t = [[0u16; 256]; 16];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u16;
        let mut k = 0;
        while k < 8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xA001 } else { crc >> 1 };
            k += 1;
        }
        t[0][i] = crc;
        i += 1;
    }
    let mut s = 1;
    while s < 16 {
        let mut i = 0;
        while i < 256 {
            let prev = t[s - 1][i];
            t[s][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            i += 1;
        }
        s += 1;
    }
    t
}

static TABLES: [[u16; 256]; 16] = make_tables();

/// Slicing-by-16 over `data`, from state `crc`.
#[inline]
fn slice16(mut crc: u16, data: &[u8]) -> u16 {
    let t = &TABLES;
    let mut chunks = data.chunks_exact(16);
    for c in &mut chunks {
        crc = step16(crc, c);
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ b as u16) & 0xFF) as usize];
    }
    crc
}

#[inline(always)]
fn step16(crc: u16, c: &[u8]) -> u16 {
    let t = &TABLES;
    let lo = crc ^ u16::from_le_bytes([c[0], c[1]]);
    let mut x = t[15][(lo & 0xFF) as usize] ^ t[14][(lo >> 8) as usize];
    for k in 2..16 {
        x ^= t[15 - k][c[k] as usize];
    }
    x
}

/// Apply a 16×16 GF(2) matrix (columns) to a vector.
const fn mat_times(mat: &[u16; 16], mut v: u16) -> u16 {
    let mut sum = 0;
    let mut i = 0;
    while v != 0 {
        if v & 1 != 0 {
            sum ^= mat[i];
        }
        v >>= 1;
        i += 1;
    }
    sum
}

/// `ZERO_POWERS[k]` advances a CRC state over 2^k zero bytes.
const fn make_zero_powers() -> [[u16; 16]; 40] {
    let mut p = [[0u16; 16]; 40];
    // One zero byte: state → (state >> 8) ^ T0[state & 0xFF].
    let mut j = 0;
    while j < 16 {
        let c = 1u16 << j;
        p[0][j] = (c >> 8) ^ make_tables()[0][(c & 0xFF) as usize];
        j += 1;
    }
    let mut k = 1;
    while k < 40 {
        let mut n = 0;
        while n < 16 {
            p[k][n] = mat_times(&p[k - 1], p[k - 1][n]);
            n += 1;
        }
        k += 1;
    }
    p
}

static ZERO_POWERS: [[u16; 16]; 40] = make_zero_powers();

/// The CRC state `crc` advanced over `len` zero bytes (`crc(A‖B) = shift(crc(A), |B|) ^ crc₀(B)`).
fn shift(mut crc: u16, mut len: usize) -> u16 {
    let mut k = 0;
    while len != 0 && k < ZERO_POWERS.len() {
        if len & 1 != 0 {
            crc = mat_times(&ZERO_POWERS[k], crc);
        }
        len >>= 1;
        k += 1;
    }
    crc
}

/// Continue a CRC over `data`.
#[must_use]
pub fn update(crc: u16, data: &[u8]) -> u16 {
    const MIN_SPLIT: usize = 4096;
    if data.len() < MIN_SPLIT {
        return slice16(crc, data);
    }
    // Two interleaved streams over the two halves, joined: independent dependency chains.
    let half = (data.len() / 2) & !15;
    let (a, rest) = data.split_at(half);
    let (b, tail) = rest.split_at(half);
    let (mut ca, mut cb) = (0u16, 0u16);
    for (x, y) in a.chunks_exact(16).zip(b.chunks_exact(16)) {
        ca = step16(ca, x);
        cb = step16(cb, y);
    }
    let joined = shift(crc, 2 * half) ^ shift(ca, half) ^ cb;
    slice16(joined, tail)
}

/// CRC of `data` from the initial value 0.
#[must_use]
pub fn crc16(data: &[u8]) -> u16 {
    update(0, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The FIT SDK's reference nibble algorithm, to check the table version against.
    fn nibble(data: &[u8]) -> u16 {
        const T: [u16; 16] = [
            0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
            0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
        ];
        let mut crc = 0u16;
        for &b in data {
            let mut tmp = T[(crc & 0xF) as usize];
            crc = (crc >> 4) & 0x0FFF;
            crc = crc ^ tmp ^ T[(b & 0xF) as usize];
            tmp = T[(crc & 0xF) as usize];
            crc = (crc >> 4) & 0x0FFF;
            crc = crc ^ tmp ^ T[((b >> 4) & 0xF) as usize];
        }
        crc
    }

    #[test]
    fn check_value_of_crc16_arc() {
        // The catalogue check value of CRC-16/ARC.
        assert_eq!(crc16(b"123456789"), 0xBB3D);
    }

    #[test]
    fn matches_the_protocols_nibble_algorithm_for_all_lengths() {
        let data: Vec<u8> =
            (0..1000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for n in 0..data.len() {
            assert_eq!(crc16(&data[..n]), nibble(&data[..n]), "length {n}");
        }
    }

    #[test]
    fn long_inputs_split_and_joined_match_the_nibble_algorithm() {
        let data: Vec<u8> =
            (0..70_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
        for n in [4096, 4097, 4111, 4112, 10_000, 65_535, 70_000] {
            assert_eq!(crc16(&data[..n]), nibble(&data[..n]), "length {n}");
        }
        // Continuing from a non-zero state equals one pass over the concatenation.
        let mid = 1234;
        assert_eq!(update(crc16(&data[..mid]), &data[mid..]), nibble(&data));
    }

    #[test]
    fn crc_of_data_followed_by_its_crc_is_zero() {
        let mut d = b"slowburn".to_vec();
        let c = crc16(&d);
        d.extend_from_slice(&c.to_le_bytes());
        assert_eq!(crc16(&d), 0);
    }
}
