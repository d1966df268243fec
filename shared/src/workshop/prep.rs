//! The preparation phase's prompts, in the workshop's own words (seed 002):
//! "Think about the next 6 months; write down some goals and questions;
//! prioritise what you want to discuss", with the example questions for a
//! peer mentor and the career continuum's column for the person's stage.

use crate::profile::CareerStage;

/// What the preparation asks for.
pub const PREP_GUIDANCE: &str = "Think about the next 6 months. Write down some goals and questions, then put first what you most want to discuss.";

/// Example questions for a peer mentor (they may or may not be about goals).
pub const EXAMPLE_QUESTIONS: [&str; 5] = [
    "Are my goals realistic?",
    "What do I need to do to take the next step in my career?",
    "How do I discuss problem X with my senior mentor?",
    "How do I approach a struggling learner?",
    "How could I implement this QI idea I have?",
];

/// What peer mentoring tends to be about at a stage of the career.
pub fn continuum(stage: CareerStage) -> &'static [&'static str] {
    match stage {
        CareerStage::Early => &["Learning the ropes", "Defining professional role", "Work/life balance", "Gaining visibility", "Preparing for advancement"],
        CareerStage::Mid => &["Networking", "Maintaining visibility", "Leading a team", "Mentoring others", "Re-assessment/re-direction of career"],
        CareerStage::Late => &["Maintaining knowledge", "Assuming consultative role", "Recognizing others' expertise", "Preparing for retirement"],
    }
}

/// The wrap-up discussion's questions, as the facilitator starts with them.
pub const WRAP_UP_QUESTIONS: [&str; 4] = [
    "How did it feel to be both mentor and mentee?",
    "How is this different from other (peer) mentoring experiences you've had?",
    "Moving forward, how will you use this workshop?",
    "What barriers to and facilitators of peer mentorship are you likely to encounter?",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_has_its_column_of_the_continuum() {
        for (stage, _) in CareerStage::ALL {
            assert!(continuum(stage).len() >= 4);
        }
        assert_eq!(continuum(CareerStage::Mid)[2], "Leading a team");
    }
}
