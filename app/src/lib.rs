//! The Confidant app: a Leptos single-page app, rendered in the browser.
//!
//! The app is a thin layer: rules live in `confidant-shared`, and this crate
//! renders them and talks to the browser (service worker, IndexedDB and the
//! relay's WebSocket).
//!
//! Modules:
//! - [`api`]: how pages open documents (one way, every state said plainly).
//! - [`shell`]: what surrounds every page: navigation, sync status, version,
//!   the "reload to update" prompt.
//! - [`pages`]: one component per route.
//! - [`widgets`]: pieces several pages use (document editing, sharing panel,
//!   invite code, downloads).
//! - [`service_worker`]: registers the offline worker and reports updates.
//! - [`store`]: documents in IndexedDB.
//! - [`sync`]: the sync engine (relay WebSocket), invites and presence.

pub mod api;
pub mod clock;
pub mod money;
pub mod pages;
pub mod store;
pub mod service_worker;
pub mod shell;
pub mod sync;
pub mod widgets;

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{
    GoalPlanPage, GoalPlansPage, GroupPage, HomePage, JoinPage, LinkDevicePage, JournalEntryPage, JournalPage, NotFound, PartnershipPage, PartnershipsPage, ProgramPage,
    ProgramPublicPage, ProgramsPage,
    ResourcesPage, SettingsPage, WorkshopPage, WorkshopsPage,
};
use crate::shell::Shell;

/// A route's page as a split point. The release build (`scripts/split-app`,
/// with `--cfg confidant_split`) moves each page's code into a module of
/// its own, fetched the first time the page opens, so a first visit
/// downloads the shell and Home only. Other builds (tests, `trunk serve`)
/// have no split loader: there the page is an ordinary async function.
macro_rules! lazy_page {
    ($name:ident, $page:ident) => {
        // Built untracked: the page is made inside `Suspend`, which would
        // otherwise make the whole page again whenever a signal its setup
        // reads changes (losing focus and what is being typed).
        #[cfg(confidant_split)]
        #[leptos::lazy]
        fn $name() -> AnyView {
            untrack(|| view! { <$page/> }.into_any())
        }
        #[cfg(not(confidant_split))]
        async fn $name() -> AnyView {
            untrack(|| view! { <$page/> }.into_any())
        }
    };
}

lazy_page!(lazy_journal_page, JournalPage);
lazy_page!(lazy_journal_entry_page, JournalEntryPage);
lazy_page!(lazy_goal_plans_page, GoalPlansPage);
lazy_page!(lazy_goal_plan_page, GoalPlanPage);
lazy_page!(lazy_partnerships_page, PartnershipsPage);
lazy_page!(lazy_partnership_page, PartnershipPage);
lazy_page!(lazy_group_page, GroupPage);
lazy_page!(lazy_workshops_page, WorkshopsPage);
lazy_page!(lazy_workshop_page, WorkshopPage);
lazy_page!(lazy_programs_page, ProgramsPage);
lazy_page!(lazy_program_page, ProgramPage);
lazy_page!(lazy_program_public_page, ProgramPublicPage);
lazy_page!(lazy_resources_page, ResourcesPage);
lazy_page!(lazy_settings_page, SettingsPage);
lazy_page!(lazy_join_page, JoinPage);
lazy_page!(lazy_link_device_page, LinkDevicePage);

/// A route's view while its page's module arrives (at once when it is here).
fn lazily<F: std::future::Future<Output = AnyView> + Send + 'static>(load: fn() -> F) -> impl IntoView {
    view! { <Suspense fallback=|| view! { <p role="status" class="page-loading">"Opening this page…"</p> }>{move || Suspend::new(load())}</Suspense> }
}

/// The whole app. `service_worker` and `relay` are off in browser unit
/// tests, which run on the test runner's page rather than the built app.
#[component]
pub fn App(#[prop(default = true)] service_worker: bool, #[prop(default = true)] relay: bool) -> impl IntoView {
    provide_meta_context();
    if relay {
        provide_context(sync::SyncEngine::start());
    }
    view! {
        <Router>
            <Shell service_worker>
                <Routes fallback=|| view! { <NotFound/> }>
                    // The same list as confidant_shared::paths::ROUTES, which
                    // every link and navigation goes through.
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/journal") view=|| lazily(lazy_journal_page)/>
                    <Route path=path!("/journal/:id") view=|| lazily(lazy_journal_entry_page)/>
                    <Route path=path!("/goals") view=|| lazily(lazy_goal_plans_page)/>
                    <Route path=path!("/goals/:id") view=|| lazily(lazy_goal_plan_page)/>
                    <Route path=path!("/partnerships") view=|| lazily(lazy_partnerships_page)/>
                    <Route path=path!("/partnerships/:id") view=|| lazily(lazy_partnership_page)/>
                    <Route path=path!("/partnerships/group/:id") view=|| lazily(lazy_group_page)/>
                    <Route path=path!("/workshop") view=|| lazily(lazy_workshops_page)/>
                    <Route path=path!("/workshop/:id") view=|| lazily(lazy_workshop_page)/>
                    <Route path=path!("/program") view=|| lazily(lazy_programs_page)/>
                    <Route path=path!("/program/:id") view=|| lazily(lazy_program_page)/>
                    <Route path=path!("/program/page/:id") view=|| lazily(lazy_program_public_page)/>
                    <Route path=path!("/resources") view=|| lazily(lazy_resources_page)/>
                    <Route path=path!("/settings") view=|| lazily(lazy_settings_page)/>
                    <Route path=path!("/join") view=|| lazily(lazy_join_page)/>
                    <Route path=path!("/link") view=|| lazily(lazy_link_device_page)/>
                </Routes>
            </Shell>
        </Router>
    }
}
