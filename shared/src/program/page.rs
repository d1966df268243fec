//! A program's public page: what its coordinators publish and members
//! follow read-only (a reader invite, shared as a link and a QR code). It
//! holds nothing of the roster: name, purpose, expectations, topics, the
//! intake deadline, the coordinator's contact, the referral resources, and
//! the coordinator device's inbox address that intake forms are sealed to.

use autosurgeon::{Hydrate, Reconcile};

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
}

impl Schema for ProgramPage {
    const KIND: DocumentKind = DocumentKind::ProgramPage;
    const SCHEMA: u64 = 1;

    fn list_title(doc: &automerge::AutoCommit) -> String {
        crate::document::root_field(doc, "name")
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
        }
    }
}
