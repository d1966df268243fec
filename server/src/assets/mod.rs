//! The built app: preparing it after Trunk builds it, and the HTTP policy for
//! serving it.
//!
//! - [`prepare`]: after `trunk build`, write the service worker from the hashed
//!   file list and precompress every text asset (brotli and gzip).
//! - [`service_worker`]: renders `public/sw.template.js` with the version and
//!   the precache list.
//! - [`cache_policy`]: hashed files are immutable; the entry points
//!   (index.html, sw.js, the manifest) are revalidated on every load.
//! - [`csp`]: the Content-Security-Policy, with hashes of index.html's inline
//!   scripts so that no `'unsafe-inline'` is needed.
//! - [`headers`]: the middleware that puts those headers on responses.

pub mod cache_policy;
pub mod csp;
pub mod headers;
pub mod prepare;
pub mod service_worker;
