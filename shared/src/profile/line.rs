//! A profile's line in the document index: what Home reads to know whose
//! side the person is on (see `document::Listed`), so that the first page
//! opens no document. Boundaries, contacts and private marks stay out.

use serde::{Deserialize, Serialize};

use super::{Profile, Role};
use crate::document::Listed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileLine {
    member_id: String,
    display_name: String,
    roles: Vec<Role>,
}

impl Listed for Profile {
    type Line = ProfileLine;

    fn line(&self) -> ProfileLine {
        ProfileLine { member_id: self.member_id.clone(), display_name: self.display_name.clone(), roles: self.roles.clone() }
    }

    fn from_line(line: ProfileLine) -> Profile {
        Profile { roles: line.roles, ..Profile::with_member_id(&line.display_name, &line.member_id) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partnership::{AgreedDuration, Partnership, Side};

    #[test]
    fn the_line_puts_the_person_on_the_same_side_and_keeps_private_marks_out() {
        let mut me = Profile::with_member_id("Ana", "ana");
        me.roles = vec![Role::Mentor];
        me.boundaries.update("No calls after 21:00");
        me.needs_attention = vec!["match-7".into()];
        let line = serde_json::to_value(me.line()).unwrap();
        assert!(!line.to_string().contains("21:00") && !line.to_string().contains("match-7"), "private texts stay out: {line}");
        let from_line = Profile::from_index(&line).expect("the line reads");
        assert_eq!((from_line.member_id.as_str(), from_line.display_name.as_str()), ("ana", "Ana"));
        // Open sides are chosen by role; a named side by member id.
        let open = Partnership::new("", "", "2026-01-10", AgreedDuration::Months(6));
        let mut named = open.clone();
        named.mentee_id = Some("ana".into());
        for p in [&open, &named] {
            assert_eq!(p.side_for(Some(&from_line)), p.side_for(Some(&me)));
        }
        assert_eq!(open.side_for(Some(&from_line)), Side::Mentor);
        assert_eq!(named.side_for(Some(&from_line)), Side::Mentee);
        assert!(Profile::from_index(&serde_json::json!({"member_id": 1})).is_none());
    }
}
