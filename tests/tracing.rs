//! Each call runs in one `tracing` span named by its operation, with OpenTelemetry's HTTP
//! client fields: retries and the token refresh happen inside it, and no field carries an id,
//! an amount or a personal value.

mod common;
mod scripted;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use iamport::{Client, RetryPolicy};
use scripted::{Act, Scripted, respond, token};
use tracing::{
    Subscriber,
    field::{Field, Visit},
    span,
};
use tracing_subscriber::{Layer, layer::Context, prelude::*, registry::LookupSpan};

const ID: &str = "imp_448280090638";

/// One span as the layer saw it: its name, fields, parent and the events inside it.
#[derive(Debug, Clone, Default)]
struct Seen {
    name: String,
    parent: Option<u64>,
    fields: BTreeMap<String, String>,
    events: Vec<BTreeMap<String, String>>,
}

/// Records every span and event of the `iamport` crate.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<BTreeMap<u64, Seen>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        if !attrs.metadata().target().starts_with("iamport") {
            return;
        }
        let mut seen = Seen {
            name: attrs.metadata().name().to_owned(),
            parent: ctx
                .span(id)
                .and_then(|s| s.parent())
                .map(|p| p.id().into_u64()),
            ..Seen::default()
        };
        attrs.record(&mut Fields(&mut seen.fields));
        self.0.lock().unwrap().insert(id.into_u64(), seen);
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, _: Context<'_, S>) {
        if let Some(seen) = self.0.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(&mut seen.fields));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        if let Some(seen) = self.0.lock().unwrap().get_mut(&span.id().into_u64()) {
            let mut fields = BTreeMap::new();
            event.record(&mut Fields(&mut fields));
            seen.events.push(fields);
        }
    }
}

impl Spans {
    fn take(&self) -> Vec<(u64, Seen)> {
        std::mem::take(&mut *self.0.lock().unwrap())
            .into_iter()
            .collect()
    }
}

fn client(base: &str) -> Client {
    Client::builder()
        .credentials("key", "secret")
        .base_url(base)
        .timeout(Duration::from_millis(500))
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap()
}

fn payment_body() -> Vec<u8> {
    serde_json::to_vec(&common::recording("get_payment.card_paid").response.body).unwrap()
}

/// The operation spans of a list, by `otel.name`.
fn named<'a>(spans: &'a [(u64, Seen)], operation: &str) -> Vec<&'a (u64, Seen)> {
    spans
        .iter()
        .filter(|(_, s)| s.fields.get("otel.name").map(String::as_str) == Some(operation))
        .collect()
}

/// No field of any span or event shows an id, an amount or the token.
fn nothing_identifying(spans: &[(u64, Seen)]) {
    for (_, s) in spans {
        let values = s
            .fields
            .values()
            .chain(s.events.iter().flat_map(|e| e.values()));
        for value in values {
            for secret in [ID, "32000", "1000", "tok-", "secret", "order-"] {
                assert!(!value.contains(secret), "{secret:?} in {value:?} of {s:?}");
            }
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn calls_run_in_one_span_each_with_otel_fields_and_no_ids() {
    let spans = Spans::default();
    // With a single registered subscriber, `tracing` asks the registering thread's own
    // subscriber whether a callsite is wanted; a second one makes it ask them all.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));

    let ok = payment_body();
    let server = Scripted::start(move |seen, n| {
        let auth = seen.authorization.clone().unwrap_or_default();
        match seen.path.as_str() {
            "/users/getToken" if n == 0 => token("tok-one", 0, 1800),
            "/users/getToken" => token("tok-two", 0, 1800),
            // A lookup retried once after a gateway error.
            "/payments/imp_448280090638" if n == 0 => respond(503, "<html>busy</html>"),
            "/payments/imp_448280090638" => respond(200, ok.clone()),
            // The first token is rejected once: one refresh.
            "/payments/imp_2" if auth.contains("tok-one") => {
                respond(401, r#"{"code":-1,"message":"expired","response":null}"#)
            }
            "/payments/imp_2" => respond(200, ok.clone()),
            // A cancel whose answer is lost.
            _ => Act::Close,
        }
    })
    .await;
    let c = client(&server.base);

    // A retried lookup.
    c.payment(ID).await.unwrap();
    let first = spans.take();
    let lookup = named(&first, "get_payment");
    assert_eq!(lookup.len(), 1, "{first:#?}");
    let (lookup_id, lookup) = lookup[0];
    assert_eq!(lookup.name, "iamport.operation");
    for (field, value) in [
        ("otel.kind", "client"),
        ("http.request.method", "GET"),
        ("url.template", "/payments/{imp_uid}"),
        ("http.response.status_code", "200"),
        ("http.request.resend_count", "1"),
        ("iamport.code", "0"),
    ] {
        assert_eq!(
            lookup.fields.get(field).map(String::as_str),
            Some(value),
            "{field}: {lookup:#?}"
        );
    }
    assert!(
        lookup
            .events
            .iter()
            .any(|e| e.get("message").is_some_and(|m| m == "retrying")),
        "the retry is an event inside the span: {lookup:#?}"
    );
    // The first token exchange ran inside it, as a child span of its own.
    let tokens = named(&first, "get_token");
    assert_eq!(tokens.len(), 1, "{first:#?}");
    assert_eq!(tokens[0].1.parent, Some(*lookup_id));
    assert_eq!(
        tokens[0].1.fields.get("url.template").map(String::as_str),
        Some("/users/getToken")
    );
    nothing_identifying(&first);

    // A token refresh after a 401.
    c.payment("imp_2").await.unwrap();
    let second = spans.take();
    let lookup = named(&second, "get_payment");
    assert_eq!(lookup.len(), 1, "{second:#?}");
    let (lookup_id, lookup) = lookup[0];
    assert_eq!(
        lookup
            .fields
            .get("http.request.resend_count")
            .map(String::as_str),
        Some("1")
    );
    assert!(
        lookup.events.iter().any(|e| e
            .get("message")
            .is_some_and(|m| m.contains("access token rejected"))),
        "{lookup:#?}"
    );
    let refresh = named(&second, "get_token");
    assert_eq!(refresh.len(), 1, "{second:#?}");
    assert_eq!(refresh[0].1.parent, Some(*lookup_id));

    // A lost change.
    let err = c
        .cancel_payment()
        .imp_uid(ID)
        .amount(1000)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    let third = spans.take();
    let cancel = named(&third, "cancel_payment");
    assert_eq!(cancel.len(), 1, "{third:#?}");
    let cancel = &cancel[0].1;
    for (field, value) in [
        ("http.request.method", "POST"),
        ("url.template", "/payments/cancel"),
        ("iamport.outcome_unknown", "true"),
        ("otel.status_code", "ERROR"),
        ("error.type", "outcome_unknown"),
    ] {
        assert_eq!(
            cancel.fields.get(field).map(String::as_str),
            Some(value),
            "{field}: {cancel:#?}"
        );
    }
    assert!(
        !cancel.fields.contains_key("http.request.resend_count"),
        "sent once: {cancel:#?}"
    );
    nothing_identifying(&second);
    nothing_identifying(&third);
}
