//! A program's public page: what its coordinators publish and members
//! follow read-only (a reader invite, shared as a link and a QR code). It
//! holds nothing of the roster: name, purpose, expectations, topics, the
//! intake deadline, the coordinator's contact, the referral resources, and
//! the coordinator device's inbox address that intake forms are sealed to.

use autosurgeon::{Hydrate, Reconcile};

use super::survey::Survey;
use super::{Program, ProgramSettings, ProgramTemplate, Resource};
use crate::document::{DocumentKind, Schema};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct ProgramPage {
    pub kind: String,
    pub schema: u64,
    pub name: String,
    pub template: ProgramTemplate,
    pub settings: ProgramSettings,
    pub resources: Vec<Resource>,
    /// The inbox intake forms go to (a coordinator's device address).
    pub intake_inbox: String,
    /// The open surveys, as JSON (a list of `survey::Survey`); read with
    /// [`ProgramPage::surveys`].
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_empty")]
    pub surveys: String,
    /// What members may ask to be reimbursed for (the budget's categories,
    /// never its amounts), and the program's currency.
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_default")]
    pub claim_categories: Vec<String>,
    #[autosurgeon(hydrate = "crate::document::fields::missing_as_empty")]
    pub currency: String,
}

impl Schema for ProgramPage {
    const KIND: DocumentKind = DocumentKind::ProgramPage;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        crate::document::root_field(doc, "name")
    }

    fn list_line(doc: &automerge::AutoCommit) -> Option<serde_json::Value> {
        <Self as crate::document::Listed>::line_of(doc)
    }
}

/// A followed page's line in the document index: what Home needs of it
/// (the terms its pairs count by), so that Home opens no document.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProgramPageLine {
    name: String,
    template: ProgramTemplate,
    semesters: super::template::SemesterDates,
}

impl crate::document::Listed for ProgramPage {
    type Line = ProgramPageLine;

    fn line(&self) -> ProgramPageLine {
        ProgramPageLine { name: self.name.clone(), template: self.template, semesters: self.settings.semesters.clone() }
    }

    /// The template's settings stand in for the rest: for Home's terms,
    /// never for showing the page.
    fn from_line(line: ProgramPageLine) -> ProgramPage {
        let settings = ProgramSettings { semesters: line.semesters, ..ProgramSettings::from_template(line.template, chrono::NaiveDate::default()) };
        ProgramPage {
            kind: DocumentKind::ProgramPage.as_str().to_owned(),
            schema: Self::SCHEMA,
            name: line.name,
            template: line.template,
            settings,
            resources: Vec::new(),
            intake_inbox: String::new(),
            surveys: String::new(),
            claim_categories: Vec::new(),
            currency: String::new(),
        }
    }
}

impl ProgramPage {
    /// The page of `program`: its public parts only.
    pub fn of(program: &Program, intake_inbox: &str) -> Self {
        ProgramPage {
            kind: DocumentKind::ProgramPage.as_str().to_owned(),
            schema: Self::SCHEMA,
            name: program.name.clone(),
            template: program.template,
            settings: program.settings.clone(),
            resources: program.resources.clone(),
            intake_inbox: intake_inbox.to_owned(),
            surveys: Self::surveys_of(program),
            claim_categories: Vec::new(),
            currency: program.budget.currency.clone(),
        }
    }

    /// The open surveys of `program`, as the page keeps them.
    pub fn surveys_of(program: &Program) -> String {
        serde_json::to_string(&program.open_surveys()).unwrap_or_default()
    }

    /// The budget a request is checked against on a member's device: the
    /// categories only (bounded: the page is another device's words).
    pub fn claim_budget(&self, today: chrono::NaiveDate) -> super::budget::Budget {
        let lines = self.claim_categories.iter().take(super::budget::MAX_CATEGORIES).filter(|c| c.chars().count() <= 80).map(|c| super::budget::BudgetLine { category: c.clone(), cents: 0 }).collect();
        let mut budget = super::budget::Budget { currency: self.currency.chars().take(3).collect(), ..Default::default() };
        budget.years.insert(crate::calendar_day::day_text(budget.fiscal_year_of(today).first), lines);
        budget
    }

    /// The open surveys the page lists, each checked (a page is written
    /// by whoever holds its writer keys; anything unsound is left out).
    pub fn surveys(&self) -> Vec<Survey> {
        if self.surveys.len() > MAX_SURVEYS_JSON {
            return Vec::new();
        }
        serde_json::from_str::<Vec<Survey>>(&self.surveys).unwrap_or_default().into_iter().filter(Survey::is_sound).take(20).collect()
    }
}

/// The most the page's survey list may hold, in bytes.
pub const MAX_SURVEYS_JSON: usize = 256 * 1024;
