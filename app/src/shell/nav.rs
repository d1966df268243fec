//! The section navigation: a sidebar on wide screens; on phones a "Menu"
//! button that opens the list, so eight sections fit 375 px.

use confidant_shared::Section;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Nav() -> impl IntoView {
    let (open, set_open) = signal(false);
    view! {
        <nav class="nav" aria-label="Sections">
            <button
                class="nav-toggle"
                type="button"
                aria-controls="nav-list"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| set_open.update(|open| *open = !*open)
            >
                "Menu"
            </button>
            <ul id="nav-list" class="nav-list" class:open=move || open.get()>
                {Section::ALL
                    .into_iter()
                    .map(|section| {
                        view! {
                            // Choosing a section closes the phone menu.
                            <li on:click=move |_| set_open.set(false)>
                                <A href=section.path() exact=true>{section.title()}</A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
