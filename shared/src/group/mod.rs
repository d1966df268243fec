//! Group: a reading group or a peer mentoring group, one document shared by
//! its members (the graduate handbook's reading groups for later-stage
//! students, 003/004; the workshop's peer mentoring groups, facilitated or
//! not, 002).
//!
//! It holds the members, the meeting schedule, a reading list, shared notes
//! per meeting and who came. Private notes never go here: each member writes
//! them in their own journal. Every member writes the whole document (like a
//! partnership), so what arrives from another member is bounded and checked
//! where it is shown: links only as `https:`/`http:`, texts cut to size.

mod calendar;
mod line;
mod schedule;

pub use calendar::group_calendar;
pub use line::GroupLine;
pub use schedule::{MeetingPlan, Repeat};

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use chrono::NaiveDate;

use crate::document::{DocumentKind, Schema};

/// The most members a group takes: a reading group is a table, not a hall.
pub const MAX_MEMBERS: usize = 40;
/// The most meetings and readings a group keeps.
pub const MAX_MEETINGS: usize = 200;
pub const MAX_READINGS: usize = 200;
/// The longest name, place or reading title, in characters.
pub const MAX_LINE_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Group {
    pub kind: String,
    pub schema: u64,
    pub name: String,
    pub purpose: GroupPurpose,
    /// How its members were grouped, in the program's words: "third year
    /// and beyond", "research area: digital humanities".
    pub grouped_by: String,
    /// A facilitated group has one or more facilitators (members marked
    /// so); an unfacilitated one is run by all its members together.
    pub facilitated: bool,
    /// Members by member id (from each person's profile).
    pub members: BTreeMap<String, GroupMember>,
    /// Meetings by id; shown by day and time.
    pub meetings: BTreeMap<String, GroupMeeting>,
    /// The reading list by id; shown in the order added.
    pub readings: BTreeMap<String, Reading>,
    /// The program the group shares its attendance counts with, if any.
    #[autosurgeon(missing = "Default::default")]
    pub program: Option<GroupTie>,
}

/// Where a group's counts go: a program whose page a member follows.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct GroupTie {
    /// The program page's sync id.
    pub page: String,
    pub program_name: String,
    /// Names the group's report in the program: random, known to members only.
    pub report: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub enum GroupPurpose {
    ReadingGroup,
    PeerMentoring,
}

impl GroupPurpose {
    pub const ALL: [GroupPurpose; 2] = [GroupPurpose::ReadingGroup, GroupPurpose::PeerMentoring];

    pub fn token(self) -> &'static str {
        match self {
            GroupPurpose::ReadingGroup => "reading",
            GroupPurpose::PeerMentoring => "peer",
        }
    }

    pub fn from_token(token: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.token() == token)
    }

    /// "reading group" / "peer mentoring group".
    pub fn noun(self) -> &'static str {
        match self {
            GroupPurpose::ReadingGroup => "reading group",
            GroupPurpose::PeerMentoring => "peer mentoring group",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct GroupMember {
    pub name: String,
    pub facilitator: bool,
    /// The day they joined (stored as `YYYY-MM-DD`).
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub joined: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct GroupMeeting {
    /// The day it meets (stored as `YYYY-MM-DD`; one that does not read is none).
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub day: Option<NaiveDate>,
    /// Local time "HH:MM", or empty for a day with no set time.
    pub time: String,
    pub minutes: u32,
    pub place: String,
    /// The reading discussed, by its id in the reading list.
    pub reading: Option<String>,
    /// Notes every member sees; private thoughts go to each one's journal.
    pub shared_notes: Text,
    /// Who came, by member id: a map, so two members ticking at once merge.
    pub attended: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Reading {
    pub title: String,
    /// Author or source, as the member wrote it.
    pub by: String,
    /// A web address; shown as a link only if it is `https:` or `http:`.
    pub link: String,
    /// The day it was added (stored as `YYYY-MM-DD`); then the id, it gives
    /// the list's order.
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub added: Option<NaiveDate>,
}

/// Why a change to a group was refused; each reads as one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("Give the group a name.")]
    NoName,
    #[error("That is longer than {MAX_LINE_CHARS} characters; shorten it.")]
    TooLong,
    #[error("This group has {MAX_MEMBERS} members already, the most it takes; ask its members to start a second group.")]
    Full,
    #[error("This group keeps at most {MAX_MEETINGS} meetings; delete old ones to plan more.")]
    TooManyMeetings,
    #[error("The reading list holds at most {MAX_READINGS} readings; remove some to add more.")]
    TooManyReadings,
    #[error("Give the reading a title.")]
    NoTitle,
    #[error("A link must start with https:// or http://.")]
    BadLink,
    #[error("Pick the meeting's day.")]
    NoDay,
    #[error("Write the time as hours and minutes, like 17:30.")]
    BadTime,
    #[error("A meeting lasts from 15 minutes to 8 hours.")]
    BadLength,
    #[error("Plan from 1 to 26 meetings at a time.")]
    BadCount,
    #[error("That meeting is no longer in the group.")]
    NoSuchMeeting,
    #[error("Only members of the group can be marked as there.")]
    NotAMember,
}

impl Schema for Group {
    const KIND: DocumentKind = DocumentKind::Group;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        crate::document::root_field(doc, "name")
    }

    fn list_line(doc: &automerge::AutoCommit) -> Option<serde_json::Value> {
        <Self as crate::document::Listed>::line_of(doc)
    }
}

/// A one-line text from a form or another member: trimmed, control
/// characters out, at most [`MAX_LINE_CHARS`].
fn line_text(text: &str) -> Result<String, GroupError> {
    let clean: String = text.trim().chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > MAX_LINE_CHARS {
        return Err(GroupError::TooLong);
    }
    Ok(clean)
}

impl Group {
    /// A new group with its first member, who facilitates it if it is
    /// facilitated.
    pub fn new(name: &str, purpose: GroupPurpose, grouped_by: &str, facilitated: bool, creator: (&str, &str), today: NaiveDate) -> Result<Self, GroupError> {
        let name = line_text(name)?;
        if name.is_empty() {
            return Err(GroupError::NoName);
        }
        let mut group = Group {
            kind: DocumentKind::Group.as_str().to_owned(),
            schema: Self::SCHEMA,
            name,
            purpose,
            grouped_by: line_text(grouped_by)?,
            facilitated,
            members: BTreeMap::new(),
            meetings: BTreeMap::new(),
            readings: BTreeMap::new(),
            program: None,
        };
        group.members.insert(creator.0.to_owned(), GroupMember { name: line_text(creator.1)?, facilitator: facilitated, joined: Some(today) });
        Ok(group)
    }

    pub fn is_member(&self, member_id: &str) -> bool {
        !member_id.is_empty() && self.members.contains_key(member_id)
    }

    /// Join by the name in one's profile; `Ok(false)` if already a member.
    pub fn join(&mut self, member_id: &str, name: &str, today: NaiveDate) -> Result<bool, GroupError> {
        if member_id.is_empty() || self.is_member(member_id) {
            return Ok(false);
        }
        if self.members.len() >= MAX_MEMBERS {
            return Err(GroupError::Full);
        }
        self.members.insert(member_id.to_owned(), GroupMember { name: line_text(name)?, facilitator: false, joined: Some(today) });
        Ok(true)
    }

    /// A renamed profile renames its member; whether anything changed.
    pub fn follow_rename(&mut self, member_id: &str, name: &str) -> bool {
        let Ok(name) = line_text(name) else { return false };
        match self.members.get_mut(member_id) {
            Some(member) if member.name != name && !name.is_empty() => {
                member.name = name;
                true
            }
            _ => false,
        }
    }

    /// Leave the group: the member and their ticks go; notes stay, as the
    /// group wrote them together.
    pub fn leave(&mut self, member_id: &str) {
        self.members.remove(member_id);
        for meeting in self.meetings.values_mut() {
            meeting.attended.remove(member_id);
        }
    }

    /// A member's name as the group shows it ("a former member" once gone).
    pub fn member_name(&self, member_id: &str) -> String {
        self.members.get(member_id).map(|m| m.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| "a former member".to_owned())
    }

    /// Members by name, facilitators first.
    pub fn members_in_order(&self) -> Vec<(&String, &GroupMember)> {
        let mut members: Vec<_> = self.members.iter().collect();
        crate::sort::by(&mut members, |a, b| b.1.facilitator.cmp(&a.1.facilitator).then_with(|| a.1.name.to_lowercase().cmp(&b.1.name.to_lowercase())).then_with(|| a.0.cmp(b.0)));
        members
    }

    /// Plan the meetings `plan` describes, one per id in `ids` (at least as
    /// many as the plan has meetings); returns the ids used.
    pub fn plan(&mut self, plan: &MeetingPlan, ids: &[String]) -> Result<Vec<String>, GroupError> {
        let days = plan.days();
        if self.meetings.len() + days.len() > MAX_MEETINGS {
            return Err(GroupError::TooManyMeetings);
        }
        let mut used = Vec::new();
        for (day, id) in days.into_iter().zip(ids) {
            self.meetings.insert(
                id.clone(),
                GroupMeeting {
                    day: Some(day),
                    time: plan.time_text(),
                    minutes: plan.minutes,
                    place: plan.place.clone(),
                    reading: None,
                    shared_notes: Text::with_value(""),
                    attended: BTreeMap::new(),
                },
            );
            used.push(id.clone());
        }
        Ok(used)
    }

    /// Mark a member as there or not at a meeting.
    pub fn set_attended(&mut self, meeting: &str, member_id: &str, there: bool) -> Result<(), GroupError> {
        if !self.is_member(member_id) {
            return Err(GroupError::NotAMember);
        }
        let meeting = self.meetings.get_mut(meeting).ok_or(GroupError::NoSuchMeeting)?;
        if there {
            meeting.attended.insert(member_id.to_owned(), true);
        } else {
            meeting.attended.remove(member_id);
        }
        Ok(())
    }

    /// Meetings by day and time, earliest first; days that do not read go last.
    pub fn meetings_in_order(&self) -> Vec<(&String, &GroupMeeting)> {
        let mut meetings: Vec<_> = self.meetings.iter().collect();
        crate::sort::by(&mut meetings, |a, b| (a.1.when().is_none(), a.1.when(), a.0).cmp(&(b.1.when().is_none(), b.1.when(), b.0)));
        meetings
    }

    /// The next meeting from today on (today's counts until the day ends).
    pub fn next_meeting(&self, today: NaiveDate) -> Option<(&String, &GroupMeeting)> {
        self.meetings_in_order().into_iter().find(|(_, m)| m.date().is_some_and(|d| d >= today))
    }

    /// Add to the reading list; the link, if any, must be a web address.
    pub fn add_reading(&mut self, id: &str, title: &str, by: &str, link: &str, today: NaiveDate) -> Result<(), GroupError> {
        if self.readings.len() >= MAX_READINGS {
            return Err(GroupError::TooManyReadings);
        }
        let title = line_text(title)?;
        if title.is_empty() {
            return Err(GroupError::NoTitle);
        }
        let link = line_text(link)?;
        if !link.is_empty() && web_link(&link).is_none() {
            return Err(GroupError::BadLink);
        }
        self.readings.insert(id.to_owned(), Reading { title, by: line_text(by)?, link, added: Some(today) });
        Ok(())
    }

    /// Take a reading off the list, and off the meetings that named it.
    pub fn remove_reading(&mut self, id: &str) {
        self.readings.remove(id);
        for meeting in self.meetings.values_mut() {
            if meeting.reading.as_deref() == Some(id) {
                meeting.reading = None;
            }
        }
    }

    /// The reading list in the order added.
    pub fn readings_in_order(&self) -> Vec<(&String, &Reading)> {
        let mut readings: Vec<_> = self.readings.iter().collect();
        crate::sort::by(&mut readings, |a, b| (a.1.added, a.0).cmp(&(b.1.added, b.0)));
        readings
    }

    /// A meeting's reading, if it names one still on the list.
    pub fn reading_of(&self, meeting: &GroupMeeting) -> Option<&Reading> {
        meeting.reading.as_deref().and_then(|id| self.readings.get(id))
    }

    /// Counts the group may share with a program: members, meetings held
    /// and how many came to each. No names, no notes.
    pub fn counts(&self, today: NaiveDate) -> GroupCounts {
        let mut held: Vec<(NaiveDate, u32)> = self
            .meetings
            .values()
            .filter_map(|m| {
                let day = m.date().filter(|d| *d <= today)?;
                let came = m.attended.iter().filter(|(who, there)| **there && self.members.contains_key(*who)).count() as u32;
                (came > 0).then_some((day, came))
            })
            .collect();
        crate::sort::ascending(&mut held);
        GroupCounts {
            members: self.members.len() as u32,
            planned: self.meetings.values().filter(|m| m.date().is_some_and(|d| d > today)).count() as u32,
            held,
        }
    }
}

impl GroupMeeting {
    pub fn date(&self) -> Option<NaiveDate> {
        self.day
    }

    /// The set time, if it reads as one.
    pub fn start_time(&self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::parse_from_str(&self.time, "%H:%M").ok()
    }

    /// Day and time, for ordering (a meeting with no time comes first that day).
    fn when(&self) -> Option<(NaiveDate, Option<chrono::NaiveTime>)> {
        Some((self.date()?, self.start_time()))
    }

    /// How many members were there.
    pub fn came(&self) -> usize {
        self.attended.values().filter(|there| **there).count()
    }
}

impl Reading {
    /// The link to show, only if it is a web address.
    pub fn web_link(&self) -> Option<&str> {
        web_link(&self.link)
    }
}

/// `text` if it is an `https:` or `http:` address with a host: nothing
/// else (a `javascript:` link from another member) becomes a link.
pub fn web_link(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let fine = !host.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    fine.then_some(text)
}

/// What a group may share with a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCounts {
    pub members: u32,
    /// Meetings still ahead.
    pub planned: u32,
    /// Each meeting held (someone was marked there) with how many came.
    pub held: Vec<(NaiveDate, u32)>,
}

impl GroupCounts {
    /// "4 members · 3 meetings held, 3.7 came on average".
    pub fn words(&self) -> String {
        let members = if self.members == 1 { "1 member".to_owned() } else { format!("{} members", self.members) };
        if self.held.is_empty() {
            return format!("{members} · no meeting held yet");
        }
        let total: u32 = self.held.iter().map(|(_, n)| n).sum();
        let tenths = (total * 10 + self.held.len() as u32 / 2) / self.held.len() as u32;
        let held = if self.held.len() == 1 { "1 meeting held".to_owned() } else { format!("{} meetings held", self.held.len()) };
        format!("{members} · {held}, {}.{} came on average", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;

    pub(super) fn day(text: &str) -> NaiveDate {
        parse_day(text).unwrap()
    }

    pub(super) fn reading_group() -> Group {
        let mut g = Group::new("Later-stage reading group", GroupPurpose::ReadingGroup, "third year and beyond", true, ("dana", "Dana Okafor"), day("2026-12-01")).unwrap();
        g.join("li", "Li Wei", day("2026-12-02")).unwrap();
        g.join("omar", "Omar Haddad", day("2026-12-02")).unwrap();
        g
    }

    #[test]
    fn the_creator_facilitates_and_others_join_once() {
        let mut g = reading_group();
        assert!(g.members["dana"].facilitator && !g.members["li"].facilitator);
        assert_eq!(g.join("li", "Li Wei", day("2026-12-03")), Ok(false), "joining twice changes nothing");
        assert_eq!(g.members.len(), 3);
        assert_eq!(g.members_in_order().iter().map(|(_, m)| m.name.as_str()).collect::<Vec<_>>(), ["Dana Okafor", "Li Wei", "Omar Haddad"]);
        assert!(g.follow_rename("li", "Li W.") && g.members["li"].name == "Li W.");
        assert!(!g.follow_rename("li", "Li W."), "the same name again changes nothing");
        let peer = Group::new("Peers", GroupPurpose::PeerMentoring, "", false, ("a", "Ana"), day("2026-12-01")).unwrap();
        assert!(!peer.members["a"].facilitator, "an unfacilitated group has no facilitator");
        assert_eq!(Group::new("  ", GroupPurpose::ReadingGroup, "", true, ("a", "Ana"), day("2026-12-01")), Err(GroupError::NoName));
    }

    #[test]
    fn a_group_is_bounded() {
        let mut g = reading_group();
        for i in g.members.len()..MAX_MEMBERS {
            g.join(&format!("m{i}"), "Someone", day("2026-12-03")).unwrap();
        }
        assert_eq!(g.join("late", "Late", day("2026-12-03")), Err(GroupError::Full));
        assert_eq!(g.add_reading("r", &"x".repeat(MAX_LINE_CHARS + 1), "", "", day("2026-12-03")), Err(GroupError::TooLong));
        let plan = MeetingPlan::read("2026-12-08", "17:30", "90", "Room 204", "weekly", "26").unwrap();
        let ids: Vec<String> = (0..MAX_MEETINGS + 30).map(|i| format!("m{i}")).collect();
        for chunk in ids.chunks(26).take(MAX_MEETINGS / 26) {
            g.plan(&plan, chunk).unwrap();
        }
        assert_eq!(g.plan(&plan, &ids[MAX_MEETINGS..]), Err(GroupError::TooManyMeetings));
    }

    #[test]
    fn attendance_counts_members_only_and_names_no_one() {
        let mut g = reading_group();
        let plan = MeetingPlan::read("2026-12-01", "17:30", "90", "Room 204", "weekly", "3").unwrap();
        let ids = g.plan(&plan, &["a".into(), "b".into(), "c".into()]).unwrap();
        g.set_attended(&ids[0], "dana", true).unwrap();
        g.set_attended(&ids[0], "li", true).unwrap();
        g.set_attended(&ids[0], "omar", true).unwrap();
        g.set_attended(&ids[1], "dana", true).unwrap();
        g.set_attended(&ids[1], "li", true).unwrap();
        g.set_attended(&ids[1], "li", false).unwrap();
        assert_eq!(g.set_attended(&ids[1], "stranger", true), Err(GroupError::NotAMember));
        assert_eq!(g.set_attended("gone", "li", true), Err(GroupError::NoSuchMeeting));
        // A tick from someone who has left stops counting.
        g.set_attended(&ids[1], "omar", true).unwrap();
        g.leave("omar");
        let counts = g.counts(day("2026-12-08"));
        assert_eq!(counts, GroupCounts { members: 2, planned: 1, held: vec![(day("2026-12-01"), 2), (day("2026-12-08"), 1)] });
        assert_eq!(counts.words(), "2 members · 2 meetings held, 1.5 came on average");
        assert!(!format!("{counts:?}").contains("Dana") && !format!("{counts:?}").contains("li"));
        assert_eq!(GroupCounts { members: 1, planned: 0, held: vec![] }.words(), "1 member · no meeting held yet");
    }

    #[test]
    fn the_next_meeting_is_today_or_later() {
        let mut g = reading_group();
        let plan = MeetingPlan::read("2026-12-01", "17:30", "60", "Library", "fortnightly", "3").unwrap();
        g.plan(&plan, &["x".into(), "y".into(), "z".into()]).unwrap();
        assert_eq!(g.next_meeting(day("2026-12-01")).map(|(id, _)| id.as_str()), Some("x"), "today's meeting is next until the day ends");
        assert_eq!(g.next_meeting(day("2026-12-02")).and_then(|(_, m)| m.day), Some(day("2026-12-15")));
        assert_eq!(g.next_meeting(day("2026-12-30")), None);
    }

    #[test]
    fn readings_keep_their_order_and_only_web_links_are_links() {
        let mut g = reading_group();
        g.add_reading("r2", "Writing Your Dissertation in Fifteen Minutes a Day", "Joan Bolker", "", day("2026-12-02")).unwrap();
        g.add_reading("r1", "How to Write a Lot", "Paul Silvia", "https://example.org/silvia", day("2026-12-03")).unwrap();
        assert_eq!(g.readings_in_order().iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["r2", "r1"]);
        assert_eq!(g.readings["r1"].web_link(), Some("https://example.org/silvia"));
        for bad in ["javascript:alert(1)", "https://", "ftp://x", "https://a b", "data:text/html,x"] {
            assert_eq!(g.add_reading("r3", "T", "", bad, day("2026-12-03")), Err(GroupError::BadLink), "{bad}");
        }
        // A link another member wrote past the form is still not a link.
        g.readings.get_mut("r2").unwrap().link = "javascript:alert(1)".into();
        assert_eq!(g.readings["r2"].web_link(), None);
        let plan = MeetingPlan::read("2026-12-08", "", "60", "", "once", "1").unwrap();
        let ids = g.plan(&plan, &["m".into()]).unwrap();
        g.meetings.get_mut(&ids[0]).unwrap().reading = Some("r1".into());
        assert_eq!(g.reading_of(&g.meetings["m"]).map(|r| r.title.as_str()), Some("How to Write a Lot"));
        g.remove_reading("r1");
        assert_eq!(g.meetings["m"].reading, None, "a removed reading leaves the meetings that named it");
    }

    #[test]
    fn a_group_reads_back_from_automerge() {
        let mut g = reading_group();
        let plan = MeetingPlan::read("2026-12-08", "17:30", "90", "Room 204", "weekly", "2").unwrap();
        g.plan(&plan, &["a".into(), "b".into()]).unwrap();
        g.meetings.get_mut("a").unwrap().shared_notes.update("We read chapter 1.");
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &g).unwrap();
        let back: Group = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(back, g);
        assert_eq!(Group::list_title(&doc), "Later-stage reading group");
        // Days are the same ISO text as before; one a member wrote past the
        // form is no day: the group still opens, that meeting listed last.
        let meetings: automerge::ObjId = match automerge::ReadDoc::get(&doc, automerge::ROOT, "meetings").unwrap() {
            Some((_, id)) => id,
            None => panic!("no meetings"),
        };
        let a = automerge::ReadDoc::get(&doc, &meetings, "a").unwrap().unwrap().1;
        let stored: String = autosurgeon::hydrate_prop(&doc, &a, "day").unwrap();
        assert_eq!(stored, "2026-12-08");
        automerge::transaction::Transactable::put(&mut doc, &a, "day", "next Tuesday").unwrap();
        let back: Group = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(back.meetings["a"].day, None);
        assert_eq!(back.meetings_in_order().iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["b", "a"]);
    }
}
