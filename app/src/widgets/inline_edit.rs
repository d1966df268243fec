//! A value that reads as text and is edited where it stands (the way Linear
//! and Notion do it): press it, change it, Enter saves, Escape cancels, and
//! focus comes back to the value. Nothing reaches the document until saved,
//! so a half-typed title never syncs to a partner.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

/// `value` shown as a button; editing opens an input with id `input_id`
/// labelled `label`. `on_save` gets the new text, trimmed, when it changed
/// and is not empty (an empty title is never what someone meant).
#[component]
pub fn InlineEdit(
    #[prop(into)] value: Signal<String>,
    label: &'static str,
    #[prop(into)] input_id: Signal<String>,
    on_save: Callback<String>,
    /// The input's type: "text" or "number".
    #[prop(default = "text")]
    kind: &'static str,
    /// Shown in place of an empty value.
    #[prop(default = "")]
    empty: &'static str,
    /// Put on the button, so a page can name what it is for tests and styles.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// Read as the page's heading: the value sits in an `<h1>` with this id
    /// (kept, hidden, while the value is edited, so the page stays named).
    #[prop(optional)]
    heading_id: Option<&'static str>,
    /// Read as a heading of this level (2 to 6) instead: a section's name.
    #[prop(optional)]
    heading_level: Option<u8>,
    /// Bounds for a number.
    #[prop(optional)]
    min: Option<&'static str>,
    #[prop(optional)]
    max: Option<&'static str>,
) -> impl IntoView {
    let (editing, set_editing) = signal(false);
    let (draft, set_draft) = signal(String::new());
    let input = NodeRef::<html::Input>::new();
    let button = NodeRef::<html::Button>::new();

    // Focus follows the mode: into the field when it opens, back to the
    // value when it closes (only after it was opened here).
    let opened = StoredValue::new(false);
    Effect::new(move |_| {
        if editing.get() {
            opened.set_value(true);
            if let Some(input) = input.get() {
                let _ = input.focus();
                input.select();
            }
        } else if opened.get_value() {
            if let Some(button) = button.get() {
                let _ = button.focus();
            }
        }
    });
    let open = move || {
        set_draft.set(value.get_untracked());
        set_editing.set(true);
    };
    let save = move || {
        let text = draft.get_untracked().trim().to_owned();
        if !text.is_empty() && text != value.get_untracked() {
            on_save.run(text);
        }
        set_editing.set(false);
    };

    move || {
        if editing.get() {
            view! {
                <form class="inline-edit-form" on:submit=move |ev: ev::SubmitEvent| { ev.prevent_default(); save(); }
                    on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" { ev.prevent_default(); set_editing.set(false); }>
                    <label for=move || input_id.get()>{label}</label>
                    <input node_ref=input id=move || input_id.get() type=kind min=min max=max prop:value=draft
                        on:input=move |ev| set_draft.set(event_target_value(&ev))/>
                    <button type="submit">"Save"</button>
                    <button type="button" on:click=move |_| set_editing.set(false)>"Cancel"</button>
                </form>
                {heading_id.map(|id| view! { <h1 id=id class="visually-hidden">{move || value.get()}</h1> })}
            }
            .into_any()
        } else {
            let button = view! {
                <button node_ref=button type="button" class="inline-edit" data-testid=testid
                    aria-label=move || format!("{} (edit {})", shown(value.get(), empty), label.to_lowercase())
                    title="Press to edit"
                    on:click=move |_| open()>
                    {move || shown(value.get(), empty)}
                </button>
            };
            match (heading_id, heading_level) {
                (Some(id), _) => view! { <h1 id=id tabindex="-1">{button}</h1> }.into_any(),
                (None, Some(2)) => view! { <h2>{button}</h2> }.into_any(),
                (None, Some(3)) => view! { <h3>{button}</h3> }.into_any(),
                (None, Some(4)) => view! { <h4>{button}</h4> }.into_any(),
                (None, Some(5)) => view! { <h5>{button}</h5> }.into_any(),
                (None, Some(_)) => view! { <h6>{button}</h6> }.into_any(),
                (None, None) => button.into_any(),
            }
        }
    }
}

fn shown(value: String, empty: &'static str) -> String {
    if value.trim().is_empty() {
        empty.to_owned()
    } else {
        value
    }
}
