//! A logged meeting and its action items.

use autosurgeon::{Hydrate, Reconcile, Text};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Meeting {
    #[key]
    pub id: String,
    /// ISO 8601 date.
    pub date: String,
    pub agenda: Text,
    /// Notes both partners see; private notes go to each one's journal.
    pub shared_notes: Text,
    pub action_items: Vec<ActionItem>,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct ActionItem {
    #[key]
    pub id: String,
    pub text: Text,
    pub done: bool,
    /// The goal plan milestone this item became, if any.
    pub milestone: Option<String>,
}

impl Meeting {
    pub fn new(id: &str, date: &str) -> Self {
        Meeting {
            id: id.to_owned(),
            date: date.to_owned(),
            agenda: Text::with_value(""),
            shared_notes: Text::with_value(""),
            action_items: Vec::new(),
        }
    }
}
