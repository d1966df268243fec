//! Any bytes as a letter: opened with an inbox's keys (a named sender must
//! have signed it), and its body read as a notice and as a signal.
#![no_main]

use std::sync::LazyLock;

use confidant_shared::sync::inbox::{InboxKeys, InboxPost, Sender};
use confidant_shared::sync::notice::{Notice, RetireReason};
use confidant_shared::sync::signal::Signal;
use confidant_shared::sync::wire::decode;
use libfuzzer_sys::fuzz_target;

static INBOX: LazyLock<InboxKeys> = LazyLock::new(|| InboxKeys::from_seed([3; 32]));

fuzz_target!(|data: &[u8]| {
    let inbox = &*INBOX;
    if let Ok(post) = decode::<InboxPost>(data) {
        if let Ok(letter) = inbox.open(&post) {
            if let Sender::Device(_) = letter.from {
                assert!(letter.named_sender().is_ok());
            }
            let _ = Notice::decode(&letter.body);
        }
    }
    let _ = Notice::decode(data);
    let _ = RetireReason::decode(data);
    let _ = Signal::decode_fresh(data, 0);
});
