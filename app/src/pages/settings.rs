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

use crate::api::{export_all, import};
use crate::widgets::file_download::download;
use crate::widgets::invite_code::InviteCode;
use crate::pages::profile::ProfileSection;
use crate::sync::{use_sync, Pairing};
use confidant_shared::sync::inbox::InboxAddress;

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
            let file = export_all();
            match file.await {
                Ok(bundle) => {
                    let count = bundle.documents.len();
                    match download("confidant-export.json", "application/json", &bundle.to_json()) {
                        Ok(()) => set_message.set(Some(format!("Exported {count} documents to confidant-export.json."))),
                        Err(()) => set_message.set(Some("The browser did not allow the download; try again.".into())),
                    }
                }
                Err(err) => set_message.set(Some(err)),
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
                import(&bundle).await
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

/// The user's other devices: link one (a link or QR code, then the same
/// code confirmed on both screens), see them, remove one.
#[component]
fn LinkedDevices() -> impl IntoView {
    let Some(engine) = use_sync() else { return ().into_any() };
    let (error, set_error) = signal(None::<String>);
    let devices = {
        let engine = engine.clone();
        move || engine.devices()
    };
    let offer = {
        let engine = engine.clone();
        move |_| {
            let engine = engine.clone();
            spawn_local(async move {
                if let Err(err) = engine.offer_link().await {
                    set_error.set(Some(err));
                }
            });
        }
    };
    let confirm = crate::pages::link_device::confirm_codes(engine.clone(), set_error);
    let unlink = {
        let engine = engine.clone();
        move |device: InboxAddress| {
            let engine = engine.clone();
            spawn_local(async move {
                match engine.unlink(device).await {
                    Ok(()) => set_error.set(None),
                    Err(err) => set_error.set(Some(err)),
                }
            });
        }
    };
    view! {
        <h2>"Your other devices"</h2>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || {
            let view = devices();
            if view.unlinked {
                return view! {
                    <p class="notice" role="status" data-testid="device-unlinked">"This device was unlinked from your other devices.                         It keeps what it had, but gets nothing new from them. To use it again, link it from one of your devices."</p>
                }.into_any();
            }
            let me = view.me;
            let others: Vec<_> = view.linked.iter().filter(|(address, _)| Some(*address) != me).cloned().collect();
            let list = (!others.is_empty()).then(|| {
                let unlink = unlink.clone();
                view! {
                    <ul class="devices">
                        {others.into_iter().map(|(address, device)| {
                            let unlink = unlink.clone();
                            let name = device.name.clone();
                            view! {
                                <li data-testid="linked-device">
                                    <span>{format!("{} (linked {})", device.name, device.linked_on)}</span>
                                    <button type="button" class="danger" data-testid="unlink-device" aria-label=format!("Remove {name}")
                                        title="It keeps what it had but gets nothing new: everything you own moves to new keys."
                                        on:click=move |_| unlink(address)>"Remove"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            });
            let pairing = match view.pairing {
                Some(Pairing::Offering { link }) => view! {
                    <p>"Open this link on your other device, or scan the code with it. It works only after you confirm a code on both screens."</p>
                    <InviteCode id="device-link" label="Device link" link=Signal::derive(move || link.clone())/>
                }.into_any(),
                Some(Pairing::Confirming { device_name, code }) => {
                    let (yes, no) = (confirm.clone(), confirm.clone());
                    view! {
                        <p>{format!("“{device_name}” asks to be linked. Check that it shows this code:")}</p>
                        <p class="pairing-code" data-testid="pairing-code">{code}</p>
                        <div class="goal-actions">
                            <button type="button" data-testid="codes-match" on:click=move |_| yes(true)>"The codes match: link it"</button>
                            <button type="button" class="danger" on:click=move |_| no(false)>"They differ"</button>
                        </div>
                    }.into_any()
                }
                Some(Pairing::Linked) => view! { <p role="status" data-testid="device-linked">"Linked. Your documents are on their way to it."</p> }.into_any(),
                Some(Pairing::Cancelled) => view! { <p role="status">"Not linked; nothing was shared."</p> }.into_any(),
                Some(Pairing::Joining { .. }) | None => view! {
                    <p>"Use Confidant on your phone and your laptop: link them and your journal, profile and goal plans \
                        follow you, end-to-end encrypted."</p>
                    <button type="button" data-testid="link-device" on:click=offer.clone()>"Link another device"</button>
                }.into_any(),
            };
            view! { {list} {pairing} }.into_any()
        }}
    }
    .into_any()
}
