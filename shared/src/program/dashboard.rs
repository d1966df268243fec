//! The coordinator's dashboard of matches: each match's health, the
//! counts by health, and the matches that need a look first. A program
//! may hold hundreds of matches; the page draws a few rows at a time from
//! this order, so what needs the coordinator is always on the first screen.

use chrono::NaiveDate;

use super::health::{notice_due, Health};
use super::{CheckIn, Match, MatchStatus, Program};
use crate::partnership::agreement_ends;

/// One match as the dashboard shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchRow<'a> {
    pub m: &'a Match,
    pub health: Health,
    pub check_in: Option<CheckIn>,
    /// The term end whose continuation notice is due now, and whether it
    /// is the last term of the agreement.
    pub notice_due: Option<(NaiveDate, bool)>,
    /// Whether the coordinator should look at it now: asked for help,
    /// stalled, silent, a notice due, or a request to end.
    pub needs_look: bool,
}

impl MatchRow<'_> {
    /// The health in words; an ended match says how it ended.
    pub fn health_text(&self) -> String {
        match self.m.status {
            MatchStatus::Introduced => self.health.label(),
            MatchStatus::Completed => "Completed".into(),
            MatchStatus::EndedEarly => "Ended early".into(),
        }
    }
}

/// Every match, those needing a look first, and how many are in each state.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard<'a> {
    pub rows: Vec<MatchRow<'a>>,
    pub needing_a_look: usize,
    /// (state, matches in it), in a fixed order, states with none left out.
    pub counts: Vec<(&'static str, usize)>,
}

pub fn dashboard(program: &Program, today: NaiveDate) -> Dashboard<'_> {
    let calendar = program.settings.semesters.calendar();
    let mut rows: Vec<MatchRow<'_>> = program
        .matches
        .values()
        .map(|m| {
            let check_in = m.latest_check_in();
            let matched = m.matched_on;
            let open = m.status == MatchStatus::Introduced;
            let health = match (open, matched) {
                (true, Some(matched)) => super::health::health(matched, check_in.as_ref(), &program.settings, today),
                // A match whose day does not read cannot be judged: ask for a report.
                (true, None) => Health::NoReport,
                (false, _) => Health::Ended,
            };
            let notice = matched.filter(|_| open).and_then(|matched| {
                let sent = m.notice_sent_for;
                let ends = notice_due(matched, &program.settings, sent, today)?;
                Some((ends, agreement_ends(program.settings.duration, matched, &calendar) == Some(ends)))
            });
            // A pair that ended its partnership itself waits for the
            // coordinator to close the match.
            let needs_look = open && (health.needs_attention() || health == Health::Ended || notice.is_some() || !m.end_requests.is_empty());
            MatchRow { m, health, check_in, notice_due: notice, needs_look }
        })
        .collect();
    // Asked for help, then pairs that ended it themselves, requests to end,
    // stalled longest first, notices,
    // silence; then the rest, oldest match first; ended matches last.
    let urgency = |r: &MatchRow<'_>| -> (u8, i64) {
        if r.m.status != MatchStatus::Introduced {
            return (10, 0);
        }
        if !r.needs_look {
            return (9, 0);
        }
        match r.health {
            Health::NeedsHelp => (0, 0),
            Health::Ended => (1, 0),
            _ if !r.m.end_requests.is_empty() => (1, 0),
            Health::Stalled { days_since } => (2, -days_since),
            _ if r.notice_due.is_some() => (3, 0),
            _ => (4, 0),
        }
    };
    crate::sort::by(&mut rows, |a, b| (urgency(a), &a.m.matched_on, &a.m.id).cmp(&(urgency(b), &b.m.matched_on, &b.m.id)));
    let needing_a_look = rows.iter().filter(|r| r.needs_look).count();
    type InState = fn(&MatchRow<'_>) -> bool;
    let states: [(&'static str, InState); 7] = [
        ("asked for help", |r| r.m.status == MatchStatus::Introduced && r.health == Health::NeedsHelp),
        ("ended by the pair, to close", |r| r.m.status == MatchStatus::Introduced && r.health == Health::Ended),
        ("stalled", |r| r.m.status == MatchStatus::Introduced && matches!(r.health, Health::Stalled { .. })),
        ("no report", |r| r.m.status == MatchStatus::Introduced && r.health == Health::NoReport),
        ("on cadence", |r| r.m.status == MatchStatus::Introduced && r.health == Health::OnCadence),
        ("completed", |r| r.m.status == MatchStatus::Completed),
        ("ended early", |r| r.m.status == MatchStatus::EndedEarly),
    ];
    let counts = states.iter().map(|(label, is)| (*label, rows.iter().filter(|r| is(r)).count())).filter(|(_, n)| *n > 0).collect();
    Dashboard { rows, needing_a_look, counts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;
    use crate::program::{EndReason, EndRequest, Member, ProgramTemplate};
    use crate::program::{IntakeForm, IntakeRole};

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    fn program_with(matches: &[(&str, &str, Option<&str>)]) -> Program {
        let today = day("2026-12-01");
        let mut p = Program::new("Libraries mentoring", ProgramTemplate::LibrariesMentoring, today);
        for (id, matched_on, last_meeting) in matches {
            for (who, role) in [("mentor", IntakeRole::VolunteerToMentor), ("mentee", IntakeRole::RequestMentor)] {
                let member = format!("{who}-{id}");
                p.roster.insert(member.clone(), Member::from_form(&member, &IntakeForm::example(role, &member, "Libraries"), today));
            }
            let check_in = last_meeting.map(|last| {
                format!(r#"{{"meetings_per_month":[{{"year":2026,"month":11,"meetings":1}}],"last_meeting":"{last}","status":"Active","needs_help":false,"made_on":"2026-11-28"}}"#)
            });
            p.matches.insert(id.to_string(), Match {
                id: id.to_string(),
                mentor: format!("mentor-{id}"),
                mentee: format!("mentee-{id}"),
                matched_on: parse_day(matched_on),
                reasons: Vec::new(),
                status: MatchStatus::Introduced,
                ended_on: None,
                check_in,
                notice_sent_for: None,
                answers: Vec::new(),
                end_requests: Vec::new(),
            });
        }
        p
    }

    #[test]
    fn what_needs_a_look_comes_first_and_the_counts_add_up() {
        let today = day("2026-12-01");
        let mut p = program_with(&[
            ("a-fine", "2026-09-01", Some("2026-11-25")),
            ("b-stalled", "2026-09-01", Some("2026-10-01")),
            ("c-stalled-longer", "2026-09-01", Some("2026-09-10")),
            ("d-silent", "2026-09-01", None),
            ("e-ending", "2026-09-01", Some("2026-11-20")),
            ("f-done", "2026-02-01", Some("2026-06-01")),
            ("g-pair-ended", "2026-09-01", Some("2026-11-20")),
        ]);
        let ended = p.matches["g-pair-ended"].check_in.clone().unwrap().replace("\"Active\"", "\"Ended\"");
        p.matches.get_mut("g-pair-ended").unwrap().check_in = Some(ended);
        p.matches.get_mut("e-ending").unwrap().end_requests.push(EndRequest {
            member: "mentee-e-ending".into(),
            reason: EndReason::MismatchedSchedules,
            note: String::new(),
            sent_on: parse_day("2026-11-30"),
        });
        p.dissolve("f-done", EndReason::Completed, today);
        let board = dashboard(&p, today);
        let order: Vec<&str> = board.rows.iter().map(|r| r.m.id.as_str()).collect();
        assert_eq!(order, ["e-ending", "g-pair-ended", "c-stalled-longer", "b-stalled", "d-silent", "a-fine", "f-done"]);
        assert_eq!(board.needing_a_look, 5);
        assert_eq!(board.counts, vec![("ended by the pair, to close", 1), ("stalled", 2), ("no report", 1), ("on cadence", 2), ("completed", 1)]);
        assert_eq!(board.rows.iter().map(|r| r.health_text()).last().as_deref(), Some("Completed"));
        // The dashboard's health is the match's own.
        for row in &board.rows {
            assert_eq!(Some(row.health), row.m.health(&p.settings, today));
        }
    }

    #[test]
    fn a_continuation_notice_due_puts_the_match_on_the_first_screen() {
        // The Libraries' twelve months from 15 December 2025 end in two
        // weeks: the notice is due; a match from September is not.
        let p = program_with(&[("a", "2025-12-15", Some("2026-11-28")), ("b", "2026-09-01", Some("2026-11-28"))]);
        let board = dashboard(&p, day("2026-12-01"));
        let due: Vec<_> = board.rows.iter().filter(|r| r.notice_due.is_some()).map(|r| r.m.id.as_str()).collect();
        assert_eq!(due, ["a"]);
        assert!(board.rows[0].needs_look && board.rows[0].m.id == "a");
        assert_eq!(p.notices_due(day("2026-12-01")).len(), 1);
    }
}
