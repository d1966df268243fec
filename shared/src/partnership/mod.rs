//! Partnership: a mentor and a mentee working together, shared by the pair.
//!
//! Holds what they agreed (topics, duration, meeting cadence, the agreement
//! checklist), the meeting log with action items, and the status through
//! renewal, ending or hand-over to another mentor.

mod cadence;
pub mod handover;
mod line;
mod meeting;
mod term;

pub use cadence::NextMeeting;
pub use line::PartnershipLine;
pub use meeting::{ActionItem, ItemOwner, Meeting};
pub use term::{agreement_ends, term_ending_after, AcademicCalendar, ContinuationNotice, Season, Semester, NOTICE_DAYS, RENEWAL_MONTHS};

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use chrono::NaiveDate;

use crate::document::{DocumentKind, Schema};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Partnership {
    pub kind: String,
    pub schema: u64,
    pub mentor: String,
    pub mentee: String,
    /// Member ids (from each person's profile) once each side has joined.
    /// Fields added after schema 1 read as empty from older documents.
    #[autosurgeon(missing = "Default::default")]
    pub mentor_id: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub mentee_id: Option<String>,
    pub topics: Vec<String>,
    /// The day of the introductory meeting; none when what was written is not a day.
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub start_date: Option<NaiveDate>,
    pub duration: AgreedDuration,
    pub cadence: MeetingCadence,
    pub agreement: Agreement,
    /// Meetings by id; shown by date.
    pub meetings: BTreeMap<String, Meeting>,
    pub status: PartnershipStatus,
    /// Why and to whom the mentee was handed over, for the next mentor.
    pub handover_note: Text,
    /// The invite of the mentee's goal plan the pair works on, so the
    /// partner's device can follow it. Only members can read it: the
    /// partnership is end-to-end encrypted like the plan.
    #[autosurgeon(missing = "Default::default")]
    pub goal_plan_invite: Option<String>,
    /// The end day of the last term whose continuation notice was answered.
    #[autosurgeon(missing = "Default::default")]
    pub continuation_answered: Option<String>,
    /// The program that matched the pair, if one did.
    #[autosurgeon(missing = "Default::default")]
    pub program: Option<crate::program::introduction::ProgramTie>,
}

/// Which side of a partnership a person is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    Mentor,
    Mentee,
}

/// How long the pair agreed to work together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub enum AgreedDuration {
    /// The Libraries program: 6 to 12 months.
    Months(u32),
    /// Peer Connections: consecutive semesters, renewable.
    Semesters { count: u32, renewable: bool },
}

/// How often the pair means to meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct MeetingCadence {
    /// Meetings in the first month (default 2).
    pub first_month: u32,
    /// Days between meetings after that (default 30: at least monthly).
    pub every_days: u32,
}

impl Default for MeetingCadence {
    fn default() -> Self {
        MeetingCadence { first_month: 2, every_days: 30 }
    }
}

/// The checklist both sides go through at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Reconcile, Hydrate)]
pub struct Agreement {
    pub confidentiality: bool,
    pub supervisor_informed: bool,
    /// Meetings in work hours unless both agree otherwise.
    pub work_hours: bool,
    pub goals_conversation: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub enum PartnershipStatus {
    Active,
    RenewalDue,
    Ended,
    HandedOver,
}

impl Schema for Partnership {
    const KIND: DocumentKind = DocumentKind::Partnership;
    const SCHEMA: u64 = 1;

    fn list_line(doc: &automerge::AutoCommit) -> Option<serde_json::Value> {
        <Self as crate::document::Listed>::line_of(doc)
    }

    fn list_title(doc: &automerge::AutoCommit) -> String {
        let mentor: String = crate::document::root_field(doc, "mentor");
        let mentee: String = crate::document::root_field(doc, "mentee");
        format!("{mentor} and {mentee}")
    }
}

impl Partnership {
    /// `start_date` as a date field gives it (`YYYY-MM-DD`).
    pub fn new(mentor: &str, mentee: &str, start_date: &str, duration: AgreedDuration) -> Self {
        Partnership {
            kind: DocumentKind::Partnership.as_str().to_owned(),
            schema: Self::SCHEMA,
            mentor: mentor.to_owned(),
            mentee: mentee.to_owned(),
            mentor_id: None,
            mentee_id: None,
            topics: Vec::new(),
            start_date: crate::calendar_day::parse_day(start_date),
            duration,
            cadence: MeetingCadence::default(),
            agreement: Agreement::default(),
            meetings: BTreeMap::new(),
            status: PartnershipStatus::Active,
            handover_note: Text::with_value(""),
            goal_plan_invite: None,
            continuation_answered: None,
            program: None,
        }
    }

    /// A partnership started by the member `me_id` (named `me`) on `side`,
    /// with `partner` on the other side until they join under their own name.
    pub fn started_by(side: Side, me_id: &str, me: &str, partner: &str, start_date: &str, duration: AgreedDuration) -> Self {
        let mut p = match side {
            Side::Mentor => Partnership::new(me, partner, start_date, duration),
            Side::Mentee => Partnership::new(partner, me, start_date, duration),
        };
        match side {
            Side::Mentor => p.mentor_id = Some(me_id.to_owned()),
            Side::Mentee => p.mentee_id = Some(me_id.to_owned()),
        }
        p
    }

    /// The side the person with this profile is on: the side they joined;
    /// else the side still open when the other is taken (someone invited
    /// them to it, with or without a profile yet); else by their profile's
    /// role (a mentor who is no mentee is on the mentor's side), else the
    /// mentee's.
    pub fn side_for(&self, profile: Option<&crate::profile::Profile>) -> Side {
        use crate::profile::Role;
        if let Some(side) = profile.and_then(|me| self.side_of(&me.member_id)) {
            return side;
        }
        if let Some(side) = self.open_side() {
            return side;
        }
        match profile {
            Some(me) if me.roles.contains(&Role::Mentor) && !me.roles.contains(&Role::Mentee) => Side::Mentor,
            _ => Side::Mentee,
        }
    }

    /// The one side nobody has joined yet, when the other side is taken.
    pub fn open_side(&self) -> Option<Side> {
        match (&self.mentor_id, &self.mentee_id) {
            (Some(_), None) => Some(Side::Mentee),
            (None, Some(_)) => Some(Side::Mentor),
            _ => None,
        }
    }

    /// The side the member `me` is on, if they joined.
    pub fn side_of(&self, me: &str) -> Option<Side> {
        if self.mentor_id.as_deref() == Some(me) {
            Some(Side::Mentor)
        } else if self.mentee_id.as_deref() == Some(me) {
            Some(Side::Mentee)
        } else {
            None
        }
    }

    /// Join the side nobody has taken yet (the person who accepted the
    /// invite). Returns the side, or `None` if both are taken by others.
    pub fn join(&mut self, me: &str, name: &str) -> Option<Side> {
        if let Some(side) = self.side_of(me) {
            return Some(side);
        }
        if self.mentor_id.is_none() {
            self.mentor_id = Some(me.to_owned());
            self.mentor = name.to_owned();
            Some(Side::Mentor)
        } else if self.mentee_id.is_none() {
            self.mentee_id = Some(me.to_owned());
            self.mentee = name.to_owned();
            Some(Side::Mentee)
        } else {
            None
        }
    }

    /// Follow a joined member's profile rename: their side takes `name`.
    /// Returns whether anything changed (a blank name changes nothing).
    pub fn follow_rename(&mut self, me: &str, name: &str) -> bool {
        let name = name.trim();
        let mine = match self.side_of(me) {
            Some(Side::Mentor) => &mut self.mentor,
            Some(Side::Mentee) => &mut self.mentee,
            None => return false,
        };
        if name.is_empty() || mine == name {
            return false;
        }
        *mine = name.to_owned();
        true
    }

    /// "Ana Lima and Sam Rivera", with placeholders for a side nobody took yet.
    pub fn pair_title(&self) -> String {
        let name = |name: &str, fallback: &str| if name.trim().is_empty() { fallback.to_owned() } else { name.trim().to_owned() };
        format!("{} and {}", name(&self.mentor, "a mentor"), name(&self.mentee, "a mentee"))
    }

    /// The other person's name, seen from `side`.
    pub fn partner_name(&self, side: Side) -> &str {
        match side {
            Side::Mentor => &self.mentee,
            Side::Mentee => &self.mentor,
        }
    }

    /// Take a meeting out of the log; returns it, for Undo.
    pub fn remove_meeting(&mut self, id: &str) -> Option<Meeting> {
        self.meetings.remove(id)
    }

    /// Put a removed meeting back (Undo), unless it is back already. Its
    /// texts are made afresh: the removed ones belonged to deleted objects.
    pub fn put_back_meeting(&mut self, meeting: Meeting) {
        if self.meetings.contains_key(&meeting.id) {
            return;
        }
        let fresh = Meeting {
            agenda: Text::with_value(meeting.agenda.as_str()),
            shared_notes: Text::with_value(meeting.shared_notes.as_str()),
            action_items: meeting
                .action_items
                .iter()
                .map(|i| ActionItem { text: Text::with_value(i.text.as_str()), ..i.clone() })
                .collect(),
            ..meeting
        };
        self.meetings.insert(fresh.id.clone(), fresh);
    }

    /// Meetings, newest first.
    pub fn meetings_by_date(&self) -> Vec<&Meeting> {
        let mut meetings: Vec<&Meeting> = self.meetings.values().collect();
        crate::sort::by(&mut meetings, |a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
        meetings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whoever_starts_takes_their_side_and_the_partner_who_joins_takes_the_other() {
        for side in [Side::Mentor, Side::Mentee] {
            let mut p = Partnership::started_by(side, "me-id", "Ana", "my mentor", "2026-09-01", AgreedDuration::Months(6));
            assert_eq!(p.side_of("me-id"), Some(side));
            let other = if side == Side::Mentor { Side::Mentee } else { Side::Mentor };
            assert_eq!(p.join("them-id", "Ben"), Some(other), "the invited partner takes the other side");
            let (mine, theirs) = match side {
                Side::Mentor => (&p.mentor, &p.mentee),
                Side::Mentee => (&p.mentee, &p.mentor),
            };
            assert_eq!((mine.as_str(), theirs.as_str()), ("Ana", "Ben"));
            assert_eq!(p.join("third", "Cy"), None, "both sides taken");
        }
    }

    #[test]
    fn the_invited_person_is_on_the_open_side_before_joining_with_or_without_a_profile() {
        use crate::profile::{Profile, Role};
        // A mentee started it and invited a mentor, who has no profile yet.
        let p = Partnership::started_by(Side::Mentee, "sam", "Sam", "Ana", "2026-09-01", AgreedDuration::Months(6));
        assert_eq!(p.side_for(None), Side::Mentor);
        // ... or whose profile says mentee: the invite still made them the mentor.
        let mut ana = Profile::with_member_id("Ana", "ana");
        ana.roles = vec![Role::Mentee];
        assert_eq!(p.side_for(Some(&ana)), Side::Mentor);
        let sam = Profile::with_member_id("Sam", "sam");
        assert_eq!(p.side_for(Some(&sam)), Side::Mentee, "the starter stays on their side");
        assert_eq!(p.partner_name(p.side_for(None)), "Sam", "the mentor's partner is the mentee");
    }

    #[test]
    fn a_deleted_meeting_comes_back_whole_through_the_document() {
        let mut p = Partnership::new("Ana", "Sam", "2026-09-01", AgreedDuration::Months(6));
        let mut m = Meeting::new("m1", "2026-09-01");
        m.agenda.update("Goals");
        m.action_items.push(ActionItem::new("i1", "Draft", None, crate::calendar_day::parse_day("2026-09-10")));
        p.meetings.insert("m1".into(), m);
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &p).unwrap();
        let mut q: Partnership = autosurgeon::hydrate(&doc).unwrap();
        let removed = q.remove_meeting("m1").unwrap();
        autosurgeon::reconcile(&mut doc, &q).unwrap();
        let mut q: Partnership = autosurgeon::hydrate(&doc).unwrap();
        assert!(q.meetings.is_empty());
        q.put_back_meeting(removed);
        autosurgeon::reconcile(&mut doc, &q).unwrap();
        let back: Partnership = autosurgeon::hydrate(&doc).unwrap();
        let m = &back.meetings["m1"];
        assert_eq!((m.agenda.as_str(), m.action_items[0].text.as_str(), m.action_items[0].due), ("Goals", "Draft", crate::calendar_day::parse_day("2026-09-10")));
    }

    #[test]
    fn a_profile_rename_renames_only_the_renamed_side() {
        let mut p = Partnership::started_by(Side::Mentee, "sam", "Sam", "Ana", "2026-09-01", AgreedDuration::Months(6));
        assert!(p.follow_rename("sam", "Sam Rivera"));
        assert_eq!(p.pair_title(), "Ana and Sam Rivera");
        assert!(!p.follow_rename("sam", "Sam Rivera"), "nothing new");
        assert!(!p.follow_rename("sam", "  "), "a blank name is no rename");
        assert!(!p.follow_rename("stranger", "Mallory"), "only a member's own side");
        assert_eq!(p.pair_title(), "Ana and Sam Rivera");
    }
}
