//! Any bytes as a frame: decoded both ways, and handed to the relay state
//! machine on a greeted connection. Nothing may panic; every refusal is a
//! typed error.
#![no_main]

use confidant_shared::sync::relay::{ConnectionId, Relay};
use confidant_shared::sync::relay_limits::RelayLimits;
use confidant_shared::sync::wire::{decode, encode, ClientMessage, RelayMessage, PROTOCOL_VERSION};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = decode::<RelayMessage>(data);
    if let Ok(message) = decode::<ClientMessage>(data) {
        // What decodes survives a round trip (varints need not be minimal,
        // so the bytes may differ).
        assert_eq!(decode::<ClientMessage>(&encode(&message)).ok(), Some(message));
    }
    let mut relay = Relay::new(RelayLimits::default());
    let conn = ConnectionId(1);
    relay.handle_connect(conn, [7; 32], "relay.example", 0);
    relay.handle_frame(conn, &encode(&ClientMessage::Hello { version: PROTOCOL_VERSION }), 0);
    relay.handle_frame(conn, data, 1);
    relay.handle_tick(2);
});
