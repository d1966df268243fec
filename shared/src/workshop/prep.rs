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

/// The most items one preparation holds, and the most characters each.
pub const MAX_ITEMS: usize = 20;
pub const MAX_ITEM_CHARS: usize = 300;

/// A participant's goals and questions, first what they most want to
/// discuss. Kept on their phone and saved to their own journal (and, if
/// they choose, as a goal plan), never in the shared workshop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrepList {
    items: Vec<String>,
}

impl PrepList {
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// Add an item at the end; a blank, a repeat or one past the limit is
    /// not added (returns whether it was).
    pub fn add(&mut self, text: &str) -> bool {
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_ITEM_CHARS).collect();
        if text.is_empty() || self.items.len() >= MAX_ITEMS || self.items.iter().any(|i| i.eq_ignore_ascii_case(&text)) {
            return false;
        }
        self.items.push(text);
        true
    }

    pub fn remove(&mut self, at: usize) {
        if at < self.items.len() {
            self.items.remove(at);
        }
    }

    /// Move the item at `from` to `to` (a drop, or a step up or down by
    /// keyboard); out-of-range moves change nothing.
    pub fn move_item(&mut self, from: usize, to: usize) {
        if from < self.items.len() && to < self.items.len() && from != to {
            let item = self.items.remove(from);
            self.items.insert(to, item);
        }
    }

    /// The journal entry's body: the items numbered in priority order.
    pub fn journal_body(&self) -> String {
        self.items.iter().enumerate().map(|(at, item)| format!("{}. {item}", at + 1)).collect::<Vec<_>>().join("\n")
    }

    /// The items that are goals rather than questions, in order, for a goal
    /// plan: a question (ending in "?") stays in the journal.
    pub fn goals(&self) -> Vec<&str> {
        self.items.iter().map(String::as_str).filter(|i| !i.trim_end().ends_with('?')).collect()
    }
}

/// Prompts for the preparation: the seed's example questions, then what
/// the career continuum says of the person's stage (if they gave one).
pub fn prompts(stage: Option<CareerStage>) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = EXAMPLE_QUESTIONS.to_vec();
    if let Some(stage) = stage {
        all.extend(continuum(stage));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prep_list_keeps_order_moves_by_keyboard_or_drop_and_refuses_blanks_and_repeats() {
        let mut list = PrepList::default();
        assert!(list.add("  Publish   my first paper "));
        assert!(list.add("Are my goals realistic?"));
        assert!(list.add("Find a senior mentor"));
        assert!(!list.add("  "), "a blank is not an item");
        assert!(!list.add("publish my first paper"), "the same item twice is once");
        list.move_item(2, 0); // "Find a senior mentor" first (a drop)
        list.move_item(1, 2); // "Publish" one down (a key press twice)
        assert_eq!(list.items(), ["Find a senior mentor", "Are my goals realistic?", "Publish my first paper"]);
        list.move_item(0, 9);
        assert_eq!(list.items()[0], "Find a senior mentor", "out of range changes nothing");
        assert_eq!(list.journal_body(), "1. Find a senior mentor\n2. Are my goals realistic?\n3. Publish my first paper");
        assert_eq!(list.goals(), ["Find a senior mentor", "Publish my first paper"], "questions stay in the journal");
        list.remove(0);
        assert_eq!(list.items().len(), 2);
        for n in 0..MAX_ITEMS {
            list.add(&format!("goal {n}"));
        }
        assert_eq!(list.items().len(), MAX_ITEMS);
        let mut one = PrepList::default();
        one.add(&"x".repeat(MAX_ITEM_CHARS * 2));
        assert_eq!(one.items()[0].len(), MAX_ITEM_CHARS);
    }

    #[test]
    fn prompts_are_the_seed_examples_then_the_stage_column() {
        assert_eq!(prompts(None), EXAMPLE_QUESTIONS);
        let late = prompts(Some(CareerStage::Late));
        assert_eq!(late.len(), EXAMPLE_QUESTIONS.len() + 4);
        assert!(late.contains(&"Preparing for retirement"));
    }

    #[test]
    fn every_stage_has_its_column_of_the_continuum() {
        for (stage, _) in CareerStage::ALL {
            assert!(continuum(stage).len() >= 4);
        }
        assert_eq!(continuum(CareerStage::Mid)[2], "Leading a team");
    }
}
