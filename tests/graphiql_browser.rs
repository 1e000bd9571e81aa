//! The pages served by the binary in a real headless browser: GraphiQL
//! loads its scripts and renders the editor with no network beyond the
//! server; the reader page of `examples/reader/` shows what a reader sees,
//! revalidates with ETags and works from another origin (CORS).
//!
//! Needs Chromium (`/usr/bin/chromium`, or `CHROMIUM`). Without it the test
//! says so and passes locally; in CI (`CI=true`) a missing browser fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{path::PathBuf, process::Command, time::Duration};

use api::app::serve_on;
use common::{Backend, TestApp};

fn chromium() -> Option<PathBuf> {
    let candidate = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    candidate.exists().then_some(candidate)
}

/// Chromium, or `None` when this machine has none (a test then passes
/// locally, saying so; in CI a missing browser fails).
fn chromium_or_skip() -> Option<PathBuf> {
    let browser = chromium();
    if browser.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install Chromium for the GraphiQL browser test"
        );
        eprintln!("skipping: no Chromium here (set CHROMIUM or install the chromium package)");
    }
    browser
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_renders_offline_in_a_headless_browser() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let app = TestApp::demo(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_on(listener, app.router.clone()));

    let profile = std::env::temp_dir().join(format!("toasoan-chromium-{}", std::process::id()));
    let url = format!("http://{addr}/graphql");
    let dom = tokio::task::spawn_blocking(move || {
        Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=10000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .output()
    });
    let output = tokio::time::timeout(Duration::from_secs(120), dom)
        .await
        .expect("the browser finishes")
        .unwrap()
        .expect("the browser runs");
    server.abort();
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("graphiql-container"),
        "GraphiQL did not render; the browser printed:\n{dom}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The editor drew the starter query's lines: the scripts ran.
    assert!(dom.contains("CodeMirror-line"), "the query editor rendered");
}

/// Chromium with its DevTools port open on `url`; the browser's DevTools
/// WebSocket address.
fn chromium_with_devtools(
    browser: &std::path::Path,
    profile: &std::path::Path,
    url: &str,
) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the browser starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the browser prints its DevTools address")
            .unwrap();
        if let Some(address) = line.strip_prefix("DevTools listening on ") {
            break address.trim().to_owned();
        }
    };
    // Keep draining, so the browser never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

/// A headless Chromium (its own profile) with DevTools on one page,
/// stopped and its profile removed on drop.
struct Session {
    child: std::process::Child,
    profile: PathBuf,
    page: Page,
}

impl Session {
    /// Opens `url` in a browser whose profile is named after `name`.
    async fn open(browser: &std::path::Path, name: &str, url: String) -> Self {
        let profile =
            std::env::temp_dir().join(format!("toasoan-chromium-{name}-{}", std::process::id()));
        let (child, devtools) = tokio::task::spawn_blocking({
            let (browser, profile) = (browser.to_path_buf(), profile.clone());
            move || chromium_with_devtools(&browser, &profile, &url)
        })
        .await
        .unwrap();
        let page = Page::attach(&devtools).await;
        Self {
            child,
            profile,
            page,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A DevTools session with one page.
struct Page {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl Page {
    /// The first page target of the browser at `browser_ws`.
    async fn attach(browser_ws: &str) -> Self {
        let http = browser_ws
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let list = reqwest::get(format!("http://{http}/json/list"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let targets: serde_json::Value = serde_json::from_str(&list).unwrap();
        let page = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page target");
        let url = page["webSocketDebuggerUrl"].as_str().unwrap();
        let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Self { socket, next_id: 1 }
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns
    /// its value.
    async fn evaluate(&mut self, expression: &str) -> serde_json::Value {
        use futures_util::{SinkExt, StreamExt};
        let id = self.next_id;
        self.next_id += 1;
        let command = serde_json::json!({
            "id": id,
            "method": "Runtime.evaluate",
            "params": {"expression": expression, "awaitPromise": true, "returnByValue": true},
        });
        self.socket
            .send(tokio_tungstenite::tungstenite::Message::text(
                command.to_string(),
            ))
            .await
            .unwrap();
        loop {
            let message = self.socket.next().await.unwrap().unwrap();
            let Ok(text) = message.to_text() else {
                continue;
            };
            let reply: serde_json::Value = serde_json::from_str(text).unwrap();
            if reply["id"] == id {
                assert!(reply["result"]["exceptionDetails"].is_null(), "{reply}");
                return reply["result"]["result"]["value"].clone();
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_a_subscription_over_graphql_ws_in_a_headless_browser() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let app = TestApp::demo(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_on(listener, app.router.clone()));
    let url = format!("http://{addr}/graphql");
    let mut session = Session::open(&browser, "live", url).await;
    let page = &mut session.page;

    // Act: GraphiQL's own fetcher (the page's `fetcher`, configured with
    // its subscriptionUrl) starts a subscription, as its Run button does
    // for a subscription document; then an editor publishes.
    let mut loaded = false;
    for _ in 0..100 {
        if page.evaluate("typeof fetcher === 'function'").await == true {
            loaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(loaded, "GraphiQL's page script ran");
    let started = page
        .evaluate(
            "(async () => {
               const documentAST = { kind: 'Document', definitions: [
                 { kind: 'OperationDefinition', operation: 'subscription' } ] };
               const events = await fetcher(
                 { query: 'subscription { articlePublished { title } }' }, { documentAST });
               window.firstEvent = events[Symbol.asyncIterator]().next();
               return 'listening';
             })()",
        )
        .await;
    assert_eq!(started, "listening");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let editor = common::token("bien-tap-vien", &["editor"]);
    let created = app
        .data_as(
            &editor,
            "mutation($input: ArticleInput!) { createArticle(input: $input) { article { id version } } }",
            serde_json::json!({"input": {
                "title": "Trực tiếp: khai mạc kỳ họp thứ 5 HĐND tỉnh",
                "section": "thoi-su-chinh-tri",
                "lead": "Sáng nay, kỳ họp thứ 5 HĐND tỉnh khóa XVI khai mạc.",
                "body": [{"paragraph": {"text": "Đại biểu thảo luận các nghị quyết quan trọng."}}]
            }}),
        )
        .await;
    let article = &created["createArticle"]["article"];
    app.data_as(
        &editor,
        "mutation($id: ID!, $version: Int!) { publishArticle(id: $id, version: $version) { article { id } } }",
        serde_json::json!({"id": article["id"], "version": article["version"]}),
    )
    .await;

    // Assert: the browser received the event over graphql-ws.
    let event = tokio::time::timeout(
        Duration::from_secs(10),
        page.evaluate("window.firstEvent.then(r => JSON.stringify(r.value))"),
    )
    .await
    .expect("the browser hears the publication");
    let event: serde_json::Value = serde_json::from_str(event.as_str().unwrap()).unwrap();
    assert_eq!(
        event["data"]["articlePublished"]["title"],
        "Trực tiếp: khai mạc kỳ họp thứ 5 HĐND tỉnh"
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_links_are_shareable_and_development_fills_the_editor_token() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let app = TestApp::demo(Backend::Sqlite).await;
    let token = common::token("dev-editor", &["editor"]);
    app.state.graphql.dev_token.set(token.clone()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_on(listener, app.router.clone()));
    let shared = "query Nguoi($slug: String!) { person(slug: $slug) { fullName } }";
    let url = format!(
        "http://{addr}/graphql?query={}&variables={}&operationName=Nguoi",
        percent(shared),
        percent(r#"{"slug":"nguyen-duc-trung"}"#)
    );
    let mut session = Session::open(&browser, "share", url).await;
    let page = &mut session.page;
    let editors =
        "Array.from(document.querySelectorAll('.CodeMirror')).map(e => e.CodeMirror.getValue())";
    let mut values = serde_json::Value::Null;
    for _ in 0..100 {
        values = page.evaluate(editors).await;
        if values.as_array().is_some_and(|v| v.len() >= 3) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let values: Vec<String> = values
        .as_array()
        .expect("GraphiQL's editors rendered")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        values.iter().any(|v| v == shared),
        "the link's query: {values:?}"
    );
    assert!(
        values.iter().any(|v| v.contains("nguyen-duc-trung")),
        "its variables"
    );
    assert!(
        values
            .iter()
            .any(|v| v.contains(&format!("Bearer {token}"))),
        "the development token in the Headers tab: {values:?}"
    );

    // Typing writes the query back into the URL, so the link can be shared.
    let search = page
        .evaluate(
            "(async () => {
               document.querySelector('.graphiql-query-editor .CodeMirror')
                 .CodeMirror.setValue('{ sections { slug name } }');
               await new Promise(r => setTimeout(r, 300));
               return new URLSearchParams(location.search).get('query');
             })()",
        )
        .await;
    assert_eq!(search, "{ sections { slug name } }");
    server.abort();
}

#[tokio::test]
async fn the_development_token_stays_off_pages_for_other_machines_and_proxies() {
    let app = TestApp::empty(Backend::Sqlite).await;
    app.state
        .graphql
        .dev_token
        .set("dev-token-xyz".to_owned())
        .unwrap();
    let page = |forwarded: bool| {
        let mut request = axum::http::Request::get("/graphql").header("accept", "text/html");
        if forwarded {
            request = request.header("x-forwarded-for", "203.0.113.9");
        }
        request.body(axum::body::Body::empty()).unwrap()
    };
    // `oneshot` has no peer address: not known to be this machine.
    let html = common::body_text(app.send(page(false)).await).await;
    assert!(html.contains("GraphiQL") && !html.contains("dev-token-xyz"));
    let html = common::body_text(app.send(page(true)).await).await;
    assert!(!html.contains("dev-token-xyz"));
}

/// Percent-encodes a query-string value.
fn percent(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Waits until the reader page says it finished loading `what` (`#/`,
/// `#/bai/…` or `error`) and returns its visible text.
async fn reader_text(page: &mut Page, what: &str) -> String {
    let check = format!("!!document.body && document.body.dataset.loaded === {what:?}");
    for _ in 0..150 {
        if page.evaluate(&check).await == true {
            let text = page.evaluate("document.body.innerText").await;
            return text.as_str().unwrap_or_default().to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = page.evaluate("document.body.innerText").await;
    panic!("the reader page never loaded {what}: {text}");
}

/// `GET /graphql` answers of `status` counted by `/metrics`.
async fn graphql_gets(app: &TestApp, status: u16) -> u64 {
    let request = axum::http::Request::get("/metrics")
        .body(axum::body::Body::empty())
        .unwrap();
    let metrics = common::body_text(app.send(request).await).await;
    let wanted = format!("http_response_status_code=\"{status}\"");
    metrics
        .lines()
        .filter(|l| l.starts_with("http_server_request_duration_seconds_count"))
        .filter(|l| {
            l.contains("http_route=\"/graphql\"") && l.contains("http_request_method=\"GET\"")
        })
        .filter(|l| l.contains(&wanted))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reader_page_shows_the_news_and_revalidates_with_etags() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let app = TestApp::demo(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_on(listener, app.router.clone()));
    let url = format!("http://{addr}/examples/reader/");
    let mut session = Session::open(&browser, "reader", url).await;
    let page = &mut session.page;

    // The latest political news, the seed article among them.
    let title = "Ban cán sự đảng UBND tỉnh và Ban Dân vận Tỉnh ủy ký kết chương trình phối hợp giai đoạn 2021-2026";
    let list = reader_text(page, "#/").await;
    assert!(
        list.contains("Thời sự - Chính trị") && list.contains(title),
        "{list}"
    );

    // Its page: people with their positions, captioned photos, related events.
    let href = page
        .evaluate(&format!(
            "Array.from(document.querySelectorAll('a')).find(a => a.textContent === {title:?}).getAttribute('href')"
        ))
        .await;
    let href = href.as_str().unwrap().to_owned();
    page.evaluate(&format!("location.hash = {href:?}")).await;
    let article = reader_text(page, &href).await;
    assert!(article.contains(title), "{article}");
    assert!(
        article.contains("Toàn cảnh hội nghị."),
        "a caption: {article}"
    );
    assert!(
        article.contains("Nguyễn Đức Trung — "),
        "a person with a position: {article}"
    );
    assert!(article.contains("Sự kiện liên quan"));
    assert!(
        article.contains("Ký kết chương trình phối hợp công tác dân vận giai đoạn 2021-2026"),
        "a related event: {article}"
    );

    // Within the page, later calls send the hash alone.
    let (hash_only, before) = (graphql_gets(&app, 200).await, graphql_gets(&app, 304).await);
    page.evaluate("location.hash = '#/'").await;
    reader_text(page, "#/").await;
    assert_eq!(
        graphql_gets(&app, 200).await,
        hash_only + 1,
        "one hash-only GET"
    );
    assert_eq!(graphql_gets(&app, 304).await, before);

    // The second load of the page: the browser revalidates what it kept
    // with its ETags; nothing changed, so the server answers 304, no body.
    let before = graphql_gets(&app, 304).await;
    page.evaluate(&format!("location.hash = {href:?}; location.reload()"))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = reader_text(page, &href).await;
    assert!(again.contains("Toàn cảnh hội nghị."));
    page.evaluate("location.hash = '#/'").await;
    reader_text(page, "#/").await;
    assert_eq!(
        graphql_gets(&app, 304).await,
        before + 2,
        "both queries revalidated with their ETags on the second load"
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reader_page_works_from_another_origin_as_cors_allows() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    for (allowed, works) in [("*", true), ("https://www.baotinh.example", false)] {
        let app = TestApp::demo_with(Backend::Sqlite, |c| {
            c.exposure.cors_allowed_origins = Some(allowed.to_owned());
        })
        .await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(serve_on(listener, app.router.clone()));
        // The page from `localhost`, the API at `127.0.0.1`: two origins.
        let url = format!(
            "http://localhost:{}/examples/reader/?api=http://127.0.0.1:{}",
            addr.port(),
            addr.port()
        );
        let mut session = Session::open(&browser, &format!("cors-{works}"), url).await;
        let page = &mut session.page;
        if works {
            let list = reader_text(page, "#/").await;
            assert!(list.contains("Ban cán sự đảng UBND tỉnh"), "{list}");
        } else {
            let refused = reader_text(page, "error").await;
            assert!(refused.contains("Không tải được"), "{refused}");
        }
        server.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reference_renders_every_rest_route_offline() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let app = TestApp::empty(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_on(listener, app.router.clone()));
    let url = format!("http://{addr}/v1/docs");
    let mut session = Session::open(&browser, "docs", url).await;
    let page = &mut session.page;
    let count = "document.querySelectorAll('.opblock').length";
    let mut rendered = 0;
    for _ in 0..150 {
        rendered = page.evaluate(count).await.as_u64().unwrap_or(0);
        if rendered >= 15 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(rendered >= 15, "every operation is listed: {rendered}");
    let text = page.evaluate("document.body.innerText").await;
    let text = text.as_str().unwrap();
    assert!(text.contains("Toà Soạn REST API") && text.contains("/v1/sync"));
    let elsewhere = page
        .evaluate(&format!(
            "performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith('http://{addr}/'))"
        ))
        .await;
    assert_eq!(
        elsewhere,
        serde_json::json!([]),
        "nothing from another host"
    );
    server.abort();
}
