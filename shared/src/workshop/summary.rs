//! The facilitator's record of the event: a Markdown summary (attendance,
//! rounds, the wrap-up as shared without names) and the rounds' tables as
//! CSV, for a report or a spreadsheet. Nobody's private notes are in the
//! workshop document, so none can be here.

use super::wrap_up::{WrapUpView, ANONYMITY_THRESHOLD};
use super::Workshop;

/// How the event went, as far as the shared document knows.
pub struct EventFacts<'a> {
    /// The day it ran, as the facilitator reads days.
    pub day: &'a str,
    /// Rounds that were run (begun) by the end.
    pub rounds_run: u32,
    pub wrap_up: &'a WrapUpView,
}

pub fn summary_markdown(workshop: &Workshop, facts: &EventFacts<'_>) -> String {
    let present = workshop.roster.values().filter(|p| p.present).count();
    let mut md = format!("# {}\n\n{}\n\n", one_line(&workshop.title), facts.day);
    md.push_str(&format!("- People: {present} present of {} who joined\n", workshop.roster.len()));
    md.push_str(&format!("- Rounds: {} of {} planned, {} minutes each\n", facts.rounds_run, workshop.timeline.rounds(), workshop.round_minutes));
    md.push_str("\n## Wrap-up\n\n");
    match facts.wrap_up {
        WrapUpView::Waiting { respondents } => md.push_str(&format!(
            "{respondents} shared their answers; answers are shown once at least {ANONYMITY_THRESHOLD} people have shared, so nobody can be told apart.\n"
        )),
        WrapUpView::Shown { respondents, by_question } => {
            md.push_str(&format!("Shared without names by {respondents} people.\n"));
            for (question, answers) in by_question {
                md.push_str(&format!("\n### {}\n\n", one_line(question)));
                for answer in answers {
                    md.push_str(&format!("- {}\n", one_line(answer)));
                }
            }
        }
    }
    md
}

/// Every table of every round run: `round,table,people,sat_out`.
pub fn rounds_csv(workshop: &Workshop, rounds_run: u32) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(["round", "table", "people", "sat_out"]);
    for round in workshop.rounds.iter().filter(|r| r.number <= rounds_run) {
        for (at, group) in round.groups.iter().enumerate() {
            let people: Vec<String> = group.iter().map(|p| workshop.name_of(p)).collect();
            let _ = out.write_record([round.number.to_string(), (at + 1).to_string(), inert(&people.join("; ")), String::new()]);
        }
        if let Some(bye) = &round.bye {
            let _ = out.write_record([round.number.to_string(), String::new(), String::new(), inert(&workshop.name_of(bye))]);
        }
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A cell a spreadsheet will not run: names come from anyone who joined,
/// and one starting with `=` (or `+ - @`, a tab, a return) is a formula.
pub(crate) fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Text from participants on one line, so it cannot add headings or lists.
fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    line.trim_start_matches(['#', '-', '*', '>']).trim_start().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::{Participant, WorkshopRound};

    fn workshop() -> Workshop {
        let mut w = Workshop::new("Career success", "lee");
        for (id, name, present) in [("a", "Ana, PhD", true), ("s", "Sam", true), ("k", "Kim", true), ("m", "Max", false)] {
            w.roster.insert(id.into(), Participant { id: id.into(), name: name.into(), present, stage: None });
        }
        w.rounds = vec![
            WorkshopRound { number: 1, groups: vec![vec!["a".into(), "s".into()]], bye: Some("k".into()) },
            WorkshopRound { number: 2, groups: vec![vec!["a".into(), "k".into()]], bye: Some("s".into()) },
        ];
        w
    }

    #[test]
    fn the_csv_lists_each_table_and_who_sat_out_of_rounds_run() {
        let csv = rounds_csv(&workshop(), 1);
        assert_eq!(csv, "round,table,people,sat_out\n1,1,\"Ana, PhD; Sam\",\n1,,,Kim\n");
    }

    #[test]
    fn a_name_that_is_a_formula_stays_text_in_the_csv() {
        let mut w = workshop();
        w.roster.get_mut("k").unwrap().name = "=HYPERLINK(\"http://x\")".into();
        let csv = rounds_csv(&w, 1);
        assert!(csv.contains("1,,,\"'=HYPERLINK(\"\"http://x\"\")\"\n"), "{csv}");
    }

    #[test]
    fn the_summary_counts_people_and_rounds_and_keeps_answers_to_one_line() {
        let shown = WrapUpView::Shown { respondents: 3, by_question: vec![("What was most useful?".into(), vec!["# Heading\nand more".into()])] };
        let md = summary_markdown(&workshop(), &EventFacts { day: "Tue 1 Dec 2026", rounds_run: 2, wrap_up: &shown });
        assert!(md.contains("- People: 3 present of 4 who joined"));
        assert!(md.contains("- Rounds: 2 of 4 planned, 10 minutes each"));
        assert!(md.contains("\n- Heading and more\n"), "{md}");
        let waiting = WrapUpView::Waiting { respondents: 2 };
        let md = summary_markdown(&workshop(), &EventFacts { day: "Tue 1 Dec 2026", rounds_run: 2, wrap_up: &waiting });
        assert!(md.contains("2 shared their answers; answers are shown once at least 3 people"));
    }
}
