//! Importing archives: a WordPress export (every mapping of the fixture),
//! repeatability (the same file twice, an updated export, editors' changes
//! as conflicts, `overwrite`, `quiet`, `dry_run`, `strict`), a ninjs export
//! re-imported into an empty database giving the same items, admins'
//! imports through `POST /v1/import` and `importJob(id)`, and the command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/partner.rs"]
mod partner;
#[path = "common/server.rs"]
mod server;

use std::path::{Path, PathBuf};

use api::domain::import::{
    self, Format, ImportError, ItemReport, Job, Observer, Options, Progress, Summary,
};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use common::{TestApp, backends, body_json, first_error_code, token};
use entity::article_change;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const FIXTURE: &str = "tests/fixtures/import/wordpress.xml";
const DAN_VAN: &str = "hoi-nghi-tong-ket-cong-tac-dan-van-nam-2021";
const RUONG: &str = "hoang-su-phi-ruong-bac-thang-mua-nuoc-do";

/// Ignores progress; the tests read the summary.
struct Quiet;

impl Observer for Quiet {
    fn item(&mut self, _: &ItemReport<'_>) {}
    fn progress(&mut self, _: &Progress<'_>) {}
}

async fn import_file(
    app: &TestApp,
    path: &Path,
    format: Format,
    options: Options,
) -> Result<Summary, ImportError> {
    let job = Job {
        path,
        format,
        options,
        wordpress: import::wordpress::Options::default(),
        by: Some("import-test"),
    };
    import::run(&app.db, job, &mut Quiet).await
}

async fn import_wordpress(app: &TestApp, options: Options) -> Summary {
    import_file(app, Path::new(FIXTURE), Format::Wordpress, options)
        .await
        .expect("the fixture imports")
}

/// The fixture with `edit` applied, in a temporary file.
fn edited_fixture(edit: impl Fn(String) -> String) -> tempfile::TempPath {
    let text = edit(std::fs::read_to_string(FIXTURE).unwrap());
    let file = tempfile::Builder::new().suffix(".xml").tempfile().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file.into_temp_path()
}

async fn change_count(app: &TestApp) -> u64 {
    article_change::Entity::find().count(&app.db).await.unwrap()
}

const ARTICLE: &str = r#"query($slug: String!) { article(slug: $slug) {
    slug title lead status publishedAt wordCount
    section { slug name parent { slug name } }
    tags { slug name }
    people { role person { slug fullName } }
    leadImage { url caption alt credit width height }
    body { __typename
      ... on ParagraphBlock { text }
      ... on HeadingBlock { level text }
      ... on ImageBlock { image { url caption credit alt width height } }
      ... on QuoteBlock { text attribution }
      ... on ListBlock { ordered items }
      ... on EmbedBlock { url provider }
      ... on HtmlBlock { html } } } }"#;

async fn article(app: &TestApp, bearer: Option<&str>, slug: &str) -> Value {
    let data = match bearer {
        Some(t) => app.data_as(t, ARTICLE, json!({"slug": slug})).await,
        None => app.data(ARTICLE, json!({"slug": slug})).await,
    };
    data["article"].clone()
}

fn kinds(article: &Value) -> Vec<String> {
    article["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["__typename"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_wordpress_export_brings_posts_with_their_graph_dates_and_old_links() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        let summary = import_wordpress(&app, Options::default()).await;
        assert_eq!(
            (summary.items, summary.created, summary.failed),
            (7, 6, 1),
            "{summary:?}"
        );
        let bad = &summary.problems[0];
        assert_eq!((bad.kind, bad.line), ("invalid", 442), "{bad:?}");
        assert!(bad.message.contains("2021-13-45"), "{bad:?}");

        let editor = token("bien-tap", &["editor"]);
        let a = article(&app, None, DAN_VAN).await;
        assert_eq!(a["title"], "Hội nghị tổng kết công tác dân vận năm 2021");
        assert_eq!(a["status"], "PUBLISHED");
        assert_eq!(a["publishedAt"], "2021-12-27T12:12:00+00:00");
        assert_eq!(a["section"]["slug"], "thoi-su-chinh-tri");
        assert_eq!(a["section"]["parent"]["slug"], "thoi-su");
        assert_eq!(a["section"]["parent"]["name"], "Thời sự");
        let tags: Vec<&str> = a["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(tags, ["Dân vận", "Hội nghị"]);
        assert_eq!(a["people"][0]["role"], "AUTHOR");
        assert_eq!(a["people"][0]["person"]["fullName"], "Minh Tiến");
        let lead = &a["leadImage"];
        assert_eq!(
            lead["caption"],
            "Quang cảnh Hội nghị tổng kết công tác dân vận năm 2021."
        );
        assert_eq!(
            (lead["width"].as_i64(), lead["height"].as_i64()),
            (Some(1200), Some(800))
        );
        assert_eq!(lead["credit"], "Hoàng Anh");
        assert!(kinds(&a).contains(&"ImageBlock".to_owned()), "{a}");
        let image = a["body"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["__typename"] == "ImageBlock")
            .unwrap();
        // The [caption] shortcode's image is the attachment's original,
        // with the caption the post gave it.
        assert_eq!(image["image"]["url"], lead["url"]);
        assert_eq!(image["image"]["caption"], "Quang cảnh hội nghị.");
        assert!(a["wordCount"].as_i64().unwrap() > 20);

        // The old permalink and the old (Vietnamese) slug still find it.
        for old in [
            "2021/12/27/hội-nghị-tổng-kết-công-tác-dân-vận-năm-2021",
            "hội-nghị-tổng-kết-công-tác-dân-vận-năm-2021",
        ] {
            assert_eq!(article(&app, None, old).await["slug"], DAN_VAN, "{old}");
        }

        // Gutenberg: every block kind, the table kept as sanitized HTML.
        let b = article(&app, None, RUONG).await;
        let kinds = kinds(&b);
        for kind in [
            "ParagraphBlock",
            "HeadingBlock",
            "ImageBlock",
            "QuoteBlock",
            "ListBlock",
            "EmbedBlock",
            "HtmlBlock",
        ] {
            assert!(kinds.contains(&kind.to_owned()), "{kind} in {kinds:?}");
        }
        let html = b["body"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["__typename"] == "HtmlBlock")
            .unwrap()["html"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            html.contains("<table") && !html.contains("<script"),
            "{html}"
        );
        assert_eq!(b["section"]["slug"], "kinh-te");
        assert_eq!(
            article(
                &app,
                None,
                "kinh-te/hoang-su-phi-ruong-bac-thang-mua-nuoc-do-102.html"
            )
            .await["slug"],
            RUONG
        );

        // Scheduled, draft and private posts: not for readers; kept for
        // editors with their state.
        let scheduled = "le-hoi-hoa-tam-giac-mach-2027";
        assert_eq!(article(&app, None, scheduled).await, Value::Null);
        let s = article(&app, Some(&editor), scheduled).await;
        assert_eq!(s["status"], "SCHEDULED");
        assert_eq!(
            s["title"],
            "Lễ hội Hoa tam giác mạch & Tuần Văn hóa – Du lịch Hà Giang năm 2027"
        );
        let draft = "huyen-dong-van-trien-khai-mo-hinh-cho-phien-khong-rac-thai-nhua";
        assert_eq!(article(&app, None, draft).await, Value::Null);
        let d = article(&app, Some(&editor), draft).await;
        assert_eq!(
            (d["status"].as_str(), d["publishedAt"].as_null()),
            (Some("DRAFT"), Some(()))
        );
        let private = "lich-truc-ban-tet-nham-dan-2022";
        assert_eq!(article(&app, None, private).await, Value::Null);
        assert_eq!(
            article(&app, Some(&editor), private).await["status"],
            "UNPUBLISHED"
        );

        // An author with no posts is a person all the same.
        let person = app
            .data(r#"{ person(slug: "truong-ca") { fullName } }"#, json!({}))
            .await;
        assert_eq!(person["person"]["fullName"], "Trường Ca");

        // Indexed as it went: search finds it by a word of its body.
        let mut found = Value::Null;
        for _ in 0..50 {
            found = app
                .data(
                    r#"{ search(query: "ruộng bậc thang", first: 3) { edges { node { slug } } } }"#,
                    json!({}),
                )
                .await;
            if found["search"]["edges"][0]["node"]["slug"] == RUONG {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(
            found["search"]["edges"][0]["node"]["slug"], RUONG,
            "{found}"
        );
    }
}

#[tokio::test]
async fn importing_again_changes_only_what_changed_and_keeps_editors_work() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        // Staff answers are never cached: each read sees the last import.
        let editor = token("bien-tap", &["editor"]);
        let staff = Some(editor.as_str());
        import_wordpress(&app, Options::default()).await;
        let logged = change_count(&app).await;
        assert!(logged >= 3, "the published posts are logged: {logged}");

        // The same file again: nothing changes, nothing is logged.
        let again = import_wordpress(&app, Options::default()).await;
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 6));
        assert_eq!(change_count(&app).await, logged);

        // An updated export: a dry run says so and writes nothing…
        let renamed = "Hoàng Su Phì: Ruộng bậc thang mùa nước đổ vàng";
        let updated = edited_fixture(|xml| {
            xml.replace(
                "<title><![CDATA[Hoàng Su Phì: Ruộng bậc thang mùa nước đổ]]></title>",
                &format!("<title><![CDATA[{renamed}]]></title>"),
            )
        });
        let dry = Options {
            dry_run: true,
            ..Options::default()
        };
        let plan = import_file(&app, &updated, Format::Wordpress, dry)
            .await
            .unwrap();
        assert_eq!((plan.updated, plan.unchanged, plan.dry_run), (1, 5, true));
        assert_ne!(article(&app, staff, RUONG).await["title"], renamed);

        // …the import updates the one article, logged once.
        let real = import_file(&app, &updated, Format::Wordpress, Options::default())
            .await
            .unwrap();
        assert_eq!((real.updated, real.unchanged), (1, 5));
        assert_eq!(article(&app, staff, RUONG).await["title"], renamed);
        assert_eq!(change_count(&app).await, logged + 1);

        // An editor changes the article; the next export changes it too:
        // a conflict, the editor's title stays…
        let current = app
            .data_as(
                &editor,
                r#"query($slug: String!) { article(slug: $slug) { id version } }"#,
                json!({"slug": RUONG}),
            )
            .await;
        let edited = app
            .data_as(
                &editor,
                r#"mutation($id: ID!, $v: Int!) { updateArticle(id: $id, version: $v,
                    input: {title: "Ruộng bậc thang Hoàng Su Phì vào mùa"}) { article { title } } }"#,
                json!({"id": current["article"]["id"], "v": current["article"]["version"]}),
            )
            .await;
        assert_eq!(
            edited["updateArticle"]["article"]["title"],
            "Ruộng bậc thang Hoàng Su Phì vào mùa"
        );
        let newer = edited_fixture(|xml| {
            xml.replace(
                "<title><![CDATA[Hoàng Su Phì: Ruộng bậc thang mùa nước đổ]]></title>",
                "<title><![CDATA[Hoàng Su Phì mùa nước đổ]]></title>",
            )
        });
        let conflict = import_file(&app, &newer, Format::Wordpress, Options::default())
            .await
            .unwrap();
        assert_eq!(conflict.conflicts, 1, "{conflict:?}");
        let problem = conflict
            .problems
            .iter()
            .find(|p| p.kind == "conflict")
            .unwrap();
        assert!(problem.source_id.as_deref().unwrap().ends_with(":102"));
        assert_eq!(
            article(&app, staff, RUONG).await["title"],
            "Ruộng bậc thang Hoàng Su Phì vào mùa"
        );

        // …unless the import overwrites.
        let overwrite = Options {
            overwrite: true,
            ..Options::default()
        };
        let replaced = import_file(&app, &newer, Format::Wordpress, overwrite)
            .await
            .unwrap();
        assert_eq!((replaced.updated, replaced.conflicts), (1, 0));
        assert_eq!(
            article(&app, staff, RUONG).await["title"],
            "Hoàng Su Phì mùa nước đổ"
        );
    }
}

#[tokio::test]
async fn a_quiet_import_stays_out_of_the_change_log_and_strict_stops_at_a_bad_item() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        let quiet = Options {
            quiet: true,
            ..Options::default()
        };
        let summary = import_wordpress(&app, quiet).await;
        assert_eq!(summary.created, 6);
        assert_eq!(change_count(&app).await, 0);

        let fresh = TestApp::empty(backend).await;
        let strict = Options {
            strict: true,
            ..Options::default()
        };
        let stopped = import_file(&fresh, Path::new(FIXTURE), Format::Wordpress, strict).await;
        match stopped {
            Err(ImportError::Strict(problem)) => assert_eq!(problem.line, 442),
            other => panic!("strict must stop at line 442: {other:?}"),
        }
        // The posts before the bad one are whole; the one after is not there.
        assert_eq!(article(&fresh, None, DAN_VAN).await["slug"], DAN_VAN);
        assert_eq!(
            article(
                &fresh,
                None,
                "che-shan-tuyet-ha-giang-vuon-ra-thi-truong-quoc-te"
            )
            .await,
            Value::Null
        );
    }
}

/// Every ninjs item of `app`'s change log (the current version of each
/// article), as a partner syncing from the start gets them.
async fn export(app: &TestApp) -> Vec<Value> {
    let partner = token("doi-tac", &["partner"]);
    let mut cursor = String::new();
    let mut items = std::collections::BTreeMap::new();
    loop {
        let (status, page) = partner::get(
            app,
            &format!("/v1/sync?limit=100&cursor={cursor}"),
            Some(&partner),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for item in page["items"].as_array().unwrap() {
            if let Some(ninjs) = item.get("ninjs") {
                items.insert(
                    ninjs["slugline"].as_str().unwrap().to_owned(),
                    ninjs.clone(),
                );
            }
        }
        cursor = page["nextCursor"].as_str().unwrap().to_owned();
        if page["hasMore"] == false {
            break;
        }
    }
    items.into_values().collect()
}

/// An item without what names rows of one database: ids, versions, the
/// time of the last change.
fn portable(mut item: Value) -> Value {
    let object = item.as_object_mut().unwrap();
    for key in ["uri", "version", "versionCreated"] {
        object.remove(key);
    }
    if let Some(alt) = object.get_mut("altIds") {
        alt.as_array_mut()
            .unwrap()
            .retain(|a| a["role"] != "graphqlId");
    }
    for list in [
        "people",
        "organisations",
        "events",
        "subjects",
        "associations",
    ] {
        for concept in object
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let uri = concept["uri"].as_str().unwrap_or_default().to_owned();
            if uri.starts_with("urn:toasoan:") {
                concept.as_object_mut().unwrap().remove("uri");
            }
        }
    }
    item
}

#[tokio::test]
async fn a_ninjs_export_reimports_into_an_empty_database_as_the_same_items() {
    for backend in backends() {
        let source = TestApp::demo(backend).await;
        let exported = export(&source).await;
        assert!(exported.len() >= 5, "the demo has published articles");
        let file = tempfile::Builder::new()
            .suffix(".ndjson")
            .tempfile()
            .unwrap();
        let lines: Vec<String> = exported.iter().map(Value::to_string).collect();
        std::fs::write(file.path(), lines.join("\n") + "\n").unwrap();

        let target = TestApp::empty(backend).await;
        let summary = import_file(&target, file.path(), Format::Ninjs, Options::default())
            .await
            .unwrap();
        assert_eq!(summary.created as usize, exported.len(), "{summary:?}");
        assert_eq!(summary.failed, 0, "{summary:?}");

        let reexported = export(&target).await;
        assert_eq!(reexported.len(), exported.len());
        for (before, after) in exported.into_iter().zip(reexported) {
            assert_eq!(portable(after), portable(before));
        }

        // A directory of .json files is the same source.
        let dir = tempfile::tempdir().unwrap();
        for (i, line) in lines.iter().enumerate() {
            std::fs::write(dir.path().join(format!("{i:04}.json")), line).unwrap();
        }
        let again = import_file(&target, dir.path(), Format::Ninjs, Options::default())
            .await
            .unwrap();
        assert_eq!(again.unchanged as usize, lines.len(), "{again:?}");
    }
}

fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "toasoan-import-27122021";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"baohagiang.WordPress.xml\"\r\ncontent-type: application/xml\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_import(
    app: &TestApp,
    bearer: Option<&str>,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let (content_type, body) = multipart(fields, &std::fs::read(FIXTURE).unwrap());
    let mut request = Request::post("/v1/import").header("content-type", content_type);
    if let Some(t) = bearer {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let response = app.send(request.body(Body::from(body)).unwrap()).await;
    let status = response.status();
    (status, body_json(response).await)
}

const JOB: &str = r#"query($id: ID!) { importJob(id: $id) {
    id format fileName status dryRun bytesTotal bytesRead progress items created updated
    unchanged conflicts failed problems { sourceId line kind message } error startedAt finishedAt } }"#;

#[tokio::test]
async fn admins_import_through_the_api_and_follow_the_job() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        let admin = token("quan-tri", &["admin"]);
        let writer = token("phong-vien", &["writer"]);

        let (status, body) = post_import(&app, None, &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, body) = post_import(&app, Some(&writer), &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = post_import(&app, Some(&admin), &[("format", "joomla")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        // A malformed option in the query string: the token first, then a
        // JSON error with its code (never the framework's plain text).
        for (bearer, expected) in [
            (None, StatusCode::UNAUTHORIZED),
            (Some(&admin), StatusCode::BAD_REQUEST),
        ] {
            let mut request = Request::post("/v1/import?strict=null&strict=null")
                .header("content-type", "application/xml");
            if let Some(t) = bearer {
                request = request.header("authorization", format!("Bearer {t}"));
            }
            let response = app.send(request.body(Body::from("<rss/>")).unwrap()).await;
            assert_eq!(response.status(), expected);
            let body = body_json(response).await;
            if expected == StatusCode::BAD_REQUEST {
                assert_eq!(
                    body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                    "{body}"
                );
            }
        }

        let (status, started) = post_import(&app, Some(&admin), &[("dryRun", "false")]).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{started}");
        assert_eq!(started["status"], "QUEUED");
        assert_eq!(started["format"], "wordpress");
        let id = started["id"].as_str().unwrap().to_owned();

        let mut job = Value::Null;
        for _ in 0..200 {
            job = app.data_as(&admin, JOB, json!({"id": id})).await["importJob"].clone();
            if job["status"] == "SUCCEEDED" || job["status"] == "FAILED" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(job["status"], "SUCCEEDED", "{job}");
        assert_eq!(
            (job["created"].as_i64(), job["failed"].as_i64()),
            (Some(6), Some(1))
        );
        assert_eq!(job["fileName"], "baohagiang.WordPress.xml");
        assert_eq!(job["progress"], 1.0);
        assert_eq!(job["problems"][0]["line"], 442);
        assert_eq!(article(&app, None, DAN_VAN).await["slug"], DAN_VAN);

        // Only admins follow imports.
        let refused = app.graphql_as(&writer, JOB, json!({"id": id})).await;
        assert_eq!(first_error_code(&refused), "FORBIDDEN");
        let unknown = app
            .data_as(&admin, JOB, json!({"id": api::platform::ids::encode(api::platform::ids::NodeType::ImportJob, 999)}))
            .await;
        assert_eq!(unknown["importJob"], Value::Null);
    }
}

#[test]
fn the_command_reports_what_a_dry_run_would_do_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("dry.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let output = server::run(
        &["import", "wordpress", FIXTURE, "--dry-run"],
        &[("DATABASE_URL", &url)],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("would create wordpress:https://baohagiang.example.vn:101"),
        "{stdout}"
    );
    assert!(
        stdout.contains("invalid") && stdout.contains("(line 442)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("7 items read: 6 would be created, 0 would be updated"),
        "{stdout}"
    );

    let strict = server::run(
        &["import", "wordpress", FIXTURE, "--strict", "--quiet"],
        &[("DATABASE_URL", &url)],
    );
    assert!(!strict.status.success());
    assert!(
        String::from_utf8_lossy(&strict.stderr).contains("stopped at a bad item"),
        "{}",
        String::from_utf8_lossy(&strict.stderr)
    );
}
