//! GraphiQL, served from the binary: newsrooms run behind firewalls and
//! offline, so no asset comes from a CDN.

use axum::{
    extract::Path,
    response::{Html, Response},
};

use crate::platform::assets::{self, Asset};

const PAGE: &str = include_str!("../../../assets/graphiql/index.html");
const DEV_HEADERS: &str = "/*DEV_HEADERS*/null";

/// The GraphiQL page (`GET /graphql` from a browser), its Headers tab
/// filled with `dev_token` when one is given (see [`dev_token_for`]).
pub fn page(dev_token: Option<&str>) -> Html<String> {
    let headers = dev_token.map_or_else(
        || "null".to_owned(),
        |token| {
            let headers = serde_json::json!({ "Authorization": format!("Bearer {token}") });
            // Inside a <script>: no `</` may close it early.
            headers.to_string().replace("</", "<\\/")
        },
    );
    Html(PAGE.replace(DEV_HEADERS, &headers))
}

/// The development editor token for a browser on this machine: set only
/// by a development run without keys (`toasoan serve` printed it), given
/// only to a loopback peer that no proxy forwarded.
pub fn dev_token_for<'a>(
    token: Option<&'a str>,
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
) -> Option<&'a str> {
    let local = peer.is_some_and(|ip| ip.is_loopback());
    let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    token.filter(|_| local && !forwarded)
}

/// The vendored scripts and styles, by file name.
const ASSETS: &[Asset] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../assets/graphiql/react-dom.production.min.js"),
    ),
];

/// `GET /graphiql/assets/{file}`.
pub async fn asset(Path(file): Path<String>) -> Response {
    assets::serve(ASSETS, &file, "public, max-age=86400")
}
