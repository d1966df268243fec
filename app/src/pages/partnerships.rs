//! The Partnerships section: the user's partnerships with the next meeting
//! due, and a form to start one and invite the partner.

use confidant_shared::attention::{for_group, for_partnership, Attention};
use confidant_shared::group::{Group, GroupPurpose};
use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::partnership::{AgreedDuration, Partnership, Side};
use confidant_shared::sync::Role;
use confidant_shared::Section;
use leptos::ev;
use confidant_shared::paths;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{summaries, create_document};
use crate::clock::{today, today_day};
use crate::api::{my_profile, random_id};
use confidant_shared::profile::{Profile, Role as ProfileRole};
use crate::api::lines_of;
use crate::store::saves_counter;
use crate::sync::use_sync;

/// The agreed durations offered when starting (the seeds' programs).
const DURATIONS: [(&str, &str, AgreedDuration); 4] = [
    ("6-months", "6 months", AgreedDuration::Months(6)),
    ("12-months", "12 months", AgreedDuration::Months(12)),
    ("3-semesters", "3 semesters, renewable", AgreedDuration::Semesters { count: 3, renewable: true }),
    ("1-semester", "1 semester, renewable", AgreedDuration::Semesters { count: 1, renewable: true }),
];

#[component]
pub fn PartnershipsPage() -> impl IntoView {
    let saves = saves_counter();
    let engine = crate::sync::use_sync();
    let list = LocalResource::new(move || {
        saves.track();
        let engine = engine.clone();
        async move {
            let profile = my_profile().await?.map(|(_, p)| p);
            let calendars = crate::api::program_calendars(engine.as_ref()).await?;
            let all = lines_of::<Partnership>().await.map_err(|e| e.for_user())?;
            let today = today_day();
            let rows: Vec<(String, String, Option<String>)> = all
                .into_iter()
                .map(|(id, p)| {
                    let side = p.side_for(profile.as_ref());
                    let next = for_partnership(id, &p, side, &calendars.of(&p), today).into_iter().next();
                    let title = p.pair_title();
                    (paths::partnership(id), title, next.map(|a: Attention| a.text_with(today, crate::clock::day_words)))
                })
                .collect();
            Ok::<_, String>(rows)
        }
    });

    view! {
        <Title text="Partnerships · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Partnerships.title()}</h1>
            <p class="purpose">{Section::Partnerships.purpose()}</p>
            <crate::widgets::delete_document::RecentlyDeleted kind=DocumentKind::Partnership what="Partnership"/>
            {move || match list.get() {
                None => view! { <p class="loading" role="status">"Loading your partnerships…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(rows)) if rows.is_empty() => view! {
                    <div class="empty-state" data-testid="empty-state"><p>{Section::Partnerships.empty_state()}</p></div>
                }.into_any(),
                Some(Ok(rows)) => view! {
                    <ul class="doc-list" aria-label="Your partnerships">
                        {rows.into_iter().map(|(href, title, next)| view! {
                            <li data-testid="partnership">
                                <A href=href>{title}</A>
                                {next.map(|n| view! { <span class="hint">" · "{n}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <StartPartnership/>
            <Groups/>
        </section>
    }
}

/// The reading groups and peer mentoring groups on this device, with
/// their next meeting, and a form to start one.
#[component]
fn Groups() -> impl IntoView {
    let saves = saves_counter();
    let list = LocalResource::new(move || {
        saves.track();
        async {
            let today = today_day();
            let all = lines_of::<Group>().await.map_err(|e| e.for_user())?;
            let mut rows: Vec<(String, String, Option<String>)> = all
                .into_iter()
                .map(|(id, g)| {
                    let next = for_group(id, &g, today).map(|a| a.text_with(today, crate::clock::day_words));
                    let name = if g.name.trim().is_empty() { format!("A {}", g.purpose.noun()) } else { g.name.clone() };
                    (paths::group(id), name, next)
                })
                .collect();
            confidant_shared::sort::by(&mut rows, |a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()));
            Ok::<_, String>(rows)
        }
    });
    view! {
        <h2 id="groups-heading">"Groups"</h2>
        <p>"Reading groups and peer mentoring groups: members, meetings, a reading list and shared notes."</p>
        {move || match list.get() {
            None => view! { <p class="loading" role="status">"Loading your groups…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Some(Ok(rows)) if rows.is_empty() => view! { <p class="empty-state">"No groups yet. Start one below and send its members the invite link."</p> }.into_any(),
            Some(Ok(rows)) => view! {
                <ul class="doc-list" aria-labelledby="groups-heading">
                    {rows.into_iter().map(|(href, name, next)| view! {
                        <li data-testid="group"><A href=href>{name}</A>{next.map(|n| view! { <span class="hint">" · "{n}</span> })}</li>
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
        <StartGroup/>
    }
}

#[component]
fn StartGroup() -> impl IntoView {
    let engine = use_sync();
    let profile = LocalResource::new(my_profile);
    let (name, set_name) = signal(String::new());
    let (purpose, set_purpose) = signal(GroupPurpose::ReadingGroup);
    let (grouped_by, set_grouped_by) = signal(String::new());
    let (facilitated, set_facilitated) = signal(true);
    let (my_name, set_my_name) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let navigate = use_navigate();
    let start = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let (name, purpose, grouped_by, facilitated) = (name.get_untracked(), purpose.get_untracked(), grouped_by.get_untracked(), facilitated.get_untracked());
        // The form is checked before anything is made (a profile included).
        if let Err(why) = Group::new(&name, purpose, &grouped_by, facilitated, ("check", "check"), today_day()) {
            return set_error.set(Some(why.to_string()));
        }
        let my_name = my_name.get_untracked().trim().to_owned();
        let engine = engine.clone();
        let navigate = navigate.clone();
        spawn_local(async move {
            let started = async {
                // Read here, not from the page's resource, which may still be opening.
                let me = match my_profile().await?.map(|(_, me)| me) {
                    Some(me) => me,
                    None if my_name.is_empty() => return Err("Please enter your name: the group's members see it.".to_string()),
                    None => {
                        let me = Profile::with_member_id(&my_name, &random_id()?);
                        create_document(&me).await?;
                        me
                    }
                };
                let group = Group::new(&name, purpose, &grouped_by, facilitated, (&me.member_id, &me.display_name), today_day()).map_err(|e| e.to_string())?;
                crate::pages::group::start_group(&group, engine.as_ref()).await
            };
            match started.await {
                Ok(id) => navigate(&paths::group(id), Default::default()),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    view! {
        <h3 id="start-group-heading">"Start a group"</h3>
        <form class="stacked-form" on:submit=start aria-labelledby="start-group-heading">
            {move || matches!(profile.get(), Some(Ok(None))).then(|| view! {
                <div class="field">
                    <label for="group-my-name">"Your name, as the members will see it"</label>
                    <input id="group-my-name" type="text" autocomplete="name" prop:value=my_name on:input=move |ev| set_my_name.set(event_target_value(&ev))/>
                </div>
            })}
            <div class="field">
                <label for="group-name">"Name of the group"</label>
                <input id="group-name" type="text" prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
            </div>
            <fieldset>
                <legend>"Kind of group"</legend>
                {GroupPurpose::ALL.into_iter().map(|p| view! {
                    <label class="choice"><input type="radio" name="group-purpose" value=p.token() prop:checked=move || purpose.get() == p
                        on:change=move |_| set_purpose.set(p)/>{format!(" A {}", p.noun())}</label>
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="group-grouped-by">"Grouped by (optional: seniority, research area…)"</label>
                <input id="group-grouped-by" type="text" prop:value=grouped_by on:input=move |ev| set_grouped_by.set(event_target_value(&ev))/>
            </div>
            <label class="choice" for="group-facilitated">
                <input id="group-facilitated" type="checkbox" prop:checked=facilitated on:change=move |ev| set_facilitated.set(event_target_checked(&ev))/>
                " I facilitate it (leave unticked for a group its members run together)"
            </label>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit" data-testid="start-group">"Start the group"</button>
        </form>
    }
}

pub fn name_or(name: &str, fallback: &str) -> String {
    if name.trim().is_empty() { fallback.to_owned() } else { name.trim().to_owned() }
}

#[component]
fn StartPartnership() -> impl IntoView {
    let engine = use_sync();
    let profile = LocalResource::new(my_profile);
    let plans = LocalResource::new(|| async {
        summaries(DocumentKind::GoalPlan).await
    });
    // From a workshop, after both wished to keep in touch: the partner's
    // name, and their device, which gets the invite on its Home. Only for
    // someone this device wished to keep in touch with and who wished it
    // too: a link naming any other address is a plain form (it would hand
    // an attacker the partnership's keys).
    let query = use_query_map().get_untracked();
    let asked = query.get("to").zip(query.get("workshop"));
    let met_in_workshop = {
        let engine = engine.clone();
        Memo::new(move |_| {
            let (to, workshop) = asked.clone()?;
            let engine = engine.as_ref()?;
            let token = engine.wishes_in(&workshop).get(&to).copied()?;
            engine.met(&token).then(|| confidant_shared::sync::inbox::InboxAddress::parse(&to).ok().map(|address| (address, workshop))).flatten()
        })
    };
    let invite_goes_home = move || met_in_workshop.with(Option::is_some);
    let (side, set_side) = signal(Side::Mentee);
    let (partner, set_partner) = signal(String::new());
    let with = query.get("with");
    Effect::new(move |filled: Option<bool>| {
        // The name once the wish is confirmed (the engine may still be starting).
        if filled != Some(true) && met_in_workshop.with(Option::is_some) {
            set_partner.set(with.clone().unwrap_or_default());
            return true;
        }
        filled.unwrap_or(false)
    });
    let (start, set_start) = signal(today());
    let (duration, set_duration) = signal(DURATIONS[0].0.to_string());
    let (plan, set_plan) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let (my_name, set_my_name) = signal(String::new());
    let navigate = use_navigate();

    let create = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        // No profile yet: the name asked in this form makes one.
        let existing = match profile.get_untracked() {
            Some(Ok(existing)) => existing.map(|(_, me)| me),
            _ => {
                set_error.set(Some("Your profile is still opening; try again in a moment.".into()));
                return;
            }
        };
        let my_name = my_name.get_untracked().trim().to_owned();
        if existing.is_none() && my_name.is_empty() {
            set_error.set(Some("Please enter your name: your partner sees it.".into()));
            return;
        }
        let engine = engine.clone();
        let navigate = navigate.clone();
        let met_in_workshop = met_in_workshop.get_untracked();
        let (side, partner, start, plan) = (side.get_untracked(), partner.get_untracked(), start.get_untracked(), plan.get_untracked());
        let duration = DURATIONS.iter().find(|d| d.0 == duration.get_untracked()).map(|d| d.2).unwrap_or(DURATIONS[0].2);
        spawn_local(async move {
            let created = async {
                let me = match existing {
                    Some(me) => me,
                    None => {
                        let mut me = Profile::with_member_id(&my_name, &random_id()?);
                        me.roles = vec![if side == Side::Mentor { ProfileRole::Mentor } else { ProfileRole::Mentee }];
                        create_document(&me).await?;
                        me
                    }
                };
                let mut p = Partnership::started_by(side, &me.member_id, &me.display_name, partner.trim(), &start, duration);
                p.topics = me.topics.clone();
                if let (Some(engine), Ok(plan)) = (engine.as_ref(), plan.parse::<DocumentId>()) {
                    engine.share(plan, DocumentKind::GoalPlan).await?;
                    let invite = engine.invite(plan, Role::Writer).await?;
                    p.goal_plan_invite = Some(invite.fragment());
                }
                let doc = create_document(&p).await?;
                if let Some(engine) = engine.as_ref() {
                    engine.share(doc.id(), DocumentKind::Partnership).await?;
                    if let Some((to, workshop)) = met_in_workshop {
                        let invite = engine.invite(doc.id(), Role::Writer).await?;
                        engine.send_invitation(to, workshop, invite).await?;
                        return Ok::<_, String>(paths::partnership(doc.id()));
                    }
                }
                Ok::<_, String>(paths::partnership_inviting(doc.id()))
            };
            match created.await {
                Ok(path) => navigate(&path, Default::default()),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };

    view! {
        <h2 id="start-heading">"Start a partnership"</h2>
        <p>"Set out what you agree on, then send your partner the invite link. They see the partnership (and the goal plan \
            you pick) once they open it; the relay only ever holds it encrypted."</p>
        <form class="stacked-form" on:submit=create aria-labelledby="start-heading">
            {move || matches!(profile.get(), Some(Ok(None))).then(|| view! {
                <div class="field">
                    <label for="start-my-name">"Your name, as your partner will see it"</label>
                    <input id="start-my-name" type="text" autocomplete="name" required
                        prop:value=my_name on:input=move |ev| set_my_name.set(event_target_value(&ev))/>
                    <p class="hint">"This makes your profile; add more to it in "<A href=Section::Settings.path()>"Settings"</A>"."</p>
                </div>
            })}
            <fieldset>
                <legend>"In this partnership you are"</legend>
                <label class="choice"><input type="radio" name="start-side" value="mentee" prop:checked=move || side.get() == Side::Mentee
                    on:change=move |_| set_side.set(Side::Mentee)/>" the mentee"</label>
                <label class="choice"><input type="radio" name="start-side" value="mentor" prop:checked=move || side.get() == Side::Mentor
                    on:change=move |_| set_side.set(Side::Mentor)/>" the mentor or advisor"</label>
            </fieldset>
            <div class="field">
                <label for="start-partner">"Your partner's name (they can change it)"</label>
                <input id="start-partner" type="text" prop:value=partner on:input=move |ev| set_partner.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="start-date">"First meeting"</label>
                <input id="start-date" type="date" prop:value=start on:input=move |ev| set_start.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="start-duration">"Agreed duration"</label>
                <select id="start-duration" on:change=move |ev| set_duration.set(event_target_value(&ev))>
                    {DURATIONS.iter().map(|(token, label, _)| view! {
                        <option value=*token selected=move || duration.get() == *token>{*label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="start-plan">"Goal plan to work on together"</label>
                <select id="start-plan" on:change=move |ev| set_plan.set(event_target_value(&ev))>
                    <option value="">"None for now"</option>
                    {move || plans.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id.clone()>{p.title}</option>
                    }).collect_view()}
                </select>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || invite_goes_home().then(|| view! {
                <p class="hint" data-testid="invite-goes-home">"You both chose to keep in touch, so the invite goes straight to their Home; no link to pass on."</p>
            })}
            <button type="submit" data-testid="start-partnership">"Start and invite my partner"</button>
        </form>
    }
}
