//! The coordinator's exports: the roster and the matches as CSV. Cells
//! come from intake forms anyone could send, so none is left to run as a
//! spreadsheet formula. A match's columns are counts the pair shared.

use chrono::NaiveDate;

use crate::calendar_day::day_text_or_empty;

use super::{MatchStatus, MemberRole, MemberState, Program};
use crate::workshop::summary::inert;

fn finish(out: csv::Writer<Vec<u8>>) -> String {
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `name,role,department,contact,topics,places,state,received_on`.
pub fn roster_csv(program: &Program) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(["name", "role", "department", "contact", "topics", "places", "state", "received_on"]);
    for m in program.roster.values() {
        let role = match m.role {
            MemberRole::Mentor => &program.settings.mentor_role,
            MemberRole::Mentee => &program.settings.mentee_role,
        };
        let state = match m.state {
            MemberState::Waiting => "waiting",
            MemberState::Matched => "matched",
            MemberState::Left => "left",
        };
        let places = if m.role == MemberRole::Mentor { m.capacity.to_string() } else { String::new() };
        let _ = out.write_record([inert(&m.name), inert(role), inert(&m.department), inert(&m.contact), inert(&m.topics.join("; ")), places, state.into(), day_text_or_empty(m.received_on)]);
    }
    finish(out)
}

/// `mentor,mentee,matched_on,status,ended_on,meetings_held,last_meeting`.
pub fn matches_csv(program: &Program) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(["mentor", "mentee", "matched_on", "status", "ended_on", "meetings_held", "last_meeting"]);
    let name = |id: &str| program.roster.get(id).map(|m| m.name.clone()).unwrap_or_default();
    let mut matches: Vec<_> = program.matches.values().collect();
    crate::sort::by(&mut matches, |a, b| (&a.matched_on, &a.id).cmp(&(&b.matched_on, &b.id)));
    for m in matches {
        let check_in = m.latest_check_in();
        let status = match m.status {
            MatchStatus::Introduced => "running",
            MatchStatus::Completed => "completed",
            MatchStatus::EndedEarly => "ended early",
        };
        let _ = out.write_record([
            inert(&name(&m.mentor)),
            inert(&name(&m.mentee)),
            day_text_or_empty(m.matched_on),
            status.into(),
            day_text_or_empty(m.ended_on),
            check_in.as_ref().map(|c| c.meetings_held().to_string()).unwrap_or_default(),
            check_in.and_then(|c| c.last_meeting).map(crate::calendar_day::day_text).unwrap_or_default(),
        ]);
    }
    finish(out)
}

/// The program report a coordinator sends their director: matches by
/// outcome, meetings per month from the counts pairs chose to share, and
/// every closed survey's shown means with the change since an earlier
/// survey asking the same (never a group the survey hides).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramReport {
    pub name: String,
    pub made: u32,
    pub active: u32,
    pub completed: u32,
    pub ended_early: u32,
    pub mentors: u32,
    pub mentees: u32,
    pub waiting: u32,
    /// (year, month, meetings), oldest first.
    pub meetings_by_month: Vec<(i32, u32, u32)>,
    pub surveys: Vec<SurveyReport>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyReport {
    pub title: String,
    pub closed_on: Option<NaiveDate>,
    pub answered: usize,
    /// Each question with a mean shown: (question, mean, change since the
    /// earlier survey that asked it, where both show one).
    pub means: Vec<(String, f64, Option<f64>)>,
}

impl ProgramReport {
    pub fn of(program: &Program) -> ProgramReport {
        let count = |status: MatchStatus| program.matches.values().filter(|m| m.status == status).count() as u32;
        let mut months: std::collections::BTreeMap<(i32, u32), u32> = std::collections::BTreeMap::new();
        for m in program.matches.values() {
            for month in m.latest_check_in().map(|c| c.meetings_per_month).unwrap_or_default() {
                let n = months.entry((month.year, month.month)).or_insert(0);
                *n = n.saturating_add(month.meetings.min(31));
            }
        }
        let on_roster = |role: MemberRole| program.roster.values().filter(|m| m.role == role && m.state != MemberState::Left).count() as u32;
        // Closed surveys, oldest first, each question compared by the rule
        // the desk uses too (`Program::change_since_earlier`).
        let mut closed: Vec<(&String, &super::survey::ProgramSurvey)> = program.surveys.iter().filter(|(_, s)| !s.is_open()).collect();
        crate::sort::by(&mut closed, |a, b| (&a.1.published_on, a.0).cmp(&(&b.1.published_on, b.0)));
        let mut surveys = Vec::new();
        for (id, held) in closed {
            let Some((survey, view)) = program.survey_view(id) else { continue };
            let Some([whole, _, _]) = view.results else { continue };
            let changes: std::collections::BTreeMap<String, Option<f64>> = program.change_since_earlier(id).into_iter().collect();
            let means = survey
                .questions
                .iter()
                .zip(whole)
                .filter_map(|(q, r)| match r.shown {
                    super::survey::Shown::Points { mean, .. } => Some((q.text.clone(), mean, changes.get(&q.id).copied().flatten())),
                    _ => None,
                })
                .collect();
            surveys.push(SurveyReport { title: survey.title.clone(), closed_on: held.closed_on.day(), answered: view.answered, means });
        }
        ProgramReport {
            name: program.name.clone(),
            made: program.matches.len() as u32,
            active: count(MatchStatus::Introduced),
            completed: count(MatchStatus::Completed),
            ended_early: count(MatchStatus::EndedEarly),
            mentors: on_roster(MemberRole::Mentor),
            mentees: on_roster(MemberRole::Mentee),
            waiting: program.roster.values().filter(|m| m.state == MemberState::Waiting).count() as u32,
            meetings_by_month: months.into_iter().map(|((y, m), n)| (y, m, n)).collect(),
            surveys,
        }
    }

    /// The report as one CSV: `section,item,value,change`.
    pub fn csv(&self) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        let _ = out.write_record(["section", "item", "value", "change"]);
        let mut row = |section: &str, item: &str, value: String, change: String| {
            let _ = out.write_record([section, &inert(item), &value, &change]);
        };
        for (item, n) in [("made", self.made), ("active", self.active), ("completed", self.completed), ("ended early", self.ended_early)] {
            row("matches", item, n.to_string(), String::new());
        }
        for (item, n) in [("mentors", self.mentors), ("mentees", self.mentees), ("waiting for a match", self.waiting)] {
            row("members", item, n.to_string(), String::new());
        }
        for (y, m, n) in &self.meetings_by_month {
            row("meetings", &format!("{y}-{m:02}"), n.to_string(), String::new());
        }
        for s in &self.surveys {
            row(&format!("survey: {}", s.title), "answered", s.answered.to_string(), String::new());
            for (q, mean, change) in &s.means {
                row(&format!("survey: {}", s.title), q, format!("{mean:.2}"), change.map(|c| format!("{c:+.2}")).unwrap_or_default());
            }
        }
        drop(row);
        finish(out)
    }
}

/// The coordinator's check-in by e-mail (seed 000: "checks in by email
/// with advisees"): a `mailto:` draft to both of the pair, which the
/// coordinator reads and sends from their own mail. None if neither gave an
/// address that looks like one.
pub fn check_in_email(program: &Program, match_id: &str) -> Option<String> {
    let m = program.matches.get(match_id)?;
    let members: Vec<_> = [&m.mentor, &m.mentee].into_iter().filter_map(|id| program.roster.get(id.as_str())).collect();
    let to: Vec<&str> = members.iter().map(|p| p.contact.trim()).filter(|c| c.contains('@') && !c.contains([',', ';', '?', '&', ' '])).collect();
    if to.is_empty() {
        return None;
    }
    let subject = format!("Checking in: {}", program.name);
    let body = check_in_words(program, match_id)?;
    Some(format!("mailto:{}?subject={}&body={}", to.join(","), percent(&subject), percent(&body)))
}

/// The coordinator's check-in to a pair, ready to send by e-mail or, sealed,
/// in the app.
pub fn check_in_words(program: &Program, match_id: &str) -> Option<String> {
    let m = program.matches.get(match_id)?;
    let names: Vec<&str> = [&m.mentor, &m.mentee].into_iter().filter_map(|id| program.roster.get(id.as_str())).map(|p| p.name.as_str()).collect();
    Some(format!(
        "Dear {},\n\nI am checking in on how your {} partnership is going. Is there anything I can help with, or anything that stands in the way of meeting?\n\nBest wishes,\n{}",
        names.join(" and "),
        program.name,
        program.settings.coordinator_role
    ))
}

/// Percent-encoding for a `mailto:` query (RFC 6068): everything but the
/// unreserved characters.
fn percent(text: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;
    use crate::program::{IntakeForm, IntakeRole, Member, ProgramTemplate};

    #[test]
    fn the_roster_and_matches_export_without_formulas() {
        let today = parse_day("2026-09-01").unwrap();
        let mut p = Program::new("Libraries", ProgramTemplate::LibrariesMentoring, today);
        let form = |role, name: &str, department: &str| IntakeForm {
            contact: "x@example.edu".into(),
            topics: ["Job search".to_string()].into(),
            capacity: 2,
            ..IntakeForm::example(role, name, department)
        };
        p.roster.insert("a".into(), Member::from_form("a", &form(IntakeRole::VolunteerToMentor, "=HYPERLINK(\"x\")", "Access"), today));
        p.roster.insert("b".into(), Member::from_form("b", &form(IntakeRole::RequestMentor, "Bo", "Collections"), today));
        let draft = p.draft(today);
        p.publish(&draft, today, || "m1".into());
        let roster = roster_csv(&p);
        assert!(roster.starts_with("name,role,department,contact,topics,places,state,received_on\n"), "{roster}");
        assert!(roster.contains("'=HYPERLINK"), "{roster}");
        assert!(roster.contains("Bo,Mentee,Collections,x@example.edu,Job search,,matched,2026-09-01"), "{roster}");
        let matches = matches_csv(&p);
        assert!(matches.contains("\"'=HYPERLINK(\"\"x\"\")\",Bo,2026-09-01,running,,,"), "{matches}");
        let mail = check_in_email(&p, "m1").unwrap();
        assert!(mail.starts_with("mailto:x@example.edu,x@example.edu?subject=Checking%20in%3A%20Libraries&body=Dear%20"), "{mail}");
        assert!(!mail.contains(' ') && !mail.contains('\n'), "{mail}");
        assert_eq!(check_in_email(&p, "no such match"), None);
    }

    #[test]
    fn the_desk_and_the_report_compare_with_the_same_earlier_survey() {
        use crate::program::survey::{libraries_survey, AnswerValue, SurveyAnswers, SurveyLetter, SurveyRole};
        let today = parse_day("2027-06-01").unwrap();
        let mut p = Program::new("Libraries", ProgramTemplate::LibrariesMentoring, today);
        for name in ["Bo", "Cy", "Di", "Ed"] {
            let form = IntakeForm { topics: ["Job search".to_string()].into(), capacity: 1, ..IntakeForm::example(IntakeRole::RequestMentor, name, "Access") };
            p.roster.insert(name.into(), Member::from_form(name, &form, today));
        }
        // The same question three times: a pre-survey (mean 2), a mid-point
        // with too few answers to show, a post-survey (mean 5). Before, the
        // desk took the mid-point ("too few") and the report the pre-survey.
        for (id, n, value, on) in [("pre", 3, 2u8, "2026-10-01"), ("mid", 2, 4, "2027-01-15"), ("post", 3, 5, "2027-05-20")] {
            let survey = crate::program::survey::Survey { threshold: 3, ..libraries_survey(id, id == "post") };
            assert!(p.publish_survey(&survey, parse_day(on).unwrap()));
            for k in 0..n {
                let letter = SurveyLetter { answer_id: Some(format!("{k:032}")), answers: SurveyAnswers { survey: id.into(), role: SurveyRole::Mentee, answers: [("goals".to_string(), AnswerValue::Likert(value))].into() } };
                p.receive_survey_answer(None, &letter, today).unwrap();
            }
            p.close_survey(id, today);
        }
        let desk = p.change_since_earlier("post");
        assert_eq!(desk.iter().find(|(q, _)| q == "goals").map(|(_, d)| *d), Some(Some(3.0)), "the last earlier mean shown: the pre-survey's");
        let report = ProgramReport::of(&p);
        let post = report.surveys.iter().find(|s| s.title == "After the program").unwrap();
        assert_eq!(post.means[0].2, Some(3.0), "the report says the same");
        // The mid-point itself shows no mean, so it has no change either.
        assert_eq!(p.change_since_earlier("mid").iter().find(|(q, _)| q == "goals").map(|(_, d)| *d), Some(None));
        assert!(p.change_since_earlier("pre").is_empty(), "nothing asked before the first");
    }

    #[test]
    fn the_report_counts_outcomes_meetings_and_shown_survey_means_only() {
        use crate::program::survey::{libraries_survey, AnswerValue, SurveyAnswers, SurveyLetter, SurveyRole};
        let today = parse_day("2026-12-01").unwrap();
        let mut p = Program::new("Libraries", ProgramTemplate::LibrariesMentoring, today);
        for (i, (role, name)) in [(IntakeRole::VolunteerToMentor, "Mo"), (IntakeRole::RequestMentor, "Bo"), (IntakeRole::RequestMentor, "Cy"), (IntakeRole::RequestMentor, "Di"), (IntakeRole::RequestMentor, "Ed")].into_iter().enumerate() {
            let form = IntakeForm { topics: ["Job search".to_string()].into(), capacity: 1, ..IntakeForm::example(role, name, &format!("Dept {i}")) };
            p.roster.insert(name.into(), Member::from_form(name, &form, today));
        }
        let draft = p.draft(today);
        let ids = p.publish(&draft, today, || "m1".into());
        assert_eq!(ids.len(), 1);
        let check_in = crate::program::CheckIn {
            meetings_per_month: vec![crate::program::health::MonthCount { year: 2026, month: 10, meetings: 2 }, crate::program::health::MonthCount { year: 2026, month: 11, meetings: 1 }],
            last_meeting: parse_day("2026-11-10"),
            status: crate::partnership::PartnershipStatus::Active,
            needs_help: false,
            made_on: today,
        };
        p.matches.get_mut("m1").unwrap().check_in = serde_json::to_string(&check_in).ok();
        // Two surveys closed, one with three answers (shown), one with two (hidden).
        for (id, after, n, value, on) in [("pre", false, 3, 2u8, "2026-10-01"), ("post", true, 3, 4, "2026-11-20"), ("small", false, 2, 5, "2026-11-21")] {
            let survey = crate::program::survey::Survey { threshold: 3, ..libraries_survey(id, after) };
            assert!(p.publish_survey(&survey, parse_day(on).unwrap()));
            for k in 0..n {
                let letter = SurveyLetter { answer_id: Some(format!("{k:032}")), answers: SurveyAnswers { survey: id.into(), role: SurveyRole::Mentee, answers: [("goals".to_string(), AnswerValue::Likert(value))].into() } };
                p.receive_survey_answer(None, &letter, today).unwrap();
            }
            p.close_survey(id, today);
        }
        let report = ProgramReport::of(&p);
        assert_eq!((report.made, report.active, report.completed, report.ended_early), (1, 1, 0, 0));
        assert_eq!((report.mentors, report.mentees, report.waiting), (1, 4, 3));
        assert_eq!(report.meetings_by_month, vec![(2026, 10, 2), (2026, 11, 1)]);
        let titles: Vec<&str> = report.surveys.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles.len(), 3);
        let post = report.surveys.iter().find(|s| s.title == "After the program").unwrap();
        assert_eq!(post.means[0].0, "I have clear goals for my career in the next year.");
        assert_eq!(post.means[0].2, Some(2.0), "the change since the pre-survey");
        let small = report.surveys.iter().find(|s| s.answered == 2).unwrap();
        assert!(small.means.is_empty(), "a hidden group gives no mean to the report");
        let csv = report.csv();
        assert!(csv.contains("matches,made,1,\n") && csv.contains("meetings,2026-10,2,\n"), "{csv}");
        assert!(csv.contains("survey: After the program,I have clear goals for my career in the next year.,4.00,+2.00"), "{csv}");
    }
}
