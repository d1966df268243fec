//! One component per section of the app.

mod goal_plan;
mod goal_plans;
mod not_found;
mod section_page;
mod settings;

pub use goal_plan::GoalPlanPage;
pub use goal_plans::GoalPlansPage;
pub use not_found::NotFound;
pub use section_page::SectionPage;
pub use settings::SettingsPage;
