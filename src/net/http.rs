//! usbide's own HTTP requests (payload metadata and archives, release lists
//! and archives), all under one policy, so that no server can hold usbide
//! (and the stick lock it holds) for good:
//!
//! | limit     | what it bounds                                   | default                 |
//! |-----------|--------------------------------------------------|-------------------------|
//! | connect   | DNS, TCP and TLS until the request is sent       | 15 s                    |
//! | headers   | the wait for the status line and headers         | 30 s                    |
//! | stall     | the wait for the next bytes of the body          | 60 s (`USBIDE_DOWNLOAD_STALL_SECS`) |
//! | overall   | the whole request, body included                 | 2 h for an archive (`USBIDE_DOWNLOAD_MAX_SECS`), 2 min for metadata |
//!
//! The stall and overall limits come from the settings, through [`Client`].
//!
//! A body is read on a thread of its own, a chunk at a time, so that the
//! caller can give up on a server that stops sending (a blocked read cannot
//! be interrupted); that thread ends with the connection, which the overall
//! deadline also closes. Bodies are capped in size by the caller.

use std::io::{self, Read};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::environ::Environ;
use crate::messages::{Lang, fill, text};

/// The limits of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub connect: Duration,
    pub headers: Duration,
    pub stall: Duration,
    pub overall: Duration,
}

/// usbide's way to the network: the environment its traffic sees (the
/// proxy and certificates codex gets too) and how long a body may stall or
/// take (the settings' download limits). Made once, with the settings.
#[derive(Debug, Clone)]
pub struct Client {
    pub env: Environ,
    pub stall: Duration,
    pub overall: Duration,
}

impl Client {
    /// An archive download (large, maybe on a slow hotel Wi-Fi).
    pub fn download(&self) -> Policy {
        Policy {
            connect: Duration::from_secs(15),
            headers: Duration::from_secs(30),
            stall: self.stall,
            overall: self.overall,
        }
    }

    /// A small answer: package metadata, a release list.
    pub fn metadata(&self) -> Policy {
        Policy {
            overall: self.overall.min(Duration::from_secs(120)),
            ..self.download()
        }
    }

    /// `GET url` under `policy` (see [`get`]).
    pub fn get(
        &self,
        url: &str,
        accept: &str,
        policy: Policy,
        lang: Lang,
    ) -> Result<Response, Error> {
        get(&self.env, url, accept, policy, lang)
    }
}

/// Why a request failed, with what arrived so far.
#[derive(Debug)]
pub enum Error {
    /// The URL or the proxy cannot be used (already in words).
    Setup(String),
    /// The server answered with this status.
    Status(u16),
    /// No answer: connection, TLS, proxy, or no headers in time.
    Request(String),
    /// The body stopped arriving for `stall` after `bytes`.
    Stalled { bytes: u64, secs: u64 },
    /// The request took longer than `overall`.
    TooLong { bytes: u64, secs: u64 },
    /// The body broke off.
    Broke { bytes: u64, error: Option<String> },
    /// The body is larger than `cap` bytes.
    TooLarge { cap: u64 },
}

impl Error {
    /// The reason in `lang` (the caller names the URL).
    pub fn message(&self, lang: Lang) -> String {
        let t = text(lang);
        match self {
            Self::Setup(reason) | Self::Request(reason) => reason.clone(),
            Self::Status(code) => fill(t.http_status, &[("status", &code.to_string())]),
            Self::Stalled { bytes, secs } => fill(
                t.download_stalled,
                &[("total", &bytes.to_string()), ("secs", &secs.to_string())],
            ),
            Self::TooLong { bytes, secs } => fill(
                t.download_too_long,
                &[("total", &bytes.to_string()), ("secs", &secs.to_string())],
            ),
            Self::Broke {
                bytes,
                error: Some(error),
            } => fill(
                t.download_broke,
                &[("total", &bytes.to_string()), ("error", error)],
            ),
            Self::Broke { bytes, error: None } => {
                fill(t.download_broke_silent, &[("total", &bytes.to_string())])
            }
            Self::TooLarge { cap } => fill(t.download_over_cap, &[("cap", &cap.to_string())]),
        }
    }
}

/// A response whose body is read under the policy.
#[derive(Debug)]
pub struct Response {
    /// The length the server announced.
    pub length: Option<u64>,
    chunks: mpsc::Receiver<io::Result<Vec<u8>>>,
    policy: Policy,
    deadline: Instant,
    total: u64,
}

/// `GET url` (with this `Accept`) through the proxy and certificates codex
/// gets too, under `policy`.
pub fn get(
    env: &Environ,
    url: &str,
    accept: &str,
    policy: Policy,
    lang: Lang,
) -> Result<Response, Error> {
    let started = Instant::now();
    let agent = super::agent_for(env, url, policy, lang).map_err(Error::Setup)?;
    let response = agent
        .get(url)
        .header("Accept", accept)
        .call()
        .map_err(|e| match e {
            ureq::Error::StatusCode(code) => Error::Status(code),
            other => Error::Request(other.to_string()),
        })?;
    let length = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let reader = response
        .into_body()
        .into_with_config()
        .limit(u64::MAX)
        .reader();
    Ok(Response {
        length,
        chunks: read_ahead(reader),
        policy,
        deadline: started + policy.overall,
        total: 0,
    })
}

impl Response {
    /// The next piece of the body; `None` at its end.
    pub fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, Error> {
        let wait = self
            .policy
            .stall
            .min(self.deadline.saturating_duration_since(Instant::now()));
        match self.chunks.recv_timeout(wait) {
            Ok(Ok(chunk)) if chunk.is_empty() => Ok(None),
            Ok(Ok(chunk)) => {
                self.total += chunk.len() as u64;
                Ok(Some(chunk))
            }
            Ok(Err(e)) => Err(Error::Broke {
                bytes: self.total,
                error: Some(e.to_string()),
            }),
            Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() >= self.deadline => {
                Err(Error::TooLong {
                    bytes: self.total,
                    secs: self.policy.overall.as_secs(),
                })
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::Stalled {
                bytes: self.total,
                secs: self.policy.stall.as_secs(),
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(Error::Broke {
                bytes: self.total,
                error: None,
            }),
        }
    }

    /// The whole body, refusing more than `cap` bytes.
    pub fn read_all(mut self, cap: u64) -> Result<Vec<u8>, Error> {
        if self.length.is_some_and(|l| l > cap) {
            return Err(Error::TooLarge { cap });
        }
        let mut body = Vec::new();
        while let Some(chunk) = self.next_chunk()? {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(Error::TooLarge { cap });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Read `reader` on its own thread, a chunk at a time (an empty chunk is the
/// end). The thread ends with the connection.
fn read_ahead(mut reader: impl Read + Send + 'static) -> mpsc::Receiver<io::Result<Vec<u8>>> {
    let (tx, rx) = mpsc::sync_channel(4);
    std::thread::spawn(move || {
        loop {
            let mut buf = vec![0u8; 256 * 1024];
            let sent = match reader.read(&mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    let end = n == 0;
                    tx.send(Ok(buf)).is_ok() && !end
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => true,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    false
                }
            };
            if !sent {
                return;
            }
        }
    });
    rx
}
