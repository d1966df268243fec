//! Any bytes as a letter: opened with an inbox's keys (a named sender must
//! have signed it), and its body read as a notice and as a signal.
#![no_main]

use confidant_shared::sync::inbox::{InboxKeys, InboxPost, Sender};
use confidant_shared::sync::notice::{Notice, RetireReason};
use confidant_shared::sync::signal::Signal;
use confidant_shared::sync::wire::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let inbox = InboxKeys::from_seed([3; 32]);
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
