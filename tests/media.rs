//! The media library: uploads (REST and the GraphQL multipart spec),
//! metadata scrubbing, renditions served from the store's cache, URLs and
//! `srcset` in GraphQL, hostile files, delete, and S3-compatible storage
//! (moto's S3 server on loopback, spoken to by the real S3 client).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Cursor;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{Backend, TestApp, backends, body_json, token};
use http_body_util::BodyExt;
use image::{ImageDecoder, ImageFormat};
use img_parts::ImageEXIF;
use serde_json::{Value, json};

const NODE: &str = r#"query($id: ID!) { node(id: $id) { ... on Media {
    id width height mime uploaded caption placeholder focalPoint { x y }
    original: url
    card: url(width: 600, height: 340, format: WEBP)
    phone: url(width: 300)
    srcset(widths: [320, 640, 5000])
} } }"#;

/// A 1200×800 JPEG with a gradient, its EXIF holding orientation 6
/// (turned 90°) and a GPS block that must not survive the upload.
fn phone_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x / 5) as u8, (y / 4) as u8, ((x + y) / 8) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(out.into_inner().into()).unwrap();
    jpeg.set_exif(Some(exif_with_gps().into()));
    jpeg.encoder().bytes().to_vec()
}

/// TIFF (big-endian): IFD0 with Orientation = 6 and a GPS IFD pointer; the
/// GPS IFD with GPSLatitudeRef = "N".
fn exif_with_gps() -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&2u16.to_be_bytes());
    t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    let gps_at: u32 = 8 + 2 + 2 * 12 + 4;
    t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    t.extend_from_slice(&gps_at.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(&1u16.to_be_bytes());
    t.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend_from_slice(&0u32.to_be_bytes());
    t
}

fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "toasoan-boundary-27122021";
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
            "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"hoi-nghi.jpg\"\r\ncontent-type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_rest(app: &TestApp, who: Option<&str>, file: &[u8]) -> (StatusCode, Value) {
    let (content_type, body) = multipart(
        &[("caption", "Toàn cảnh hội nghị."), ("credit", "Trường Ca")],
        file,
    );
    let mut request = Request::post("/v1/media").header(header::CONTENT_TYPE, content_type);
    if let Some(who) = who {
        request = request.header(header::AUTHORIZATION, format!("Bearer {who}"));
    }
    let response = app.send(request.body(Body::from(body)).unwrap()).await;
    let status = response.status();
    (status, body_json(response).await)
}

async fn get(app: &TestApp, url: &str, etag: Option<&str>) -> axum::http::Response<Body> {
    let path = url
        .strip_prefix("https://baotinh.example")
        .unwrap_or(url)
        .to_owned();
    let mut request = Request::get(path);
    if let Some(etag) = etag {
        request = request.header(header::IF_NONE_MATCH, etag);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

async fn bytes(response: axum::http::Response<Body>) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

/// Upload → GraphQL URLs → renditions (rendered once, then from the
/// store) → original without its location, on `app`.
async fn round_trip(app: &TestApp) {
    let writer = token("writer-lan", &["writer"]);
    let (status, created) = upload_rest(app, Some(&writer), &phone_photo()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["caption"], "Toàn cảnh hội nghị.");
    // Orientation 6: the photo stands upright, 800 wide and 1200 high.
    assert_eq!(
        (created["width"].as_i64(), created["height"].as_i64()),
        (Some(800), Some(1200))
    );
    let (again, same) = upload_rest(app, Some(&writer), &phone_photo()).await;
    assert_eq!(again, StatusCode::OK, "the same bytes give the same media");
    assert_eq!(same["id"], created["id"]);

    let data = app.data(NODE, json!({"id": created["id"]})).await;
    let m = &data["node"];
    assert_eq!(m["uploaded"], true);
    assert!(
        m["placeholder"]
            .as_str()
            .unwrap()
            .starts_with("data:image/jpeg;base64,")
    );
    let card = m["card"].as_str().unwrap();
    assert!(card.contains("/640x360/cover.webp?v="), "{card}");
    assert!(m["phone"].as_str().unwrap().contains("/320x0/width.jpg?v="));
    let srcset = m["srcset"].as_str().unwrap();
    assert!(
        srcset.ends_with(" 800w") && srcset.contains(" 320w, "),
        "{srcset}"
    );

    let first = get(app, card, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()[header::CONTENT_TYPE], "image/webp");
    assert!(
        first.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    let webp = bytes(first).await;
    let decoded = image::load_from_memory(&webp).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (640, 360));
    let rendered = app.state.graphql.media.rendered();
    let second = get(app, card, None).await;
    assert_eq!(bytes(second).await, webp);
    assert_eq!(
        app.state.graphql.media.rendered(),
        rendered,
        "served from the store"
    );
    let revalidated = get(app, card, Some(&etag)).await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);

    let original = bytes(get(app, m["original"].as_str().unwrap(), None).await).await;
    let jpeg = img_parts::jpeg::Jpeg::from_bytes(original.clone().into()).unwrap();
    let exif = jpeg.exif().expect("the orientation is kept");
    assert!(
        exif.len() < 40,
        "only the orientation is left: {} bytes",
        exif.len()
    );
    assert!(
        !exif.windows(2).any(|w| w == [0x88, 0x25]),
        "no GPS pointer"
    );
    let mut decoder = image::ImageReader::new(Cursor::new(&original))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    assert_eq!(decoder.orientation().unwrap().to_exif(), 6);

    // A size outside the allowed set is refused, not rendered.
    let odd = card.replace("640x360", "641x360");
    let refused = get(app, &odd, None).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        body_json(refused).await["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    // A repeated version parameter is malformed: a JSON error, not text.
    let (bare, _) = card.split_once('?').unwrap();
    let repeated = get(app, &format!("{bare}?v=1&v=2"), None).await;
    assert_eq!(repeated.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        body_json(repeated).await["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    // A key with another hash prefix finds nothing.
    let (key_start, _) = card.split_once("/640x360").unwrap();
    let guessed = format!(
        "{}000000000000/640x360/cover.webp",
        &key_start[..key_start.len() - 12]
    );
    assert_eq!(
        get(app, &guessed, None).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_upload_becomes_renditions_a_frontend_can_ask_for() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        round_trip(&app).await;
    }
}

#[tokio::test]
async fn upload_media_follows_the_graphql_multipart_request_spec() {
    for backend in backends() {
        let app = TestApp::empty(backend).await;
        let operations = json!({
            "query": "mutation($file: Upload!) { uploadMedia(file: $file, caption: \"Quang cảnh hội nghị.\", alt: \"Hội trường Tỉnh ủy\") { created media { id caption alt width height mime } } }",
            "variables": {"file": null}
        });
        // The GraphQL multipart request spec: `operations`, `map`, then
        // the file under the name the map gives it.
        let boundary = "toasoan-boundary-27122021";
        let mut form = Vec::new();
        for (name, value) in [
            ("operations", operations.to_string()),
            ("map", r#"{"0": ["variables.file"]}"#.to_owned()),
        ] {
            form.extend_from_slice(format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        form.extend_from_slice(format!("--{boundary}\r\ncontent-disposition: form-data; name=\"0\"; filename=\"anh.jpg\"\r\ncontent-type: image/jpeg\r\n\r\n").as_bytes());
        form.extend_from_slice(&phone_photo());
        form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = |who: Option<String>| {
            let content_type = format!("multipart/form-data; boundary={boundary}");
            let mut r = Request::post("/graphql").header(header::CONTENT_TYPE, content_type);
            if let Some(who) = who {
                r = r.header(header::AUTHORIZATION, format!("Bearer {who}"));
            }
            r.body(Body::from(form.clone())).unwrap()
        };
        let anonymous = body_json(app.send(request(None)).await).await;
        assert_eq!(
            anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{anonymous}"
        );
        let writer = token("writer-lan", &["writer"]);
        let answer = body_json(app.send(request(Some(writer))).await).await;
        let payload = &answer["data"]["uploadMedia"];
        assert_eq!(payload["created"], true, "{answer}");
        assert_eq!(payload["media"]["caption"], "Quang cảnh hội nghị.");
        assert_eq!(payload["media"]["mime"], "image/jpeg");
        assert_eq!(payload["media"]["width"], 800);
    }
}

/// A PNG whose header claims `width`×`height` (its CRC right), with one
/// tiny compressed row: a decompression bomb's header.
fn bomb(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::new(1, 1);
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    let mut png = out.into_inner();
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test]
async fn hostile_files_are_refused_and_nothing_is_kept() {
    for backend in backends() {
        let app = TestApp::empty_with(backend, |c| c.media.media_max_mb = 1).await;
        let writer = token("writer-lan", &["writer"]);
        let photo = phone_photo();
        let cases: Vec<(&str, Vec<u8>, StatusCode)> = vec![
            (
                "text named .jpg",
                "Dân biết, dân bàn, dân làm, dân kiểm tra"
                    .as_bytes()
                    .to_vec(),
                StatusCode::BAD_REQUEST,
            ),
            (
                "truncated JPEG",
                photo[..photo.len() / 2].to_vec(),
                StatusCode::BAD_REQUEST,
            ),
            (
                "decompression bomb",
                bomb(100_000, 100_000),
                StatusCode::BAD_REQUEST,
            ),
            (
                "over MEDIA_MAX_MB",
                vec![0xFF; 2 * 1024 * 1024],
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            ("empty", Vec::new(), StatusCode::BAD_REQUEST),
        ];
        for (what, file, status) in cases {
            let (got, answer) = upload_rest(&app, Some(&writer), &file).await;
            assert_eq!(got, status, "{what}: {answer}");
            assert_eq!(
                answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{what}"
            );
        }
        let (anonymous, _) = upload_rest(&app, None, &photo).await;
        assert_eq!(anonymous, StatusCode::UNAUTHORIZED);
        let reader = token("partner-x", &["partner"]);
        let (partner, _) = upload_rest(&app, Some(&reader), &photo).await;
        assert_eq!(partner, StatusCode::FORBIDDEN);
        let dir = app.state.config.media.media_dir.clone().unwrap();
        assert_eq!(files_under(&dir), Vec::<String>::new(), "nothing stored");
        let count = app
            .data("{ articles(first: 1) { totalCount } }", json!({}))
            .await;
        assert_eq!(count["articles"]["totalCount"], 0);
    }
}

#[tokio::test]
async fn media_in_use_cannot_be_deleted_and_deleted_media_leave_no_files() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let writer = token("writer-lan", &["writer"]);
        let editor = token("editor-minh", &["editor"]);
        let (_, media) = upload_rest(&app, Some(&writer), &phone_photo()).await;
        let id = media["id"].clone();
        let create = r#"mutation($input: ArticleInput!) { createArticle(input: $input) { article { id version } } }"#;
        let input = json!({
            "title": "Ảnh hội nghị Dân vận khéo",
            "section": "thoi-su-chinh-tri",
            "lead": "Quang cảnh hội nghị.",
            "leadImage": {"id": id},
            "body": [{"paragraph": {"text": "Đồng chí Ngọc Kim Nam phát biểu chỉ đạo."}}]
        });
        let article = app.data_as(&writer, create, json!({"input": input})).await;
        let delete = "mutation($id: ID!) { deleteMedia(id: $id) { id } }";
        let refused = app.graphql_as(&editor, delete, json!({"id": id})).await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "CONFLICT",
            "{refused}"
        );
        let message = refused["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("Ảnh hội nghị Dân vận khéo"), "{message}");
        let by_writer = app.graphql_as(&writer, delete, json!({"id": id})).await;
        assert_eq!(by_writer["errors"][0]["extensions"]["code"], "FORBIDDEN");

        // Unused media: deleted with its original and renditions.
        let other = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut png = Cursor::new(Vec::new());
        other.write_to(&mut png, ImageFormat::Png).unwrap();
        let (_, unused) = upload_rest(&app, Some(&writer), png.get_ref()).await;
        let data = app.data(NODE, json!({"id": unused["id"]})).await;
        let card = data["node"]["card"].as_str().unwrap().to_owned();
        assert_eq!(get(&app, &card, None).await.status(), StatusCode::OK);
        let dir = app.state.config.media.media_dir.clone().unwrap();
        let before = files_under(&dir);
        assert_eq!(before.len(), 3, "two originals and a rendition: {before:?}");
        let gone = app
            .data_as(&editor, delete, json!({"id": unused["id"]}))
            .await;
        assert_eq!(gone["deleteMedia"]["id"], unused["id"]);
        assert_eq!(
            files_under(&dir).len(),
            1,
            "only the used photo's original is left"
        );
        assert_eq!(get(&app, &card, None).await.status(), StatusCode::NOT_FOUND);
        let _ = article;
    }
}

#[tokio::test]
async fn the_focal_point_steers_cover_crops_and_versions_their_urls() {
    let app = TestApp::empty(Backend::Sqlite).await;
    let writer = token("writer-lan", &["writer"]);
    let (_, media) = upload_rest(&app, Some(&writer), &phone_photo()).await;
    let before = app.data(NODE, json!({"id": media["id"]})).await["node"]["card"].clone();
    let update = r#"mutation($id: ID!) { updateMedia(id: $id, input: {focalPoint: {x: 0.5, y: 0.1}}) { media { focalPoint { x y } card: url(width: 600, height: 340, format: WEBP) } } }"#;
    let data = app
        .data_as(&writer, update, json!({"id": media["id"]}))
        .await;
    let after = &data["updateMedia"]["media"];
    assert_eq!(after["focalPoint"], json!({"x": 0.5, "y": 0.1}));
    assert_ne!(after["card"], before, "a moved focal point gives new URLs");
    let bad = r#"mutation($id: ID!) { updateMedia(id: $id, input: {focalPoint: {x: 1.5, y: 0}}) { media { id } } }"#;
    let refused = app
        .graphql_as(&writer, bad, json!({"id": media["id"]}))
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    // The old URL still answers, but no longer as immutable.
    let old = get(&app, before.as_str().unwrap(), None).await;
    assert_eq!(old.status(), StatusCode::OK);
    assert!(
        !old.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

/// moto's S3 server on a loopback port, stopped on drop.
struct S3Double {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for S3Double {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts moto's S3 server (`pip install "moto[server]"`), or `None` when
/// it is not installed outside CI (in CI its absence fails the test).
async fn s3_double() -> Option<S3Double> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(err) => {
            assert!(std::env::var("CI").is_err(), "CI needs moto_server: {err}");
            eprintln!("moto_server is not installed: skipping the S3 test");
            return None;
        }
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let double = S3Double { child, endpoint };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(double);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("moto_server did not start");
}

#[tokio::test]
async fn replicas_keep_media_in_s3_compatible_storage() {
    let Some(s3) = s3_double().await else { return };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let created = client
        .put(format!("{}/toasoan-media", s3.endpoint))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "bucket created");
    // The standard AWS variables, as an operator sets them (the test
    // binary's other tests do not read them).
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "toasoan-test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "toasoan-test-secret");
        std::env::set_var("AWS_REGION", "us-east-1");
    }
    for backend in backends() {
        let endpoint = s3.endpoint.clone();
        let app = TestApp::empty_with(backend, |c| {
            c.media.media_s3_bucket = Some("toasoan-media".to_owned());
            c.media.media_s3_endpoint = Some(endpoint);
        })
        .await;
        assert_eq!(app.state.graphql.media.storage.kind, "s3");
        round_trip(&app).await;
        let listing = client
            .get(format!("{}/toasoan-media?list-type=2", s3.endpoint))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(listing.contains("<Key>originals/"), "{listing}");
        assert!(
            listing.contains("-cover-0.500-0.500.webp</Key>"),
            "{listing}"
        );
    }
}
