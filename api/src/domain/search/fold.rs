//! Folding Vietnamese text for search: one function for the index and the
//! query, so they always agree.
//!
//! - [`fold`]: NFC, lower case, every tone and vowel mark removed, `đ` →
//!   `d`, anything that is not a letter or digit a separator. "Hoà Bình",
//!   "hòa bình", "HOA BINH" and the decomposed (NFD) forms all fold to
//!   `hoa binh`.
//! - [`accent_key`]: a word with its marks kept but written one canonical
//!   way (Telex-style tone letter at the end), so both tone placements
//!   (`hoà`/`hòa`, `thuý`/`thúy`) are equal while `đức` ≠ `đúc`. Used to
//!   rank exact-diacritic matches first.

use unicode_normalization::{UnicodeNormalization, char::decompose_canonical};

/// Combining tone marks, with their Telex letters.
const TONES: [(char, char); 5] = [
    ('\u{0301}', 's'), // sắc
    ('\u{0300}', 'f'), // huyền
    ('\u{0309}', 'r'), // hỏi
    ('\u{0303}', 'x'), // ngã
    ('\u{0323}', 'j'), // nặng
];

/// Folds `text` to lower-case ASCII words separated by single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Appends the folding of `text` to `out` (see [`fold`]), so that a caller
/// folding word after word reuses one buffer.
///
/// ASCII is folded as it is read; only other characters are decomposed,
/// one at a time. That equals decomposing the whole text: marks are
/// dropped and canonical reordering only moves marks among marks, so the
/// letters and the separators between them come out the same.
pub fn fold_into(text: &str, out: &mut String) {
    let start = out.len();
    let mut pending_space = false;
    for ch in text.chars() {
        if ch.is_ascii() {
            if ch.is_ascii_alphanumeric() {
                push_letter(ch.to_ascii_lowercase(), out, start, &mut pending_space);
            } else {
                pending_space = true;
            }
            continue;
        }
        decompose_canonical(ch, |ch| match ch {
            'đ' | 'Đ' => push_letter('d', out, start, &mut pending_space),
            c if is_mark(c) => {}
            c if c.is_ascii() => {
                if c.is_ascii_alphanumeric() {
                    push_letter(c.to_ascii_lowercase(), out, start, &mut pending_space);
                } else {
                    pending_space = true;
                }
            }
            c if is_alphanumeric(c) => {
                for lower in c.to_lowercase() {
                    push_letter(lower, out, start, &mut pending_space);
                }
            }
            _ => pending_space = true,
        });
    }
}

/// A combining mark of the block Vietnamese uses (tones, vowel marks).
pub fn is_mark(ch: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&ch)
}

/// `char::is_alphanumeric`, answered at once for ASCII and the Latin
/// blocks Vietnamese is written in (every character of Latin Extended-A,
/// -B and Extended Additional is a letter, and all of Latin-1's upper half
/// but `×` and `÷`), where the general lookup is a table search.
pub fn is_alphanumeric(ch: char) -> bool {
    match ch {
        _ if ch.is_ascii() => ch.is_ascii_alphanumeric(),
        '×' | '÷' => false,
        'À'..='ɏ' | '\u{1E00}'..='\u{1EFF}' => true,
        _ => ch.is_alphanumeric(),
    }
}

/// One letter of a folding that began at `start` of `out`, after a space
/// when a separator came since the previous letter.
fn push_letter(ch: char, out: &mut String, start: usize, pending_space: &mut bool) {
    if *pending_space && out.len() > start {
        out.push(' ');
    }
    *pending_space = false;
    out.push(ch);
}

/// The words of `text` as folded tokens.
pub fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The canonical accented form of one word: lower case, vowel marks kept,
/// the tone moved to a Telex letter at the end (`Hoà` → `hoaf`, `Đức` →
/// `đưcs`). `None` for a word without any mark (nothing to compare).
pub fn accent_key(word: &str) -> Option<String> {
    let mut base = String::with_capacity(word.len());
    let mut tone = None;
    let mut marked = false;
    for ch in word.nfd() {
        if let Some((_, letter)) = TONES.iter().find(|(mark, _)| *mark == ch) {
            tone = Some(*letter);
            marked = true;
            continue;
        }
        if ('\u{0300}'..='\u{036F}').contains(&ch) || ch == 'đ' || ch == 'Đ' {
            marked = true;
        }
        base.extend(ch.to_lowercase());
    }
    if !marked {
        return None;
    }
    let mut key: String = base.nfc().collect();
    if let Some(letter) = tone {
        key.push(letter);
    }
    Some(key)
}

/// The accent keys of every marked word of `text`, space-separated.
pub fn accent_keys(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric() && !('\u{0300}'..='\u{036F}').contains(&c))
        .filter_map(accent_key)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Folding by decomposing the whole text first, as `fold` once did.
    fn fold_whole(text: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        for ch in text.nfd() {
            let ch = match ch {
                'đ' | 'Đ' => 'd',
                c if ('\u{0300}'..='\u{036F}').contains(&c) => continue,
                c => c,
            };
            if ch.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.extend(ch.to_lowercase());
            } else {
                pending_space = true;
            }
        }
        out
    }

    #[test]
    fn the_latin_fast_path_agrees_with_the_standard_library() {
        for code in 0..=0x2FFF_u32 {
            if let Some(ch) = char::from_u32(code) {
                assert_eq!(is_alphanumeric(ch), ch.is_alphanumeric(), "{ch:?}");
            }
        }
    }

    #[test]
    fn folding_char_by_char_equals_decomposing_the_whole_text() {
        let samples = [
            "Dân biết, dân bàn, dân làm, dân kiểm tra",
            "  -- Ban cán sự đảng UBND tỉnh và Ban Dân vận Tỉnh ủy ký kết (2021-2026)!",
            "ĐỒNG CHÍ Lê Đình Lý trình bày báo cáo; Hoà Bình/Hòa Bình, THUÝ thúy",
            "Nguyễn Thị Ngọc Kim Nam — Trưởng Ban Dân vận «Tỉnh ủy» phát biểu…",
            "ǅemal Σίσυφος İstanbul ﬁ № 12½ x\u{0483}\u{0301}y a\u{0301}\u{0323}b",
            "",
        ];
        for text in samples {
            let nfd: String = text.nfd().collect();
            assert_eq!(fold(text), fold_whole(text), "{text}");
            assert_eq!(fold(&nfd), fold_whole(&nfd), "{nfd}");
            let mut appended = "prefix".to_owned();
            fold_into(text, &mut appended);
            assert_eq!(appended, format!("prefix{}", fold_whole(text)));
        }
    }

    #[test]
    fn tone_and_vowel_marks_fold_away() {
        assert_eq!(fold("ầ ơ ư ă ê ô Ắ Ễ Ự"), "a o u a e o a e u");
        assert_eq!(fold("Nguyễn Đức Trung"), "nguyen duc trung");
        assert_eq!(fold("ĐỒNG CHÍ đồng chí"), "dong chi dong chi");
    }

    #[test]
    fn composed_decomposed_and_both_tone_placements_fold_alike() {
        let nfd: String = "Ban Dân vận Tỉnh ủy".nfd().collect();
        assert_eq!(fold(&nfd), fold("Ban Dân vận Tỉnh ủy"));
        assert_eq!(fold("hoà thuý"), fold("hòa thúy"));
        assert_eq!(fold("hoà thuý"), "hoa thuy");
    }

    #[test]
    fn punctuation_separates_words() {
        assert_eq!(
            fold("kinh tế - xã hội; 8,5%: “Dân biết”"),
            "kinh te xa hoi 8 5 dan biet"
        );
        assert_eq!(fold("  ...  "), "");
    }

    #[test]
    fn accent_keys_keep_marks_but_not_tone_placement() {
        assert_eq!(accent_key("hoà"), accent_key("hòa"));
        assert_eq!(accent_key("thuý"), accent_key("thúy"));
        assert_eq!(accent_key("Đức").as_deref(), Some("đưcs"));
        assert_ne!(accent_key("Đức"), accent_key("Đúc"));
        assert_eq!(accent_key("ban"), None);
        let nfd: String = "Đức".nfd().collect();
        assert_eq!(accent_key(&nfd), accent_key("Đức"));
        assert_eq!(accent_keys("Nguyễn Đức, Trung!"), "nguyênx đưcs");
    }
}
