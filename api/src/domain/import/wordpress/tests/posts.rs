//! Pass 2 over the fixture: every post's mapping.

use chrono::{DateTime, FixedOffset, Utc};
use entity::article_person::PersonRole;

use super::*;
use crate::domain::import::source::{SourceStatus, SourceTerm};

fn utc(text: &str) -> Option<DateTime<Utc>> {
    Some(
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc),
    )
}

fn term(slug: &str, name: &str) -> SourceTerm {
    SourceTerm {
        slug: slug.to_owned(),
        name: name.to_owned(),
    }
}

fn author(slug: &str, name: &str) -> Vec<(SourceTerm, PersonRole)> {
    vec![(term(slug, name), PersonRole::Author)]
}

#[test]
fn posts_come_in_file_order_and_the_rest_is_counted() {
    let mut items = items(FIXTURE.as_bytes(), catalog(), Options::default(), stand_in);
    let ids: Vec<String> = items
        .by_ref()
        .map(|r| r.map_or_else(|bad| format!("bad at {}", bad.line), |a| a.source_id))
        .collect();
    let base = "wordpress:https://baohagiang.example.vn";
    let malformed = format!("bad at {}", item_line("Bản tin cuối ngày"));
    assert_eq!(
        ids,
        [
            format!("{base}:101"),
            format!("{base}:102"),
            format!("{base}:103"),
            format!("{base}:104"),
            format!("{base}:105"),
            malformed,
            format!("{base}:108"),
        ]
    );
    let skipped = items.skipped();
    let by_type: Vec<(&str, u64)> = skipped
        .by_type
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        by_type,
        [
            ("attachment", 3),
            ("nav_menu_item", 1),
            ("page", 1),
            ("revision", 1)
        ]
    );
    assert_eq!(skipped.by_status.get("trash"), Some(&1));
    assert_eq!(skipped.total(), 7);
    assert!(items.next().is_none());
}

#[test]
fn each_post_knows_the_line_of_its_item() {
    for article in read().into_iter().flatten() {
        let tag = FIXTURE.lines().nth(article.line as usize - 1).unwrap();
        assert_eq!(tag.trim(), "<item>", "{}", article.source_id);
        let title_line = FIXTURE.lines().nth(article.line as usize).unwrap();
        assert!(title_line.contains("<title>"), "{}", article.source_id);
    }
    assert_eq!(post(101).line, item_line("<wp:post_id>101</wp:post_id>"));
}

#[test]
fn a_classic_post_is_mapped_field_by_field() {
    let article = post(101);
    assert_eq!(article.title, "Hội nghị tổng kết công tác dân vận năm 2021");
    // `h%e1%bb%99i-ngh%e1%bb%8b-…` in the file.
    assert_eq!(
        article.slug.as_deref(),
        Some("hoi-nghi-tong-ket-cong-tac-dan-van-nam-2021")
    );
    assert_eq!(
        article.aliases,
        [
            "2021/12/27/hội-nghị-tổng-kết-công-tác-dân-vận-năm-2021",
            "hội-nghị-tổng-kết-công-tác-dân-vận-năm-2021",
        ]
    );
    assert_eq!(
        article.lead,
        "Sáng 27/12, Ban Dân vận Tỉnh ủy tổ chức Hội nghị tổng kết công tác dân vận năm 2021, triển khai nhiệm vụ năm 2022."
    );
    assert_eq!(article.status, SourceStatus::Published);
    assert_eq!(article.published_at, utc("2021-12-27T12:12:00Z"));
    assert_eq!(article.created_at, article.published_at);
    assert_eq!(
        article.sections,
        [
            term("thoi-su", "Thời sự"),
            term("thoi-su-chinh-tri", "Thời sự - Chính trị")
        ]
    );
    assert_eq!(
        article.tags,
        [term("dan-van", "Dân vận"), term("hoi-nghi", "Hội nghị")]
    );
    assert_eq!(article.people, author("minh-tien", "Minh Tiến"));
    assert_eq!(article.lead_image, Some(attachment(21)));
    assert_eq!(
        (article.language, article.organizations, article.events),
        (None, vec![], vec![])
    );
    // The comment's text is not the post's.
    assert!(paragraph(&post(101)).contains("Phong trào thi đua \"Dân vận khéo\""));
    assert!(!paragraph(&post(101)).contains("bê tông"));
}

#[test]
fn a_resized_copy_in_the_body_becomes_the_original() {
    let article = post(101);
    // `hoi-nghi-dan-van-1024x683.jpg`, `wp-image-21` in the markup.
    assert_eq!(images(&article), [&attachment(21)]);
}

#[test]
fn a_block_editor_post_is_mapped() {
    let article = post(102);
    assert_eq!(article.title, "Hoàng Su Phì: Ruộng bậc thang mùa nước đổ");
    assert_eq!(
        article.slug.as_deref(),
        Some("hoang-su-phi-ruong-bac-thang-mua-nuoc-do")
    );
    // A `%category%/%postname%-%post_id%.html` permalink; the post name is
    // a slug already, so it is no alias.
    assert_eq!(
        article.aliases,
        ["kinh-te/hoang-su-phi-ruong-bac-thang-mua-nuoc-do-102.html"]
    );
    assert_eq!(article.lead, "");
    // "uncategorized" comes first in the file and is passed over.
    assert_eq!(article.sections, [term("kinh-te", "Kinh tế")]);
    assert_eq!(article.tags, []);
    assert_eq!(article.people, author("thu-huong", "Thu Hương"));
    assert_eq!(article.lead_image, Some(attachment(22)));
    assert!(paragraph(&article).contains("Di sản của đồng bào Nùng, Dao, La Chí"));
    // `ruong-bac-thang-1024x683.jpg` is a size of `ruong-bac-thang.jpg`,
    // whose upload WordPress keeps as `ruong-bac-thang-scaled.jpg`.
    let photo = images(&article)[0].clone();
    assert_eq!(
        photo.url,
        "https://baohagiang.example.vn/wp-content/uploads/2022/05/ruong-bac-thang-scaled.jpg"
    );
    assert_eq!((photo.width, photo.height), (Some(2560), Some(1707)));
    assert_eq!(
        photo.alt.as_deref(),
        Some("Ruộng bậc thang xã Bản Luốc, huyện Hoàng Su Phì")
    );
    assert_eq!(photo.source_ref.as_deref(), Some("22"));
}

#[test]
fn a_scheduled_post_keeps_its_future_date() {
    let article = post(103);
    assert_eq!(article.status, SourceStatus::Scheduled);
    assert_eq!(article.published_at, utc("2027-10-20T01:00:00Z"));
    assert_eq!(article.created_at, article.published_at);
    // `&amp;` and `&#8211;` in a title without CDATA.
    assert_eq!(
        article.title,
        "Lễ hội Hoa tam giác mạch & Tuần Văn hóa – Du lịch Hà Giang năm 2027"
    );
    assert_eq!(
        article.slug.as_deref(),
        Some("le-hoi-hoa-tam-giac-mach-2027")
    );
    // `?p=103`: WordPress gives scheduled posts no pretty permalink.
    assert_eq!(article.aliases, Vec::<String>::new());
    assert_eq!(article.sections, [term("thoi-su", "Thời sự")]);
}

#[test]
fn a_draft_has_a_local_creation_date_and_no_slug() {
    let article = post(104);
    assert_eq!(article.status, SourceStatus::Draft);
    assert_eq!(article.published_at, None);
    // `2022-01-05 09:30:00` at +07:00; the GMT date is all zeros.
    assert_eq!(article.created_at, utc("2022-01-05T02:30:00Z"));
    assert_eq!((article.slug, article.aliases), (None, vec![]));
    // Only "uncategorized": the importer picks a section.
    assert_eq!(article.sections, []);
    // A login the export has no author for.
    assert_eq!(article.people, author("bientap", "bientap"));
    assert_eq!(article.lead_image, None);
}

#[test]
fn a_private_post_is_unpublished() {
    let article = post(105);
    assert_eq!(article.status, SourceStatus::Unpublished);
    assert_eq!(article.published_at, utc("2022-01-20T09:45:00Z"));
    assert_eq!(
        article.slug.as_deref(),
        Some("lich-truc-ban-tet-nham-dan-2022")
    );
    assert_eq!(
        article.aliases,
        [
            "2022/01/20/lịch-trực-ban-tết-nhâm-dần-2022",
            "lịch-trực-ban-tết-nhâm-dần-2022"
        ]
    );
    assert_eq!(article.lead, "Lịch trực nội bộ của tòa soạn.");
}

#[test]
fn the_malformed_item_is_reported_with_its_line() {
    let bad: Vec<BadItem> = read().into_iter().filter_map(Result::err).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].source_id, None);
    assert_eq!(bad[0].line, item_line("Bản tin cuối ngày"));
    assert_eq!(bad[0].line, 442, "the fixture's malformed <item> moved");
    assert!(
        bad[0].message.contains("no <wp:post_id>"),
        "{}",
        bad[0].message
    );
    assert!(
        bad[0]
            .message
            .contains("`2021-13-45 99:00:00` is not a date"),
        "{}",
        bad[0].message
    );
}

#[test]
fn the_post_after_the_malformed_one_is_read() {
    let article = post(108);
    assert_eq!(article.status, SourceStatus::Published);
    // No `wp:post_date_gmt` at all: `2022-06-02 07:20:00` at +07:00.
    assert_eq!(article.published_at, utc("2022-06-02T00:20:00Z"));
    // `&amp;` inside the excerpt's CDATA is HTML's.
    assert_eq!(
        article.lead,
        "Chè Shan tuyết Hà Giang đạt chuẩn OCOP & được bán trên các sàn thương mại điện tử."
    );
    assert_eq!(article.tags, [term("chuyen-doi-so", "Chuyển đổi số")]);
    assert_eq!(article.sections, [term("kinh-te", "Kinh tế")]);
    // `_thumbnail_id` 99 is no attachment of the export.
    assert_eq!(article.lead_image, None);
    // The `-300x200` copy (no `wp-image-` class) and `[gallery ids="23,99"]`:
    // 23 is filled in, 99 has no URL and is dropped.
    assert_eq!(images(&article), [&attachment(23), &attachment(23)]);
}

#[test]
fn local_dates_follow_the_options_offset() {
    let at_utc = Options {
        offset: FixedOffset::east_opt(0).unwrap(),
    };
    let read: Vec<SourceArticle> = read_with(FIXTURE.as_bytes(), at_utc)
        .into_iter()
        .flatten()
        .collect();
    let published = |id: &str| {
        read.iter()
            .find(|a| a.source_id.ends_with(id))
            .unwrap()
            .published_at
    };
    assert_eq!(published(":108"), utc("2022-06-02T07:20:00Z"));
    // A GMT date needs no offset.
    assert_eq!(published(":101"), utc("2021-12-27T12:12:00Z"));
    assert_eq!(
        Options::default().offset,
        FixedOffset::east_opt(7 * 3600).unwrap()
    );
}
