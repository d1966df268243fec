//! Settings: the data this browser keeps, and the user's own copy of it.
//!
//! Shows storage used, asks the browser to keep the data (persistent
//! storage, so it is not evicted under pressure), and exports everything to
//! one file or imports such a file (from another browser or device).

use confidant_shared::export::ExportBundle;
use confidant_shared::sealed_export;
use crate::store::random_bytes;
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

    // The export carries the keys of shared documents when asked, and then
    // only under a passphrase, which seals the whole file.
    let (with_keys, set_with_keys) = signal(false);
    let (passphrase, set_passphrase) = signal(String::new());
    let export = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (with_keys, passphrase) = (with_keys.get_untracked(), passphrase.get_untracked());
        if with_keys && passphrase.is_empty() {
            set_message.set(Some("Choose a passphrase to protect the keys, or leave the keys out.".into()));
            return;
        }
        spawn_local(async move {
            let made = async {
                let bundle = export_all(with_keys).await?;
                let count = bundle.documents.len();
                let json = zeroize::Zeroizing::new(bundle.to_json());
                if passphrase.is_empty() {
                    return Ok::<_, String>((count, "confidant-export.json", json));
                }
                set_message.set(Some("Protecting the file with your passphrase…".into()));
                let (salt, nonce) = (random_bytes::<16>().map_err(|e| e.for_user())?, random_bytes::<24>().map_err(|e| e.for_user())?);
                let sealed = sealed_export::seal(&json, &passphrase, salt, nonce, sealed_export::KdfCost::DEFAULT).map_err(|e| crate::api::capitalised(&e.to_string()))?;
                Ok((count, "confidant-export-protected.json", zeroize::Zeroizing::new(sealed)))
            };
            match made.await {
                Ok((count, name, text)) => match download(name, "application/json", &text) {
                    Ok(()) => {
                        set_passphrase.set(String::new());
                        set_message.set(Some(format!("Exported {count} documents to {name}.")))
                    }
                    Err(()) => set_message.set(Some("The browser did not allow the download; try again.".into())),
                },
                Err(err) => set_message.set(Some(err)),
            }
        });
    };

    // A protected file waits here for its passphrase.
    let (sealed_file, set_sealed_file) = signal(None::<String>);
    let (open_passphrase, set_open_passphrase) = signal(String::new());
    // Following a file's keyring hands its maker every key on this device:
    // only when the person says the file is their own.
    let (relink, set_relink) = signal(false);
    let engine = use_sync();
    let bring_in = {
        let engine = engine.clone();
        move |json: String, relink: bool| {
            let engine = engine.clone();
            spawn_local(async move {
                let outcome = async {
                    let bundle = ExportBundle::from_json(&json).map_err(|e| e.to_string())?;
                    import(&bundle, relink, engine.as_ref()).await
                };
                set_message.set(Some(match outcome.await {
                    Ok(done) if done.relinked => format!(
                        "Imported {} documents; {} shared ones reconnect to your partners, and this device is linked to your other devices again. Nothing that was here was replaced.",
                        done.documents, done.reconnected
                    ),
                    Ok(done) if done.reconnected > 0 => format!(
                        "Imported {} documents, and {} shared ones reconnect to your partners. Nothing that was here was replaced.",
                        done.documents, done.reconnected
                    ),
                    Ok(done) => format!("Imported {} documents. Nothing that was here was replaced.", done.documents),
                    Err(err) => format!("Nothing was imported: {err}"),
                }));
                set_refresh.update(|n| *n += 1);
            });
        }
    };
    let import_file = {
        let bring_in = bring_in.clone();
        move |ev: leptos::ev::Event| {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            // Emptied, so choosing the same file again (to import it another way) is seen.
            input.set_value("");
            let bring_in = bring_in.clone();
            spawn_local(async move {
                let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()).unwrap_or_default();
                if sealed_export::is_sealed(&text) {
                    set_message.set(Some("This export is protected: enter its passphrase to open it.".into()));
                    set_sealed_file.set(Some(text));
                } else {
                    set_sealed_file.set(None);
                    bring_in(text, false);
                }
            });
        }
    };
    let open_sealed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(text) = sealed_file.get_untracked() else { return };
        set_message.set(Some("Opening the protected export…".into()));
        let bring_in = bring_in.clone();
        // Let the sentence paint before the key stretching takes a moment.
        set_timeout(
            move || match sealed_export::open(&text, &open_passphrase.get_untracked()) {
                Ok(json) => {
                    set_sealed_file.set(None);
                    set_open_passphrase.set(String::new());
                    bring_in(json.to_string(), relink.get_untracked());
                    set_relink.set(false);
                }
                Err(err) => set_message.set(Some(format!("Nothing was imported: {err}."))),
            },
            std::time::Duration::from_millis(30),
        );
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
            </div>
            <form class="stacked-form" on:submit=export aria-labelledby="export-heading">
                <h3 id="export-heading">"Export"</h3>
                <p>"The file holds your profile, journal, goal plans and partnerships, readable by anyone who opens it."</p>
                <label class="choice">
                    <input type="checkbox" id="export-keys" prop:checked=with_keys on:change=move |ev| set_with_keys.set(event_target_checked(&ev))/>
                    " Include the keys of what you share, so that restoring the file reconnects you to your partners \
                    and your other devices (whoever holds the file and its passphrase can then also read and change \
                    what you share)"
                </label>
                <div class="field">
                    <label for="export-passphrase">"Passphrase to protect the file (at least 8 characters; needed with the keys)"</label>
                    <input id="export-passphrase" type="password" autocomplete="new-password"
                        prop:value=passphrase on:input=move |ev| set_passphrase.set(event_target_value(&ev))/>
                </div>
                <button type="submit">"Export all my data"</button>
            </form>
            <div class="field">
                <label for="import-file">"Import an export file"</label>
                <input id="import-file" type="file" accept="application/json,.json" on:change=import_file/>
            </div>
            {move || sealed_file.with(Option::is_some).then(|| view! {
                <form class="inline-form" on:submit=open_sealed.clone()>
                    <label for="import-passphrase">"Passphrase of the protected export"</label>
                    <input id="import-passphrase" type="password" autocomplete="off"
                        prop:value=open_passphrase on:input=move |ev| set_open_passphrase.set(event_target_value(&ev))/>
                    <label class="choice" for="import-relink">
                        <input id="import-relink" type="checkbox" prop:checked=relink on:change=move |ev| set_relink.set(event_target_checked(&ev))/>
                        " I made this file: also link this device to my other devices (never for a file from someone else: \
                        it would give them everything on this device)"
                    </label>
                    <button type="submit">"Open and import"</button>
                </form>
            })}
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
                                    <span>{match device.linked_on { Some(day) => format!("{} (linked {})", device.name, crate::clock::day_words(day)), None => device.name.clone() }}</span>
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
