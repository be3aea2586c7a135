//! The services a server answers for, by name, with Go's per-method call counts.

use super::service::{Method, Service, Signature};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One registered method (each registration of a service counts its own calls, as Go's
/// `RegisterName` of the same receiver under two names does).
pub(crate) struct Entry {
    pub(crate) method: Arc<dyn Method>,
    /// `Service.Method`, as a request names it (shared by every call, not copied).
    pub(crate) full_name: Arc<str>,
    calls: AtomicU64,
}

impl Entry {
    pub(crate) fn count_call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Calls started so far (Go's `NumCalls`).
    pub(crate) fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub(crate) fn signature(&self) -> &Signature {
        self.method.signature()
    }
}

/// Services by name, methods by name.
#[derive(Default)]
pub(crate) struct Registry {
    services: HashMap<String, HashMap<String, Arc<Entry>>>,
}

impl Registry {
    /// Registers `service` under `name`; false if the name is taken.
    pub(crate) fn insert(&mut self, name: &str, service: &Service) -> bool {
        if self.services.contains_key(name) {
            return false;
        }
        let methods = service
            .methods
            .iter()
            .map(|(n, m)| {
                let entry = Entry {
                    method: m.clone(),
                    full_name: format!("{name}.{n}").into(),
                    calls: AtomicU64::new(0),
                };
                (n.clone(), Arc::new(entry))
            })
            .collect();
        self.services.insert(name.to_string(), methods);
        true
    }

    pub(crate) fn service(&self, name: &str) -> Option<&HashMap<String, Arc<Entry>>> {
        self.services.get(name)
    }

    /// Every service and its methods, sorted by name (the debug page's order).
    pub(crate) fn sorted(&self) -> Vec<(&str, Vec<(&str, &Entry)>)> {
        let mut out: Vec<_> = self
            .services
            .iter()
            .map(|(name, methods)| {
                let mut ms: Vec<_> = methods.iter().map(|(n, e)| (n.as_str(), &**e)).collect();
                ms.sort_by(|a, b| a.0.cmp(b.0));
                (name.as_str(), ms)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(b.0));
        out
    }
}
