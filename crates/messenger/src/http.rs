//! The messenger's HTTP endpoint: `/metrics` (Prometheus, in the OpenMetrics text format),
//! `/healthz` (whether rounds are still ending), and the explorer ([`crate::explorer`]): its pages
//! (`/`, `/messages/{orderId}`) and its JSON API (`/api/messages`, `/api/messages/{orderId}`).
//! `mos explorer` serves the explorer alone.

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use alloy_primitives::{Bytes, B256};
use http_body_util::Full;
use hyper::{
    body::Bytes as Body, header, server::conn::http1, service::service_fn, Method, Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::{net::TcpListener, task::JoinHandle};

use crate::{
    explorer::{journey::Status, page, Explorer, MessageFilter},
    metrics::Metrics,
};

/// What the OpenMetrics text format is served as.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

/// How many messages a list shows when the request does not say.
pub const DEFAULT_LIST: usize = 50;

/// What a server serves.
#[derive(Debug, Clone)]
pub struct Served {
    /// The messenger's metrics, and how long after the last round `/healthz` says it stalled.
    pub metrics: Option<(Arc<Metrics>, Duration)>,
    /// The explorer.
    pub explorer: Option<Arc<Explorer>>,
}

/// The messenger's HTTP server, running until stopped or dropped.
#[derive(Debug)]
pub struct HttpServer {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl HttpServer {
    /// Serves `served` on `address` (port 0: any free port). `/healthz` answers 200 while a round
    /// ended within the metrics' `stale_after`, and 503 before the first round or once rounds stop
    /// ending.
    ///
    /// # Errors
    /// The I/O error when the address cannot be bound.
    pub async fn start(address: SocketAddr, served: Served) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let served = Arc::new(served);
        let paths = served.paths();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let served = Arc::clone(&served);
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let served = Arc::clone(&served);
                        async move { Ok::<_, Infallible>(respond(&served, &request).await) }
                    });
                    if let Err(error) = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await {
                        tracing::debug!(%error, "http connection closed with an error");
                    }
                });
            }
        });
        tracing::info!(%address, "serving {paths}");
        Ok(Self { address, task })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops serving.
    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Served {
    /// What it serves, for people.
    fn paths(&self) -> &'static str {
        match (&self.metrics, &self.explorer) {
            (Some(_), Some(_)) => "/metrics, /healthz and the explorer (/, /api/messages)",
            (Some(_), None) => "/metrics and /healthz",
            (None, _) => "the explorer (/, /api/messages)",
        }
    }
}

async fn respond<B>(served: &Served, request: &Request<B>) -> Response<Full<Body>> {
    if request.method() != Method::GET {
        return reply(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "GET only\n".into());
    }
    let path = request.uri().path();
    let query = request.uri().query().unwrap_or_default();
    match (path, &served.metrics, &served.explorer) {
        ("/metrics", Some((metrics, _)), _) => reply(StatusCode::OK, OPENMETRICS, metrics.encode()),
        ("/healthz", Some((metrics, stale_after)), _) => health(metrics, *stale_after),
        ("/" | "/messages", _, Some(explorer)) => match filter(query) {
            Ok(filter) => {
                let list = explorer.messages(&filter).await;
                let names: Vec<String> = explorer.chains().iter().map(|chain| chain.entry.name.clone()).collect();
                reply(StatusCode::OK, HTML, page::list(&list, &filter, &names))
            }
            Err(error) => reply(StatusCode::BAD_REQUEST, HTML, page::error(&error)),
        },
        ("/api/messages", _, Some(explorer)) => match filter(query) {
            Ok(filter) => json_reply(StatusCode::OK, &explorer.messages(&filter).await),
            Err(error) => json_reply(StatusCode::BAD_REQUEST, &json!({ "error": error })),
        },
        (path, _, Some(explorer)) if path.starts_with("/messages/") || path.starts_with("/api/messages/") => {
            let api = path.starts_with("/api/");
            let id = path.rsplit('/').next().unwrap_or_default();
            let Ok(order_id) = id.parse::<B256>() else {
                let error = format!("{id:?} is not an orderId (32 bytes of hex)");
                return if api {
                    json_reply(StatusCode::BAD_REQUEST, &json!({ "error": error }))
                } else {
                    reply(StatusCode::BAD_REQUEST, HTML, page::error(&error))
                };
            };
            let journey = explorer.journey(order_id).await;
            let status = if journey.status == Status::Unknown { StatusCode::NOT_FOUND } else { StatusCode::OK };
            if api {
                json_reply(status, &journey)
            } else {
                reply(status, HTML, page::message(&journey))
            }
        }
        _ => reply(StatusCode::NOT_FOUND, "text/plain", format!("not found: this server serves {}\n", served.paths())),
    }
}

fn health(metrics: &Metrics, stale_after: Duration) -> Response<Full<Body>> {
    let since = metrics.since_last_round();
    let (status, word) = match since {
        None => (StatusCode::SERVICE_UNAVAILABLE, "starting"),
        Some(since) if since > stale_after => (StatusCode::SERVICE_UNAVAILABLE, "stalled"),
        Some(_) => (StatusCode::OK, "ok"),
    };
    let body = json!({
        "status": word,
        "lastRoundSecondsAgo": since.map(|since| since.as_secs_f64()),
        "staleAfterSeconds": stale_after.as_secs_f64(),
    });
    reply(status, JSON, format!("{body}\n"))
}

/// The list's filter from a query string: `chain`, `status`, `sender`, `target`, `q` (an orderId
/// or a transaction hash) and `limit`; an empty value is no filter.
///
/// # Errors
/// What is wrong with a value, in words.
pub fn filter(query: &str) -> Result<MessageFilter, String> {
    let mut filter = MessageFilter { limit: DEFAULT_LIST, ..MessageFilter::default() };
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let bytes = |name: &str| value.parse::<Bytes>().map_err(|_| format!("{name}: {value:?} is not hex"));
        match key.as_ref() {
            "chain" => filter.chain = Some(value.to_owned()),
            "status" => {
                filter.status = Some(Status::parse(value).ok_or_else(|| {
                    format!("status: {value:?} is not one of sent, relayed, delivered, failed, retried, unknown")
                })?);
            }
            "sender" => filter.sender = Some(bytes("sender")?),
            "target" => filter.target = Some(bytes("target")?),
            "q" => {
                filter.search = Some(value.parse::<B256>().map_err(|_| {
                    format!("q: {value:?} is neither an orderId nor a transaction hash (32 bytes of hex)")
                })?);
            }
            "limit" => {
                filter.limit = value.parse().map_err(|_| format!("limit: {value:?} is not a number"))?;
            }
            _ => {}
        }
    }
    Ok(filter)
}

fn json_reply(status: StatusCode, value: &impl serde::Serialize) -> Response<Full<Body>> {
    let body = serde_json::to_string(value).unwrap_or_else(|error| json!({ "error": error.to_string() }).to_string());
    reply(status, JSON, body)
}

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Body>> {
    let mut response = Response::new(Full::new(Body::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(metrics: &Arc<Metrics>, stale_after: Duration) -> Served {
        Served { metrics: Some((Arc::clone(metrics), stale_after)), explorer: None }
    }

    fn get(metrics: &Arc<Metrics>, stale_after: Duration, path: &str) -> (StatusCode, String) {
        let request = Request::get(path).body(()).unwrap();
        let response = futures::executor::block_on(respond(&served(metrics, stale_after), &request));
        let status = response.status();
        let body = futures::executor::block_on(http_body_util::BodyExt::collect(response.into_body())).unwrap();
        (status, String::from_utf8(body.to_bytes().to_vec()).unwrap())
    }

    #[test]
    fn health_is_starting_before_the_first_round_ok_after_it_and_stalled_once_rounds_stop() {
        let metrics = Arc::new(Metrics::new());
        let (status, body) = get(&metrics, Duration::from_secs(60), "/healthz");
        assert_eq!((status, body.contains("\"status\":\"starting\"")), (StatusCode::SERVICE_UNAVAILABLE, true));
        metrics.round_ended();
        let (status, body) = get(&metrics, Duration::from_secs(60), "/healthz");
        assert_eq!((status, body.contains("\"status\":\"ok\"")), (StatusCode::OK, true), "{body}");
        std::thread::sleep(Duration::from_millis(20));
        let (status, body) = get(&metrics, Duration::from_millis(10), "/healthz");
        assert_eq!((status, body.contains("\"status\":\"stalled\"")), (StatusCode::SERVICE_UNAVAILABLE, true));
    }

    #[test]
    fn metrics_are_served_as_openmetrics_text_and_anything_else_is_not_found() {
        let metrics = Arc::new(Metrics::new());
        metrics.round_ended();
        let request = Request::get("/metrics").body(()).unwrap();
        let response = futures::executor::block_on(respond(&served(&metrics, Duration::from_secs(60)), &request));
        assert_eq!(response.headers()[header::CONTENT_TYPE], OPENMETRICS);
        let (status, body) = get(&metrics, Duration::from_secs(60), "/metrics");
        assert_eq!(status, StatusCode::OK);
        assert!(body.lines().any(|line| line == "mos_messenger_rounds_total 1"), "{body}");
        assert!(body.ends_with("# EOF\n"), "{body}");
        assert_eq!(get(&metrics, Duration::from_secs(60), "/").0, StatusCode::NOT_FOUND);
        let post = Request::post("/metrics").body(()).unwrap();
        let response = futures::executor::block_on(respond(&served(&metrics, Duration::from_secs(60)), &post));
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    #[test]
    fn a_list_filter_reads_its_query_and_names_what_is_wrong() {
        let order = B256::repeat_byte(0xab);
        let filter = filter(&format!("chain=chain-a&status=failed&sender=0x11&target=&q={order}&limit=7")).unwrap();
        assert_eq!(
            filter,
            MessageFilter {
                chain: Some("chain-a".into()),
                status: Some(Status::Failed),
                sender: Some(Bytes::from(vec![0x11])),
                target: None,
                search: Some(order),
                limit: 7,
            }
        );
        assert_eq!(super::filter("").unwrap().limit, DEFAULT_LIST);
        assert_eq!(
            super::filter("status=lost").unwrap_err(),
            "status: \"lost\" is not one of sent, relayed, delivered, failed, retried, unknown"
        );
        assert_eq!(
            super::filter("q=0x12").unwrap_err(),
            "q: \"0x12\" is neither an orderId nor a transaction hash (32 bytes of hex)"
        );
        assert_eq!(super::filter("sender=xyz").unwrap_err(), "sender: \"xyz\" is not hex");
    }
}
