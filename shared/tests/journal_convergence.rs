//! Journal replicas (one person's laptop and phone) that add and edit entries
//! offline converge, and concurrent edits to one entry's body both survive.
//! See: issue 3.

use automerge::{ActorId, AutoCommit};
use autosurgeon::{hydrate, reconcile};
use confidant_shared::journal::{add_entry, edit_entry, EntryKind, Journal, JournalEntry};
use proptest::prelude::*;

fn replicas() -> (AutoCommit, AutoCommit) {
    let mut origin = AutoCommit::new().with_actor(ActorId::from(vec![9]));
    reconcile(&mut origin, &Journal::new("sam")).unwrap();
    let entry = JournalEntry::new("e0", "2026-11-20", EntryKind::MeetingNotes, "First meeting", "We agreed", 1);
    add_entry(&mut origin, &entry).unwrap();
    origin.commit();
    (origin.fork().with_actor(ActorId::from(vec![1])), origin.fork().with_actor(ActorId::from(vec![2])))
}

#[derive(Debug, Clone)]
enum Edit {
    Add(u8),
    Append(u8, String),
    Topic(u8, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0u8..6).prop_map(Edit::Add),
        (0u8..6, "[a-z ]{1,6}").prop_map(|(i, s)| Edit::Append(i, s)),
        (0u8..6, "(career|research|balance)").prop_map(|(i, s)| Edit::Topic(i, s)),
    ]
}

fn apply(doc: &mut AutoCommit, edit: &Edit) {
    match edit {
        Edit::Add(i) => {
            let id = format!("e{i}");
            let exists = hydrate::<_, Journal>(doc).unwrap().entries.contains_key(&id);
            if !exists {
                add_entry(doc, &JournalEntry::new(&id, "2026-11-21", EntryKind::Reflection, "note", "", 2)).unwrap();
            }
        }
        Edit::Append(i, text) => {
            let _ = edit_entry(doc, &format!("e{i}"), |e| {
                let end = e.body.as_str().len();
                e.body.splice(end, 0, text);
            });
        }
        Edit::Topic(i, topic) => {
            let _ = edit_entry(doc, &format!("e{i}"), |e| e.topics.push(topic.clone()));
        }
    }
    doc.commit();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn laptop_and_phone_converge(a in prop::collection::vec(edit(), 0..10), b in prop::collection::vec(edit(), 0..10)) {
        let (mut laptop, mut phone) = replicas();
        for e in &a { apply(&mut laptop, e); }
        for e in &b { apply(&mut phone, e); }
        laptop.merge(&mut phone).unwrap();
        phone.merge(&mut laptop).unwrap();
        prop_assert_eq!(hydrate::<_, Journal>(&laptop).unwrap(), hydrate::<_, Journal>(&phone).unwrap());
    }
}

#[test]
fn concurrent_edits_to_one_entry_both_survive() {
    let (mut laptop, mut phone) = replicas();
    edit_entry(&mut laptop, "e0", |e| e.body.update("We agreed to meet monthly")).unwrap();
    edit_entry(&mut phone, "e0", |e| e.body.update("Today we agreed")).unwrap();
    laptop.merge(&mut phone).unwrap();
    let journal: Journal = hydrate(&laptop).unwrap();
    assert_eq!(journal.entries["e0"].body.as_str(), "Today we agreed to meet monthly");
}

#[test]
fn editing_a_missing_entry_is_an_error_not_a_new_entry() {
    let (mut laptop, _) = replicas();
    assert!(edit_entry(&mut laptop, "nope", |e| e.body.update("x")).is_err());
    assert_eq!(hydrate::<_, Journal>(&laptop).unwrap().entries.len(), 1);
}
