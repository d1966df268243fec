//! Profile, partnership, workshop and program replicas that edit
//! concurrently and exchange changes converge to the same state, and
//! concurrent edits to the same text both survive. See: issue 3.

use automerge::{ActorId, AutoCommit};
use autosurgeon::{hydrate, reconcile, Hydrate, Reconcile};
use confidant_shared::partnership::{ActionItem, AgreedDuration, Meeting, Partnership, PartnershipStatus};
use confidant_shared::profile::{CareerStage, ChannelKind, ContactChannel, Profile, Role};
use confidant_shared::program::{Expense, IntakeForm, IntakeRole, Member, Program, ProgramTemplate, Resource};
use confidant_shared::workshop::{Participant, Workshop};
use proptest::prelude::*;

/// Apply `edits` (hydrate, change, reconcile, as the app does) to two forks of
/// `start`, merge both ways, and return both results.
fn converge<T, E: std::fmt::Debug>(start: &T, a: &[E], b: &[E], apply: fn(&mut T, &E)) -> (T, T)
where
    T: Reconcile + Hydrate,
{
    let mut origin = AutoCommit::new().with_actor(ActorId::from(vec![0]));
    reconcile(&mut origin, start).unwrap();
    origin.commit();
    let mut left = origin.fork().with_actor(ActorId::from(vec![1]));
    let mut right = origin.fork().with_actor(ActorId::from(vec![2]));
    for (doc, edits) in [(&mut left, a), (&mut right, b)] {
        for edit in edits {
            let mut value: T = hydrate(doc).unwrap();
            apply(&mut value, edit);
            reconcile(doc, &value).unwrap();
            doc.commit();
        }
    }
    left.merge(&mut right).unwrap();
    right.merge(&mut left).unwrap();
    (hydrate(&left).unwrap(), hydrate(&right).unwrap())
}

fn word() -> impl Strategy<Value = String> {
    "[a-z]{1,5}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn profiles_converge(a in prop::collection::vec((0u8..5, word()), 0..8), b in prop::collection::vec((0u8..5, word()), 0..8)) {
        fn apply(p: &mut Profile, (op, w): &(u8, String)) {
            match op {
                0 => p.topics.push(w.clone()),
                1 => { let end = p.boundaries.as_str().len(); p.boundaries.splice(end, 0, w) }
                2 => p.career_stage = Some(if w.len() % 2 == 0 { CareerStage::Early } else { CareerStage::Mid }),
                3 => if !p.roles.contains(&Role::Mentor) { p.roles.push(Role::Mentor) },
                _ => p.contact_channels.push(ContactChannel { id: w.clone(), channel: ChannelKind::Email, value: format!("{w}@example.org"), note: String::new() }),
            }
        }
        let (l, r) = converge(&Profile::new("Sam"), &a, &b, apply);
        prop_assert_eq!(l, r);
    }

    #[test]
    fn partnerships_converge(a in prop::collection::vec((0u8..5, 0u8..4, word()), 0..8), b in prop::collection::vec((0u8..5, 0u8..4, word()), 0..8)) {
        fn apply(p: &mut Partnership, (op, i, w): &(u8, u8, String)) {
            let id = format!("m{i}");
            match op {
                0 => { p.meetings.entry(id.clone()).or_insert_with(|| Meeting::new(&id, "2026-12-01")); }
                1 => if let Some(m) = p.meetings.get_mut(&id) { let end = m.shared_notes.as_str().len(); m.shared_notes.splice(end, 0, w) },
                2 => if let Some(m) = p.meetings.get_mut(&id) {
                    m.action_items.push(ActionItem::new(&format!("{id}-{w}"), w, None, None));
                },
                3 => p.agreement.confidentiality = !p.agreement.confidentiality,
                _ => p.status = if w.len() % 2 == 0 { PartnershipStatus::RenewalDue } else { PartnershipStatus::Active },
            }
        }
        let start = Partnership::new("ana", "sam", "2026-11-01", AgreedDuration::Semesters { count: 3, renewable: true });
        let (l, r) = converge(&start, &a, &b, apply);
        prop_assert_eq!(l, r);
    }

    #[test]
    fn workshops_converge(a in prop::collection::vec((0u8..3, word()), 0..8), b in prop::collection::vec((0u8..3, word()), 0..8)) {
        fn apply(w: &mut Workshop, (op, name): &(u8, String)) {
            match op {
                0 => { w.roster.entry(name.clone()).or_insert_with(|| Participant { id: name.clone(), name: name.clone(), present: true, stage: None }); }
                1 => if let Some(p) = w.roster.get_mut(name) { p.present = !p.present },
                // The facilitator's controls, pressed on either side.
                _ => if name.len() % 2 == 0 { w.timeline.next(name.len() as i64 * 1000) } else { w.timeline.extend(name.len() as i64 * 1000, 60) },
            }
        }
        let (l, r) = converge(&Workshop::new("Career success", "lee"), &a, &b, apply);
        prop_assert_eq!(l, r);
    }

    #[test]
    fn programs_converge(a in prop::collection::vec((0u8..4, word(), 1i64..5000), 0..8), b in prop::collection::vec((0u8..4, word(), 1i64..5000), 0..8)) {
        fn apply(p: &mut Program, (op, w, cents): &(u8, String, i64)) {
            match op {
                0 => if !p.roster.contains_key(w) {
                    let role = if cents % 2 == 0 { IntakeRole::RequestMentor } else { IntakeRole::VolunteerToMentor };
                    let form = IntakeForm { capacity: (*cents % 3) as u32, ..IntakeForm::example(role, w, "Physics") };
                    p.roster.insert(w.clone(), Member::from_form(w, &form, chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()));
                },
                1 => if !p.expenses.iter().any(|e| &e.id == w) {
                    p.expenses.push(Expense { id: w.clone(), date: confidant_shared::calendar_day::parse_day("2026-11-20"), amount_cents: *cents, description: "lunch".into(), reimbursed: false });
                },
                2 => p.budget_cents = *cents * 100,
                _ => if !p.resources.iter().any(|r| &r.id == w) {
                    p.resources.push(Resource { id: w.clone(), name: w.clone(), category: "Counselling".into(), contact: String::new(), notes: autosurgeon::Text::with_value("") });
                },
            }
        }
        let (l, r) = converge(&Program::new("Peer Connections", ProgramTemplate::PeerConnections, chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()), &a, &b, apply);
        prop_assert_eq!(&l, &r);
        // The budget adds up the same on both sides.
        prop_assert_eq!(l.budget_left_cents(), r.budget_left_cents());
    }
}

#[test]
fn concurrent_edits_to_shared_meeting_notes_both_survive() {
    fn apply(p: &mut Partnership, edit: &&str) {
        let m = p.meetings.get_mut("m1").unwrap();
        m.shared_notes.update(edit);
    }
    let mut start = Partnership::new("ana", "sam", "2026-11-01", AgreedDuration::Months(6));
    let mut meeting = Meeting::new("m1", "2026-11-15");
    meeting.shared_notes = autosurgeon::Text::with_value("Discussed the plan");
    start.meetings.insert("m1".into(), meeting);
    let (l, r) = converge(&start, &["Discussed the thesis plan"], &["Discussed the plan and funding"], apply);
    assert_eq!(l.meetings["m1"].shared_notes.as_str(), "Discussed the thesis plan and funding");
    assert_eq!(l, r);
}
