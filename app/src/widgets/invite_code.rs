//! An invite link shown for handing over: a labelled read-only field
//! (selected on focus), a Copy button, the phone's share sheet where the
//! browser has one, and the same link as a QR code to scan.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

/// The link as an SVG QR code.
fn qr_svg(link: &str) -> Option<String> {
    let code = qrcode::QrCode::new(link.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).build())
}

/// `navigator.<object>.<method>(arg)` if the browser has it, awaited.
/// Looked up by name: the share sheet exists only on some platforms.
async fn call_navigator(object: Option<&str>, method: &str, arg: JsValue) -> Result<(), JsValue> {
    let mut this: JsValue = window().navigator().into();
    if let Some(object) = object {
        this = js_sys::Reflect::get(&this, &object.into())?;
    }
    let function: js_sys::Function = js_sys::Reflect::get(&this, &method.into())?.dyn_into()?;
    let promise: js_sys::Promise = function.call1(&this, &arg)?.dyn_into()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.map(|_| ())
}

fn has_share_sheet() -> bool {
    js_sys::Reflect::has(&window().navigator(), &"share".into()).unwrap_or(false)
}

#[component]
pub fn InviteCode(
    /// The element id of the field (unique on the page).
    id: &'static str,
    label: &'static str,
    #[prop(into)] link: Signal<String>,
) -> impl IntoView {
    let (status, set_status) = signal(None::<&'static str>);
    let field = NodeRef::<leptos::html::Input>::new();
    let copy = move |_| {
        spawn_local(async move {
            let copied = call_navigator(Some("clipboard"), "writeText", link.get_untracked().into()).await;
            set_status.set(Some(match copied {
                Ok(()) => "Copied. Paste it into a message to the one person it is for.",
                Err(_) => {
                    // No clipboard here (or no permission): leave it selected to copy by hand.
                    if let Some(input) = field.get_untracked() {
                        let _ = input.focus();
                        input.select();
                    }
                    "The link is selected: copy it with Ctrl+C, or long-press and Copy on a phone."
                }
            }));
        });
    };
    let share = move |_| {
        spawn_local(async move {
            let data = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&data, &"title".into(), &"An invite to Confidant".into());
            let _ = js_sys::Reflect::set(&data, &"url".into(), &link.get_untracked().into());
            // Dismissing the sheet is no error worth a sentence.
            if call_navigator(None, "share", data.into()).await.is_ok() {
                set_status.set(Some("Shared."));
            }
        });
    };
    view! {
        <div class="invite">
            <label for=id>{label}</label>
            <input id=id type="text" readonly data-testid=id prop:value=move || link.get() node_ref=field
                on:focus=move |ev| {
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                }/>
            <div class="goal-actions">
                <button type="button" data-testid=format!("{id}-copy") on:click=copy>"Copy link"</button>
                {has_share_sheet().then(|| view! {
                    <button type="button" data-testid=format!("{id}-share") on:click=share>"Share…"</button>
                })}
            </div>
            <p role="status" class="hint">{move || status.get()}</p>
            <p class="hint">"Or scan this code with the other phone's camera:"</p>
            <div class="qr" role="img" aria-label=format!("QR code of the {}", label.to_lowercase())
                inner_html=move || qr_svg(&link.get()).unwrap_or_default()>
            </div>
        </div>
    }
}
