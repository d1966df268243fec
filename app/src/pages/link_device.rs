//! `/link#device.<…>`: this device asks the user's other device to link it.
//! Both screens then show the same six-digit code; the keyring's keys are
//! sealed to this device only after the user confirmed it matches on both.

use confidant_shared::sync::device_link::LinkOffer;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::pages::join::take_fragment;
use crate::sync::{use_sync, Pairing, SyncEngine};

/// What both pairing screens do when the user compared the codes.
pub fn confirm_codes(engine: SyncEngine, set_error: WriteSignal<Option<String>>) -> impl Fn(bool) + Clone + 'static {
    move |matches: bool| {
        let engine = engine.clone();
        spawn_local(async move {
            if let Err(err) = engine.confirm_link(matches).await {
                set_error.set(Some(err));
            }
        });
    }
}

#[component]
pub fn LinkDevicePage() -> impl IntoView {
    let offer = LinkOffer::parse(&take_fragment(confidant_shared::paths::LINK));
    let engine = use_sync();
    let (error, set_error) = signal(None::<String>);
    let (asked, set_asked) = signal(false);

    let body = match (offer, engine) {
        (Err(err), _) => view! {
            <p class="error" role="alert" data-testid="link-error">{err.to_string()}</p>
            <p><a href="/settings">"Go to Settings"</a></p>
        }
        .into_any(),
        (Ok(_), None) => view! { <p class="error" role="alert">"Sync is not available here."</p> }.into_any(),
        (Ok(offer), Some(engine)) => {
            let ask = {
                let engine = engine.clone();
                move |_| {
                    let (engine, offer) = (engine.clone(), offer.clone());
                    spawn_local(async move {
                        match engine.join_link(offer).await {
                            Ok(()) => set_asked.set(true),
                            Err(err) => set_error.set(Some(err)),
                        }
                    });
                }
            };
            let confirm = confirm_codes(engine.clone(), set_error);
            let pairing = move || engine.devices().pairing;
            view! {
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                {move || match (asked.get(), pairing()) {
                    (false, _) => view! {
                        <p>"Link this device to your other one: your journal, profile and goal plans will follow you here, \
                            end-to-end encrypted. Do this only on a device of your own."</p>
                        <button type="button" data-testid="ask-link" on:click=ask.clone()>"Link this device"</button>
                    }.into_any(),
                    (true, Some(Pairing::Joining { code, confirmed })) => {
                        let confirm = confirm.clone();
                        let confirm_no = confirm.clone();
                        view! {
                            <p>"Your other device now shows a code. Check that it is this one:"</p>
                            <p class="pairing-code" data-testid="pairing-code">{code}</p>
                            {if confirmed {
                                view! { <p role="status">"Confirmed here. Now confirm on your other device."</p> }.into_any()
                            } else {
                                view! {
                                    <div class="goal-actions">
                                        <button type="button" data-testid="codes-match" on:click=move |_| confirm(true)>"The codes match"</button>
                                        <button type="button" class="danger" on:click=move |_| confirm_no(false)>"They differ"</button>
                                    </div>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                    (true, Some(Pairing::Linked)) => view! {
                        <p role="status" data-testid="device-linked">"Linked. Your journal, profile and goal plans are on their way to this device."</p>
                        <p><a href="/journal">"Open your journal"</a></p>
                    }.into_any(),
                    (true, Some(Pairing::Cancelled)) => view! {
                        <p role="alert">"Not linked: the codes differed. Nothing was shared. Start again from Settings on your other device."</p>
                    }.into_any(),
                    (true, _) => view! { <p role="status">"Asking your other device…"</p> }.into_any(),
                }}
            }
            .into_any()
        }
    };
    view! {
        <Title text="Link this device · Confidant"/>
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">"Link this device"</h1>
            {body}
        </section>
    }
}
