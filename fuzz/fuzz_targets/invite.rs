//! Any text as an invite, a device link, an address or an id: refused
//! cleanly unless valid, and a keyring never accepted where it does not belong.
#![no_main]

use confidant_shared::document::DocumentKind;
use confidant_shared::sync::device_link::LinkOffer;
use confidant_shared::sync::inbox::InboxAddress;
use confidant_shared::sync::{Invite, InvitePlace, SyncId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for place in [InvitePlace::JoinPage, InvitePlace::PartnershipGoalPlan, InvitePlace::KeyringEntry, InvitePlace::DeviceLink] {
        if let Ok(invite) = Invite::parse_for(text, place) {
            assert!(place.accepts(invite.kind));
            assert!(invite.kind != DocumentKind::Keyring || place == InvitePlace::DeviceLink);
            // A valid invite round-trips.
            assert_eq!(Invite::parse_for(&invite.fragment(), place).unwrap().keys.id(), invite.keys.id());
        }
    }
    let _ = Invite::kind_of(text);
    let _ = LinkOffer::parse(text);
    let _ = InboxAddress::parse(text);
    let _ = text.parse::<SyncId>();
});
