//! The Ethereum JSON-RPC interface over HTTP.

mod convert;
mod istanbul;
mod methods;
mod server;

pub use methods::{dispatch, CLIENT_VERSION};
pub use server::{handle_body, RpcServer};

use serde_json::{json, Value};

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// The JSON-RPC error code.
    pub code: i64,
    /// What went wrong.
    pub message: String,
    /// Revert data, for code 3.
    pub data: Option<Value>,
}

impl RpcError {
    /// -32700: the body is not JSON.
    pub fn parse_error(message: String) -> Self {
        Self { code: -32700, message, data: None }
    }

    /// -32600: not a JSON-RPC request.
    pub fn invalid_request(message: String) -> Self {
        Self { code: -32600, message, data: None }
    }

    /// -32601: no such method.
    pub fn method_not_found(method: &str) -> Self {
        Self { code: -32601, message: format!("the method {method} does not exist/is not available"), data: None }
    }

    /// -32602: bad parameters.
    pub fn invalid_params(message: String) -> Self {
        Self { code: -32602, message, data: None }
    }

    /// -32000: the request was understood and refused (geth's generic server error).
    pub fn server(message: String) -> Self {
        Self { code: -32000, message, data: None }
    }

    /// The JSON error object.
    pub fn to_json(&self) -> Value {
        match &self.data {
            Some(data) => json!({ "code": self.code, "message": self.message, "data": data }),
            None => json!({ "code": self.code, "message": self.message }),
        }
    }
}
