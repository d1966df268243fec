//! Home: what needs attention now, across partnerships and goal plans:
//! the next meeting due per partnership, overdue check-ins, mentors'
//! semester check-ins, continuation notices and milestones due soon.
//! Optional browser notifications for the pressing ones.
//!
//! Home is the page of a first visit, so it draws from the document index
//! alone and opens no document: Automerge is not in the first download.
//! Its parts that read whole documents (the meetings download, the
//! programs a coordinator runs) come with their sections' modules.

use confidant_shared::attention::{for_goal_plan, for_partnership, in_order, Attention, HomeGroup, Whose};
use confidant_shared::goal_plan::GoalPlan;
use confidant_shared::partnership::Partnership;
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use wasm_bindgen_futures::JsFuture;

use confidant_shared::document::DocumentKind;

use crate::api::{lines_of, my_profile_line, summaries};
use crate::clock::{today, today_day};
use crate::page_modules::{meetings_download, part_lazily, programs_to_see, PageModuleMissing};
use crate::pages::partnership_calendar::AgendasChoice;
use crate::store::saves_counter;

const NOTIFY_KEY: &str = "confidant.notify";
const NOTIFIED_KEY: &str = "confidant.notified";

#[derive(Clone)]
struct HomeView {
    has_profile: bool,
    /// (link, text, pressing), in order.
    items: Vec<(String, String, bool)>,
    /// The same items' groups: overdue, this week, coming up.
    groups: Vec<HomeGroup>,
}

async fn load_home(engine: Option<crate::sync::SyncEngine>) -> Result<HomeView, String> {
    let profile = my_profile_line().await?;
    let today = today_day();
    let calendars = crate::api::program_calendars(engine.as_ref()).await?;
    let me = profile.as_ref().map(|p| p.member_id.as_str());
    let mut items: Vec<Attention> = Vec::new();
    // Partners by member id, to say whose plan a milestone is in.
    let mut partners: Vec<(String, String)> = Vec::new();
    for (id, p) in lines_of::<Partnership>().await.map_err(|e| e.for_user())? {
        let side = p.side_for(profile.as_ref());
        items.extend(for_partnership(id, &p, side, &calendars.of(&p), today));
        for (member, name) in [(&p.mentor_id, &p.mentor), (&p.mentee_id, &p.mentee)] {
            if let Some(member) = member.as_deref().filter(|m| Some(*m) != me) {
                partners.push((member.to_owned(), name.clone()));
            }
        }
    }
    for (id, group) in lines_of::<confidant_shared::group::Group>().await.map_err(|e| e.for_user())? {
        items.extend(confidant_shared::attention::for_group(id, &group, today));
    }
    for (id, plan) in lines_of::<GoalPlan>().await.map_err(|e| e.for_user())? {
        items.extend(for_goal_plan(id, &plan, &Whose::of_plan(&plan.owner, me, &partners), today));
    }
    let ordered = in_order(items, today);
    let groups = ordered.iter().map(|a| a.group(today)).collect();
    let items = ordered
        .into_iter()
        .map(|a| {
            let pressing = a.is_pressing(today);
            (a.path(), a.text_with(today, crate::clock::day_words), pressing)
        })
        .collect();
    Ok(HomeView { has_profile: profile.is_some(), items, groups })
}

#[component]
pub fn HomePage() -> impl IntoView {
    let saves = saves_counter();
    let engine = StoredValue::new_local(crate::sync::use_sync());
    let home = LocalResource::new(move || {
        saves.track();
        load_home(engine.get_value())
    });
    Effect::new(move || {
        if let Some(Ok(view)) = home.get() {
            notify_pressing(&view.items);
        }
    });
    let (message, set_message) = signal(None::<String>);
    let (with_agendas, set_with_agendas) = signal(false);
    let calendar = move |_| {
        let engine = engine.get_value();
        spawn_local(async move {
            let download = match meetings_download(engine, with_agendas.get_untracked()).await {
                Ok(download) => download.await,
                Err(PageModuleMissing) => Err("The calendar download could not be fetched: check your connection and try again.".into()),
            };
            set_message.set(Some(match download {
                Ok(n) => format!("Saved confidant-meetings.ics with the meetings of {n} partnership(s)."),
                Err(e) => e,
            }));
        });
    };

    view! {
        <Title text="Home · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Home.title()}</h1>
            <p class="purpose">{Section::Home.purpose()}</p>
            <Invitations/>
            <Announcements/>
            <ProgramsIfAny/>
            {move || match home.get() {
                None => view! { <p class="loading" role="status">"Looking at what is due…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(view)) => view! {
                    {(!view.has_profile).then(|| view! {
                        <p class="notice">"Welcome to Confidant. Start with "<A href=Section::Settings.path()>"your profile"</A>
                            ", then write a goal plan or start a partnership."</p>
                    })}
                    {if view.items.is_empty() {
                        view! { <div class="empty-state" data-testid="empty-state"><p>{Section::Home.empty_state()}</p></div> }.into_any()
                    } else {
                        let groups = view.groups.clone();
                        let items: Vec<(HomeGroup, (String, String, bool))> = groups.into_iter().zip(view.items).collect();
                        view! {
                            {HomeGroup::ALL.into_iter().filter_map(|group| {
                                let these: Vec<(String, String, bool)> = items.iter().filter(|(g, _)| *g == group).map(|(_, item)| item.clone()).collect();
                                (!these.is_empty()).then(|| {
                                    let heading = format!("home-{}", group.title().to_lowercase().replace(' ', "-"));
                                    view! {
                                        <h2 id=heading.clone()>{group.title()}</h2>
                                        <ul class="attention" aria-labelledby=heading data-testid=format!("home-group-{}", group.title().to_lowercase().replace(' ', "-"))>
                                            {these.into_iter().map(|(link, text, pressing)| view! {
                                                <li data-testid="attention" class:pressing=pressing><A href=link>{text}</A></li>
                                            }).collect_view()}
                                        </ul>
                                    }
                                })
                            }).collect_view()}
                            <div class="goal-actions">
                                <AgendasChoice set_with_agendas/><button type="button" data-testid="download-calendar" on:click=calendar>"Add my meetings to my calendar (.ics)"</button>
                            </div>
                        }.into_any()
                    }}
                }.into_any(),
            }}
            {move || message.get().map(|m| view! { <p role="status">{m}</p> })}
            <NotificationChoice/>
        </section>
    }
}

/// Invitations to a partnership from people met in a workshop, shown
/// only when both wished to keep in touch (the engine checks).
#[component]
fn Invitations() -> impl IntoView {
    let Some(engine) = crate::sync::use_sync() else { return ().into_any() };
    let shown = {
        let engine = engine.clone();
        move || engine.invitations()
    };
    view! {
        {move || {
            let invitations = shown();
            (!invitations.is_empty()).then(|| view! {
                <h2 id="home-invitations">"Invitations"</h2>
                <ul class="attention" aria-labelledby="home-invitations" data-testid="invitations">
                    {invitations.into_iter().map(|invitation| {
                        let engine = engine.clone();
                        let invite = invitation.invite.clone();
                        view! {
                            <li data-testid="invitation">
                                // A full load: the join page reads the invite from the fragment as it opens.
                                <a rel="external" href=format!("{}#{}", confidant_shared::paths::JOIN, invitation.invite)>
                                    {format!("{} invites you to a partnership: you both chose to keep in touch at a workshop.", invitation.from_name)}
                                </a>
                                " "
                                <button type="button" on:click=move |_| engine.drop_invitation(&invite)>"Decline"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
    }
    .into_any()
}

/// For coordinators, [`ProgramsToSee`], fetched only on a device that
/// holds a program (the index says so without opening one).
#[component]
fn ProgramsIfAny() -> impl IntoView {
    let saves = saves_counter();
    let any = LocalResource::new(move || {
        saves.track();
        async { summaries(DocumentKind::Program).await.is_ok_and(|all| !all.is_empty()) }
    });
    // Drawn again only when the answer changes, not after every save.
    let any = Memo::new(move |_| any.get().unwrap_or(false));
    move || any.get().then(|| part_lazily(programs_to_see, "What your programs need could not be downloaded: check your connection and reload."))
}

/// For coordinators: what each program they run needs now.
#[component]
pub fn ProgramsToSee() -> impl IntoView {
    let saves = saves_counter();
    let programs = LocalResource::new(move || {
        saves.track();
        async {
            let today = crate::clock::today_day();
            let all = crate::api::documents_of::<confidant_shared::program::Program>().await.unwrap_or_default();
            all.into_iter()
                .map(|(id, p)| (id, p.name.clone(), p.attention(today)))
                .filter(|(_, _, items)| !items.is_empty())
                .collect::<Vec<_>>()
        }
    });
    view! {
        {move || programs.get().filter(|list| !list.is_empty()).map(|list| view! {
            <h2 id="home-programs">"Your programs"</h2>
            <ul class="attention" aria-labelledby="home-programs" data-testid="program-attention">
                {list.into_iter().map(|(id, name, items)| view! {
                    <li><A href=confidant_shared::paths::program(id)>{name}</A>{format!(": {}", items.join(" "))}</li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// Announcements from the coordinators of programs this person belongs to,
/// newest first.
#[component]
fn Announcements() -> impl IntoView {
    let Some(engine) = crate::sync::use_sync() else { return ().into_any() };
    view! {
        {move || {
            let mut all = engine.program_letters().announcements;
            all.reverse();
            (!all.is_empty()).then(|| view! {
                <h2 id="home-announcements">"From your programs"</h2>
                <ul class="attention" aria-labelledby="home-announcements" data-testid="announcements">
                    {all.into_iter().take(10).map(|a| view! {
                        <li data-testid="announcement">
                            <strong>{format!("{}, {}: ", a.program_name, crate::clock::day_words(a.sent_on))}</strong>
                            {a.text}
                        </li>
                    }).collect_view()}
                </ul>
            })
        }}
    }
    .into_any()
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn notifications_on() -> bool {
    local_storage().and_then(|s| s.get_item(NOTIFY_KEY).ok().flatten()).as_deref() == Some("on")
        && web_sys::Notification::permission() == web_sys::NotificationPermission::Granted
}

/// Show each pressing item at most once a day.
fn notify_pressing(items: &[(String, String, bool)]) {
    if !notifications_on() {
        return;
    }
    let Some(storage) = local_storage() else { return };
    let day = today();
    let mut seen: Vec<String> = storage
        .get_item(NOTIFIED_KEY)
        .ok()
        .flatten()
        .map(|s| s.lines().filter(|l| l.starts_with(&day)).map(str::to_owned).collect())
        .unwrap_or_default();
    for (_, text, _) in items.iter().filter(|(_, _, pressing)| *pressing) {
        let key = format!("{day} {text}");
        if seen.contains(&key) {
            continue;
        }
        let options = web_sys::NotificationOptions::new();
        options.set_body(text);
        let _ = web_sys::Notification::new_with_options("Confidant", &options);
        seen.push(key);
    }
    let _ = storage.set_item(NOTIFIED_KEY, &seen.join("\n"));
}

#[component]
fn NotificationChoice() -> impl IntoView {
    let (on, set_on) = signal(notifications_on());
    let (message, set_message) = signal(None::<String>);
    let toggle = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        spawn_local(async move {
            let Some(storage) = local_storage() else { return };
            if !wanted {
                let _ = storage.set_item(NOTIFY_KEY, "off");
                set_on.set(false);
                return;
            }
            let granted = match web_sys::Notification::request_permission() {
                Ok(promise) => JsFuture::from(promise).await.ok().and_then(|v| v.as_string()).as_deref() == Some("granted"),
                Err(_) => false,
            };
            let _ = storage.set_item(NOTIFY_KEY, if granted { "on" } else { "off" });
            set_on.set(granted);
            if !granted {
                set_message.set(Some("The browser did not allow notifications. You can allow them in its site settings.".into()));
            }
        });
    };
    view! {
        <div class="field">
            <label class="choice">
                <input type="checkbox" prop:checked=on on:change=toggle/>
                " Notify me in this browser when a meeting or milestone is due (shown once a day, only on this device)"
            </label>
            {move || message.get().map(|m| view! { <p role="status">{m}</p> })}
        </div>
    }
}
