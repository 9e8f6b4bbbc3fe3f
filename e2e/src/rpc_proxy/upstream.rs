//! The node behind a proxy, reached over a fresh connection for every request: a node that
//! stops listening is seen at once (a devnet's server stops accepting connections, but the ones
//! it accepted before keep being served: a pooled connection would hide the restart).

use std::fmt;

use http_body_util::{BodyExt, Full};
use hyper::{body::Bytes, header, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpStream;

use super::stale::parse_hex;

/// Why the node gave no answer: it cannot be reached, or its answer is not JSON-RPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError(String);

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UpstreamError {}

/// The error of step `what` failing with `error`.
fn failed<E: fmt::Display>(what: &'static str) -> impl Fn(E) -> UpstreamError {
    move |error| UpstreamError(format!("{what}: {error}"))
}

/// A node's JSON-RPC endpoint (`http://host:port/path`).
#[derive(Debug, Clone)]
pub(super) struct Upstream {
    /// `host:port`.
    authority: String,
    /// The path and query POSTed to.
    path: String,
}

impl Upstream {
    /// The node at `url`.
    ///
    /// # Errors
    /// [`UpstreamError`] when `url` is not an `http://` URL.
    pub(super) fn new(url: &str) -> Result<Self, UpstreamError> {
        let uri: Uri = url.parse().map_err(|error| UpstreamError(format!("{url}: {error}")))?;
        let (Some("http"), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(UpstreamError(format!("{url}: not an http:// URL")));
        };
        let path = uri.path_and_query().map_or("/", |path| path.as_str()).to_owned();
        Ok(Self { authority: authority.to_string(), path })
    }

    /// POSTs `body` to the node over a new connection: its status and body.
    ///
    /// # Errors
    /// [`UpstreamError`] when the node cannot be reached or its answer cannot be read.
    pub(super) async fn post(&self, body: Bytes) -> Result<(StatusCode, Bytes), UpstreamError> {
        let stream = TcpStream::connect(&self.authority).await.map_err(failed("connect"))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(failed("handshake"))?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "upstream connection closed with an error");
            }
        });
        let request = Request::post(&self.path)
            .header(header::HOST, &self.authority)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .map_err(failed("request"))?;
        let response = sender.send_request(request).await.map_err(failed("send"))?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(failed("answer"))?.to_bytes();
        Ok((status, body))
    }

    /// Sends one JSON-RPC `request` to the node: its answer (a result or an error object).
    ///
    /// # Errors
    /// [`UpstreamError`] when the node cannot be reached or does not answer JSON.
    pub(super) async fn call(&self, request: &Value) -> Result<Value, UpstreamError> {
        let (status, body) = self.post(Bytes::from(request.to_string())).await?;
        if status != StatusCode::OK {
            return Err(UpstreamError(format!("the node answered HTTP {status}")));
        }
        serde_json::from_slice(&body).map_err(failed("not JSON"))
    }

    /// The chain's head, as the node gives it (`eth_blockNumber`).
    ///
    /// # Errors
    /// [`UpstreamError`] when the node cannot be reached or answers no number.
    pub(super) async fn head(&self) -> Result<u64, UpstreamError> {
        let answer = self.call(&json!({"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []})).await?;
        answer
            .get("result")
            .and_then(Value::as_str)
            .and_then(parse_hex)
            .ok_or_else(|| UpstreamError(format!("eth_blockNumber answered {answer}")))
    }
}
