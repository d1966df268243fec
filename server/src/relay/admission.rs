//! How many relay connections the server holds: in all, and per address.
//!
//! Each WebSocket holds an [`Admission`] for as long as it is open; past a
//! limit the upgrade is refused before any socket exists. A room of workshop
//! participants shares one address behind its Wi-Fi's NAT, so the per-address
//! limit is generous; it is per instance (several instances behind a load
//! balancer each count their own).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Limits on open relay connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub total: usize,
    pub per_address: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits { total: 20_000, per_address: 500 }
    }
}

/// Why a connection was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the relay is full; try again in a minute")]
    Full,
    #[error("too many connections from one address; close some tabs or try again later")]
    TooManyFromAddress,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// The counts, shared by every connection.
#[derive(Debug, Clone, Default)]
pub struct Admissions {
    limits: Option<ConnectionLimits>,
    counts: Arc<Mutex<Counts>>,
}

/// One admitted connection; dropping it frees its place.
#[derive(Debug)]
pub struct Admission {
    address: Option<IpAddr>,
    counts: Arc<Mutex<Counts>>,
}

impl Admissions {
    pub fn new(limits: ConnectionLimits) -> Self {
        Admissions { limits: Some(limits), counts: Arc::default() }
    }

    /// Take a place for a connection from `address` (unknown in tests that
    /// drive the router directly).
    pub fn admit(&self, address: Option<IpAddr>) -> Result<Admission, Refused> {
        let limits = self.limits.unwrap_or_default();
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.total >= limits.total {
            return Err(Refused::Full);
        }
        if let Some(address) = address {
            let from = counts.by_address.entry(address).or_default();
            if *from >= limits.per_address {
                return Err(Refused::TooManyFromAddress);
            }
            *from += 1;
        }
        counts.total += 1;
        Ok(Admission { address, counts: self.counts.clone() })
    }

    pub fn open(&self) -> usize {
        self.counts.lock().unwrap_or_else(|p| p.into_inner()).total
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.total = counts.total.saturating_sub(1);
        if let Some(address) = self.address {
            if let Some(from) = counts.by_address.get_mut(&address) {
                *from -= 1;
                if *from == 0 {
                    counts.by_address.remove(&address);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_limited_per_address_and_in_all_and_freed_on_close() {
        let admissions = Admissions::new(ConnectionLimits { total: 3, per_address: 2 });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = admissions.admit(Some(a)).unwrap();
        let _second = admissions.admit(Some(a)).unwrap();
        assert_eq!(admissions.admit(Some(a)).unwrap_err(), Refused::TooManyFromAddress);
        let _third = admissions.admit(Some(b)).unwrap();
        assert_eq!(admissions.admit(Some(b)).unwrap_err(), Refused::Full);
        drop(first);
        let _again = admissions.admit(Some(a)).unwrap();
        assert_eq!(admissions.open(), 3);
    }
}
