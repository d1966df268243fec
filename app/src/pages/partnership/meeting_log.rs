//! The meeting log: meetings held and planned, agendas, notes, and action
//! items that can become goal plan milestones.

#[allow(unused_imports)]
use super::*;
use crate::api::open_document;
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
        let id = random_id();
        let text = agenda.get_untracked();
        editing.edit(|p| {
            let mut meeting = Meeting::new(&id, &day);
            meeting.agenda.update(&text);
            p.meetings.insert(id.clone(), meeting);
        });
        set_agenda.set(String::new());
    };
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
            {move || p.with(|p| p.meetings.is_empty()).then(|| view! {
                <p class="empty-state">"No meetings yet. Log your introductory meeting here, or plan it with a date ahead."</p>
            })}
            <ol class="meetings" aria-label="Meeting log, newest first">
                <For each=move || p.with(|p| p.meetings_by_date().into_iter().map(|m| m.id.clone()).collect::<Vec<_>>()) key=|id| id.clone() let:meeting_id>
                    <MeetingCard meeting_id p editing plan_local/>
                </For>
            </ol>
        </section>
    }
}

#[component]
pub(super) fn MeetingCard(meeting_id: String, p: ReadSignal<Partnership, LocalStorage>, editing: Editing, plan_local: Signal<Option<DocumentId>>) -> impl IntoView {
    let id = StoredValue::new(meeting_id);
    let meeting = move || p.with(|p| id.with_value(|id| p.meetings.get(id).cloned()));
    let with_meeting = move |f: Box<dyn FnOnce(&mut Meeting)>| id.with_value(|id| editing.edit(|p| if let Some(m) = p.meetings.get_mut(id) { f(m) }));
    let field_id = move |what: &str| id.with_value(|id| format!("meeting-{id}-{what}"));
    let (new_item, set_new_item) = signal(String::new());
    let (item_error, set_item_error) = signal(None::<String>);
    let date = move || meeting().map(|m| m.date).unwrap_or_default();
    view! {
        <li class="meeting" data-testid="meeting">
            <h3>{move || confidant_shared::calendar_day::parse_day(&date()).map(day_label).unwrap_or_else(date)}</h3>
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
                    let text = item.text.as_str().to_owned();
                    let became = item.milestone.is_some();
                    let make_milestone = move |_| {
                        let Some(plan) = plan_local.get_untracked() else {
                            set_item_error.set(Some("Link a goal plan to this partnership first (below).".into()));
                            return;
                        };
                        let (iid, text) = (item_id.get_value(), text.clone());
                        spawn_local(async move {
                            match add_milestone(plan, &iid, &text).await {
                                Ok(mid) => with_meeting(Box::new(move |m| if let Some(i) = m.action_items.iter_mut().find(|i| i.id == iid) { i.milestone = Some(mid) })),
                                Err(e) => set_item_error.set(Some(e)),
                            }
                        });
                    };
                    view! {
                        <li data-testid="action-item">
                            <label class="choice">
                                <input type="checkbox" prop:checked=item.done on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let iid = item_id.get_value();
                                    with_meeting(Box::new(move |m| if let Some(i) = m.action_items.iter_mut().find(|i| i.id == iid) { i.done = on }))
                                }/>
                                " " {item.text.as_str().to_owned()}
                            </label>
                            {if became {
                                view! { <span class="hint">" · now a goal plan milestone"</span> }.into_any()
                            } else {
                                view! { <button type="button" data-testid="make-milestone" on:click=make_milestone
                                    aria-label=format!("Make \u{201c}{}\u{201d} a milestone", item.text.as_str())>"Make it a milestone"</button> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || item_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <form class="inline-form" on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                let text = new_item.get_untracked().trim().to_owned();
                if text.is_empty() { return; }
                let iid = random_id();
                with_meeting(Box::new(move |m| m.action_items.push(ActionItem { id: iid, text: autosurgeon::Text::with_value(&text), done: false, milestone: None })));
                set_new_item.set(String::new());
            }>
                <label for=move || field_id("new-item")>"New action item"</label>
                <input id=move || field_id("new-item") type="text" prop:value=new_item on:input=move |ev| set_new_item.set(event_target_value(&ev))/>
                <button type="submit">"Add action item"</button>
            </form>
        </li>
    }
}

/// Turn an action item into a milestone of the pair's goal plan: on the top
/// goal, or a goal "From our meetings" if the plan has none yet.
pub(super) async fn add_milestone(plan: DocumentId, action_item: &str, text: &str) -> Result<String, String> {
    let doc = open_document::<GoalPlan>(plan)
        .await
        .map_err(|_| "The goal plan is not on this device yet; try again once it has synced.".to_string())?;
    let (milestone, new_goal) = (random_id(), random_id());
    doc.change::<GoalPlan>(|plan| {
        plan.milestone_from_action_item(&new_goal, &milestone, action_item, text);
    })
    .await
    .map_err(|e| e.for_user())?;
    announce_saved(doc.id());
    Ok(milestone)
}
