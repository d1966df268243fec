//! "Add to my calendar": the user's planned meetings as an `.ics` file.

use confidant_shared::meeting_calendar::{meetings_calendar, PartnershipMeetings};
use confidant_shared::partnership::{AcademicCalendar, Partnership, Side};
use confidant_shared::profile::{Profile, Role};

use crate::clock::{now_ms, today_day};
use crate::pages::file_download::download;
use crate::pages::profile::my_profile;
use crate::api::documents_of;

/// Which side the user is on: the side they joined, or by their profile's role.
pub fn my_side(p: &Partnership, profile: Option<&Profile>) -> Side {
    profile
        .and_then(|me| p.side_of(&me.member_id))
        .unwrap_or(match profile {
            Some(me) if me.roles.contains(&Role::Mentor) && !me.roles.contains(&Role::Mentee) => Side::Mentor,
            _ => Side::Mentee,
        })
}

/// Build the calendar of every running partnership and offer it as
/// `confidant-meetings.ics`. Returns how many partnerships it covers.
pub async fn download_meetings() -> Result<usize, String> {
    let profile = my_profile().await?.map(|(_, p)| p);
    let all = documents_of::<Partnership>().await.map_err(|e| e.for_user())?;
    let ids: Vec<String> = all.iter().map(|(id, _)| id.to_string()).collect();
    let list: Vec<PartnershipMeetings<'_>> = all
        .iter()
        .zip(&ids)
        .map(|((_, p), id)| PartnershipMeetings { document: id, partnership: p, side: my_side(p, profile.as_ref()) })
        .collect();
    let text = meetings_calendar(&list, &AcademicCalendar::default(), today_day(), now_ms());
    download("confidant-meetings.ics", "text/calendar", &text).map_err(|()| "The browser did not allow the download; try again.".to_string())?;
    Ok(list.iter().filter(|p| p.partnership.is_running()).count())
}
