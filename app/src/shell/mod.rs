//! What surrounds every page: skip link, header with sync status, navigation,
//! the main landmark, and a footer with the version and update prompt.

mod nav;
mod sync_indicator;
mod update_prompt;

pub use nav::Nav;
pub use sync_indicator::SyncIndicator;
pub use update_prompt::UpdatePrompt;

use leptos::prelude::*;

/// Says so when the app stopped last time while reading a document, and
/// that document was set aside (see `store::load_guard`).
#[component]
fn SetAsideNotice() -> impl IntoView {
    let set_aside = LocalResource::new(|| async {
        crate::store::app_store().await.ok()?;
        crate::store::load_guard::set_aside()
    });
    move || {
        set_aside.get().flatten().map(|_| view! {
            <p class="notice" role="alert" data-testid="set-aside">
                "The app stopped last time while reading one of your documents. That document's saved data was set aside \
                 (kept, not deleted) and everything else is as it was. If it was shared, ask your partner to share it again."
            </p>
        })
    }
}

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
                <SetAsideNotice/>
                {children()}
            </main>
            <footer class="footer">
                <UpdatePrompt enabled=service_worker/>
                <p class="version">"Confidant " <span data-testid="app-version">{confidant_shared::APP_VERSION}</span></p>
            </footer>
        </div>
    }
}
