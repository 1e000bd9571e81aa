//! A GraphQL-over-WebSocket client for tests (`graphql-transport-ws`,
//! the protocol of the `graphql-ws` library), and a router served on a
//! loopback port for it to reach.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::{net::SocketAddr, time::Duration};

use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

/// `router` served on a free loopback port until the task is aborted.
pub async fn listen(router: Router) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = api::app::serve_on(listener, router).await;
    });
    (addr, task)
}

/// How the server ended a connection.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed {
    pub code: u16,
    pub reason: String,
}

/// One client connection.
pub struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl WsClient {
    /// Opens `ws://addr/graphql` with `subprotocol` (none when `None`).
    pub async fn open(addr: SocketAddr, subprotocol: Option<&str>) -> Self {
        Self::try_open(addr, subprotocol, &[])
            .await
            .expect("upgrade accepted")
    }

    /// Opens the connection with extra request headers; the HTTP status of a
    /// refused upgrade.
    pub async fn try_open(
        addr: SocketAddr,
        subprotocol: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<Self, u16> {
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .unwrap();
        if let Some(protocol) = subprotocol {
            request.headers_mut().insert(
                "sec-websocket-protocol",
                HeaderValue::from_str(protocol).unwrap(),
            );
        }
        for (name, value) in headers {
            let name =
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                    .unwrap();
            request
                .headers_mut()
                .insert(name, HeaderValue::from_str(value).unwrap());
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Self { socket }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Err(response.status().as_u16())
            }
            Err(err) => panic!("websocket handshake failed: {err}"),
        }
    }

    /// `graphql-transport-ws` up to `connection_ack`, with `payload`.
    pub async fn connect(addr: SocketAddr, payload: Value) -> Self {
        let mut client = Self::open(addr, Some("graphql-transport-ws")).await;
        client.init(payload).await;
        let ack = client.next().await.expect("connection_ack");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        client
    }

    pub async fn init(&mut self, payload: Value) {
        self.send(json!({"type": "connection_init", "payload": payload}))
            .await;
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
    }

    /// Starts operation `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({"type": "subscribe", "id": id,
            "payload": {"query": query, "variables": variables}}))
            .await;
    }

    /// The next protocol message (pings frames skipped), or how the
    /// connection ended; panics after 10 seconds of silence.
    pub async fn next_or_close(&mut self) -> Result<Value, Closed> {
        self.within(Duration::from_secs(10))
            .await
            .expect("a message within 10 seconds")
    }

    /// The next protocol message within `wait`: `None` when nothing came.
    pub async fn within(&mut self, wait: Duration) -> Option<Result<Value, Closed>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()?;
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Some(Ok(serde_json::from_str(text.as_str()).unwrap()));
                }
                Some(Ok(Message::Close(frame))) => {
                    return Some(Err(frame.map_or(
                        Closed {
                            code: 1005,
                            reason: String::new(),
                        },
                        |f| Closed {
                            code: f.code.into(),
                            reason: f.reason.to_string(),
                        },
                    )));
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    return Some(Err(Closed {
                        code: 1006,
                        reason: String::new(),
                    }));
                }
            }
        }
    }

    /// The next protocol message; panics on a close.
    pub async fn next(&mut self) -> Option<Value> {
        match self.next_or_close().await {
            Ok(message) => Some(message),
            Err(closed) => panic!("connection closed: {closed:?}"),
        }
    }

    /// The payload of the next `next` message of operation `id`.
    pub async fn next_of(&mut self, id: &str) -> Value {
        loop {
            let message = self.next().await.unwrap();
            if message["type"] == "next" && message["id"] == id {
                return message["payload"].clone();
            }
            assert_ne!(message["type"], "error", "{message}");
        }
    }
}
