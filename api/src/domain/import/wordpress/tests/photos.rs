//! Body photos completed from the fixture's attachments.

use super::*;
use crate::domain::import::wordpress::{lookup::Lookup, photos::complete_photo};

fn complete(photo: SourcePhoto) -> Option<SourcePhoto> {
    complete_photo(photo, &Lookup::new(catalog()))
}

fn photo(url: &str, source_ref: Option<&str>) -> SourcePhoto {
    SourcePhoto {
        url: url.to_owned(),
        source_ref: source_ref.map(str::to_owned),
        ..SourcePhoto::default()
    }
}

#[test]
fn what_the_markup_says_wins() {
    let mut own = photo(
        "https://baohagiang.example.vn/wp-content/uploads/2021/12/hoi-nghi-dan-van-1024x683.jpg",
        Some("21"),
    );
    own.caption = Some("Quang cảnh hội nghị.".to_owned());
    own.alt = Some(" ".to_owned());
    // The copy's size: not the original's, which replaces it.
    (own.width, own.height) = (Some(1024), Some(683));
    let done = complete(own).unwrap();
    assert_eq!(done.caption.as_deref(), Some("Quang cảnh hội nghị."));
    assert_eq!(done.alt, attachment(21).alt);
    assert_eq!(done.credit.as_deref(), Some("Hoàng Anh"));
    assert_eq!((done.width, done.height), (Some(1200), Some(800)));
    assert_eq!(done.url, attachment(21).url);
}

#[test]
fn copies_are_found_by_their_url_in_any_form() {
    for url in [
        "/wp-content/uploads/2021/12/hoi-nghi-dan-van-300x200.jpg",
        "http://baohagiang.example.vn/wp-content/uploads/2021/12/hoi-nghi-dan-van-150x150.jpg",
        "https://i0.wp.com/baohagiang.example.vn/wp-content/uploads/2021/12/hoi-nghi-dan-van.jpg?resize=768%2C512&ssl=1",
    ] {
        assert_eq!(complete(photo(url, None)), Some(attachment(21)), "{url}");
    }
    // `-scaled` is the upload; sizes are named after the original.
    let scaled = complete(photo(
        "https://baohagiang.example.vn/wp-content/uploads/2022/05/ruong-bac-thang.jpg",
        None,
    ));
    assert_eq!(scaled, Some(attachment(22)));
}

#[test]
fn another_file_keeps_its_url_and_size() {
    let mut elsewhere = photo("https://cdn.example.vn/anh/hoi-nghi.jpg", Some("21"));
    elsewhere.width = Some(640);
    let done = complete(elsewhere).unwrap();
    assert_eq!(done.url, "https://cdn.example.vn/anh/hoi-nghi.jpg");
    assert_eq!(
        (done.width, done.height, done.mime),
        (Some(640), None, None)
    );
    assert_eq!(done.caption, attachment(21).caption);
}

#[test]
fn photos_without_a_url_are_dropped() {
    assert_eq!(complete(photo("", Some("99"))), None);
    assert_eq!(complete(photo("", None)), None);
    assert_eq!(complete(photo("data:image/png;base64,AAAA", None)), None);
    assert_eq!(complete(photo("", Some("22"))), Some(attachment(22)));
    let unknown = "https://baohagiang.example.vn/wp-content/uploads/2020/01/khac.jpg";
    assert_eq!(complete(photo(unknown, None)), Some(photo(unknown, None)));
}
