//! Any bytes as what the relay sends a device: decoded as a chunk and opened
//! with a member's keys, and fed to a connected client state machine that
//! follows the document. A forged chunk never opens; nothing panics.
#![no_main]

use std::sync::LazyLock;

use confidant_shared::sync::client::{ClientEffect, SyncClient};
use confidant_shared::sync::wire::{decode, encode, RelayMessage};
use confidant_shared::sync::{DocumentKeys, MemberKeys, Role, SealedChunk};
use libfuzzer_sys::fuzz_target;

/// One document's keys for every run: deriving keys is not what is tested.
static KEYS: LazyLock<(DocumentKeys, MemberKeys)> = LazyLock::new(|| {
    let keys = DocumentKeys::create([1; 32]);
    let member = MemberKeys::issue(&keys, Role::Writer, [2; 32]).unwrap();
    (keys, member)
});

fuzz_target!(|data: &[u8]| {
    let (keys, member) = (&KEYS.0, KEYS.1.clone());
    if let Ok(chunk) = decode::<SealedChunk>(data) {
        if let Ok(opened) = chunk.open(keys) {
            // Only what the owner certified opens.
            assert!(opened.author.is_valid_for(keys.public()));
        }
    }
    let mut client = SyncClient::new("relay.example", Vec::new());
    client.track(keys.for_role(Role::Writer).unwrap(), member, 0);
    client.handle_connected();
    client.handle_frame(&encode(&RelayMessage::Welcome { version: 2, challenge: [0; 32], relay_time_ms: 0 }), 0);
    for effect in client.handle_frame(data, 0) {
        if let ClientEffect::Deliver { author, .. } = effect {
            assert!(author.is_valid_for(keys.public()));
        }
    }
});
