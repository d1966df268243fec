//! Registers `/sw.js` (the offline worker) and reports when an update waits.
//!
//! Browser glue only; what the worker caches is decided at build time by
//! `confidant-server prepare-assets`.

use std::time::Duration;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// How often a long-open tab asks the server for a newer worker.
const UPDATE_CHECK: Duration = Duration::from_secs(30 * 60);

fn worker_container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Absent outside secure contexts; the app still works, just not offline.
    let present = js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

/// Register the worker; call `on_update` with a new worker once it has
/// installed while an older one controls the page.
pub fn register(on_update: impl Fn(ServiceWorker) + Clone + 'static) {
    let Some(container) = worker_container() else { return };
    let promise = container.register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        let registration: ServiceWorkerRegistration = match JsFuture::from(promise).await {
            Ok(value) => value.unchecked_into(),
            Err(err) => {
                web_sys::console::warn_2(&"offline support unavailable: service worker not registered".into(), &err);
                return;
            }
        };
        let has_controller = move || worker_container().and_then(|c| c.controller()).is_some();
        if let Some(waiting) = registration.waiting() {
            if has_controller() {
                on_update(waiting);
            }
        }
        let reg = registration.clone();
        let on_update_found = Closure::<dyn Fn()>::new(move || {
            let Some(installing) = reg.installing() else { return };
            let worker = installing.clone();
            let on_update = on_update.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && has_controller() {
                    on_update(worker.clone());
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();

        let reg = registration.clone();
        leptos::prelude::set_interval(
            move || {
                let _ = reg.update();
            },
            UPDATE_CHECK,
        );
    });
}

/// Tell the waiting worker to take over, and reload once it has.
pub fn activate_and_reload(worker: &ServiceWorker) {
    if let Some(container) = worker_container() {
        let reload = Closure::<dyn Fn()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
        container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
        reload.forget();
    }
    let _ = worker.post_message(&JsValue::from_str("skip-waiting"));
}

/// The person asked for the newest version now (a document needs it): ask
/// the server for a newer worker, let it take over, and reload.
pub fn update_now() {
    let reload = || {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    let Some(container) = worker_container() else { return reload() };
    wasm_bindgen_futures::spawn_local(async move {
        let registration = JsFuture::from(container.get_registration()).await.ok().filter(|r| !r.is_undefined());
        let Some(registration) = registration.map(|r| r.unchecked_into::<ServiceWorkerRegistration>()) else { return reload() };
        if let Ok(update) = registration.update() {
            let _ = JsFuture::from(update).await;
        }
        match registration.waiting().or_else(|| registration.installing()) {
            Some(worker) => activate_and_reload(&worker),
            None => reload(),
        }
    });
}
