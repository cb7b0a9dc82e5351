//! Finding the bytes that end a plain JSON string, eight at a time ("SWAR"). Record and output
//! strings are short, so a word at a time beats memchr's set-up. In a word, the lowest byte the
//! classic "has a zero byte" / "has a byte less than" tricks mark is always a real match
//! (a false mark can only sit above a real one), so the first mark gives the first match.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The bytes of `x` equal to zero, marked by their high bit (exact up to the first mark).
#[inline]
fn zero(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The index of the first byte that is `"` or `\`, or (with `CONTROL`) a control character.
#[inline]
fn first<const CONTROL: bool>(b: &[u8]) -> Option<usize> {
    let mask = if CONTROL { 3 } else { 1 };
    let special = |c: u8| SPECIAL[usize::from(c)] & mask != 0;
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(w);
        let x = u64::from_le_bytes(bytes);
        let mut hits = zero(x ^ (u64::from(b'"') * ONES)) | zero(x ^ (u64::from(b'\\') * ONES));
        if CONTROL {
            hits |= x.wrapping_sub(0x20 * ONES) & !x & HIGH;
        }
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    (words.remainder().iter().position(|&c| special(c))).map(|i| at + i)
}

/// Bytes that end a plain JSON string: `"`, `\`, and (second bit) control characters.
static SPECIAL: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 2;
        i += 1;
    }
    t[b'"' as usize] = 1;
    t[b'\\' as usize] = 1;
    t
};

/// The index of the first `"` or `\`: where a JSON string's body stops being plain text,
/// for a scan that steps over escapes.
pub(crate) fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    first::<false>(b)
}

/// The index of the first byte a JSON string cannot hold as it is: `"`, `\` or a control
/// character.
#[inline]
pub(crate) fn needs_escape(b: &[u8]) -> Option<usize> {
    first::<true>(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(s: &[u8], control: bool) -> Option<usize> {
        s.iter()
            .position(|&c| c == b'"' || c == b'\\' || (control && c < 0x20))
    }

    #[test]
    fn every_byte_at_every_place() {
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut s = vec![b'a'; len];
                    s[at] = b;
                    assert_eq!(
                        needs_escape(&s),
                        naive(&s, true),
                        "byte {b:#x} at {at} of {len}"
                    );
                    assert_eq!(
                        quote_or_backslash(&s),
                        naive(&s, false),
                        "byte {b:#x} at {at}"
                    );
                }
            }
        }
    }

    proptest! {
        #[test]
        fn the_first_is_found(s in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(needs_escape(&s), naive(&s, true));
            prop_assert_eq!(quote_or_backslash(&s), naive(&s, false));
        }
    }
}
