//! The limits that keep one relay fair to everyone on it. Each breach gets a
//! typed error (and, where waiting helps, a time to retry), never a crash.

/// The relay's default limit on one chunk's ciphertext.
pub const MAX_CHUNK_BYTES: usize = 512 * 1024;

/// The most a client puts in one push: under [`MAX_CHUNK_BYTES`] with room
/// for the envelope (author certificate, signatures, cipher tag). A longer
/// history goes in several pushes ([`super::RelayHeads::unsent_in_pieces`]).
pub const MAX_PUSH_BYTES: usize = MAX_CHUNK_BYTES - 12 * 1024;

/// The most a member introduction or retirement notice may hold.
pub const MAX_NOTICE_BYTES: usize = 4 * 1024;

/// The most a momentary signal may hold.
pub const MAX_SIGNAL_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct RelayLimits {
    /// Largest ciphertext in one stored chunk or letter.
    pub max_chunk_bytes: usize,
    /// Pushes, posts and signals one connection may send per window.
    pub messages_per_window: u32,
    /// Subscriptions one connection may start per window.
    pub subscribes_per_window: u32,
    pub window_ms: i64,
    /// Documents and inboxes one connection may follow at once.
    pub max_subscriptions: usize,
    /// Chunks read from storage per backlog page: a long backlog is sent a
    /// page at a time, never read whole.
    pub backlog_page: usize,
    /// Bytes read from storage per backlog page (the store stops after the
    /// item that reaches it), under a connection's outbox limit.
    pub backlog_page_bytes: usize,
    /// Chunks, and their bytes, a subscriber still loading its backlog may
    /// have waiting before it counts as stalled (closed; it reconnects and
    /// resumes).
    pub max_waiting_while_catching_up: usize,
    pub max_waiting_bytes: usize,
    /// A connection that has not said `Hello` by then is closed.
    pub hello_deadline_ms: i64,
    /// A connection silent this long (no frame, no pong) is closed.
    pub idle_timeout_ms: i64,
}

impl Default for RelayLimits {
    fn default() -> Self {
        RelayLimits {
            max_chunk_bytes: MAX_CHUNK_BYTES,
            messages_per_window: 200,
            subscribes_per_window: 1_000,
            window_ms: 1_000,
            max_subscriptions: 20_000,
            backlog_page: 256,
            backlog_page_bytes: 4 << 20,
            max_waiting_while_catching_up: 1_024,
            max_waiting_bytes: 4 << 20,
            hello_deadline_ms: 10_000,
            idle_timeout_ms: 90_000,
        }
    }
}

/// A fixed-window counter: how many of something a connection did lately.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    started_ms: i64,
    count: u32,
}

impl Window {
    pub(crate) fn new(now_ms: i64) -> Self {
        Window { started_ms: now_ms, count: 0 }
    }

    /// Count one more; `Err(ms to wait)` if that is over `max` this window.
    pub(crate) fn take(&mut self, now_ms: i64, window_ms: i64, max: u32) -> Result<(), u64> {
        if now_ms - self.started_ms >= window_ms {
            self.started_ms = now_ms;
            self.count = 0;
        }
        if self.count >= max {
            return Err((self.started_ms + window_ms - now_ms).max(1) as u64);
        }
        self.count += 1;
        Ok(())
    }
}
