//! A group's line in the document index: what Home and the group list read
//! (see `document::Listed`): names, days, times and places, never notes.

use std::collections::BTreeMap;

use autosurgeon::Text;
use serde::{Deserialize, Serialize};

use super::{Group, GroupMeeting, GroupMember, GroupPurpose};
use crate::calendar_day::NaiveDate;
use crate::document::{Listed, Schema};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupLine {
    name: String,
    purpose: GroupPurpose,
    grouped_by: String,
    facilitated: bool,
    /// Member id, name, facilitator.
    members: Vec<(String, String, bool)>,
    /// Meeting id, day, time, place.
    meetings: Vec<(String, Option<NaiveDate>, String, String)>,
}

impl Listed for Group {
    type Line = GroupLine;

    fn line(&self) -> GroupLine {
        GroupLine {
            name: self.name.clone(),
            purpose: self.purpose,
            grouped_by: self.grouped_by.clone(),
            facilitated: self.facilitated,
            members: self.members.iter().map(|(id, m)| (id.clone(), m.name.clone(), m.facilitator)).collect(),
            meetings: self.meetings.iter().map(|(id, m)| (id.clone(), m.day, m.time.clone(), m.place.clone())).collect(),
        }
    }

    fn from_line(line: GroupLine) -> Group {
        Group {
            kind: Self::KIND.as_str().to_owned(),
            schema: Self::SCHEMA,
            name: line.name,
            purpose: line.purpose,
            grouped_by: line.grouped_by,
            facilitated: line.facilitated,
            members: line.members.into_iter().map(|(id, name, facilitator)| (id, GroupMember { name, facilitator, joined: None })).collect(),
            meetings: line
                .meetings
                .into_iter()
                .map(|(id, day, time, place)| {
                    let meeting = GroupMeeting { day, time, minutes: 60, place, reading: None, shared_notes: Text::with_value(""), attended: BTreeMap::new() };
                    (id, meeting)
                })
                .collect(),
            readings: BTreeMap::new(),
            program: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{day, reading_group};
    use super::super::MeetingPlan;
    use super::*;

    #[test]
    fn the_line_gives_the_next_meeting_and_no_notes() {
        let mut g = reading_group();
        let plan = MeetingPlan::read("2026-12-01", "17:30", "90", "Room 204", "weekly", "3").unwrap();
        g.plan(&plan, &["a".into(), "b".into(), "c".into()]).unwrap();
        g.meetings.get_mut("a").unwrap().shared_notes.update("Private-ish discussion");
        let line = serde_json::to_value(g.line()).unwrap();
        assert!(!line.to_string().contains("Private-ish"), "{line}");
        let back = Group::from_index(&line).unwrap();
        for today in ["2026-11-30", "2026-12-02", "2026-12-15", "2026-12-16"] {
            let today = day(today);
            let next = |g: &Group| g.next_meeting(today).map(|(id, m)| (id.clone(), m.day, m.time.clone(), m.place.clone()));
            assert_eq!(next(&back), next(&g), "{today}");
        }
        assert_eq!(back.members_in_order().len(), 3);
    }
}
