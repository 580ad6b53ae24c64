//! Loopback stand-ins that speak real HTTP/1.1: one thread per connection,
//! every request recorded, answers decided by a handler. Bounded: each
//! connection serves one request; the server stops when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Everything the client sent, as text.
    pub fn raw_text(&self) -> String {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        format!(
            "{} {}\n{}\n{}",
            self.method,
            self.path,
            headers.join("\n"),
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// What to answer.
pub enum Reply {
    /// Status, content type, body.
    Full(u16, &'static str, Vec<u8>),
    /// 200 with this `Date` header (a server whose clock is off).
    Dated(String),
    /// Announce `len` bytes, send `first`, then hang until the client goes.
    Stall { len: usize, first: Vec<u8> },
    /// 200 without a length, then bytes until the client goes away (the
    /// payload tests, Unix only).
    #[cfg_attr(windows, allow(dead_code))]
    Endless,
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running stand-in server.
pub struct Server {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    /// Stalled clients that went away (closed or reset the connection).
    gone: Arc<AtomicUsize>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(None, handler)
    }

    /// The same over TLS with `config` (an HTTPS stand-in; its tests make
    /// certificates with `openssl`, Unix only).
    #[cfg_attr(windows, allow(dead_code))]
    pub fn start_tls(
        config: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::start_with(Some(config), handler)
    }

    fn start_with(
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let gone = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, stopped, gone_in) = (requests.clone(), stop.clone(), gone.clone());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (reqs, handler, tls) = (reqs.clone(), handler.clone(), tls.clone());
                        let flags = (stopped.clone(), gone_in.clone());
                        std::thread::spawn(move || {
                            let _ = stream.set_nonblocking(false);
                            let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                            match tls {
                                None => serve(stream, &reqs, &*handler, &flags),
                                Some(config) => {
                                    let Ok(conn) = rustls::ServerConnection::new(config) else {
                                        return;
                                    };
                                    serve(
                                        rustls::StreamOwned::new(conn, stream),
                                        &reqs,
                                        &*handler,
                                        &flags,
                                    );
                                }
                            }
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Self {
            port,
            requests,
            stop,
            gone,
        }
    }

    /// How many stalled clients have gone away.
    pub fn gone(&self) -> usize {
        self.gone.load(Ordering::Relaxed)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    io: impl Read + Write,
    reqs: &Mutex<Vec<Request>>,
    handler: &Handler,
    (stop, gone): &(Arc<AtomicBool>, Arc<AtomicUsize>),
) {
    let mut reader = BufReader::new(io);
    let Some(req) = read_request(&mut reader) else {
        return;
    };
    reqs.lock().expect("lock").push(req.clone());
    let out = reader.get_mut();
    match handler(&req) {
        Reply::Full(status, ctype, body) => {
            let head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reason(status),
                body.len()
            );
            let _ = out.write_all(head.as_bytes());
            let _ = out.write_all(&body);
        }
        Reply::Dated(date) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nDate: {date}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            );
            let _ = out.write_all(head.as_bytes());
        }
        Reply::Endless => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
            let _ = out.write_all(head.as_bytes());
            let chunk = vec![0u8; 64 * 1024];
            while !stop.load(Ordering::Relaxed) && out.write_all(&chunk).is_ok() {}
        }
        Reply::Stall { len, first } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {len}\r\n\r\n"
            );
            let _ = out.write_all(head.as_bytes());
            let _ = out.write_all(&first);
            let _ = out.flush();
            // Wait (at most a minute) for the client to go: a read that ends
            // in EOF or a reset means the process holding the socket died.
            let started = std::time::Instant::now();
            let mut buf = [0u8; 256];
            while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(60) {
                match reader.read(&mut buf) {
                    Ok(0) => {
                        gone.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    Ok(_) => {}
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) => {}
                    Err(_) => {
                        gone.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
            return;
        }
    }
    let _ = out.flush();
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// A Responses API stream that ends a turn with one assistant message.
pub fn sse_reply(text: &str) -> Vec<u8> {
    let events = [
        serde_json::json!({"type": "response.created", "response": {"id": "resp_1"}}),
        serde_json::json!({"type": "response.output_item.done", "item": {
            "type": "message", "role": "assistant", "id": "msg_1",
            "content": [{"type": "output_text", "text": text}]}}),
        serde_json::json!({"type": "response.completed", "response": {"id": "resp_1", "usage": {
            "input_tokens": 5, "input_tokens_details": null, "output_tokens": 3,
            "output_tokens_details": null, "total_tokens": 8}}}),
    ];
    sse_events(&events)
}

/// Responses API server-sent events, one `event:`/`data:` pair each.
pub fn sse_events(events: &[serde_json::Value]) -> Vec<u8> {
    events
        .iter()
        .map(|e| {
            format!(
                "event: {}\ndata: {e}\n\n",
                e["type"].as_str().unwrap_or_default()
            )
        })
        .collect::<String>()
        .into_bytes()
}

/// An npm registry serving `tarball` as `@openai/codex@<spec>`, with its
/// integrity.
pub fn codex_registry(spec: &str, tarball: Vec<u8>) -> Server {
    codex_registry_of(vec![(spec.to_string(), tarball)], None)
}

/// An npm registry serving each `(spec, tarball)` as `@openai/codex@<spec>`,
/// and `latest` as the `latest` dist-tag.
pub fn codex_registry_of(packages: Vec<(String, Vec<u8>)>, latest: Option<&str>) -> Server {
    use base64::Engine;
    use sha2::Digest;
    let packages: Vec<(String, Vec<u8>, String)> = packages
        .into_iter()
        .map(|(spec, tarball)| {
            let integrity = format!(
                "sha512-{}",
                base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&tarball))
            );
            (spec, tarball, integrity)
        })
        .collect();
    let latest = latest.map(str::to_string);
    let base = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let base_in = base.clone();
    let server = Server::start(move |req| {
        if req.path == "/-/package/@openai%2Fcodex/dist-tags"
            && let Some(latest) = &latest
        {
            let doc = serde_json::json!({ "latest": latest });
            return Reply::Full(200, "application/json", doc.to_string().into_bytes());
        }
        for (i, (spec, tarball, integrity)) in packages.iter().enumerate() {
            if req.path == format!("/@openai%2Fcodex/{spec}") {
                let url = format!("{}/codex-{i}.tgz", base_in.lock().expect("lock"));
                let doc = serde_json::json!({"name": "@openai/codex", "version": spec,
                    "dist": {"tarball": url, "integrity": integrity}});
                return Reply::Full(200, "application/json", doc.to_string().into_bytes());
            }
            if req.path == format!("/codex-{i}.tgz") {
                return Reply::Full(200, "application/octet-stream", tarball.clone());
            }
        }
        Reply::Full(404, "application/json", b"{}".to_vec())
    });
    *base.lock().expect("lock") = server.url();
    server
}

/// A model that first asks codex to run `cmd` in its shell, then, once the
/// command's output comes back, answers `reply`.
pub fn shell_then_reply(
    cmd: &str,
    reply: &str,
) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    let (cmd, reply) = (cmd.to_string(), reply.to_string());
    move |req| {
        let body = String::from_utf8_lossy(&req.body);
        if body.contains("function_call_output") {
            return Reply::Full(200, "text/event-stream", sse_reply(&reply));
        }
        Reply::Full(
            200,
            "text/event-stream",
            sse_events(&[
                serde_json::json!({"type": "response.created", "response": {"id": "r1"}}),
                serde_json::json!({"type": "response.output_item.done", "item": {
                    "type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "exec_command",
                    "arguments": serde_json::json!({"cmd": cmd}).to_string()}}),
                serde_json::json!({"type": "response.completed", "response": {"id": "r1", "usage": {
                    "input_tokens": 5, "input_tokens_details": null, "output_tokens": 2,
                    "output_tokens_details": null, "total_tokens": 7}}}),
            ]),
        )
    }
}
