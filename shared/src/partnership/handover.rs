//! Handing a mentee over to another mentor, as a stepper the page carries
//! out (in the manner of samod-core's `loader.rs`): each [`Step`] is one
//! piece of IO, and its result comes back as an [`Event`].
//!
//! The rule: the next partnership keeps the mentee, topics, cadence and the
//! hand-over note. If the pair's goal plan is on this device, it moves with
//! the mentee under fresh keys, so the previous mentor keeps what they saw
//! but nothing new; only the plan's owner can move it. The handed-over
//! partnership lets go of the plan first, so its page does not follow the
//! old keys again.

use super::Partnership;

/// What the adapter does next. `D` is the adapter's document id.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<D> {
    /// Look up the goal plan this invite names: is it on this device, and
    /// does this device own its sharing? Answer [`Event::PlanHere`] or
    /// [`Event::PlanNotHere`] (also when sync is off).
    FindPlan { invite: String },
    /// Clear the handed-over partnership's plan invite and save it.
    UnlinkPlan,
    /// Replace the plan's keys (the old members keep only what they had).
    TakeBackPlan { plan: D },
    /// A writer invite to the plan under its new keys.
    InviteToPlan { plan: D },
    /// Create the next partnership with this value.
    CreateNext(Box<Partnership>),
    /// Share the new partnership (skip when sync is off).
    ShareNext { next: D },
    /// Finished: open the next partnership.
    Open { next: D },
    /// Stopped, nothing half done that matters: say why.
    Refused(HandOverRefused),
}

/// The result of a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<D> {
    PlanHere { plan: D, owned: bool },
    PlanNotHere,
    Unlinked,
    TookBack,
    Invited { fragment: String },
    Created { next: D },
    Shared,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HandOverRefused {
    #[error("Only the person who shared the goal plan can move it to the next partnership; ask them to start it.")]
    PlanSharedBySomeoneElse,
    #[error("Handing over stopped part way; please try again.")]
    OutOfOrder,
}

#[derive(Debug, Clone, PartialEq)]
enum Stage<D> {
    FindingPlan,
    Unlinking { plan: D },
    TakingBack { plan: D },
    Inviting,
    Creating,
    Sharing { next: D },
    Finished,
}

/// One hand-over in progress.
#[derive(Debug, Clone)]
pub struct HandOver<D> {
    next: Partnership,
    stage: Stage<D>,
}

impl<D: Clone> HandOver<D> {
    /// Begin handing over `handed` (already marked handed over, with its
    /// note); the next partnership starts on `today`.
    pub fn start(handed: &Partnership, today: &str) -> (Self, Step<D>) {
        let next = handed.next_after_handover(today);
        match next.goal_plan_invite.clone() {
            Some(invite) => (HandOver { next, stage: Stage::FindingPlan }, Step::FindPlan { invite }),
            None => {
                let step = Step::CreateNext(Box::new(next.clone()));
                (HandOver { next, stage: Stage::Creating }, step)
            }
        }
    }

    /// Take the result of the last step; returns the next one.
    pub fn step(&mut self, event: Event<D>) -> Step<D> {
        let stage = std::mem::replace(&mut self.stage, Stage::Finished);
        let (stage, step) = match (stage, event) {
            (Stage::FindingPlan, Event::PlanHere { owned: false, .. }) => {
                (Stage::Finished, Step::Refused(HandOverRefused::PlanSharedBySomeoneElse))
            }
            (Stage::FindingPlan, Event::PlanHere { plan, owned: true }) => (Stage::Unlinking { plan }, Step::UnlinkPlan),
            // A plan this device never had goes on with the invite as it is.
            (Stage::FindingPlan, Event::PlanNotHere) => (Stage::Creating, Step::CreateNext(Box::new(self.next.clone()))),
            (Stage::Unlinking { plan }, Event::Unlinked) => {
                (Stage::TakingBack { plan: plan.clone() }, Step::TakeBackPlan { plan })
            }
            (Stage::TakingBack { plan }, Event::TookBack) => (Stage::Inviting, Step::InviteToPlan { plan }),
            (Stage::Inviting, Event::Invited { fragment }) => {
                self.next.goal_plan_invite = Some(fragment);
                (Stage::Creating, Step::CreateNext(Box::new(self.next.clone())))
            }
            (Stage::Creating, Event::Created { next }) => (Stage::Sharing { next: next.clone() }, Step::ShareNext { next }),
            (Stage::Sharing { next }, Event::Shared) => (Stage::Finished, Step::Open { next }),
            _ => (Stage::Finished, Step::Refused(HandOverRefused::OutOfOrder)),
        };
        self.stage = stage;
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partnership::AgreedDuration;

    fn handed(with_plan: bool) -> Partnership {
        let mut p = Partnership::new("Ana", "Sam", "2026-01-10", AgreedDuration::Months(6));
        p.mentee_id = Some("sam-id".into());
        p.topics = vec!["career".into()];
        if with_plan {
            p.goal_plan_invite = Some("old-plan-invite".into());
        }
        p.hand_over("Sam wants to focus on teaching.");
        p
    }

    fn next_of(step: Step<u32>) -> Partnership {
        match step {
            Step::CreateNext(next) => *next,
            other => panic!("expected CreateNext, got {other:?}"),
        }
    }

    #[test]
    fn an_owned_plan_moves_under_fresh_keys_before_the_next_partnership_is_made() {
        let (mut flow, step) = HandOver::<u32>::start(&handed(true), "2026-03-01");
        assert_eq!(step, Step::FindPlan { invite: "old-plan-invite".into() });
        assert_eq!(flow.step(Event::PlanHere { plan: 7, owned: true }), Step::UnlinkPlan);
        assert_eq!(flow.step(Event::Unlinked), Step::TakeBackPlan { plan: 7 });
        assert_eq!(flow.step(Event::TookBack), Step::InviteToPlan { plan: 7 });
        let next = next_of(flow.step(Event::Invited { fragment: "fresh-plan-invite".into() }));
        assert_eq!(next.goal_plan_invite.as_deref(), Some("fresh-plan-invite"), "only the fresh keys travel");
        assert_eq!((next.mentee.as_str(), next.mentee_id.as_deref(), next.start_date), ("Sam", Some("sam-id"), crate::calendar_day::parse_day("2026-03-01")));
        assert_eq!(next.mentor, "", "the next mentor names themself on joining");
        assert_eq!(next.handover_note.as_str(), "Sam wants to focus on teaching.");
        assert_eq!(flow.step(Event::Created { next: 9 }), Step::ShareNext { next: 9 });
        assert_eq!(flow.step(Event::Shared), Step::Open { next: 9 });
    }

    #[test]
    fn a_plan_shared_by_the_other_side_is_not_moved_and_nothing_is_created() {
        let (mut flow, _) = HandOver::<u32>::start(&handed(true), "2026-03-01");
        assert_eq!(flow.step(Event::PlanHere { plan: 7, owned: false }), Step::Refused(HandOverRefused::PlanSharedBySomeoneElse));
        assert_eq!(flow.step(Event::Created { next: 1 }), Step::Refused(HandOverRefused::OutOfOrder));
    }

    #[test]
    fn without_a_plan_on_this_device_the_next_partnership_keeps_the_invite_as_it_was() {
        let (mut flow, _) = HandOver::<u32>::start(&handed(true), "2026-03-01");
        let next = next_of(flow.step(Event::PlanNotHere));
        assert_eq!(next.goal_plan_invite.as_deref(), Some("old-plan-invite"));

        let (_, step) = HandOver::<u32>::start(&handed(false), "2026-03-01");
        assert_eq!(next_of(step).goal_plan_invite, None);
    }

    #[test]
    fn results_out_of_order_stop_the_flow() {
        let (mut flow, _) = HandOver::<u32>::start(&handed(true), "2026-03-01");
        assert_eq!(flow.step(Event::TookBack), Step::Refused(HandOverRefused::OutOfOrder));
        assert_eq!(flow.step(Event::Unlinked), Step::Refused(HandOverRefused::OutOfOrder), "and it stays stopped");
    }
}
