//! The person's own profile on this device, and ids for items in documents.

use confidant_shared::profile::Profile;

use crate::store::{app_store, open_all, OpenDocument};

/// The user's profile on this device, if they made one. Two profiles (made
/// on two devices before linking them) resolve to the oldest member id, the
/// same on every device.
pub async fn my_profile() -> Result<Option<(OpenDocument, Profile)>, String> {
    let store = app_store().await.map_err(|e| e.for_user())?;
    let mut all = open_all::<Profile>(&store).await.map_err(|e| e.for_user())?;
    confidant_shared::sort::by(&mut all, |a, b| a.1.member_id.cmp(&b.1.member_id));
    Ok(all.into_iter().next())
}

/// Who the person is, as lists need it (member id, name, roles), from the
/// document index alone: what Home reads, opening no document. The same
/// profile as [`my_profile`] picks when there are two.
pub async fn my_profile_line() -> Result<Option<Profile>, String> {
    let mut all = crate::api::lines_of::<Profile>().await.map_err(|e| e.for_user())?;
    confidant_shared::sort::by(&mut all, |a, b| a.1.member_id.cmp(&b.1.member_id));
    Ok(all.into_iter().next().map(|(_, profile)| profile))
}

/// A fresh random id: a member, a meeting, an action item. These name
/// items inside a document and are no secret: without the browser's crypto
/// (which then refuses keys and new documents) they come from its ordinary
/// random numbers, still unique enough not to collide.
pub fn random_id() -> Result<String, String> {
    // Fails closed: without the browser's secure randomness nothing is made.
    crate::store::random_id().map_err(|e| e.for_user())
}
