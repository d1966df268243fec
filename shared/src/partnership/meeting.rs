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
    /// Who takes it on. Items from older versions have no owner.
    #[autosurgeon(missing = "Default::default")]
    pub owner: Option<ItemOwner>,
    /// ISO 8601 day it is due by, if any.
    #[autosurgeon(missing = "Default::default")]
    pub due: Option<String>,
}

/// Who takes an action item on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum ItemOwner {
    Mentor,
    Mentee,
    Both,
}

impl ItemOwner {
    pub const ALL: [ItemOwner; 3] = [ItemOwner::Mentee, ItemOwner::Mentor, ItemOwner::Both];

    pub fn token(self) -> &'static str {
        match self {
            ItemOwner::Mentor => "mentor",
            ItemOwner::Mentee => "mentee",
            ItemOwner::Both => "both",
        }
    }

    pub fn from_token(token: &str) -> Option<ItemOwner> {
        ItemOwner::ALL.into_iter().find(|o| o.token() == token)
    }
}

impl ActionItem {
    pub fn new(id: &str, text: &str, owner: Option<ItemOwner>, due: Option<&str>) -> Self {
        ActionItem {
            id: id.to_owned(),
            text: Text::with_value(text),
            done: false,
            milestone: None,
            owner,
            due: due.and_then(crate::calendar_day::parse_day).map(crate::calendar_day::day_text),
        }
    }
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
