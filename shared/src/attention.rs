//! Home: what needs the user's attention now, across their partnerships and
//! goal plans, most pressing first.

use chrono::NaiveDate;

use crate::calendar_day::{add_days, day_label};
use crate::document::DocumentId;
use crate::goal_plan::GoalPlan;
use crate::partnership::{AcademicCalendar, Partnership, Side};

/// Milestones show on Home from this many days before they are due.
pub const MILESTONE_NOTICE_DAYS: u64 = 14;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// The next meeting by the cadence (or the one planned).
    NextMeeting { with: String, due: NaiveDate, planned: Option<NaiveDate> },
    /// The meeting is past due and nothing is planned.
    MeetingOverdue { with: String, due: NaiveDate, last_held: Option<NaiveDate> },
    /// Mentors: no check-in with this mentee yet this semester.
    SemesterCheckIn { with: String, semester: String, ends: NaiveDate },
    /// The term or agreement ends soon: continue or end?
    Continuation { with: String, term_ends: NaiveDate, last_term: bool },
    MilestoneDue { goal: String, milestone: String, due: NaiveDate, plan: String, whose: Whose },
    /// A group's next meeting: its day, and its time and place if set.
    GroupMeeting { group: String, day: NaiveDate, time: String, place: String },
}

/// Whose goal plan a milestone is in, seen by the person reading Home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    Mine,
    /// A partner's, by the name they go by in a partnership.
    Of(String),
    Unknown,
}

impl Whose {
    /// The plan made by the member `owner`: mine if it is `me`, else the
    /// partner of that member id among `partners` (member id, name).
    pub fn of_plan(owner: &str, me: Option<&str>, partners: &[(String, String)]) -> Whose {
        if owner.is_empty() {
            return Whose::Unknown;
        }
        if me == Some(owner) {
            return Whose::Mine;
        }
        partners.iter().find(|(id, name)| id == owner && !name.trim().is_empty()).map_or(Whose::Unknown, |(_, name)| Whose::Of(name.trim().to_owned()))
    }

    fn words(&self, plan: &str) -> String {
        match self {
            Whose::Mine => format!("in your plan \u{201c}{plan}\u{201d}"),
            Whose::Of(name) => format!("in {name}'s plan \u{201c}{plan}\u{201d}"),
            Whose::Unknown => format!("in the plan \u{201c}{plan}\u{201d}"),
        }
    }
}

/// Where Home puts an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HomeGroup {
    Overdue,
    ThisWeek,
    ComingUp,
}

impl HomeGroup {
    pub const ALL: [HomeGroup; 3] = [HomeGroup::Overdue, HomeGroup::ThisWeek, HomeGroup::ComingUp];

    pub fn title(self) -> &'static str {
        match self {
            HomeGroup::Overdue => "Overdue",
            HomeGroup::ThisWeek => "This week",
            HomeGroup::ComingUp => "Coming up",
        }
    }
}

/// One thing on Home, and the document it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    /// The partnership, or for a milestone the goal plan.
    pub document: DocumentId,
    pub need: Need,
}

impl Attention {
    /// The day it matters by, for ordering.
    pub fn by(&self) -> NaiveDate {
        match &self.need {
            Need::NextMeeting { due, planned, .. } => planned.unwrap_or(*due).min(*due),
            Need::MeetingOverdue { due, .. } => *due,
            Need::SemesterCheckIn { ends, .. } => *ends,
            Need::Continuation { term_ends, .. } => *term_ends,
            Need::MilestoneDue { due, .. } => *due,
            Need::GroupMeeting { day, .. } => *day,
        }
    }

    /// Overdue, within the next seven days (or a decision about going on),
    /// or later.
    pub fn group(&self, today: NaiveDate) -> HomeGroup {
        if self.is_late(today) {
            HomeGroup::Overdue
        } else if self.by() <= add_days(today, 7) || matches!(self.need, Need::Continuation { .. }) {
            HomeGroup::ThisWeek
        } else {
            HomeGroup::ComingUp
        }
    }

    /// Past its day: shown first and marked.
    pub fn is_late(&self, today: NaiveDate) -> bool {
        match &self.need {
            Need::MeetingOverdue { .. } => true,
            Need::NextMeeting { .. } | Need::SemesterCheckIn { .. } | Need::GroupMeeting { .. } => false,
            Need::Continuation { term_ends, .. } => today > *term_ends,
            Need::MilestoneDue { due, .. } => today > *due,
        }
    }

    /// The page that deals with it.
    pub fn path(&self) -> String {
        match self.need {
            Need::MilestoneDue { .. } => crate::paths::goal_plan(self.document),
            Need::GroupMeeting { .. } => crate::paths::group(self.document),
            _ => crate::paths::partnership(self.document),
        }
    }

    /// Needs doing now: late, due today or earlier, or a decision about
    /// going on. Home marks these and may notify about them.
    pub fn is_pressing(&self, today: NaiveDate) -> bool {
        self.is_late(today) || self.by() <= today || matches!(self.need, Need::Continuation { .. })
    }

    /// What Home says, in plain words, days written as in `day_label`.
    pub fn text(&self, today: NaiveDate) -> String {
        self.text_with(today, day_label)
    }

    /// What Home says, with days written by `day` (the app passes the
    /// browser's locale, so a day reads as the person writes it).
    pub fn text_with(&self, today: NaiveDate, day: impl Fn(NaiveDate) -> String) -> String {
        match &self.need {
            Need::NextMeeting { with, planned: Some(planned), .. } => {
                format!("Next meeting with {with}: planned for {}.", day(*planned))
            }
            Need::NextMeeting { with, due, planned: None } if *due == today => format!("Next meeting with {with} is due today."),
            Need::NextMeeting { with, due, planned: None } => format!("Next meeting with {with} is due by {}.", day(*due)),
            Need::MeetingOverdue { with, last_held: Some(last), .. } => {
                let days = (today - *last).num_days();
                if days >= 14 {
                    format!("You have not met {with} in {} weeks. Plan a meeting.", days / 7)
                } else {
                    format!("You have not met {with} in {days} days. Plan a meeting.")
                }
            }
            Need::MeetingOverdue { with, due, last_held: None } => {
                format!("Your introductory meeting with {with} was due on {}. Plan it.", day(*due))
            }
            Need::SemesterCheckIn { with, semester, ends } => {
                format!("Check in with {with} this semester ({semester} ends {}).", day(*ends))
            }
            Need::Continuation { with, term_ends, last_term: true } if today > *term_ends => {
                format!("Your agreement with {with} ended on {}: continue, or end the partnership?", day(*term_ends))
            }
            Need::Continuation { with, term_ends, last_term } => format!(
                "The {} with {with} ends on {}: continue, or end the partnership?",
                if *last_term { "agreement" } else { "term" },
                day(*term_ends)
            ),
            Need::MilestoneDue { goal, milestone, due, plan, whose } if today > *due => {
                format!("Milestone \u{201c}{milestone}\u{201d} ({goal}, {}) was due on {}.", whose.words(plan), day(*due))
            }
            Need::MilestoneDue { goal, milestone, due, plan, whose } => {
                format!("Milestone \u{201c}{milestone}\u{201d} ({goal}, {}) is due by {}.", whose.words(plan), day(*due))
            }
            Need::GroupMeeting { group, day: on, time, place } => {
                let when = if *on == today { "today".to_owned() } else { format!("on {}", day(*on)) };
                let at = if time.is_empty() { String::new() } else { format!(" at {time}") };
                let place = if place.trim().is_empty() { String::new() } else { format!(", {}", place.trim()) };
                format!("{group} meets {when}{at}{place}.")
            }
        }
    }
}

/// A group's next meeting, for Home to remind its members.
pub fn for_group(document: DocumentId, group: &crate::group::Group, today: NaiveDate) -> Option<Attention> {
    let (_, meeting) = group.next_meeting(today)?;
    let name = group.name.trim();
    Some(Attention {
        document,
        need: Need::GroupMeeting {
            group: if name.is_empty() { format!("Your {}", group.purpose.noun()) } else { name.to_owned() },
            day: meeting.date()?,
            time: meeting.start_time().map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
            place: meeting.place.chars().take(crate::group::MAX_LINE_CHARS).collect(),
        },
    })
}

/// What a partnership needs from the person on `side` today.
pub fn for_partnership(document: DocumentId, p: &Partnership, side: Side, calendar: &AcademicCalendar, today: NaiveDate) -> Vec<Attention> {
    let with = p.partner_name(side).trim();
    let with = if with.is_empty() { "your partner" } else { with }.to_owned();
    let item = |need| Attention { document, need };
    let mut items = Vec::new();
    if let Some(next) = p.next_meeting(today) {
        if next.days_overdue(today) > 0 {
            items.push(item(Need::MeetingOverdue { with: with.clone(), due: next.due, last_held: next.last_held }));
        } else {
            items.push(item(Need::NextMeeting { with: with.clone(), due: next.due, planned: next.planned }));
        }
    }
    if side == Side::Mentor {
        if let Some(semester) = p.semester_check_in(calendar, today) {
            items.push(item(Need::SemesterCheckIn { with: with.clone(), semester: semester.name(), ends: semester.ends }));
        }
    }
    if let Some(notice) = p.continuation_notice(calendar, today) {
        items.push(item(Need::Continuation { with, term_ends: notice.term_ends, last_term: notice.last_term }));
    }
    items
}

/// Milestones of a plan (`whose` it is) due within
/// [`MILESTONE_NOTICE_DAYS`], or overdue.
pub fn for_goal_plan(document: DocumentId, plan: &GoalPlan, whose: &Whose, today: NaiveDate) -> Vec<Attention> {
    let title = plan.title.as_str().trim().to_owned();
    plan.milestones_due(add_days(today, MILESTONE_NOTICE_DAYS))
        .into_iter()
        .map(|m| Attention {
            document,
            need: Need::MilestoneDue { goal: m.goal, milestone: m.milestone, due: m.due, plan: title.clone(), whose: whose.clone() },
        })
        .collect()
}

/// Late things first, then by day.
pub fn in_order(mut items: Vec<Attention>, today: NaiveDate) -> Vec<Attention> {
    crate::sort::by_key(&mut items, |a| (!a.is_late(today), a.by()));
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar_day::parse_day;
    use crate::partnership::{AgreedDuration, Meeting};

    fn day(text: &str) -> NaiveDate {
        parse_day(text).unwrap()
    }

    const P1: DocumentId = DocumentId::from_random([1; 16]);
    const G1: DocumentId = DocumentId::from_random([2; 16]);

    #[test]
    fn home_reminds_a_group_of_its_next_meeting() {
        let mut g = crate::group::Group::new("Later-stage reading group", crate::group::GroupPurpose::ReadingGroup, "", true, ("d", "Dana"), day("2026-12-01")).unwrap();
        let plan = crate::group::MeetingPlan::read("2026-12-08", "17:30", "90", "Room 204", "weekly", "2").unwrap();
        g.plan(&plan, &["a".into(), "b".into()]).unwrap();
        let next = for_group(G1, &g, day("2026-12-02")).unwrap();
        assert_eq!(next.text(day("2026-12-02")), "Later-stage reading group meets on Tue 8 Dec 2026 at 17:30, Room 204.");
        assert_eq!(next.group(day("2026-12-02")), HomeGroup::ThisWeek);
        assert!(!next.is_pressing(day("2026-12-02")));
        assert_eq!(next.path(), crate::paths::group(G1));
        let today = for_group(G1, &g, day("2026-12-08")).unwrap();
        assert_eq!(today.text(day("2026-12-08")), "Later-stage reading group meets today at 17:30, Room 204.");
        assert!(today.is_pressing(day("2026-12-08")), "a meeting today is marked");
        assert_eq!(for_group(G1, &g, day("2026-12-16")), None, "no meeting ahead, no reminder");
    }

    #[test]
    fn pressing_means_late_due_by_today_or_a_decision_to_take() {
        let today = day("2026-03-10");
        let meeting = |due: &str| Attention {
            document: P1,
            need: Need::NextMeeting { with: "Ana".into(), due: day(due), planned: None },
        };
        assert!(!meeting("2026-03-11").is_pressing(today), "tomorrow can wait");
        assert!(meeting("2026-03-10").is_pressing(today), "due today");
        let overdue = Attention { document: P1, need: Need::MeetingOverdue { with: "Ana".into(), due: day("2026-03-20"), last_held: None } };
        assert!(overdue.is_pressing(today), "overdue, whatever the day");
        let decide = Attention { document: P1, need: Need::Continuation { with: "Ana".into(), term_ends: day("2026-05-01"), last_term: false } };
        assert!(decide.is_pressing(today), "a decision about going on");
        let soon = Attention {
            document: P1,
            need: Need::MilestoneDue { goal: "g".into(), milestone: "m".into(), due: day("2026-03-12"), plan: "p".into(), whose: Whose::Mine },
        };
        assert!(!soon.is_pressing(today));
        assert_eq!(soon.group(today), HomeGroup::ThisWeek);
        assert_eq!(overdue.group(today), HomeGroup::Overdue);
        assert_eq!(meeting("2026-03-30").group(today), HomeGroup::ComingUp);
        assert_eq!(decide.group(today), HomeGroup::ThisWeek, "a decision waits in this week's list");
    }

    #[test]
    fn a_milestone_on_home_says_whose_plan_it_is_in() {
        let today = day("2026-03-10");
        let mut plan = GoalPlan::new("Year two", "sam-id");
        plan.add_goal("g", "Publish", "");
        plan.goal_mut("g").unwrap().add_milestone("m", "Draft", crate::calendar_day::parse_day("2026-03-12"));
        let partners = [("sam-id".to_owned(), "Sam Rivera".to_owned())];
        let for_mentor = for_goal_plan(G1, &plan, &Whose::of_plan(&plan.owner, Some("ana-id"), &partners), today);
        assert_eq!(for_mentor[0].text(today), "Milestone \u{201c}Draft\u{201d} (Publish, in Sam Rivera's plan \u{201c}Year two\u{201d}) is due by Thu 12 Mar 2026.");
        let for_mentee = for_goal_plan(G1, &plan, &Whose::of_plan(&plan.owner, Some("sam-id"), &partners), today);
        assert!(for_mentee[0].text(today).contains("in your plan"));
        assert_eq!(Whose::of_plan("", Some("x"), &partners), Whose::Unknown);
    }

    fn pair(start: &str, met_on: &[&str]) -> Partnership {
        let mut p = Partnership::new("Ana", "Sam", start, AgreedDuration::Semesters { count: 3, renewable: true });
        for (n, date) in met_on.iter().enumerate() {
            p.meetings.insert(format!("m{n}"), Meeting::new(&format!("m{n}"), date));
        }
        p
    }

    #[test]
    fn a_mentee_sees_when_the_next_meeting_is_due() {
        let cal = AcademicCalendar::default();
        let p = pair("2026-11-02", &["2026-11-02"]);
        let items = for_partnership(P1, &p, Side::Mentee, &cal, day("2026-11-10"));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].text(day("2026-11-10")), "Next meeting with Ana is due by Tue 17 Nov 2026.");
        assert_eq!(items[0].document, P1);
        assert_eq!(items[0].path(), crate::paths::partnership(P1));
    }

    #[test]
    fn an_overdue_check_in_says_how_long_it_has_been() {
        let cal = AcademicCalendar::default();
        let p = pair("2026-09-01", &["2026-09-01", "2026-09-15", "2026-10-01"]);
        let today = day("2026-11-05");
        let items = for_partnership(P1, &p, Side::Mentee, &cal, today);
        assert_eq!(items[0].text(today), "You have not met Ana in 5 weeks. Plan a meeting.");
        assert!(items[0].is_late(today));
        // The mentor sees the same from their side, with the mentee's name.
        let items = for_partnership(P1, &p, Side::Mentor, &cal, today);
        assert_eq!(items[0].text(today), "You have not met Sam in 5 weeks. Plan a meeting.");
    }

    #[test]
    fn mentors_are_reminded_of_the_semester_check_in_and_both_of_the_term_end() {
        let cal = AcademicCalendar::default();
        // Met only in the fall; spring is under way and ends in three weeks.
        let p = pair("2026-09-01", &["2026-09-01", "2026-09-15"]);
        let today = day("2027-04-30");
        let mentor = for_partnership(P1, &p, Side::Mentor, &cal, today);
        let texts: Vec<String> = in_order(mentor, today).iter().map(|a| a.text(today)).collect();
        assert_eq!(texts[0], "You have not met Sam in 32 weeks. Plan a meeting.");
        assert!(texts.contains(&"Check in with Sam this semester (spring 2027 ends Sat 15 May 2027).".to_string()));
        assert!(texts.contains(&"The term with Sam ends on Sat 15 May 2027: continue, or end the partnership?".to_string()));
        // Mentees get no semester check-in of their own.
        let mentee = for_partnership(P1, &p, Side::Mentee, &cal, today);
        assert!(!mentee.iter().any(|a| matches!(a.need, Need::SemesterCheckIn { .. })));
    }

    #[test]
    fn milestones_due_within_two_weeks_show_late_ones_first() {
        let mut plan = GoalPlan::new("Plan", "sam");
        plan.add_goal("g", "Publish", "");
        let g = plan.goal_mut("g").unwrap();
        g.add_milestone("a", "Draft", crate::calendar_day::parse_day("2026-11-30"));
        g.add_milestone("b", "Submit", crate::calendar_day::parse_day("2026-11-20"));
        g.add_milestone("c", "Revise", crate::calendar_day::parse_day("2027-01-30"));
        let today = day("2026-11-22");
        let items = in_order(for_goal_plan(G1, &plan, &Whose::Mine, today), today);
        let texts: Vec<String> = items.iter().map(|a| a.text(today)).collect();
        assert_eq!(
            texts,
            [
                "Milestone \u{201c}Submit\u{201d} (Publish, in your plan \u{201c}Plan\u{201d}) was due on Fri 20 Nov 2026.",
                "Milestone \u{201c}Draft\u{201d} (Publish, in your plan \u{201c}Plan\u{201d}) is due by Mon 30 Nov 2026."
            ]
        );
    }
}
