//! A journal entry edited offline on two of the user's devices (laptop and
//! phone) converges, and concurrent edits to its body both survive.
//! See: issue 3.

use automerge::{ActorId, AutoCommit};
use autosurgeon::{hydrate, reconcile};
use confidant_shared::document::Schema;
use confidant_shared::journal::{EntryKind, JournalEntry};
use proptest::prelude::*;

fn replicas() -> (AutoCommit, AutoCommit) {
    let mut origin = AutoCommit::new().with_actor(ActorId::from(vec![9]));
    let entry = JournalEntry::new("2026-11-20", EntryKind::MeetingNotes, "First meeting", "We agreed", 1);
    reconcile(&mut origin, &entry).unwrap();
    origin.commit();
    (origin.fork().with_actor(ActorId::from(vec![1])), origin.fork().with_actor(ActorId::from(vec![2])))
}

#[derive(Debug, Clone)]
enum Edit {
    Append(String),
    Title(String),
    Topic(String),
    Kind(bool),
    Partnership(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        "[a-z ]{1,6}".prop_map(Edit::Append),
        "[a-z ]{1,6}".prop_map(Edit::Title),
        "(career|research|balance)".prop_map(Edit::Topic),
        any::<bool>().prop_map(Edit::Kind),
        "[a-z]{1,4}".prop_map(Edit::Partnership),
    ]
}

fn apply(doc: &mut AutoCommit, edit: &Edit) {
    let mut entry: JournalEntry = hydrate(doc).unwrap();
    match edit {
        Edit::Append(text) => {
            let end = entry.body.as_str().len();
            entry.body.splice(end, 0, text);
        }
        Edit::Title(text) => entry.title.update(text),
        Edit::Topic(topic) => entry.topics.push(topic.clone()),
        Edit::Kind(prep) => entry.entry_kind = if *prep { EntryKind::Prep } else { EntryKind::Reflection },
        Edit::Partnership(p) => entry.partnership = Some(p.clone()),
    }
    reconcile(doc, &entry).unwrap();
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
        prop_assert_eq!(hydrate::<_, JournalEntry>(&laptop).unwrap(), hydrate::<_, JournalEntry>(&phone).unwrap());
    }
}

#[test]
fn concurrent_edits_to_the_body_both_survive() {
    let (mut laptop, mut phone) = replicas();
    for (doc, text) in [(&mut laptop, "We agreed to meet monthly"), (&mut phone, "Today we agreed")] {
        let mut entry: JournalEntry = hydrate(doc).unwrap();
        entry.body.update(text);
        reconcile(doc, &entry).unwrap();
    }
    laptop.merge(&mut phone).unwrap();
    let entry: JournalEntry = hydrate(&laptop).unwrap();
    assert_eq!(entry.body.as_str(), "Today we agreed to meet monthly");
}

#[test]
fn the_list_shows_title_and_date_without_hydrating() {
    let (laptop, _) = replicas();
    assert_eq!(JournalEntry::list_title(&laptop), "First meeting");
    assert_eq!(JournalEntry::list_date(&laptop).as_deref(), Some("2026-11-20"));
}
