//! One component per section of the app.

mod goal_plan;
mod goal_plans;
mod join;
mod not_found;
mod section_page;
mod settings;
mod share_panel;

pub use goal_plan::GoalPlanPage;
pub use goal_plans::GoalPlansPage;
pub use join::JoinPage;
pub use not_found::NotFound;
pub use section_page::SectionPage;
pub use settings::SettingsPage;
pub use share_panel::SharePanel;
