//! A limit on how long a request waits for its answer: a node (or a gateway in front of it) that
//! accepts a request and never answers would otherwise hold its caller forever, since the HTTP
//! transport waits without end. A request not answered in time fails as a transport error (the
//! observer, outside this layer, counts it as failed).

use std::{
    task::{Context, Poll},
    time::Duration,
};

use alloy_json_rpc::{RequestPacket, ResponsePacket};
use alloy_transport::{TransportError, TransportErrorKind, TransportFut};
use tower::{Layer, Service};

/// The tower layer that gives each request at most `timeout`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeoutLayer {
    pub timeout: Duration,
}

impl<S> Layer<S> for TimeoutLayer {
    type Service = TimeoutService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TimeoutService { inner, timeout: self.timeout }
    }
}

/// A transport whose requests fail when not answered within `timeout`.
#[derive(Debug, Clone)]
pub(crate) struct TimeoutService<S> {
    inner: S,
    timeout: Duration,
}

impl<S> Service<RequestPacket> for TimeoutService<S>
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
        let (answer, timeout) = (self.inner.call(request), self.timeout);
        Box::pin(async move {
            tokio::time::timeout(timeout, answer).await.unwrap_or_else(|_| {
                Err(TransportErrorKind::custom_str(&format!("no answer within {} ms", timeout.as_millis())))
            })
        })
    }
}
