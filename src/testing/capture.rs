//! The request a call would send, taken from the client itself: the call runs up to the point
//! where the request would leave, and the request is kept instead of sent.
//!
//! A stub built from it cannot disagree with the client about a path, a query parameter's
//! name or a body's shape: there is no second description of the operation to get wrong.

use std::{
    cell::RefCell,
    future::{Future, IntoFuture},
    pin::pin,
    task::{Context, Poll, Waker},
};

use serde_json::Value;

use super::matcher::RequestMatcher;

thread_local! {
    /// `Some` while a call is being captured on this thread: the first request it made.
    static CAPTURING: RefCell<Option<Option<RequestMatcher>>> = const { RefCell::new(None) };
}

/// Whether the call running on this thread is being captured: its requests are kept, not
/// sent, and it needs no access token.
pub(crate) fn active() -> bool {
    CAPTURING.with_borrow(Option::is_some)
}

/// Keeps `request` when a call is being captured (the first request only) and says whether
/// it was: the caller then sends nothing.
pub(crate) fn record(request: &reqwest::Request) -> bool {
    CAPTURING.with_borrow_mut(|slot| match slot {
        None => false,
        Some(first) => {
            if first.is_none() {
                *first = Some(expect_of(request));
            }
            true
        }
    })
}

/// The request as a stub matches it: method, path as sent (ids percent-encoded), every
/// query pair, and the JSON body.
fn expect_of(request: &reqwest::Request) -> RequestMatcher {
    let url = request.url();
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .and_then(|b| serde_json::from_slice::<Value>(b).ok());
    RequestMatcher::new(request.method().as_str(), url.path().to_owned()).sent(query, body)
}

/// Ends capture mode on this thread, also when the call panics.
struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURING.with_borrow_mut(|slot| *slot = None);
    }
}

/// The first request `call` makes, taken without sending it (nor fetching a token).
///
/// The call runs once, on this thread, up to its first request: a call the client refuses
/// before sending anything (an id too long, an amount of zero, ...) gives its error instead.
///
/// # Panics
/// When `call` asks for nothing at once (it waits on something else first): no call of the
/// client does.
pub(crate) fn request_of<T>(
    call: impl IntoFuture<Output = crate::Result<T>>,
) -> crate::Result<RequestMatcher> {
    let mut future = pin!(call.into_future());
    CAPTURING.with_borrow_mut(|slot| *slot = Some(None));
    let guard = Capturing;
    let polled = future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
    let captured = CAPTURING.with_borrow_mut(|slot| slot.take().flatten());
    drop(guard);
    match (captured, polled) {
        (Some(expect), _) => Ok(expect),
        (None, Poll::Ready(Err(e))) => Err(e),
        (None, Poll::Ready(Ok(_))) => panic!("the call finished without sending a request"),
        (None, Poll::Pending) => panic!("the call waited before sending its request"),
    }
}
