//! `GET /sync`: the relay's WebSocket. Binary frames only; each is handed to
//! the relay state machine. Nothing about a frame's content is logged.
//!
//! A frame longer than the protocol's limit is refused from its header,
//! before it is read. Past the connection limits (in all, per address) the
//! upgrade is refused with 503 before any socket exists.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use confidant_shared::sync::wire::MAX_FRAME_BYTES;
use futures_util::{SinkExt, StreamExt};

use crate::app_state::AppState;
use crate::relay::{Admission, Outbox, OutboxFrame, RelayHub};

pub async fn sync_connect(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let hub = state.relay_hub();
    let address = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    let admission = match hub.admit(address) {
        Ok(admission) => admission,
        Err(refused) => return (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "30")], refused.to_string()).into_response(),
    };
    // Proofs name the relay as clients reach it: its configured public host,
    // or else the host this client asked for.
    let origin = match state.public_host() {
        Some(host) => host.to_owned(),
        None => headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned(),
    };
    upgrade
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        // Small buffers: most connections sit idle, and the defaults (128 KiB
        // each way) would cost more than everything else a connection holds.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| relay_connection(hub, socket, origin, admission))
}

async fn relay_connection(hub: Arc<RelayHub>, socket: WebSocket, origin: String, admission: Admission) {
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut frames) = Outbox::new();
    let Ok(conn) = hub.connect(outbox, &origin).await else {
        tracing::error!("no randomness for a challenge; connection refused");
        return;
    };
    let mut writer = tokio::spawn(async move {
        while let Some(frame) = frames.recv().await {
            let message = match frame {
                OutboxFrame::Binary(bytes) => Message::Binary(bytes),
                OutboxFrame::Ping => Message::Ping(Default::default()),
            };
            if sink.send(message).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let closed = hub.closed();
    tokio::pin!(closed);
    let mut writer_done = false;
    loop {
        let message = tokio::select! {
            message = stream.next() => message,
            _ = &mut closed => break,
            // The relay closed the connection (a deadline, a stall).
            _ = &mut writer => {
                writer_done = true;
                break;
            }
        };
        // A frame over the limit ends the stream with an error: close.
        let Some(Ok(message)) = message else { break };
        match message {
            Message::Binary(frame) => hub.frame(conn, &frame).await,
            Message::Text(_) => hub.frame(conn, &[0xff]).await, // answered as a malformed frame
            Message::Close(_) => break,
            Message::Pong(_) | Message::Ping(_) => hub.heard(conn),
        }
    }
    // Dropping the outbox lets the writer send what is queued, then close.
    hub.disconnect(conn);
    drop(admission);
    if !writer_done {
        let abort = writer.abort_handle();
        if tokio::time::timeout(std::time::Duration::from_secs(2), writer).await.is_err() {
            abort.abort();
        }
    }
}
