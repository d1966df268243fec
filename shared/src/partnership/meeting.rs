//! A logged meeting and its action items.

use autosurgeon::{Hydrate, Reconcile, Text};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Meeting {
    #[key]
    pub id: String,
    /// The day it is (or was) held; none when what was written is not a day.
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub date: Option<NaiveDate>,
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
    /// The day it is due by, if any.
    #[autosurgeon(with = "crate::calendar_day::stored")]
    pub due: Option<NaiveDate>,
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
    pub fn new(id: &str, text: &str, owner: Option<ItemOwner>, due: Option<NaiveDate>) -> Self {
        ActionItem {
            id: id.to_owned(),
            text: Text::with_value(text),
            done: false,
            milestone: None,
            owner,
            due,
        }
    }
}

impl Meeting {
    /// `date` as a date field gives it (`YYYY-MM-DD`).
    pub fn new(id: &str, date: &str) -> Self {
        Meeting {
            id: id.to_owned(),
            date: crate::calendar_day::parse_day(date),
            agenda: Text::with_value(""),
            shared_notes: Text::with_value(""),
            action_items: Vec::new(),
        }
    }
}
