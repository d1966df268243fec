//! The page for a link that leads nowhere in the app.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="Page not found · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">"Page not found"</h1>
            <p>"This link does not lead to a page of Confidant. Your data is untouched."</p>
            <p><A href="/">"Go to Home"</A></p>
        </section>
    }
}
