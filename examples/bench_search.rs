//! Search latency benchmark: runs 20 typical reader queries (first page,
//! with highlights) through the GraphQL executor against `DATABASE_URL`
//! and prints p50/p95/p99 per query and overall, as Markdown.
//!
//! `cargo run --release --example bench_search -- [ROUNDS]` (see
//! `bench/search.sh`, which also generates the archive). The embedded
//! index is built (or caught up) first and its build time printed;
//! `SEARCH_ENGINE=database` measures the database's engine instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use api::{
    app,
    domain::search::embedded::EmbeddedIndex,
    domain::viewer::Viewer,
    graphql::{RequestContext, dataloader},
    platform::config::Config,
    platform::db,
};

const QUERIES: [&str; 20] = [
    "nguyen van hung",
    "dân vận",
    "hội nghị tổng kết",
    "nông thôn mới",
    "kinh tế - xã hội",
    "cải cách hành chính",
    "\"phát triển kinh tế\"",
    "giáo dục",
    "chuyển đổi số",
    "an toàn giao thông",
    "Đức",
    "hoà bình",
    "ubnd tinh",
    "hợp tác xã",
    "du lịch",
    "y tế cơ sở",
    "đầu tư",
    "tinh uy",
    "trien khai nhiem vu",
    "xay dung dang",
];

const SEARCH: &str = "query($q: String!) { search(query: $q, first: 10) {
    edges { score node { title slug publishedAt section { name } } highlights { title snippet } } } }";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(30);
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names the archive to search");
    let conn = db::connect(&url, 4).await.expect("connect");
    let config = Config::for_database(url.clone());
    let engine = std::env::var("SEARCH_ENGINE").unwrap_or_default();
    let index = if engine == "database" {
        None
    } else {
        let dir = config.search.index_dir(&url);
        let index = EmbeddedIndex::open(dir.as_deref()).expect("open the search index");
        let start = Instant::now();
        index.catch_up(&conn).await.expect("build the search index");
        eprintln!(
            "search index: {} articles ready in {:.1} s",
            index.len(),
            start.elapsed().as_secs_f64()
        );
        Some(index)
    };
    let engine_name = if index.is_some() {
        "embedded index"
    } else {
        "database engine"
    };
    let schema = app::build_schema(conn.clone(), std::sync::Arc::new(config), index, None);
    let run = |q: &str| {
        let request = async_graphql::Request::new(SEARCH)
            .variables(async_graphql::Variables::from_json(
                serde_json::json!({ "q": q }),
            ))
            .data(dataloader::for_request(conn.clone(), None))
            .data(RequestContext::at(Viewer::Anonymous, chrono::Utc::now()));
        schema.execute(request)
    };
    // Warm up: every query once.
    for q in QUERIES {
        let response = run(q).await;
        assert!(response.errors.is_empty(), "{q}: {:?}", response.errors);
    }
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "### {backend}, {engine_name}: {rounds} rounds of 20 queries (first page of 10, highlights)\n"
    );
    println!("| query | hits on page | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|");
    let mut all = Vec::new();
    for q in QUERIES {
        let mut times = Vec::with_capacity(rounds);
        let mut hits = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            let response = run(q).await;
            times.push(start.elapsed());
            let data = response.data.into_json().unwrap();
            hits = data["search"]["edges"].as_array().map_or(0, Vec::len);
        }
        times.sort();
        println!(
            "| `{q}` | {hits} | {} | {} | {} |",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99))
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "| **all {} requests** | | **{}** | **{}** | **{}** |\n",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(percentile(&all, 0.99))
    );
}
