//! A JSON-RPC proxy that fails on purpose: [`RpcProxy`] listens on `127.0.0.1` in front of a
//! node's URL, forwards each request body (one request or a batch) to the node, and applies its
//! [`FaultPlan`] to each: answers dropped, delayed, reordered; requests sent to the node twice;
//! JSON-RPC errors and HTTP error statuses instead of answers; a head older than the chain's;
//! broadcasts swallowed; the proxy down for a while, then up again on the same port ([`Fault`]).
//! A test puts one in front of each chain ([`Proxies`]) and gives the messenger their URLs, reads
//! the chains directly, and changes the plan whenever it likes ([`RpcProxy::set_plan`]).
//!
//! The proxy counts every fault it injected ([`FaultCounts`]) and, per JSON-RPC method, what its
//! client was answered ([`Answers`]: a result, an error, nothing), so a test can show the faults
//! happened and that the client's own count of its errors is right.

mod plan;
mod reorder;
mod stale;
mod upstream;

use std::{
    collections::BTreeMap,
    io,
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, MutexGuard, PoisonError,
    },
    time::Duration,
};

use http_body_util::{BodyExt, Full};
use hyper::{
    body::{Bytes, Incoming},
    header,
    server::conn::http1,
    service::service_fn,
    Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
pub use plan::{Fault, FaultPlan, Rule, SplitMix64, When};
use serde_json::{json, Value};
use tokio::{
    net::{TcpListener, TcpSocket, TcpStream},
    sync::watch,
    task::JoinHandle,
};
pub use upstream::UpstreamError;

use self::{
    plan::Planner,
    reorder::Reorderer,
    stale::{hide_above, stale_call, StaleCall},
    upstream::Upstream,
};

/// How many faults a proxy injected, by kind (each counts request bodies: a batch is one). Counts
/// of several proxies add up (`+=`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultCounts {
    /// Request bodies received.
    pub requests: u64,
    /// Answers dropped ([`Fault::Drop`]).
    pub dropped: u64,
    /// Answers delayed ([`Fault::Delay`]).
    pub delayed: u64,
    /// Requests sent to the node twice ([`Fault::Duplicate`]).
    pub duplicated: u64,
    /// Answers released ahead of an older one ([`Fault::Reorder`]).
    pub reordered: u64,
    /// JSON-RPC errors answered ([`Fault::Error`]).
    pub errors: u64,
    /// HTTP error statuses answered ([`Fault::Status`]).
    pub statuses: u64,
    /// Bodies answered from an older head, at least one of their requests changed by it
    /// ([`Fault::Stale`]).
    pub stale: u64,
    /// Broadcasts swallowed ([`Fault::Swallow`]).
    pub swallowed: u64,
    /// Times the proxy went down ([`Fault::Outage`], [`RpcProxy::go_down`]).
    pub outages: u64,
    /// Requests the node could not be asked (down, or not answering): answered HTTP 502, as a
    /// gateway does.
    pub upstream_failures: u64,
}

impl std::ops::AddAssign for FaultCounts {
    fn add_assign(&mut self, more: Self) {
        let Self {
            requests,
            dropped,
            delayed,
            duplicated,
            reordered,
            errors,
            statuses,
            stale,
            swallowed,
            outages,
            upstream_failures,
        } = more;
        self.requests += requests;
        self.dropped += dropped;
        self.delayed += delayed;
        self.duplicated += duplicated;
        self.reordered += reordered;
        self.errors += errors;
        self.statuses += statuses;
        self.stale += stale;
        self.swallowed += swallowed;
        self.outages += outages;
        self.upstream_failures += upstream_failures;
    }
}

/// What a proxy's client was answered to the requests of one method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answers {
    /// Answered with a result (`null` included).
    pub results: u64,
    /// Answered with a JSON-RPC error (injected, or the node's own).
    pub errors: u64,
    /// Not answered: the connection closed, an HTTP error status, or no answer to the request in
    /// the body.
    pub none: u64,
}

/// A JSON-RPC proxy in front of one node, injecting the faults of its plan. See the module.
/// Dropping it closes its port and every connection.
pub struct RpcProxy {
    shared: Arc<Shared>,
}

/// What the proxy's connections share.
struct Shared {
    address: SocketAddr,
    upstream: Upstream,
    planner: Mutex<Planner>,
    counts: Mutex<FaultCounts>,
    answers: Mutex<BTreeMap<String, Answers>>,
    swallowed: Mutex<Vec<alloy_primitives::Bytes>>,
    reorderer: Reorderer,
    /// The accepting task, while the proxy is up.
    accept: Mutex<Option<JoinHandle<()>>>,
    /// Bumped to close every open connection.
    closing: watch::Sender<u64>,
    stopped: AtomicBool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RpcProxy {
    /// A proxy on a free port of `127.0.0.1` in front of the node at `upstream` (an `http://`
    /// URL), applying `plan`. Must be called within a Tokio runtime.
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidInput`] when `upstream` is not an `http://` URL; the I/O error
    /// when no port can be bound.
    pub fn start(upstream: &str, plan: FaultPlan) -> io::Result<Self> {
        let upstream = Upstream::new(upstream).map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
        let listener = listen(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let shared = Arc::new(Shared {
            address: listener.local_addr()?,
            upstream,
            planner: Mutex::new(Planner::new(plan)),
            counts: Mutex::default(),
            answers: Mutex::default(),
            swallowed: Mutex::default(),
            reorderer: Reorderer::default(),
            accept: Mutex::new(None),
            closing: watch::Sender::new(0),
            stopped: AtomicBool::new(false),
        });
        *lock(&shared.accept) = Some(tokio::spawn(accept(Arc::clone(&shared), listener)));
        tracing::info!(address = %shared.address, "JSON-RPC proxy listening");
        Ok(Self { shared })
    }

    /// The proxy's `http://` URL: what the client is given instead of the node's.
    pub fn url(&self) -> String {
        format!("http://{}", self.shared.address)
    }

    /// Applies `plan` from the next request on (its schedule and its random draws from their
    /// start).
    pub fn set_plan(&self, plan: FaultPlan) {
        *lock(&self.shared.planner) = Planner::new(plan);
    }

    /// The faults injected so far.
    pub fn counts(&self) -> FaultCounts {
        *lock(&self.shared.counts)
    }

    /// What the client was answered so far, by JSON-RPC method.
    pub fn answers(&self) -> BTreeMap<String, Answers> {
        lock(&self.shared.answers).clone()
    }

    /// The signed transactions swallowed so far ([`Fault::Swallow`]), in order.
    pub fn swallowed(&self) -> Vec<alloy_primitives::Bytes> {
        lock(&self.shared.swallowed).clone()
    }

    /// Takes the proxy down until [`RpcProxy::come_up`]: its port closed (connecting is
    /// refused), every open connection closed, what was in flight on them unanswered.
    pub async fn go_down(&self) {
        self.shared.go_down().await;
    }

    /// Listens again on the same port after [`RpcProxy::go_down`] (nothing when it is up).
    ///
    /// # Errors
    /// The I/O error when the port cannot be bound again.
    pub fn come_up(&self) -> io::Result<()> {
        self.shared.come_up()
    }
}

impl Drop for RpcProxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        if let Some(task) = lock(&self.shared.accept).take() {
            task.abort();
        }
        self.shared.closing.send_modify(|generation| *generation += 1);
    }
}

/// A listening socket on `address`, which may be bound again as soon as it is closed.
fn listen(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(1024)
}

/// Accepts connections until the task is aborted (the proxy goes down), serving each.
async fn accept(shared: Arc<Shared>, listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                // Subscribed here, before the task can be aborted: a connection accepted before
                // the proxy goes down is closed with the others.
                let closing = shared.closing.subscribe();
                tokio::spawn(serve(Arc::clone(&shared), stream, closing));
            }
            Err(error) => tracing::warn!(%error, "proxy: accepting a connection failed"),
        }
    }
}

/// Serves one client connection until it ends or the proxy closes every connection.
async fn serve(shared: Arc<Shared>, stream: TcpStream, mut closing: watch::Receiver<u64>) {
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        served = connection => {
            if let Err(error) = served {
                tracing::debug!(%error, "proxy: connection closed");
            }
        }
        _ = closing.changed() => {}
    }
}

/// What a handler returns to have its connection closed without an answer.
#[derive(Debug)]
struct NoAnswer;

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no answer, on purpose")
    }
}

impl std::error::Error for NoAnswer {}

/// One request body: its fault drawn, applied, the answer counted.
async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, NoAnswer> {
    let raw = request.into_body().collect().await.map_err(|_| NoAnswer)?.to_bytes();
    let calls = Calls::parse(&raw);
    let tally = Tally { shared: Arc::clone(&shared), calls: calls.ids_and_methods(), answered: false };
    lock(&shared.counts).requests += 1;
    let methods: Vec<String> = tally.calls.iter().map(|(_, method)| method.clone()).collect();
    let fault = if methods.is_empty() { None } else { lock(&shared.planner).next(&methods) };
    if let Some(fault) = &fault {
        tracing::debug!(address = %shared.address, ?methods, ?fault, "proxy: injecting");
    }
    let (status, body) = shared.answer(fault, &calls, raw).await.ok_or(NoAnswer)?;
    tally.answered(status, &body);
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    Ok(response)
}

impl Shared {
    /// Counts into the proxy's counters.
    fn count(&self, what: impl FnOnce(&mut FaultCounts)) {
        what(&mut lock(&self.counts));
    }

    /// The answer to `raw` (read as `calls`) under `fault`; none to close the connection
    /// without one.
    async fn answer(self: &Arc<Self>, fault: Option<Fault>, calls: &Calls, raw: Bytes) -> Option<(StatusCode, Bytes)> {
        let Some(fault) = fault else { return Some(self.forward(raw).await) };
        match fault {
            Fault::Drop { after } => {
                let _ = self.upstream.post(raw).await;
                self.count(|counts| counts.dropped += 1);
                tokio::time::sleep(after).await;
                None
            }
            Fault::Delay(delay) => {
                let answer = self.forward(raw).await;
                self.count(|counts| counts.delayed += 1);
                tokio::time::sleep(delay).await;
                Some(answer)
            }
            Fault::Duplicate => {
                let _ = self.forward(raw.clone()).await;
                self.count(|counts| counts.duplicated += 1);
                Some(self.forward(raw).await)
            }
            Fault::Reorder { depth, hold } => {
                let answer = self.forward(raw).await;
                let ahead = self.reorderer.hold(depth, hold).await;
                self.count(|counts| counts.reordered += ahead);
                Some(answer)
            }
            Fault::Error { code, message } => {
                self.count(|counts| counts.errors += 1);
                let answers = calls.calls.iter().map(|call| rpc_error(call, code, message)).collect();
                Some((StatusCode::OK, calls.assemble(answers)))
            }
            Fault::Status(code) => {
                self.count(|counts| counts.statuses += 1);
                let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
                Some((status, Bytes::from(format!("injected HTTP {code}\n"))))
            }
            Fault::Stale { blocks } => Some(self.stale(calls, blocks).await),
            Fault::Swallow => match calls.raw_transaction() {
                Some(transaction) => {
                    let hash = alloy_primitives::keccak256(&transaction);
                    tracing::info!(address = %self.address, %hash, "proxy: swallowing a broadcast");
                    self.count(|counts| counts.swallowed += 1);
                    lock(&self.swallowed).push(transaction);
                    let answer = json!({"jsonrpc": "2.0", "id": id_of(&calls.calls[0]), "result": hash});
                    Some((StatusCode::OK, Bytes::from(answer.to_string())))
                }
                None => Some(self.forward(raw).await),
            },
            Fault::Outage(length) => {
                tokio::spawn(Arc::clone(self).outage(length));
                None
            }
        }
    }

    /// The node's answer to `raw`, or HTTP 502 when the node cannot be asked.
    async fn forward(&self, raw: Bytes) -> (StatusCode, Bytes) {
        match self.upstream.post(raw).await {
            Ok(answer) => answer,
            Err(error) => self.unreachable(&error),
        }
    }

    /// HTTP 502 for a node that cannot be asked, counted.
    fn unreachable(&self, error: &UpstreamError) -> (StatusCode, Bytes) {
        tracing::debug!(address = %self.address, %error, "proxy: the node cannot be asked");
        self.count(|counts| counts.upstream_failures += 1);
        (StatusCode::BAD_GATEWAY, Bytes::from(format!("bad gateway: {error}\n")))
    }

    /// `calls` answered as a node `blocks` behind the chain's head answers them ([`stale`]).
    async fn stale(&self, calls: &Calls, blocks: u64) -> (StatusCode, Bytes) {
        let head = match self.upstream.head().await {
            Ok(head) => head,
            Err(error) => return self.unreachable(&error),
        };
        let stale_head = head.saturating_sub(blocks);
        let (mut answers, mut changed) = (Vec::new(), false);
        for call in &calls.calls {
            let answer = match stale_call(call, stale_head) {
                StaleCall::Result(result) => {
                    changed = true;
                    json!({"jsonrpc": "2.0", "id": id_of(call), "result": result})
                }
                StaleCall::Error(message) => {
                    changed = true;
                    rpc_error(call, -32000, message)
                }
                StaleCall::Forward(request, rewritten) => {
                    changed |= rewritten;
                    match self.upstream.call(&request).await {
                        Ok(answer) => answer,
                        Err(error) => return self.unreachable(&error),
                    }
                }
                StaleCall::ForwardHidingAbove(request) => {
                    let mut answer = match self.upstream.call(&request).await {
                        Ok(answer) => answer,
                        Err(error) => return self.unreachable(&error),
                    };
                    if let Some(result) = answer.get_mut("result") {
                        let (shown, hidden) = hide_above(result.take(), stale_head);
                        *result = shown;
                        changed |= hidden;
                    }
                    answer
                }
            };
            answers.push(answer);
        }
        if changed {
            self.count(|counts| counts.stale += 1);
        }
        (StatusCode::OK, calls.assemble(answers))
    }

    /// Down for `length`, then up again on the same port.
    async fn outage(self: Arc<Self>, length: Duration) {
        self.go_down().await;
        tokio::time::sleep(length).await;
        if let Err(error) = self.come_up() {
            tracing::warn!(address = %self.address, %error, "proxy: cannot listen again");
        }
    }

    /// See [`RpcProxy::go_down`].
    async fn go_down(&self) {
        let accepting = lock(&self.accept).take();
        if let Some(task) = accepting {
            self.count(|counts| counts.outages += 1);
            task.abort();
            // The listener is closed once the aborted task is gone.
            let _ = task.await;
        }
        self.closing.send_modify(|generation| *generation += 1);
        tracing::info!(address = %self.address, "proxy down");
    }

    /// See [`RpcProxy::come_up`].
    fn come_up(self: &Arc<Self>) -> io::Result<()> {
        let mut accepting = lock(&self.accept);
        if accepting.is_some() || self.stopped.load(Ordering::SeqCst) {
            return Ok(());
        }
        let listener = listen(self.address)?;
        *accepting = Some(tokio::spawn(accept(Arc::clone(self), listener)));
        tracing::info!(address = %self.address, "proxy up again");
        Ok(())
    }
}

/// A request body as JSON-RPC: one request, or a batch.
#[derive(Debug)]
struct Calls {
    /// The requests (none when the body is not JSON-RPC).
    calls: Vec<Value>,
    batch: bool,
}

impl Calls {
    fn parse(raw: &[u8]) -> Self {
        match serde_json::from_slice(raw) {
            Ok(Value::Array(calls)) => Self { calls, batch: true },
            Ok(call @ Value::Object(_)) => Self { calls: vec![call], batch: false },
            _ => Self { calls: Vec::new(), batch: false },
        }
    }

    /// Each request's id and method.
    fn ids_and_methods(&self) -> Vec<(Value, String)> {
        self.calls
            .iter()
            .map(|call| (id_of(call), call.get("method").and_then(Value::as_str).unwrap_or_default().to_owned()))
            .collect()
    }

    /// A body of `answers`, one per request, shaped as the request was.
    fn assemble(&self, answers: Vec<Value>) -> Bytes {
        let body = if self.batch { Value::Array(answers) } else { answers.into_iter().next().unwrap_or_default() };
        Bytes::from(body.to_string())
    }

    /// The signed transaction of a body that is one `eth_sendRawTransaction`.
    fn raw_transaction(&self) -> Option<alloy_primitives::Bytes> {
        let [call] = &self.calls[..] else { return None };
        if self.batch || call.get("method").and_then(Value::as_str) != Some("eth_sendRawTransaction") {
            return None;
        }
        let hex = call.pointer("/params/0").and_then(Value::as_str)?;
        alloy_primitives::hex::decode(hex).ok().map(Into::into)
    }
}

/// A request's id (`null` for none).
fn id_of(call: &Value) -> Value {
    call.get("id").cloned().unwrap_or(Value::Null)
}

/// A JSON-RPC error answering `call`.
fn rpc_error(call: &Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id_of(call), "error": {"code": code, "message": message}})
}

/// Counts what the client of one body was answered, per request; a body dropped unanswered
/// (its connection closed, the proxy down) counts as none.
struct Tally {
    shared: Arc<Shared>,
    calls: Vec<(Value, String)>,
    answered: bool,
}

impl Tally {
    /// Counts the answer `body` with `status`.
    fn answered(mut self, status: StatusCode, body: &Bytes) {
        self.answered = true;
        let answer: Option<Value> = if status == StatusCode::OK { serde_json::from_slice(body).ok() } else { None };
        let mut answers = lock(&self.shared.answers);
        for (id, method) in &self.calls {
            let this = match &answer {
                Some(Value::Array(items)) => items.iter().find(|item| item.get("id") == Some(id)),
                Some(item @ Value::Object(_)) => Some(item),
                _ => None,
            };
            let counts = answers.entry(method.clone()).or_default();
            match this {
                Some(item) if item.get("error").is_some() => counts.errors += 1,
                Some(item) if item.get("result").is_some() => counts.results += 1,
                _ => counts.none += 1,
            }
        }
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        let mut answers = lock(&self.shared.answers);
        for (_, method) in &self.calls {
            answers.entry(method.clone()).or_default().none += 1;
        }
    }
}

/// A proxy in front of each chain of a network, with no fault until a plan is set.
pub struct Proxies {
    /// By chain id: the chain's name and its proxy.
    proxies: BTreeMap<u64, (String, RpcProxy)>,
}

impl Proxies {
    /// A proxy in front of each of `chains` (chain id, name, node URL).
    ///
    /// # Errors
    /// As [`RpcProxy::start`].
    pub fn start<'a>(chains: impl IntoIterator<Item = (u64, &'a str, &'a str)>) -> io::Result<Self> {
        let mut proxies = BTreeMap::new();
        for (chain_id, name, url) in chains {
            proxies.insert(chain_id, (name.to_owned(), RpcProxy::start(url, FaultPlan::none())?));
        }
        Ok(Self { proxies })
    }

    /// The proxy of chain `chain_id`.
    ///
    /// # Panics
    /// When the chain has none.
    pub fn of(&self, chain_id: u64) -> &RpcProxy {
        &self.proxies.get(&chain_id).unwrap_or_else(|| panic!("no proxy in front of chain {chain_id}")).1
    }

    /// Each chain's id, name and proxy.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &str, &RpcProxy)> {
        self.proxies.iter().map(|(&chain_id, (name, proxy))| (chain_id, name.as_str(), proxy))
    }

    /// Applies `plan` on every proxy ([`RpcProxy::set_plan`]).
    pub fn set_plan(&self, plan: &FaultPlan) {
        for (_, _, proxy) in self.iter() {
            proxy.set_plan(plan.clone());
        }
    }
}

#[cfg(test)]
mod tests;
