//! Just enough of PHP's `serialize()` format to read an attachment's
//! `_wp_attachment_metadata`: the full size's `width` and `height` and the
//! photo's `image_meta.credit`.
//!
//! | PHP                     | here                     |
//! |-------------------------|--------------------------|
//! | `a:2:{k;v;k;v;}`        | [`Value::Array`] of pairs |
//! | `s:9:"Hoàng Anh";` (bytes) | [`Value::Str`]        |
//! | `i:1200;` `d:0.5;` `b:1;` `N;` | number, flag, null |
//! | objects, references     | not read (no value)      |
//!
//! String lengths count bytes. Exports that went through a search and
//! replace often have lengths that no longer match; then the string runs
//! to the next `";` instead of failing the whole value.

/// What the metadata says about the full-size image.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ImageMeta {
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub credit: Option<String>,
}

/// Reads `_wp_attachment_metadata`; fields it cannot find are `None`.
pub(super) fn image_meta(serialized: &str) -> ImageMeta {
    let mut parser = Parser {
        bytes: serialized.trim().as_bytes(),
        at: 0,
    };
    let Some(value) = parser.value(0) else {
        return ImageMeta::default();
    };
    let size = |key| value.get(key).and_then(Value::as_i32).filter(|&n| n > 0);
    let credit = value
        .get("image_meta")
        .and_then(|meta| meta.get("credit"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    ImageMeta {
        width: size("width"),
        height: size("height"),
        credit,
    }
}

/// One unserialized value.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<(Value, Value)>),
}

impl Value {
    /// The entry keyed `key` of an array.
    fn get(&self, key: &str) -> Option<&Value> {
        let Value::Array(entries) = self else {
            return None;
        };
        entries.iter().find_map(|(k, v)| match k {
            Value::Str(k) if k == key => Some(v),
            Value::Int(k) if k.to_string() == key => Some(v),
            _ => None,
        })
    }

    fn as_i32(&self) -> Option<i32> {
        match self {
            Value::Int(n) => i32::try_from(*n).ok(),
            Value::Str(s) => s.trim().parse().ok(),
            // Some plugins store sizes as floats: whole pixels are meant.
            Value::Float(f) if f.fract() == 0.0 && f.abs() < f64::from(i32::MAX) => Some(*f as i32),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Nesting deeper than this is not metadata.
const MAX_DEPTH: usize = 16;

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let kind = self.byte()?;
        if kind == b'N' {
            self.expect(b';')?;
            return Some(Value::Null);
        }
        self.expect(b':')?;
        match kind {
            b'b' => Some(Value::Bool(self.until(b';')? == "1")),
            b'i' => self.until(b';')?.parse().ok().map(Value::Int),
            b'd' => self.until(b';')?.parse().ok().map(Value::Float),
            b's' => {
                let len: usize = self.until(b':')?.parse().ok()?;
                self.expect(b'"')?;
                self.string(len).map(Value::Str)
            }
            b'a' => {
                let count: usize = self.until(b':')?.parse().ok()?;
                self.expect(b'{')?;
                // The count is the file's word: cap what it may reserve.
                let mut entries = Vec::with_capacity(count.min(64));
                for _ in 0..count {
                    let key = self.value(depth + 1)?;
                    let value = self.value(depth + 1)?;
                    entries.push((key, value));
                }
                self.expect(b'}')?;
                Some(Value::Array(entries))
            }
            _ => None,
        }
    }

    /// The string after `s:len:"`, and its closing `";`.
    fn string(&mut self, len: usize) -> Option<String> {
        let start = self.at;
        let end = start.checked_add(len)?;
        let end = if self.bytes.get(end..end.checked_add(2)?) == Some(b"\";") {
            end
        } else {
            // A stale length: take the string to the next `";`.
            start
                + self
                    .bytes
                    .get(start..)?
                    .windows(2)
                    .position(|w| w == b"\";")?
        };
        self.at = end + 2;
        Some(String::from_utf8_lossy(&self.bytes[start..end]).into_owned())
    }

    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, wanted: u8) -> Option<()> {
        (self.byte()? == wanted).then_some(())
    }

    /// The text up to `stop`, which is consumed too.
    fn until(&mut self, stop: u8) -> Option<&str> {
        let rest = self.bytes.get(self.at..)?;
        let len = rest.iter().position(|&b| b == stop)?;
        self.at += len + 1;
        std::str::from_utf8(&rest[..len]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = r#"a:5:{s:5:"width";i:1200;s:6:"height";i:800;s:4:"file";s:28:"2021/12/hoi-nghi-dan-van.jpg";s:5:"sizes";a:1:{s:5:"large";a:3:{s:4:"file";s:29:"hoi-nghi-dan-van-1024x683.jpg";s:5:"width";i:1024;s:6:"height";i:683;}}s:10:"image_meta";a:3:{s:8:"aperture";s:3:"5.6";s:6:"credit";s:10:"Hoàng Anh";s:8:"keywords";a:0:{}}}"#;

    #[test]
    fn the_full_size_and_the_credit_are_read() {
        assert_eq!(
            image_meta(METADATA),
            ImageMeta {
                width: Some(1200),
                height: Some(800),
                credit: Some("Hoàng Anh".to_owned()),
            }
        );
    }

    #[test]
    fn stale_string_lengths_are_tolerated() {
        // A search and replace changed the file name but not its length.
        let stale = METADATA.replace("2021/12/hoi-nghi", "2021/12/hoi-nghi-tinh");
        assert_eq!(image_meta(&stale).width, Some(1200));
        assert_eq!(image_meta(&stale).credit.as_deref(), Some("Hoàng Anh"));
    }

    #[test]
    fn other_shapes_give_what_they_can() {
        let as_strings = r#"a:3:{s:5:"width";s:3:"900";s:6:"height";d:600;s:10:"image_meta";a:1:{s:6:"credit";s:0:"";}}"#;
        assert_eq!(
            image_meta(as_strings),
            ImageMeta {
                width: Some(900),
                height: Some(600),
                credit: None,
            }
        );
        assert_eq!(image_meta(""), ImageMeta::default());
        assert_eq!(image_meta("a:1:{s:5:\"width\";i:"), ImageMeta::default());
        assert_eq!(image_meta("O:8:\"stdClass\":0:{}"), ImageMeta::default());
        assert_eq!(image_meta(&"a:1:{i:0;".repeat(40)), ImageMeta::default());
    }
}
