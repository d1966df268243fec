//! The coordinator's edit of a program's settings, as typed in the form:
//! read from the program, checked, and applied in one place, so the page
//! only collects text and shows the problems this returns.

use autosurgeon::Text;

use super::template::{Roles, SemesterDates};
use super::{Program, Resource};
use crate::calendar_day::{day_text, parse_day};
use crate::partnership::{AgreedDuration, MeetingCadence};

/// Lines kept of a list field (topics, expectations, resources).
const MAX_LINES: usize = 24;
/// Characters kept of one line.
const MAX_LINE: usize = 200;

/// Every setting as the form holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SettingsEdit {
    pub name: String,
    pub purpose: String,
    pub contact: String,
    /// One per line.
    pub topics: String,
    pub expectations: String,
    /// `YYYY-MM-DD`, or empty: always open.
    pub intake_deadline: String,
    pub mentor_role: String,
    pub mentee_role: String,
    pub coordinator_role: String,
    /// Everyone is a peer (no mentor and mentee roles).
    pub peers: bool,
    pub different_department: bool,
    pub supervisor_informed_required: bool,
    pub mentor_min_service_days: String,
    pub default_capacity: String,
    /// The agreement runs for semesters (else months).
    pub in_semesters: bool,
    pub duration_count: String,
    pub renewable: bool,
    pub first_month_meetings: String,
    pub meet_every_days: String,
    pub check_in_every_days: String,
    pub stalled_after_days: String,
    /// `MM-DD` each.
    pub spring_starts: String,
    pub spring_ends: String,
    pub fall_starts: String,
    pub fall_ends: String,
    /// One per line: kind of help | name | how to reach them | when to refer.
    pub resources: String,
}

impl SettingsEdit {
    pub fn of(program: &Program) -> Self {
        let s = &program.settings;
        let (in_semesters, count, renewable) = match s.duration {
            AgreedDuration::Months(m) => (false, m, false),
            AgreedDuration::Semesters { count, renewable } => (true, count, renewable),
        };
        SettingsEdit {
            name: program.name.clone(),
            purpose: s.purpose.clone(),
            contact: s.contact.clone(),
            topics: s.topics.join("\n"),
            expectations: s.expectations.join("\n"),
            intake_deadline: s.intake_deadline.clone().unwrap_or_default(),
            mentor_role: s.mentor_role.clone(),
            mentee_role: s.mentee_role.clone(),
            coordinator_role: s.coordinator_role.clone(),
            peers: s.roles == Roles::Peers,
            different_department: s.different_department,
            supervisor_informed_required: s.supervisor_informed_required,
            mentor_min_service_days: s.mentor_min_service_days.to_string(),
            default_capacity: s.default_capacity.to_string(),
            in_semesters,
            duration_count: count.to_string(),
            renewable,
            first_month_meetings: s.cadence.first_month.to_string(),
            meet_every_days: s.cadence.every_days.to_string(),
            check_in_every_days: s.check_in_every_days.to_string(),
            stalled_after_days: s.stalled_after_days.to_string(),
            spring_starts: s.semesters.spring_starts.clone(),
            spring_ends: s.semesters.spring_ends.clone(),
            fall_starts: s.semesters.fall_starts.clone(),
            fall_ends: s.semesters.fall_ends.clone(),
            resources: program
                .resources
                .iter()
                .map(|r| [r.category.as_str(), r.name.as_str(), r.contact.as_str(), r.notes.as_str()].join(" | ").trim_end_matches(" | ").to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// What to save when this form was opened on `opened` and the program
    /// now reads `now` (a co-coordinator saved meanwhile): the fields this
    /// form changed, over everything else as it is now.
    pub fn over(&self, opened: &SettingsEdit, now: &SettingsEdit) -> SettingsEdit {
        let mut out = now.clone();
        macro_rules! changed {
            ($($field:ident),*) => { $( if self.$field != opened.$field { out.$field = self.$field.clone(); } )* };
        }
        changed!(
            name, purpose, contact, topics, expectations, intake_deadline, mentor_role, mentee_role, coordinator_role, peers,
            different_department, supervisor_informed_required, mentor_min_service_days, default_capacity, in_semesters,
            duration_count, renewable, first_month_meetings, meet_every_days, check_in_every_days, stalled_after_days,
            spring_starts, spring_ends, fall_starts, fall_ends, resources
        );
        out
    }

    /// Check the edit and, if it holds, write it into `program`. Each
    /// problem is a sentence for the coordinator; nothing is written then.
    /// `new_id` names resources not in the program before.
    pub fn apply(&self, program: &mut Program, mut new_id: impl FnMut() -> String) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let mut number = |text: &str, what: &str, range: std::ops::RangeInclusive<u32>| -> u32 {
            match text.trim().parse::<u32>() {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    problems.push(format!("{what} must be a whole number from {} to {}.", range.start(), range.end()));
                    *range.start()
                }
            }
        };
        let service = number(&self.mentor_min_service_days, "Days of service before mentoring", 0..=3_650);
        let capacity = number(&self.default_capacity, "Places a mentor offers", 1..=super::matching::MAX_CAPACITY);
        let count = if self.in_semesters {
            number(&self.duration_count, "The number of semesters", 1..=12)
        } else {
            number(&self.duration_count, "The number of months", 1..=60)
        };
        let first_month = number(&self.first_month_meetings, "Meetings in the first month", 0..=31);
        let every = number(&self.meet_every_days, "Days between meetings", 1..=365);
        let check_in = number(&self.check_in_every_days, "Days between check-ins", 7..=365);
        let stalled = number(&self.stalled_after_days, "Days without a meeting before a match counts as stalled", 7..=365);
        let deadline = match self.intake_deadline.trim() {
            "" => None,
            text => match parse_day(text) {
                Some(day) => Some(day_text(day)),
                None => {
                    problems.push("The intake deadline must be a day (YYYY-MM-DD), or empty to keep intake open.".into());
                    None
                }
            },
        };
        let semesters = SemesterDates {
            spring_starts: self.spring_starts.trim().to_string(),
            spring_ends: self.spring_ends.trim().to_string(),
            fall_starts: self.fall_starts.trim().to_string(),
            fall_ends: self.fall_ends.trim().to_string(),
        };
        // Each bound must read as a day of every year, or the date rules
        // would quietly use the defaults instead of what was typed; and the
        // year's two semesters must follow each other.
        let bounds: Vec<Option<(u32, u32)>> = [(&semesters.spring_starts, "spring starts"), (&semesters.spring_ends, "spring ends"), (&semesters.fall_starts, "fall starts"), (&semesters.fall_ends, "fall ends")]
            .into_iter()
            .map(|(text, what)| {
                let day = month_day(text);
                if day.is_none() {
                    problems.push(format!("The day {what} must be a month and day (MM-DD), like 01-10."));
                }
                day
            })
            .collect();
        if let [Some(a), Some(b), Some(c), Some(d)] = bounds[..] {
            if !(a < b && b < c && c < d) {
                problems.push("The semesters must run in order within the year: spring starts, spring ends, fall starts, fall ends.".into());
            }
        }
        let name = short(&self.name, 120);
        if name.is_empty() {
            problems.push("The program needs a name.".into());
        }
        let roles = [(&self.mentor_role, "mentors"), (&self.mentee_role, "mentees"), (&self.coordinator_role, "coordinators")];
        for (text, who) in roles {
            if short(text, 60).is_empty() {
                problems.push(format!("Say what the program calls its {who}."));
            }
        }
        let resources = self.resources(program, &mut problems, &mut new_id);
        if !problems.is_empty() {
            return Err(problems);
        }
        let s = &mut program.settings;
        program.name = name;
        s.purpose = short(&self.purpose, 2_000);
        s.contact = short(&self.contact, MAX_LINE);
        s.topics = lines(&self.topics);
        s.expectations = lines(&self.expectations);
        s.intake_deadline = deadline;
        s.mentor_role = short(&self.mentor_role, 60);
        s.mentee_role = short(&self.mentee_role, 60);
        s.coordinator_role = short(&self.coordinator_role, 60);
        s.roles = if self.peers { Roles::Peers } else { Roles::MentorMentee };
        s.different_department = self.different_department;
        s.supervisor_informed_required = self.supervisor_informed_required;
        s.mentor_min_service_days = service;
        s.default_capacity = capacity;
        s.duration = if self.in_semesters { AgreedDuration::Semesters { count, renewable: self.renewable } } else { AgreedDuration::Months(count) };
        s.cadence = MeetingCadence { first_month, every_days: every };
        s.check_in_every_days = check_in;
        s.stalled_after_days = stalled;
        s.semesters = semesters;
        program.resources = resources;
        Ok(())
    }

    /// The resource lines as resources: an existing one (same kind and
    /// name) keeps its id, so a co-coordinator's edit merges with it.
    fn resources(&self, program: &Program, problems: &mut Vec<String>, new_id: &mut impl FnMut() -> String) -> Vec<Resource> {
        let mut out = Vec::new();
        for line in self.resources.lines().map(str::trim).filter(|l| !l.is_empty()).take(MAX_LINES) {
            let parts: Vec<String> = line.split('|').map(|p| short(p, MAX_LINE)).collect();
            let [category, name, rest @ ..] = parts.as_slice() else {
                problems.push(format!("“{}”: write the kind of help and a name, separated by |.", short(line, 40)));
                continue;
            };
            if category.is_empty() || name.is_empty() {
                problems.push(format!("“{}”: write the kind of help and a name, separated by |.", short(line, 40)));
                continue;
            }
            if out.iter().any(|r: &Resource| &r.category == category && &r.name == name) {
                problems.push(format!("“{name}” is listed twice under {category}; keep one line for it."));
                continue;
            }
            let contact = rest.first().cloned().unwrap_or_default();
            let when = rest.get(1..).map(|r| r.join(" | ")).unwrap_or_default();
            let id = program.resources.iter().find(|r| &r.category == category && &r.name == name).map(|r| r.id.clone()).unwrap_or_else(&mut *new_id);
            out.push(Resource { id, name: name.clone(), category: category.clone(), contact, notes: Text::with_value(when) });
        }
        out
    }
}

fn short(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect::<String>().trim().to_string()
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| short(l, MAX_LINE)).filter(|l| !l.is_empty()).take(MAX_LINES).collect()
}

/// A month and day that exists in every year (so not 29 February).
fn month_day(text: &str) -> Option<(u32, u32)> {
    let (m, d) = text.split_once('-')?;
    let (m, d) = (m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
    chrono::NaiveDate::from_ymd_opt(2027, m, d).map(|_| (m, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::ProgramTemplate;

    fn program() -> Program {
        Program::new("Libraries mentoring", ProgramTemplate::LibrariesMentoring, parse_day("2026-12-01").unwrap())
    }

    #[test]
    fn an_unchanged_form_changes_nothing_in_any_template() {
        for template in ProgramTemplate::ALL {
            let mut p = Program::new(template.name(), template, parse_day("2026-12-01").unwrap());
            let before = p.clone();
            SettingsEdit::of(&p).apply(&mut p, || unreachable!()).unwrap();
            assert_eq!(p, before, "{template:?}");
        }
    }

    #[test]
    fn every_setting_is_editable_and_reads_back() {
        let mut p = program();
        let mut edit = SettingsEdit::of(&p);
        edit.mentor_role = "Peer mentor".into();
        edit.mentee_role = "Student".into();
        edit.coordinator_role = "Departmental coordinator".into();
        edit.peers = true;
        edit.in_semesters = true;
        edit.duration_count = "2".into();
        edit.renewable = true;
        edit.first_month_meetings = "1".into();
        edit.meet_every_days = "14".into();
        edit.check_in_every_days = "120".into();
        edit.stalled_after_days = "45".into();
        edit.fall_starts = "09-01".into();
        edit.default_capacity = "4".into();
        edit.supervisor_informed_required = true;
        edit.resources = "Counselling | Student counselling | 617-555-0199 | Stress, low mood\nOmbuds | University ombuds".into();
        let mut ids = ["r1", "r2"].into_iter().map(String::from);
        edit.apply(&mut p, || ids.next().unwrap()).unwrap();
        let s = &p.settings;
        assert_eq!((s.mentor_role.as_str(), s.mentee_role.as_str(), s.coordinator_role.as_str()), ("Peer mentor", "Student", "Departmental coordinator"));
        assert_eq!(s.roles, Roles::Peers);
        assert_eq!(s.duration, AgreedDuration::Semesters { count: 2, renewable: true });
        assert_eq!(s.cadence, MeetingCadence { first_month: 1, every_days: 14 });
        assert_eq!((s.check_in_every_days, s.stalled_after_days, s.default_capacity), (120, 45, 4));
        assert_eq!(s.semesters.calendar().fall.0, (9, 1));
        assert!(s.supervisor_informed_required);
        assert_eq!(p.resources.len(), 2);
        assert_eq!((p.resources[0].id.as_str(), p.resources[0].contact.as_str(), p.resources[0].notes.as_str()), ("r1", "617-555-0199", "Stress, low mood"));
        assert_eq!((p.resources[1].category.as_str(), p.resources[1].contact.as_str()), ("Ombuds", ""));
        // Read back, the form shows what was saved; saved again, the
        // resources keep their ids.
        let again = SettingsEdit::of(&p);
        assert_eq!(again.resources, "Counselling | Student counselling | 617-555-0199 | Stress, low mood\nOmbuds | University ombuds");
        let before = p.clone();
        again.apply(&mut p, || unreachable!()).unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn a_save_keeps_what_another_coordinator_saved_meanwhile() {
        let mut p = program();
        let opened = SettingsEdit::of(&p);
        // A co-coordinator changes the contact and adds a resource.
        let mut theirs = opened.clone();
        theirs.contact = "Dean Rivera".into();
        theirs.resources = "Ombuds | University ombuds".into();
        theirs.apply(&mut p, || "r1".into()).unwrap();
        // This form changed only the purpose.
        let mut mine = opened.clone();
        mine.purpose = "Growing together.".into();
        mine.over(&opened, &SettingsEdit::of(&p)).apply(&mut p, || unreachable!()).unwrap();
        assert_eq!(p.settings.purpose, "Growing together.");
        assert_eq!(p.settings.contact, "Dean Rivera");
        assert_eq!(p.resources.len(), 1);
    }

    #[test]
    fn problems_are_said_and_nothing_is_written() {
        let mut p = program();
        let before = p.clone();
        let mut edit = SettingsEdit::of(&p);
        edit.name = "  ".into();
        edit.duration_count = "0".into();
        edit.stalled_after_days = "soon".into();
        edit.spring_ends = "02-30".into();
        edit.intake_deadline = "next week".into();
        edit.default_capacity = "9".into();
        edit.resources = "Counselling".into();
        let problems = edit.apply(&mut p, || "r".into()).unwrap_err();
        assert_eq!(problems.len(), 7, "{problems:#?}");
        assert!(problems.contains(&"The number of months must be a whole number from 1 to 60.".to_string()));
        assert!(problems.contains(&"The day spring ends must be a month and day (MM-DD), like 01-10.".to_string()));
        assert_eq!(p, before);

        // 29 February is not in every year; semesters out of order; a
        // resource twice.
        let mut edit = SettingsEdit::of(&p);
        edit.spring_ends = "02-29".into();
        assert_eq!(edit.apply(&mut p, || "r".into()).unwrap_err().len(), 1);
        let mut edit = SettingsEdit::of(&p);
        edit.fall_starts = "05-01".into();
        assert_eq!(edit.apply(&mut p, || "r".into()).unwrap_err(), vec!["The semesters must run in order within the year: spring starts, spring ends, fall starts, fall ends.".to_string()]);
        let mut edit = SettingsEdit::of(&p);
        edit.resources = "Ombuds | University ombuds\nOmbuds | University ombuds | 555".into();
        assert_eq!(edit.apply(&mut p, || "r".into()).unwrap_err().len(), 1);
        assert_eq!(p, before);
    }
}
