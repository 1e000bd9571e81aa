//! Slugs from Vietnamese titles and names: lower case, diacritics removed,
//! `đ`/`Đ` → `d`, every run of other characters → one `-`.

use unicode_normalization::UnicodeNormalization;

/// Makes the slug of a title or a name.
///
/// ```
/// assert_eq!(api::platform::slug::slugify("Ban Dân vận Tỉnh ủy"), "ban-dan-van-tinh-uy");
/// ```
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    // NFD splits "ầ" into "a" + combining marks, which we then drop.
    for ch in text.nfd() {
        let ch = match ch {
            'đ' | 'Đ' => 'd',
            c if is_combining_mark(c) => continue,
            c => c,
        };
        if ch.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(ch.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

fn is_combining_mark(c: char) -> bool {
    // The combining diacritical marks block covers every Vietnamese tone and
    // vowel mark once the text is decomposed.
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// The first candidate of `base`, `base-2`, `base-3`… that `taken` says is free.
pub fn unique_slug(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = if base.is_empty() { "untitled" } else { base };
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_title_becomes_the_documented_slug() {
        assert_eq!(
            slugify(
                "Ban cán sự đảng UBND tỉnh và Ban Dân vận Tỉnh ủy ký kết chương trình phối hợp giai đoạn 2021-2026"
            ),
            "ban-can-su-dang-ubnd-tinh-va-ban-dan-van-tinh-uy-ky-ket-chuong-trinh-phoi-hop-giai-doan-2021-2026"
        );
    }

    #[test]
    fn every_vietnamese_mark_is_folded() {
        assert_eq!(slugify("Đường Hồ Chí Minh"), "duong-ho-chi-minh");
        assert_eq!(slugify("ăn ở ưu đãi ẩm ướt"), "an-o-uu-dai-am-uot");
        assert_eq!(slugify("Thuý Hoà Thúy Hòa"), "thuy-hoa-thuy-hoa");
        assert_eq!(
            slugify("ẮẰẲẴẶ ẤẦẨẪẬ ỀẾỂỄỆ ỐỒỔỖỘ ỚỜỞỠỢ ỨỪỬỮỰ ỲÝỶỸỴ"),
            "aaaaa-aaaaa-eeeee-ooooo-ooooo-uuuuu-yyyyy"
        );
    }

    #[test]
    fn decomposed_input_gives_the_same_slug() {
        let composed = "Nguyễn Đức Trung";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        assert_eq!(slugify(&decomposed), "nguyen-duc-trung");
    }

    #[test]
    fn punctuation_runs_become_one_dash_and_ends_are_trimmed() {
        assert_eq!(
            slugify("  “Tăng trưởng” GRDP: 8,5% / năm!! "),
            "tang-truong-grdp-8-5-nam"
        );
        assert_eq!(slugify("---"), "");
    }

    #[test]
    fn collisions_get_numbered_suffixes() {
        let taken = ["hoi-nghi", "hoi-nghi-2"];
        assert_eq!(
            unique_slug("hoi-nghi", |s| taken.contains(&s)),
            "hoi-nghi-3"
        );
        assert_eq!(unique_slug("khac", |s| taken.contains(&s)), "khac");
    }
}
