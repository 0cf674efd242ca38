//! The program's own plain-HTTP `reqwest::Client` and an `iamport::Client`, side by side.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The program's own client, from a reqwest with its default features off.
    let http = reqwest::Client::new();
    // The SDK's client, for the real (https) API.
    let sdk = iamport::Client::builder()
        .credentials("imp_key", "imp_secret")
        .build()
        .expect("the iamport client builds");
    println!("iamport client for {}", sdk.base_url());

    // The program's own client still works: one plain-HTTP request to a local server.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/health", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf).await.unwrap();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            .await
            .unwrap();
    });
    let body = http.get(&url).send().await.unwrap().text().await.unwrap();
    server.await.unwrap();
    assert_eq!(body, "ok");
    println!("side by side: the program's own reqwest client works");
}
