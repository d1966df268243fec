//! The coordinator's exports: the roster and the matches as CSV. Cells
//! come from intake forms anyone could send, so none is left to run as a
//! spreadsheet formula. A match's columns are counts the pair shared.

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
        let _ = out.write_record([inert(&m.name), inert(role), inert(&m.department), inert(&m.contact), inert(&m.topics.join("; ")), places, state.into(), m.received_on.clone()]);
    }
    finish(out)
}

/// `mentor,mentee,matched_on,status,ended_on,meetings_held,last_meeting`.
pub fn matches_csv(program: &Program) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(["mentor", "mentee", "matched_on", "status", "ended_on", "meetings_held", "last_meeting"]);
    let name = |id: &str| program.roster.get(id).map(|m| m.name.clone()).unwrap_or_default();
    let mut matches: Vec<_> = program.matches.values().collect();
    matches.sort_by(|a, b| (&a.matched_on, &a.id).cmp(&(&b.matched_on, &b.id)));
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
            m.matched_on.clone(),
            status.into(),
            m.ended_on.clone().unwrap_or_default(),
            check_in.as_ref().map(|c| c.meetings_held().to_string()).unwrap_or_default(),
            check_in.and_then(|c| c.last_meeting).map(crate::calendar_day::day_text).unwrap_or_default(),
        ]);
    }
    finish(out)
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
    let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
    let subject = format!("Checking in: {}", program.name);
    let body = format!(
        "Dear {},\n\nI am checking in on how your {} partnership is going. Is there anything I can help with, or anything that stands in the way of meeting?\n\nBest wishes,\n{}",
        names.join(" and "),
        program.name,
        program.settings.coordinator_role
    );
    Some(format!("mailto:{}?subject={}&body={}", to.join(","), percent(&subject), percent(&body)))
}

/// Percent-encoding for a `mailto:` query (RFC 6068): everything but the
/// unreserved characters.
fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
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
}
