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
//! - `page_modules`: which pages ship in which module of the split release
//!   build, fetched the first time one of them opens.
//! - [`widgets`]: pieces several pages use (document editing, sharing panel,
//!   invite code, downloads).
//! - [`service_worker`]: registers the offline worker and reports updates.
//! - [`store`]: documents in IndexedDB.
//! - [`sync`]: the sync engine (relay WebSocket), invites and presence.

pub mod api;
pub mod clock;
pub mod money;
mod page_modules;
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

use crate::page_modules::*;
use crate::pages::{HomePage, NotFound};
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
                    <Route path=path!("/journal") view=|| lazily(journal_page)/>
                    <Route path=path!("/journal/:id") view=|| lazily(journal_entry_page)/>
                    <Route path=path!("/goals") view=|| lazily(goal_plans_page)/>
                    <Route path=path!("/goals/:id") view=|| lazily(goal_plan_page)/>
                    <Route path=path!("/partnerships") view=|| lazily(partnerships_page)/>
                    <Route path=path!("/partnerships/:id") view=|| lazily(partnership_page)/>
                    <Route path=path!("/partnerships/group/:id") view=|| lazily(group_page)/>
                    <Route path=path!("/workshop") view=|| lazily(workshops_page)/>
                    <Route path=path!("/workshop/:id") view=|| lazily(workshop_page)/>
                    <Route path=path!("/program") view=|| lazily(programs_page)/>
                    <Route path=path!("/program/:id") view=|| lazily(program_page)/>
                    <Route path=path!("/program/page/:id") view=|| lazily(program_public_page)/>
                    <Route path=path!("/resources") view=|| lazily(resources_page)/>
                    <Route path=path!("/settings") view=|| lazily(settings_page)/>
                    <Route path=path!("/join") view=|| lazily(join_page)/>
                    <Route path=path!("/link") view=|| lazily(link_device_page)/>
                </Routes>
            </Shell>
        </Router>
    }
}
