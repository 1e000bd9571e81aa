//! Pass 1 over the fixture.

use super::*;
use crate::domain::import::{
    source::SourceTerm,
    wordpress::{Author, Category},
};

fn term(slug: &str, name: &str) -> SourceTerm {
    SourceTerm {
        slug: slug.to_owned(),
        name: name.to_owned(),
    }
}

#[test]
fn the_site_and_its_people_are_read() {
    let catalog = catalog();
    // `wp:base_blog_url` has a trailing slash in the file.
    assert_eq!(
        catalog.base_url.as_deref(),
        Some("https://baohagiang.example.vn")
    );
    let author = |login: &str, name: &str, slug: &str| Author {
        login: login.to_owned(),
        display_name: name.to_owned(),
        slug: slug.to_owned(),
    };
    assert_eq!(
        catalog.authors,
        [
            author("minhtien", "Minh Tiến", "minh-tien"),
            author("thuhuong", "Thu Hương", "thu-huong"),
            // No posts of his, but in the catalog all the same.
            author("truongca", "Trường Ca", "truong-ca"),
        ]
    );
}

#[test]
fn categories_and_tags_get_decoded_slugs() {
    let catalog = catalog();
    let category = |slug: &str, name: &str, parent: Option<&str>| Category {
        slug: slug.to_owned(),
        name: name.to_owned(),
        parent: parent.map(str::to_owned),
    };
    assert_eq!(
        catalog.categories,
        [
            category("uncategorized", "Chưa phân loại", None),
            category("thoi-su", "Thời sự", None),
            // `th%e1%bb%9di-s%e1%bb%b1-ch%c3%adnh-tr%e1%bb%8b` in the file.
            category("thoi-su-chinh-tri", "Thời sự - Chính trị", Some("thoi-su")),
            category("kinh-te", "Kinh tế", None),
        ]
    );
    assert_eq!(
        catalog.tags,
        [
            term("dan-van", "Dân vận"),
            term("hoi-nghi", "Hội nghị"),
            term("chuyen-doi-so", "Chuyển đổi số"),
        ]
    );
}

#[test]
fn attachments_carry_their_php_metadata() {
    let catalog = catalog();
    let mut ids: Vec<u64> = catalog.attachments.keys().copied().collect();
    ids.sort_unstable();
    // 23 comes last in the file, after the post that shows it.
    assert_eq!(ids, [21, 22, 23]);
    assert_eq!(
        attachment(21),
        SourcePhoto {
            url: "https://baohagiang.example.vn/wp-content/uploads/2021/12/hoi-nghi-dan-van.jpg"
                .to_owned(),
            caption: Some("Quang cảnh Hội nghị tổng kết công tác dân vận năm 2021.".to_owned()),
            credit: Some("Hoàng Anh".to_owned()),
            alt: Some("Đại biểu dự Hội nghị tổng kết công tác dân vận năm 2021".to_owned()),
            // The full size, not the `sizes` entries after it.
            width: Some(1200),
            height: Some(800),
            mime: Some("image/jpeg".to_owned()),
            source_ref: Some("21".to_owned()),
        }
    );
    let scaled = attachment(22);
    assert_eq!(
        (scaled.width, scaled.height, scaled.credit, scaled.caption),
        (Some(2560), Some(1707), None, None)
    );
    let bare = attachment(23);
    assert_eq!(
        (bare.width, bare.alt.as_deref(), bare.caption.as_deref()),
        (
            None,
            None,
            Some("Búp chè Shan tuyết cổ thụ ở xã Cao Bồ, huyện Vị Xuyên.")
        )
    );
}
