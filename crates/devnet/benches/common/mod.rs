//! What the devnet's benches share: a blocking JSON-RPC client on one keep-alive HTTP/1.1
//! connection, and signing with dev account 0.
//!
//! The client is deliberately small (std's `TcpStream`, one request in flight, `Content-Length`
//! bodies), so what a bench measures is the node behind it, not the client, connection setup or
//! Nagle's algorithm (`TCP_NODELAY` is set).

use std::{
    io::{self, BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpStream},
};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::hex;
use alloy_signer::SignerSync;
use devnet::dev_accounts::dev_signer;
use serde_json::{json, Value};

/// Signs `tx` with dev account 0 of the test mnemonic (the same key on the devnet and on anvil) and
/// encodes it as `eth_sendRawTransaction` takes it (EIP-2718).
pub fn sign(tx: TxEip1559) -> Vec<u8> {
    let signer = dev_signer(0).expect("dev account 0 derives from the test mnemonic");
    let signature = signer.sign_hash_sync(&tx.signature_hash()).expect("signing with dev account 0");
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
}

/// A JSON-RPC client on one keep-alive HTTP/1.1 connection.
pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    next_id: u64,
}

impl Client {
    /// Opens the connection to the node at `address`.
    ///
    /// # Errors
    /// The I/O error when the node cannot be reached.
    pub fn connect(address: SocketAddr) -> io::Result<Self> {
        let writer = TcpStream::connect(address)?;
        writer.set_nodelay(true)?;
        Ok(Self { reader: BufReader::new(writer.try_clone()?), writer, next_id: 1 })
    }

    /// Calls `method` with `params` (a JSON array) and returns the answer's `result`.
    ///
    /// # Errors
    /// A description naming the method: the node's JSON-RPC error, an answer that is not
    /// JSON-RPC, or the connection failing.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string();
        let reply = self.post(&body).map_err(|error| format!("{method}: {error}"))?;
        let mut reply: Value = serde_json::from_slice(&reply).map_err(|error| {
            format!("{method}: the answer is not JSON ({error}): {}", String::from_utf8_lossy(&reply))
        })?;
        if let Some(error) = reply.get("error") {
            return Err(format!("{method} failed: {error}"));
        }
        match reply.get_mut("result") {
            Some(result) => Ok(result.take()),
            None => Err(format!("{method}: an answer with neither result nor error: {reply}")),
        }
    }

    /// Sends a signed transaction (`eth_sendRawTransaction`) and returns its hash as the node
    /// gave it.
    ///
    /// # Errors
    /// As [`Client::call`]: the node refusing the transaction, or the connection failing.
    pub fn send_raw_transaction(&mut self, raw: &[u8]) -> Result<Value, String> {
        self.call("eth_sendRawTransaction", json!([format!("0x{}", hex::encode(raw))]))
    }

    /// One POST on the connection: the request out, the answer's body back.
    fn post(&mut self, body: &str) -> io::Result<Vec<u8>> {
        let request = format!(
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.writer.write_all(request.as_bytes())?;
        let status = self.line()?;
        if !status.starts_with("HTTP/1.1 200") {
            return Err(io::Error::other(format!("the node answered {}", status.trim_end())));
        }
        let mut length = None;
        loop {
            let line = self.line()?;
            if line == "\r\n" {
                break;
            }
            let line = line.to_ascii_lowercase();
            if let Some(value) = line.strip_prefix("content-length:") {
                length = Some(value.trim().parse().map_err(|_| {
                    io::Error::other(format!("a Content-Length that is not a number: {}", line.trim_end()))
                })?);
            }
        }
        let length = length.ok_or_else(|| io::Error::other("an answer without Content-Length"))?;
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok(body)
    }

    /// One line of the answer's head, with its `\r\n`.
    fn line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the node closed the connection"));
        }
        Ok(line)
    }
}
