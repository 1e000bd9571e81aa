//! A [`BufRead`] that counts the lines it has handed out, so that the XML
//! reader (which only knows byte offsets) can say on which line an
//! `<item>` starts or the file stops being XML. The count is of `\n` in
//! the bytes consumed so far; line numbers start at 1.

use std::io::{self, BufRead, Read};

/// `inner`, counting the newlines its reader consumes.
pub(super) struct Lines<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Lines<R> {
    pub(super) fn new(inner: R) -> Self {
        Self { inner, newlines: 0 }
    }

    /// The line of the next byte to be consumed (1-based).
    pub(super) fn line(&self) -> u64 {
        self.newlines + 1
    }
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The bytes being consumed are still at the front of the buffer:
        // `fill_buf` hands the same bytes back without reading again.
        if amount > 0
            && let Ok(available) = self.inner.fill_buf()
        {
            let consumed = &available[..amount.min(available.len())];
            self.newlines += consumed.iter().filter(|&&b| b == b'\n').count() as u64;
        }
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_through_a_tiny_buffer() {
        let text = "một\nhai\n\nbốn";
        let mut lines = Lines::new(io::BufReader::with_capacity(3, text.as_bytes()));
        assert_eq!(lines.line(), 1);
        let mut out = String::new();
        lines.read_line(&mut out).unwrap();
        assert_eq!((out.as_str(), lines.line()), ("một\n", 2));
        let mut rest = String::new();
        lines.read_to_string(&mut rest).unwrap();
        assert_eq!((rest.as_str(), lines.line()), ("hai\n\nbốn", 4));
    }
}
