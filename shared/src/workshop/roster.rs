//! Joining a workshop: a participant's device sends a join request (a
//! sealed letter to the facilitator's inbox, naming its sender); the
//! facilitator's device adds them to the roster. Participants are readers
//! of the workshop document, so only the facilitator's side writes the
//! roster, and everything in a request is checked and bounded first.
//!
//! A participant is known by their device's inbox address: a request sent
//! twice (a retry, a reload, 200 people on conference Wi-Fi) is one entry,
//! a second request from the same device updates it, and nobody can join
//! under someone else's address (the letter's sender is signed).

use serde::{Deserialize, Serialize};

use super::{Participant, Workshop};
use crate::profile::CareerStage;
use crate::sync::inbox::InboxAddress;

/// The most people one workshop seats.
pub const MAX_PARTICIPANTS: usize = 500;
/// The most "people I already know" one request names.
pub const MAX_KNOWN: usize = 50;
/// The most a name may hold, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// What a participant's device sends (the body of the join letter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    /// The workshop's sync id as text: a request for another is refused.
    pub workshop: String,
    pub name: String,
    pub stage: Option<Stage>,
    /// Roster ids of people they already know.
    pub knows: Vec<String>,
    /// Leaving (or marking oneself absent) rather than joining.
    pub leaving: bool,
}

/// The career stage as it travels (the profile's own type stays in the document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Early,
    Mid,
    Late,
}

impl From<Stage> for CareerStage {
    fn from(stage: Stage) -> Self {
        match stage {
            Stage::Early => CareerStage::Early,
            Stage::Mid => CareerStage::Mid,
            Stage::Late => CareerStage::Late,
        }
    }
}

/// Why a request changed nothing. Messages are for the facilitator's log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinRefused {
    #[error("the request is for another workshop")]
    OtherWorkshop,
    #[error("the request has no name")]
    NoName,
    #[error("the workshop is full ({MAX_PARTICIPANTS} people)")]
    Full,
}

/// A participant's roster id: their device's inbox address, as text.
pub fn participant_id(sender: &InboxAddress) -> String {
    sender.to_text()
}

impl Workshop {
    /// Take in a join (or leave) request from `sender`, for the workshop
    /// whose sync id reads `this_workshop`. Returns the participant's id.
    pub fn admit(&mut self, this_workshop: &str, sender: &InboxAddress, request: &JoinRequest) -> Result<String, JoinRefused> {
        if request.workshop != this_workshop {
            return Err(JoinRefused::OtherWorkshop);
        }
        let id = participant_id(sender);
        if request.leaving {
            if let Some(p) = self.roster.get_mut(&id) {
                p.present = false;
            }
            return Ok(id);
        }
        let name = crate::sync::member::printable_name(&request.name, MAX_NAME_CHARS);
        if name.is_empty() {
            return Err(JoinRefused::NoName);
        }
        if !self.roster.contains_key(&id) && self.roster.len() >= MAX_PARTICIPANTS {
            return Err(JoinRefused::Full);
        }
        let entry = self.roster.entry(id.clone()).or_insert_with(|| Participant { id: id.clone(), name: name.clone(), present: true, stage: None });
        entry.name = name;
        entry.present = true;
        entry.stage = request.stage.map(CareerStage::from);
        // Only people on the roster, never oneself, each pair once.
        for known in request.knows.iter().take(MAX_KNOWN).filter(|k| **k != id && self.roster.contains_key(*k)) {
            let pair = if id <= *known { vec![id.clone(), known.clone()] } else { vec![known.clone(), id.clone()] };
            if !self.acquainted.contains(&pair) {
                self.acquainted.push(pair);
            }
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::inbox::InboxKeys;

    fn device(n: u8) -> InboxAddress {
        InboxKeys::from_seed([n; 32]).address()
    }

    fn join(name: &str) -> JoinRequest {
        JoinRequest { workshop: "ws".into(), name: name.into(), stage: Some(Stage::Mid), knows: vec![], leaving: false }
    }

    #[test]
    fn a_request_sent_twice_is_one_participant_and_a_second_updates_them() {
        let mut w = Workshop::new("Career success", "lee");
        let ana = w.admit("ws", &device(1), &join("Ana")).unwrap();
        assert_eq!(w.admit("ws", &device(1), &join("Ana")), Ok(ana.clone()));
        w.admit("ws", &device(1), &join("Ana Lima")).unwrap();
        assert_eq!(w.roster.len(), 1);
        assert_eq!(w.roster[&ana].name, "Ana Lima");
        assert_eq!(w.roster[&ana].stage, Some(CareerStage::Mid));
    }

    #[test]
    fn two_hundred_joins_in_any_order_and_with_repeats_make_one_roster_of_two_hundred() {
        let mut requests: Vec<(InboxAddress, JoinRequest)> = (0..200u32).map(|i| (device((i % 250) as u8), join(&format!("P{i}")))).collect();
        requests.extend(requests.clone().into_iter().step_by(3));
        requests.reverse();
        let mut w = Workshop::new("Career success", "lee");
        for (sender, request) in &requests {
            w.admit("ws", sender, request).unwrap();
        }
        assert_eq!(w.roster.len(), 200);
    }

    #[test]
    fn acquaintances_are_kept_only_for_people_on_the_roster_and_never_oneself() {
        let mut w = Workshop::new("Career success", "lee");
        let ana = w.admit("ws", &device(1), &join("Ana")).unwrap();
        let sam = device(2);
        let request = JoinRequest { knows: vec![ana.clone(), participant_id(&sam), "nobody".into(), ana.clone()], ..join("Sam") };
        let sam = w.admit("ws", &sam, &request).unwrap();
        let pair = if ana <= sam { vec![ana, sam] } else { vec![sam, ana] };
        assert_eq!(w.acquainted, [pair]);
    }

    #[test]
    fn hostile_requests_are_refused_or_bounded() {
        let mut w = Workshop::new("Career success", "lee");
        assert_eq!(w.admit("ws", &device(1), &JoinRequest { workshop: "other".into(), ..join("Ana") }), Err(JoinRefused::OtherWorkshop));
        assert_eq!(w.admit("ws", &device(1), &join(" \u{7}\u{202e} ")), Err(JoinRefused::NoName));
        let id = w.admit("ws", &device(1), &join(&"x".repeat(1000))).unwrap();
        assert_eq!(w.roster[&id].name.chars().count(), MAX_NAME_CHARS);
        // Leaving marks absent; the entry stays for the record.
        w.admit("ws", &device(1), &JoinRequest { leaving: true, ..join("Ana") }).unwrap();
        assert!(!w.roster[&id].present);
    }

    #[test]
    fn a_full_workshop_takes_no_newcomer_but_still_hears_from_those_in_it() {
        let mut w = Workshop::new("Career success", "lee");
        for i in 0..MAX_PARTICIPANTS {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
            w.admit("ws", &InboxKeys::from_seed(seed).address(), &join("P")).unwrap();
        }
        assert_eq!(w.admit("ws", &device(0xee), &join("Late")), Err(JoinRefused::Full));
        let mut first = [0u8; 32];
        first[..8].copy_from_slice(&0u64.to_le_bytes());
        assert!(w.admit("ws", &InboxKeys::from_seed(first).address(), &join("Renamed")).is_ok());
    }
}
