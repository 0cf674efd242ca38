//! The hooks of every generated request: the token before it, and the attempt itself (sent
//! once, its body read whole, its outcome settled: a retry, a token refresh, or the answer).
//! One path from request to outcome, kept in one file with its tests.

use std::{future::Future, pin::Pin};

use bytes::{Bytes, BytesMut};
use futures_util::{FutureExt, future::Either};
use progenitor_client::{ClientHooks, Error as GenError, OperationInfo};
use reqwest::{
    ResponseBuilderExt, StatusCode,
    header::{AUTHORIZATION, HeaderName, HeaderValue},
};

use super::ClientState;
use crate::{
    Error, Result,
    call::{self, Again, AgainReason, CALL, with_call},
    generated,
    retry::{self, Kind},
};

const TOKEN_OPERATION: &str = "get_token";
const TIER: HeaderName = HeaderName::from_static("tier");

impl generated::Client {
    /// The `Authorization` value of a usable token: the cached one, or a new one fetched through
    /// `get_token`. The fetch is boxed: it runs through the same hooks that call this.
    pub(super) fn token_header(
        &self,
    ) -> Pin<Box<dyn Future<Output = Result<HeaderValue>> + Send + '_>> {
        Box::pin(async move {
            let tokens = &self.inner.0.tokens;
            if let Some(header) = tokens.cached() {
                return Ok(header);
            }
            tokens
                .header(move |request| {
                    Box::pin(async move {
                        let retry = &self.inner.0.retry;
                        call::run(true, retry, || self.get_token(&request)).await
                    })
                })
                .await
        })
    }
}

impl ClientHooks<ClientState> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> std::result::Result<(), GenError<E>> {
        if let Some(tier) = &self.inner.0.tier {
            request.headers_mut().insert(TIER, tier.clone());
        }
        if info.operation_id == TOKEN_OPERATION {
            return Ok(());
        }
        // A call the testing kit captures is never sent: it needs no token.
        #[cfg(feature = "testing")]
        if crate::testing::capture::active() {
            return Ok(());
        }
        // The usual case, a cached token, without the boxed future of an exchange.
        if let Some(header) = self.inner.0.tokens.cached() {
            request.headers_mut().insert(AUTHORIZATION, header);
            return Ok(());
        }
        match self.token_header().await {
            Ok(header) => {
                request.headers_mut().insert(AUTHORIZATION, header);
                Ok(())
            }
            Err(e) => {
                with_call(|c| c.error.set(Some(Box::new(e))));
                Err(GenError::Custom("token exchange failed".into()))
            }
        }
    }

    /// Sends the request once, reads the response's whole body (see [`Received`]), and says
    /// whether another attempt is due (a retry, or a token refresh) in the call's context,
    /// where [`call::run`] runs the operation again.
    ///
    /// Not an `async fn`: the attempt is set going before the future is built, so the future
    /// holds that attempt and nothing twice.
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        let token_call = info.operation_id == TOKEN_OPERATION;
        crate::trace::name(info.operation_id);
        let call = InFlight {
            operation: info.operation_id,
            kind: Kind::of(&request, token_call),
            // The token exchange itself is never refreshed.
            token: if token_call {
                None
            } else {
                request.headers().get(AUTHORIZATION).cloned()
            },
        };
        if call.kind == Kind::Change {
            let attempted = crate::reconcile::attempted(call.operation, &request);
            with_call(|c| c.attempted.set(Some(Box::new(attempted))));
        }
        self.attempt(request, &call)
            .map(move |outcome| self.settle(call, outcome).map(deliver))
    }
}

/// What `exec` keeps of a request it sends: the operation, what kind of request it is, and
/// the token it carried (forgotten if the server rejects it).
struct InFlight {
    operation: &'static str,
    kind: Kind,
    token: Option<HeaderValue>,
}

/// A response whose whole body has been read.
///
/// Reading the body inside the hook puts the size cap on every body and makes a connection
/// reset in the middle of one a failure of the attempt, retried like any other.
struct Received {
    response: reqwest::Response,
    body: Bytes,
}

impl Received {
    /// A stand-in for a call whose real outcome is recorded as a hook error.
    fn empty(status: u16) -> Received {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
        Received {
            response: reqwest::Response::from(response),
            body: Bytes::new(),
        }
    }
}

/// Hands a response on, with its body.
///
/// The body goes into the call's context, where the generated operation's decoding
/// ([`decoded`](crate::envelope::decoded)) takes it: it is not read a second time, and the response is not
/// rebuilt. Outside a call's context, the response is rebuilt around its body.
fn deliver(received: Received) -> reqwest::Response {
    let Received { mut response, body } = received;
    let mut body = Some(body);
    with_call(|c| c.body.set(body.take()));
    let Some(body) = body else { return response };
    // Carrying the URL over spares reqwest parsing a placeholder for the rebuilt response.
    let mut rebuilt = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone())
        .body(body)
        .unwrap_or_else(|e| unreachable!("a builder given typed parts cannot fail: {e}"));
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    reqwest::Response::from(rebuilt)
}

/// Why one attempt produced no response to hand on.
enum Failure {
    Transport(reqwest::Error),
    TooLarge {
        status: u16,
    },
    /// A change was answered from another URL than it was sent to: the `reqwest::Client`
    /// followed a redirect (one given through `http_client` may).
    Redirected {
        status: u16,
    },
    /// The mock server matched no stub to the request, described as `GET /path?query`.
    #[cfg(feature = "testing")]
    Unmatched(String),
}

/// A response answered in memory (tests of the decoding path).
type Canned = Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send>>;

impl generated::Client {
    /// Sends a request once and reads its whole body, up to the size limit, so that a failure
    /// while reading is a failure of this attempt (and may be retried).
    fn attempt(
        &self,
        request: reqwest::Request,
        call: &InFlight,
    ) -> impl Future<Output = std::result::Result<Received, Failure>> + use<> {
        // The fields are read only when the event is enabled.
        tracing::debug!(
            operation = call.operation,
            attempt = CALL.try_with(|c| c.retries.get()).unwrap_or(0) + 1,
            method = %request.method(),
            // The route, not the path: a path carries ids.
            route = crate::trace::route(call.operation).map(|(_, template)| template),
            "sending"
        );
        let limit = self.inner.0.max_response_bytes;
        #[cfg(feature = "testing")]
        let asked = self
            .inner
            .0
            .report_unmatched
            .then(|| crate::testing::described(&request));
        // A request the testing kit captures is kept there, and never sent.
        #[cfg(feature = "testing")]
        if crate::testing::capture::record(&request) {
            let captured = Failure::Unmatched(format!(
                "{} (captured)",
                crate::testing::described(&request)
            ));
            return Either::Right(std::future::ready(Err(captured)));
        }
        // Only a change's URL is kept: where it was answered from matters for it alone.
        let sent_to = (call.kind == Kind::Change).then(|| request.url().clone());
        let sending = self.send(request);
        Either::<_, std::future::Ready<std::result::Result<Received, Failure>>>::Left(async move {
            let mut response = sending.await.map_err(Failure::Transport)?;
            if sent_to.is_some_and(|sent| *response.url() != sent) {
                return Err(Failure::Redirected {
                    status: response.status().as_u16(),
                });
            }
            let body = read_capped(&mut response, limit).await?;
            #[cfg(feature = "testing")]
            if let Some(asked) = asked
                && crate::testing::is_unmatched(response.status(), &body)
            {
                return Err(Failure::Unmatched(asked));
            }
            Ok(Received { response, body })
        })
    }

    /// The request on its way: over the network, or to the in-memory responder of tests.
    fn send(
        &self,
        request: reqwest::Request,
    ) -> Either<impl Future<Output = reqwest::Result<reqwest::Response>> + use<>, Canned> {
        #[cfg(feature = "testing")]
        if let Some(responder) = &self.inner.0.responder {
            // Answered from the URL asked, as a server would be.
            let (parts, body) = (responder.0)(&request).into_parts();
            let mut rebuilt = http::Response::builder()
                .status(parts.status)
                .url(request.url().clone())
                .body(body)
                .unwrap_or_else(|e| unreachable!("a builder given typed parts cannot fail: {e}"));
            *rebuilt.headers_mut() = parts.headers;
            let canned = reqwest::Response::from(rebuilt);
            return Either::Right(Box::pin(std::future::ready(Ok(canned))));
        }
        Either::Left(self.client.execute(request))
    }

    /// What an attempt gives: the response or failure to hand on, with the facts the call's
    /// context keeps (status, whether the request may have arrived, and whether another
    /// attempt is due).
    fn settle(
        &self,
        call: InFlight,
        outcome: std::result::Result<Received, Failure>,
    ) -> reqwest::Result<Received> {
        let shared = &self.inner.0;
        let operation = call.operation;
        with_call(|c| c.token.set(call.token.clone()));
        let again = |reason| {
            with_call(|c| c.again.set(Some(Box::new(Again { operation, reason }))));
        };
        match outcome {
            Ok(received) => {
                let status = received.response.status();
                tracing::debug!(operation, status = status.as_u16(), "response");
                let refresh = status == StatusCode::UNAUTHORIZED
                    && call.token.is_some()
                    && CALL
                        .try_with(|c| !c.refreshed.replace(true))
                        .unwrap_or(false);
                with_call(|c| {
                    c.status.set(Some(status.as_u16()));
                    c.may_have_arrived.set(!retry::surely_not_processed(status));
                });
                if refresh {
                    // The token was rejected: forget it, and run again with another.
                    tracing::info!(operation, "access token rejected; fetching another");
                    shared.tokens.invalidate(call.token.as_ref());
                    again(AgainReason::Refresh);
                } else if call.kind.retries_status(status) {
                    again(AgainReason::Retry {
                        status: Some(status.as_u16()),
                        retry_after: retry::retry_after(received.response.headers()),
                    });
                }
                Ok(received)
            }
            Err(Failure::TooLarge { status }) => {
                with_call(|c| {
                    c.status.set(Some(status));
                    c.may_have_arrived.set(true);
                    c.error.set(Some(Box::new(Error::ResponseTooLarge {
                        status,
                        limit: shared.max_response_bytes,
                    })));
                });
                Ok(Received::empty(status))
            }
            Err(Failure::Redirected { status }) => {
                // Where the redirect led, the change may have been carried out.
                // Status 0: no answer came from where the change was sent, so whatever the
                // redirect's target said (even 401 or 429) is not a refusal of it.
                with_call(|c| {
                    c.status.set(Some(status));
                    c.may_have_arrived.set(true);
                    c.error.set(Some(Box::new(Error::Http {
                        status: 0,
                        excerpt: format!(
                            "answered ({status}) from another URL: a redirect was followed (a \
                             client given through http_client follows redirects unless built \
                             with redirect::Policy::none())"
                        ),
                    })));
                });
                Ok(Received::empty(status))
            }
            #[cfg(feature = "testing")]
            Err(Failure::Unmatched(asked)) => {
                // Nothing answered the request: it was surely not acted on.
                with_call(|c| {
                    c.status.set(Some(404));
                    c.may_have_arrived.set(false);
                    c.error.set(Some(Box::new(Error::Http {
                        status: 404,
                        excerpt: format!("no stub for {asked}"),
                    })));
                });
                Ok(Received::empty(404))
            }
            Err(Failure::Transport(e)) => {
                // Failing to connect means nothing was sent; anything later may have arrived.
                let arrived = !e.is_connect();
                with_call(|c| c.may_have_arrived.set(arrived));
                if call.kind.retries_failure(arrived) {
                    again(AgainReason::Retry {
                        status: None,
                        retry_after: None,
                    });
                }
                Err(e)
            }
        }
    }
}

/// Reads a response's whole body, up to `limit` bytes.
async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> std::result::Result<Bytes, Failure> {
    let status = response.status().as_u16();
    let declared = response.content_length().unwrap_or(0);
    if declared > limit as u64 {
        return Err(Failure::TooLarge { status });
    }
    // A body that arrives in one chunk is kept as it is; only a split one is copied.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut len = 0;
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        len += chunk.len();
        if len > limit {
            return Err(Failure::TooLarge { status });
        }
        match (&mut joined, first.take()) {
            (Some(all), _) => all.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(head)) => {
                let mut all = BytesMut::with_capacity(
                    usize::try_from(declared)
                        .unwrap_or(0)
                        .max(head.len() + chunk.len()),
                );
                all.extend_from_slice(&head);
                all.extend_from_slice(&chunk);
                joined = Some(all);
            }
        }
    }
    Ok(match joined {
        Some(all) => all.freeze(),
        None => first.unwrap_or_default(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    /// A response as the `exec` hook hands it on: its body already read out of it.
    fn received(body: &'static [u8]) -> super::Received {
        let mut response = http::Response::new(bytes::Bytes::new());
        *response.status_mut() = reqwest::StatusCode::NOT_FOUND;
        super::Received {
            response: reqwest::Response::from(response),
            body: bytes::Bytes::from_static(body),
        }
    }

    const BODY: &[u8] = br#"{"code":-1,"message":"no such payment","response":null}"#;

    fn decode(response: reqwest::Response) -> crate::generated::types::ErrorEnvelope {
        let value =
            crate::envelope::decoded::<crate::generated::types::ErrorEnvelope, ()>(response)
                .unwrap();
        assert_eq!(value.status(), reqwest::StatusCode::NOT_FOUND);
        value.into_inner()
    }

    #[test]
    fn a_response_handed_on_within_a_call_leaves_its_body_aside_and_is_decoded_from_it() {
        use crate::call::{CALL, CallContext};
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let envelope = runtime.block_on(CALL.scope(CallContext::default(), async {
            let response = super::deliver(received(BODY));
            let kept = CALL.with(|c| {
                let body = c.body.take();
                let kept = body.as_deref() == Some(BODY);
                c.body.set(body);
                kept
            });
            assert!(kept, "the body is not in the call's context");
            let envelope = decode(response);
            assert!(
                CALL.with(|c| c.body.take()).is_none(),
                "the body was left behind"
            );
            envelope
        }));
        assert_eq!(
            (envelope.code, envelope.message.as_deref()),
            (-1, Some("no such payment"))
        );
    }

    #[test]
    fn a_response_handed_on_outside_a_call_carries_its_body_itself() {
        let envelope = decode(super::deliver(received(BODY)));
        assert_eq!(
            (envelope.code, envelope.message.as_deref()),
            (-1, Some("no such payment"))
        );
    }
}
