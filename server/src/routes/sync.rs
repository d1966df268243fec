//! `GET /sync`: the relay's WebSocket. Binary frames only; each is handed to
//! the relay state machine. Nothing about a frame's content is logged.

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use confidant_shared::sync::wire::{encode, RelayMessage, MAX_FRAME_BYTES};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use crate::app_state::AppState;
use crate::relay::{RelayHub, OUTBOX_CAPACITY};

pub async fn sync_connect(State(state): State<AppState>, upgrade: WebSocketUpgrade) -> Response {
    let hub = state.relay_hub();
    upgrade
        .max_message_size(MAX_FRAME_BYTES + 1024)
        // Small buffers: most connections sit idle, and the defaults (128 KiB
        // each way) would cost more than everything else a connection holds.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| relay_connection(hub, socket))
}

async fn relay_connection(hub: Arc<RelayHub>, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut messages) = mpsc::channel::<RelayMessage>(OUTBOX_CAPACITY);
    let conn = hub.connect(outbox).await;
    let writer = tokio::spawn(async move {
        while let Some(message) = messages.recv().await {
            if sink.send(Message::Binary(encode(&message).into())).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let closed = hub.closed();
    tokio::pin!(closed);
    loop {
        let message = tokio::select! {
            message = stream.next() => message,
            _ = &mut closed => break,
        };
        let Some(Ok(message)) = message else { break };
        match message {
            Message::Binary(frame) => hub.frame(conn, &frame).await,
            Message::Text(_) => hub.frame(conn, &[0xff]).await, // answered as a malformed frame
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
    // Dropping the outbox lets the writer send what is queued, then close.
    hub.disconnect(conn);
    let abort = writer.abort_handle();
    if tokio::time::timeout(std::time::Duration::from_secs(2), writer).await.is_err() {
        abort.abort();
    }
}
