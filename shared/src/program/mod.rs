//! Program: what coordinators run: a template (one per seed program), the
//! roster, intake, matches, check-ins, budget and the referral resources.
//! Participants' intake and survey answers arrive sealed to the coordinator;
//! the program holds only what coordinators may see (never a pair's notes).

pub mod budget;
pub mod calendars;
pub mod dashboard;
pub mod group_report;
pub mod health;
pub mod intake;
pub mod introduction;
pub mod matching;
pub mod page;
pub mod report;
pub mod settings_edit;
pub mod survey;
pub mod template;
pub mod training;

use std::collections::{BTreeMap, BTreeSet};

use autosurgeon::{Hydrate, Reconcile, Text};
use chrono::NaiveDate;

use crate::document::{DocumentKind, Schema};
pub use health::{CheckIn, EndReason, Health};
pub use intake::{Availability, CareerStage, IntakeForm, IntakeRole, MeetingMode, NotEligible};
pub use matching::{Candidate, Draft, MatchingRules};
pub use template::{ProgramSettings, Roles};

/// A member of a program's roster; ids are made by the coordinator's device.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemberId(String);

impl MemberId {
    pub fn new(id: &str) -> Self {
        MemberId(id.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for MemberId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Program {
    pub kind: String,
    pub schema: u64,
    pub name: String,
    pub template: ProgramTemplate,
    pub settings: ProgramSettings,
    /// The local id of the program's public page on the coordinator's
    /// device (intake letters name the page; this finds the program).
    pub page: String,
    /// The page's sync id (the same on every coordinator's device), and a
    /// writer invite to it: a co-coordinator or successor follows the page
    /// from here, publishes to it, and can take the intake forms over.
    /// Absent on programs made before; the first coordinator's desk fills them.
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_empty")]
    pub page_sync: String,
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_empty")]
    pub page_invite: String,
    /// The page's link for members (a reader invite, as its owner made it).
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_empty")]
    pub page_link: String,
    pub coordinators: Vec<String>,
    /// Members by id.
    #[autosurgeon(hydrate = "crate::document::fields::map_by_key")]
    pub roster: BTreeMap<String, Member>,
    /// Matches by id.
    #[autosurgeon(hydrate = "crate::document::fields::map_by_key")]
    pub matches: BTreeMap<String, Match>,
    /// (mentor, mentee) pairs the coordinator fixed for the next draft.
    pub pinned: Vec<PairRule>,
    /// Pairs ruled out: by the coordinator, and every dissolved pair.
    pub forbidden: Vec<PairRule>,
    /// Budget in cents (e.g. the lunch fund), and what was spent.
    pub budget_cents: i64,
    pub expenses: Vec<Expense>,
    pub resources: Vec<Resource>,
    /// Forms that did not join the roster, newest last, with why.
    pub set_aside: Vec<SetAsideForm>,
    /// Surveys by id, with their answers (see `survey`).
    #[autosurgeon(hydrate = "crate::document::fields::map_by_key_or_empty")]
    pub surveys: BTreeMap<String, survey::ProgramSurvey>,
    /// The budget by category, its proposal and members' requests.
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_default")]
    pub budget: budget::Budget,
    /// Training events, whether mentors need this year's before they are
    /// matched, and the successor checklist's ticked items (see `training`).
    #[autosurgeon(hydrate = "crate::document::fields::map_by_key_or_empty")]
    pub trainings: BTreeMap<String, training::TrainingEvent>,
    /// Attendance counts reading groups and peer mentoring groups chose
    /// to share, by their report id (see `group_report`).
    #[autosurgeon(hydrate = "crate::document::fields::map_by_key_or_empty")]
    pub group_reports: BTreeMap<String, group_report::GroupReport>,
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_default")]
    pub mentor_training_required: bool,
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_default")]
    pub handover_done: Vec<String>,
}

/// Members (not counting those who left) a program holds. Anyone with the
/// page's link can send forms, and the draft's work grows with the cube of
/// the roster: past this, forms are set aside, so a flood cannot hang the
/// coordinator's device.
pub const MAX_ROSTER: usize = 1_000;

/// The most set-aside forms kept: a flood of crafted letters pushes out
/// the oldest, never a member.
pub const MAX_SET_ASIDE: usize = 100;

/// A form that did not join the roster, shown to the coordinator as such.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct SetAsideForm {
    /// The name the form gives (unverified if the letter was unsigned).
    pub name: String,
    pub why: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub received_on: Option<NaiveDate>,
}

/// The four programs Confidant is built to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub enum ProgramTemplate {
    /// Advisor/advisee across departments, semesters with renewal, lunch fund.
    PeerConnections,
    /// Request or volunteer, six topics, 6–12 months, pre- and post-survey.
    LibrariesMentoring,
    /// Speed peer-mentoring workshop.
    CareerSuccessWorkshop,
    /// Departmental peer mentors and coordinators, reading groups.
    GraduateHandbook,
}

impl ProgramTemplate {
    pub const ALL: [ProgramTemplate; 4] = [
        ProgramTemplate::PeerConnections,
        ProgramTemplate::LibrariesMentoring,
        ProgramTemplate::CareerSuccessWorkshop,
        ProgramTemplate::GraduateHandbook,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ProgramTemplate::PeerConnections => "Peer Connections",
            ProgramTemplate::LibrariesMentoring => "Libraries mentoring program",
            ProgramTemplate::CareerSuccessWorkshop => "Career success workshop",
            ProgramTemplate::GraduateHandbook => "Graduate peer mentoring",
        }
    }
}

/// Where a member is in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum MemberState {
    /// On the roster, waiting for the next matching round.
    Waiting,
    Matched,
    /// Left the program.
    Left,
}

/// A member as their intake form described them.
#[derive(Debug, Clone, PartialEq, Reconcile)]
pub struct Member {
    #[key]
    pub id: String,
    pub role: MemberRole,
    pub name: String,
    pub contact: String,
    pub department: String,
    /// The day they started (mentor eligibility counts from it).
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub started_on: Option<NaiveDate>,
    pub topics: Vec<String>,
    pub career_stage: MemberStage,
    /// [`Availability`]'s bits.
    pub availability: u32,
    pub meeting_mode: MemberMeetingMode,
    pub capacity: u32,
    /// Names or addresses they asked not to be matched with.
    pub avoid: Vec<String>,
    pub note: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub received_on: Option<NaiveDate>,
    pub state: MemberState,
    /// The inbox address the form came from (its signed sender): where
    /// the introduction and notices go.
    pub reply_to: String,
}

/// [`IntakeRole`] as the document stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum MemberRole {
    Mentee,
    Mentor,
}

/// [`CareerStage`] as the document stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum MemberStage {
    New,
    Early,
    Mid,
    Senior,
}

/// [`MeetingMode`] as the document stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum MemberMeetingMode {
    InPerson,
    Online,
    Either,
}

impl From<CareerStage> for MemberStage {
    fn from(stage: CareerStage) -> Self {
        match stage {
            CareerStage::New => MemberStage::New,
            CareerStage::Early => MemberStage::Early,
            CareerStage::Mid => MemberStage::Mid,
            CareerStage::Senior => MemberStage::Senior,
        }
    }
}

impl From<MemberStage> for CareerStage {
    fn from(stage: MemberStage) -> Self {
        match stage {
            MemberStage::New => CareerStage::New,
            MemberStage::Early => CareerStage::Early,
            MemberStage::Mid => CareerStage::Mid,
            MemberStage::Senior => CareerStage::Senior,
        }
    }
}

impl From<MeetingMode> for MemberMeetingMode {
    fn from(mode: MeetingMode) -> Self {
        match mode {
            MeetingMode::InPerson => MemberMeetingMode::InPerson,
            MeetingMode::Online => MemberMeetingMode::Online,
            MeetingMode::Either => MemberMeetingMode::Either,
        }
    }
}

impl From<MemberMeetingMode> for MeetingMode {
    fn from(mode: MemberMeetingMode) -> Self {
        match mode {
            MemberMeetingMode::InPerson => MeetingMode::InPerson,
            MemberMeetingMode::Online => MeetingMode::Online,
            MemberMeetingMode::Either => MeetingMode::Either,
        }
    }
}

impl Member {
    /// The roster's entry for a checked form received on `today`.
    pub fn from_form(id: &str, form: &IntakeForm, today: NaiveDate) -> Member {
        Member::from_letter(id, form, "", today)
    }

    /// The roster's entry for a form from the inbox `reply_to`.
    pub fn from_letter(id: &str, form: &IntakeForm, reply_to: &str, today: NaiveDate) -> Member {
        Member {
            id: id.to_string(),
            role: match form.role {
                IntakeRole::RequestMentor => MemberRole::Mentee,
                IntakeRole::VolunteerToMentor => MemberRole::Mentor,
            },
            name: form.name.trim().to_string(),
            contact: form.contact.trim().to_string(),
            department: form.department.trim().to_string(),
            started_on: Some(form.started_on),
            topics: form.topics.iter().cloned().collect(),
            career_stage: form.career_stage.into(),
            availability: u32::from(form.availability.bits()),
            meeting_mode: form.meeting_mode.into(),
            capacity: form.capacity,
            avoid: form.avoid.clone(),
            note: form.note.clone(),
            received_on: Some(today),
            state: MemberState::Waiting,
            reply_to: reply_to.to_string(),
        }
    }
}

/// Why an intake form did not join the roster; the coordinator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeRefused {
    /// The letter names no sender: anyone could have written it.
    Unsigned,
    BadForm(intake::BadForm),
    NotEligible(Vec<NotEligible>),
    /// The sender is matched already; a new form does not undo that.
    AlreadyMatched,
    /// The roster holds as many members as a program may.
    RosterFull,
}

impl IntakeRefused {
    pub fn describe(&self) -> String {
        match self {
            IntakeRefused::Unsigned => "The form was not signed by the sender's device, so who sent it cannot be known; it was set aside.".into(),
            IntakeRefused::BadForm(bad) => format!("The form was set aside: {bad}."),
            IntakeRefused::NotEligible(why) => why.iter().map(|w| w.describe()).collect::<Vec<_>>().join(" "),
            IntakeRefused::AlreadyMatched => "This person is matched already; their new form was set aside.".into(),
            IntakeRefused::RosterFull => format!("The roster is full ({MAX_ROSTER} members); the form was set aside. Mark members who left, or start another program."),
        }
    }
}

/// A (mentor, mentee) pair the coordinator pinned or ruled out.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PairRule {
    pub mentor: String,
    pub mentee: String,
}

/// How a match ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum MatchStatus {
    /// Published: the pair was introduced.
    Introduced,
    /// The agreed time ran its course.
    Completed,
    /// Dissolved before its time.
    EndedEarly,
}

#[derive(Debug, Clone, PartialEq, Reconcile)]
pub struct Match {
    #[key]
    pub id: String,
    pub mentor: String,
    pub mentee: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub matched_on: Option<NaiveDate>,
    /// Why they were matched, as the draft said it.
    pub reasons: Vec<String>,
    pub status: MatchStatus,
    #[autosurgeon(with = "crate::calendar_day::stored")]
    pub ended_on: Option<NaiveDate>,
    /// The latest counts the pair chose to share, as JSON of [`CheckIn`].
    pub check_in: Option<String>,
    /// The term end whose continuation notice went out.
    #[autosurgeon(with = "crate::calendar_day::stored")]
    pub notice_sent_for: Option<NaiveDate>,
    /// Each side's answer to the continuation notice.
    pub answers: Vec<TermAnswer>,
    /// Requests from the pair to end the match.
    pub end_requests: Vec<EndRequest>,
}

/// One side's answer to a continuation notice.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct TermAnswer {
    /// The member who answered.
    pub member: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub term_ends: Option<NaiveDate>,
    pub continues: bool,
}

/// One side asks the coordinator to end the match.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct EndRequest {
    pub member: String,
    pub reason: EndReason,
    /// Private to the coordinator.
    pub note: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub sent_on: Option<NaiveDate>,
}

// Members and matches repeat by the hundred: their fields are read in one
// pass (see `document::fields`).
impl Hydrate for Member {
    fn hydrate_map<D: autosurgeon::ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, autosurgeon::HydrateError> {
        let mut f = crate::document::fields::Fields::read(doc, obj);
        Ok(Member {
            id: f.take("id")?,
            role: f.take("role")?,
            name: f.take("name")?,
            contact: f.take("contact")?,
            department: f.take("department")?,
            started_on: f.take_day("started_on"),
            topics: f.take("topics")?,
            career_stage: f.take("career_stage")?,
            availability: f.take("availability")?,
            meeting_mode: f.take("meeting_mode")?,
            capacity: f.take("capacity")?,
            avoid: f.take("avoid")?,
            note: f.take("note")?,
            received_on: f.take_day("received_on"),
            state: f.take("state")?,
            reply_to: f.take("reply_to")?,
        })
    }
}

impl Hydrate for Match {
    fn hydrate_map<D: autosurgeon::ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, autosurgeon::HydrateError> {
        let mut f = crate::document::fields::Fields::read(doc, obj);
        Ok(Match {
            id: f.take("id")?,
            mentor: f.take("mentor")?,
            mentee: f.take("mentee")?,
            matched_on: f.take_day("matched_on"),
            reasons: f.take("reasons")?,
            status: f.take("status")?,
            ended_on: f.take_day("ended_on"),
            check_in: f.take_option("check_in")?,
            notice_sent_for: f.take_day("notice_sent_for"),
            answers: f.take("answers")?,
            end_requests: f.take("end_requests")?,
        })
    }
}

impl Match {
    /// The latest check-in, if one was shared and still reads.
    pub fn latest_check_in(&self) -> Option<CheckIn> {
        serde_json::from_str(self.check_in.as_deref()?).ok()
    }

    pub fn health(&self, settings: &ProgramSettings, today: NaiveDate) -> Option<Health> {
        if self.status != MatchStatus::Introduced {
            return Some(Health::Ended);
        }
        Some(health::health(self.matched_on?, self.latest_check_in().as_ref(), settings, today))
    }
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Expense {
    #[key]
    pub id: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub date: Option<NaiveDate>,
    pub amount_cents: i64,
    pub description: String,
    pub reimbursed: bool,
}

/// Where to refer someone: counselling, ombuds, HR, international office,
/// harassment and sexual-violence services.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Resource {
    #[key]
    pub id: String,
    pub name: String,
    pub category: String,
    pub contact: String,
    pub notes: Text,
}

impl Schema for Program {
    const KIND: DocumentKind = DocumentKind::Program;
    // 2: settings, the roster from intake forms, pins and ruled-out pairs.
    // No version before it was ever written by the app.
    const SCHEMA: u64 = 2;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        crate::document::root_field(doc, "name")
    }
}

impl Program {
    pub fn new(name: &str, template: ProgramTemplate, today: NaiveDate) -> Self {
        Program {
            kind: DocumentKind::Program.as_str().to_owned(),
            schema: Self::SCHEMA,
            name: name.to_owned(),
            template,
            settings: ProgramSettings::from_template(template, today),
            page: String::new(),
            page_sync: String::new(),
            page_invite: String::new(),
            page_link: String::new(),
            coordinators: Vec::new(),
            roster: BTreeMap::new(),
            matches: BTreeMap::new(),
            pinned: Vec::new(),
            forbidden: Vec::new(),
            budget_cents: 0,
            expenses: Vec::new(),
            resources: Vec::new(),
            set_aside: Vec::new(),
            surveys: BTreeMap::new(),
            budget: budget::Budget::default(),
            trainings: BTreeMap::new(),
            group_reports: BTreeMap::new(),
            mentor_training_required: false,
            handover_done: Vec::new(),
        }
    }

    /// Keep a form that did not join the roster, with why, for the coordinator.
    pub fn set_aside(&mut self, form_name: &str, why: &IntakeRefused, today: NaiveDate) {
        let name: String = form_name.trim().chars().take(120).collect();
        self.set_aside.push(SetAsideForm { name, why: why.describe(), received_on: Some(today) });
        let over = self.set_aside.len().saturating_sub(MAX_SET_ASIDE);
        self.set_aside.drain(..over);
    }

    /// Budget left after every expense.
    pub fn budget_left_cents(&self) -> i64 {
        self.budget_cents - self.expenses.iter().map(|e| e.amount_cents).sum::<i64>()
    }

    /// The matching's view of the members waiting for a match, and of the
    /// mentors with places left after their running matches. Names in a
    /// form's "people to avoid" are matched to members by name or contact.
    pub fn candidates(&self, today: NaiveDate) -> (Vec<Candidate>, Vec<Candidate>) {
        let running = |id: &str, mentor: bool| {
            self.matches
                .values()
                .filter(|m| m.status == MatchStatus::Introduced && if mentor { m.mentor == id } else { m.mentee == id })
                .count() as u32
        };
        // Every member the text names: a second form under the same name
        // cannot draw the avoidance away from the person meant.
        let by_name = |text: &str| -> Vec<MemberId> {
            let text = text.trim();
            self.roster
                .values()
                .filter(|m| m.name.eq_ignore_ascii_case(text) || (!m.contact.is_empty() && m.contact.eq_ignore_ascii_case(text)))
                .map(|m| MemberId::new(&m.id))
                .collect()
        };
        let mut mentors = Vec::new();
        let mut mentees = Vec::new();
        for member in self.roster.values().filter(|m| m.state != MemberState::Left) {
            let started = member.started_on;
            let eligible = started.is_some_and(|s| crate::calendar_day::add_days(s, u64::from(self.settings.mentor_min_service_days)) <= today)
                && (member.role != MemberRole::Mentor || self.training_allows(&member.id, today));
            let candidate = |capacity| Candidate {
                id: MemberId::new(&member.id),
                name: member.name.clone(),
                department: member.department.clone(),
                topics: member.topics.iter().cloned().collect(),
                career_stage: member.career_stage.into(),
                availability: Availability::from_bits(u16::try_from(member.availability & 0x7fff).unwrap_or(0)),
                meeting_mode: member.meeting_mode.into(),
                avoid: member.avoid.iter().flat_map(|a| by_name(a)).collect::<BTreeSet<_>>(),
                capacity,
                eligible,
            };
            match member.role {
                MemberRole::Mentor => {
                    let left = member.capacity.min(matching::MAX_CAPACITY).saturating_sub(running(&member.id, true));
                    mentors.push(candidate(left));
                }
                MemberRole::Mentee if member.state == MemberState::Waiting && running(&member.id, false) == 0 => mentees.push(candidate(0)),
                MemberRole::Mentee => {}
            }
        }
        (mentors, mentees)
    }

    /// An intake form arrived in a letter from `sender` (`None`: the letter
    /// was not signed). Checked as hostile: signed, within bounds, eligible
    /// under this program's rules on `today`. A person (one device's
    /// address) is one member: sending again replaces their form while they
    /// wait. Returns the member's id.
    pub fn receive_intake(&mut self, sender: Option<&crate::sync::inbox::InboxAddress>, form: &IntakeForm, today: NaiveDate) -> Result<String, IntakeRefused> {
        let sender = sender.ok_or(IntakeRefused::Unsigned)?;
        form.check_shape().map_err(IntakeRefused::BadForm)?;
        let why = intake::eligibility(form, &self.settings, today);
        if !why.is_empty() {
            return Err(IntakeRefused::NotEligible(why));
        }
        let id = sender.id().to_string();
        if let Some(member) = self.roster.get(&id) {
            if member.state != MemberState::Waiting {
                return Err(IntakeRefused::AlreadyMatched);
            }
        } else if self.roster.values().filter(|m| m.state != MemberState::Left).count() >= MAX_ROSTER {
            return Err(IntakeRefused::RosterFull);
        }
        self.roster.insert(id.clone(), Member::from_letter(&id, form, &sender.to_text(), today));
        Ok(id)
    }

    /// What needs the coordinator now, a sentence each: new forms waiting
    /// for a match, matches that need a look, notices due, requests to end.
    pub fn attention(&self, today: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        let waiting = self.roster.values().filter(|m| m.state == MemberState::Waiting && m.role == MemberRole::Mentee).count();
        if waiting > 0 {
            out.push(format!("{waiting} waiting for a match: draft the next round."));
        }
        // The dashboard's own counts, so Home and the desk never disagree.
        let board = dashboard::dashboard(self, today);
        let count = |label: &str| board.counts.iter().find(|(l, _)| *l == label).map_or(0, |(_, n)| *n);
        let plural = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
        let help = count("asked for help");
        if help > 0 {
            out.push(format!("{} for help.", plural(help, "pair asked", "pairs asked")));
        }
        let closed_by_pair = count("ended by the pair, to close");
        if closed_by_pair > 0 {
            out.push(format!("{} by the pair: close {}.", plural(closed_by_pair, "match ended", "matches ended"), if closed_by_pair == 1 { "it" } else { "them" }));
        }
        let stalled = count("stalled");
        if stalled > 0 {
            out.push(format!("{} with no meeting for a while.", plural(stalled, "match", "matches")));
        }
        let silent = count("no report");
        if silent > 0 {
            out.push(format!("{} sent no check-in.", plural(silent, "match has", "matches have")));
        }
        let notices = board.rows.iter().filter(|r| r.notice_due.is_some()).count();
        if notices > 0 {
            out.push(format!("{} due: the term ends soon.", plural(notices, "continuation notice", "continuation notices")));
        }
        let ending = board.rows.iter().filter(|r| r.m.status == MatchStatus::Introduced && !r.m.end_requests.is_empty()).count();
        if ending > 0 {
            out.push(format!("{} to end.", plural(ending, "request", "requests")));
        }
        let claims = self.budget.claims.values().filter(|c| c.status == budget::ClaimStatus::Submitted).count();
        if claims > 0 {
            out.push(format!("{} to decide.", plural(claims, "reimbursement request", "reimbursement requests")));
        }
        let untrained = self.needs_training(today).len();
        if untrained > 0 {
            out.push(format!("{} training before they can be matched.", plural(untrained, "mentor still needs", "mentors still need")));
        }
        let set_aside = self.set_aside.iter().filter(|f| f.received_on == Some(today)).count();
        if set_aside > 0 {
            out.push(format!("{} set aside today.", plural(set_aside, "form", "forms")));
        }
        out
    }

    /// The coordinator's pins and ruled-out pairs as the matching reads them.
    pub fn matching_rules(&self) -> MatchingRules {
        let pairs = |rules: &[PairRule]| rules.iter().map(|r| (MemberId::new(&r.mentor), MemberId::new(&r.mentee))).collect();
        MatchingRules { different_department: self.settings.different_department, pinned: pairs(&self.pinned), forbidden: pairs(&self.forbidden) }
    }

    /// The draft for everyone waiting now. A peer program (no mentor and
    /// mentee roles) pairs everyone waiting among themselves, the one
    /// further along named first.
    pub fn draft(&self, today: NaiveDate) -> Draft {
        let (mentors, mentees) = self.candidates(today);
        if self.settings.roles == Roles::Peers {
            let waiting = |c: &Candidate| self.roster.get(c.id.as_str()).is_some_and(|m| m.state == MemberState::Waiting);
            let everyone: Vec<Candidate> = mentors.into_iter().chain(mentees).filter(|c| waiting(c)).collect();
            let peers = matching::draft_peers(&everyone, &self.matching_rules());
            return Draft {
                places: (everyone.len() / 2) as u32,
                pairs: peers.pairs,
                unplaced: peers.unplaced.into_iter().map(|id| (id, matching::Unplaced::NoPlaceLeft)).collect(),
                ..Draft::default()
            };
        }
        matching::draft(&mentors, &mentees, &self.matching_rules())
    }

    /// Publish `draft`'s pairs as matches made on `today`, each under the id
    /// `new_id` gives; the pins are used up. Returns the new matches' ids.
    pub fn publish(&mut self, draft: &Draft, today: NaiveDate, mut new_id: impl FnMut() -> String) -> Vec<String> {
        let mut ids = Vec::new();
        for pair in &draft.pairs {
            let (mentor, mentee) = (pair.mentor.as_str(), pair.mentee.as_str());
            let waiting = self.roster.get(mentee).is_some_and(|m| m.state == MemberState::Waiting);
            if !waiting || !self.roster.contains_key(mentor) {
                continue;
            }
            let id = new_id();
            self.matches.insert(
                id.clone(),
                Match {
                    id: id.clone(),
                    mentor: mentor.to_string(),
                    mentee: mentee.to_string(),
                    matched_on: Some(today),
                    reasons: pair.fit.reasons.iter().map(|r| r.describe()).collect(),
                    status: MatchStatus::Introduced,
                    ended_on: None,
                    check_in: None,
                    notice_sent_for: None,
                    answers: Vec::new(),
                    end_requests: Vec::new(),
                },
            );
            for member in [mentor, mentee] {
                if let Some(m) = self.roster.get_mut(member) {
                    m.state = MemberState::Matched;
                }
            }
            ids.push(id);
        }
        self.pinned.clear();
        ids
    }

    /// End a match on `today` for `reason`. An early end puts the mentee
    /// back in the next round, with this pair ruled out; a mentor with no
    /// running match left waits again too.
    pub fn dissolve(&mut self, match_id: &str, reason: EndReason, today: NaiveDate) -> bool {
        let Some(m) = self.matches.get_mut(match_id) else { return false };
        if m.status != MatchStatus::Introduced {
            return false;
        }
        m.status = if reason.is_early() { MatchStatus::EndedEarly } else { MatchStatus::Completed };
        m.ended_on = Some(today);
        let (mentor, mentee) = (m.mentor.clone(), m.mentee.clone());
        if reason.is_early() {
            if let Some(member) = self.roster.get_mut(&mentee) {
                member.state = MemberState::Waiting;
            }
            let rule = PairRule { mentor: mentor.clone(), mentee };
            if !self.forbidden.contains(&rule) {
                self.forbidden.push(rule);
            }
        }
        let still_mentoring = self.matches.values().any(|m| m.mentor == mentor && m.status == MatchStatus::Introduced);
        if let Some(member) = self.roster.get_mut(&mentor) {
            if !still_mentoring {
                member.state = MemberState::Waiting;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;

    fn day(text: &str) -> NaiveDate {
        parse_day(text).unwrap()
    }

    fn form(role: IntakeRole, name: &str, department: &str, capacity: u32) -> IntakeForm {
        IntakeForm { topics: BTreeSet::from(["Job responsibilities".to_string()]), capacity, ..IntakeForm::example(role, name, department) }
    }

    #[test]
    fn program_days_are_stored_as_older_versions_wrote_them_and_odd_ones_read_as_no_day() {
        use automerge::transaction::Transactable;
        use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, ROOT};
        let today = day("2026-09-01");
        let mut p = Program::new("Peer Connections", ProgramTemplate::PeerConnections, today);
        p.roster.insert("m".into(), Member::from_form("m", &form(IntakeRole::VolunteerToMentor, "Mira", "Chemistry", 2), today));
        p.matches.insert("x".into(), Match {
            id: "x".into(), mentor: "m".into(), mentee: "a".into(), matched_on: Some(today), reasons: Vec::new(),
            status: MatchStatus::Introduced, ended_on: None, check_in: None, notice_sent_for: None, answers: Vec::new(), end_requests: Vec::new(),
        });
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &p).unwrap();
        let text = |doc: &AutoCommit, map: &str, id: &str, field: &str| {
            let (_, map) = doc.get(ROOT, map).unwrap().unwrap();
            let (_, item) = doc.get(&map, id).unwrap().unwrap();
            doc.get(&item, field).unwrap().map(|(v, _)| v.to_string())
        };
        // The same ISO text as before; a required day with none is "" (an
        // older version reads it as text), an optional one null.
        assert_eq!(text(&doc, "matches", "x", "matched_on").as_deref(), Some("\"2026-09-01\""));
        assert_eq!(text(&doc, "roster", "m", "received_on").as_deref(), Some("\"2026-09-01\""));
        assert_eq!(text(&doc, "matches", "x", "ended_on").as_deref(), Some("null"));
        // A partner's odd days (text that is no day, a number) read as no
        // day, and the rest of the member and the match still read.
        let (_, matches) = doc.get(ROOT, "matches").unwrap().unwrap();
        let (_, x) = doc.get(&matches, "x").unwrap().unwrap();
        doc.put(&x, "matched_on", "in September").unwrap();
        doc.put(&x, "ended_on", ScalarValue::Int(3)).unwrap();
        let (_, roster) = doc.get(ROOT, "roster").unwrap().unwrap();
        let (_, m) = doc.get(&roster, "m").unwrap().unwrap();
        doc.put(&m, "started_on", ScalarValue::Int(2026)).unwrap();
        doc.put_object(&m, "received_on", ObjType::Map).unwrap();
        let read: Program = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!((read.matches["x"].matched_on, read.matches["x"].ended_on, read.matches["x"].mentor.as_str()), (None, None, "m"));
        assert_eq!((read.roster["m"].started_on, read.roster["m"].received_on, read.roster["m"].name.as_str()), (None, None, "Mira"));
        // A day with none is written back as "" for the older version.
        autosurgeon::reconcile(&mut doc, &read).unwrap();
        assert_eq!(text(&doc, "matches", "x", "matched_on").as_deref(), Some("\"\""));
        let older: String = autosurgeon::hydrate_prop(&doc, &x, "matched_on").unwrap();
        assert_eq!(older, "");
    }

    #[test]
    fn intake_to_matches_to_a_dissolve_and_a_re_match() {
        let today = day("2026-09-01");
        let mut p = Program::new("Peer Connections", ProgramTemplate::PeerConnections, today);
        p.roster.insert("m".into(), Member::from_form("m", &form(IntakeRole::VolunteerToMentor, "Mira", "Chemistry", 2), today));
        p.roster.insert("n".into(), Member::from_form("n", &form(IntakeRole::VolunteerToMentor, "Noor", "Biology", 1), today));
        p.roster.insert("a".into(), Member::from_form("a", &form(IntakeRole::RequestMentor, "Ana", "Chemistry", 0), today));
        let mut bo = form(IntakeRole::RequestMentor, "Bo", "Physics", 0);
        bo.avoid = vec!["NOOR".into()];
        p.roster.insert("b".into(), Member::from_form("b", &bo, today));

        let draft = p.draft(today);
        // Ana cannot have Mira (same department); Bo avoids Noor.
        let pairs: Vec<(&str, &str)> = draft.pairs.iter().map(|x| (x.mentor.as_str(), x.mentee.as_str())).collect();
        assert_eq!(pairs, vec![("m", "b"), ("n", "a")]);
        let mut counter = 0;
        let ids = p.publish(&draft, today, || {
            counter += 1;
            format!("match-{counter}")
        });
        assert_eq!(ids.len(), 2);
        assert!(p.roster.values().all(|m| m.state == MemberState::Matched));
        assert!(p.draft(today).pairs.is_empty(), "nobody waits");

        // Ana's match ends early: she waits again, Noor is ruled out for her,
        // and Mira (same department) cannot take her: she waits with a reason.
        let ana_match = p.matches.values().find(|m| m.mentee == "a").unwrap().id.clone();
        assert!(p.dissolve(&ana_match, EndReason::MismatchedSchedules, today));
        assert!(!p.dissolve(&ana_match, EndReason::MismatchedSchedules, today), "once");
        assert_eq!(p.matches[&ana_match].status, MatchStatus::EndedEarly);
        let next = p.draft(today);
        assert!(next.pairs.is_empty());
        assert_eq!(next.unplaced[0].0.as_str(), "a");
        // A new mentor from another department takes her in the next round.
        p.roster.insert("o".into(), Member::from_form("o", &form(IntakeRole::VolunteerToMentor, "Oli", "Math", 1), today));
        let next = p.draft(today);
        assert_eq!(next.pairs.len(), 1);
        assert_eq!((next.pairs[0].mentor.as_str(), next.pairs[0].mentee.as_str()), ("o", "a"));
        // Home tells the coordinator: Ana waits; Bo's match has sent no
        // check-in a month and a week after it was made.
        assert_eq!(p.attention(day("2026-10-08")), vec!["1 waiting for a match: draft the next round.".to_string()]);
        assert_eq!(p.attention(day("2026-10-09")), vec!["1 waiting for a match: draft the next round.".to_string(), "1 match has sent no check-in.".to_string()]);
        // Home counts as the dashboard does: a mentor without this year's
        // training, and a request to decide, are said too.
        p.mentor_training_required = true;
        p.budget.years.insert("2026-07-01".into(), vec![budget::BudgetLine { category: "Lunch fund".into(), cents: 10_000 }]);
        let from = crate::sync::inbox::InboxKeys::from_seed([9; 32]).address();
        let member = p.roster.keys().next().cloned().unwrap();
        p.roster.get_mut(&member).unwrap().reply_to = from.to_text();
        let request = budget::ClaimRequest { id: "r".into(), category: "Lunch fund".into(), cents: 900, spent_on: day("2026-10-01"), what_for: "Lunch".into(), meeting: String::new(), receipt: String::new(), receipt_type: String::new(), receipt_hash: String::new() };
        p.receive_claim(Some(&from), &request, day("2026-10-09")).unwrap();
        let said = p.attention(day("2026-10-09"));
        assert!(said.contains(&"1 reimbursement request to decide.".to_string()), "{said:?}");
        assert!(said.iter().any(|s| s.ends_with("training before they can be matched.")), "{said:?}");
        // Mira still has one place left after Bo.
        let (mentors, _) = p.candidates(today);
        assert_eq!(mentors.iter().find(|c| c.id.as_str() == "m").map(|c| c.capacity), Some(1));
    }

    #[test]
    fn a_form_joins_the_roster_only_signed_in_bounds_and_eligible() {
        use crate::sync::inbox::InboxKeys;
        let today = day("2026-08-01");
        let mut p = Program::new("Libraries", ProgramTemplate::LibrariesMentoring, day("2026-06-01"));
        let ana = InboxKeys::from_seed([1; 32]).address();
        let mut request = form(IntakeRole::RequestMentor, "Ana", "Access", 0);
        request.topics = BTreeSet::from(["Career planning".to_string()]);
        assert_eq!(p.receive_intake(None, &request, today), Err(IntakeRefused::Unsigned));
        assert!(p.roster.is_empty());
        let id = p.receive_intake(Some(&ana), &request, today).unwrap();
        assert_eq!(p.roster[&id].reply_to, ana.to_text());
        // Sent again with another department: one member, updated.
        request.department = "Collections".into();
        assert_eq!(p.receive_intake(Some(&ana), &request, today), Ok(id.clone()));
        assert_eq!(p.roster.len(), 1);
        assert_eq!(p.roster[&id].department, "Collections");
        // A volunteer under a year of service is told the day.
        let bo = InboxKeys::from_seed([2; 32]).address();
        let mut volunteer = form(IntakeRole::VolunteerToMentor, "Bo", "Access", 1);
        volunteer.topics = request.topics.clone();
        volunteer.started_on = day("2026-01-15");
        let refused = p.receive_intake(Some(&bo), &volunteer, today).unwrap_err();
        assert_eq!(refused, IntakeRefused::NotEligible(vec![NotEligible::ServiceTooShort { eligible_on: day("2027-01-15") }]));
        assert!(refused.describe().contains("Fri 15 Jan 2027"));
        volunteer.name = "x".repeat(500);
        assert!(matches!(p.receive_intake(Some(&bo), &volunteer, today), Err(IntakeRefused::BadForm(_))));
        assert_eq!(p.roster.len(), 1);

        // A flood of forms stops at the roster's bound; a member already on
        // it may still send theirs again.
        for seed in 0..MAX_ROSTER as u32 {
            let mut bytes = [9u8; 32];
            bytes[..4].copy_from_slice(&seed.to_le_bytes());
            let _ = p.receive_intake(Some(&InboxKeys::from_seed(bytes).address()), &request, today);
        }
        assert_eq!(p.roster.len(), MAX_ROSTER);
        let late = InboxKeys::from_seed([3; 32]).address();
        assert_eq!(p.receive_intake(Some(&late), &request, today), Err(IntakeRefused::RosterFull));
        assert_eq!(p.receive_intake(Some(&ana), &request, today), Ok(id));
    }

    #[test]
    fn a_second_form_under_the_same_name_cannot_draw_an_avoidance_away() {
        let today = day("2026-09-01");
        let mut p = Program::new("Libraries", ProgramTemplate::LibrariesMentoring, today);
        let mut ana = form(IntakeRole::RequestMentor, "Ana", "Access", 0);
        ana.topics = BTreeSet::from(["Career planning".to_string()]);
        ana.avoid = vec!["Mira".into()];
        let mut mira = form(IntakeRole::VolunteerToMentor, "Mira", "Collections", 1);
        mira.topics = ana.topics.clone();
        p.roster.insert("z-mira".into(), Member::from_form("z-mira", &mira, today));
        // A decoy of the same name, with an id sorted first.
        let mut decoy = mira.clone();
        decoy.capacity = 0;
        decoy.role = IntakeRole::RequestMentor;
        p.roster.insert("a-decoy".into(), Member::from_form("a-decoy", &decoy, today));
        p.roster.insert("m-ana".into(), Member::from_form("m-ana", &ana, today));
        let draft = p.draft(today);
        assert!(draft.pairs.iter().all(|pair| !(pair.mentor.as_str() == "z-mira" && pair.mentee.as_str() == "m-ana")), "{:?}", draft.pairs);
    }

    #[test]
    fn a_peer_program_pairs_everyone_waiting_among_themselves() {
        let today = day("2026-09-01");
        let mut p = Program::new("Speed mentoring", ProgramTemplate::CareerSuccessWorkshop, today);
        for (id, name, department) in [("a", "Ada", "Chemistry"), ("b", "Bo", "Physics"), ("c", "Cy", "Math")] {
            p.roster.insert(id.into(), Member::from_form(id, &form(IntakeRole::RequestMentor, name, department, 0), today));
        }
        let draft = p.draft(today);
        assert_eq!(draft.pairs.len(), 1, "three peers: one pair, one waits");
        assert_eq!(draft.unplaced.len(), 1);
        let ids = p.publish(&draft, today, || "m1".into());
        assert_eq!(ids.len(), 1);
        assert_eq!(p.roster.values().filter(|m| m.state == MemberState::Matched).count(), 2);
    }

    #[test]
    fn a_program_round_trips_through_its_document() {
        let today = day("2026-09-01");
        let mut p = Program::new("Libraries", ProgramTemplate::LibrariesMentoring, today);
        p.roster.insert("m".into(), Member::from_form("m", &form(IntakeRole::VolunteerToMentor, "Mira", "Access", 2), today));
        let survey = survey::libraries_survey("before", false);
        assert!(p.publish_survey(&survey, today));
        let letter = survey::SurveyLetter {
            answer_id: Some("ab".repeat(16)),
            answers: survey::SurveyAnswers { survey: "before".into(), role: survey::SurveyRole::Mentor, answers: [("goals".to_string(), survey::AnswerValue::Likert(4))].into() },
        };
        assert_eq!(p.receive_survey_answer(None, &letter, today), Ok(()));
        p.budget.set_proposal(vec![budget::BudgetLine { category: "Lunch fund".into(), cents: 50_000 }]).unwrap();
        p.budget.submit_proposal().unwrap();
        p.budget.approve_proposal(today).unwrap();
        let mira = crate::sync::inbox::InboxKeys::from_seed([5; 32]).address();
        p.roster.insert("m".into(), Member::from_letter("m", &form(IntakeRole::VolunteerToMentor, "Mira", "Access", 2), &mira.to_text(), today));
        let claim = budget::ClaimRequest { id: "r1".into(), category: "Lunch fund".into(), cents: 1250, spent_on: today, what_for: "Lunch".into(), meeting: String::new(), receipt: String::new(), receipt_type: String::new(), receipt_hash: String::new() };
        assert!(p.receive_claim(Some(&mira), &claim, today).is_ok());
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &p).unwrap();
        let back: Program = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(back, p);
        // A program written before surveys reads with none.
        automerge::transaction::Transactable::delete(&mut doc, automerge::ROOT, "surveys").unwrap();
        automerge::transaction::Transactable::delete(&mut doc, automerge::ROOT, "budget").unwrap();
        let older: Program = autosurgeon::hydrate(&doc).unwrap();
        assert!(older.surveys.is_empty());
        assert_eq!(older.budget, budget::Budget::default());
    }
}
