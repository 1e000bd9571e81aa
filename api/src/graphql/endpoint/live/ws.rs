//! GraphQL over WebSocket on `GET /graphql`: the `graphql-transport-ws`
//! protocol of the `graphql-ws` library, and the legacy
//! `subscriptions-transport-ws` one (subprotocol `graphql-ws`), both
//! spoken by async-graphql. This module keeps the connection honest
//! around it:
//!
//! | rule | how |
//! |---|---|
//! | who | `connection_init`'s payload: `Authorization` (or `headers.Authorization`) as `Bearer <jwt>`, or the upgrade request's header; a bad token closes with `4403` |
//! | init in time | no `connection_init` within 10 s closes with `4408` |
//! | alive | a ping frame every `SUBSCRIPTIONS_KEEPALIVE_SECS`; nothing heard for three intervals closes |
//! | idle | no subscription for `SUBSCRIPTIONS_IDLE_SECS` closes with `4000` |
//! | slow consumer | a message the client does not take within 10 s closes the connection (nothing is buffered for it) |
//! | size | client messages up to 64 KiB |
//! | shutdown | SIGTERM closes with `1001`: clients reconnect to another replica |

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use async_graphql::http::{
    ALL_WEBSOCKET_PROTOCOLS, WebSocket as Protocol, WebSocketProtocols as Protocols, WsMessage,
};
use axum::{
    extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
    response::Response,
};
use futures_util::{SinkExt, StreamExt, stream::SplitSink};

use super::{Permit, executor::LiveExecutor, executor::session_data};
use crate::{domain::viewer::Viewer, graphql::endpoint::EndpointState, platform::auth};

/// Largest message a client may send (a `subscribe` with its document).
const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// What the server may hold unsent for a client before it gives up.
const MAX_WRITE_BUFFER_BYTES: usize = 1 << 20;
/// The read buffer of a connection: small, since an idle subscriber sends
/// little (it grows for a large message). tungstenite's default, 128 KiB,
/// made an idle connection cost 160 KiB of resident memory.
const READ_BUFFER_BYTES: usize = 4 * 1024;
/// How long a client may take to accept one message.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Close codes of `graphql-transport-ws`, and ours.
const FORBIDDEN: u16 = 4403;
const INIT_TIMED_OUT: u16 = 4408;
const IDLE: u16 = 4000;
const GOING_AWAY: u16 = 1001;

/// Accepts the upgrade: `viewer` is who the upgrade request's own
/// `Authorization` header names (anonymous without one), which the
/// `connection_init` payload may override.
pub fn upgrade(
    state: EndpointState,
    upgrade: WebSocketUpgrade,
    viewer: Viewer,
    permit: Permit,
) -> Response {
    let upgrade = upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .max_write_buffer_size(MAX_WRITE_BUFFER_BYTES)
        .read_buffer_size(READ_BUFFER_BYTES)
        // Each message goes out when it is sent (events are rare; no
        // buffer waits to fill).
        .write_buffer_size(0);
    // A client that names no subprotocol speaks the current one.
    let protocol = upgrade
        .selected_protocol()
        .and_then(|p| p.to_str().ok())
        .and_then(|p| p.parse().ok())
        .unwrap_or(Protocols::GraphQLWS);
    upgrade.on_upgrade(move |socket| serve(socket, state, protocol, viewer, permit))
}

/// What the connection loop watches.
struct Watch {
    opened: Instant,
    /// Milliseconds after `opened` the client was last heard.
    heard: Arc<AtomicU64>,
    initialized: Arc<AtomicBool>,
    refused: Arc<AtomicBool>,
}

async fn serve(
    socket: WebSocket,
    state: EndpointState,
    protocol: Protocols,
    viewer: Viewer,
    _permit: Permit,
) {
    let keepalive = state.live_config.keepalive();
    let idle = state.live_config.idle();
    let (mut sink, source) = socket.split();
    let watch = Watch {
        opened: Instant::now(),
        heard: Arc::new(AtomicU64::new(0)),
        initialized: Arc::new(AtomicBool::new(false)),
        refused: Arc::new(AtomicBool::new(false)),
    };
    let (heard, opened) = (watch.heard.clone(), watch.opened);
    let input = source
        .take_while(|message| {
            std::future::ready(matches!(message, Ok(m) if !matches!(m, Message::Close(_))))
        })
        .filter_map(move |message| {
            heard.store(opened.elapsed().as_millis() as u64, Ordering::Relaxed);
            std::future::ready(match message {
                Ok(Message::Text(text)) => Some(text.as_str().as_bytes().to_vec()),
                Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                _ => None,
            })
        });
    let executor = LiveExecutor::new(state.clone());
    let on_init = {
        let (state, executor) = (state.clone(), executor.clone());
        let (initialized, refused) = (watch.initialized.clone(), watch.refused.clone());
        move |payload: serde_json::Value| async move {
            match authenticate(&state, &payload, viewer).await {
                Ok(viewer) => {
                    executor.identify(viewer.clone());
                    initialized.store(true, Ordering::Release);
                    Ok(session_data(&state, viewer))
                }
                Err(message) => {
                    refused.store(true, Ordering::Release);
                    Err(async_graphql::Error::new(message))
                }
            }
        }
    };
    let mut graphql = Protocol::new(executor.clone(), input, protocol).on_connection_init(on_init);
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let mut idle_since = Instant::now();
    loop {
        tokio::select! {
            message = graphql.next() => {
                let message = match message {
                    Some(WsMessage::Text(text)) => Message::Text(text.into()),
                    Some(WsMessage::Close(code, reason)) => {
                        let code = if watch.refused.load(Ordering::Acquire) { FORBIDDEN } else { code };
                        close(&mut sink, code, &reason).await;
                        break;
                    }
                    None => break,
                };
                if !send(&mut sink, message).await {
                    break;
                }
            }
            () = state.shutdown.started() => {
                // Clients reconnect (graphql-ws retries), to a replica
                // that stays.
                close(&mut sink, GOING_AWAY, "the server is restarting: reconnect").await;
                break;
            }
            () = &mut init_deadline, if !watch.initialized.load(Ordering::Acquire) => {
                close(&mut sink, INIT_TIMED_OUT, "Connection initialisation timeout").await;
                break;
            }
            _ = ticker.tick() => {
                let silent = watch.opened.elapsed().saturating_sub(Duration::from_millis(
                    watch.heard.load(Ordering::Relaxed),
                ));
                if silent > keepalive * 3 {
                    close(&mut sink, GOING_AWAY, "no answer to keep-alive pings").await;
                    break;
                }
                if executor.running() > 0 {
                    idle_since = Instant::now();
                } else if idle_since.elapsed() >= idle {
                    close(&mut sink, IDLE, "idle: no subscription").await;
                    break;
                }
                if !send(&mut sink, Message::Ping(Default::default())).await {
                    break;
                }
            }
        }
    }
}

/// Who `connection_init`'s payload names: its `Authorization` (at the
/// top or under `headers`, any case) as `Bearer <jwt>`, else the upgrade
/// request's viewer. A token that does not verify refuses the connection.
async fn authenticate(
    state: &EndpointState,
    payload: &serde_json::Value,
    upgrade_viewer: Viewer,
) -> Result<Viewer, String> {
    let authorization = [Some(payload), payload.get("headers")]
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_object)
        .flat_map(|object| object.iter())
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value);
    let Some(value) = authorization else {
        return Ok(upgrade_viewer);
    };
    let value = value
        .as_str()
        .ok_or_else(|| "Authorization must be a string: `Bearer <token>`".to_owned())?;
    let token = auth::bearer_token(value).map_err(|e| e.0)?;
    state
        .verifier
        .verify(token)
        .await
        .map(Viewer::User)
        .map_err(|e| e.0)
}

type Sink = SplitSink<WebSocket, Message>;

/// Sends `message`; false when the client did not take it in time (a
/// slow consumer is dropped, not buffered for) or is gone.
async fn send(sink: &mut Sink, message: Message) -> bool {
    matches!(
        tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await,
        Ok(Ok(()))
    )
}

async fn close(sink: &mut Sink, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = send(sink, Message::Close(Some(frame))).await;
}
