//! The SDK against a hand-written `reqwest` + `serde_json` client of the same endpoints, both
//! talking to one local axum server (keep-alive, on 127.0.0.1) that serves recordings.
//!
//! ```sh
//! cargo bench --bench sdk              # full run, figures in BENCHMARKS.md
//! cargo bench --bench sdk -- --quick   # seconds: CI runs it so the harness never rots
//! ```
//!
//! Nothing here asserts a timing; it prints figures.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::header,
    response::IntoResponse,
    routing::{get, post},
};
use iamport::testing::Recording;
use serde::Deserialize;

const ID: &str = "imp_448280090638";

/// What the server serves, and how many token requests it saw.
struct Served {
    payment: Bytes,
    page: Bytes,
    token_delay: Duration,
    token_requests: AtomicUsize,
}

fn recording(name: &str) -> Recording {
    Recording::load(format!(
        "{}/spec/recordings/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A page of `n` payments built from the recorded ones, ids made unique.
fn page_of(n: usize) -> Vec<u8> {
    let samples: Vec<serde_json::Value> = [
        "get_payment.card_paid",
        "get_payment.cancelled",
        "get_payment.vbank_ready",
        "get_payment.kakaopay_sandbox",
    ]
    .iter()
    .map(|name| recording(name).response.body["response"].clone())
    .collect();
    let list: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut p = samples[i % samples.len()].clone();
            p["imp_uid"] = format!("imp_{i:012}").into();
            p["merchant_uid"] = format!("order-{i}").into();
            p
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "code": 0, "message": null,
        "response": {"total": n, "previous": 0, "next": 0, "list": list}
    }))
    .unwrap()
}

async fn token(State(s): State<Arc<Served>>) -> impl IntoResponse {
    s.token_requests.fetch_add(1, Ordering::SeqCst);
    if !s.token_delay.is_zero() {
        tokio::time::sleep(s.token_delay).await;
    }
    let body = iamport::testing::token_body("bench0token");
    ([(header::CONTENT_TYPE, "application/json")], body)
}

async fn payment(State(s): State<Arc<Served>>, Path(_id): Path<String>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        s.payment.clone(),
    )
}

async fn page(State(s): State<Arc<Served>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], s.page.clone())
}

async fn serve(token_delay: Duration, page_size: usize) -> (String, Arc<Served>) {
    let served = Arc::new(Served {
        payment: serde_json::to_vec(&recording("get_payment.card_paid").response.body)
            .unwrap()
            .into(),
        page: page_of(page_size).into(),
        token_delay,
        token_requests: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/users/getToken", post(token))
        .route("/payments/{imp_uid}", get(payment))
        .route("/payments/status/{status}", get(page))
        .with_state(served.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, served)
}

// ---- the hand-written client: the same fields, plain types ----

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawEnvelope<T> {
    code: i64,
    message: Option<String>,
    response: Option<T>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawToken {
    access_token: String,
    now: i64,
    expired_at: i64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawCancel {
    pg_tid: Option<String>,
    amount: f64,
    cancelled_at: i64,
    reason: Option<String>,
    receipt_url: Option<String>,
    cancellation_id: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawPayment {
    imp_uid: String,
    merchant_uid: String,
    pay_method: Option<String>,
    channel: Option<String>,
    pg_provider: Option<String>,
    emb_pg_provider: Option<String>,
    pg_tid: Option<String>,
    pg_id: Option<String>,
    sandbox: Option<bool>,
    escrow: bool,
    apply_num: Option<String>,
    bank_code: Option<String>,
    bank_name: Option<String>,
    card_code: Option<String>,
    card_name: Option<String>,
    card_issuer_code: Option<String>,
    card_issuer_name: Option<String>,
    card_publisher_code: Option<String>,
    card_publisher_name: Option<String>,
    card_quota: Option<i64>,
    card_number: Option<String>,
    card_type: Option<i64>,
    vbank_code: Option<String>,
    vbank_name: Option<String>,
    vbank_num: Option<String>,
    vbank_holder: Option<String>,
    vbank_date: i64,
    vbank_issued_at: i64,
    name: Option<String>,
    amount: f64,
    cancel_amount: f64,
    currency: String,
    buyer_name: Option<String>,
    buyer_email: Option<String>,
    buyer_tel: Option<String>,
    buyer_addr: Option<String>,
    buyer_postcode: Option<String>,
    custom_data: Option<String>,
    user_agent: Option<String>,
    status: String,
    started_at: i64,
    paid_at: i64,
    failed_at: i64,
    cancelled_at: i64,
    fail_reason: Option<String>,
    cancel_reason: Option<String>,
    receipt_url: Option<String>,
    cancel_history: Option<Vec<RawCancel>>,
    cancel_receipt_urls: Option<Vec<String>>,
    deposit_history: Option<Vec<RawDeposit>>,
    cash_receipt_issued: bool,
    customer_uid: Option<String>,
    customer_uid_usage: Option<String>,
    promotion: Option<RawPromotion>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawDeposit {
    pg_tid: Option<String>,
    amount: f64,
    depositor_name: Option<String>,
    deposited_at: Option<i64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawPromotion {
    id: String,
    discount: f64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawPage {
    total: i64,
    previous: i64,
    next: i64,
    list: Option<Vec<RawPayment>>,
}

/// The hand-written client: one token, fetched first, then plain GETs.
#[derive(Clone)]
struct Raw {
    http: reqwest::Client,
    base: String,
    bearer: Arc<String>,
}

/// How the hand-written client's `reqwest::Client` is set up.
#[derive(Clone, Copy, PartialEq)]
enum RawKind {
    /// `reqwest::Client::new()`: no timeouts, redirects followed.
    Bare,
    /// The settings the SDK builds its own client with: connect and request timeouts, no
    /// redirects, a user agent.
    Timeouts,
}

impl Raw {
    async fn new(base: &str, kind: RawKind) -> Raw {
        let http = match kind {
            RawKind::Bare => reqwest::Client::new(),
            RawKind::Timeouts => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent("bench/1")
                .connect_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        };
        let body = http
            .post(format!("{base}/users/getToken"))
            .json(&serde_json::json!({"imp_key": "k", "imp_secret": "s"}))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let token: RawEnvelope<RawToken> = serde_json::from_slice(&body).unwrap();
        let bearer = format!("Bearer {}", token.response.unwrap().access_token);
        Raw {
            http,
            base: base.to_owned(),
            bearer: Arc::new(bearer),
        }
    }

    async fn payment(&self, id: &str) -> RawPayment {
        let body = self
            .http
            .get(format!("{}/payments/{id}", self.base))
            .header(header::AUTHORIZATION, self.bearer.as_str())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let env: RawEnvelope<RawPayment> = serde_json::from_slice(&body).unwrap();
        assert_eq!(env.code, 0);
        env.response.unwrap()
    }
}

fn sdk(base: &str) -> iamport::Client {
    let mut b = iamport::Client::builder()
        .credentials("k", "s")
        .base_url(base);
    if std::env::var_os("BENCH_PLAIN_HTTP").is_some() {
        b = b.http_client(reqwest::Client::new());
    }
    b.build().unwrap()
}

// ---- measurements ----

struct Stats {
    median: Duration,
    p99: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    Stats {
        median: at(0.5),
        p99: at(0.99),
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// Sequential calls, the three clients taking turns in rounds so drift hits them alike.
async fn latency(base: &str, calls: usize) {
    let client = sdk(base);
    let bare = Raw::new(base, RawKind::Bare).await;
    let timed = Raw::new(base, RawKind::Timeouts).await;
    client.payment(ID).await.unwrap();
    bare.payment(ID).await;
    timed.payment(ID).await;
    let mut samples: [Vec<Duration>; 3] = Default::default();
    for _ in 0..calls {
        let t = Instant::now();
        std::hint::black_box(client.payment(ID).await.unwrap());
        samples[0].push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(bare.payment(ID).await);
        samples[1].push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(timed.payment(ID).await);
        samples[2].push(t.elapsed());
    }
    let [s, b, t] = samples.map(stats);
    // What every call keeps in its caller's future (a spawned task holds it all).
    let (sdk_future, raw_future) = (
        std::mem::size_of_val(&client.payment(ID)),
        std::mem::size_of_val(&timed.payment(ID)),
    );
    println!("\n## 1. latency of one payment lookup ({calls} sequential calls each)\n");
    println!("| client | median | p99 |\n|---|---|---|");
    println!(
        "| raw reqwest + serde_json, bare client | {:.1?} | {:.1?} |",
        b.median, b.p99
    );
    println!(
        "| raw, with the SDK's timeouts | {:.1?} | {:.1?} |",
        t.median, t.p99
    );
    println!("| iamport | {:.1?} | {:.1?} |", s.median, s.p99);
    println!(
        "| ratio iamport / raw with timeouts | {:.3} | {:.3} |",
        ratio(s.median, t.median),
        ratio(s.p99, t.p99)
    );
    println!(
        "| ratio iamport / bare raw | {:.3} | {:.3} |",
        ratio(s.median, b.median),
        ratio(s.p99, b.p99)
    );
    println!(
        "\nsize of the future of one lookup: iamport {sdk_future} bytes, raw {raw_future} bytes"
    );
}

async fn run_concurrent<F, Fut>(tasks: usize, per_task: usize, call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let t = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    call().await;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    (tasks * per_task) as f64 / t.elapsed().as_secs_f64()
}

/// Calls per second of `tasks` tasks making `per_task` lookups each through one client.
async fn rate(who: &Who, tasks: usize, per_task: usize) -> f64 {
    match who {
        Who::Sdk(c) => {
            let c = c.clone();
            run_concurrent(tasks, per_task, move || {
                let c = c.clone();
                async move {
                    std::hint::black_box(c.payment(ID).await.unwrap());
                }
            })
            .await
        }
        Who::Raw(r) => {
            let r = r.clone();
            run_concurrent(tasks, per_task, move || {
                let r = r.clone();
                async move {
                    std::hint::black_box(r.payment(ID).await);
                }
            })
            .await
        }
    }
}

enum Who {
    Sdk(iamport::Client),
    Raw(Raw),
}

/// The median of some figures (the mean of the middle two for an even count).
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// The order the three clients run in during round `round`: rotated every round, so that none
/// always runs first (on a fresh pool) or last.
fn order(round: usize) -> [usize; 3] {
    [round % 3, (round + 1) % 3, (round + 2) % 3]
}

async fn throughput(base: &str, total: usize, rounds: usize) {
    println!(
        "\n## 2. throughput (calls per second, {total} calls per run, {rounds} rounds per level)\n"
    );
    println!(
        "Each round runs the three clients one after another, in an order that rotates from round \
         to round. \"best\" is a client's best round, and its ratio the ratio of those bests; \
         \"paired\" is the median over rounds of iamport's rate over the raw client's in the same \
         round, which cancels slow spells of the machine that last a round.\n"
    );
    println!(
        "| tasks | raw, bare (best) | raw, timeouts (best) | iamport (best) | ratio to raw with timeouts: best | paired | ratio to bare raw: best | paired |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let clients = [
        Who::Raw(Raw::new(base, RawKind::Bare).await),
        Who::Raw(Raw::new(base, RawKind::Timeouts).await),
        Who::Sdk(sdk(base)),
    ];
    for tasks in [1usize, 64, 256, 1000] {
        let per_task = (total / tasks).max(1);
        let mut rates = [Vec::new(), Vec::new(), Vec::new()];
        for round in 0..rounds {
            for i in order(round) {
                rates[i].push(rate(&clients[i], tasks, per_task).await);
            }
        }
        let best = |i: usize| rates[i].iter().copied().fold(0f64, f64::max);
        let paired = |raw: usize| {
            median(
                rates[2]
                    .iter()
                    .zip(&rates[raw])
                    .map(|(s, r)| s / r)
                    .collect(),
            )
        };
        let (b, t, s) = (best(0), best(1), best(2));
        println!(
            "| {tasks} | {b:.0} | {t:.0} | {s:.0} | {:.3} | {:.3} | {:.3} | {:.3} |",
            s / t,
            paired(1),
            s / b,
            paired(0)
        );
    }
}

async fn cold_start(tasks: usize) {
    let delay = Duration::from_millis(50);
    let (base, served) = serve(delay, 1).await;
    let client = sdk(&base);
    let t = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                let t = Instant::now();
                c.payment(ID).await.unwrap();
                t.elapsed()
            })
        })
        .collect();
    let mut waits = Vec::new();
    for h in handles {
        waits.push(h.await.unwrap());
    }
    let all = t.elapsed();
    let w = stats(waits);
    println!(
        "\n## 2b. a cold client under {tasks} concurrent calls (token endpoint takes {delay:?})\n"
    );
    println!(
        "token requests: {}; per-call latency median {:.1?}, p99 {:.1?}; all done in {:.1?}",
        served.token_requests.load(Ordering::SeqCst),
        w.median,
        w.p99,
        all
    );
}

/// Peak resident memory (VmHWM) of this process, in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Child process: decode the page one way and report the growth of peak memory.
fn decode_child(kind: &str, file: &str) {
    let bytes = std::fs::read(file).unwrap();
    let before = peak_kib();
    let t = Instant::now();
    let n = match kind {
        "iamport" => {
            let env: RawEnvelope<iamport::PaymentPage> = serde_json::from_slice(&bytes).unwrap();
            env.response.unwrap().list.len()
        }
        "structs" => {
            let env: RawEnvelope<RawPage> = serde_json::from_slice(&bytes).unwrap();
            env.response.unwrap().list.unwrap().len()
        }
        _ => {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            v["response"]["list"].as_array().unwrap().len()
        }
    };
    let spent = t.elapsed();
    assert_eq!(n, 1000);
    println!(
        "{} {} {}",
        spent.as_nanos(),
        peak_kib().saturating_sub(before),
        bytes.len()
    );
}

fn decoding(rounds: usize) {
    println!(
        "\n## 3. decoding a page of 1000 payments ({rounds} rounds, each decode in a fresh process)\n"
    );
    println!(
        "Each round decodes the page once each way, in an order that rotates from round to round. \
         Times and memory are medians over rounds; \"paired\" is the median over rounds of \
         iamport's figure over the hand-written structs' in the same round.\n"
    );
    let exe = std::env::current_exe().unwrap();
    let file = std::env::temp_dir().join(format!("iamport-bench-page-{}.json", std::process::id()));
    std::fs::write(&file, page_of(1000)).unwrap();
    let kinds = ["value", "structs", "iamport"];
    let mut times: [Vec<f64>; 3] = Default::default();
    let mut mems: [Vec<f64>; 3] = Default::default();
    let mut size = 0;
    for round in 0..rounds {
        for i in order(round) {
            let out = std::process::Command::new(&exe)
                .args(["--decode-child", kinds[i]])
                .arg(&file)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let f: Vec<u64> = text
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            times[i].push(f[0] as f64);
            mems[i].push(f[1] as f64);
            size = f[2];
        }
    }
    let _ = std::fs::remove_file(&file);
    let paired =
        |xs: &[Vec<f64>; 3]| median(xs[2].iter().zip(&xs[1]).map(|(a, b)| a / b).collect());
    println!("| into | time | peak memory growth |\n|---|---|---|");
    for (i, label) in [
        "serde_json::Value",
        "hand-written structs (String, f64)",
        "iamport::PaymentPage (Amount, open enums, UnixTime)",
    ]
    .iter()
    .enumerate()
    {
        println!(
            "| {label} | {:.2?} | {:.0} KiB |",
            Duration::from_nanos(median(times[i].clone()) as u64),
            median(mems[i].clone())
        );
    }
    println!(
        "| ratio iamport / structs: paired | {:.3} | {:.3} |",
        paired(&times),
        paired(&mems)
    );
    println!("\npage size: {size} bytes");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `--write-page FILE`: the 1000-payment page, for profiling `--decode-child KIND FILE`.
    if let Some(i) = args.iter().position(|a| a == "--write-page") {
        std::fs::write(&args[i + 1], page_of(1000)).unwrap();
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--decode-child") {
        decode_child(&args[i + 1], &args[i + 2]);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    // `--only sdk|raw|bare`: BENCH_TASKS tasks (default 64) making BENCH_CALLS calls each
    // (default 1000) for a profiler; prints the rate only.
    if let Some(i) = args.iter().position(|a| a == "--only") {
        let which = args[i + 1].clone();
        let env = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let (tasks, calls) = (env("BENCH_TASKS", 64), env("BENCH_CALLS", 1000));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let (base, _) = serve(Duration::ZERO, 1).await;
            let who = match which.as_str() {
                "sdk" => Who::Sdk(sdk(&base)),
                "bare" => Who::Raw(Raw::new(&base, RawKind::Bare).await),
                _ => Who::Raw(Raw::new(&base, RawKind::Timeouts).await),
            };
            let rate = rate(&who, tasks, calls).await;
            println!("{which}: {rate:.0} calls/s");
        });
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "# iamport benchmarks{}",
        if quick {
            " (quick mode: figures are not meaningful)"
        } else {
            ""
        }
    );
    runtime.block_on(async {
        let (base, served) = serve(Duration::ZERO, 1000).await;
        latency(&base, if quick { 50 } else { 5000 }).await;
        throughput(
            &base,
            if quick { 1000 } else { 20000 },
            if quick { 1 } else { 5 },
        )
        .await;
        cold_start(1000).await;
        // One for each SDK client and each raw client made above.
        assert_eq!(served.token_requests.load(Ordering::SeqCst), 6);
    });
    decoding(if quick { 1 } else { 15 });
}
