//! Settings: the data this browser keeps, and the user's own copy of it.
//!
//! Shows storage used, asks the browser to keep the data (persistent
//! storage, so it is not evicted under pressure), and exports everything to
//! one file or imports such a file (from another browser or device).

use confidant_shared::export::ExportBundle;
use confidant_shared::Section;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::pages::file_download::download;
use crate::pages::invite_code::InviteCode;
use crate::pages::profile::ProfileSection;
use crate::sync::use_sync;
use crate::store::app_store;

async fn storage_line() -> Option<String> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate: web_sys::StorageEstimate = JsFuture::from(storage.estimate().ok()?).await.ok()?.unchecked_into();
    let used = estimate.get_usage().unwrap_or(0.0);
    let quota = estimate.get_quota().unwrap_or(0.0);
    let persisted = JsFuture::from(storage.persisted().ok()?).await.ok()?.as_bool().unwrap_or(false);
    Some(format!(
        "{:.1} MB used of {:.0} MB available. {}",
        used / 1e6,
        quota / 1e6,
        if persisted {
            "This browser will keep your data."
        } else {
            "This browser may clear your data if space runs low; ask it to keep it below."
        }
    ))
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let (refresh, set_refresh) = signal(0u32);
    let usage = LocalResource::new(move || {
        refresh.track();
        storage_line()
    });
    let (message, set_message) = signal(None::<String>);

    let keep_data = move |_| {
        spawn_local(async move {
            let granted = async {
                let storage = web_sys::window()?.navigator().storage();
                JsFuture::from(storage.persist().ok()?).await.ok()?.as_bool()
            };
            set_message.set(Some(match granted.await {
                Some(true) => "Done: this browser will keep your data.".into(),
                _ => "The browser declined for now; installing Confidant as an app usually lets it keep your data.".into(),
            }));
            set_refresh.update(|n| *n += 1);
        });
    };

    let export = move |_| {
        spawn_local(async move {
            let file = async { app_store().await?.export_all().await };
            match file.await {
                Ok(bundle) => {
                    let count = bundle.documents.len();
                    match download("confidant-export.json", "application/json", &bundle.to_json()) {
                        Ok(()) => set_message.set(Some(format!("Exported {count} documents to confidant-export.json."))),
                        Err(()) => set_message.set(Some("The browser did not allow the download; try again.".into())),
                    }
                }
                Err(err) => set_message.set(Some(err.to_string())),
            }
        });
    };

    let import = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        spawn_local(async move {
            let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()).unwrap_or_default();
            let outcome = async {
                let bundle = ExportBundle::from_json(&text).map_err(|e| e.to_string())?;
                let store = app_store().await.map_err(|e| e.to_string())?;
                store.import(&bundle).await.map_err(|e| e.to_string())
            };
            set_message.set(Some(match outcome.await {
                Ok(n) => format!("Imported {n} documents. Nothing that was here was replaced."),
                Err(err) => format!("Nothing was imported: {err}"),
            }));
            set_refresh.update(|n| *n += 1);
        });
    };

    view! {
        <Title text="Settings · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{Section::Settings.title()}</h1>
            <p class="purpose">{Section::Settings.purpose()}</p>
            <ProfileSection/>
            <h2>"Your data on this device"</h2>
            <p data-testid="storage-used">
                {move || match usage.get() {
                    None => "Measuring…".to_owned(),
                    Some(line) => line.unwrap_or_else(|| "This browser does not report storage use.".to_owned()),
                }}
            </p>
            <div class="goal-actions">
                <button type="button" on:click=keep_data>"Ask the browser to keep my data"</button>
                <button type="button" on:click=export>"Export all my data"</button>
            </div>
            <div class="field">
                <label for="import-file">"Import an export file"</label>
                <input id="import-file" type="file" accept="application/json,.json" on:change=import/>
            </div>
            {move || message.get().map(|m| view! { <p role="status" data-testid="settings-message">{m}</p> })}
            <LinkedDevices/>
        </section>
    }
}

/// Link another of the user's devices: one link (or QR code) and it follows
/// the journal, profile and goal plans of this one, encrypted at the relay.
#[component]
fn LinkedDevices() -> impl IntoView {
    let Some(engine) = use_sync() else { return ().into_any() };
    let (link, set_link) = signal(None::<String>);
    let (error, set_error) = signal(None::<String>);
    let start = move |_| {
        let engine = engine.clone();
        spawn_local(async move {
            match engine.link_device().await {
                Ok(invite) => set_link.set(Some(invite.link(&window().location().origin().unwrap_or_default()))),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    view! {
        <h2>"Your other devices"</h2>
        <p>"Use Confidant on your phone and your laptop: link them and your journal, profile and goal plans \
            follow you, end-to-end encrypted. The link below holds the keys to all of them: open it only on a \
            device of your own, and never send it to anyone."</p>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || match link.get() {
            None => view! { <button type="button" data-testid="link-device" on:click=start.clone()>"Link another device"</button> }.into_any(),
            Some(link) => view! {
                <InviteCode id="device-link" label="Device link" link=Signal::derive(move || link.clone())/>
            }.into_any(),
        }}
    }
    .into_any()
}
