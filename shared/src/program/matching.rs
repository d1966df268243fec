//! The coordinator's draft matches: hard rules remove candidate pairs, soft
//! rules weigh the rest, and one global optimum is taken over every pair at
//! once, so a popular mentor is not handed to whoever came first.
//!
//! The optimum is, in this order: as many mentees placed as the hard rules
//! and the mentors' places allow, then the highest total of soft-rule scores.
//! With mentor/mentee roles it is an assignment of mentees to the mentors'
//! places (Kuhn–Munkres, from `pathfinding`); a peer program without roles
//! pairs people among themselves (a general matching, the blossom algorithm).
//! Inputs are sorted by id first, so the same roster gives the same draft on
//! every coordinator's device.

use std::collections::{BTreeMap, BTreeSet};

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

use super::intake::{Availability, CareerStage, MeetingMode};
use super::MemberId;

/// More places than this per mentor are read as this many: few mentor more
/// at once, and with the roster's bound it keeps the assignment small.
pub const MAX_CAPACITY: u32 = 5;

/// What the matching knows of a person, from their intake form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: MemberId,
    pub name: String,
    pub department: String,
    pub topics: BTreeSet<String>,
    pub career_stage: CareerStage,
    pub availability: Availability,
    pub meeting_mode: MeetingMode,
    /// People this person asked not to be matched with (their manager, ...).
    pub avoid: BTreeSet<MemberId>,
    /// Mentees a mentor takes at once; 0 for a mentee.
    pub capacity: u32,
    /// Whether the program's eligibility rule lets this person mentor now.
    pub eligible: bool,
}

/// What the program and the coordinator require.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchingRules {
    /// Peer Connections: connections "outside of their home departments".
    pub different_department: bool,
    /// (mentor, mentee) pairs the coordinator fixed.
    pub pinned: BTreeSet<(MemberId, MemberId)>,
    /// (mentor, mentee) pairs the coordinator ruled out, and pairs that were
    /// dissolved (the old pair is not offered again).
    pub forbidden: BTreeSet<(MemberId, MemberId)>,
}

/// A rule no draft breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HardRule {
    /// The mentor is not eligible yet (e.g. under a year of service).
    MentorNotEligible,
    /// Both are in the same department where the program forbids it.
    SameDepartment,
    /// One of them asked not to be matched with the other.
    Avoided,
    /// The coordinator ruled the pair out, or it was dissolved before.
    Forbidden,
    /// The mentor offered no places.
    NoPlaces,
    /// Someone cannot be matched with themselves.
    SamePerson,
}

impl HardRule {
    pub fn describe(self) -> &'static str {
        match self {
            HardRule::MentorNotEligible => "the mentor is not eligible yet",
            HardRule::SameDepartment => "they are in the same department",
            HardRule::Avoided => "one asked not to be matched with the other",
            HardRule::Forbidden => "the pair was ruled out",
            HardRule::NoPlaces => "the mentor offered no places",
            HardRule::SamePerson => "it is the same person",
        }
    }
}

/// Why a pair fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    SharedTopics(Vec<String>),
    MentorFurtherAlong,
    CommonTimes(u32),
    SameMeetingMode(MeetingMode),
}

impl Reason {
    pub fn describe(&self) -> String {
        match self {
            Reason::SharedTopics(topics) => format!("both chose {}", topics.join(", ")),
            Reason::MentorFurtherAlong => "the mentor is further along".to_string(),
            Reason::CommonTimes(1) => "one time in the week both are free".to_string(),
            Reason::CommonTimes(n) => format!("{n} times in the week both are free"),
            Reason::SameMeetingMode(mode) => format!("both prefer to meet {}", mode.describe()),
        }
    }
}

/// A soft rule a drafted pair breaks: allowed, but the coordinator is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SoftRule {
    SharedTopic,
    MentorFurtherAlong,
    CommonTime,
    MeetingMode,
}

impl SoftRule {
    pub fn describe_broken(self) -> &'static str {
        match self {
            SoftRule::SharedTopic => "no topic in common",
            SoftRule::MentorFurtherAlong => "the mentor is not further along",
            SoftRule::CommonTime => "no time in the week when both are free",
            SoftRule::MeetingMode => "one prefers to meet in person, the other online",
        }
    }
}

/// How well a pair fits: the score the optimum adds up, the reasons behind
/// it (strongest first) and the soft rules it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    pub score: i64,
    pub reasons: Vec<Reason>,
    pub broken: Vec<SoftRule>,
}

const TOPIC_POINTS: i64 = 30;
const FURTHER_ALONG_POINTS: i64 = 20;
const COMMON_TIME_POINTS: i64 = 5;
const COMMON_TIME_CAP: u32 = 5;
const MEETING_MODE_POINTS: i64 = 10;

/// The soft rules' weight of a mentor with a mentee (or of two peers, with
/// `mentor` the one further along).
pub fn fit(mentor: &Candidate, mentee: &Candidate) -> Fit {
    let mut scored: Vec<(i64, Reason)> = Vec::new();
    let mut broken = Vec::new();

    let shared: Vec<String> = mentor.topics.intersection(&mentee.topics).cloned().collect();
    if shared.is_empty() {
        broken.push(SoftRule::SharedTopic);
    } else {
        scored.push((TOPIC_POINTS * shared.len() as i64, Reason::SharedTopics(shared)));
    }
    if mentor.career_stage > mentee.career_stage {
        scored.push((FURTHER_ALONG_POINTS, Reason::MentorFurtherAlong));
    } else {
        broken.push(SoftRule::MentorFurtherAlong);
    }
    let common = mentor.availability.common(mentee.availability);
    if common == 0 {
        broken.push(SoftRule::CommonTime);
    } else {
        scored.push((COMMON_TIME_POINTS * i64::from(common.min(COMMON_TIME_CAP)), Reason::CommonTimes(common)));
    }
    match mentor.meeting_mode.agrees(mentee.meeting_mode) {
        Some(mode) => scored.push((MEETING_MODE_POINTS, Reason::SameMeetingMode(mode))),
        None => broken.push(SoftRule::MeetingMode),
    }

    // Strongest reason first; ties keep the order above.
    crate::sort::by_key(&mut scored, |(points, _)| std::cmp::Reverse(*points));
    Fit { score: scored.iter().map(|(p, _)| p).sum(), reasons: scored.into_iter().map(|(_, r)| r).collect(), broken }
}

/// The highest score one pair can have; the optimum's weights build on it.
const MAX_FIT: i64 = TOPIC_POINTS * super::intake::MAX_TOPICS as i64
    + FURTHER_ALONG_POINTS
    + COMMON_TIME_POINTS * COMMON_TIME_CAP as i64
    + MEETING_MODE_POINTS;

/// The hard rules that rule out `mentor` with `mentee`, if any.
pub fn ruled_out(mentor: &Candidate, mentee: &Candidate, rules: &MatchingRules) -> Option<HardRule> {
    let pair = (mentor.id.clone(), mentee.id.clone());
    if mentor.id == mentee.id {
        Some(HardRule::SamePerson)
    } else if !mentor.eligible {
        Some(HardRule::MentorNotEligible)
    } else if mentor.capacity == 0 {
        Some(HardRule::NoPlaces)
    } else if rules.forbidden.contains(&pair) {
        Some(HardRule::Forbidden)
    } else if mentor.avoid.contains(&mentee.id) || mentee.avoid.contains(&mentor.id) {
        Some(HardRule::Avoided)
    } else if rules.different_department && same_department(&mentor.department, &mentee.department) {
        Some(HardRule::SameDepartment)
    } else {
        None
    }
}

fn same_department(a: &str, b: &str) -> bool {
    let a = a.trim();
    !a.is_empty() && a.eq_ignore_ascii_case(b.trim())
}

/// One drafted pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftPair {
    pub mentor: MemberId,
    pub mentee: MemberId,
    pub fit: Fit,
    /// The coordinator fixed this pair.
    pub pinned: bool,
}

/// Why a mentee has no mentor in the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unplaced {
    /// Every mentor they could have is full with pairs that fit better.
    NoPlaceLeft,
    /// No mentor is allowed at all; how many mentors each hard rule removed.
    NoAllowedMentor(BTreeMap<HardRule, u32>),
}

/// A pin the draft could not keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedPin {
    pub mentor: MemberId,
    pub mentee: MemberId,
    pub why: PinRefusal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinRefusal {
    /// One of the two is no longer on the roster.
    NotOnRoster,
    Breaks(HardRule),
    /// The mentor's places are taken by earlier pins.
    MentorFull,
    /// The mentee is already pinned to another mentor.
    MenteePinned,
}

/// The coordinator's draft: pairs, who is left and why, and the shortfall.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    /// Sorted by mentor, then mentee.
    pub pairs: Vec<DraftPair>,
    /// Mentees without a mentor, sorted.
    pub unplaced: Vec<(MemberId, Unplaced)>,
    pub refused_pins: Vec<RefusedPin>,
    /// Places the eligible mentors offer in all.
    pub places: u32,
    /// Mentees beyond the places there are.
    pub shortfall: u32,
    /// Candidate pairs each hard rule removed, over the whole roster.
    pub ruled_out: BTreeMap<HardRule, u32>,
}

impl Draft {
    pub fn total_score(&self) -> i64 {
        self.pairs.iter().map(|p| p.fit.score).sum()
    }

    pub fn mentees_of<'a>(&'a self, mentor: &'a MemberId) -> impl Iterator<Item = &'a MemberId> + 'a {
        self.pairs.iter().filter(move |p| &p.mentor == mentor).map(|p| &p.mentee)
    }
}

fn sorted_unique(people: &[Candidate]) -> Vec<&Candidate> {
    let mut sorted: Vec<&Candidate> = people.iter().collect();
    crate::sort::by(&mut sorted, |a, b| a.id.cmp(&b.id));
    sorted.dedup_by(|a, b| a.id == b.id);
    sorted
}

/// The draft for mentees and mentors under `rules`: pins first, then the
/// optimum over everyone else.
pub fn draft(mentors: &[Candidate], mentees: &[Candidate], rules: &MatchingRules) -> Draft {
    let mentors = sorted_unique(mentors);
    let mentees = sorted_unique(mentees);
    let mut out = Draft::default();

    let capacity = |m: &Candidate| if m.eligible { m.capacity.min(MAX_CAPACITY) } else { 0 };
    out.places = mentors.iter().map(|m| capacity(m)).sum();
    out.shortfall = (mentees.len() as u32).saturating_sub(out.places);

    // Which pairs the hard rules allow, and the tally of what they removed.
    let mut allowed: Vec<Vec<bool>> = vec![vec![false; mentors.len()]; mentees.len()];
    for (e, mentee) in mentees.iter().enumerate() {
        for (m, mentor) in mentors.iter().enumerate() {
            match ruled_out(mentor, mentee, rules) {
                Some(rule) => *out.ruled_out.entry(rule).or_default() += 1,
                None => allowed[e][m] = true,
            }
        }
    }

    // Pins, in order: each takes a place if the hard rules allow it.
    let mut places_left: Vec<u32> = mentors.iter().map(|m| capacity(m)).collect();
    let mut placed = vec![false; mentees.len()];
    for (mentor_id, mentee_id) in &rules.pinned {
        let refuse = |why| RefusedPin { mentor: mentor_id.clone(), mentee: mentee_id.clone(), why };
        let (Ok(m), Ok(e)) = (
            mentors.binary_search_by(|c| c.id.cmp(mentor_id)),
            mentees.binary_search_by(|c| c.id.cmp(mentee_id)),
        ) else {
            out.refused_pins.push(refuse(PinRefusal::NotOnRoster));
            continue;
        };
        if let Some(rule) = ruled_out(mentors[m], mentees[e], rules) {
            out.refused_pins.push(refuse(PinRefusal::Breaks(rule)));
        } else if placed[e] {
            out.refused_pins.push(refuse(PinRefusal::MenteePinned));
        } else if places_left[m] == 0 {
            out.refused_pins.push(refuse(PinRefusal::MentorFull));
        } else {
            places_left[m] -= 1;
            placed[e] = true;
            out.pairs.push(DraftPair { mentor: mentor_id.clone(), mentee: mentee_id.clone(), fit: fit(mentors[m], mentees[e]), pinned: true });
        }
    }

    // The optimum over the rest: mentees as rows, the mentors' places as
    // columns (or the other way round, so that rows never outnumber columns).
    let rows: Vec<usize> = (0..mentees.len()).filter(|&e| !placed[e] && allowed[e].iter().any(|&a| a)).collect();
    let slots: Vec<usize> = (0..mentors.len()).flat_map(|m| std::iter::repeat_n(m, places_left[m] as usize)).collect();
    if !rows.is_empty() && !slots.is_empty() {
        // A placed pair outweighs any sum of scores, so the count comes first.
        let base = MAX_FIT * (rows.len().min(slots.len()) as i64 + 1);
        let weight = |e: usize, m: usize| if allowed[e][m] { base + fit(mentors[m], mentees[e]).score } else { 0 };
        let transposed = rows.len() > slots.len();
        let (n_rows, n_cols) = if transposed { (slots.len(), rows.len()) } else { (rows.len(), slots.len()) };
        let mut weights = Matrix::new(n_rows, n_cols, 0i64);
        for (r, &e) in rows.iter().enumerate() {
            // Places of one mentor weigh the same: compute once per mentor.
            let mut per_mentor: Vec<Option<i64>> = vec![None; mentors.len()];
            for (s, &m) in slots.iter().enumerate() {
                let w = *per_mentor[m].get_or_insert_with(|| weight(e, m));
                if transposed {
                    weights[(s, r)] = w;
                } else {
                    weights[(r, s)] = w;
                }
            }
        }
        let (_, assignment) = kuhn_munkres(&weights);
        for (a, &b) in assignment.iter().enumerate() {
            let (r, s) = if transposed { (b, a) } else { (a, b) };
            let (e, m) = (rows[r], slots[s]);
            if allowed[e][m] {
                placed[e] = true;
                out.pairs.push(DraftPair { mentor: mentors[m].id.clone(), mentee: mentees[e].id.clone(), fit: fit(mentors[m], mentees[e]), pinned: false });
            }
        }
    }
    crate::sort::by(&mut out.pairs, |a, b| (&a.mentor, &a.mentee).cmp(&(&b.mentor, &b.mentee)));

    for (e, mentee) in mentees.iter().enumerate() {
        if placed[e] {
            continue;
        }
        let why = if allowed[e].iter().any(|&a| a) {
            Unplaced::NoPlaceLeft
        } else {
            let mut tally = BTreeMap::new();
            for mentor in &mentors {
                if let Some(rule) = ruled_out(mentor, mentee, rules) {
                    *tally.entry(rule).or_default() += 1;
                }
            }
            Unplaced::NoAllowedMentor(tally)
        };
        out.unplaced.push((mentee.id.clone(), why));
    }
    out
}

/// Pairs of peers in a program without mentor and mentee roles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeerDraft {
    /// Each pair with the one further along first; sorted.
    pub pairs: Vec<DraftPair>,
    /// People without a partner: the odd one out, or someone no rule allows.
    pub unplaced: Vec<MemberId>,
}

/// Pairs among peers: as many allowed pairs as possible, then the highest
/// total score (a minimum-cost perfect matching over everyone, with a
/// stand-in for an odd count; pairs the hard rules forbid cost more than all
/// the rest together and are dropped if the optimum still needs them).
/// Pins and capacity do not apply: everyone has one partner.
pub fn draft_peers(people: &[Candidate], rules: &MatchingRules) -> PeerDraft {
    let people = sorted_unique(people);
    let n = people.len() + people.len() % 2;
    let peer_rules = |a: &Candidate, b: &Candidate| {
        let forbidden = rules.forbidden.contains(&(a.id.clone(), b.id.clone())) || rules.forbidden.contains(&(b.id.clone(), a.id.clone()));
        if forbidden {
            Some(HardRule::Forbidden)
        } else if a.avoid.contains(&b.id) || b.avoid.contains(&a.id) {
            Some(HardRule::Avoided)
        } else if rules.different_department && same_department(&a.department, &b.department) {
            Some(HardRule::SameDepartment)
        } else {
            None
        }
    };
    // The one further along leads; on a tie the lower id, so it is stable.
    let ordered = |i: usize, j: usize| -> (usize, usize) {
        if people[j].career_stage > people[i].career_stage { (j, i) } else { (i, j) }
    };
    let forbidden_cost = MAX_FIT * (n as i64 + 1);
    let mut cost = vec![0i64; n * n];
    for i in 0..people.len() {
        for j in i + 1..people.len() {
            let (l, f) = ordered(i, j);
            let c = match peer_rules(people[i], people[j]) {
                Some(_) => forbidden_cost,
                None => MAX_FIT - fit(people[l], people[f]).score,
            };
            cost[i * n + j] = c;
            cost[j * n + i] = c;
        }
    }
    let mate = if n == 0 { Vec::new() } else { integer_blossom::min_weight_perfect_matching(&cost, n) };
    let mut out = PeerDraft::default();
    for i in 0..people.len() {
        let j = mate[i];
        if j >= people.len() || peer_rules(people[i], people[j]).is_some() {
            out.unplaced.push(people[i].id.clone());
        } else if i < j {
            let (l, f) = ordered(i, j);
            out.pairs.push(DraftPair { mentor: people[l].id.clone(), mentee: people[f].id.clone(), fit: fit(people[l], people[f]), pinned: false });
        }
    }
    crate::sort::by(&mut out.pairs, |a, b| (&a.mentor, &a.mentee).cmp(&(&b.mentor, &b.mentee)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(id: &str, department: &str, topics: &[&str], stage: CareerStage, capacity: u32) -> Candidate {
        Candidate {
            id: MemberId::new(id),
            name: id.to_uppercase(),
            department: department.to_string(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            career_stage: stage,
            availability: Availability::from_slots(&[0, 1, 2]),
            meeting_mode: MeetingMode::Either,
            avoid: BTreeSet::new(),
            capacity,
            eligible: true,
        }
    }

    fn pairs(draft: &Draft) -> Vec<(String, String)> {
        draft.pairs.iter().map(|p| (p.mentor.to_string(), p.mentee.to_string())).collect()
    }

    #[test]
    fn the_department_rule_sends_a_mentee_to_a_mentor_of_another_department() {
        // The e2e's shape: one mentor of capacity two, two mentees, one of
        // them from the mentor's own department under Peer Connections' rule.
        let mentor = person("mira", "Chemistry", &["Career planning"], CareerStage::Senior, 2);
        let same = person("sam", "chemistry ", &["Career planning"], CareerStage::New, 0);
        let other = person("oli", "Physics", &["Job search"], CareerStage::New, 0);
        let rules = MatchingRules { different_department: true, ..Default::default() };
        let d = draft(&[mentor.clone()], &[same.clone(), other.clone()], &rules);
        assert_eq!(pairs(&d), vec![("mira".into(), "oli".into())]);
        assert_eq!(d.unplaced, vec![(MemberId::new("sam"), Unplaced::NoAllowedMentor(BTreeMap::from([(HardRule::SameDepartment, 1)])))]);
        assert_eq!(d.ruled_out.get(&HardRule::SameDepartment), Some(&1));
        assert_eq!((d.places, d.shortfall), (2, 0));
        // Without the rule both are placed, the shared topic first in the reasons.
        let d = draft(&[mentor], &[same, other], &MatchingRules::default());
        assert_eq!(pairs(&d), vec![("mira".into(), "oli".into()), ("mira".into(), "sam".into())]);
        let sam = &d.pairs[1];
        assert_eq!(sam.fit.reasons[0], Reason::SharedTopics(vec!["Career planning".into()]));
        assert_eq!(sam.fit.reasons[0].describe(), "both chose Career planning");
        assert!(d.pairs[0].fit.broken.contains(&SoftRule::SharedTopic));
    }

    #[test]
    fn a_popular_mentor_goes_where_the_whole_draft_gains_most() {
        // Greedy (first come, best fit) would give Ada to Bo and leave Cy
        // with nobody; the optimum places both.
        let ada = person("ada", "A", &["x", "y"], CareerStage::Senior, 1);
        let ben = person("ben", "B", &[], CareerStage::Senior, 1);
        let bo = person("bo", "C", &["x", "y"], CareerStage::New, 0);
        let mut cy = person("cy", "D", &["x"], CareerStage::New, 0);
        cy.avoid.insert(MemberId::new("ben"));
        let d = draft(&[ada, ben], &[bo, cy], &MatchingRules::default());
        assert_eq!(pairs(&d), vec![("ada".into(), "cy".into()), ("ben".into(), "bo".into())]);
        assert!(d.unplaced.is_empty());
    }

    #[test]
    fn capacity_shortfall_eligibility_pins_and_forbidden_pairs() {
        let ada = person("ada", "A", &["x"], CareerStage::Senior, 2);
        let mut new_hire = person("nia", "B", &["x"], CareerStage::Senior, 3);
        new_hire.eligible = false;
        let mentees: Vec<Candidate> = ["m1", "m2", "m3"].iter().map(|id| person(id, "C", &["x"], CareerStage::New, 0)).collect();
        let d = draft(&[ada.clone(), new_hire.clone()], &mentees, &MatchingRules::default());
        assert_eq!((d.places, d.shortfall, d.pairs.len()), (2, 1, 2));
        assert_eq!(d.unplaced.len(), 1);
        assert_eq!(d.unplaced[0].1, Unplaced::NoPlaceLeft);
        assert_eq!(d.ruled_out.get(&HardRule::MentorNotEligible), Some(&3));

        // A pin is kept; one that breaks a hard rule or overfills is refused.
        let rules = MatchingRules {
            pinned: BTreeSet::from([
                (MemberId::new("ada"), MemberId::new("m3")),
                (MemberId::new("nia"), MemberId::new("m1")),
                (MemberId::new("ghost"), MemberId::new("m1")),
            ]),
            forbidden: BTreeSet::from([(MemberId::new("ada"), MemberId::new("m1"))]),
            ..Default::default()
        };
        let d = draft(&[ada, new_hire], &mentees, &rules);
        assert_eq!(pairs(&d), vec![("ada".into(), "m2".into()), ("ada".into(), "m3".into())]);
        assert!(d.pairs.iter().any(|p| p.pinned && p.mentee.as_str() == "m3"));
        let refusals: Vec<&PinRefusal> = d.refused_pins.iter().map(|r| &r.why).collect();
        assert_eq!(refusals, vec![&PinRefusal::NotOnRoster, &PinRefusal::Breaks(HardRule::MentorNotEligible)]);
        assert_eq!(d.unplaced, vec![(MemberId::new("m1"), Unplaced::NoAllowedMentor(BTreeMap::from([(HardRule::MentorNotEligible, 1), (HardRule::Forbidden, 1)])))]);
    }

    #[test]
    fn the_same_roster_in_any_order_gives_the_same_draft() {
        let mentors: Vec<Candidate> = (0..4).map(|i| person(&format!("t{i}"), "A", &["x"], CareerStage::Senior, 2)).collect();
        let mentees: Vec<Candidate> = (0..6).map(|i| person(&format!("s{i}"), "B", &["x"], CareerStage::New, 0)).collect();
        let first = draft(&mentors, &mentees, &MatchingRules::default());
        let mut reversed_mentors = mentors.clone();
        reversed_mentors.reverse();
        let mut reversed_mentees = mentees.clone();
        reversed_mentees.reverse();
        assert_eq!(first, draft(&reversed_mentors, &reversed_mentees, &MatchingRules::default()));
    }

    #[test]
    fn peers_pair_among_themselves_across_departments() {
        let people = vec![
            person("a", "Chem", &["x"], CareerStage::Senior, 0),
            person("b", "Chem", &["x"], CareerStage::New, 0),
            person("c", "Bio", &["x"], CareerStage::New, 0),
            person("d", "Bio", &["y"], CareerStage::Early, 0),
            person("e", "Math", &["y"], CareerStage::New, 0),
        ];
        let rules = MatchingRules { different_department: true, ..Default::default() };
        let d = draft_peers(&people, &rules);
        assert_eq!(d.pairs.len(), 2);
        assert_eq!(d.unplaced.len(), 1);
        for p in &d.pairs {
            let dep = |id: &MemberId| people.iter().find(|c| &c.id == id).map(|c| c.department.clone());
            assert_ne!(dep(&p.mentor), dep(&p.mentee));
        }
        assert_eq!(draft_peers(&[], &rules), PeerDraft::default());
    }

    /// The best (placed, score) any assignment reaches, by trying them all.
    fn brute_force(mentors: &[Candidate], mentees: &[Candidate], rules: &MatchingRules) -> (usize, i64) {
        fn go(e: usize, mentors: &[Candidate], mentees: &[Candidate], rules: &MatchingRules, left: &mut Vec<u32>) -> (usize, i64) {
            if e == mentees.len() {
                return (0, 0);
            }
            let mut best = go(e + 1, mentors, mentees, rules, left);
            for m in 0..mentors.len() {
                if left[m] > 0 && ruled_out(&mentors[m], &mentees[e], rules).is_none() {
                    left[m] -= 1;
                    let (n, s) = go(e + 1, mentors, mentees, rules, left);
                    left[m] += 1;
                    best = best.max((n + 1, s + fit(&mentors[m], &mentees[e]).score));
                }
            }
            best
        }
        let mut left: Vec<u32> = mentors.iter().map(|m| if m.eligible { m.capacity } else { 0 }).collect();
        go(0, mentors, mentees, rules, &mut left)
    }

    fn candidate() -> impl Strategy<Value = Candidate> {
        (0u8..3, proptest::collection::btree_set(0u8..4, 0..3), 0u8..4, 0u32..8, 0u8..3, 0u32..3, proptest::bool::weighted(0.85), 0u8..6)
            .prop_map(|(dep, topics, stage, slots, mode, capacity, eligible, avoid)| Candidate {
                id: MemberId::new(""),
                name: String::new(),
                department: ["A", "B", "C"][dep as usize].to_string(),
                topics: topics.into_iter().map(|t| format!("topic {t}")).collect(),
                career_stage: CareerStage::ALL[stage as usize],
                availability: Availability::from_slots(&(0..3).filter(|b| slots & (1 << b) != 0).collect::<Vec<u8>>()),
                meeting_mode: [MeetingMode::InPerson, MeetingMode::Online, MeetingMode::Either][mode as usize],
                avoid: if avoid < 3 { BTreeSet::from([MemberId::new(&format!("e{avoid}"))]) } else { BTreeSet::new() },
                capacity,
                eligible,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn the_draft_is_optimal_and_breaks_no_hard_rule(
            mut mentors in proptest::collection::vec(candidate(), 0..4),
            mut mentees in proptest::collection::vec(candidate(), 0..6),
            different_department: bool,
            forbid in proptest::option::of((0usize..4, 0usize..6)),
        ) {
            for (i, m) in mentors.iter_mut().enumerate() { m.id = MemberId::new(&format!("r{i}")); }
            for (i, m) in mentees.iter_mut().enumerate() { m.id = MemberId::new(&format!("e{i}")); m.capacity = 0; }
            let mut rules = MatchingRules { different_department, ..Default::default() };
            if let Some((m, e)) = forbid {
                rules.forbidden.insert((MemberId::new(&format!("r{m}")), MemberId::new(&format!("e{e}"))));
            }
            let d = draft(&mentors, &mentees, &rules);
            prop_assert_eq!((d.pairs.len(), d.total_score()), brute_force(&mentors, &mentees, &rules));
            let mut taken: BTreeMap<&MemberId, u32> = BTreeMap::new();
            let mut seen = BTreeSet::new();
            for p in &d.pairs {
                let mentor = mentors.iter().find(|c| c.id == p.mentor).unwrap();
                let mentee = mentees.iter().find(|c| c.id == p.mentee).unwrap();
                prop_assert_eq!(ruled_out(mentor, mentee, &rules), None);
                *taken.entry(&p.mentor).or_default() += 1;
                prop_assert!(taken[&p.mentor] <= mentor.capacity);
                prop_assert!(seen.insert(&p.mentee), "a mentee placed twice");
            }
            prop_assert_eq!(d.pairs.len() + d.unplaced.len(), mentees.len());
        }

        #[test]
        fn peers_get_the_most_allowed_pairs(mut people in proptest::collection::vec(candidate(), 0..7), different_department: bool) {
            for (i, p) in people.iter_mut().enumerate() { p.id = MemberId::new(&format!("e{i}")); }
            let rules = MatchingRules { different_department, ..Default::default() };
            let d = draft_peers(&people, &rules);
            // Brute force over every set of disjoint allowed pairs.
            fn best(rest: &[usize], people: &[Candidate], rules: &MatchingRules) -> usize {
                let Some((&first, others)) = rest.split_first() else { return 0 };
                let mut top = best(others, people, rules);
                for (k, &j) in others.iter().enumerate() {
                    let (a, b) = (&people[first], &people[j]);
                    let allowed = !(a.avoid.contains(&b.id) || b.avoid.contains(&a.id) || (rules.different_department && same_department(&a.department, &b.department)));
                    if allowed {
                        let remaining: Vec<usize> = others.iter().enumerate().filter(|&(x, _)| x != k).map(|(_, &v)| v).collect();
                        top = top.max(1 + best(&remaining, people, rules));
                    }
                }
                top
            }
            let all: Vec<usize> = (0..people.len()).collect();
            prop_assert_eq!(d.pairs.len(), best(&all, &people, &rules));
            prop_assert_eq!(d.pairs.len() * 2 + d.unplaced.len(), people.len());
        }
    }
}
