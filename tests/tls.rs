//! The client over TLS: a local rustls server with a certificate made for the test, trusted by
//! a `reqwest::Client` handed to the builder; HTTP/2 when the server offers it by ALPN; and the
//! SDK's own client refusing the same certificate, which no system store trusts.
//!
//! The server is rustls with the crypto provider the crate's TLS feature brings, so the file
//! needs a rustls feature (the default `rustls` does); with `native-tls` on as well (all
//! features), the SDK's own client is built on native-tls and its refusal is shown there.
#![cfg(any(feature = "rustls", feature = "rustls-ring"))]

mod common;

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use bytes::Bytes;
use common::*;
use http_body_util::Full;
use hyper::{Request, Response, Version, body::Incoming, service::service_fn};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio_rustls::{
    TlsAcceptor,
    rustls::{
        ServerConfig,
        pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer},
    },
};

const ID: &str = "imp_448280090638";

/// A CA made for the test and a certificate for `localhost` it signed.
struct TestPki {
    ca_pem: String,
    leaf: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

fn test_pki() -> TestPki {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "iamport test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    TestPki {
        ca_pem: ca.pem(),
        leaf: leaf.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    }
}

/// What the server saw: each request's HTTP version and path, the ALPN protocol of each
/// connection, and how many handshakes failed.
#[derive(Default)]
struct Log {
    requests: Vec<(Version, String)>,
    alpn: Vec<Option<Vec<u8>>>,
    failed_handshakes: usize,
}

struct TlsServer {
    addr: SocketAddr,
    log: Arc<Mutex<Log>>,
}

impl TlsServer {
    fn base_url(&self) -> String {
        format!("https://localhost:{}", self.addr.port())
    }

    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap()
    }
}

fn install_provider() {
    // With `rustls-ring`, reqwest's rustls has no provider of its own; with all features,
    // rustls has two and picks none by itself.
    #[cfg(feature = "rustls-ring")]
    iamport::install_crypto_provider();
}

/// A TLS server with `pki`'s certificate, offering `alpn`, that answers the token exchange and
/// `GET /payments/{id}` with the recorded envelopes.
async fn start_server(pki: &TestPki, alpn: &[&[u8]]) -> TlsServer {
    install_provider();
    let mut config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![pki.leaf.clone()], pki.key.clone_key())
        .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Log::default()));
    let shared = log.clone();
    let token = Bytes::from(serde_json::to_vec(&recording("get_token.ok").response.body).unwrap());
    let payment =
        Bytes::from(serde_json::to_vec(&recording("get_payment.card_paid").response.body).unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, log) = (acceptor.clone(), shared.clone());
            let (token, payment) = (token.clone(), payment.clone());
            tokio::spawn(async move {
                let tls = match acceptor.accept(stream).await {
                    Ok(tls) => tls,
                    Err(_) => {
                        log.lock().unwrap().failed_handshakes += 1;
                        return;
                    }
                };
                let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
                let h2 = alpn.as_deref() == Some(b"h2");
                log.lock().unwrap().alpn.push(alpn);
                let service = service_fn(move |req: Request<Incoming>| {
                    let (log, token, payment) = (log.clone(), token.clone(), payment.clone());
                    async move {
                        let path = req.uri().path().to_owned();
                        log.lock()
                            .unwrap()
                            .requests
                            .push((req.version(), path.clone()));
                        let (status, body) = match (req.method().as_str(), path.as_str()) {
                            ("POST", "/users/getToken") => (200, token),
                            ("GET", p) if p == format!("/payments/{ID}") => (200, payment),
                            _ => (
                                404,
                                Bytes::from_static(
                                    b"{\"code\":-1,\"message\":\"no such path\",\"response\":null}",
                                ),
                            ),
                        };
                        Ok::<_, Infallible>(
                            Response::builder()
                                .status(status)
                                .header("content-type", "application/json")
                                .body(Full::new(body))
                                .unwrap(),
                        )
                    }
                });
                let io = TokioIo::new(tls);
                let _ = if h2 {
                    hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .serve_connection(io, service)
                        .await
                } else {
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await
                };
            });
        }
    });
    TlsServer { addr, log }
}

/// A client of `server` over a `reqwest::Client` that trusts the test CA.
fn trusting_client(server: &TlsServer, pki: &TestPki) -> iamport::Client {
    install_provider();
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(server.base_url())
        .http_client(http)
        .retry(iamport::RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_payment_lookup_succeeds_over_tls_with_a_trusted_certificate() {
    let pki = test_pki();
    let server = start_server(&pki, &[b"http/1.1"]).await;
    let client = trusting_client(&server, &pki);
    let payment = client.payment(ID).await.unwrap();
    assert_eq!(payment.imp_uid, ID);
    let log = server.log();
    let paths: Vec<_> = log.requests.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(paths, ["/users/getToken", &format!("/payments/{ID}")]);
    assert!(
        log.requests.iter().all(|(v, _)| *v == Version::HTTP_11),
        "{:?}",
        log.requests
    );
    assert_eq!(log.failed_handshakes, 0);
}

/// reqwest's `http2` feature (on in the workspace) offers `h2` by ALPN; a server that offers it
/// too gets every request of the client as HTTP/2, over one connection.
#[tokio::test]
async fn http2_is_negotiated_when_the_server_offers_h2() {
    let pki = test_pki();
    let server = start_server(&pki, &[b"h2", b"http/1.1"]).await;
    let client = trusting_client(&server, &pki);
    client.payment(ID).await.unwrap();
    client.payment(ID).await.unwrap();
    let log = server.log();
    assert_eq!(log.alpn, [Some(b"h2".to_vec())], "one connection, h2");
    assert_eq!(log.requests.len(), 3, "{:?}", log.requests);
    assert!(
        log.requests.iter().all(|(v, _)| *v == Version::HTTP_2),
        "{:?}",
        log.requests
    );
}

/// The client the SDK builds itself verifies certificates: the test certificate, which no
/// trust store holds, fails the handshake, and the call is a transport error, not a panic.
#[tokio::test]
async fn the_sdk_client_refuses_an_untrusted_certificate() {
    let pki = test_pki();
    let server = start_server(&pki, &[b"h2", b"http/1.1"]).await;
    let client = iamport::Client::builder()
        .credentials(KEY, SECRET)
        .base_url(server.base_url())
        .retry(iamport::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.payment(ID).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(!err.is_auth() && !err.is_timeout(), "{err:?}");
    assert!(
        !err.to_string().contains(SECRET) && !format!("{err:?}").contains(SECRET),
        "{err:?}"
    );
    let log = server.log();
    // No request got through the failed handshake (whether the server has counted that
    // handshake yet is a race, so it is not asserted).
    assert!(log.requests.is_empty(), "{:?}", log.requests);
}
