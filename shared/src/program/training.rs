//! A program's training (issue 15, seeds 003/004: "coordinators and peer
//! mentors must attend an annual training"): training events with their
//! day, place and whom they are for, attendance ticked on the day, and who
//! still needs training before they can be matched as a mentor. Also the
//! checklist a coordinator goes through with their successor.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;

use super::{MemberRole, MemberState, Program};

/// How long one training counts when the program requires it: a year.
pub const TRAINING_COUNTS_DAYS: i64 = 365;
/// Training events a program keeps.
pub const MAX_TRAININGS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct TrainingEvent {
    #[key]
    pub id: String,
    pub title: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub day: Option<NaiveDate>,
    pub place: String,
    /// Required of mentors before they are matched (when the program
    /// requires training); otherwise open to anyone.
    pub for_mentors: bool,
    /// Members who attended (roster ids).
    pub attended: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrainingRefused {
    #[error("Give the training a title of at most 120 characters.")]
    Title,
    #[error("The place is at most 200 characters.")]
    Place,
    #[error("The program keeps no more training events; remove an old one first.")]
    TooMany,
    #[error("Attendance is taken from the day of the training on.")]
    NotYet,
    #[error("There is no such training or member.")]
    NotFound,
}

/// What a coordinator goes through with their successor.
pub const HANDOVER: [(&str, &str); 6] = [
    ("invite", "Invite your successor as a co-coordinator (below)."),
    ("intake", "Your successor takes the intake forms over on their own device."),
    ("training", "Your successor attends the training before the first-year students arrive."),
    ("roster", "Go through the roster, the waiting members and the running matches together."),
    ("budget", "Hand over the budget and every open reimbursement request."),
    ("contacts", "Tell the department and the members who runs the program now."),
];

impl Program {
    pub fn add_training(&mut self, id: &str, title: &str, day: NaiveDate, place: &str, for_mentors: bool) -> Result<(), TrainingRefused> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 120 {
            return Err(TrainingRefused::Title);
        }
        if place.chars().count() > 200 {
            return Err(TrainingRefused::Place);
        }
        if self.trainings.len() >= MAX_TRAININGS {
            return Err(TrainingRefused::TooMany);
        }
        self.trainings.insert(id.to_string(), TrainingEvent { id: id.to_string(), title: title.to_string(), day: Some(day), place: place.trim().to_string(), for_mentors, attended: Vec::new() });
        Ok(())
    }

    /// Tick (or untick) `member` as present at training `event`.
    pub fn mark_attended(&mut self, event: &str, member: &str, present: bool, today: NaiveDate) -> Result<(), TrainingRefused> {
        if !self.roster.contains_key(member) {
            return Err(TrainingRefused::NotFound);
        }
        let training = self.trainings.get_mut(event).ok_or(TrainingRefused::NotFound)?;
        if training.day.is_none_or(|day| day > today) {
            return Err(TrainingRefused::NotYet);
        }
        training.attended.retain(|m| m != member);
        if present {
            training.attended.push(member.to_string());
        }
        Ok(())
    }

    /// Whether `member` attended a mentors' training in the year up to `today`.
    pub fn trained(&self, member: &str, today: NaiveDate) -> bool {
        self.trainings.values().any(|t| {
            t.for_mentors
                && t.attended.iter().any(|m| m == member)
                && t.day.is_some_and(|day| day <= today && (today - day).num_days() < TRAINING_COUNTS_DAYS)
        })
    }

    /// Whether `member` may be matched as a mentor as far as training goes.
    pub fn training_allows(&self, member: &str, today: NaiveDate) -> bool {
        !self.mentor_training_required || self.trained(member, today)
    }

    /// The mentors on the roster who still need training before they can
    /// be matched (none when the program does not require it), by name.
    pub fn needs_training(&self, today: NaiveDate) -> Vec<(String, String)> {
        if !self.mentor_training_required {
            return Vec::new();
        }
        let mut list: Vec<(String, String)> = self
            .roster
            .values()
            .filter(|m| m.role == MemberRole::Mentor && m.state != MemberState::Left && !self.trained(&m.id, today))
            .map(|m| (m.id.clone(), m.name.clone()))
            .collect();
        crate::sort::by(&mut list, |a, b| a.1.cmp(&b.1));
        list
    }

    /// The hand-over checklist with what is ticked.
    pub fn handover(&self) -> Vec<(&'static str, &'static str, bool)> {
        HANDOVER.iter().map(|(id, text)| (*id, *text, self.handover_done.iter().any(|d| d == id))).collect()
    }

    pub fn tick_handover(&mut self, item: &str, done: bool) {
        if !HANDOVER.iter().any(|(id, _)| *id == item) {
            return;
        }
        self.handover_done.retain(|d| d != item);
        if done {
            self.handover_done.push(item.to_string());
        }
    }
}

/// Trainings by day, newest first.
pub fn by_day(trainings: &BTreeMap<String, TrainingEvent>) -> Vec<TrainingEvent> {
    let mut list: Vec<TrainingEvent> = trainings.values().cloned().collect();
    crate::sort::by(&mut list, |a, b| (&b.day, &b.id).cmp(&(&a.day, &a.id)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;
    use crate::program::{IntakeForm, IntakeRole, Member, ProgramTemplate};

    fn day(text: &str) -> NaiveDate {
        parse_day(text).expect("a day")
    }

    fn program() -> Program {
        let today = day("2026-08-01");
        let mut p = Program::new("Graduate peer mentoring", ProgramTemplate::GraduateHandbook, today);
        for (id, role, department) in [("mo", IntakeRole::VolunteerToMentor, "History"), ("ni", IntakeRole::VolunteerToMentor, "Physics"), ("bo", IntakeRole::RequestMentor, "Biology")] {
            let form = IntakeForm { topics: ["Job search".to_string()].into(), capacity: 1, started_on: day("2020-01-01"), ..IntakeForm::example(role, id, department) };
            p.roster.insert(id.into(), Member::from_form(id, &form, today));
        }
        p
    }

    #[test]
    fn a_mentor_without_this_years_training_is_not_matched() {
        let mut p = program();
        let today = day("2026-08-20");
        // Not required: both mentors may be matched.
        assert!(p.needs_training(today).is_empty());
        assert_eq!(p.draft(today).pairs.len(), 1);
        p.mentor_training_required = true;
        assert_eq!(p.needs_training(today).iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(), ["mo", "ni"]);
        assert!(p.draft(today).pairs.is_empty(), "nobody trained: no mentor");
        p.add_training("t1", "Peer mentor training", day("2026-08-15"), "Room 101", true).unwrap();
        assert_eq!(p.mark_attended("t1", "ni", true, day("2026-08-14")), Err(TrainingRefused::NotYet));
        p.mark_attended("t1", "ni", true, today).unwrap();
        assert_eq!(p.needs_training(today), vec![("mo".to_string(), "mo".to_string())]);
        let draft = p.draft(today);
        assert_eq!(draft.pairs.len(), 1);
        assert_eq!(draft.pairs[0].mentor.as_str(), "ni");
        // A year on, the training no longer counts.
        assert!(!p.trained("ni", day("2027-08-15")));
        assert!(p.trained("ni", day("2027-08-14")));
        // A training not for mentors does not count towards it.
        p.add_training("t2", "Welcome lunch", day("2026-08-16"), "", false).unwrap();
        p.mark_attended("t2", "mo", true, today).unwrap();
        assert!(!p.trained("mo", today));
        // Unticked: no longer trained.
        p.mark_attended("t1", "ni", false, today).unwrap();
        assert!(!p.trained("ni", today));
        assert_eq!(p.add_training("t3", " ", today, "", true), Err(TrainingRefused::Title));
        assert_eq!(p.mark_attended("t1", "stranger", true, today), Err(TrainingRefused::NotFound));
    }

    #[test]
    fn the_handover_checklist_keeps_only_its_own_items() {
        let mut p = program();
        p.tick_handover("intake", true);
        p.tick_handover("made-up", true);
        p.tick_handover("intake", true);
        assert_eq!(p.handover_done, vec!["intake".to_string()]);
        assert!(p.handover().iter().any(|(id, _, done)| *id == "intake" && *done));
        p.tick_handover("intake", false);
        assert!(p.handover_done.is_empty());
    }
}
