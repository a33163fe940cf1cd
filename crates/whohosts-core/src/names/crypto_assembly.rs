//! Reassembles the Initial-level CRYPTO stream of one QUIC connection by offset. Fragments
//! may arrive out of order (browsers shuffle them) and across several packets; the buffer is
//! capped at the largest ClientHello accepted.

use super::tls::MAX_CLIENT_HELLO;

/// Most disjoint byte ranges kept while waiting for gaps to fill.
const MAX_RANGES: usize = 64;

/// Why CRYPTO data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoStreamError {
    #[error("CRYPTO data up to offset {end} is over the {MAX_CLIENT_HELLO}-byte limit")]
    TooLarge { end: u64 },
    #[error("more than {MAX_RANGES} separate CRYPTO fragments")]
    TooFragmented,
}

#[derive(Debug, Default)]
pub(crate) struct CryptoAssembler {
    buf: Vec<u8>,
    /// Received byte ranges, sorted and merged.
    ranges: Vec<(usize, usize)>,
}

impl CryptoAssembler {
    pub fn insert(&mut self, offset: u64, data: &[u8]) -> Result<(), CryptoStreamError> {
        if data.is_empty() {
            return Ok(());
        }
        let end64 = offset.saturating_add(data.len() as u64);
        let too_large = CryptoStreamError::TooLarge { end: end64 };
        let start = usize::try_from(offset).map_err(|_| too_large.clone())?;
        let end = match start.checked_add(data.len()) {
            Some(end) if end <= MAX_CLIENT_HELLO => end,
            _ => return Err(too_large),
        };
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        if let Some(dest) = self.buf.get_mut(start..end) {
            dest.copy_from_slice(data);
        }
        self.add_range(start, end)
    }

    fn add_range(&mut self, start: usize, end: usize) -> Result<(), CryptoStreamError> {
        let mut merged = (start, end);
        let mut kept = Vec::with_capacity(self.ranges.len() + 1);
        for &(s, e) in &self.ranges {
            if e < merged.0 || s > merged.1 {
                kept.push((s, e));
            } else {
                merged = (merged.0.min(s), merged.1.max(e));
            }
        }
        kept.push(merged);
        kept.sort_unstable();
        if kept.len() > MAX_RANGES {
            return Err(CryptoStreamError::TooFragmented);
        }
        self.ranges = kept;
        Ok(())
    }

    /// The bytes received without a gap from offset 0.
    pub fn contiguous(&self) -> &[u8] {
        match self.ranges.first() {
            Some(&(0, end)) => self.buf.get(..end).unwrap_or_default(),
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_fragments_join() {
        let mut a = CryptoAssembler::default();
        a.insert(6, b"world").unwrap();
        assert_eq!(a.contiguous(), b"");
        a.insert(0, b"hel").unwrap();
        assert_eq!(a.contiguous(), b"hel");
        a.insert(2, b"llo ").unwrap();
        assert_eq!(a.contiguous(), b"hello world");
        a.insert(0, b"h").unwrap(); // duplicate
        assert_eq!(a.contiguous(), b"hello world");
    }

    #[test]
    fn limits() {
        let mut a = CryptoAssembler::default();
        assert!(matches!(a.insert(u64::MAX, b"x"), Err(CryptoStreamError::TooLarge { .. })));
        assert!(a.insert(MAX_CLIENT_HELLO as u64, b"x").is_err());
        for i in 0..MAX_RANGES as u64 {
            a.insert(1 + i * 2, b"x").unwrap();
        }
        assert_eq!(a.insert(500, b"x"), Err(CryptoStreamError::TooFragmented));
    }
}
