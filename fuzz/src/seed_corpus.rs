//! Writes a starting corpus of valid inputs for each target into
//! `fuzz/corpus/<target>/` (run once; the files are kept in the repository).

use std::path::Path;

use automerge::transaction::Transactable;
use confidant_shared::document::DocumentKind;
use confidant_shared::sync::client::Outgoing;
use confidant_shared::sync::device_link::LinkOffer;
use confidant_shared::sync::inbox::InboxKeys;
use confidant_shared::sync::notice::{Notice, RetireReason};
use confidant_shared::sync::signal::Signal;
use confidant_shared::sync::wire::{encode, ClientMessage, ErrorCode, RelayMessage, PROTOCOL_VERSION};
use confidant_shared::sync::{DocumentKeys, Invite, MemberInfo, MemberKeys, Purpose, Role, SealedChunk};

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn main() {
    let keys = DocumentKeys::create([1; 32]);
    let writer = MemberKeys::issue(&keys, Role::Writer, [2; 32]).unwrap();
    let owner = MemberKeys::issue(&keys, Role::Owner, [4; 32]).unwrap();
    let change = SealedChunk::seal(&keys, &writer, Purpose::Change, [1; 24], b"change bytes").unwrap();
    let intro = SealedChunk::seal(&keys, &writer, Purpose::Member, [2; 24], &postcard::to_allocvec(&MemberInfo { name: Some("Sam".into()), inboxes: vec![] }).unwrap()).unwrap();
    let retire = SealedChunk::seal(&keys, &owner, Purpose::Retire, [3; 24], &RetireReason::KeysReplaced.encode()).unwrap();
    let signal = SealedChunk::seal(&keys, &writer, Purpose::Signal, [4; 24], &Signal::Presence { page: [1; 8], name: None, sent_at_ms: 0 }.encode()).unwrap();
    let inbox = InboxKeys::from_seed([3; 32]);
    let post = inbox.address().seal(Some(&InboxKeys::from_seed([9; 32])), [5; 32], [6; 24], b"a letter");

    let client_messages = [
        ClientMessage::Hello { version: PROTOCOL_VERSION },
        ClientMessage::Subscribe { public: *keys.public(), from_seq: 0, proof: keys.subscribe_proof("relay.example", &[7; 32]) },
        ClientMessage::Push { chunk: change.clone(), client_ref: 1 },
        ClientMessage::Push { chunk: retire.clone(), client_ref: 2 },
        ClientMessage::Ephemeral { chunk: signal.clone() },
        ClientMessage::Post { post: post.clone(), client_ref: 3 },
        ClientMessage::SubscribeInbox { inbox: inbox.address().verifying_key, from_seq: 0, proof: inbox.subscribe_proof("relay.example", &[7; 32]) },
        ClientMessage::DeleteLetters { inbox: inbox.address().verifying_key, through_seq: 1, proof: inbox.delete_proof("relay.example", 1) },
        ClientMessage::Rendezvous { token: [8; 32], side: [9; 32] },
    ];
    for (n, message) in client_messages.iter().enumerate() {
        write("frame", &format!("client-{n}"), &encode(message));
    }
    let relay_messages = [
        RelayMessage::Chunk { seq: 1, chunk: change.clone() },
        RelayMessage::Chunk { seq: 1, chunk: intro.clone() },
        RelayMessage::Chunk { seq: 1, chunk: retire.clone() },
        RelayMessage::Ephemeral { chunk: signal.clone() },
        RelayMessage::CaughtUp { id: keys.id(), seq: 3 },
        RelayMessage::Ack { client_ref: 1, seq: 1 },
        RelayMessage::Met { token: [8; 32] },
        RelayMessage::Error { code: ErrorCode::RateLimited, message: "slow".into(), client_ref: Some(1), id: None, retry_after_ms: Some(10) },
    ];
    for (n, message) in relay_messages.iter().enumerate() {
        write("frame", &format!("relay-{n}"), &encode(message));
        write("chunk", &format!("relay-{n}"), &encode(message));
    }
    write("chunk", "sealed", &encode(&change));
    write("chunk", "outgoing", &encode(&Outgoing::Push(change)));

    let invite = Invite { kind: DocumentKind::GoalPlan, keys: keys.for_role(Role::Writer).unwrap(), member: writer };
    write("invite", "goal-plan", invite.link("https://relay.example").as_bytes());
    write("invite", "keyring", Invite { kind: DocumentKind::Keyring, keys: keys.clone(), member: owner }.fragment().as_bytes());
    write("invite", "device-link", LinkOffer { address: inbox.address(), secret: [8; 32] }.link("https://relay.example").as_bytes());
    write("invite", "address", inbox.address().to_text().as_bytes());

    write("letter", "post", &encode(&post));
    write("letter", "link-request", &Notice::LinkRequest { device_name: "Phone".into(), nonce: [2; 32], proof: [1; 32] }.encode());
    write("letter", "signal", &Signal::Heads { at_relay: vec![[2; 32]], through_seq: 4, sent_at_ms: 0 }.encode());

    let mut doc = automerge::AutoCommit::new();
    doc.put(automerge::ROOT, "title", "Plan").unwrap();
    let snapshot = doc.save();
    doc.put(automerge::ROOT, "why", "To lead a lab").unwrap();
    let increment = doc.save_incremental();
    let mut records = snapshot.clone();
    records.push(0xff);
    records.extend(increment);
    write("stored_document", "snapshot", &snapshot);
    write("stored_document", "snapshot-and-increment", &records);
}
