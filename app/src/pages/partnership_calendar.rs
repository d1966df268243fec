//! "Add to my calendar": the user's planned meetings as an `.ics` file.

use confidant_shared::meeting_calendar::{meetings_calendar, PartnershipMeetings};
use confidant_shared::partnership::Partnership;

use crate::clock::{now_ms, today_day};
use crate::widgets::file_download::download;
use crate::api::my_profile;
use crate::api::documents_of;

/// Build the calendar of every running partnership and offer it as
/// `confidant-meetings.ics`, with agendas only if the user asked (they
/// leave the encryption for the calendar provider). Returns how many
/// partnerships it covers.
pub async fn download_meetings(engine: Option<&crate::sync::SyncEngine>, with_agendas: bool) -> Result<usize, String> {
    let profile = my_profile().await?.map(|(_, p)| p);
    let all = documents_of::<Partnership>().await.map_err(|e| e.for_user())?;
    let ids: Vec<String> = all.iter().map(|(id, _)| id.to_string()).collect();
    let list: Vec<PartnershipMeetings<'_>> = all
        .iter()
        .zip(&ids)
        .map(|((_, p), id)| PartnershipMeetings { document: id, partnership: p, side: p.side_for(profile.as_ref()) })
        .collect();
    let calendars = crate::api::program_calendars(engine).await?;
    let text = meetings_calendar(&list, &calendars, today_day(), now_ms(), with_agendas);
    download("confidant-meetings.ics", "text/calendar", &text).map_err(|()| "The browser did not allow the download; try again.".to_string())?;
    Ok(list.iter().filter(|p| p.partnership.is_running()).count())
}

/// The "include agendas" choice next to a calendar download.
#[leptos::component]
pub fn AgendasChoice(set_with_agendas: leptos::prelude::WriteSignal<bool>) -> impl leptos::IntoView {
    use leptos::prelude::*;
    view! {
        <label class="choice">
            <input type="checkbox" data-testid="calendar-agendas" on:change=move |ev| set_with_agendas.set(event_target_checked(&ev))/>
            " Include meeting agendas (your calendar provider can then read them)"
        </label>
    }
}
