//! The intake forms: "request a mentor" and "volunteer to mentor", what
//! they hold, the bounds a form from the network must keep, and the
//! program's eligibility rules with a reason a person can act on.
//!
//! Both ends check: the participant's form before it is sent, the
//! coordinator's device on arrival (a form is hostile until checked), so
//! nobody joins the roster on a form the program would refuse.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::template::ProgramSettings;
use crate::calendar_day::{add_days, day_label};

/// Topics a form may choose; the Libraries program offers six.
pub const MAX_TOPICS: usize = 8;
/// People a form may ask not to be matched with.
pub const MAX_AVOID: usize = 10;
const MAX_SHORT: usize = 120;
/// A note's bound: it travels in the partner's introduction too, and a
/// letter holds 8 KB.
const MAX_NOTE: usize = 1_000;

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntakeRole {
    /// "Request a mentor" (a mentee, an advisee, a first-year student).
    RequestMentor,
    /// "Volunteer to serve as a mentor".
    VolunteerToMentor,
}

/// How far along someone is, as the matching compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CareerStage {
    /// New to the institution (or a first-year student).
    New,
    /// A few years in (second-year and beyond).
    Early,
    Mid,
    Senior,
}

impl CareerStage {
    pub const ALL: [CareerStage; 4] = [CareerStage::New, CareerStage::Early, CareerStage::Mid, CareerStage::Senior];

    pub fn label(self) -> &'static str {
        match self {
            CareerStage::New => "New here",
            CareerStage::Early => "A few years in",
            CareerStage::Mid => "Mid-career",
            CareerStage::Senior => "Senior",
        }
    }
}

/// How someone prefers to meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MeetingMode {
    InPerson,
    Online,
    Either,
}

impl MeetingMode {
    /// The way two people can both meet, if there is one.
    pub fn agrees(self, other: MeetingMode) -> Option<MeetingMode> {
        match (self, other) {
            (MeetingMode::Either, m) | (m, MeetingMode::Either) => Some(m),
            (a, b) if a == b => Some(a),
            _ => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            MeetingMode::InPerson => "in person",
            MeetingMode::Online => "online",
            MeetingMode::Either => "in person or online",
        }
    }
}

/// When in a work week someone is free: five weekdays by morning, midday
/// and afternoon, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct Availability(u16);

impl Availability {
    pub const DAYS: [&'static str; 5] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    pub const PARTS: [&'static str; 3] = ["morning", "midday", "afternoon"];
    pub const SLOTS: u8 = 15;

    /// Slot `day * 3 + part`; numbers past the week are ignored.
    pub fn from_slots(slots: &[u8]) -> Self {
        Availability(slots.iter().filter(|&&s| s < Self::SLOTS).fold(0, |bits, &s| bits | (1 << s)))
    }

    pub fn bits(self) -> u16 {
        self.0
    }

    /// From stored bits; bits past the week are dropped.
    pub fn from_bits(bits: u16) -> Self {
        Availability(bits & ((1 << Self::SLOTS) - 1))
    }

    pub fn has(self, slot: u8) -> bool {
        slot < Self::SLOTS && self.0 & (1 << slot) != 0
    }

    pub fn with(self, slot: u8, free: bool) -> Self {
        if slot >= Self::SLOTS {
            self
        } else if free {
            Availability(self.0 | (1 << slot))
        } else {
            Availability(self.0 & !(1 << slot))
        }
    }

    /// Slots both are free.
    pub fn common(self, other: Availability) -> u32 {
        (self.0 & other.0).count_ones()
    }

    /// "Monday morning" for slot 0.
    pub fn slot_label(slot: u8) -> String {
        let day = Self::DAYS.get(usize::from(slot / 3)).copied().unwrap_or("");
        let part = Self::PARTS.get(usize::from(slot % 3)).copied().unwrap_or("");
        format!("{day} {part}")
    }
}

/// One intake form as the participant filled it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeForm {
    pub role: IntakeRole,
    pub name: String,
    /// How to reach them (an e-mail address or a phone number).
    pub contact: String,
    pub department: String,
    /// The day they started at the institution (or in their programme).
    pub started_on: NaiveDate,
    pub topics: BTreeSet<String>,
    pub career_stage: CareerStage,
    pub availability: Availability,
    pub meeting_mode: MeetingMode,
    /// Mentees a volunteer takes at once; 0 on a request.
    pub capacity: u32,
    /// Names or addresses of people they should not be matched with.
    pub avoid: Vec<String>,
    /// Anything else: preferences, how they like to be reached, boundaries
    /// ("no calls after 8 pm").
    pub note: String,
    pub supervisor_informed: bool,
    pub expectations_read: bool,
}

/// A form that does not keep the bounds; a crafted one from the network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadForm {
    #[error("the form has no name")]
    NoName,
    #[error("the form has no way to reach the person")]
    NoContact,
    #[error("a field of the form is longer than the form allows")]
    TooLong,
    #[error("the form chooses more topics than there are")]
    TooManyTopics,
    #[error("the form lists more people to avoid than the form allows")]
    TooManyAvoided,
    #[error("the form offers more places than a mentor can take")]
    TooManyPlaces,
}

impl IntakeForm {
    /// A filled form that every template takes (started in 2020, both
    /// boxes ticked, Monday and Tuesday mornings, no topic): the start of
    /// tests, benchmarks and examples, which change what they need.
    pub fn example(role: IntakeRole, name: &str, department: &str) -> IntakeForm {
        let volunteer = role == IntakeRole::VolunteerToMentor;
        IntakeForm {
            role,
            name: name.to_string(),
            contact: format!("{}@example.edu", name.split_whitespace().next().unwrap_or("someone").to_lowercase()),
            department: department.to_string(),
            started_on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default(),
            topics: BTreeSet::new(),
            career_stage: if volunteer { CareerStage::Senior } else { CareerStage::New },
            availability: Availability::from_slots(&[0, 3]),
            meeting_mode: MeetingMode::Either,
            capacity: if volunteer { 2 } else { 0 },
            avoid: Vec::new(),
            note: String::new(),
            supervisor_informed: true,
            expectations_read: true,
        }
    }

    /// The bounds every form keeps, whoever sent it.
    pub fn check_shape(&self) -> Result<(), BadForm> {
        if self.name.trim().is_empty() {
            return Err(BadForm::NoName);
        }
        if self.contact.trim().is_empty() {
            return Err(BadForm::NoContact);
        }
        let short = [&self.name, &self.contact, &self.department];
        if short.iter().any(|f| f.chars().count() > MAX_SHORT)
            || self.note.chars().count() > MAX_NOTE
            || self.topics.iter().chain(&self.avoid).any(|f| f.chars().count() > MAX_SHORT)
        {
            return Err(BadForm::TooLong);
        }
        if self.topics.len() > MAX_TOPICS {
            return Err(BadForm::TooManyTopics);
        }
        if self.avoid.len() > MAX_AVOID {
            return Err(BadForm::TooManyAvoided);
        }
        if self.capacity > super::matching::MAX_CAPACITY {
            return Err(BadForm::TooManyPlaces);
        }
        Ok(())
    }
}

/// Why a program cannot take a form (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotEligible {
    /// Mentors serve after a length of service; the day they can.
    ServiceTooShort { eligible_on: NaiveDate },
    /// The intake closed on this day.
    PastDeadline { deadline: NaiveDate },
    /// The program asks people to tell their supervisor first.
    SupervisorNotInformed,
    ExpectationsNotRead,
    /// No topic the program offers was chosen.
    NoTopic,
    /// A topic the program does not offer.
    TopicNotOffered(String),
    /// A volunteer offered no place.
    NoPlaces,
    /// The start date is after the form was sent.
    StartsLater,
    /// A start date no document can keep (past year 9999, before year 0).
    StartUnreadable,
}

impl NotEligible {
    /// One sentence saying why and what to do.
    pub fn describe(&self) -> String {
        match self {
            NotEligible::ServiceTooShort { eligible_on } => {
                format!("Mentors in this program have served for a while first; you can volunteer from {}.", day_label(*eligible_on))
            }
            NotEligible::PastDeadline { deadline } => {
                format!("This program's intake closed on {}; ask its coordinator about the next round.", day_label(*deadline))
            }
            NotEligible::SupervisorNotInformed => "Please tell your supervisor you mean to take part, then tick the box.".to_string(),
            NotEligible::ExpectationsNotRead => "Please read the program's expectations, then tick the box.".to_string(),
            NotEligible::NoTopic => "Choose at least one topic.".to_string(),
            NotEligible::TopicNotOffered(topic) => format!("This program does not offer \"{topic}\"; choose from its topics."),
            NotEligible::NoPlaces => "Say how many people you can mentor at once (at least one).".to_string(),
            NotEligible::StartsLater => "Your start date is after today; check it.".to_string(),
            NotEligible::StartUnreadable => "Your start date is not a day this program can keep; check it.".to_string(),
        }
    }
}

/// The program's rules for a form sent (or received) on `today`: every
/// reason it cannot be taken, or none.
pub fn eligibility(form: &IntakeForm, settings: &ProgramSettings, today: NaiveDate) -> Vec<NotEligible> {
    let mut why = Vec::new();
    if let Some(deadline) = settings.intake_deadline() {
        if today > deadline {
            why.push(NotEligible::PastDeadline { deadline });
        }
    }
    if form.started_on > today {
        why.push(NotEligible::StartsLater);
    }
    if !crate::calendar_day::is_storable(form.started_on) {
        why.push(NotEligible::StartUnreadable);
    }
    if form.role == IntakeRole::VolunteerToMentor {
        let eligible_on = add_days(form.started_on, u64::from(settings.mentor_min_service_days));
        if eligible_on > today && form.started_on <= today {
            why.push(NotEligible::ServiceTooShort { eligible_on });
        }
        if form.capacity == 0 {
            why.push(NotEligible::NoPlaces);
        }
    }
    if form.topics.is_empty() && !settings.topics.is_empty() {
        why.push(NotEligible::NoTopic);
    }
    for topic in &form.topics {
        if !settings.topics.iter().any(|t| t == topic) {
            why.push(NotEligible::TopicNotOffered(topic.clone()));
        }
    }
    if settings.supervisor_informed_required && !form.supervisor_informed {
        why.push(NotEligible::SupervisorNotInformed);
    }
    if !form.expectations_read {
        why.push(NotEligible::ExpectationsNotRead);
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;
    use crate::program::ProgramTemplate;

    fn day(text: &str) -> NaiveDate {
        parse_day(text).unwrap()
    }

    fn volunteer(started: &str) -> IntakeForm {
        IntakeForm {
            started_on: day(started),
            topics: BTreeSet::from(["Career planning".to_string()]),
            availability: Availability::from_slots(&[0, 4]),
            ..IntakeForm::example(IntakeRole::VolunteerToMentor, "Nina", "Libraries")
        }
    }

    #[test]
    fn a_libraries_mentor_serves_after_a_year_and_is_told_the_day() {
        let settings = ProgramSettings::from_template(ProgramTemplate::LibrariesMentoring, day("2026-06-01"));
        assert_eq!(settings.intake_deadline(), Some(day("2026-08-28")));
        let today = day("2026-08-01");
        assert_eq!(eligibility(&volunteer("2025-07-31"), &settings, today), vec![]);
        let why = eligibility(&volunteer("2025-09-01"), &settings, today);
        assert_eq!(why, vec![NotEligible::ServiceTooShort { eligible_on: day("2026-09-01") }]);
        assert_eq!(why[0].describe(), "Mentors in this program have served for a while first; you can volunteer from Tue 1 Sep 2026.");
        // A new hire may still request a mentor.
        let mut request = volunteer("2026-07-01");
        request.role = IntakeRole::RequestMentor;
        request.capacity = 0;
        assert_eq!(eligibility(&request, &settings, today), vec![]);
        // A start no document could keep (a crafted form) is refused.
        let long_ago = IntakeForm { started_on: NaiveDate::MIN, ..request.clone() };
        assert_eq!(eligibility(&long_ago, &settings, today), vec![NotEligible::StartUnreadable]);
        // After the deadline, and without the supervisor told.
        request.supervisor_informed = false;
        request.topics.insert("Astrology".into());
        assert_eq!(
            eligibility(&request, &settings, day("2026-08-29")),
            vec![
                NotEligible::PastDeadline { deadline: day("2026-08-28") },
                NotEligible::TopicNotOffered("Astrology".into()),
                NotEligible::SupervisorNotInformed
            ]
        );
    }

    #[test]
    fn a_crafted_form_out_of_bounds_is_refused() {
        let mut form = volunteer("2020-01-01");
        assert_eq!(form.check_shape(), Ok(()));
        form.note = "x".repeat(MAX_NOTE + 1);
        assert_eq!(form.check_shape(), Err(BadForm::TooLong));
        form.note.clear();
        form.avoid = vec!["a".into(); MAX_AVOID + 1];
        assert_eq!(form.check_shape(), Err(BadForm::TooManyAvoided));
        form.avoid.clear();
        form.capacity = 1_000;
        assert_eq!(form.check_shape(), Err(BadForm::TooManyPlaces));
        form.capacity = 1;
        form.name = "  ".into();
        assert_eq!(form.check_shape(), Err(BadForm::NoName));
    }

    #[test]
    fn availability_counts_common_times_and_ignores_slots_past_the_week() {
        let a = Availability::from_slots(&[0, 1, 14, 15, 200]);
        assert_eq!(a, Availability::from_slots(&[0, 1, 14]));
        assert_eq!(a.common(Availability::from_slots(&[1, 14])), 2);
        assert_eq!(Availability::from_bits(u16::MAX).common(Availability::from_bits(u16::MAX)), 15);
        assert_eq!(Availability::slot_label(4), "Tuesday midday");
        assert_eq!(MeetingMode::Either.agrees(MeetingMode::Online), Some(MeetingMode::Online));
        assert_eq!(MeetingMode::InPerson.agrees(MeetingMode::Online), None);
    }
}
