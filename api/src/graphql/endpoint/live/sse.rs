//! GraphQL over Server-Sent Events, the "distinct connections" mode of
//! the GraphQL over SSE protocol: `POST /graphql` (or `GET` with the
//! query in the URL) with `Accept: text/event-stream` opens one stream for
//! one operation. Each result is an `event: next` whose data is the
//! GraphQL response; `event: complete` ends it. The `Authorization`
//! header authenticates as for queries; comments keep it alive every
//! `SUBSCRIPTIONS_KEEPALIVE_SECS`. A client that stops reading loses
//! events it lagged past (its subscription ends with an error) rather
//! than making the server buffer them.

use std::{convert::Infallible, sync::Arc};

use axum::{
    http::{HeaderValue, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::StreamExt;

use super::{Permit, executor::LiveExecutor, executor::session_data};
use crate::{domain::viewer::Viewer, graphql::endpoint::EndpointState};

/// Streams the events of `request` for `viewer`; the connection's place
/// (`permit`) is given back when the stream ends or the client leaves.
pub fn serve(
    state: EndpointState,
    request: async_graphql::Request,
    viewer: Viewer,
    permit: Permit,
) -> Response {
    let executor = LiveExecutor::new(state.clone());
    executor.identify(viewer.clone());
    let session = Arc::new(session_data(&state, viewer));
    let results = async_graphql::Executor::execute_stream(&executor, request, Some(session));
    // SIGTERM ends the stream (`complete`): the client reconnects to a
    // replica that stays.
    let shutdown = state.shutdown.clone();
    let results = results.take_until(async move { shutdown.started().await });
    let events = results
        .map(|response| next(&response))
        .chain(futures_util::stream::once(std::future::ready(
            Event::default().event("complete").data(""),
        )))
        .map(move |event| {
            // Held for as long as the stream lives.
            let _ = &permit;
            Ok::<_, Infallible>(event)
        });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(state.live_config.keepalive()))
        .into_response();
    // Proxies that buffer answers (nginx) pass this one through at once.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One result as an `event: next`.
fn next(response: &async_graphql::Response) -> Event {
    let event = Event::default().event("next");
    match serde_json::to_string(response) {
        Ok(json) => event.data(json),
        Err(err) => {
            tracing::error!(%err, "could not serialize a subscription's result");
            event.data(r#"{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#)
        }
    }
}
