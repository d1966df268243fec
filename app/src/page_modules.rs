//! Which pages ship in which module of the release build.
//!
//! The release build (`scripts/split-app`, with `--cfg confidant_split`)
//! splits the wasm at these functions: a first visit downloads the shell
//! and Home, and each group of pages below arrives the first time one of
//! its pages opens (the service worker then keeps them all for offline
//! use). Pages are grouped by section because every split point also
//! splits off the code it shares with each other split point: one module
//! per page made 222 files, 80 of them fetched for Settings alone.
//!
//! Other builds (tests, `trunk serve`) have no split loader; there each
//! page is an ordinary async function that is ready at once.

use std::future::Future;

use leptos::prelude::*;

use crate::pages::{
    GoalPlanPage, GoalPlansPage, GroupPage, JoinPage, JournalEntryPage, JournalPage, LinkDevicePage, PartnershipPage, PartnershipsPage, ProgramPage,
    ProgramPublicPage, ProgramsPage, ResourcesPage, SettingsPage, WorkshopPage, WorkshopsPage,
};

/// A page's module did not arrive (offline on a first visit to that
/// section, or the relay went away mid-download).
#[derive(Debug)]
pub struct PageModuleMissing;

#[cfg(confidant_split)]
impl From<leptos::wasm_split::SplitLoaderError> for PageModuleMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PageModuleMissing
    }
}

macro_rules! page_module {
    ($module:ident: $($name:ident => $page:ident),+ $(,)?) => {$(
        // Made untracked: the page is built inside a task, and what its
        // setup reads must not make it again.
        #[cfg(confidant_split)]
        #[leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $name() -> Result<AnyView, PageModuleMissing> {
            Ok(untrack(|| view! { <$page/> }.into_any()))
        }
        #[cfg(not(confidant_split))]
        pub async fn $name() -> Result<AnyView, PageModuleMissing> {
            Ok(untrack(|| view! { <$page/> }.into_any()))
        }
    )+};
}

page_module!(mentoring_pages:
    journal_page => JournalPage,
    journal_entry_page => JournalEntryPage,
    goal_plans_page => GoalPlansPage,
    goal_plan_page => GoalPlanPage,
    partnerships_page => PartnershipsPage,
    partnership_page => PartnershipPage,
    group_page => GroupPage,
);
page_module!(workshop_pages:
    workshops_page => WorkshopsPage,
    workshop_page => WorkshopPage,
);
page_module!(program_pages:
    programs_page => ProgramsPage,
    program_page => ProgramPage,
    program_public_page => ProgramPublicPage,
);
page_module!(settings_pages:
    resources_page => ResourcesPage,
    settings_page => SettingsPage,
);
// What a QR code or an invite link opens on a new device.
page_module!(arrival_pages:
    join_page => JoinPage,
    link_device_page => LinkDevicePage,
);

#[derive(Clone, Copy, PartialEq)]
enum Arrival {
    Loading,
    Missing,
    Here,
}

/// A route's view: its page once the page's module is here (at once when
/// it already is). Not a `Suspense`: a Suspense also waits on every
/// resource the page reads and swaps the page out for its fallback
/// whenever one reloads, which unmounts the page and loses focus and what
/// is being typed.
pub fn lazily<F: Future<Output = Result<AnyView, PageModuleMissing>> + 'static>(load: fn() -> F) -> impl IntoView {
    let page = StoredValue::new_local(None::<AnyView>);
    let arrival = RwSignal::new(Arrival::Loading);
    let owner = Owner::current().unwrap_or_default();
    let fetch = move || {
        arrival.set(Arrival::Loading);
        // Under the route's owner, so the page is disposed with the route;
        // cancelled if the reader leaves before the module arrives.
        owner.with(|| {
            leptos::reactive::spawn_local_scoped_with_cancellation(async move {
                match load().await {
                    Ok(view) => {
                        if page.try_set_value(Some(view)).is_none() {
                            arrival.try_set(Arrival::Here);
                            crate::shell::focus_arrived_page();
                        }
                    }
                    Err(PageModuleMissing) => {
                        arrival.try_set(Arrival::Missing);
                    }
                }
            })
        });
    };
    fetch();
    move || match arrival.get() {
        Arrival::Loading => view! { <p role="status" class="page-loading">"Opening this page…"</p> }.into_any(),
        Arrival::Missing => {
            let fetch = fetch.clone();
            view! {
                <div role="alert" class="page-loading">
                    <p>"This page could not be downloaded. Check your connection, then try again."</p>
                    <button type="button" on:click=move |_| fetch()>"Try again"</button>
                </div>
            }
            .into_any()
        }
        Arrival::Here => page.try_update_value(Option::take).flatten().unwrap_or_else(|| ().into_any()),
    }
}
