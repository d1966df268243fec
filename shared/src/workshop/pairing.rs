//! Who sits with whom in each speed-mentoring round: the same plan on every
//! device (it is a pure function of the roster, the rounds already run and
//! who knows whom), so phones agree on partners and tables even with the
//! relay out of reach.
//!
//! Each round is a minimum-cost perfect matching (the blossom algorithm, from
//! `integer-blossom`) with costs ordered so that, in this order of priority:
//! 1. with an odd count, the person who sits out (or joins a pair as the
//!    third) is one who has done so least: nobody twice before everyone once;
//! 2. nobody meets someone they met in an earlier round, whenever any
//!    arrangement of this round avoids it;
//! 3. people who already know each other are kept apart where possible.
//!
//! People who join or leave between rounds change only the rounds still to
//! come: [`plan_rounds`] starts from the rounds already run.

use std::collections::{BTreeMap, BTreeSet};

/// What happens to the odd person out when the count is odd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OddCount {
    /// One group of three, whose time is split three ways.
    #[default]
    Trio,
    /// One person sits the round out, a different one each round.
    RotatingBye,
}

/// One round's seating: groups by table (table 1 is `groups[0]`), each a
/// pair or, with an odd count, one trio; or the one sitting out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoundPlan {
    pub groups: Vec<Vec<String>>,
    pub bye: Option<String>,
}

impl RoundPlan {
    /// The table (from 1) where `person` sits, and who with.
    pub fn seat_of(&self, person: &str) -> Option<(u32, Vec<&str>)> {
        self.groups.iter().enumerate().find_map(|(at, group)| {
            group.iter().any(|p| p == person).then(|| (at as u32 + 1, group.iter().filter(|p| *p != person).map(String::as_str).collect()))
        })
    }

    /// Every pair that sits together this round (a trio is three pairs).
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.groups.iter().flat_map(|group| {
            group.iter().enumerate().flat_map(move |(i, a)| group[i + 1..].iter().map(move |b| ordered(a, b)))
        })
    }
}

/// A pair of names in one order, so (a, b) and (b, a) are the same pair.
pub fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// The next `rounds` rounds for the people `present`, after the rounds
/// `past` already run; `acquainted` holds pairs who already know each other
/// (in either order).
pub fn plan_rounds(present: &[String], past: &[RoundPlan], acquainted: &[(String, String)], odd: OddCount, rounds: usize) -> Vec<RoundPlan> {
    let mut history: Vec<RoundPlan> = past.to_vec();
    let mut planned = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let round = plan_round(present, &history, acquainted, odd);
        history.push(round.clone());
        planned.push(round);
    }
    planned
}

// Costs, each level worth more than everything below it can add up to in
// one round of up to MAX_PEOPLE people.
const MAX_PEOPLE: i64 = 1_000;
const KNOWN: i64 = 1;
const REPEAT: i64 = KNOWN * MAX_PEOPLE;
const SAT_OUT: i64 = REPEAT * MAX_PEOPLE;

/// One round after `history`.
pub fn plan_round(present: &[String], history: &[RoundPlan], acquainted: &[(String, String)], odd: OddCount) -> RoundPlan {
    // Sorted and without duplicates: the plan does not depend on the order
    // devices happen to hold the roster in.
    let people: Vec<&str> = present.iter().map(String::as_str).collect::<BTreeSet<_>>().into_iter().collect();
    let met: BTreeSet<(&str, &str)> = history.iter().flat_map(RoundPlan::pairs).collect();
    let known: BTreeSet<(&str, &str)> = acquainted.iter().map(|(a, b)| ordered(a, b)).collect();
    let mut out_before: BTreeMap<&str, i64> = BTreeMap::new();
    for round in history {
        if let Some(bye) = &round.bye {
            *out_before.entry(bye.as_str()).or_default() += 1;
        }
        if let Some(trio) = round.groups.iter().find(|g| g.len() == 3) {
            // The last of a trio is the one who joined it.
            *out_before.entry(trio[2].as_str()).or_default() += 1;
        }
    }
    if people.len() < 2 {
        return RoundPlan { groups: Vec::new(), bye: people.first().map(|p| p.to_string()) };
    }

    let pair_cost = |a: &str, b: &str| {
        let pair = ordered(a, b);
        i64::from(met.contains(&pair)) * REPEAT + i64::from(known.contains(&pair)) * KNOWN
    };
    let out_cost = |a: &str| out_before.get(a).copied().unwrap_or(0) * SAT_OUT;
    let (plan, cost) = seat(&people, &pair_cost, &|a| out_cost(a), odd);
    if odd != OddCount::Trio || cost % SAT_OUT < REPEAT {
        return plan;
    }
    // The trio's third met someone of every pair the matching left: try
    // each other person whose turn it may be as the third, and keep the
    // cheapest round (the first on a tie, so every device agrees).
    let turn = people.iter().map(|p| out_cost(p)).min().unwrap_or(0);
    people
        .iter()
        .filter(|p| out_cost(p) == turn)
        // Bounded, so a room where repeats can no longer be avoided stays quick.
        .take(32)
        .map(|extra| seat(&people, &pair_cost, &|a| if a == *extra { 0 } else { SAT_OUT * MAX_PEOPLE }, odd))
        .map(|(plan, cost)| (plan, cost % SAT_OUT))
        .fold((plan, cost % SAT_OUT), |best, next| if next.1 < best.1 { next } else { best })
        .0
}

/// Seat `people` (sorted) for one round: a perfect matching under
/// `pair_cost`; with an odd count, one stand-in vertex whose partner (at
/// `out_cost`) sits out or joins the pair it fits best as a trio. Returns
/// the plan and its cost.
fn seat(people: &[&str], pair_cost: &dyn Fn(&str, &str) -> i64, out_cost: &dyn Fn(&str) -> i64, odd: OddCount) -> (RoundPlan, i64) {
    let odd_count = people.len() % 2 == 1;
    let n = people.len() + usize::from(odd_count);
    let mut cost = vec![0i64; n * n];
    for i in 0..n {
        for j in i + 1..n {
            cost[i * n + j] = match (people.get(i), people.get(j)) {
                (Some(a), Some(b)) => pair_cost(a, b),
                (Some(a), None) | (None, Some(a)) => out_cost(a),
                (None, None) => 0,
            };
        }
    }
    let mate = integer_blossom::min_weight_perfect_matching(&cost, n);

    let mut total = 0;
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut odd_one = None;
    for (i, &j) in mate.iter().enumerate() {
        if i >= people.len() {
            continue;
        }
        if j >= people.len() {
            odd_one = Some(people[i]);
            total += out_cost(people[i]);
        } else if i < j {
            total += pair_cost(people[i], people[j]);
            groups.push(vec![people[i].to_string(), people[j].to_string()]);
        }
    }
    crate::sort::ascending(&mut groups);
    let mut bye = None;
    if let Some(extra) = odd_one {
        match odd {
            OddCount::RotatingBye => bye = Some(extra.to_string()),
            OddCount::Trio => {
                // The pair the third person fits best: fewest repeats, then
                // fewest acquaintances; the lowest table on a tie.
                let joining = |g: &Vec<String>| g.iter().map(|p| pair_cost(extra, p)).sum::<i64>();
                match (0..groups.len()).min_by_key(|&g| joining(&groups[g])) {
                    Some(g) => {
                        total += joining(&groups[g]);
                        groups[g].push(extra.to_string());
                    }
                    None => bye = Some(extra.to_string()),
                }
            }
        }
    }
    (RoundPlan { groups, bye }, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("p{i:03}")).collect()
    }

    fn seated_once(plan: &RoundPlan, people: &[String]) {
        let mut seen: Vec<&str> = plan.groups.iter().flatten().map(String::as_str).chain(plan.bye.as_deref()).collect();
        seen.sort();
        let mut expected: Vec<&str> = people.iter().map(String::as_str).collect();
        expected.sort();
        assert_eq!(seen, expected, "everyone once: {plan:?}");
    }

    /// Every way to pair up `people` (an even number of them).
    fn all_pairings(people: &[String]) -> Vec<Vec<(String, String)>> {
        if people.is_empty() {
            return vec![Vec::new()];
        }
        let first = &people[0];
        let mut out = Vec::new();
        for k in 1..people.len() {
            let rest: Vec<String> = people[1..].iter().enumerate().filter(|(i, _)| i + 1 != k).map(|(_, p)| p.clone()).collect();
            for mut tail in all_pairings(&rest) {
                tail.push((first.clone(), people[k].clone()));
                out.push(tail);
            }
        }
        out
    }

    /// (repeats, acquaintances) of the best even round, by brute force.
    fn best_possible(people: &[String], met: &BTreeSet<(String, String)>, known: &BTreeSet<(String, String)>) -> (usize, usize) {
        all_pairings(people)
            .iter()
            .map(|pairing| {
                let key = |(a, b): &(String, String)| if a <= b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
                (pairing.iter().filter(|p| met.contains(&key(p))).count(), pairing.iter().filter(|p| known.contains(&key(p))).count())
            })
            .min()
            .unwrap()
    }

    fn owned(pairs: impl Iterator<Item = (String, String)>) -> BTreeSet<(String, String)> {
        pairs.map(|(a, b)| if a <= b { (a, b) } else { (b, a) }).collect()
    }

    #[test]
    fn an_odd_count_makes_one_trio_or_one_bye() {
        let people = names(7);
        let trio = plan_round(&people, &[], &[], OddCount::Trio);
        seated_once(&trio, &people);
        assert_eq!(trio.groups.iter().filter(|g| g.len() == 3).count(), 1);
        assert_eq!(trio.bye, None);
        let bye = plan_round(&people, &[], &[], OddCount::RotatingBye);
        seated_once(&bye, &people);
        assert!(bye.groups.iter().all(|g| g.len() == 2) && bye.bye.is_some());
        // Three people: a trio, or a pair and one out; one person: out.
        assert_eq!(plan_round(&names(3), &[], &[], OddCount::Trio).groups.len(), 1);
        assert_eq!(plan_round(&names(1), &[], &[], OddCount::Trio).bye.as_deref(), Some("p000"));
        assert_eq!(plan_round(&[], &[], &[], OddCount::Trio), RoundPlan::default());
    }

    #[test]
    fn every_device_computes_the_same_plan_whatever_order_it_holds_the_roster_in() {
        let people = names(12);
        let mut shuffled = people.clone();
        shuffled.reverse();
        shuffled.swap(2, 7);
        let known = vec![("p001".to_string(), "p004".to_string())];
        assert_eq!(
            plan_rounds(&people, &[], &known, OddCount::Trio, 5),
            plan_rounds(&shuffled, &[], &[("p004".to_string(), "p001".to_string())], OddCount::Trio, 5)
        );
    }

    #[test]
    fn a_late_joiner_and_a_leaver_change_only_the_rounds_to_come() {
        let mut people = names(8);
        let first_two = plan_rounds(&people, &[], &[], OddCount::Trio, 2);
        people.retain(|p| p != "p003");
        people.push("p100".into());
        let next = plan_round(&people, &first_two, &[], OddCount::Trio);
        seated_once(&next, &people);
        assert!(next.seat_of("p100").is_some() && next.seat_of("p003").is_none());
        let met: BTreeSet<_> = first_two.iter().flat_map(RoundPlan::pairs).collect();
        assert!(next.pairs().all(|p| !met.contains(&p)), "no repeat for the seven who stayed: {next:?}");
    }

    #[test]
    fn the_trio_joins_the_pair_it_knows_least() {
        // p0..p4: the odd one out joins a pair none of whom it has met.
        let people = names(5);
        let past = vec![RoundPlan { groups: vec![vec!["p000".into(), "p004".into()], vec!["p001".into(), "p002".into(), "p003".into()]], bye: None }];
        let next = plan_round(&people, &past, &[], OddCount::Trio);
        seated_once(&next, &people);
        let trio = next.groups.iter().find(|g| g.len() == 3).unwrap();
        assert_ne!(trio[2], "p003", "the one who joined a trio last time does not again: {next:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Small rooms: each round is as good as the best arrangement found
        /// by trying them all (fewest repeats, then fewest acquaintances).
        #[test]
        fn small_rooms_match_brute_force(n in 2usize..=10, seed in any::<u64>(), rounds in 1usize..=6) {
            let people = names(n);
            let mut rng = seed;
            let mut next = || { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; rng };
            let known: Vec<(String, String)> = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j)))
                .filter(|_| next() % 4 == 0).map(|(i, j)| (people[i].clone(), people[j].clone())).collect();
            let known_set = owned(known.iter().cloned());
            let plans = plan_rounds(&people, &[], &known, OddCount::RotatingBye, rounds);
            let mut met = BTreeSet::new();
            for plan in &plans {
                seated_once(plan, &people);
                let sitting: Vec<String> = people.iter().filter(|p| plan.bye.as_deref() != Some(p.as_str())).cloned().collect();
                let got = (
                    plan.pairs().filter(|(a, b)| met.contains(&(a.to_string(), b.to_string()))).count(),
                    plan.pairs().filter(|(a, b)| known_set.contains(&(a.to_string(), b.to_string()))).count(),
                );
                prop_assert_eq!(got, best_possible(&sitting, &met, &known_set), "round {:?} after {:?}", plan, met);
                met.extend(owned(plan.pairs().map(|(a, b)| (a.to_string(), b.to_string()))));
            }
        }

        /// Any room up to 200, five rounds, people joining and leaving
        /// between rounds: everyone present seated once, nobody meets
        /// anyone twice (from ten people up a repeat-free round always
        /// exists for five rounds), one trio at most, and with a rotating bye
        /// nobody sits out twice before everyone present has once.
        #[test]
        fn rooms_up_to_two_hundred(n in 10usize..=200, seed in any::<u64>(), trio in any::<bool>()) {
            let odd = if trio { OddCount::Trio } else { OddCount::RotatingBye };
            let mut people = names(n);
            let mut rng = seed;
            let mut next = || { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; rng };
            let known: Vec<(String, String)> = (0..n * 2).map(|_| (people[(next() % n as u64) as usize].clone(), people[(next() % n as u64) as usize].clone())).filter(|(a, b)| a != b).collect();
            let mut past: Vec<RoundPlan> = Vec::new();
            for round in 0..5 {
                if round > 0 && next() % 3 == 0 {
                    people.remove((next() % people.len() as u64) as usize);
                    people.push(format!("late{round}"));
                }
                let plan = plan_round(&people, &past, &known, odd);
                seated_once(&plan, &people);
                prop_assert!(plan.groups.iter().filter(|g| g.len() == 3).count() <= 1);
                let met: BTreeSet<(&str, &str)> = past.iter().flat_map(RoundPlan::pairs).collect();
                prop_assert!(plan.pairs().all(|p| !met.contains(&p)), "a repeat in round {} of {}", round + 1, people.len());
                past.push(plan);
            }
            if odd == OddCount::RotatingBye {
                let byes: Vec<&str> = past.iter().filter_map(|r| r.bye.as_deref()).collect();
                let unique: BTreeSet<&str> = byes.iter().copied().collect();
                prop_assert_eq!(unique.len(), byes.len(), "nobody out twice in five rounds of ten or more: {:?}", byes);
            }
        }
    }

    /// Fewest repeats over every trio arrangement whose third is one of
    /// those whose turn it is, by brute force.
    fn fewest_trio_repeats(people: &[String], met: &BTreeSet<(String, String)>, turn: &BTreeSet<String>) -> usize {
        let repeat = |a: &String, b: &String| usize::from(met.contains(&if a <= b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) }));
        turn.iter()
            .flat_map(|x| {
                let rest: Vec<String> = people.iter().filter(|p| *p != x).cloned().collect();
                all_pairings(&rest).into_iter().map(move |pairing| {
                    let pairs: usize = pairing.iter().map(|(a, b)| repeat(a, b)).sum();
                    pairs + pairing.iter().map(|(a, b)| repeat(x, a) + repeat(x, b)).min().unwrap_or(0)
                })
            })
            .min()
            .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// Small odd rooms with a trio: no more repeats than the best
        /// arrangement, and the trio's third is someone whose turn it is.
        #[test]
        fn small_trio_rooms_match_brute_force(half in 1usize..=4, rounds in 1usize..=6) {
            let people = names(half * 2 + 1);
            let mut past: Vec<RoundPlan> = Vec::new();
            for _ in 0..rounds {
                let met = owned(past.iter().flat_map(RoundPlan::pairs).map(|(a, b)| (a.to_string(), b.to_string())));
                let mut thirds: BTreeMap<String, usize> = people.iter().map(|p| (p.clone(), 0)).collect();
                for round in &past {
                    if let Some(trio) = round.groups.iter().find(|g| g.len() == 3) { *thirds.get_mut(&trio[2]).unwrap() += 1; }
                }
                let least = *thirds.values().min().unwrap();
                let turn: BTreeSet<String> = thirds.iter().filter(|(_, n)| **n == least).map(|(p, _)| p.clone()).collect();
                let plan = plan_round(&people, &past, &[], OddCount::Trio);
                seated_once(&plan, &people);
                let trio = plan.groups.iter().find(|g| g.len() == 3).expect("a trio");
                prop_assert!(turn.contains(&trio[2]), "{} was a third before others: {:?}", trio[2], past);
                let repeats = plan.pairs().filter(|(a, b)| met.contains(&(a.to_string(), b.to_string()))).count();
                prop_assert_eq!(repeats, fewest_trio_repeats(&people, &met, &turn), "round {:?} after {:?}", plan, past);
                past.push(plan);
            }
        }
    }

    #[test]
    fn a_rotating_bye_reaches_everyone_before_anyone_twice() {
        for n in [3usize, 5, 7, 9] {
            let people = names(n);
            let plans = plan_rounds(&people, &[], &[], OddCount::RotatingBye, n);
            let byes: BTreeSet<&str> = plans.iter().filter_map(|r| r.bye.as_deref()).collect();
            assert_eq!(byes.len(), n, "{n} rounds, {n} different people out: {plans:?}");
        }
    }
}
