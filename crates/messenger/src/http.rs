//! The messenger's HTTP endpoint: `/metrics` (Prometheus, in the OpenMetrics text format) and
//! `/healthz` (whether rounds are still ending).

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use http_body_util::Full;
use hyper::{body::Bytes, header, server::conn::http1, service::service_fn, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::{net::TcpListener, task::JoinHandle};

use crate::metrics::Metrics;

/// What the OpenMetrics text format is served as.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The messenger's HTTP server, running until stopped or dropped.
#[derive(Debug)]
pub struct HttpServer {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl HttpServer {
    /// Serves `metrics` on `address` (port 0: any free port). `/healthz` answers 200 while a round
    /// ended within `stale_after`, and 503 before the first round or once rounds stop ending.
    ///
    /// # Errors
    /// The I/O error when the address cannot be bound.
    pub async fn start(address: SocketAddr, metrics: Arc<Metrics>, stale_after: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let metrics = Arc::clone(&metrics);
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let metrics = Arc::clone(&metrics);
                        async move { Ok::<_, Infallible>(respond(&metrics, stale_after, &request)) }
                    });
                    if let Err(error) = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await {
                        tracing::debug!(%error, "metrics connection closed with an error");
                    }
                });
            }
        });
        tracing::info!(%address, "serving /metrics and /healthz");
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

fn respond<B>(metrics: &Metrics, stale_after: Duration, request: &Request<B>) -> Response<Full<Bytes>> {
    if request.method() != Method::GET {
        return reply(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "GET only\n".into());
    }
    match request.uri().path() {
        "/metrics" => reply(StatusCode::OK, OPENMETRICS, metrics.encode()),
        "/healthz" => {
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
            reply(status, "application/json", format!("{body}\n"))
        }
        _ => reply(StatusCode::NOT_FOUND, "text/plain", "not found: /metrics and /healthz are served\n".into()),
    }
}

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(metrics: &Metrics, stale_after: Duration, path: &str) -> (StatusCode, String) {
        let request = Request::get(path).body(()).unwrap();
        let response = respond(metrics, stale_after, &request);
        let status = response.status();
        let body = futures::executor::block_on(http_body_util::BodyExt::collect(response.into_body())).unwrap();
        (status, String::from_utf8(body.to_bytes().to_vec()).unwrap())
    }

    #[test]
    fn health_is_starting_before_the_first_round_ok_after_it_and_stalled_once_rounds_stop() {
        let metrics = Metrics::new();
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
        let metrics = Metrics::new();
        metrics.round_ended();
        let request = Request::get("/metrics").body(()).unwrap();
        let response = respond(&metrics, Duration::from_secs(60), &request);
        assert_eq!(response.headers()[header::CONTENT_TYPE], OPENMETRICS);
        let (status, body) = get(&metrics, Duration::from_secs(60), "/metrics");
        assert_eq!(status, StatusCode::OK);
        assert!(body.lines().any(|line| line == "mos_messenger_rounds_total 1"), "{body}");
        assert!(body.ends_with("# EOF\n"), "{body}");
        assert_eq!(get(&metrics, Duration::from_secs(60), "/").0, StatusCode::NOT_FOUND);
        let post = Request::post("/metrics").body(()).unwrap();
        assert_eq!(respond(&metrics, Duration::from_secs(60), &post).status(), StatusCode::METHOD_NOT_ALLOWED);
    }
}
