//! What a node's requests come to, seen from the transport: every JSON-RPC method called, how
//! long it took, and whether it was answered, answered with an error, or failed (the node
//! unreachable, timing out, or answering something that is not JSON-RPC). The messenger counts
//! these in its metrics; everything that talks to a [`crate::Node`], the proof builder included,
//! goes through it.

use std::{
    fmt,
    sync::Arc,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use alloy_json_rpc::{Id, RequestPacket, ResponsePacket};
use alloy_transport::{TransportError, TransportFut};
use tower::{Layer, Service};

/// What a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RpcOutcome {
    /// The node answered with a result.
    Answered,
    /// The node answered with a JSON-RPC error (a revert, a refused transaction, an unknown
    /// method).
    ErrorAnswer,
    /// No answer: the node is unreachable or timed out, the HTTP status is an error, or the body
    /// is not JSON-RPC.
    Failed,
}

impl RpcOutcome {
    /// The outcome's name, as metrics label it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::ErrorAnswer => "error_answer",
            Self::Failed => "failed",
        }
    }
}

/// Told of every request a node makes.
pub trait RpcObserver: Send + Sync + fmt::Debug {
    /// `method` was called and came to `outcome` after `elapsed` (each request of a batch is
    /// told of once, with the batch's time).
    fn observe(&self, method: &str, outcome: RpcOutcome, elapsed: Duration);
}

/// The tower layer that tells an observer of each request.
#[derive(Debug, Clone)]
pub(crate) struct ObserveLayer {
    pub observer: Arc<dyn RpcObserver>,
}

impl<S> Layer<S> for ObserveLayer {
    type Service = ObserveService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ObserveService { inner, observer: Arc::clone(&self.observer) }
    }
}

/// A transport that tells an observer of each request it carries.
#[derive(Debug, Clone)]
pub(crate) struct ObserveService<S> {
    inner: S,
    observer: Arc<dyn RpcObserver>,
}

impl<S> Service<RequestPacket> for ObserveService<S>
where
    S: Service<RequestPacket, Response = ResponsePacket, Error = TransportError, Future = TransportFut<'static>>
        + Send
        + 'static,
{
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: RequestPacket) -> Self::Future {
        let methods: Vec<(Id, String)> =
            request.requests().iter().map(|request| (request.id().clone(), request.method().to_owned())).collect();
        let observer = Arc::clone(&self.observer);
        let started = Instant::now();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let answer = answer.await;
            let elapsed = started.elapsed();
            for (id, method) in &methods {
                let outcome = match &answer {
                    Err(_) => RpcOutcome::Failed,
                    // A batch's answers come in any order: each is found by its request's id.
                    Ok(packet) => match packet.responses().iter().find(|response| response.id == *id) {
                        Some(response) if response.is_error() => RpcOutcome::ErrorAnswer,
                        Some(_) => RpcOutcome::Answered,
                        None => RpcOutcome::Failed,
                    },
                };
                observer.observe(method, outcome, elapsed);
            }
            answer
        })
    }
}
