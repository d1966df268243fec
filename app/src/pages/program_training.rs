//! A program's training on its desk: whether mentors need this year's
//! training before they are matched, who still needs it, training events
//! and their attendance ticked on the day; and the checklist a coordinator
//! goes through with their successor. Rules in
//! `confidant_shared::program::training`.

use confidant_shared::calendar_day::parse_day;
use confidant_shared::program::training::by_day;
use confidant_shared::program::{MemberState, Program};
use leptos::prelude::*;

use crate::widgets::document_editing::DocumentEditing;

#[component]
pub fn ProgramTraining(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>) -> impl IntoView {
    let required = Memo::new(move |_| program.with(|p| p.mentor_training_required));
    let needs = Memo::new(move |_| program.with(|p| p.needs_training(crate::clock::today_day())));
    let events = Memo::new(move |_| program.with(|p| by_day(&p.trainings)));
    let (problem, set_problem) = signal(None::<String>);
    let (title, set_title) = signal(String::from("Mentor training"));
    let (day, set_day) = signal(String::new());
    let (place, set_place) = signal(String::new());
    let (for_mentors, set_for_mentors) = signal(true);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(on) = parse_day(&day.get_untracked()) else {
            set_problem.set(Some("Give the day of the training.".into()));
            return;
        };
        let Some(id) = editing.new_id() else { return };
        let mut result = Ok(());
        editing.edit(|p| result = p.add_training(&id, &title.get_untracked(), on, &place.get_untracked(), for_mentors.get_untracked()));
        match result {
            Ok(()) => {
                editing.save_now();
                set_problem.set(None);
            }
            Err(why) => set_problem.set(Some(why.to_string())),
        }
    };
    view! {
        <h2>"Training"</h2>
        <label class="choice" for="training-required">
            <input id="training-required" type="checkbox" prop:checked=required on:change=move |ev| {
                let on = event_target_checked(&ev);
                editing.edit(|p| p.mentor_training_required = on);
                editing.save_now();
            }/>
            " Mentors attend a training each year before they are matched"
        </label>
        {move || required.get().then(|| {
            let list = needs.get();
            let text = if list.is_empty() {
                "Every mentor has this year's training.".to_string()
            } else {
                format!("Still need training before they can be matched as a mentor: {}.", list.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(", "))
            };
            view! { <p data-testid="needs-training">{text}</p> }
        })}
        <details class="new-training">
            <summary>"Add a training"</summary>
            <form on:submit=add aria-label="Add a training">
                <label for="training-title">"Title"</label>
                <input id="training-title" maxlength="120" prop:value=title on:input=move |ev| set_title.set(event_target_value(&ev))/>
                <label for="training-day">"Day"</label>
                <input id="training-day" type="date" prop:value=day on:input=move |ev| set_day.set(event_target_value(&ev))/>
                <label for="training-place">"Place"</label>
                <input id="training-place" maxlength="200" prop:value=place on:input=move |ev| set_place.set(event_target_value(&ev))/>
                <label class="choice" for="training-for-mentors">
                    <input id="training-for-mentors" type="checkbox" prop:checked=for_mentors on:change=move |ev| set_for_mentors.set(event_target_checked(&ev))/>
                    " Counts as the mentors' training"
                </label>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                <button type="submit" data-testid="add-training">"Add the training"</button>
            </form>
        </details>
        {move || events.get().into_iter().map(|event| {
            let members = program.with_untracked(|p| {
                let mut list: Vec<(String, String)> = p.roster.values().filter(|m| m.state != MemberState::Left).map(|m| (m.id.clone(), m.name.clone())).collect();
                confidant_shared::sort::by(&mut list, |a, b| a.1.cmp(&b.1));
                list
            });
            let today = crate::clock::today_day();
            let open = event.day.is_some_and(|d| d <= today);
            let event_id = event.id.clone();
            view! {
                <fieldset data-testid="training">
                    <legend>{format!("{}: {}{}", event.title, crate::clock::maybe_day_words(event.day), if event.place.is_empty() { String::new() } else { format!(", {}", event.place) })}</legend>
                    {(!open).then(|| view! { <p>"Attendance is taken from the day of the training on."</p> })}
                    {members.into_iter().map(|(id, name)| {
                        let present = event.attended.contains(&id);
                        let box_id = format!("attended-{}-{}", event_id, id);
                        let label_for = box_id.clone();
                        let (event_id, member) = (event_id.clone(), id.clone());
                        view! {
                            <label class="choice" for=label_for>
                                <input id=box_id type="checkbox" data-testid="attended" prop:checked=present disabled=!open on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let today = crate::clock::today_day();
                                    editing.edit(|p| {
                                        let _ = p.mark_attended(&event_id, &member, on, today);
                                    });
                                    editing.save_now();
                                }/>
                                {format!(" {name}")}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
        }).collect_view()}
    }
}

/// What a coordinator goes through with their successor, ticked as done.
#[component]
pub fn HandoverChecklist(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>) -> impl IntoView {
    let items = Memo::new(move |_| program.with(Program::handover));
    view! {
        <fieldset data-testid="handover">
            <legend>"Handing the program over"</legend>
            {move || items.get().into_iter().map(|(id, text, done)| {
                let box_id = format!("handover-{id}");
                let label_for = box_id.clone();
                view! {
                    <label class="choice" for=label_for>
                        <input id=box_id type="checkbox" prop:checked=done on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            editing.edit(|p| p.tick_handover(id, on));
                            editing.save_now();
                        }/>
                        {format!(" {text}")}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}
