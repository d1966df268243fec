//! A program's surveys (issue 15): the questions, who they are for and
//! when, checking an answer as hostile input, keeping answers in the
//! program, and the results a coordinator sees.
//!
//! Anonymous answers are shown only as aggregates, and only where no
//! group of fewer anonymous answers than the survey's threshold (5 unless
//! the coordinator chose otherwise, never below 3) can be worked out:
//! - a group is shown only if its anonymous answers are none or at least
//!   the threshold, so subtracting the named answers (shown one by one)
//!   from a total never leaves a small group;
//! - a breakdown by role is shown only if every role passes, so the total
//!   minus one role never gives away a hidden one;
//! - an anonymous survey's aggregates appear only once it is closed (and
//!   it takes nothing after), so two views a day apart cannot be
//!   subtracted to give one late answer.
//!
//! Pre- and post-surveys compare per question, from the aggregates alone:
//! nobody's two answers are linked.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{MemberRole, MemberState, Program};
use crate::sync::inbox::InboxAddress;

/// The smallest group shown unless the coordinator chose another.
pub const DEFAULT_THRESHOLD: u32 = 5;
/// No group smaller than this is ever shown.
pub const MIN_THRESHOLD: u32 = 3;
/// Characters kept of a free-text answer.
pub const MAX_TEXT_ANSWER: usize = 2_000;
/// Questions a survey may hold, and choices a question may offer.
pub const MAX_QUESTIONS: usize = 40;
pub const MAX_CHOICES: usize = 12;

/// The five points of a Likert scale, from 1 to 5.
pub const LIKERT: [&str; 5] = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionKind {
    /// Agreement with a statement, 1 to 5.
    Likert,
    /// One of the choices.
    Single(Vec<String>),
    /// Any of the choices.
    Multiple(Vec<String>),
    /// 0 to 10.
    Scale,
    /// Words, shown only where the group is large enough.
    FreeText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
}

/// Who a survey is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SurveyRole {
    Mentor,
    Mentee,
}

impl From<MemberRole> for SurveyRole {
    fn from(role: MemberRole) -> Self {
        match role {
            MemberRole::Mentor => SurveyRole::Mentor,
            MemberRole::Mentee => SurveyRole::Mentee,
        }
    }
}

impl From<super::IntakeRole> for SurveyRole {
    fn from(role: super::IntakeRole) -> Self {
        match role {
            super::IntakeRole::VolunteerToMentor => SurveyRole::Mentor,
            super::IntakeRole::RequestMentor => SurveyRole::Mentee,
        }
    }
}

/// Whether answers carry the person's name: said to the member before
/// they answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Naming {
    /// Nobody's name goes with an answer.
    Anonymous,
    /// Every answer carries its member's name.
    Named,
    /// Each member chooses, when answering.
    EachChooses,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    pub id: String,
    pub title: String,
    pub naming: Naming,
    /// The smallest group shown (never below [`MIN_THRESHOLD`]).
    pub threshold: u32,
    /// Whom it is for (`None`: everyone), and from how many days after
    /// their form reached the program.
    pub for_role: Option<SurveyRole>,
    pub after_days: u32,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerValue {
    Likert(u8),
    Choice(usize),
    Choices(Vec<usize>),
    Scale(u8),
    Text(String),
}

/// One member's answers. `role` is what breakdowns group by; a named
/// survey also carries who answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswers {
    pub survey: String,
    pub role: SurveyRole,
    pub answers: BTreeMap<String, AnswerValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerRefused {
    #[error("the answers are for another survey")]
    OtherSurvey,
    #[error("an answer is to a question the survey does not ask")]
    NoSuchQuestion,
    #[error("an answer is not one the question offers")]
    OutOfRange,
    #[error("an answer is longer than {MAX_TEXT_ANSWER} characters")]
    TooLong,
    #[error("the survey is not for this role")]
    NotForRole,
    #[error("the program has no open survey of that id")]
    NotOpen,
    #[error("a named answer did not come from a member of the program")]
    NotAMember,
    #[error("the survey's naming does not allow this answer")]
    WrongNaming,
    #[error("more anonymous answers than the program has members it is for")]
    TooMany,
}

impl Survey {
    /// The threshold as applied: never below the floor.
    pub fn threshold(&self) -> u32 {
        self.threshold.max(MIN_THRESHOLD)
    }

    /// Whether the survey asks a member of `role` whose form reached the
    /// program on `joined_on`, on `today`.
    pub fn is_due(&self, role: SurveyRole, joined_on: NaiveDate, today: NaiveDate) -> bool {
        self.for_role.is_none_or(|r| r == role) && (today - joined_on).num_days() >= i64::from(self.after_days)
    }

    /// A survey from a page or a program: another member's words, so
    /// bounded before it is drawn or used.
    pub fn is_sound(&self) -> bool {
        let short = |t: &str, n: usize| t.chars().count() <= n;
        short(&self.id, 64)
            && short(&self.title, 200)
            && !self.questions.is_empty()
            && self.questions.len() <= MAX_QUESTIONS
            && self.after_days <= 3_650
            && self.questions.iter().all(|q| {
                short(&q.id, 64)
                    && short(&q.text, 500)
                    && match &q.kind {
                        QuestionKind::Single(c) | QuestionKind::Multiple(c) => !c.is_empty() && c.len() <= MAX_CHOICES && c.iter().all(|c| short(c, 200)),
                        _ => true,
                    }
            })
            && self.questions.iter().enumerate().all(|(i, q)| self.questions[..i].iter().all(|o| o.id != q.id))
    }

    /// Check answers from the network before they count.
    pub fn check(&self, answers: &SurveyAnswers) -> Result<(), AnswerRefused> {
        if answers.survey != self.id {
            return Err(AnswerRefused::OtherSurvey);
        }
        if self.for_role.is_some_and(|r| r != answers.role) {
            return Err(AnswerRefused::NotForRole);
        }
        for (id, value) in &answers.answers {
            let question = self.questions.iter().find(|q| &q.id == id).ok_or(AnswerRefused::NoSuchQuestion)?;
            let fits = match (&question.kind, value) {
                (QuestionKind::Likert, AnswerValue::Likert(n)) => (1..=5).contains(n),
                (QuestionKind::Scale, AnswerValue::Scale(n)) => *n <= 10,
                (QuestionKind::Single(options), AnswerValue::Choice(i)) => *i < options.len(),
                (QuestionKind::Multiple(options), AnswerValue::Choices(picked)) => {
                    picked.len() <= options.len() && picked.iter().all(|i| *i < options.len()) && picked.windows(2).all(|w| w[0] < w[1])
                }
                (QuestionKind::FreeText, AnswerValue::Text(text)) => {
                    if text.chars().count() > MAX_TEXT_ANSWER {
                        return Err(AnswerRefused::TooLong);
                    }
                    true
                }
                _ => false,
            };
            if !fits {
                return Err(AnswerRefused::OutOfRange);
            }
        }
        Ok(())
    }

    /// The results of every question over `answers` (already checked),
    /// for everyone, or for one role. A group is shown only where its
    /// anonymous answers are none or at least the threshold; a role only
    /// where every role's group is (see the module's header).
    pub fn results(&self, answers: &[Received], role: Option<SurveyRole>) -> Vec<QuestionResult> {
        let group: Vec<&Received> = answers.iter().filter(|a| role.is_none_or(|r| a.role == r)).collect();
        self.questions
            .iter()
            .map(|q| {
                let safe = match role {
                    None => self.safe(q, answers.iter()),
                    Some(_) => [SurveyRole::Mentor, SurveyRole::Mentee].into_iter().all(|r| self.safe(q, answers.iter().filter(|a| a.role == r))),
                };
                self.result_of(q, &group, safe)
            })
            .collect()
    }

    /// Whether a group's answers to `question` may be shown.
    fn safe<'a>(&self, question: &Question, group: impl Iterator<Item = &'a Received>) -> bool {
        let anonymous = group.filter(|a| a.member.is_none() && a.answers.contains_key(&question.id)).count() as u32;
        anonymous == 0 || anonymous >= self.threshold()
    }

    fn result_of(&self, question: &Question, group: &[&Received], safe: bool) -> QuestionResult {
        let values: Vec<&AnswerValue> = group.iter().filter_map(|a| a.answers.get(&question.id)).collect();
        let answered = values.len() as u32;
        if !safe || answered == 0 {
            return QuestionResult { question: question.id.clone(), answered, shown: Shown::TooFew };
        }
        let shown = match &question.kind {
            QuestionKind::Likert | QuestionKind::Scale => {
                let points: Vec<u8> = values.iter().filter_map(|v| match v {
                    AnswerValue::Likert(n) | AnswerValue::Scale(n) => Some(*n),
                    _ => None,
                }).collect();
                let top = if question.kind == QuestionKind::Likert { 5 } else { 10 };
                let low = if question.kind == QuestionKind::Likert { 1 } else { 0 };
                let counts = (low..=top).map(|p| points.iter().filter(|n| **n == p).count() as u32).collect();
                let mean = points.iter().map(|n| f64::from(*n)).sum::<f64>() / points.len().max(1) as f64;
                Shown::Points { counts, mean }
            }
            QuestionKind::Single(options) | QuestionKind::Multiple(options) => {
                let mut counts = vec![0u32; options.len()];
                for value in &values {
                    let picked: &[usize] = match value {
                        AnswerValue::Choice(i) => std::slice::from_ref(i),
                        AnswerValue::Choices(list) => list,
                        _ => &[],
                    };
                    for i in picked {
                        if let Some(c) = counts.get_mut(*i) {
                            *c += 1;
                        }
                    }
                }
                Shown::Choices(counts)
            }
            QuestionKind::FreeText => {
                // Sorted, so the order says nothing of who answered when.
                let mut texts: Vec<String> = values.iter().filter_map(|v| match v {
                    AnswerValue::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
                    _ => None,
                }).collect();
                crate::sort::ascending(&mut texts);
                Shown::Texts(texts)
            }
        };
        QuestionResult { question: question.id.clone(), answered, shown }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    pub question: String,
    pub answered: u32,
    pub shown: Shown,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// Fewer answers than the threshold: nothing but that.
    TooFew,
    /// How many chose each point (from 1 for Likert, 0 for a scale), and the mean.
    Points { counts: Vec<u32>, mean: f64 },
    /// How many chose each choice.
    Choices(Vec<u32>),
    Texts(Vec<String>),
}

/// The change of each question's mean from a pre-survey to a post-survey
/// that asks it too (the same question id), from the aggregates only;
/// `None` where either side has too few answers to show.
pub fn pre_post(pre: &[QuestionResult], post: &[QuestionResult]) -> Vec<(String, Option<f64>)> {
    let mean = |r: &QuestionResult| match r.shown {
        Shown::Points { mean, .. } => Some(mean),
        _ => None,
    };
    pre.iter()
        .filter_map(|before| {
            let after = post.iter().find(|r| r.question == before.question)?;
            Some((before.question.clone(), mean(before).zip(mean(after)).map(|(b, a)| a - b)))
        })
        .collect()
}

/// One member's answers as the program keeps them: a named answer names
/// its member (by roster id), an anonymous one nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub role: SurveyRole,
    pub member: Option<String>,
    pub answers: BTreeMap<String, AnswerValue>,
}

/// The surveys a coordinator starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyTemplate {
    /// The Libraries program's pre-survey (seed 001).
    LibrariesBefore,
    /// Its post-survey: the same statements, and how it went.
    LibrariesAfter,
    /// A month in: is the match working?
    ThirtyDays,
    /// At the end of a term.
    EndOfTerm,
}

impl SurveyTemplate {
    pub const ALL: [SurveyTemplate; 4] = [SurveyTemplate::LibrariesBefore, SurveyTemplate::LibrariesAfter, SurveyTemplate::ThirtyDays, SurveyTemplate::EndOfTerm];

    pub fn title(self) -> &'static str {
        match self {
            SurveyTemplate::LibrariesBefore => "Before the program",
            SurveyTemplate::LibrariesAfter => "After the program",
            SurveyTemplate::ThirtyDays => "30-day check",
            SurveyTemplate::EndOfTerm => "End-of-term review",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SurveyTemplate::LibrariesBefore => "before",
            SurveyTemplate::LibrariesAfter => "after",
            SurveyTemplate::ThirtyDays => "thirty-days",
            SurveyTemplate::EndOfTerm => "end-of-term",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The survey, with the id `id`: anonymous, threshold 5, for everyone
    /// from the day they join (the 30-day check from day 30).
    pub fn survey(self, id: &str) -> Survey {
        let likert = |id: &str, text: &str| Question { id: id.into(), text: text.into(), kind: QuestionKind::Likert };
        // The pre- and post-survey ask the same statements (the same ids),
        // so each can be compared.
        let libraries = || {
            vec![
                likert("goals", "I have clear goals for my career in the next year."),
                likert("confidence", "I feel confident in my job responsibilities."),
                likert("connections", "I know people outside my department I can ask for advice."),
                likert("where-to-ask", "I know where to take an issue or a question."),
            ]
        };
        let often = || Question { id: "meetings".into(), text: "How often did you meet?".into(), kind: QuestionKind::Single(vec!["Twice a month or more".into(), "About monthly".into(), "Less often".into()]) };
        let recommend = || Question { id: "recommend".into(), text: "How likely are you to recommend the program to a colleague?".into(), kind: QuestionKind::Scale };
        let improve = || Question { id: "improve".into(), text: "What would make the program better?".into(), kind: QuestionKind::FreeText };
        let (questions, after_days) = match self {
            SurveyTemplate::LibrariesBefore => (libraries(), 0),
            SurveyTemplate::LibrariesAfter => (libraries().into_iter().chain([often(), recommend(), improve()]).collect(), 0),
            SurveyTemplate::ThirtyDays => (
                vec![
                    likert("working", "The match is working for me."),
                    often(),
                    Question {
                        id: "topics".into(),
                        text: "What have you talked about?".into(),
                        kind: QuestionKind::Multiple(vec!["Job responsibilities".into(), "Career goals".into(), "Getting to know people".into(), "Work and life".into(), "Something else".into()]),
                    },
                    Question { id: "help".into(), text: "Is there anything the coordinator should know?".into(), kind: QuestionKind::FreeText },
                ],
                30,
            ),
            SurveyTemplate::EndOfTerm => (
                vec![likert("goals-met", "We made progress on the goals we set."), likert("continue", "I would like to continue next term."), recommend(), improve()],
                0,
            ),
        };
        Survey { id: id.into(), title: self.title().into(), naming: Naming::Anonymous, threshold: DEFAULT_THRESHOLD, for_role: None, after_days, questions }
    }
}

/// The Libraries program's pre- and post-survey (seed 001: "completing a
/// brief pre- and post-survey", "contributing to program assessment").
pub fn libraries_survey(id: &str, after: bool) -> Survey {
    if after { SurveyTemplate::LibrariesAfter } else { SurveyTemplate::LibrariesBefore }.survey(id)
}

/// The most answers one survey keeps (named and anonymous).
pub const MAX_ANSWERS: usize = 2_000;

/// A survey as the program holds it. The survey itself is kept as its
/// JSON (fixed once published); answers by their key: `member:<id>` for a
/// named answer, `anonymous:<answer id>` for an anonymous one, so an
/// answer sent twice is counted once.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct ProgramSurvey {
    pub survey: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub published_on: Option<NaiveDate>,
    #[autosurgeon(with = "closing_stored")]
    pub closed_on: SurveyClosing,
    #[autosurgeon(hydrate = "crate::document::fields::map_by_key")]
    pub answers: BTreeMap<String, StoredAnswer>,
}

/// Whether a survey still takes answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SurveyClosing {
    #[default]
    Open,
    On(NaiveDate),
    /// Closed, but its day does not read (a device wrote something else):
    /// still closed, so a survey whose results were shown never takes an
    /// answer that a before-and-after comparison would single out.
    OnAnUnreadableDay,
}

impl SurveyClosing {
    /// The day it closed, when it did and that day reads.
    pub fn day(self) -> Option<NaiveDate> {
        match self {
            SurveyClosing::On(day) => Some(day),
            SurveyClosing::Open | SurveyClosing::OnAnUnreadableDay => None,
        }
    }
}

/// [`SurveyClosing`] as documents have always stored it: the closing day's
/// text, empty while open. Any other text or value reads as closed.
mod closing_stored {
    use autosurgeon::{HydrateError, Prop, ReadDoc, Reconciler};
    use automerge::{ObjId, ScalarValue, Value};

    use super::SurveyClosing;
    use crate::calendar_day::{day_text, parse_day};

    pub fn hydrate<D: ReadDoc>(doc: &D, obj: &ObjId, prop: Prop<'_>) -> Result<SurveyClosing, HydrateError> {
        Ok(match doc.get(obj, &prop)? {
            None => SurveyClosing::Open,
            Some((Value::Scalar(value), _)) => match value.as_ref() {
                ScalarValue::Str(text) if text.trim().is_empty() => SurveyClosing::Open,
                ScalarValue::Str(text) => parse_day(text).map_or(SurveyClosing::OnAnUnreadableDay, SurveyClosing::On),
                _ => SurveyClosing::OnAnUnreadableDay,
            },
            Some(_) => SurveyClosing::OnAnUnreadableDay,
        })
    }

    pub fn reconcile<R: Reconciler>(closing: &SurveyClosing, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(match closing {
            SurveyClosing::Open => String::new(),
            SurveyClosing::On(day) => day_text(*day),
            SurveyClosing::OnAnUnreadableDay => "closed".to_string(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct StoredAnswer {
    pub role: MemberRole,
    /// The member's roster id; empty for an anonymous answer.
    pub member: String,
    /// The answers' JSON (checked when they arrived, and again when read).
    pub values: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub received_on: Option<NaiveDate>,
}

/// An answer's letter, from the member's device. `answer_id` is the
/// device's own private id for the survey (anonymous answers); a named
/// answer goes in a signed letter and carries none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyLetter {
    pub answer_id: Option<String>,
    pub answers: SurveyAnswers,
}

/// A device's private id for its anonymous answer to `survey` of the
/// program whose page is `page`: the same every time it answers, and
/// nobody else can tie it to the device.
pub fn answer_id(keys: &crate::sync::inbox::InboxKeys, page: &str, survey: &str) -> String {
    hex::encode(&keys.private_tag("confidant/2 program survey answer id", format!("{page}\n{survey}").as_bytes())[..16])
}

impl ProgramSurvey {
    /// The survey, if what the program holds reads as a sound one.
    pub fn survey(&self) -> Option<Survey> {
        serde_json::from_str::<Survey>(&self.survey).ok().filter(Survey::is_sound)
    }

    pub fn is_open(&self) -> bool {
        self.closed_on == SurveyClosing::Open
    }

    /// The answers that read and check (a co-coordinator's device wrote
    /// them; anything else is left out).
    pub fn received(&self, survey: &Survey) -> Vec<Received> {
        self.answers
            .values()
            .filter_map(|stored| {
                let answers: BTreeMap<String, AnswerValue> = serde_json::from_str(&stored.values).ok()?;
                let role = SurveyRole::from(stored.role);
                survey.check(&SurveyAnswers { survey: survey.id.clone(), role, answers: answers.clone() }).ok()?;
                Some(Received { role, member: (!stored.member.is_empty()).then(|| stored.member.clone()), answers })
            })
            .collect()
    }
}

/// What a coordinator may see of a survey now.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyView {
    pub answered: usize,
    /// The whole, and each role: `None` while an anonymous survey is open.
    pub results: Option<[Vec<QuestionResult>; 3]>,
    /// Named answers, by member id, newest survey state.
    pub named: Vec<(String, BTreeMap<String, AnswerValue>)>,
}

impl Program {
    /// Publish `survey` (checked) under its id; it shows on the program's
    /// page for the members it is for.
    pub fn publish_survey(&mut self, survey: &Survey, today: NaiveDate) -> bool {
        if !survey.is_sound() || self.surveys.contains_key(&survey.id) {
            return false;
        }
        let Ok(json) = serde_json::to_string(survey) else { return false };
        self.surveys.insert(survey.id.clone(), ProgramSurvey { survey: json, published_on: Some(today), closed_on: SurveyClosing::Open, answers: BTreeMap::new() });
        true
    }

    /// Close a survey: it takes no more answers, and its anonymous results
    /// can be shown.
    pub fn close_survey(&mut self, id: &str, today: NaiveDate) {
        if let Some(s) = self.surveys.get_mut(id).filter(|s| s.is_open()) {
            s.closed_on = SurveyClosing::On(today);
        }
    }

    /// The open surveys, for the program's page.
    pub fn open_surveys(&self) -> Vec<Survey> {
        self.surveys.values().filter(|s| s.is_open()).filter_map(ProgramSurvey::survey).collect()
    }

    /// Take an answer from a letter. `sender` is the letter's signed
    /// sender (`None`: an anonymous letter). A named answer must come
    /// from a member on the roster, whose role is the roster's; an
    /// anonymous one carries its device's answer id, and the survey keeps
    /// no more anonymous answers than it has members to ask.
    pub fn receive_survey_answer(&mut self, sender: Option<&InboxAddress>, letter: &SurveyLetter, today: NaiveDate) -> Result<(), AnswerRefused> {
        let held = self.surveys.get(&letter.answers.survey).filter(|s| s.is_open()).ok_or(AnswerRefused::NotOpen)?;
        let survey = held.survey().ok_or(AnswerRefused::NotOpen)?;
        let (key, member, role) = match (sender, survey.naming) {
            (Some(from), Naming::Named | Naming::EachChooses) => {
                let from = from.to_text();
                let member = self.roster.values().find(|m| m.reply_to == from && m.state != MemberState::Left).ok_or(AnswerRefused::NotAMember)?;
                (format!("member:{}", member.id), member.id.clone(), member.role)
            }
            (None, Naming::Anonymous | Naming::EachChooses) => {
                let id = letter.answer_id.as_deref().filter(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).ok_or(AnswerRefused::WrongNaming)?;
                let role = match letter.answers.role {
                    SurveyRole::Mentor => MemberRole::Mentor,
                    SurveyRole::Mentee => MemberRole::Mentee,
                };
                (format!("anonymous:{id}"), String::new(), role)
            }
            _ => return Err(AnswerRefused::WrongNaming),
        };
        let answers = SurveyAnswers { role: role.into(), ..letter.answers.clone() };
        survey.check(&answers)?;
        if member.is_empty() && !held.answers.contains_key(&key) {
            // No more anonymous answers than members asked who have not
            // answered with their name (an upper bound: anyone with the
            // page's link can send an anonymous letter).
            let asked = self.roster.values().filter(|m| m.state != MemberState::Left && survey.for_role.is_none_or(|r| r == m.role.into())).count();
            let named = held.answers.values().filter(|a| !a.member.is_empty()).count();
            let anonymous = held.answers.len() - named;
            if anonymous >= asked.saturating_sub(named) || held.answers.len() >= MAX_ANSWERS {
                return Err(AnswerRefused::TooMany);
            }
        }
        let values = serde_json::to_string(&answers.answers).map_err(|_| AnswerRefused::OutOfRange)?;
        // An anonymous answer keeps no day: the day could say whose it is
        // (the 30-day check falls due on each member's own day).
        let received_on = if member.is_empty() { None } else { Some(today) };
        let stored = StoredAnswer { role, member, values, received_on };
        if let Some(held) = self.surveys.get_mut(&letter.answers.survey) {
            held.answers.insert(key, stored);
        }
        Ok(())
    }

    /// What the coordinator sees of survey `id`.
    pub fn survey_view(&self, id: &str) -> Option<(Survey, SurveyView)> {
        let held = self.surveys.get(id)?;
        let survey = held.survey()?;
        let received = held.received(&survey);
        // An open anonymous survey shows only its count, so views a day
        // apart cannot be subtracted; named answers are shown as they come.
        let aggregates = !held.is_open() || received.iter().all(|r| r.member.is_some());
        let results = aggregates.then(|| [survey.results(&received, None), survey.results(&received, Some(SurveyRole::Mentor)), survey.results(&received, Some(SurveyRole::Mentee))]);
        let named = received.iter().filter_map(|r| r.member.clone().map(|m| (m, r.answers.clone()))).collect();
        Some((survey, SurveyView { answered: received.len(), results, named }))
    }

    /// The change of each question of closed survey `id` since the last
    /// earlier closed survey (by the day published, then id) that asked
    /// the same question and shows a mean for it. The one rule the desk and
    /// the report both use. A question asked before but with no mean to
    /// compare (too few answers, then or now) gives `None`; one never asked
    /// before gives no row.
    pub fn change_since_earlier(&self, id: &str) -> Vec<(String, Option<f64>)> {
        let Some(this) = self.surveys.get(id).filter(|s| !s.is_open()) else { return Vec::new() };
        let Some((survey, SurveyView { results: Some([now, _, _]), .. })) = self.survey_view(id) else { return Vec::new() };
        let this_place = (this.published_on, id);
        let mut earlier: Vec<(&String, &ProgramSurvey)> =
            self.surveys.iter().filter(|(other, s)| !s.is_open() && (s.published_on, other.as_str()) < this_place).collect();
        crate::sort::by(&mut earlier, |a, b| (&b.1.published_on, b.0).cmp(&(&a.1.published_on, a.0)));
        // Latest first: each earlier survey's shown results.
        let before: Vec<Vec<QuestionResult>> = earlier.iter().filter_map(|(other, _)| self.survey_view(other)?.1.results.map(|[whole, _, _]| whole)).collect();
        let mean = |r: &QuestionResult| match r.shown {
            Shown::Points { mean, .. } => Some(mean),
            _ => None,
        };
        survey
            .questions
            .iter()
            .zip(&now)
            .filter_map(|(q, after)| {
                let asked: Vec<&QuestionResult> = before.iter().filter_map(|results| results.iter().find(|r| r.question == q.id)).collect();
                if asked.is_empty() {
                    return None;
                }
                let was = asked.into_iter().find_map(mean);
                Some((q.id.clone(), was.zip(mean(after)).map(|(b, a)| a - b)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;
    use crate::program::{Member, ProgramTemplate};

    fn day(text: &str) -> NaiveDate {
        parse_day(text).expect("a day")
    }

    fn answer(survey: &Survey, role: SurveyRole, pairs: &[(&str, AnswerValue)]) -> SurveyAnswers {
        SurveyAnswers { survey: survey.id.clone(), role, answers: pairs.iter().map(|(q, v)| (q.to_string(), v.clone())).collect() }
    }

    fn anonymous(role: SurveyRole, pairs: &[(&str, AnswerValue)]) -> Received {
        Received { role, member: None, answers: pairs.iter().map(|(q, v)| (q.to_string(), v.clone())).collect() }
    }

    fn named(who: &str, role: SurveyRole, pairs: &[(&str, AnswerValue)]) -> Received {
        Received { member: Some(who.into()), ..anonymous(role, pairs) }
    }

    #[test]
    fn answers_out_of_bounds_are_refused() {
        let s = libraries_survey("post", true);
        let ok = answer(&s, SurveyRole::Mentee, &[("goals", AnswerValue::Likert(4)), ("meetings", AnswerValue::Choice(1)), ("recommend", AnswerValue::Scale(10))]);
        assert_eq!(s.check(&ok), Ok(()));
        let bad = [
            (answer(&s, SurveyRole::Mentee, &[("goals", AnswerValue::Likert(6))]), AnswerRefused::OutOfRange),
            (answer(&s, SurveyRole::Mentee, &[("goals", AnswerValue::Likert(0))]), AnswerRefused::OutOfRange),
            (answer(&s, SurveyRole::Mentee, &[("meetings", AnswerValue::Choice(3))]), AnswerRefused::OutOfRange),
            (answer(&s, SurveyRole::Mentee, &[("recommend", AnswerValue::Scale(11))]), AnswerRefused::OutOfRange),
            (answer(&s, SurveyRole::Mentee, &[("goals", AnswerValue::Scale(3))]), AnswerRefused::OutOfRange),
            (answer(&s, SurveyRole::Mentee, &[("salary", AnswerValue::Likert(3))]), AnswerRefused::NoSuchQuestion),
            (answer(&s, SurveyRole::Mentee, &[("improve", AnswerValue::Text("é".repeat(MAX_TEXT_ANSWER + 1)))]), AnswerRefused::TooLong),
        ];
        for (answers, why) in bad {
            assert_eq!(s.check(&answers), Err(why));
        }
        let elsewhere = SurveyAnswers { survey: "pre".into(), ..ok.clone() };
        assert_eq!(s.check(&elsewhere), Err(AnswerRefused::OtherSurvey));
        let mentees_only = Survey { for_role: Some(SurveyRole::Mentee), ..s.clone() };
        assert_eq!(mentees_only.check(&SurveyAnswers { role: SurveyRole::Mentor, ..ok }), Err(AnswerRefused::NotForRole));
    }

    #[test]
    fn a_group_below_the_threshold_shows_nothing_but_its_size() {
        let s = libraries_survey("post", true);
        let mut all = Vec::new();
        for n in 0..6u8 {
            all.push(anonymous(SurveyRole::Mentee, &[("goals", AnswerValue::Likert(1 + n % 5)), ("improve", AnswerValue::Text(format!("idea {n}")))]));
        }
        // Two mentors: their breakdown is hidden, and so the mentees' too
        // (the whole minus the mentees would be the two mentors).
        for _ in 0..2 {
            all.push(anonymous(SurveyRole::Mentor, &[("goals", AnswerValue::Likert(5)), ("improve", AnswerValue::Text("only mentors say this".into()))]));
        }
        let whole = s.results(&all, None);
        assert_eq!(whole[0].answered, 8);
        assert!(matches!(&whole[0].shown, Shown::Points { counts, .. } if counts.iter().sum::<u32>() == 8));
        let mentors = s.results(&all, Some(SurveyRole::Mentor));
        assert_eq!(mentors[0], QuestionResult { question: "goals".into(), answered: 2, shown: Shown::TooFew });
        assert!(mentors.iter().all(|r| r.shown == Shown::TooFew));
        let mentees = s.results(&all, Some(SurveyRole::Mentee));
        assert!(mentees.iter().all(|r| r.shown == Shown::TooFew), "no complement of a hidden group: {mentees:?}");
        // Texts are sorted, whoever wrote them first.
        let Shown::Texts(texts) = &whole.iter().find(|r| r.question == "improve").unwrap().shown else { panic!("texts shown") };
        assert_eq!(texts.first().map(String::as_str), Some("idea 0"));
        assert!(texts.windows(2).all(|w| w[0] <= w[1]));
        // A threshold set below the floor is the floor.
        let lax = Survey { threshold: 1, ..s.clone() };
        assert_eq!(lax.threshold(), MIN_THRESHOLD);
        assert_eq!(lax.results(&all, Some(SurveyRole::Mentor))[0].shown, Shown::TooFew);
        // With five mentors, every breakdown shows.
        for _ in 0..3 {
            all.push(anonymous(SurveyRole::Mentor, &[("goals", AnswerValue::Likert(4))]));
        }
        assert!(matches!(s.results(&all, Some(SurveyRole::Mentee))[0].shown, Shown::Points { .. }));
        assert!(matches!(s.results(&all, Some(SurveyRole::Mentor))[0].shown, Shown::Points { .. }));
    }

    /// Whatever the mix, no group of 1..threshold anonymous answers can be
    /// worked out from what is shown: named answers (shown one by one)
    /// subtracted from a total, or one role subtracted from the whole.
    #[test]
    fn no_small_anonymous_group_can_be_worked_out_by_subtraction() {
        let s = Survey { threshold: 3, ..libraries_survey("pre", false) };
        let goals = |n: u8| vec![("goals", AnswerValue::Likert(n))];
        for anon_mentors in 0..5usize {
            for anon_mentees in 0..5usize {
                for named_count in 0..3usize {
                    let mut all: Vec<Received> = Vec::new();
                    all.extend((0..anon_mentors).map(|i| anonymous(SurveyRole::Mentor, &goals(1 + (i % 5) as u8))));
                    all.extend((0..anon_mentees).map(|i| anonymous(SurveyRole::Mentee, &goals(5 - (i % 5) as u8))));
                    all.extend((0..named_count).map(|i| named(&format!("m{i}"), if i % 2 == 0 { SurveyRole::Mentor } else { SurveyRole::Mentee }, &goals(3))));
                    let shown = |r: &[QuestionResult]| !matches!(r[0].shown, Shown::TooFew);
                    let (whole, mentors, mentees) = (shown(&s.results(&all, None)), shown(&s.results(&all, Some(SurveyRole::Mentor))), shown(&s.results(&all, Some(SurveyRole::Mentee))));
                    let small = |n: usize| n > 0 && n < 3;
                    // Shown whole minus the named: the anonymous whole.
                    if whole {
                        assert!(!small(anon_mentors + anon_mentees), "{anon_mentors}/{anon_mentees}/{named_count}");
                    }
                    // A shown role gives that role's anonymous group, and the
                    // whole minus it the other's.
                    if mentors || mentees {
                        assert!(!small(anon_mentors) && !small(anon_mentees), "{anon_mentors}/{anon_mentees}/{named_count}");
                    }
                    if anon_mentors + anon_mentees >= 3 || anon_mentors + anon_mentees == 0 {
                        assert!(whole || all.is_empty(), "a large enough whole is shown");
                    }
                }
            }
        }
    }

    #[test]
    fn pre_and_post_compare_from_the_aggregates() {
        let pre = libraries_survey("pre", false);
        let post = libraries_survey("post", true);
        let before: Vec<_> = (0..5).map(|_| anonymous(SurveyRole::Mentee, &[("goals", AnswerValue::Likert(2))])).collect();
        let after: Vec<_> = (0..5).map(|_| anonymous(SurveyRole::Mentee, &[("goals", AnswerValue::Likert(4))])).collect();
        let change = pre_post(&pre.results(&before, None), &post.results(&after, None));
        assert_eq!(change[0], ("goals".to_string(), Some(2.0)));
        // No answers to "confidence" on either side: no change shown.
        assert_eq!(change[1], ("confidence".to_string(), None));
        assert_eq!(change.len(), 4, "only the questions both ask");
    }

    #[test]
    fn a_survey_is_due_by_role_and_time_in_the_program() {
        let s = SurveyTemplate::ThirtyDays.survey("t");
        assert!(!s.is_due(SurveyRole::Mentee, day("2026-11-15"), day("2026-12-01")));
        assert!(s.is_due(SurveyRole::Mentee, day("2026-11-01"), day("2026-12-01")));
        let mentors = Survey { for_role: Some(SurveyRole::Mentor), ..s };
        assert!(!mentors.is_due(SurveyRole::Mentee, day("2026-01-01"), day("2026-12-01")));
        assert!(mentors.is_due(SurveyRole::Mentor, day("2026-01-01"), day("2026-12-01")));
        for t in SurveyTemplate::ALL {
            assert!(t.survey("x").is_sound(), "{t:?}");
            assert_eq!(SurveyTemplate::parse(t.as_str()), Some(t));
        }
    }

    fn program_with(members: &[(&str, MemberRole, &InboxAddress)]) -> Program {
        let mut p = Program::new("Libraries", ProgramTemplate::LibrariesMentoring, day("2026-09-01"));
        for (id, role, inbox) in members {
            let intake = match role {
                MemberRole::Mentor => crate::program::IntakeRole::VolunteerToMentor,
                MemberRole::Mentee => crate::program::IntakeRole::RequestMentor,
            };
            let m = Member::from_letter(id, &crate::program::IntakeForm::example(intake, id, "Cataloguing"), &inbox.to_text(), day("2026-09-02"));
            p.roster.insert(id.to_string(), m);
        }
        p
    }

    fn inbox(seed: u8) -> InboxAddress {
        crate::sync::inbox::InboxKeys::from_seed([seed; 32]).address()
    }

    #[test]
    fn the_program_keeps_each_answer_once_and_names_only_members() {
        let (ana, oli, eve) = (inbox(1), inbox(2), inbox(9));
        let mut p = program_with(&[("ana", MemberRole::Mentee, &ana), ("oli", MemberRole::Mentor, &oli)]);
        let today = day("2026-12-01");
        let survey = Survey { naming: Naming::EachChooses, threshold: 3, ..libraries_survey("pre", false) };
        assert!(p.publish_survey(&survey, today));
        assert!(!p.publish_survey(&survey, today), "one survey per id");
        let letter = |id: Option<&str>, role, n| SurveyLetter { answer_id: id.map(str::to_string), answers: answer(&survey, role, &[("goals", AnswerValue::Likert(n))]) };
        // Anonymous, sent twice: counted once, the later kept.
        let id = "ab".repeat(16);
        assert_eq!(p.receive_survey_answer(None, &letter(Some(&id), SurveyRole::Mentee, 2), today), Ok(()));
        assert_eq!(p.receive_survey_answer(None, &letter(Some(&id), SurveyRole::Mentee, 3), today), Ok(()));
        assert_eq!(p.surveys["pre"].answers.len(), 1);
        // Named: from a member only, with the roster's role whatever the letter says.
        assert_eq!(p.receive_survey_answer(Some(&eve), &letter(None, SurveyRole::Mentee, 4), today), Err(AnswerRefused::NotAMember));
        assert_eq!(p.receive_survey_answer(Some(&oli), &letter(None, SurveyRole::Mentee, 4), today), Ok(()));
        assert_eq!(p.surveys["pre"].answers["member:oli"].role, MemberRole::Mentor);
        assert!(p.surveys["pre"].answers[&format!("anonymous:{id}")].received_on.is_none(), "no day on an anonymous answer");
        // No more anonymous answers than members asked who did not answer
        // with their name: two members, one named, so one anonymous.
        assert_eq!(p.receive_survey_answer(None, &letter(Some(&"cd".repeat(16)), SurveyRole::Mentee, 5), today), Err(AnswerRefused::TooMany));
        // An anonymous letter needs its answer id; a malformed one is refused.
        assert_eq!(p.receive_survey_answer(None, &letter(Some("x"), SurveyRole::Mentee, 5), today), Err(AnswerRefused::WrongNaming));
        // While open, only the named answer and the count.
        let (_, view) = p.survey_view("pre").expect("the survey");
        assert_eq!(view.answered, 2);
        assert!(view.results.is_none(), "no aggregates while an anonymous survey is open");
        assert_eq!(view.named.len(), 1);
        // Closed: it takes nothing more; the one anonymous answer stays
        // hidden (2 in all, but the named one subtracted would leave it).
        p.close_survey("pre", today);
        assert_eq!(p.receive_survey_answer(Some(&ana), &letter(None, SurveyRole::Mentee, 1), today), Err(AnswerRefused::NotOpen));
        let (_, view) = p.survey_view("pre").expect("the survey");
        let [whole, _, _] = view.results.expect("results once closed");
        assert_eq!(whole[0].shown, Shown::TooFew);

        // A named survey: an anonymous letter is refused, and the reverse.
        let named_survey = Survey { id: "named".into(), naming: Naming::Named, ..survey.clone() };
        assert!(p.publish_survey(&named_survey, today));
        let to_named = |id: Option<&str>| SurveyLetter { answer_id: id.map(str::to_string), answers: answer(&named_survey, SurveyRole::Mentee, &[("goals", AnswerValue::Likert(4))]) };
        assert_eq!(p.receive_survey_answer(None, &to_named(Some(&id)), today), Err(AnswerRefused::WrongNaming));
        let anon_survey = Survey { id: "anon".into(), naming: Naming::Anonymous, ..survey };
        assert!(p.publish_survey(&anon_survey, today));
        let to_anon = SurveyLetter { answer_id: None, answers: answer(&anon_survey, SurveyRole::Mentee, &[("goals", AnswerValue::Likert(4))]) };
        assert_eq!(p.receive_survey_answer(Some(&ana), &to_anon, today), Err(AnswerRefused::WrongNaming));
        // The page lists the open ones only.
        let page = crate::program::page::ProgramPage::of(&p, "inbox");
        let ids: Vec<String> = page.surveys().into_iter().map(|s| s.id).collect();
        assert_eq!(ids, ["anon", "named"]);
    }

    #[test]
    fn a_survey_closed_on_a_day_that_does_not_read_stays_closed() {
        use automerge::transaction::Transactable;
        use automerge::{AutoCommit, ReadDoc, ScalarValue, ROOT};
        let ana = inbox(1);
        let mut p = program_with(&[("ana", MemberRole::Mentee, &ana)]);
        let today = day("2026-12-01");
        let survey = Survey { naming: Naming::Named, ..libraries_survey("pre", false) };
        assert!(p.publish_survey(&survey, today));
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &p).unwrap();
        let (_, surveys) = doc.get(ROOT, "surveys").unwrap().unwrap();
        let (_, pre) = doc.get(&surveys, "pre").unwrap().unwrap();
        // Open is empty text, as it always was; closed is the day.
        assert_eq!(autosurgeon::hydrate_prop::<_, String, _, _>(&doc, &pre, "closed_on").unwrap(), "");
        let letter = SurveyLetter { answer_id: None, answers: answer(&survey, SurveyRole::Mentee, &[("goals", AnswerValue::Likert(4))]) };
        for odd in [ScalarValue::Str("last week".into()), ScalarValue::Int(1), ScalarValue::Null] {
            doc.put(&pre, "closed_on", odd).unwrap();
            let mut read: Program = autosurgeon::hydrate(&doc).unwrap();
            assert_eq!(read.surveys["pre"].closed_on, SurveyClosing::OnAnUnreadableDay);
            assert!(read.open_surveys().is_empty(), "not listed as open");
            assert_eq!(read.receive_survey_answer(Some(&ana), &letter, today), Err(AnswerRefused::NotOpen));
            // Written back as closed, never as open.
            autosurgeon::reconcile(&mut doc, &read).unwrap();
            assert_eq!(autosurgeon::hydrate::<_, Program>(&doc).unwrap().surveys["pre"].closed_on, SurveyClosing::OnAnUnreadableDay);
            read.close_survey("pre", today);
            assert_eq!(read.surveys["pre"].closed_on, SurveyClosing::OnAnUnreadableDay, "closing again changes nothing");
        }
        p.close_survey("pre", today);
        autosurgeon::reconcile(&mut doc, &p).unwrap();
        assert_eq!(autosurgeon::hydrate_prop::<_, String, _, _>(&doc, &pre, "closed_on").unwrap(), "2026-12-01");
        assert_eq!(autosurgeon::hydrate::<_, Program>(&doc).unwrap().surveys["pre"].closed_on, SurveyClosing::On(today));
    }

    #[test]
    fn a_hostile_page_lists_no_unsound_survey() {
        let mut page = crate::program::page::ProgramPage::of(&Program::new("P", ProgramTemplate::LibrariesMentoring, day("2026-09-01")), "inbox");
        let mut huge = libraries_survey("big", false);
        huge.questions = (0..MAX_QUESTIONS + 1).map(|i| Question { id: format!("q{i}"), text: "?".into(), kind: QuestionKind::Likert }).collect();
        let mut twice = libraries_survey("twice", false);
        twice.questions.push(twice.questions[0].clone());
        let fine = libraries_survey("fine", false);
        page.surveys = serde_json::to_string(&vec![huge, twice, fine]).unwrap();
        assert_eq!(page.surveys().len(), 1);
        page.surveys = "not json".into();
        assert!(page.surveys().is_empty());
    }
}
