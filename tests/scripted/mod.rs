//! A hand-rolled HTTP/1.1 server whose every answer is chosen by a script, token requests
//! included, and which logs every request it reads (method, path, `Authorization`, body).
#![allow(dead_code)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Act {
    /// A whole response, after a delay.
    Respond {
        status: u16,
        headers: String,
        body: Vec<u8>,
        delay: Duration,
    },
    /// Headers declaring a body, half of it, then a reset.
    ResetMidBody,
    /// Read the request, then close the connection without a word.
    Close,
    /// Read the request, never answer.
    Hang,
}

pub fn respond(status: u16, body: impl Into<Vec<u8>>) -> Act {
    Act::Respond {
        status,
        headers: String::new(),
        body: body.into(),
        delay: Duration::ZERO,
    }
}

pub fn respond_with(status: u16, headers: &str, body: impl Into<Vec<u8>>) -> Act {
    Act::Respond {
        status,
        headers: headers.to_owned(),
        body: body.into(),
        delay: Duration::ZERO,
    }
}

pub fn token(token: &str, now: i64, expired_at: i64) -> Act {
    respond(
        200,
        serde_json::to_vec(&serde_json::json!({
            "code": 0, "message": null,
            "response": {"access_token": token, "now": now, "expired_at": expired_at}
        }))
        .unwrap(),
    )
}

/// A script: the request, and how many requests to the same path came before it.
type Script = dyn Fn(&Seen, usize) -> Act + Send + Sync;

pub struct Scripted {
    pub base: String,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    pub async fn start(script: impl Fn(&Seen, usize) -> Act + Send + Sync + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let shared = log.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (script, log) = (script.clone(), shared.clone());
                tokio::spawn(async move { connection(stream, script, log).await });
            }
        });
        Scripted { base, log }
    }

    /// Every request read so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    /// How many requests went to `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }

    /// How many requests went anywhere but the token endpoint.
    pub fn api_hits(&self) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.path != "/users/getToken")
            .count()
    }
}

async fn connection(mut stream: TcpStream, script: Arc<Script>, log: Arc<Mutex<Vec<Seen>>>) {
    loop {
        let Some(seen) = read_request(&mut stream).await else {
            return;
        };
        let act = {
            let mut log = log.lock().unwrap();
            let n = log.iter().filter(|s| s.path == seen.path).count();
            log.push(seen.clone());
            script(&seen, n)
        };
        match act {
            Act::Respond {
                status,
                headers,
                body,
                delay,
            } => {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(&body).await.is_err()
                {
                    return;
                }
            }
            Act::ResetMidBody => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"code\":0,\"message\":null,\"response\":{";
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.flush().await;
                let _ = stream.set_zero_linger();
                return;
            }
            Act::Close => return,
            Act::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let len = header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    let mut words = head.split_whitespace();
    let method = words.next()?.to_owned();
    let path = words.next()?.split('?').next()?.to_owned();
    Some(Seen {
        method,
        path,
        authorization: header("authorization"),
        body,
    })
}
