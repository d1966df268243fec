//! Harness for Confidant's end-to-end tests: the real server (in-process, on
//! a loopback port) and real headless Chromium sessions driven over WebDriver.
//!
//! - [`server`]: starts, stops and restarts the server on a copy of `dist/`.
//! - [`browser`]: ChromeDriver, and browser sessions with their own profile.
//! - [`find`]: lookups that wait for the app to render.
//! - [`action`]: what a user does (click, type, press keys).
//! - [`check`]: what a user would notice (headings, console errors, layout).
//! - [`bench_relay_process`]: the relay binary as its own process, for the
//!   benchmarks in `src/bin` and the tests of several relay instances.
//! - [`postgres`]: a throwaway PostgreSQL cluster; [`load_balancer`]: nginx
//!   in front of relay instances, with the configuration the deployment
//!   guide shows.
//!
//! The app must be built first (`trunk build --release`); `scripts/test` does.

pub mod action;
pub mod bench_relay_process;
pub mod browser;
pub mod check;
pub mod find;
pub mod load_balancer;
pub mod postgres;
pub mod server;

pub use browser::{Browser, ChromeDriver, Viewport};
pub use server::TestServer;

/// Where the app is served: the in-process [`TestServer`], or relay
/// processes behind a load balancer.
pub trait Site {
    fn url(&self, path: &str) -> String;
}

impl Site for TestServer {
    fn url(&self, path: &str) -> String {
        TestServer::url(self, path)
    }
}

/// How long a lookup waits for the app before failing the test.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(20);
