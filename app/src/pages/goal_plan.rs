//! One goal plan (`/goals/<id>`): its goals in priority order, why each
//! matters, and milestones.
//!
//! Every keystroke edits the Automerge document at once; saving to IndexedDB
//! is coalesced (a short pause after typing) and forced when the page is
//! hidden or closed, so closing the tab loses nothing. Saves from other tabs
//! on this device arrive over a BroadcastChannel and show live.

use confidant_shared::document::DocumentKind;
use confidant_shared::goal_plan::{removal_news, GoalPlan, MilestoneStatus, RemovalNews};
use confidant_shared::Section;
use leptos::ev;
use leptos::prelude::*;

use crate::widgets::inline_edit::InlineEdit;
use crate::widgets::live_text::live_text;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{not_ready, use_document, DocumentState};
use crate::widgets::document_editing::DocumentEditing;
use crate::widgets::SharePanel;
use crate::store::OpenDocument;
use crate::api::my_profile;
use crate::clock::today_day;

/// How long Undo is offered after removing a goal.
const UNDO_MS: u64 = 10_000;

/// Removed goals, restorable by anyone who shares the plan, with whatever
/// was changed on them since (a partner's offline edits are kept here).
#[component]
fn RecentlyRemoved(plan: ReadSignal<GoalPlan, LocalStorage>, editing: PlanEditing) -> impl IntoView {
    let removed = move || {
        plan.with(|p| {
            p.removed_goals()
                .into_iter()
                .map(|g| (g.id.clone(), g.title.as_str().to_owned(), g.removed_on.map(confidant_shared::calendar_day::day_text).unwrap_or_default(), g.removed_by.clone().unwrap_or_default()))
                .collect::<Vec<_>>()
        })
    };
    move || {
        let removed = removed();
        (!removed.is_empty()).then(|| view! {
            <section aria-labelledby="removed-heading">
                <h2 id="removed-heading">"Recently removed"</h2>
                <p class="hint">"Kept with every change made to them, also by a partner who was offline, until someone restores them or deletes them for good."</p>
                <ul class="removed">
                    {removed.into_iter().map(|(goal, title, on, by)| view! {
                        <li data-testid="removed-goal">
                            <span>{format!("{title} (removed {on} by {by}) ")}</span>
                            <button type="button" aria-label=format!("Restore {title}") on:click={
                                let goal = goal.clone();
                                move |_| editing.edit(|p| p.restore_goal(&goal))
                            }>"Restore"</button>
                            <button type="button" class="danger" aria-label=format!("Delete {title} for good, for everyone who shares the plan")
                                on:click=move |_| editing.edit(|p| { p.delete_for_good(&goal); })>"Delete for good"</button>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}

#[component]
pub fn GoalPlanPage() -> impl IntoView {
    let params = use_params_map();
    let plan = use_document::<GoalPlan>(move || params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <Title text="Goal plan · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            {move || plan.with(|state| match state {
                DocumentState::Ready { doc, value, notice } => view! {
                    <GoalPlanEditor doc=doc.clone() initial=value.clone() notice=notice.clone()/>
                }.into_any(),
                other => not_ready(other, Section::Goals, "goal plan"),
            })}
        </section>
    }
}

type PlanEditing = DocumentEditing<GoalPlan>;

#[component]
fn GoalPlanEditor(doc: OpenDocument, initial: GoalPlan, notice: Option<String>) -> impl IntoView {
    let this_id = doc.id();
    let (plan, set_plan) = signal_local(initial);
    let (error, set_error) = signal(None::<String>);
    let editing = PlanEditing::new(doc, set_plan, set_error);
    // A partner's change that removed a goal, or changed a removed one, is
    // said out loud: nothing anyone wrote disappears without a word.
    let (news, set_news) = signal(None::<String>);
    editing.on_arrival(move |before, after| {
        let told: Vec<String> = removal_news(before, after).iter().map(RemovalNews::sentence).collect();
        if !told.is_empty() {
            set_news.set(Some(told.join(" ")));
        }
    });

    let (new_goal, set_new_goal) = signal(String::new());
    let add_goal = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let title = new_goal.get_untracked().trim().to_owned();
        if title.is_empty() {
            return;
        }
        let Some(id) = editing.new_id() else { return };
        editing.edit(|plan| plan.add_goal(&id, &title, ""));
        set_new_goal.set(String::new());
    };
    let progress = move || plan.with(|p| p.progress());

    // Removing a goal asks first (the card), then offers Undo for a few
    // seconds; removed goals stay restorable under "Recently removed".
    let my_name = LocalResource::new(|| async { my_profile().await.ok().flatten().map(|(_, p)| p.display_name).unwrap_or_default() });
    let (undo, set_undo) = signal(None::<(String, String)>);
    let remove = Callback::new(move |goal: String| {
        let by = my_name.get_untracked().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "someone".into());
        let title = plan.with_untracked(|p| p.goals.get(&goal).map(|g| g.title.as_str().to_owned())).unwrap_or_default();
        editing.edit(|p| p.remove_goal(&goal, today_day(), &by));
        set_undo.set(Some((goal.clone(), title)));
        set_timeout(
            move || {
                let _ = set_undo.try_update(|u| if u.as_ref().is_some_and(|(g, _)| *g == goal) { *u = None });
            },
            std::time::Duration::from_millis(UNDO_MS),
        );
    });

    view! {
        <InlineEdit heading_id="page-title" label="Plan title" input_id="plan-title" testid="plan-title"
            value=Signal::derive(move || plan.with(|p| p.title.as_str().to_owned()))
            on_save=Callback::new(move |title: String| editing.edit(|p| p.title.update(&title)))/>
        {notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        // Always in the page, so screen readers announce the sentence when it comes.
        <p class:notice=move || news.with(Option::is_some) role="status" data-testid="removal-news">{move || news.get()}</p>
        <p class="plan-horizon">
            "Looking ahead "
            <InlineEdit label="Months ahead" input_id="plan-horizon" kind="number" min="1" max="36" testid="plan-horizon"
                value=Signal::derive(move || plan.with(|p| p.horizon_months.to_string()))
                on_save=Callback::new(move |months: String| {
                    if let Ok(months) = months.parse::<u32>() {
                        editing.edit(|p| p.horizon_months = months.clamp(1, 36));
                    }
                })/>
            " months"
        </p>
        <p class="progress" data-testid="plan-progress">
            {move || { let (done, all) = progress(); format!("{done} of {all} milestones done") }}
        </p>
        <h2>"Goals, most important first"</h2>
        {move || undo.get().map(|(goal, title)| view! {
            <p class="notice" role="status" data-testid="goal-removed">
                {format!("Removed \u{201c}{title}\u{201d}. ")}
                <button type="button" data-testid="undo-remove" on:click=move |_| {
                    editing.edit(|p| p.restore_goal(&goal));
                    set_undo.set(None);
                }>"Undo"</button>
            </p>
        })}
        {move || plan.with(|p| p.priority_ids().is_empty()).then(|| view! {
            <p class="empty-state">"No goals yet. What do you want to achieve in the next months? Add it below."</p>
        })}
        <ol class="goals" aria-label="Goals in priority order">
            <For each=move || plan.with(|p| p.priority_ids()) key=|id| id.clone() let:goal_id>
                <GoalCard goal_id plan editing remove/>
            </For>
        </ol>
        <form class="inline-form" on:submit=add_goal>
            <label for="new-goal">"New goal"</label>
            <input id="new-goal" type="text" placeholder="e.g. Submit my first paper"
                prop:value=new_goal on:input=move |ev| set_new_goal.set(event_target_value(&ev))/>
            <button type="submit">"Add goal"</button>
        </form>
        <RecentlyRemoved plan editing/>
        <OpenQuestions plan editing/>
        <ProgressChart plan/>
        <Comments plan editing/>
        <SharePanel local=this_id kind=DocumentKind::GoalPlan what="goal plan"/>
        <div class="goal-actions">
            <crate::widgets::delete_document::DeleteDocument id=this_id kind=DocumentKind::GoalPlan what="this goal plan"
                question="Delete this goal plan from your devices? If you share it, your partner keeps their copy and gets nothing new from you."
                before=move |_| editing.save_now()/>
        </div>
    }
}

#[component]
fn GoalCard(goal_id: String, plan: ReadSignal<GoalPlan, LocalStorage>, editing: PlanEditing, remove: Callback<String>) -> impl IntoView {
    let (confirming, set_confirming) = signal(false);
    // The milestone being edited where it stands (Enter saves, Escape
    // cancels), and the last one deleted, for Undo.
    let (editing_milestone, set_editing_milestone) = signal(None::<String>);
    let (edit_title, set_edit_title) = signal(String::new());
    let (edit_due, set_edit_due) = signal(String::new());
    let (edit_status, set_edit_status) = signal(String::new());
    let (deleted_milestone, set_deleted_milestone) = signal_local(None::<(usize, confidant_shared::goal_plan::Milestone)>);
    let id = StoredValue::new(goal_id);
    let field = move |read: fn(&confidant_shared::goal_plan::Goal) -> String| {
        move || plan.with(|p| id.with_value(|id| p.goals.get(id).map(read).unwrap_or_default()))
    };
    let title = field(|g| g.title.as_str().to_owned());
    let why = field(|g| g.why.as_str().to_owned());
    let position = move || plan.with(|p| id.with_value(|id| p.priority_ids().iter().position(|g| g == id).unwrap_or(0)));
    let move_to = move |to: usize| id.with_value(|id| editing.edit(|p| p.move_goal(id, to)));
    let title_id = move || id.with_value(|id| format!("goal-{id}-title"));
    let why_id = move || id.with_value(|id| format!("goal-{id}-why"));
    let (new_milestone, set_new_milestone) = signal(String::new());
    let (new_due, set_new_due) = signal(String::new());
    let (adding, set_adding) = signal(false);
    let milestone_input = NodeRef::<leptos::html::Input>::new();
    let add_button = NodeRef::<leptos::html::Button>::new();
    // Focus into the form when it opens, back to its button when it closes.
    let was_opened = StoredValue::new(false);
    Effect::new(move |_| {
        if adding.get() {
            was_opened.set_value(true);
            if let Some(input) = milestone_input.get() { let _ = input.focus(); }
        } else if was_opened.get_value() {
            if let Some(button) = add_button.get() { let _ = button.focus(); }
        }
    });
    let close_adding = move || {
        set_new_milestone.set(String::new());
        set_new_due.set(String::new());
        set_adding.set(false);
    };

    view! {
        <li class="goal" data-testid="goal" draggable="true"
            aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
            on:keydown=move |ev: ev::KeyboardEvent| {
                // Alt+Arrow reorders from the keyboard, wherever focus is in the goal.
                if ev.alt_key() && ev.key() == "ArrowUp" { ev.prevent_default(); move_to(position().saturating_sub(1)); }
                if ev.alt_key() && ev.key() == "ArrowDown" { ev.prevent_default(); move_to(position() + 1); }
            }
            on:dragstart=move |ev: ev::DragEvent| {
                if let Some(data) = ev.data_transfer() { id.with_value(|id| { let _ = data.set_data("text/plain", id); }); }
            }
            on:dragover=move |ev: ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: ev::DragEvent| {
                ev.prevent_default();
                let dragged = ev.data_transfer().and_then(|d| d.get_data("text/plain").ok()).unwrap_or_default();
                let to = position();
                if !dragged.is_empty() { editing.edit(|p| p.move_goal(&dragged, to)) }
            }>
            <div class="goal-title">
                <InlineEdit label="Goal" heading_level=3 input_id=Signal::derive(title_id) testid="goal-title" value=Signal::derive(title)
                    on_save=Callback::new(move |v: String| id.with_value(|id| editing.edit(|p| if let Some(g) = p.goal_mut(id) { g.title.update(&v) })))/>
            </div>
            // Why it matters reads as a paragraph and is written where it
            // stands, live, so two partners can write in it at once.
            <div class="field why">
                <label for=why_id>"Why it matters"</label>
                <textarea id=why_id rows="2" class="reads-as-text" placeholder="Why this goal matters to you"
                    use:live_text=Signal::derive(why)
                    on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" {
                        if let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok()) { let _ = el.blur(); }
                    }
                    on:input=move |ev| { let v = event_target_value(&ev); id.with_value(|id| editing.edit(|p| if let Some(g) = p.goal_mut(id) { g.why.update(&v) })) }>
                </textarea>
            </div>
            <div class="goal-actions">
                <button type="button" on:click=move |_| move_to(position().saturating_sub(1)) disabled=move || position() == 0
                    aria-label=move || format!("Move {} up", title())>"Move up"</button>
                <button type="button" on:click=move |_| move_to(position() + 1) disabled=move || plan.with(|p| position() + 1 >= p.priority_ids().len())
                    aria-label=move || format!("Move {} down", title())>"Move down"</button>
                {move || if confirming.get() {
                    view! {
                        <span role="group" class="confirm" aria-label=move || format!("Remove {}?", title())>
                            "Remove it from the plan, for everyone who shares it? "
                            <button type="button" class="danger" data-testid="confirm-remove" on:click=move |_| {
                                set_confirming.set(false);
                                remove.run(id.get_value());
                            }>"Remove"</button>
                            <button type="button" on:click=move |_| set_confirming.set(false)>"Keep it"</button>
                        </span>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="danger" data-testid="remove-goal" on:click=move |_| set_confirming.set(true)
                            aria-label=move || format!("Remove {}", title())>"Remove"</button>
                    }.into_any()
                }}
            </div>
            <ul class="milestones" aria-label=move || format!("Milestones of {}", title())>
                {move || plan.with(|p| id.with_value(|gid| p.goals.get(gid).map(|g| g.milestones.clone()).unwrap_or_default()))
                    .into_iter()
                    .map(|m| {
                        let mid = StoredValue::new(m.id.clone());
                        let done = m.status == MilestoneStatus::Done;
                        let overdue = m.is_overdue(today_day());
                        let due_words = m.due.map(|d| format!(" (due {})", crate::clock::day_words(d)));
                        let label = format!("{}{}", m.title.as_str(), due_words.unwrap_or_default());
                        let (m_title, m_due) = (m.title.as_str().to_owned(), m.due.map(confidant_shared::calendar_day::day_text).unwrap_or_default());
                        let m_status = MILESTONE_STATUSES.iter().find(|(s, ..)| *s == m.status).map(|(_, token, _)| *token).unwrap_or("planned");
                        let save = move || {
                            let (title, due) = (edit_title.get_untracked().trim().to_owned(), edit_due.get_untracked());
                            if !title.is_empty() {
                                id.with_value(|gid| mid.with_value(|mid| editing.edit(|p| {
                                    if let Some(m) = p.goal_mut(gid).and_then(|g| g.milestone_mut(mid)) {
                                        if m.title.as_str() != title { m.title.update(&title); }
                                        m.due = confidant_shared::calendar_day::parse_day(&due);
                                        // The one place a status other than done or not is chosen.
                                        if let Some(status) = MILESTONE_STATUSES.iter().find(|(_, token, _)| *token == edit_status.get_untracked()).map(|(s, ..)| *s) {
                                            if status != m.status {
                                                m.set_done(status == MilestoneStatus::Done, today_day());
                                                m.status = status;
                                            }
                                        }
                                    }
                                })));
                            }
                            set_editing_milestone.set(None);
                        };
                        if editing_milestone.get().as_deref() == Some(m.id.as_str()) {
                            let title_id = format!("milestone-{}-title", m.id);
                            let due_id = format!("milestone-{}-due", m.id);
                            let status_id = format!("milestone-{}-status", m.id);
                            return view! {
                                <li data-testid="milestone">
                                    <form class="inline-form" on:submit=move |ev: ev::SubmitEvent| { ev.prevent_default(); save(); }
                                        on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" { set_editing_milestone.set(None) }>
                                        <label for=title_id.clone()>"Milestone"</label>
                                        <input id=title_id type="text" prop:value=edit_title on:input=move |ev| set_edit_title.set(event_target_value(&ev))/>
                                        <label for=due_id.clone()>"Due"</label>
                                        <input id=due_id type="date" prop:value=edit_due on:input=move |ev| set_edit_due.set(event_target_value(&ev))/>
                                        <label for=status_id.clone()>"Status"</label>
                                        <select id=status_id on:change=move |ev| set_edit_status.set(event_target_value(&ev))>
                                            {MILESTONE_STATUSES.iter().map(|(_, token, text)| view! {
                                                <option value=*token selected=move || edit_status.get() == *token>{*text}</option>
                                            }).collect_view()}
                                        </select>
                                        <button type="submit" data-testid="save-milestone">"Save"</button>
                                        <button type="button" on:click=move |_| set_editing_milestone.set(None)>"Cancel"</button>
                                        <button type="button" class="danger" data-testid="delete-milestone" on:click=move |_| {
                                            id.with_value(|gid| mid.with_value(|mid| {
                                                let mut taken = None;
                                                editing.edit(|p| taken = p.goal_mut(gid).and_then(|g| g.remove_milestone(mid)));
                                                set_deleted_milestone.set(taken);
                                                let gone = mid.clone();
                                                set_timeout(move || {
                                                    let _ = set_deleted_milestone.try_update(|d| if d.as_ref().is_some_and(|(_, m)| m.id == gone) { *d = None });
                                                }, std::time::Duration::from_millis(UNDO_MS));
                                            }));
                                            set_editing_milestone.set(None);
                                        }>"Delete"</button>
                                    </form>
                                </li>
                            }.into_any();
                        }
                        view! {
                            <li data-testid="milestone" class:overdue=overdue>
                                <label>
                                    <input type="checkbox" prop:checked=done on:change=move |ev| {
                                        let checked = event_target_checked(&ev);
                                        id.with_value(|gid| mid.with_value(|mid| editing.edit(|p| {
                                            if let Some(m) = p.goal_mut(gid).and_then(|g| g.milestone_mut(mid)) {
                                                m.set_done(checked, today_day());
                                            }
                                        })))
                                    }/>
                                    " " {label}
                                </label>
                                {overdue.then(|| view! { <span class="overdue-mark" data-testid="overdue">"Overdue"</span> })}
                                <button type="button" class="quiet" aria-label=format!("Edit {}", m.title.as_str()) on:click=move |_| {
                                    set_edit_title.set(m_title.clone());
                                    set_edit_due.set(m_due.clone());
                                    set_edit_status.set(m_status.to_string());
                                    set_editing_milestone.set(mid.get_value().into());
                                }>"Edit"</button>
                                {matches!(m.status, MilestoneStatus::InProgress | MilestoneStatus::Dropped).then(|| view! {
                                    <span class="hint">{if m.status == MilestoneStatus::InProgress { " · in progress" } else { " · dropped" }}</span>
                                })}
                            </li>
                        }.into_any()
                    })
                    .collect_view()}
            </ul>
            {move || deleted_milestone.with(|d| d.as_ref().map(|(_, m)| m.title.as_str().to_owned())).map(|title| view! {
                <p class="notice" role="status" data-testid="milestone-deleted">
                    {format!("Deleted \u{201c}{title}\u{201d}. ")}
                    <button type="button" data-testid="undo-milestone" on:click=move |_| {
                        if let Some((at, m)) = deleted_milestone.get_untracked() {
                            id.with_value(|gid| editing.edit(|p| if let Some(g) = p.goal_mut(gid) { g.put_back_milestone(at, m) }));
                        }
                        set_deleted_milestone.set(None);
                    }>"Undo"</button>
                </p>
            })}
            // The form to add a milestone opens on request, so the plan reads
            // as a plan; it stays open for the next one until Escape or Cancel.
            {move || if adding.get() {
                view! {
                    <form class="inline-form milestone-form" on:submit=move |ev: ev::SubmitEvent| {
                        ev.prevent_default();
                        let title = new_milestone.get_untracked().trim().to_owned();
                        if title.is_empty() { return; }
                        let due = new_due.get_untracked();
                        let due = confidant_shared::calendar_day::parse_day(&due);
                        let Some(mid) = editing.new_id() else { return };
                        id.with_value(|gid| editing.edit(|p| if let Some(g) = p.goal_mut(gid) { g.add_milestone(&mid, &title, due) }));
                        set_new_milestone.set(String::new());
                        set_new_due.set(String::new());
                        if let Some(input) = milestone_input.get() { let _ = input.focus(); }
                    }
                    on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" { ev.prevent_default(); close_adding(); }>
                        <label for=move || id.with_value(|id| format!("goal-{id}-milestone"))>"New milestone"</label>
                        <input node_ref=milestone_input id=move || id.with_value(|id| format!("goal-{id}-milestone")) type="text"
                            prop:value=new_milestone on:input=move |ev| set_new_milestone.set(event_target_value(&ev))/>
                        <label for=move || id.with_value(|id| format!("goal-{id}-due"))>"Due"</label>
                        <input id=move || id.with_value(|id| format!("goal-{id}-due")) type="date"
                            prop:value=new_due on:input=move |ev| set_new_due.set(event_target_value(&ev))/>
                        <button type="submit">"Add milestone"</button>
                        <button type="button" class="quiet" on:click=move |_| close_adding()>"Done"</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="quiet" data-testid="add-milestone" node_ref=add_button
                        aria-label=move || format!("Add a milestone to {}", title())
                        on:click=move |_| set_adding.set(true)>"+ Add a milestone"</button>
                }.into_any()
            }}
        </li>
    }
}

const MILESTONE_STATUSES: [(MilestoneStatus, &str, &str); 4] = [
    (MilestoneStatus::Planned, "planned", "Planned"),
    (MilestoneStatus::InProgress, "in-progress", "In progress"),
    (MilestoneStatus::Done, "done", "Done"),
    (MilestoneStatus::Dropped, "dropped", "Dropped"),
];

/// Goals and milestones done over time, as a step chart with a text summary
/// for screen readers.
#[component]
fn ProgressChart(plan: ReadSignal<GoalPlan, LocalStorage>) -> impl IntoView {
    use confidant_shared::calendar_day::{add_days, NaiveDate};
    use crate::clock::day_words;
    const W: f64 = 340.0;
    const H: f64 = 150.0;
    // Room for the axes' labels.
    const LEFT: f64 = 34.0;
    const BOTTOM: f64 = 24.0;
    const TOP: f64 = 10.0;
    const RIGHT: f64 = 12.0;
    let points = move || plan.with(|p| p.progress_over_time());
    let total = move || plan.with(|p| p.progress().1.max(1));
    view! {
        <section aria-labelledby="chart-heading">
            <h2 id="chart-heading">"Progress over time"</h2>
            {move || {
                let points = points();
                if points.is_empty() {
                    return view! { <p class="empty-state">"Nothing done yet. Tick a milestone when it is done and your progress shows here."</p> }.into_any();
                }
                let first = points[0].day;
                // Up to today, so a first day of progress is a step, not a wall.
                let end = points[points.len() - 1].day.max(today_day());
                let end = if end <= first { add_days(first, 7) } else { end };
                let span = (end - first).num_days().max(1) as f64;
                let total = total();
                let x = |day: NaiveDate| LEFT + (W - LEFT - RIGHT) * ((day - first).num_days() as f64) / span;
                let y = |n: usize| H - BOTTOM - (H - BOTTOM - TOP) * (n as f64) / (total as f64);
                let line = |count: fn(&confidant_shared::goal_plan::ProgressPoint) -> usize| {
                    let mut d = format!("M {:.1} {:.1}", x(first), y(0));
                    for p in &points {
                        d.push_str(&format!(" H {:.1} V {:.1}", x(p.day), y(count(p))));
                    }
                    d.push_str(&format!(" H {:.1}", x(end)));
                    d
                };
                let latest = points[points.len() - 1];
                let summary = format!(
                    "By {}: {} of {} milestones and {} goals done, since {}.",
                    day_words(latest.day), latest.milestones_done, total, latest.goals_done, day_words(first)
                );
                view! {
                    <svg class="progress-chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary.clone() data-testid="progress-chart">
                        <line x1=LEFT y1=TOP x2=LEFT y2=H - BOTTOM stroke="#4a5259"/>
                        <line x1=LEFT y1=H - BOTTOM x2=W - RIGHT y2=H - BOTTOM stroke="#4a5259"/>
                        <text x=LEFT - 6.0 y=H - BOTTOM text-anchor="end" font-size="10" fill="#4a5259">"0"</text>
                        <text x=LEFT - 6.0 y=TOP + 8.0 text-anchor="end" font-size="10" fill="#4a5259">{total.to_string()}</text>
                        <text x=LEFT y=H - 6.0 font-size="10" fill="#4a5259">{day_words(first)}</text>
                        <text x=W - RIGHT y=H - 6.0 text-anchor="end" font-size="10" fill="#4a5259">{day_words(end)}</text>
                        <path d=line(|p| p.milestones_done) class="milestones-line" fill="none" stroke="#1d5fa8" stroke-width="2"/>
                        <path d=line(|p| p.goals_done) class="goals-line" fill="none" stroke="#2e7d32" stroke-width="2" stroke-dasharray="4 2"/>
                    </svg>
                    <p class="hint">{summary}" Solid: milestones done; dashed: goals done; up the side, how many."</p>
                }.into_any()
            }}
        </section>
    }
}

/// Comments by either partner, on the plan or one goal.
#[component]
fn Comments(plan: ReadSignal<GoalPlan, LocalStorage>, editing: PlanEditing) -> impl IntoView {
    let (text, set_text) = signal(String::new());
    let (on_goal, set_on_goal) = signal(String::new());
    let author = LocalResource::new(|| async {
        crate::api::my_profile().await.ok().flatten().map(|(_, p)| p.display_name).unwrap_or_else(|| "Me".to_owned())
    });
    let add = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked().trim().to_owned();
        if body.is_empty() {
            return;
        }
        let Some(id) = editing.new_id() else { return };
        let comment = confidant_shared::goal_plan::Comment {
            id,
            author: author.get_untracked().unwrap_or_else(|| "Me".to_owned()),
            at_ms: crate::clock::now_ms(),
            goal: Some(on_goal.get_untracked()).filter(|g| !g.is_empty()),
            text: autosurgeon::Text::with_value(&body),
        };
        editing.edit(|p| p.comments.push(comment));
        set_text.set(String::new());
    };
    view! {
        <section aria-labelledby="comments-heading">
            <h2 id="comments-heading">"Comments"</h2>
            {move || plan.with(|p| p.comments.is_empty()).then(|| view! { <p class="empty-state">"No comments yet. Either of you can leave one."</p> })}
            <ul class="comments">
                {move || plan.with(|p| {
                    p.comments.iter().map(|c| {
                        let on = c.goal.as_ref().and_then(|g| p.goals.get(g)).map(|g| format!(" on \u{201c}{}\u{201d}", g.title.as_str())).unwrap_or_default();
                        let when = crate::clock::moment_day_words(c.at_ms);
                        view! {
                            <li data-testid="comment"><strong>{c.author.clone()}</strong>{format!("{on}, {}: ", when)}{c.text.as_str().to_owned()}</li>
                        }
                    }).collect_view()
                })}
            </ul>
            <form class="stacked-form" on:submit=add aria-label="Leave a comment">
                <div class="field">
                    <label for="comment-text">"Comment"</label>
                    <textarea id="comment-text" rows="2" prop:value=text on:input=move |ev| set_text.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for="comment-goal">"About"</label>
                    <select id="comment-goal" on:change=move |ev| set_on_goal.set(event_target_value(&ev))>
                        <option value="">"The whole plan"</option>
                        {move || plan.with(|p| p.priority_ids().into_iter().filter_map(|id| p.goals.get(&id).map(|g| (id, g.title.as_str().to_owned()))).collect::<Vec<_>>())
                            .into_iter().map(|(id, title)| view! { <option value=id>{title}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit">"Add comment"</button>
            </form>
        </section>
    }
}

/// "Are my goals realistic?": questions to raise with the partner.
#[component]
fn OpenQuestions(plan: ReadSignal<GoalPlan, LocalStorage>, editing: PlanEditing) -> impl IntoView {
    let (text, set_text) = signal(String::new());
    let add = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let question = text.get_untracked().trim().to_owned();
        if question.is_empty() {
            return;
        }
        let Some(id) = editing.new_id() else { return };
        editing.edit(|p| p.open_questions.push(confidant_shared::goal_plan::OpenQuestion { id, text: autosurgeon::Text::with_value(&question), answered: false }));
        set_text.set(String::new());
    };
    view! {
        <section aria-labelledby="questions-heading">
            <h2 id="questions-heading">"Open questions"</h2>
            {move || plan.with(|p| p.open_questions.is_empty()).then(|| view! {
                <p class="empty-state">"No open questions. Note what you want to ask, e.g. \u{201c}Are my goals realistic?\u{201d}"</p>
            })}
            <ul class="milestones">
                {move || plan.with(|p| p.open_questions.clone()).into_iter().map(|q| {
                    let qid = StoredValue::new(q.id.clone());
                    view! {
                        <li data-testid="open-question">
                            <label>
                                <input type="checkbox" prop:checked=q.answered on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    qid.with_value(|qid| editing.edit(|p| if let Some(q) = p.open_questions.iter_mut().find(|q| q.id == *qid) { q.answered = on }))
                                }/>
                                " " {q.text.as_str().to_owned()} {q.answered.then_some(" (answered)")}
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline-form" on:submit=add>
                <label for="new-question">"New question"</label>
                <input id="new-question" type="text" prop:value=text on:input=move |ev| set_text.set(event_target_value(&ev))/>
                <button type="submit">"Add question"</button>
            </form>
        </section>
    }
}
