//! What surrounds every page: skip link, header with sync status, navigation,
//! the main landmark, and a footer with the version and update prompt.

mod nav;
mod sync_indicator;
mod update_prompt;

pub use nav::Nav;
pub use sync_indicator::SyncIndicator;
pub use update_prompt::UpdatePrompt;

use leptos::prelude::*;

#[component]
pub fn Shell(service_worker: bool, children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="layout">
            <header class="top-bar">
                <span class="brand">"Confidant"</span>
                <SyncIndicator/>
            </header>
            <Nav/>
            <main id="main" class="content" tabindex="-1">
                {children()}
            </main>
            <footer class="footer">
                <UpdatePrompt enabled=service_worker/>
                <p class="version">"Confidant " <span data-testid="app-version">{confidant_shared::APP_VERSION}</span></p>
            </footer>
        </div>
    }
}
