//! Attendance counts a reading group or peer mentoring group chose to share
//! with its program (see `group::GroupTie`): how many members, meetings held
//! and how many came. Never names, notes or readings.
//!
//! A group's report is named by a random id only its members know, so one
//! outsider cannot overwrite another group's; any member's device may send
//! it (each follows the program's page), and the latest replaces the last.

use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Program;
use crate::calendar_day::{day_text, parse_day};
use crate::sync::inbox::InboxAddress;

/// The most groups a program keeps reports of.
pub const MAX_GROUP_REPORTS: usize = 100;

/// What a member's device sends, in a signed letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCountsLetter {
    /// The group's report id (random, from the group document).
    pub report: String,
    pub name: String,
    pub members: u32,
    pub meetings_held: u32,
    /// How many came, added over the meetings held.
    pub came: u32,
    /// The last meeting held, `YYYY-MM-DD`, or empty.
    pub last_held: String,
}

impl GroupCountsLetter {
    /// The letter for a group's counts.
    pub fn of(report: &str, name: &str, counts: &crate::group::GroupCounts) -> Self {
        GroupCountsLetter {
            report: report.to_owned(),
            name: name.to_owned(),
            members: counts.members,
            meetings_held: counts.held.len() as u32,
            came: counts.held.iter().map(|(_, n)| n).sum(),
            last_held: counts.held.last().map(|(d, _)| day_text(*d)).unwrap_or_default(),
        }
    }
}

/// A group's report as the program keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct GroupReport {
    #[key]
    pub id: String,
    pub name: String,
    pub members: u32,
    pub meetings_held: u32,
    pub came: u32,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub last_held: Option<NaiveDate>,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub received_on: Option<NaiveDate>,
}

impl GroupReport {
    /// "3 members · 4 meetings held, 2.8 came on average · last met Tue 9 Mar 2027".
    pub fn words(&self, day: impl Fn(NaiveDate) -> String) -> String {
        let members = if self.members == 1 { "1 member".to_owned() } else { format!("{} members", self.members) };
        if self.meetings_held == 0 {
            return format!("{members} · no meeting held yet");
        }
        let tenths = (u64::from(self.came) * 10 + u64::from(self.meetings_held) / 2) / u64::from(self.meetings_held);
        let held = if self.meetings_held == 1 { "1 meeting held".to_owned() } else { format!("{} meetings held", self.meetings_held) };
        let last = self.last_held.map(|d| format!(" · last met {}", day(d))).unwrap_or_default();
        format!("{members} · {held}, {}.{} came on average{last}", tenths / 10, tenths % 10)
    }
}

/// Why a group's counts were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupCountsRefused {
    #[error("the counts came in an unsigned letter")]
    Unsigned,
    #[error("the counts do not add up or are out of bounds")]
    OutOfBounds,
    #[error("the program keeps reports of {MAX_GROUP_REPORTS} groups at most")]
    TooManyGroups,
}

impl Program {
    /// Keep a group's counts, checked as hostile input.
    pub fn receive_group_counts(&mut self, sender: Option<&InboxAddress>, letter: &GroupCountsLetter, today: NaiveDate) -> Result<(), GroupCountsRefused> {
        sender.ok_or(GroupCountsRefused::Unsigned)?;
        let id_fine = (16..=64).contains(&letter.report.len()) && letter.report.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let name: String = letter.name.trim().chars().filter(|c| !c.is_control()).collect();
        let name_fine = !name.is_empty() && name.chars().count() <= crate::group::MAX_LINE_CHARS;
        let members = u32::try_from(crate::group::MAX_MEMBERS).unwrap_or(u32::MAX);
        let meetings = u32::try_from(crate::group::MAX_MEETINGS).unwrap_or(u32::MAX);
        let counts_fine = letter.members <= members
            && letter.meetings_held <= meetings
            && u64::from(letter.came) <= u64::from(letter.meetings_held) * u64::from(letter.members)
            && letter.came >= letter.meetings_held;
        let last_held = parse_day(&letter.last_held);
        let last_fine = match last_held {
            Some(day) => day <= today && letter.meetings_held > 0,
            None => letter.last_held.is_empty() && letter.meetings_held == 0,
        };
        if !(id_fine && name_fine && counts_fine && last_fine) {
            return Err(GroupCountsRefused::OutOfBounds);
        }
        if !self.group_reports.contains_key(&letter.report) && self.group_reports.len() >= MAX_GROUP_REPORTS {
            return Err(GroupCountsRefused::TooManyGroups);
        }
        let report = GroupReport {
            id: letter.report.clone(),
            name,
            members: letter.members,
            meetings_held: letter.meetings_held,
            came: letter.came,
            last_held,
            received_on: Some(today),
        };
        self.group_reports.insert(letter.report.clone(), report);
        Ok(())
    }

    /// The groups' reports, by name.
    pub fn group_reports_by_name(&self) -> Vec<&GroupReport> {
        let mut reports: Vec<&GroupReport> = self.group_reports.values().collect();
        crate::sort::by(&mut reports, |a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));
        reports
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::day_label;
    use crate::group::{Group, GroupPurpose, MeetingPlan};
    use crate::program::ProgramTemplate;

    fn day(text: &str) -> NaiveDate {
        parse_day(text).unwrap()
    }

    const REPORT: &str = "abcdefghijklmnop0123";

    fn sender() -> InboxAddress {
        crate::sync::inbox::InboxKeys::from_seed([7; 32]).address()
    }

    #[test]
    fn a_group_shares_counts_only_and_the_latest_replaces_the_last() {
        let mut g = Group::new("Later-stage reading group", GroupPurpose::ReadingGroup, "", true, ("d", "Dana"), day("2027-03-01")).unwrap();
        g.join("l", "Li", day("2027-03-01")).unwrap();
        let plan = MeetingPlan::read("2027-03-02", "17:30", "90", "Room 204", "weekly", "2").unwrap();
        g.plan(&plan, &["a".into(), "b".into()]).unwrap();
        g.meetings.get_mut("a").unwrap().shared_notes.update("Secret discussion");
        for who in ["d", "l"] {
            g.set_attended("a", who, true).unwrap();
        }
        let letter = GroupCountsLetter::of(REPORT, &g.name, &g.counts(day("2027-03-05")));
        assert!(!format!("{letter:?}").contains("Secret") && !format!("{letter:?}").contains("Dana"), "{letter:?}");
        let mut p = Program::new("Handbook", ProgramTemplate::GraduateHandbook, day("2027-03-01"));
        p.receive_group_counts(Some(&sender()), &letter, day("2027-03-05")).unwrap();
        let words = p.group_reports_by_name()[0].words(day_label);
        assert_eq!(words, "2 members · 1 meeting held, 2.0 came on average · last met Tue 2 Mar 2027");
        g.set_attended("b", "d", true).unwrap();
        let later = GroupCountsLetter::of(REPORT, &g.name, &g.counts(day("2027-03-10")));
        p.receive_group_counts(Some(&sender()), &later, day("2027-03-10")).unwrap();
        assert_eq!(p.group_reports.len(), 1, "the latest replaces the last");
        assert_eq!(p.group_reports[REPORT].meetings_held, 2);
    }

    #[test]
    fn counts_that_do_not_add_up_are_refused() {
        let mut p = Program::new("Handbook", ProgramTemplate::GraduateHandbook, day("2027-03-01"));
        let fine = GroupCountsLetter { report: REPORT.into(), name: "Group".into(), members: 3, meetings_held: 2, came: 5, last_held: "2027-03-02".into() };
        let today = day("2027-03-05");
        assert_eq!(p.receive_group_counts(None, &fine, today), Err(GroupCountsRefused::Unsigned));
        for bad in [
            GroupCountsLetter { came: 7, ..fine.clone() },
            GroupCountsLetter { came: 1, ..fine.clone() },
            GroupCountsLetter { members: 41, ..fine.clone() },
            GroupCountsLetter { last_held: "2027-03-06".into(), ..fine.clone() },
            GroupCountsLetter { last_held: "+262142-12-31".into(), ..fine.clone() },
            GroupCountsLetter { last_held: String::new(), ..fine.clone() },
            GroupCountsLetter { report: "short".into(), ..fine.clone() },
            GroupCountsLetter { name: "\n".into(), ..fine.clone() },
            GroupCountsLetter { name: "x".repeat(201), ..fine.clone() },
            GroupCountsLetter { meetings_held: u32::MAX, came: u32::MAX, members: 40, ..fine.clone() },
        ] {
            assert_eq!(p.receive_group_counts(Some(&sender()), &bad, today), Err(GroupCountsRefused::OutOfBounds), "{bad:?}");
        }
        assert!(p.group_reports.is_empty());
        for i in 0..MAX_GROUP_REPORTS {
            p.receive_group_counts(Some(&sender()), &GroupCountsLetter { report: format!("{REPORT}{i:04}"), ..fine.clone() }, today).unwrap();
        }
        assert_eq!(p.receive_group_counts(Some(&sender()), &GroupCountsLetter { report: format!("{REPORT}new"), ..fine.clone() }, today), Err(GroupCountsRefused::TooManyGroups));
        assert!(p.receive_group_counts(Some(&sender()), &GroupCountsLetter { report: format!("{REPORT}0000"), came: 6, ..fine }, today).is_ok(), "a known group still updates");
    }
}
