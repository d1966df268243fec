//! A partnership's line in the document index: what Home and the
//! partnership list read (see `document::Listed`).

use std::collections::BTreeMap;

use autosurgeon::Text;
use serde::{Deserialize, Serialize};

use super::{AgreedDuration, Agreement, Meeting, MeetingCadence, Partnership, PartnershipStatus};
use crate::document::{Listed, Schema};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnershipLine {
    mentor: String,
    mentee: String,
    mentor_id: Option<String>,
    mentee_id: Option<String>,
    topics: Vec<String>,
    start_date: Option<chrono::NaiveDate>,
    duration: AgreedDuration,
    cadence: MeetingCadence,
    status: PartnershipStatus,
    /// Meeting ids and days; agendas, notes and action items stay out.
    meetings: Vec<(String, Option<chrono::NaiveDate>)>,
    continuation_answered: Option<String>,
    /// The program the pair belongs to: its calendar sets the terms. Required,
    /// so that a line written before it was kept is read from the document.
    #[serde(deserialize_with = "Option::deserialize")]
    program: Option<crate::program::introduction::ProgramTie>,
}

impl Listed for Partnership {
    type Line = PartnershipLine;

    fn line(&self) -> PartnershipLine {
        PartnershipLine {
            mentor: self.mentor.clone(),
            mentee: self.mentee.clone(),
            mentor_id: self.mentor_id.clone(),
            mentee_id: self.mentee_id.clone(),
            topics: self.topics.clone(),
            start_date: self.start_date,
            duration: self.duration,
            cadence: self.cadence,
            status: self.status,
            // By the map's key, which the page counts by (an `id` field could repeat).
            meetings: self.meetings.iter().map(|(key, m)| (key.clone(), m.date)).collect(),
            continuation_answered: self.continuation_answered.clone(),
            program: self.program.clone(),
        }
    }

    fn from_line(line: PartnershipLine) -> Partnership {
        Partnership {
            kind: Self::KIND.as_str().to_owned(),
            schema: Self::SCHEMA,
            mentor: line.mentor,
            mentee: line.mentee,
            mentor_id: line.mentor_id,
            mentee_id: line.mentee_id,
            topics: line.topics,
            start_date: line.start_date,
            duration: line.duration,
            cadence: line.cadence,
            agreement: Agreement::default(),
            meetings: line.meetings.into_iter().map(|(id, date)| (id.clone(), Meeting { date, ..Meeting::new(&id, "") })).collect::<BTreeMap<_, _>>(),
            status: line.status,
            handover_note: Text::with_value(""),
            goal_plan_invite: None,
            continuation_answered: line.continuation_answered,
            program: line.program,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attention::for_partnership;
    use crate::calendar_day::parse_day;
    use crate::document::DocumentId;
    use crate::partnership::{AcademicCalendar, Side};

    #[test]
    fn home_says_the_same_from_the_line_as_from_the_whole_partnership() {
        let mut p = Partnership::new("Ana", "Sam", "2026-01-10", AgreedDuration::Semesters { count: 1, renewable: true });
        p.mentor_id = Some("ana".into());
        for (id, date) in [("m1", "2026-01-10"), ("m2", "2026-02-01"), ("m3", "2026-06-01")] {
            let mut m = Meeting::new(id, date);
            m.agenda.update("Private agenda");
            p.meetings.insert(id.into(), m);
        }
        p.handover_note.update("A long note");
        let id = DocumentId::from_random([3; 16]);
        let line = serde_json::to_value(p.line()).unwrap();
        let from_line = Partnership::from_index(&line).expect("the line reads");
        assert!(!line.to_string().contains("Private agenda") && !line.to_string().contains("A long note"), "texts stay out: {line}");
        for today in ["2026-01-05", "2026-02-20", "2026-05-01", "2026-05-20"] {
            let today = parse_day(today).unwrap();
            for side in [Side::Mentor, Side::Mentee] {
                assert_eq!(
                    for_partnership(id, &from_line, side, &AcademicCalendar::default(), today),
                    for_partnership(id, &p, side, &AcademicCalendar::default(), today),
                    "{today} {side:?}"
                );
            }
        }
        assert_eq!(from_line.pair_title(), p.pair_title());
        assert!(Partnership::from_index(&serde_json::json!({"mentor": 1})).is_none(), "a line that does not read is refused");
        // A line written before lines kept the program is read from the document instead.
        let mut old = line.clone();
        old.as_object_mut().unwrap().remove("program");
        assert!(Partnership::from_index(&old).is_none(), "a line without the program is not taken as no program");
    }
}
