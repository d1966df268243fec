//! The meeting log: meetings held and planned, agendas, notes, and action
//! items that can become goal plan milestones.

#[allow(unused_imports)]
use super::*;
use crate::api::open_document;
use confidant_shared::goal_plan::{ActionItemMilestone, FROM_MEETINGS};
use confidant_shared::partnership::ItemOwner;
use crate::widgets::live_text::live_text;

#[component]
pub(super) fn MeetingLog(p: ReadSignal<Partnership, LocalStorage>, editing: Editing, plan_local: Signal<Option<DocumentId>>) -> impl IntoView {
    let (date, set_date) = signal(today());
    let (agenda, set_agenda) = signal(String::new());
    let log = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let day = date.get_untracked();
        if day.is_empty() {
            return;
        }
        let Some(id) = editing.new_id() else { return };
        let text = agenda.get_untracked();
        editing.edit(|p| {
            let mut meeting = Meeting::new(&id, &day);
            meeting.agenda.update(&text);
            p.meetings.insert(id.clone(), meeting);
        });
        set_agenda.set(String::new());
    };
    // The meeting just deleted, for Undo (a few seconds).
    let (deleted, set_deleted) = signal_local(None::<Meeting>);
    let delete = Callback::new(move |meeting: String| {
        let mut taken = None;
        editing.edit(|p| taken = p.remove_meeting(&meeting));
        set_deleted.set(taken);
        set_timeout(
            move || {
                let _ = set_deleted.try_update(|d| if d.as_ref().is_some_and(|m| m.id == meeting) { *d = None });
            },
            std::time::Duration::from_millis(10_000),
        );
    });
    view! {
        <section aria-labelledby="log-heading">
            <h2 id="log-heading">"Meetings"</h2>
            <form class="stacked-form" on:submit=log aria-label="Log or plan a meeting">
                <div class="field">
                    <label for="meeting-date">"Date (a future date plans it)"</label>
                    <input id="meeting-date" type="date" prop:value=date on:input=move |ev| set_date.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="meeting-agenda">"Agenda"</label>
                    <input id="meeting-agenda" type="text" prop:value=agenda on:input=move |ev| set_agenda.set(event_target_value(&ev))/>
                </div>
                <button type="submit">"Add meeting"</button>
            </form>
            {move || deleted.with(|d| d.as_ref().map(|m| m.date)).map(|day| view! {
                <p class="notice" role="status" data-testid="meeting-deleted">
                    {match day.map(crate::clock::day_words) { Some(day) => format!("Deleted the meeting of {day}. "), None => "Deleted the meeting. ".to_string() }}
                    <button type="button" data-testid="undo-meeting" on:click=move |_| {
                        if let Some(m) = deleted.get_untracked() {
                            editing.edit(|p| p.put_back_meeting(m));
                        }
                        set_deleted.set(None);
                    }>"Undo"</button>
                </p>
            })}
            {move || p.with(|p| p.meetings.is_empty()).then(|| view! {
                <p class="empty-state">"No meetings yet. Log your introductory meeting here, or plan it with a date ahead."</p>
            })}
            <ol class="meetings" aria-label="Meeting log, newest first">
                <For each=move || p.with(|p| p.meetings_by_date().into_iter().map(|m| m.id.clone()).collect::<Vec<_>>()) key=|id| id.clone() let:meeting_id>
                    <MeetingCard meeting_id p editing plan_local delete/>
                </For>
            </ol>
        </section>
    }
}

#[component]
pub(super) fn MeetingCard(
    meeting_id: String,
    p: ReadSignal<Partnership, LocalStorage>,
    editing: Editing,
    plan_local: Signal<Option<DocumentId>>,
    delete: Callback<String>,
) -> impl IntoView {
    let id = StoredValue::new(meeting_id);
    let (confirming, set_confirming) = signal(false);
    let meeting = move || p.with(|p| id.with_value(|id| p.meetings.get(id).cloned()));
    let with_meeting = move |f: Box<dyn FnOnce(&mut Meeting)>| id.with_value(|id| editing.edit(|p| if let Some(m) = p.meetings.get_mut(id) { f(m) }));
    let field_id = move |what: &str| id.with_value(|id| format!("meeting-{id}-{what}"));
    let (new_item, set_new_item) = signal(String::new());
    let (new_owner, set_new_owner) = signal(ItemOwner::Both.token().to_string());
    let (new_item_due, set_new_item_due) = signal(String::new());
    let (item_error, set_item_error) = signal(None::<String>);
    // "Make it a milestone" asks which goal and by when: the item being
    // placed, and the choices so far.
    let (choosing, set_choosing) = signal(None::<(String, String)>);
    let (choice_goal, set_choice_goal) = signal(String::new());
    let (choice_due, set_choice_due) = signal(String::new());
    let plan_goals = LocalResource::new(move || {
        let plan = choosing.with(Option::is_some).then(|| plan_local.get()).flatten();
        async move {
            let plan: GoalPlan = open_document::<GoalPlan>(plan?).await.ok()?.value::<GoalPlan>().ok()?;
            let goals: Vec<(String, String)> = plan.priority_ids().into_iter().filter_map(|id| plan.goals.get(&id).map(|g| (id, g.title.as_str().to_owned()))).collect();
            // The first goal is the one chosen until the person picks another.
            if let Some((first, _)) = goals.first() {
                set_choice_goal.set(first.clone());
            }
            Some(goals)
        }
    });
    let date = move || meeting().and_then(|m| m.date);
    view! {
        <li class="meeting" data-testid="meeting">
            <h3>{move || date().map(crate::clock::day_words).unwrap_or_else(|| "A meeting without a readable day".to_string())}</h3>
            {move || if confirming.get() {
                view! {
                    <p role="group" class="confirm" aria-label="Delete this meeting?">
                        "Delete this meeting, its notes and action items, for both of you? "
                        <button type="button" class="danger" data-testid="confirm-delete-meeting" on:click=move |_| {
                            set_confirming.set(false);
                            delete.run(id.get_value());
                        }>"Delete"</button>
                        <button type="button" on:click=move |_| set_confirming.set(false)>"Keep it"</button>
                    </p>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="quiet" data-testid="delete-meeting" on:click=move |_| set_confirming.set(true)>"Delete meeting"</button>
                }.into_any()
            }}
            <div class="field">
                <label for=move || field_id("agenda")>"Agenda"</label>
                <textarea id=move || field_id("agenda") rows="2" use:live_text=Signal::derive(move || meeting().map(|m| m.agenda.as_str().to_owned()).unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); with_meeting(Box::new(move |m| m.agenda.update(&v))) }></textarea>
            </div>
            <div class="field">
                <label for=move || field_id("notes")>"Shared notes (your partner sees these; private thoughts go in your journal)"</label>
                <textarea id=move || field_id("notes") rows="3" use:live_text=Signal::derive(move || meeting().map(|m| m.shared_notes.as_str().to_owned()).unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); with_meeting(Box::new(move |m| m.shared_notes.update(&v))) }></textarea>
            </div>
            <h4>"Action items"</h4>
            <ul class="action-items">
                {move || meeting().map(|m| m.action_items).unwrap_or_default().into_iter().map(|item| {
                    let item_id = StoredValue::new(item.id.clone());
                    let became = item.milestone.is_some();
                    let about = [
                        item.owner.map(owner_words),
                        item.due.map(|d| format!("due {}", crate::clock::day_words(d))),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                    let (text, due) = (item.text.as_str().to_owned(), item.due.map(confidant_shared::calendar_day::day_text).unwrap_or_default());
                    let ask = {
                        let text = text.clone();
                        move |_| {
                            if plan_local.get_untracked().is_none() {
                                set_item_error.set(Some("Link a goal plan to this partnership first (below).".into()));
                                return;
                            }
                            set_choice_goal.set(String::new());
                            set_choice_due.set(due.clone());
                            set_choosing.set(Some((item_id.get_value(), text.clone())));
                        }
                    };
                    view! {
                        <li data-testid="action-item">
                            <label class="choice">
                                <input type="checkbox" prop:checked=item.done on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let iid = item_id.get_value();
                                    with_meeting(Box::new(move |m| if let Some(i) = m.action_items.iter_mut().find(|i| i.id == iid) { i.done = on }))
                                }/>
                                " " {text.clone()}
                            </label>
                            {(!about.is_empty()).then(|| view! { <span class="hint">{format!(" · {about}")}</span> })}
                            {if became {
                                view! { <span class="hint">" · now a goal plan milestone"</span> }.into_any()
                            } else {
                                view! { <button type="button" data-testid="make-milestone" on:click=ask
                                    aria-label=format!("Make \u{201c}{text}\u{201d} a milestone")>"Make it a milestone"</button> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || choosing.get().map(|(iid, text)| {
                let goal_field = field_id("milestone-goal");
                let due_field = field_id("milestone-due");
                let confirm = move |ev: ev::SubmitEvent| {
                    ev.prevent_default();
                    let Some(plan) = plan_local.get_untracked() else { return };
                    let (iid, text) = (iid.clone(), text.clone());
                    let goal = Some(choice_goal.get_untracked()).filter(|g| !g.is_empty());
                    let due = Some(choice_due.get_untracked()).filter(|d| !d.is_empty());
                    spawn_local(async move {
                        match add_milestone(plan, &iid, &text, goal.as_deref(), due.as_deref()).await {
                            Ok(mid) => {
                                set_choosing.set(None);
                                with_meeting(Box::new(move |m| if let Some(i) = m.action_items.iter_mut().find(|i| i.id == iid) { i.milestone = Some(mid) }))
                            }
                            Err(e) => set_item_error.set(Some(e)),
                        }
                    });
                };
                view! {
                    <form class="stacked-form milestone-choice" data-testid="milestone-choice" on:submit=confirm
                        on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" { set_choosing.set(None) }>
                        <div class="field">
                            <label for=goal_field.clone()>"Which goal does it move forward?"</label>
                            <select id=goal_field on:change=move |ev| set_choice_goal.set(event_target_value(&ev))>
                                {move || match plan_goals.get().flatten() {
                                    Some(goals) if !goals.is_empty() => goals.into_iter().enumerate().map(|(i, (gid, title))| view! {
                                        <option value=gid selected=i == 0>{title}</option>
                                    }).collect_view().into_any(),
                                    _ => view! { <option value="">{FROM_MEETINGS}</option> }.into_any(),
                                }}
                            </select>
                        </div>
                        <div class="field">
                            <label for=due_field.clone()>"Due by (optional)"</label>
                            <input id=due_field type="date" prop:value=choice_due on:input=move |ev| set_choice_due.set(event_target_value(&ev))/>
                        </div>
                        <div class="goal-actions">
                            <button type="submit" data-testid="confirm-milestone">"Add the milestone"</button>
                            <button type="button" on:click=move |_| set_choosing.set(None)>"Cancel"</button>
                        </div>
                    </form>
                }
            })}
            {move || item_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <form class="inline-form" on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                let text = new_item.get_untracked().trim().to_owned();
                if text.is_empty() { return; }
                let iid = match random_id() {
                    Ok(id) => id,
                    Err(err) => return set_item_error.set(Some(err)),
                };
                let (owner, due) = (ItemOwner::from_token(&new_owner.get_untracked()), new_item_due.get_untracked());
                with_meeting(Box::new(move |m| m.action_items.push(ActionItem::new(&iid, &text, owner, confidant_shared::calendar_day::parse_day(&due)))));
                set_new_item.set(String::new());
                set_new_item_due.set(String::new());
            }>
                <label for=move || field_id("new-item")>"New action item"</label>
                <input id=move || field_id("new-item") type="text" prop:value=new_item on:input=move |ev| set_new_item.set(event_target_value(&ev))/>
                <label for=move || field_id("new-item-owner")>"Who"</label>
                <select id=move || field_id("new-item-owner") on:change=move |ev| set_new_owner.set(event_target_value(&ev))>
                    {ItemOwner::ALL.into_iter().map(|o| view! { <option value=o.token() selected=move || new_owner.get() == o.token()>{owner_words(o)}</option> }).collect_view()}
                </select>
                <label for=move || field_id("new-item-due")>"Due"</label>
                <input id=move || field_id("new-item-due") type="date" prop:value=new_item_due on:input=move |ev| set_new_item_due.set(event_target_value(&ev))/>
                <button type="submit">"Add action item"</button>
            </form>
        </li>
    }
}

fn owner_words(owner: ItemOwner) -> String {
    match owner {
        ItemOwner::Mentee => "the mentee".into(),
        ItemOwner::Mentor => "the mentor".into(),
        ItemOwner::Both => "both of you".into(),
    }
}

/// Turn an action item into a milestone of the pair's goal plan, on the
/// goal they chose (the rule: `GoalPlan::milestone_from_action_item`).
pub(super) async fn add_milestone(plan: DocumentId, action_item: &str, text: &str, goal: Option<&str>, due: Option<&str>) -> Result<String, String> {
    let doc = open_document::<GoalPlan>(plan)
        .await
        .map_err(|_| "The goal plan is not on this device yet; try again once it has synced.".to_string())?;
    let (milestone, new_goal) = (random_id()?, random_id()?);
    doc.change::<GoalPlan>(|plan| {
        plan.milestone_from_action_item(ActionItemMilestone { goal, new_goal: &new_goal, milestone: &milestone, action_item, text, due });
    })
    .await
    .map_err(|e| e.for_user())?;
    announce_saved(doc.id());
    Ok(milestone)
}
