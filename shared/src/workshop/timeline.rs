//! The workshop's clock: the agenda as steps with lengths, and where the
//! room is, kept as deadlines on the relay's clock rather than as a phase
//! someone must keep pressing. Every device computes "what now, and how long
//! left" from the same few fields ([`Timeline::at`]), so a phone that slept,
//! reloads or lost the Wi-Fi comes back to the right step and seconds, and
//! a facilitator who drops off blocks nobody: a step with a length ends by
//! itself. Steps without a length (gathering, wrap-up) wait for the
//! facilitator.
//!
//! The facilitator's controls (next, pause, resume, one more minute, skip,
//! undo) re-anchor the timeline at the moment they are pressed; each keeps
//! what it replaced and when, so Undo puts the room back where it was, with
//! the time it had left. Adding or dropping a round changes the agenda, not
//! where the room is, and is put right by dropping or adding one.

use autosurgeon::{Hydrate, Reconcile};

/// One part of the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum StepKind {
    /// People arrive and join; the join code is on the projector.
    Gathering,
    Introductions,
    /// What peer mentoring is.
    PeerMentoring,
    /// Goals and questions for the next six months, prioritised.
    Prep,
    /// A speed-mentoring round (numbered from 1 by its place).
    Round,
    WrapUp,
    Finished,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Step {
    pub kind: StepKind,
    /// How long it lasts; `None`: until the facilitator moves on.
    pub seconds: Option<u32>,
}

/// Where the room is: `step` began at `since_ms` (relay clock), lasting
/// `extra_ms` longer than planned; frozen at `paused_at_ms` while paused.
/// Set by a control pressed at `set_ms`; on the undo list, replaced by
/// the next one at `replaced_ms`.
///
/// It is kept in the document as one value, not a map of fields: controls
/// pressed on two devices apart (a facilitator offline, a co-facilitator)
/// then merge to one of the two anchors whole, never the step of one with
/// the pause of the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Anchor {
    pub step: u32,
    pub since_ms: i64,
    pub extra_ms: i64,
    pub paused_at_ms: Option<i64>,
    pub set_ms: i64,
    pub replaced_ms: i64,
}

/// How an anchor is written: `a1:step:since:extra:paused-or-dash:set:replaced`.
const ANCHOR_FORMAT: &str = "a1";

impl Reconcile for Anchor {
    type Key<'a> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let paused = self.paused_at_ms.map_or_else(|| "-".to_owned(), |at| at.to_string());
        reconciler.str(format!("{ANCHOR_FORMAT}:{}:{}:{}:{paused}:{}:{}", self.step, self.since_ms, self.extra_ms, self.set_ms, self.replaced_ms))
    }
}

impl Hydrate for Anchor {
    fn hydrate_string(text: &str) -> Result<Self, autosurgeon::HydrateError> {
        let bad = || autosurgeon::HydrateError::unexpected("a workshop anchor", text.chars().take(80).collect());
        let parts: Vec<&str> = text.split(':').collect();
        let [format, step, since, extra, paused, set, replaced] = parts[..] else { return Err(bad()) };
        if format != ANCHOR_FORMAT {
            return Err(bad());
        }
        let number = |t: &str| t.parse::<i64>().map_err(|_| bad());
        Ok(Anchor {
            step: step.parse().map_err(|_| bad())?,
            since_ms: number(since)?,
            extra_ms: number(extra)?,
            paused_at_ms: if paused == "-" { None } else { Some(number(paused)?) },
            set_ms: number(set)?,
            replaced_ms: number(replaced)?,
        })
    }

    /// Workshops written before anchors were one value kept them as maps.
    fn hydrate_map<D: autosurgeon::ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Anchor {
            step: autosurgeon::hydrate_prop(doc, obj, "step")?,
            since_ms: autosurgeon::hydrate_prop(doc, obj, "since_ms")?,
            extra_ms: autosurgeon::hydrate_prop(doc, obj, "extra_ms")?,
            paused_at_ms: autosurgeon::hydrate_prop(doc, obj, "paused_at_ms")?,
            set_ms: autosurgeon::hydrate_prop(doc, obj, "set_ms")?,
            replaced_ms: autosurgeon::hydrate_prop(doc, obj, "replaced_ms")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Timeline {
    pub steps: Vec<Step>,
    pub anchor: Anchor,
    /// What each control replaced, newest last (for Undo); bounded.
    pub undo: Vec<Anchor>,
}

/// How many changes Undo can walk back.
const UNDO_DEPTH: usize = 20;

/// What every screen shows at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub step: usize,
    pub kind: StepKind,
    /// The round's number (from 1) when `kind` is a round.
    pub round: Option<u32>,
    /// Since the step began, pauses left out.
    pub elapsed_ms: i64,
    /// Until the step ends by itself; `None` for a step without a length.
    pub remaining_ms: Option<i64>,
    pub paused: bool,
}

/// The agenda a workshop is created with (seed 002): gathering,
/// introductions, what peer mentoring is, preparation, `rounds` rounds of
/// `round_minutes`, wrap-up.
pub struct Agenda {
    pub introductions_minutes: u32,
    pub peer_mentoring_minutes: u32,
    pub prep_minutes: u32,
    pub rounds: u32,
    pub round_minutes: u32,
}

impl Default for Agenda {
    fn default() -> Self {
        Agenda { introductions_minutes: 5, peer_mentoring_minutes: 5, prep_minutes: 4, rounds: 4, round_minutes: 10 }
    }
}

impl Timeline {
    pub fn new(agenda: &Agenda) -> Self {
        let timed = |kind, minutes: u32| Step { kind, seconds: Some(minutes * 60) };
        let mut steps = vec![
            Step { kind: StepKind::Gathering, seconds: None },
            timed(StepKind::Introductions, agenda.introductions_minutes),
            timed(StepKind::PeerMentoring, agenda.peer_mentoring_minutes),
            timed(StepKind::Prep, agenda.prep_minutes),
        ];
        steps.extend((0..agenda.rounds).map(|_| timed(StepKind::Round, agenda.round_minutes)));
        steps.push(Step { kind: StepKind::WrapUp, seconds: None });
        steps.push(Step { kind: StepKind::Finished, seconds: None });
        Timeline { steps, anchor: Anchor::default(), undo: Vec::new() }
    }

    /// Where the room is at `now_ms` (relay clock): from the anchor, every
    /// step with a length that has run out is passed.
    pub fn at(&self, now_ms: i64) -> Moment {
        let Walked { step, began, extra, now } = self.walk(now_ms);
        let kind = self.steps.get(step).map_or(StepKind::Finished, |s| s.kind);
        let elapsed_ms = now - began;
        Moment {
            step,
            kind,
            round: (kind == StepKind::Round).then(|| self.round_number(step)),
            elapsed_ms,
            remaining_ms: self.length_ms(step, extra).map(|l| (l - elapsed_ms).max(0)),
            paused: self.anchor.paused_at_ms.is_some(),
        }
    }

    /// From the anchor to `now_ms` (or the pause), step by step.
    fn walk(&self, now_ms: i64) -> Walked {
        let anchor = self.anchor;
        let now = anchor.paused_at_ms.map_or(now_ms, |p| p.min(now_ms)).max(anchor.since_ms);
        let mut walked = Walked { step: (anchor.step as usize).min(self.steps.len().saturating_sub(1)), began: anchor.since_ms, extra: anchor.extra_ms, now };
        while let Some(length) = self.length_ms(walked.step, walked.extra) {
            if now < walked.began + length || walked.step + 1 >= self.steps.len() {
                break;
            }
            walked.began += length;
            walked.extra = 0;
            walked.step += 1;
        }
        walked
    }

    fn length_ms(&self, step: usize, extra_ms: i64) -> Option<i64> {
        self.steps.get(step)?.seconds.map(|s| i64::from(s) * 1000 + extra_ms)
    }

    fn round_number(&self, step: usize) -> u32 {
        self.steps[..=step].iter().filter(|s| s.kind == StepKind::Round).count() as u32
    }

    /// How many rounds the agenda has now.
    pub fn rounds(&self) -> u32 {
        self.steps.iter().filter(|s| s.kind == StepKind::Round).count() as u32
    }

    fn re_anchor(&mut self, anchor: Anchor, now_ms: i64) {
        self.undo.push(Anchor { replaced_ms: now_ms, ..self.anchor });
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.anchor = Anchor { set_ms: now_ms, ..anchor };
    }

    /// The anchor that keeps the room exactly where it is at `now_ms`.
    fn here(&self, now_ms: i64) -> Anchor {
        let w = self.walk(now_ms);
        Anchor { step: w.step as u32, since_ms: now_ms - (w.now - w.began), extra_ms: w.extra, paused_at_ms: self.anchor.paused_at_ms.map(|_| now_ms), set_ms: now_ms, replaced_ms: 0 }
    }

    /// Start the next step now (also ends a round early, or skips one).
    pub fn next(&mut self, now_ms: i64) {
        let m = self.at(now_ms);
        if m.step + 1 >= self.steps.len() {
            return;
        }
        self.re_anchor(Anchor { step: m.step as u32 + 1, since_ms: now_ms, extra_ms: 0, paused_at_ms: None, set_ms: now_ms, replaced_ms: 0 }, now_ms);
    }

    pub fn pause(&mut self, now_ms: i64) {
        if self.anchor.paused_at_ms.is_some() {
            return;
        }
        let mut here = self.here(now_ms);
        here.paused_at_ms = Some(now_ms);
        self.re_anchor(here, now_ms);
    }

    pub fn resume(&mut self, now_ms: i64) {
        if self.anchor.paused_at_ms.is_none() {
            return;
        }
        let mut here = self.here(now_ms);
        here.paused_at_ms = None;
        self.re_anchor(here, now_ms);
    }

    /// The current step lasts `seconds` longer (one more minute: 60).
    pub fn extend(&mut self, now_ms: i64, seconds: u32) {
        let mut here = self.here(now_ms);
        if self.length_ms(here.step as usize, 0).is_none() {
            return;
        }
        here.extra_ms += i64::from(seconds) * 1000;
        self.re_anchor(here, now_ms);
    }

    /// Put the room back where it was before the last control, with the
    /// time it had left then (a mistaken "next" costs nobody their minutes).
    pub fn undo(&mut self, now_ms: i64) {
        let Some(before) = self.undo.pop() else { return };
        let was = Timeline { steps: self.steps.clone(), anchor: before, undo: Vec::new() };
        // Where the room was, under the old anchor, when it was replaced.
        let then = was.walk(before.replaced_ms);
        self.anchor = Anchor {
            step: then.step as u32,
            since_ms: now_ms - (then.now - then.began),
            extra_ms: then.extra,
            paused_at_ms: before.paused_at_ms.map(|_| now_ms),
            set_ms: now_ms,
            replaced_ms: 0,
        };
    }

    /// One more round, after the last one.
    pub fn add_round(&mut self, round_seconds: u32) {
        let at = self.steps.iter().rposition(|s| s.kind == StepKind::Round).map_or_else(|| self.wrap_up_index(), |i| i + 1);
        self.insert_step(at, Step { kind: StepKind::Round, seconds: Some(round_seconds) });
    }

    /// Drop the last round, unless it has begun.
    pub fn drop_round(&mut self, now_ms: i64) -> bool {
        let current = self.at(now_ms).step;
        let Some(last) = self.steps.iter().rposition(|s| s.kind == StepKind::Round) else { return false };
        if last <= current {
            return false;
        }
        self.steps.remove(last);
        true
    }

    fn wrap_up_index(&self) -> usize {
        self.steps.iter().position(|s| s.kind == StepKind::WrapUp).unwrap_or(self.steps.len())
    }

    fn insert_step(&mut self, at: usize, step: Step) {
        self.steps.insert(at, step);
        // Anchors at or after the insertion point keep pointing at their step.
        for anchor in std::iter::once(&mut self.anchor).chain(self.undo.iter_mut()) {
            if anchor.step as usize >= at {
                anchor.step += 1;
            }
        }
    }
}

/// Where walking the timeline from its anchor ends: the step, when it
/// began, its extra time, and the moment walked to (the pause, if paused).
struct Walked {
    step: usize,
    began: i64,
    extra: i64,
    now: i64,
}

impl Moment {
    /// Whose turn it is to be mentored in a group of `people` (0 first),
    /// and when the next swap comes (ms from the step's start): the time is
    /// shared equally, halves for a pair, thirds for a trio.
    pub fn turn(&self, people: usize, length_ms: i64) -> (usize, Option<i64>) {
        let people = people.max(1) as i64;
        let share = (length_ms / people).max(1);
        let turn = (self.elapsed_ms / share).min(people - 1);
        let next = (turn + 1 < people).then_some((turn + 1) * share);
        (turn as usize, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const T0: i64 = 1_800_000_000_000;

    /// Started at T0: gathering over, introductions begin.
    fn started() -> Timeline {
        let mut t = Timeline::new(&Agenda::default());
        t.next(T0);
        t
    }

    #[test]
    fn steps_with_a_length_end_by_themselves_and_open_ones_wait() {
        let mut t = Timeline::new(&Agenda::default());
        assert_eq!(t.at(T0 + 60 * MIN).kind, StepKind::Gathering, "gathering waits for the facilitator");
        t.next(T0);
        let m = t.at(T0 + 2 * MIN);
        assert_eq!((m.kind, m.remaining_ms), (StepKind::Introductions, Some(3 * MIN)));
        // 5 + 5 + 4 minutes later the first round is 1 minute in.
        let m = t.at(T0 + 15 * MIN);
        assert_eq!((m.kind, m.round, m.elapsed_ms), (StepKind::Round, Some(1), MIN));
        // Four rounds of ten later: wrap-up, which waits.
        let m = t.at(T0 + 14 * MIN + 40 * MIN + 3 * MIN);
        assert_eq!((m.kind, m.remaining_ms), (StepKind::WrapUp, None));
        assert_eq!(t.at(T0 + 600 * MIN).kind, StepKind::WrapUp);
    }

    #[test]
    fn a_phone_that_slept_comes_back_to_the_right_round_and_seconds() {
        let t = started();
        // Asleep from minute 1 to 37: round 3, 3 minutes in, 7 left.
        let m = t.at(T0 + 37 * MIN);
        assert_eq!((m.round, m.elapsed_ms, m.remaining_ms), (Some(3), 3 * MIN, Some(7 * MIN)));
    }

    #[test]
    fn pause_freezes_and_resume_goes_on_with_the_time_that_was_left() {
        let mut t = started();
        t.pause(T0 + 16 * MIN); // round 1, 2 minutes in
        let frozen = t.at(T0 + 30 * MIN);
        assert!(frozen.paused);
        assert_eq!((frozen.round, frozen.remaining_ms), (Some(1), Some(8 * MIN)));
        t.resume(T0 + 30 * MIN);
        let m = t.at(T0 + 31 * MIN);
        assert_eq!((m.round, m.remaining_ms, m.paused), (Some(1), Some(7 * MIN), false));
        // Everything after shifts by the 14 paused minutes.
        assert_eq!(t.at(T0 + 38 * MIN).round, Some(2));
    }

    #[test]
    fn one_more_minute_lengthens_only_the_current_step() {
        let mut t = started();
        t.extend(T0 + 20 * MIN, 60); // round 1, 6 minutes in
        assert_eq!(t.at(T0 + 20 * MIN).remaining_ms, Some(5 * MIN));
        assert_eq!(t.at(T0 + 24 * MIN + 30_000).round, Some(1), "still round 1 in its eleventh minute");
        let m = t.at(T0 + 25 * MIN);
        assert_eq!((m.round, m.remaining_ms), (Some(2), Some(10 * MIN)), "the next round keeps its ten");
        // A step without a length cannot be lengthened.
        let mut open = Timeline::new(&Agenda::default());
        open.extend(T0, 60);
        assert!(open.undo.is_empty());
    }

    #[test]
    fn next_ends_a_round_early_and_undo_gives_the_minutes_back() {
        let mut t = started();
        t.next(T0 + 17 * MIN); // round 1, 3 minutes in, 7 left: by mistake
        assert_eq!(t.at(T0 + 17 * MIN).round, Some(2));
        t.undo(T0 + 17 * MIN + 20_000);
        let m = t.at(T0 + 17 * MIN + 20_000);
        assert_eq!((m.round, m.remaining_ms), (Some(1), Some(7 * MIN)), "round 1 again, with its 7 minutes");
        // Undo of a pause unpauses, of an extra minute takes it back.
        t.extend(T0 + 18 * MIN, 60);
        assert_eq!(t.at(T0 + 18 * MIN).remaining_ms, Some(7 * MIN + 20_000));
        t.undo(T0 + 18 * MIN + 10_000);
        assert_eq!(t.at(T0 + 18 * MIN + 10_000).remaining_ms, Some(6 * MIN + 20_000), "the minute taken back, no time lost to the undo");
        t.pause(T0 + 19 * MIN);
        t.undo(T0 + 25 * MIN);
        let m = t.at(T0 + 25 * MIN);
        assert!(!m.paused);
        assert_eq!(m.remaining_ms, Some(5 * MIN + 30_000), "the pause undone: the round resumes where it was paused");
    }

    #[test]
    fn undo_twice_walks_back_two_controls_each_with_its_own_time() {
        let mut t = started();
        t.next(T0 + 17 * MIN); // round 1, 3 minutes in: by mistake
        t.pause(T0 + 18 * MIN); // round 2, 1 minute in
        t.undo(T0 + 20 * MIN);
        let m = t.at(T0 + 20 * MIN);
        assert_eq!((m.round, m.remaining_ms, m.paused), (Some(2), Some(9 * MIN), false), "the pause undone");
        t.undo(T0 + 21 * MIN);
        let m = t.at(T0 + 21 * MIN);
        assert_eq!((m.round, m.remaining_ms), (Some(1), Some(7 * MIN)), "the mistaken next undone, round 1 with its 7 minutes");
    }

    #[test]
    fn rounds_are_added_after_the_last_and_only_future_ones_dropped() {
        let mut t = started();
        t.add_round(10 * 60);
        assert_eq!(t.rounds(), 5);
        assert_eq!(t.at(T0 + 14 * MIN + 45 * MIN).round, Some(5));
        assert!(t.drop_round(T0 + 15 * MIN));
        assert_eq!(t.rounds(), 4);
        // In round 4, the last: it cannot be dropped.
        assert!(!t.drop_round(T0 + 14 * MIN + 35 * MIN));
        let mut gathering = Timeline::new(&Agenda::default());
        gathering.add_round(600);
        assert_eq!(gathering.at(T0).kind, StepKind::Gathering, "the anchor still points at gathering");
    }

    #[test]
    fn devices_with_different_clocks_agree_once_corrected_by_the_relay() {
        // Each device's clock is off; Welcome told each its offset. Corrected,
        // they see the same round and the same second.
        let t = started();
        let relay_now = T0 + 21 * MIN + 12_345;
        let seen: Vec<Moment> = [-90_000i64, 0, 4_000, 3_600_000]
            .iter()
            .map(|skew| {
                let local = relay_now + skew;
                let offset = -skew; // what Welcome measured
                t.at(local + offset)
            })
            .collect();
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    }

    #[test]
    fn the_time_is_shared_in_halves_for_a_pair_and_thirds_for_a_trio() {
        let t = started();
        let round = 10 * MIN;
        let m = t.at(T0 + 14 * MIN + 4 * MIN);
        assert_eq!(m.turn(2, round), (0, Some(5 * MIN)));
        let m = t.at(T0 + 14 * MIN + 6 * MIN);
        assert_eq!(m.turn(2, round), (1, None));
        assert_eq!(m.turn(3, round), (1, Some(2 * round / 3)));
    }
}
