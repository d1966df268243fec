//! What the pair agreed: topics, duration, cadence and the agreement checklist.

#[allow(unused_imports)]
use super::*;

pub(super) const DURATION_CHOICES: [AgreedDuration; 8] = [
    AgreedDuration::Months(6),
    AgreedDuration::Months(9),
    AgreedDuration::Months(12),
    AgreedDuration::Semesters { count: 1, renewable: true },
    AgreedDuration::Semesters { count: 2, renewable: true },
    AgreedDuration::Semesters { count: 3, renewable: true },
    AgreedDuration::Semesters { count: 4, renewable: true },
    AgreedDuration::Semesters { count: 3, renewable: false },
];

pub(super) fn duration_token(d: AgreedDuration) -> String {
    match d {
        AgreedDuration::Months(m) => format!("m{m}"),
        AgreedDuration::Semesters { count, renewable } => format!("s{count}{}", if renewable { "r" } else { "" }),
    }
}

pub(super) fn duration_from_token(token: &str) -> Option<AgreedDuration> {
    if let Some(months) = token.strip_prefix('m') {
        return months.parse().ok().map(AgreedDuration::Months);
    }
    let rest = token.strip_prefix('s')?;
    let (count, renewable) = match rest.strip_suffix('r') {
        Some(count) => (count, true),
        None => (rest, false),
    };
    Some(AgreedDuration::Semesters { count: count.parse().ok()?, renewable })
}

pub(super) fn duration_words(d: AgreedDuration) -> String {
    match d {
        AgreedDuration::Months(m) => format!("{m} months"),
        AgreedDuration::Semesters { count: 1, renewable } => format!("1 semester{}", if renewable { ", renewable" } else { "" }),
        AgreedDuration::Semesters { count, renewable } => format!("{count} semesters{}", if renewable { ", renewable" } else { "" }),
    }
}

#[component]
pub(super) fn Agreement(p: ReadSignal<Partnership, LocalStorage>, editing: Editing, calendar: Signal<AcademicCalendar>) -> impl IntoView {
    let checklist: [(&str, &str, fn(&mut Partnership) -> &mut bool); 4] = [
        ("agree-confidentiality", "We keep what is said confidential", |p| &mut p.agreement.confidentiality),
        ("agree-supervisor", "The mentee's supervisor knows about the partnership", |p| &mut p.agreement.supervisor_informed),
        ("agree-work-hours", "We meet in work hours unless we both agree otherwise", |p| &mut p.agreement.work_hours),
        ("agree-goals", "We have talked through the goals", |p| &mut p.agreement.goals_conversation),
    ];
    let duration_text = move || p.with(|p| duration_words(p.duration));
    let (changing, set_changing) = signal(false);
    // Focus into the fields when they open, back to their button when they close.
    let first_field = NodeRef::<leptos::html::Input>::new();
    let change_button = NodeRef::<leptos::html::Button>::new();
    let was_opened = StoredValue::new(false);
    Effect::new(move |_| {
        if changing.get() {
            was_opened.set_value(true);
            if let Some(input) = first_field.get() {
                let _ = input.focus();
            }
        } else if was_opened.get_value() {
            if let Some(button) = change_button.get() {
                let _ = button.focus();
            }
        }
    });
    let ends = move || p.with(|p| crate::clock::maybe_day_words(p.agreement_ends(&calendar.get())));
    view! {
        <section aria-labelledby="agreement-heading">
            <h2 id="agreement-heading">"What you agreed"</h2>
            // Read first: the terms as sentences; the fields open on request.
            <p data-testid="agreement-started">{move || p.with(|p| p.start_date.map(crate::clock::day_words).map(|d| format!("Started {d}.")).unwrap_or_default())}</p>
            <p data-testid="agreement-duration">{move || format!("Duration: {}, until {}.", duration_text(), ends())}</p>
            <p data-testid="agreement-rhythm">{move || p.with(|p| format!("Rhythm: {} in the first month, then {}.", p.cadence.first_month, cadence_words(&p.cadence)))}</p>
            {move || if changing.get() {
                view! {
                    <div class="agreement-fields" on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" { set_changing.set(false) }>
                        <div class="field">
                            <label for="p-start">"Started"</label>
                            <input id="p-start" node_ref=first_field type="date" prop:value=move || p.with(|p| p.start_date.map(confidant_shared::calendar_day::day_text).unwrap_or_default())
                                on:change=move |ev| { let v = event_target_value(&ev); if let Some(day) = confidant_shared::calendar_day::parse_day(&v) { editing.edit(|p| p.start_date = Some(day)) } }/>
                        </div>
                        <div class="field">
                            <label for="p-duration">"Agreed duration"</label>
                            <select id="p-duration" on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some(duration) = duration_from_token(&v) { editing.edit(|p| p.duration = duration) }
                            }>
                                {move || {
                                    let current = p.with(|p| p.duration);
                                    let mut options = DURATION_CHOICES.to_vec();
                                    if !options.contains(&current) { options.push(current) }
                                    options.into_iter().map(|d| view! {
                                        <option value=duration_token(d) selected=d == current>{duration_words(d)}</option>
                                    }).collect_view()
                                }}
                            </select>
                        </div>
                        <div class="field">
                            <label for="p-first-month">"Meetings in the first month"</label>
                            <input id="p-first-month" type="number" min="1" max="8" prop:value=move || p.with(|p| p.cadence.first_month.to_string())
                                on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<u32>() { editing.edit(|p| p.cadence.first_month = n.clamp(1, 8)) } }/>
                        </div>
                        <div class="field">
                            <label for="p-every">"Then meet every (days)"</label>
                            <input id="p-every" type="number" min="7" max="120" prop:value=move || p.with(|p| p.cadence.every_days.to_string())
                                on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<u32>() { editing.edit(|p| p.cadence.every_days = n.clamp(7, 120)) } }/>
                        </div>
                        <button type="button" data-testid="agreement-done" on:click=move |_| set_changing.set(false)>"Done"</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="quiet" data-testid="change-agreement" node_ref=change_button on:click=move |_| set_changing.set(true)>"Change start, duration or rhythm"</button>
                }.into_any()
            }}
            <fieldset>
                <legend>"Agreement checklist"</legend>
                {checklist.into_iter().map(|(id, label, field)| view! {
                    <label class="choice" for=id>
                        <input id=id type="checkbox" prop:checked=move || p.with(|p| *field(&mut p.clone()))
                            on:change=move |ev| { let on = event_target_checked(&ev); editing.edit(|p| *field(p) = on) }/>
                        " " {label}
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"Topics"</legend>
                {STANDARD_TOPICS.into_iter().map(|topic| view! {
                    <label class="choice">
                        <input type="checkbox" prop:checked=move || p.with(|p| p.topics.iter().any(|t| t == topic))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                editing.edit(|p| { p.topics.retain(|t| t != topic); if on { p.topics.push(topic.to_owned()) } })
                            }/>
                        " " {topic}
                    </label>
                }).collect_view()}
            </fieldset>
        </section>
    }
}
