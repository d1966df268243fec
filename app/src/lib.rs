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
                    <Route path=path!("/journal") view=JournalPage/>
                    <Route path=path!("/journal/:id") view=JournalEntryPage/>
                    <Route path=path!("/goals") view=GoalPlansPage/>
                    <Route path=path!("/goals/:id") view=GoalPlanPage/>
                    <Route path=path!("/partnerships") view=PartnershipsPage/>
                    <Route path=path!("/partnerships/:id") view=PartnershipPage/>
                    <Route path=path!("/partnerships/group/:id") view=GroupPage/>
                    <Route path=path!("/workshop") view=WorkshopsPage/>
                    <Route path=path!("/workshop/:id") view=WorkshopPage/>
                    <Route path=path!("/program") view=ProgramsPage/>
                    <Route path=path!("/program/:id") view=ProgramPage/>
                    <Route path=path!("/program/page/:id") view=ProgramPublicPage/>
                    <Route path=path!("/resources") view=ResourcesPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                    <Route path=path!("/join") view=JoinPage/>
                    <Route path=path!("/link") view=LinkDevicePage/>
                </Routes>
            </Shell>
        </Router>
    }
}
