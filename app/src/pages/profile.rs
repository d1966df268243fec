//! The profile (first run and Settings): name, roles, department, career
//! stage, topics, contact channels and boundaries. Kept on the user's own
//! devices; partners see only the name they are introduced by.

use confidant_shared::profile::{CareerStage, ChannelKind, ContactChannel, Profile, Role, STANDARD_TOPICS};
use confidant_shared::Section;
use leptos::ev;
use leptos::prelude::*;

use crate::widgets::live_text::live_text;
use leptos::task::spawn_local;

use crate::api::create_document;
use crate::widgets::document_editing::DocumentEditing;
use crate::api::{my_profile, random_id};
use crate::store::OpenDocument;

#[component]
pub fn ProfileSection() -> impl IntoView {
    let (created, set_created) = signal(0u32);
    let profile = LocalResource::new(move || {
        created.track();
        my_profile()
    });
    view! {
        <h2 id="profile-heading">"Your profile"</h2>
        {move || match profile.get() {
            None => view! { <p class="loading" role="status">"Opening your profile…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Some(Ok(None)) => view! { <NewProfile on_created=move || set_created.update(|n| *n += 1)/> }.into_any(),
            Some(Ok(Some((doc, value)))) => view! { <ProfileEditor doc initial=value/> }.into_any(),
        }}
    }
}

#[component]
fn NewProfile(on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let (name, set_name) = signal(String::new());
    let (role, set_role) = signal("mentee".to_string());
    let (error, set_error) = signal(None::<String>);
    let create = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let display = name.get_untracked().trim().to_owned();
        if display.is_empty() {
            set_error.set(Some("Please enter the name your partners know you by.".into()));
            return;
        }
        let member_id = match random_id() {
            Ok(id) => id,
            Err(err) => return set_error.set(Some(err)),
        };
        let mut profile = Profile::with_member_id(&display, &member_id);
        profile.roles = vec![if role.get_untracked() == "mentor" { Role::Mentor } else { Role::Mentee }];
        spawn_local(async move {
            let created = create_document(&profile);
            match created.await {
                Ok(_) => on_created(),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    view! {
        <div class="empty-state" data-testid="empty-state"><p>{Section::Settings.empty_state()}</p></div>
        <form class="stacked-form" on:submit=create aria-labelledby="profile-heading">
            <div class="field">
                <label for="profile-new-name">"Your name"</label>
                <input id="profile-new-name" type="text" autocomplete="name" required
                    prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
            </div>
            <fieldset>
                <legend>"You are here mainly as"</legend>
                <label><input type="radio" name="profile-new-role" value="mentee" prop:checked=move || role.get() == "mentee"
                    on:change=move |_| set_role.set("mentee".into())/>" a mentee"</label>
                <label><input type="radio" name="profile-new-role" value="mentor" prop:checked=move || role.get() == "mentor"
                    on:change=move |_| set_role.set("mentor".into())/>" a mentor or advisor"</label>
            </fieldset>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit">"Create my profile"</button>
        </form>
    }
}

#[component]
fn ProfileEditor(doc: OpenDocument, initial: Profile) -> impl IntoView {
    let (profile, set_profile) = signal_local(initial);
    let (error, set_error) = signal(None::<String>);
    let editing = DocumentEditing::new(doc, set_profile, set_error);
    let (new_topic, set_new_topic) = signal(String::new());
    let (channel_kind, set_channel_kind) = signal(0usize);
    let (channel_value, set_channel_value) = signal(String::new());
    let (channel_note, set_channel_note) = signal(String::new());

    let topics = move || {
        let mut all: Vec<String> = STANDARD_TOPICS.iter().map(|t| t.to_string()).collect();
        profile.with(|p| all.extend(p.topics.iter().filter(|t| !STANDARD_TOPICS.contains(&t.as_str())).cloned()));
        all
    };
    let add_topic = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let topic = new_topic.get_untracked().trim().to_owned();
        if !topic.is_empty() {
            editing.edit(|p| if !p.topics.contains(&topic) { p.topics.push(topic) });
            set_new_topic.set(String::new());
        }
    };
    let add_channel = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let value = channel_value.get_untracked().trim().to_owned();
        if value.is_empty() {
            return;
        }
        let channel = ChannelKind::ALL[channel_kind.get_untracked()].0;
        let note = channel_note.get_untracked().trim().to_owned();
        let Some(id) = editing.new_id() else { return };
        editing.edit(|p| p.contact_channels.push(ContactChannel { id, channel, value, note }));
        set_channel_value.set(String::new());
        set_channel_note.set(String::new());
    };

    view! {
        <p class="hint">"Kept on your own devices. Changes save as you type."</p>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <div class="field">
            <label for="profile-name">"Your name"</label>
            <input id="profile-name" type="text" autocomplete="name" use:live_text=Signal::derive(move || profile.with(|p| p.display_name.clone()))
                on:input=move |ev| { let v = event_target_value(&ev); editing.edit(|p| p.display_name = v) }/>
        </div>
        <fieldset>
            <legend>"Your roles"</legend>
            {Role::ALL.into_iter().map(|(role, label)| view! {
                <label class="choice">
                    <input type="checkbox" prop:checked=move || profile.with(|p| p.roles.contains(&role))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            editing.edit(|p| { p.roles.retain(|r| *r != role); if on { p.roles.push(role) } })
                        }/>
                    " " {label}
                </label>
            }).collect_view()}
        </fieldset>
        <div class="field">
            <label for="profile-department">"Department, lab or unit"</label>
            <input id="profile-department" type="text" use:live_text=Signal::derive(move || profile.with(|p| p.department.clone()))
                on:input=move |ev| { let v = event_target_value(&ev); editing.edit(|p| p.department = v) }/>
        </div>
        <div class="field">
            <label for="profile-stage">"Career stage"</label>
            <select id="profile-stage" on:change=move |ev| {
                let v = event_target_value(&ev);
                editing.edit(|p| p.career_stage = CareerStage::ALL.iter().find(|(_, l)| *l == v).map(|(s, _)| *s))
            }>
                <option value="" selected=move || profile.with(|p| p.career_stage.is_none())>"Not said"</option>
                {CareerStage::ALL.into_iter().map(|(stage, label)| view! {
                    <option value=label selected=move || profile.with(|p| p.career_stage == Some(stage))>{label}</option>
                }).collect_view()}
            </select>
        </div>
        <fieldset>
            <legend>"Topics you want to talk about"</legend>
            {move || topics().into_iter().map(|topic| {
                let t = StoredValue::new(topic.clone());
                view! {
                    <label class="choice">
                        <input type="checkbox" prop:checked=move || profile.with(|p| t.with_value(|t| p.topics.contains(t)))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let t = t.get_value();
                                editing.edit(|p| { p.topics.retain(|x| *x != t); if on { p.topics.push(t) } })
                            }/>
                        " " {topic}
                    </label>
                }
            }).collect_view()}
        </fieldset>
        <form class="inline-form" on:submit=add_topic>
            <label for="profile-new-topic">"Another topic"</label>
            <input id="profile-new-topic" type="text" prop:value=new_topic on:input=move |ev| set_new_topic.set(event_target_value(&ev))/>
            <button type="submit">"Add topic"</button>
        </form>
        <h3>"How to reach you"</h3>
        <ul class="doc-list" aria-label="Your contact channels">
            {move || profile.with(|p| p.contact_channels.clone()).into_iter().map(|c| {
                let id = c.id.clone();
                let kind = ChannelKind::ALL.iter().find(|(k, _)| *k == c.channel).map(|(_, l)| *l).unwrap_or("");
                let text = if c.note.is_empty() { format!("{kind}: {}", c.value) } else { format!("{kind}: {} ({})", c.value, c.note) };
                view! {
                    <li data-testid="contact-channel">{text.clone()}" "
                        <button type="button" class="danger" aria-label=format!("Remove {text}")
                            on:click=move |_| { let id = id.clone(); editing.edit(|p| p.contact_channels.retain(|c| c.id != id)) }>"Remove"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <form class="inline-form" on:submit=add_channel>
            <label for="profile-channel-kind">"Channel"</label>
            <select id="profile-channel-kind" on:change=move |ev| set_channel_kind.set(event_target_value(&ev).parse().unwrap_or(0))>
                {ChannelKind::ALL.into_iter().enumerate().map(|(i, (_, label))| view! { <option value=i.to_string()>{label}</option> }).collect_view()}
            </select>
            <label for="profile-channel-value">"Address or number"</label>
            <input id="profile-channel-value" type="text" prop:value=channel_value on:input=move |ev| set_channel_value.set(event_target_value(&ev))/>
            <label for="profile-channel-note">"When to use it"</label>
            <input id="profile-channel-note" type="text" placeholder="e.g. weekdays 9–17"
                prop:value=channel_note on:input=move |ev| set_channel_note.set(event_target_value(&ev))/>
            <button type="submit">"Add channel"</button>
        </form>
        <div class="field">
            <label for="profile-boundaries">"Boundaries"</label>
            <textarea id="profile-boundaries" rows="3" placeholder="e.g. no calls after 21:00; emergencies only at night"
                use:live_text=Signal::derive(move || profile.with(|p| p.boundaries.as_str().to_owned()))
                on:input=move |ev| { let v = event_target_value(&ev); editing.edit(|p| p.boundaries.update(&v)) }>
            </textarea>
        </div>
    }
}
