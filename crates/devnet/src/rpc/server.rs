//! The HTTP server: JSON-RPC 2.0 over POST, single requests and batches.

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use http_body_util::{BodyExt, Full};
use hyper::{body::Bytes, header, server::conn::http1, service::service_fn, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::{net::TcpListener, task::JoinHandle};

use super::{dispatch, RpcError};
use crate::chain::Chain;

/// Requests larger than this are refused before parsing.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A running JSON-RPC server.
pub struct RpcServer {
    address: SocketAddr,
    task: JoinHandle<()>,
    miner: Option<JoinHandle<()>>,
}

impl RpcServer {
    /// Serves `chain` on `address` (port 0: any free port). With `block_time`, transactions wait in
    /// a pool and a block is mined at that interval; without it, every transaction is mined at once.
    ///
    /// # Errors
    /// The I/O error when the address cannot be bound.
    pub async fn start(
        chain: Arc<Mutex<Chain>>,
        address: SocketAddr,
        block_time: Option<Duration>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let served = Arc::clone(&chain);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let chain = Arc::clone(&served);
                tokio::spawn(async move {
                    let service = service_fn(move |request| respond(Arc::clone(&chain), request));
                    if let Err(error) = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await {
                        tracing::debug!(%error, "connection closed with an error");
                    }
                });
            }
        });
        if block_time.is_some() {
            if let Ok(mut chain) = chain.lock() {
                chain.set_auto_mine(false);
            }
        }
        let miner = block_time.map(|interval| {
            tokio::spawn(async move {
                let mut ticker = tokio::time::interval(interval);
                ticker.tick().await;
                loop {
                    ticker.tick().await;
                    if let Ok(mut chain) = chain.lock() {
                        chain.mine();
                    }
                }
            })
        });
        tracing::info!(%address, "JSON-RPC listening");
        Ok(Self { address, task, miner })
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The `http://` URL of the server.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops serving.
    pub fn stop(self) {
        self.task.abort();
        if let Some(miner) = self.miner {
            miner.abort();
        }
    }
}

async fn respond(
    chain: Arc<Mutex<Chain>>,
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() == Method::OPTIONS {
        return Ok(reply(StatusCode::NO_CONTENT, Bytes::new()));
    }
    if request.method() != Method::POST {
        return Ok(reply(StatusCode::METHOD_NOT_ALLOWED, Bytes::from_static(b"JSON-RPC needs POST\n")));
    }
    let body = match request.into_body().collect().await {
        Ok(body) => body.to_bytes(),
        Err(error) => return Ok(reply(StatusCode::BAD_REQUEST, Bytes::from(error.to_string()))),
    };
    if body.len() > MAX_BODY {
        return Ok(reply(StatusCode::PAYLOAD_TOO_LARGE, Bytes::from_static(b"request too large\n")));
    }
    let answer = tokio::task::spawn_blocking(move || handle_body(&chain, &body)).await.unwrap_or_else(|error| {
        Some(error_response(Value::Null, &RpcError::server(format!("internal error: {error}"))))
    });
    let body = answer.map(|value| Bytes::from(value.to_string())).unwrap_or_default();
    Ok(reply(StatusCode::OK, body))
}

fn reply(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, header::HeaderValue::from_static("content-type"));
    response
}

/// Answers a request body: one request, or a batch. `None` when nothing is to be sent back
/// (only notifications).
pub fn handle_body(chain: &Mutex<Chain>, body: &[u8]) -> Option<Value> {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return Some(error_response(Value::Null, &RpcError::parse_error(error.to_string()))),
    };
    match parsed {
        Value::Array(requests) if requests.is_empty() => {
            Some(error_response(Value::Null, &RpcError::invalid_request("empty batch".into())))
        }
        Value::Array(requests) => {
            let answers: Vec<Value> = requests.into_iter().filter_map(|r| handle_one(chain, r)).collect();
            (!answers.is_empty()).then_some(Value::Array(answers))
        }
        single => handle_one(chain, single),
    }
}

fn handle_one(chain: &Mutex<Chain>, request: Value) -> Option<Value> {
    let Value::Object(request) = request else {
        return Some(error_response(Value::Null, &RpcError::invalid_request("a request is a JSON object".into())));
    };
    let id = request.get("id").cloned();
    let Some(method) = request.get("method").and_then(Value::as_str) else {
        return Some(error_response(id.unwrap_or(Value::Null), &RpcError::invalid_request("missing method".into())));
    };
    let params = match request.get("params") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(params)) => params.clone(),
        Some(_) => {
            return Some(error_response(
                id.unwrap_or(Value::Null),
                &RpcError::invalid_params("params must be an array".into()),
            ))
        }
    };
    tracing::trace!(method, params = %serde_json::Value::Array(params.clone()), "request");
    let result = match chain.lock() {
        Ok(mut chain) => dispatch(&mut chain, method, &params),
        Err(_) => Err(RpcError::server("the chain is unavailable after a panic".into())),
    };
    if let Err(error) = &result {
        tracing::debug!(method, code = error.code, message = %error.message, "request failed");
    }
    let id = id?;
    Some(match result {
        Ok(value) => json!({ "jsonrpc": "2.0", "id": id, "result": value }),
        Err(error) => error_response(id, &error),
    })
}

fn error_response(id: Value, error: &RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() })
}
