//! Files that are not well-formed, not exports, or hold wrong posts.

use super::*;

/// A minimal export around `items`.
fn export(base: &str, items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
{base}
{items}
</channel>
</rss>
"#
    )
}

fn post(id: &str, status: &str, title: &str, content: &str, date: &str) -> String {
    format!(
        "<item><title>{title}</title><content:encoded><![CDATA[{content}]]></content:encoded>\
         <wp:post_id>{id}</wp:post_id><wp:post_date>{date}</wp:post_date>\
         <wp:status>{status}</wp:status><wp:post_type>post</wp:post_type></item>\n"
    )
}

fn read_all(text: &str) -> Vec<Result<SourceArticle, BadItem>> {
    let catalog = Arc::new(scan_catalog(text.as_bytes()).unwrap());
    items(text.as_bytes(), catalog, Options::default(), stand_in).collect()
}

#[test]
fn xml_that_breaks_ends_the_reading_with_its_line() {
    let tag = "le-hoi-hoa-tam-giac-mach-2027]]></wp:post_name>";
    let broken = FIXTURE.replace(tag, "le-hoi-hoa-tam-giac-mach-2027]]></wp:post_nam>");
    let line = FIXTURE.lines().position(|l| l.contains(tag)).unwrap() as u64 + 1;
    let mut items = items(broken.as_bytes(), catalog(), Options::default(), stand_in);
    assert!(items.next().unwrap().is_ok());
    assert!(items.next().unwrap().is_ok());
    let fatal = items.next().unwrap().unwrap_err();
    assert_eq!((fatal.source_id, fatal.line), (None, line));
    assert!(
        fatal.message.contains("not well-formed"),
        "{}",
        fatal.message
    );
    assert!(items.next().is_none() && items.next().is_none());
    assert_eq!(scan_catalog(broken.as_bytes()).unwrap_err().line, line);
}

#[test]
fn a_file_cut_short_is_an_error_after_the_posts_it_has() {
    let end = FIXTURE.find("<wp:post_id>101</wp:post_id>").unwrap();
    let end = end + FIXTURE[end..].find("</item>").unwrap() + "</item>".len();
    let cut = &FIXTURE[..end];
    let read = read_with(cut.as_bytes(), Options::default());
    assert_eq!(read.len(), 2);
    assert!(read[0].is_ok());
    let fatal = read[1].as_ref().unwrap_err();
    assert_eq!(fatal.line, cut.lines().count() as u64);
    assert_eq!(fatal.message, "the file ends inside <rss><channel>");
    assert!(scan_catalog(cut.as_bytes()).is_err());
}

#[test]
fn other_documents_are_no_exports() {
    let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tin</title></feed>"#;
    let bad = scan_catalog(atom.as_bytes()).unwrap_err();
    assert!(
        bad.message.contains("not a WordPress export"),
        "{}",
        bad.message
    );
    let read: Vec<_> = items(atom.as_bytes(), catalog(), Options::default(), stand_in).collect();
    assert_eq!(read.len(), 1);
    assert!(read[0].is_err());

    let rss = "<rss version=\"2.0\"><channel><title>Tin</title><item><title>Một</title></item></channel></rss>";
    let bad = scan_catalog(rss.as_bytes()).unwrap_err();
    assert!(bad.message.contains("<wp:wxr_version>"), "{}", bad.message);
    assert!(scan_catalog("".as_bytes()).is_err());
}

#[test]
fn wrong_posts_are_reported_and_reading_goes_on() {
    let base = "<wp:base_blog_url>https://baohagiang.example.vn</wp:base_blog_url>";
    let items = [
        post(
            "1",
            "archived",
            "Tin một",
            "Nội dung",
            "2022-01-01 08:00:00",
        ),
        post("2", "publish", "", "", "2022-01-01 08:00:00"),
        post("ba", "publish", "Tin ba", "Nội dung", "2022-01-01 08:00:00"),
        post("4", "publish", "Tin bốn", "Nội dung", ""),
        post("5", "draft", "Tin năm", "", ""),
    ];
    let read = read_all(&export(base, &items.concat()));
    let messages: Vec<(Option<String>, String)> = read
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|bad| (bad.source_id.clone(), bad.message.clone()))
        .collect();
    let id = |n: u64| Some(format!("wordpress:https://baohagiang.example.vn:{n}"));
    assert_eq!(
        messages,
        [
            (id(1), "unknown <wp:status> `archived`".to_owned()),
            (id(2), "no title and no content".to_owned()),
            (None, "<wp:post_id> `ba` is not a number".to_owned()),
            (
                id(4),
                "no date: neither <wp:post_date_gmt> nor <wp:post_date>".to_owned()
            ),
        ]
    );
    // A draft may have no date and no body.
    let draft = read[4].as_ref().unwrap();
    assert_eq!((draft.title.as_str(), draft.created_at), ("Tin năm", None));
}

#[test]
fn without_a_base_url_ids_still_hold_the_post_id() {
    let read = read_all(&export(
        "",
        &post("5", "publish", "Tin", "Nội dung", "2022-01-01 08:00:00"),
    ));
    assert_eq!(read[0].as_ref().unwrap().source_id, "wordpress::5");
}

#[test]
fn entities_xml_does_not_know_are_kept_for_html() {
    let item = post(
        "6",
        "publish",
        "Hà&nbsp;Giang &lt;em&gt;mùa hoa&lt;/em&gt;",
        "x",
        "2022-01-01 08:00:00",
    );
    let read = read_all(&export("", &item));
    assert_eq!(read[0].as_ref().unwrap().title, "Hà Giang mùa hoa");
}
