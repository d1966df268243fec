//! Which pages ship in which module of the release build.
//!
//! The release build (`scripts/split-app`, with `--cfg confidant_split`)
//! splits the wasm at these functions: a first visit downloads the shell
//! and Home (which opens no document, so Automerge is not part of it), and
//! each group of pages below arrives the first time one of its pages opens
//! (the service worker then keeps them all for offline use). Pages are
//! grouped by section because every split point also splits off the code
//! it shares with each other split point: one module per page made 222
//! files, 80 of them fetched for Settings alone.
//!
//! Other builds (tests, `trunk serve`) have no split loader; there each
//! page is an ordinary async function that is ready at once.

use std::future::Future;

use leptos::prelude::*;

use crate::pages::{
    GoalPlanPage, GoalPlansPage, GroupPage, JoinPage, JournalEntryPage, JournalPage, LinkDevicePage, PartnershipPage, PartnershipsPage, ProgramPage,
    ProgramPublicPage, ProgramsPage, ResourcesPage, SettingsPage, WorkshopPage, WorkshopsPage,
};

/// A page's module did not arrive: the connection dropped before the
/// section was first opened, or Confidant was updated while this tab was
/// open and the server no longer has this version's modules.
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
        // Made untracked: the task that builds the page runs with the
        // route's observer, so a signal read in the page's setup would
        // otherwise make the router build the whole page again.
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

// Parts of Home that open whole documents (Automerge), so they come with
// the section that has that code already: the first download draws Home
// from the document index alone.
type MeetingsDownload = std::pin::Pin<Box<dyn Future<Output = Result<usize, String>>>>;

/// Home's "Add my meetings to my calendar": every partnership opened whole
/// (agendas included if asked), with the mentoring pages' code.
#[cfg(confidant_split)]
#[leptos::wasm_split::wasm_split(mentoring_pages, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn meetings_download(engine: Option<crate::sync::SyncEngine>, with_agendas: bool) -> Result<MeetingsDownload, PageModuleMissing> {
    Ok(Box::pin(async move { crate::pages::partnership_calendar::download_meetings(engine.as_ref(), with_agendas).await }))
}
#[cfg(not(confidant_split))]
pub async fn meetings_download(engine: Option<crate::sync::SyncEngine>, with_agendas: bool) -> Result<MeetingsDownload, PageModuleMissing> {
    Ok(Box::pin(async move { crate::pages::partnership_calendar::download_meetings(engine.as_ref(), with_agendas).await }))
}

/// Home's "Your programs", for coordinators: each program's document read
/// whole, with the program pages' code.
#[cfg(confidant_split)]
#[leptos::wasm_split::wasm_split(program_pages, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn programs_to_see() -> Result<AnyView, PageModuleMissing> {
    Ok(untrack(|| view! { <crate::pages::ProgramsToSee/> }.into_any()))
}
#[cfg(not(confidant_split))]
pub async fn programs_to_see() -> Result<AnyView, PageModuleMissing> {
    Ok(untrack(|| view! { <crate::pages::ProgramsToSee/> }.into_any()))
}

/// A part of a page from another module (see [`programs_to_see`]): nothing
/// while it arrives, one sentence if it does not.
pub fn part_lazily<F: Future<Output = Result<AnyView, PageModuleMissing>> + 'static>(load: fn() -> F, missing: &'static str) -> impl IntoView {
    let part = RwSignal::new(None::<Result<(), ()>>);
    let view = StoredValue::new_local(None::<AnyView>);
    leptos::reactive::spawn_local_scoped_with_cancellation(async move {
        let arrived = load().await.map(|v| view.try_set_value(Some(v))).map(|_| ()).map_err(|PageModuleMissing| ());
        part.try_set(Some(arrived));
    });
    move || match part.get() {
        None => ().into_any(),
        Some(Err(())) => view! { <p class="notice" role="status">{missing}</p> }.into_any(),
        Some(Ok(())) => view.try_update_value(Option::take).flatten().unwrap_or_else(|| ().into_any()),
    }
}

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
            let try_again = move |_| {
                // The button goes away: the page region keeps the focus,
                // and the heading takes it once the page is here.
                crate::shell::focus_page_region();
                fetch();
            };
            // After an update, this version's modules are gone from the
            // server: only a reload (to the new version) opens the page.
            let reload = |_| {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            };
            view! {
                <div role="alert" class="page-loading">
                    <p>"This page could not be downloaded: check your connection and try again, or reload if Confidant was just updated."</p>
                    <button type="button" on:click=try_again>"Try again"</button>
                    " "
                    <button type="button" on:click=reload>"Reload"</button>
                </div>
            }
            .into_any()
        }
        Arrival::Here => page.try_update_value(Option::take).flatten().unwrap_or_else(|| ().into_any()),
    }
}
