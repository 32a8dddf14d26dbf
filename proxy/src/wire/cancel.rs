//! CancelRequest: a second connection names a session by (pid, secret key); the running
//! statement of that session is interrupted in the backend, not only abandoned.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use bytes::Bytes;
use pgwire::api::cancel::CancelHandler;
use pgwire::messages::cancel::CancelRequest;

use crate::CancelToken;

/// The live sessions' cancel tokens by (pid, secret key).
#[derive(Default)]
pub struct CancelRegistry {
    tokens: Mutex<HashMap<(i32, Bytes), CancelToken>>,
}

impl CancelRegistry {
    /// Registers a session; the returned guard unregisters it when the connection ends.
    pub fn register(self: &Arc<Self>, pid: i32, secret: Bytes, token: CancelToken) -> CancelGuard {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((pid, secret.clone()), token);
        CancelGuard {
            registry: Arc::clone(self),
            key: (pid, secret),
        }
    }

    fn cancel(&self, pid: i32, secret: &Bytes) -> bool {
        let token = self
            .tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(pid, secret.clone()))
            .cloned();
        match token {
            Some(token) => {
                token();
                true
            }
            None => false,
        }
    }
}

/// Removes a session from the registry when dropped.
pub struct CancelGuard {
    registry: Arc<CancelRegistry>,
    key: (i32, Bytes),
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        self.registry
            .tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
    }
}

/// pgwire's cancel hook, answering from the registry.
pub struct CancelHandlerImpl {
    pub registry: Arc<CancelRegistry>,
}

#[async_trait]
impl CancelHandler for CancelHandlerImpl {
    async fn on_cancel_request(&self, request: CancelRequest) {
        let found = self
            .registry
            .cancel(request.pid, &request.secret_key.to_bytes());
        tracing::debug!(pid = request.pid, found, "cancel request");
    }
}
