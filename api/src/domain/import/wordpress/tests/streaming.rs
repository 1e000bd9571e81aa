//! The same results whatever the reader's buffer and line endings.

use std::io::BufReader;

use super::*;

#[test]
fn a_tiny_buffer_reads_the_same() {
    let whole = read();
    assert_eq!(whole.len(), 7);
    for capacity in [1, 7, 64] {
        let tiny = BufReader::with_capacity(capacity, FIXTURE.as_bytes());
        assert_eq!(
            scan_catalog(tiny).unwrap(),
            *catalog(),
            "capacity {capacity}"
        );
        let tiny = BufReader::with_capacity(capacity, FIXTURE.as_bytes());
        assert_eq!(
            read_with(tiny, Options::default()),
            whole,
            "capacity {capacity}"
        );
    }
}

#[test]
fn windows_line_endings_read_the_same() {
    let crlf = FIXTURE.replace('\n', "\r\n");
    assert_eq!(scan_catalog(crlf.as_bytes()).unwrap(), *catalog());
    assert_eq!(read_with(crlf.as_bytes(), Options::default()), read());
}
