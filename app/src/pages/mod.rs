//! One component per section of the app.

mod home;
mod partnership;
mod partnership_calendar;
mod partnerships;
mod profile;
mod program;
mod program_page;
mod programs;
mod resources;
mod goal_plan;
mod goal_plans;
mod join;
pub(crate) mod link_device;
mod journal;
mod journal_entry;
mod not_found;
mod settings;
mod workshop;
mod workshops;

pub use goal_plan::GoalPlanPage;
pub use home::HomePage;
pub use partnership::PartnershipPage;
pub use partnerships::PartnershipsPage;
pub use program::ProgramPage;
pub use program_page::ProgramPublicPage;
pub use programs::ProgramsPage;
pub use resources::ResourcesPage;
pub use goal_plans::GoalPlansPage;
pub use join::JoinPage;
pub use link_device::LinkDevicePage;
pub use journal::JournalPage;
pub use journal_entry::JournalEntryPage;
pub use not_found::NotFound;
pub use settings::SettingsPage;
pub use workshop::WorkshopPage;
pub use workshops::WorkshopsPage;
