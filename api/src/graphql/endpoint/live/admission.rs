//! Who may open a live connection: a bound per replica and one per
//! client, held for as long as the connection lives.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
};

use crate::platform::error::AppError;

/// The live connections of one replica, by client.
pub struct Admission {
    max_total: usize,
    max_per_client: usize,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_client: HashMap<IpAddr, usize>,
}

/// One admitted connection: its place is given back when it drops.
pub struct Permit {
    admission: Arc<Admission>,
    client: IpAddr,
}

impl Admission {
    /// At most `max_total` connections, `max_per_client` of one client.
    pub fn new(max_total: usize, max_per_client: usize) -> Arc<Self> {
        Arc::new(Self {
            max_total,
            max_per_client,
            open: Mutex::new(Open::default()),
        })
    }

    /// A place for a connection of `client`, or why there is none: the
    /// replica is full (`SERVICE_UNAVAILABLE`, another replica may have
    /// room) or the client holds its share (`RATE_LIMITED`).
    pub fn admit(self: &Arc<Self>, client: IpAddr) -> Result<Permit, AppError> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.total >= self.max_total {
            return Err(AppError::Unavailable);
        }
        let mine = open.by_client.entry(client).or_default();
        if *mine >= self.max_per_client {
            return Err(AppError::RateLimited);
        }
        *mine += 1;
        open.total += 1;
        Ok(Permit {
            admission: self.clone(),
            client,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).total
    }
}

impl std::fmt::Debug for Permit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Permit")
            .field("client", &self.client)
            .finish()
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut open = self
            .admission
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        open.total = open.total.saturating_sub(1);
        if let Some(mine) = open.by_client.get_mut(&self.client) {
            *mine -= 1;
            if *mine == 0 {
                open.by_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_per_client_and_per_replica_and_gives_places_back() {
        let admission = Admission::new(3, 2);
        let a = IpAddr::from([127, 0, 0, 1]);
        let b = IpAddr::from([127, 0, 0, 2]);
        let first = admission.admit(a).unwrap();
        let _second = admission.admit(a).unwrap();
        assert_eq!(admission.admit(a).unwrap_err().code(), "RATE_LIMITED");
        let _third = admission.admit(b).unwrap();
        assert_eq!(
            admission.admit(b).unwrap_err().code(),
            "SERVICE_UNAVAILABLE"
        );
        drop(first);
        assert_eq!(admission.open(), 2);
        assert!(admission.admit(a).is_ok());
    }
}
