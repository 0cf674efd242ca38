//! Learning the outcome of a change after [`Error::OutcomeUnknown`].
//!
//! A request that changes something is never sent again once it may have reached the server;
//! when its answer is lost or unclear the caller gets [`Error::OutcomeUnknown`], which carries
//! an [`Attempted`]: the operation, the payment's ids and the amount the request named. Look
//! the payment up before deciding anything. For a cancel,
//! [`Client::cancellation_outcome`] does that: it looks the payment up, polling for a bounded
//! time, until a cancellation of the attempted amount is recorded after the attempt started.
//!
//! ```no_run
//! # async fn run(client: iamport::Client) -> iamport::Result<()> {
//! use iamport::reconcile::CancelOutcome;
//!
//! let result = client.cancel_payment().imp_uid("imp_123").amount(1000).send().await;
//! match result {
//!     Ok(payment) => println!("cancelled; {} left", payment.cancellable_amount().unwrap_or_default()),
//!     Err(err) if err.is_outcome_unknown() => {
//!         let attempted = err.attempted().expect("carried by OutcomeUnknown");
//!         match client.cancellation_outcome(attempted).send().await? {
//!             CancelOutcome::Recorded { amount, .. } => println!("{amount} was refunded"),
//!             CancelOutcome::NotRecorded { .. } => println!("nothing refunded; may cancel again"),
//!             _ => {}
//!         }
//!     }
//!     Err(err) => return Err(err),
//! }
//! # Ok(()) }
//! ```

use std::time::{Duration, Instant};

use crate::{Amount, Attempted, Client, Error, Payment, Result, UnixTime};

mod sent;

#[cfg(feature = "billing")]
pub use schedules::{ScheduleOutcome, ScheduleOutcomeLookup};

pub(crate) use sent::attempted;

/// The shortest wait between two lookups of a poll
/// ([`CancellationOutcome::interval`], [`ChargeOutcomeLookup::interval`], and
/// `ScheduleOutcomeLookup::interval` with the `billing` feature): 100 ms.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// `poll_for` and `interval` of a polling lookup's builder, with `$why` in `poll_for`'s doc.
macro_rules! polling_setters {
    ($why:literal) => {
        /// How long to keep looking (default 30 s); zero looks once.
        #[doc = $why]
        /// Make it longer than the request timeout.
        pub fn poll_for(mut self, duration: Duration) -> Self {
            self.poll_for = duration;
            self
        }

        /// The wait between lookups (default 2 s), at least [`MIN_POLL_INTERVAL`]: a shorter
        /// one, zero included, is raised to it, so polling never floods the API with
        /// lookups.
        pub fn interval(mut self, interval: Duration) -> Self {
            self.interval = interval.max(MIN_POLL_INTERVAL);
            self
        }
    };
}

/// One lookup of a poll: the answer looked for, or what was seen instead.
pub(crate) enum Look<D, A> {
    Done(D),
    Again(A),
}

/// Looks until `look` gives [`Look::Done`] or `poll_for` is over (at least once), waiting
/// `interval` between lookups; a failed lookup is tried again while it is retryable and time
/// is left. The last [`Look::Again`] when time runs out.
pub(crate) async fn poll<D, A, F, Fut>(
    poll_for: Duration,
    interval: Duration,
    mut look: F,
) -> Result<Look<D, A>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Look<D, A>>>,
{
    let started = Instant::now();
    loop {
        let looked = look().await;
        let over = started.elapsed().saturating_add(interval) > poll_for;
        match looked {
            Ok(Look::Done(done)) => return Ok(Look::Done(done)),
            Ok(again) if over => return Ok(again),
            Ok(Look::Again(_)) => {}
            Err(e) if over || !e.is_retryable() => return Err(e),
            Err(e) => tracing::debug!(error = %e, "lookup failed; looking again"),
        }
        tokio::time::sleep(interval).await;
    }
}

/// What [`Client::cancellation_outcome`] found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CancelOutcome {
    /// A cancellation matching the attempt was recorded after it started: the cancel went
    /// through. Do not send it again.
    Recorded {
        /// The amount of the cancellation found.
        amount: Amount,
        /// When the server recorded it.
        cancelled_at: UnixTime,
        /// The payment as last looked up.
        payment: Box<Payment>,
    },
    /// The cancel was accepted with its refund waiting for the PG's approval
    /// ([`Error::RefundPending`]), and no matching cancellation was recorded within the
    /// polling time: the approval is still awaited (or was refused, which the webhook
    /// tells). Do not cancel again; look again later.
    Pending {
        /// The payment as last looked up.
        payment: Box<Payment>,
    },
    /// No matching cancellation was recorded within the polling time. The cancel most likely
    /// did not go through; cancelling again is a decision for the caller, with the `checksum`
    /// its own ledger holds (as for any cancel: never one taken from a fresh lookup, which
    /// would let a refund recorded late go through twice).
    NotRecorded {
        /// The payment as last looked up.
        payment: Box<Payment>,
    },
}

/// Builder for [`Client::cancellation_outcome`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to look the payment up"]
pub struct CancellationOutcome<'c> {
    client: &'c Client,
    attempted: Attempted,
    since: UnixTime,
    poll_for: Duration,
    interval: Duration,
}

/// How far before the attempt's start a cancellation still counts, for a server clock that is
/// behind the local one.
pub const DEFAULT_CLOCK_SLACK: Duration = Duration::from_secs(10);

impl Client {
    /// Learns whether a cancel whose outcome is unknown went through: looks the payment up
    /// (by `imp_uid`, else by `merchant_uid`) until its `cancel_history` shows a cancellation
    /// of the attempted amount (any amount, for a cancel of all that was left) recorded since
    /// the attempt started, polling every 2 s for up to 30 s by default.
    ///
    /// `since` defaults to the attempt's start less [`DEFAULT_CLOCK_SLACK`]; a cancellation of
    /// the same amount recorded just before the attempt would be counted, so narrow it with
    /// [`CancellationOutcome::since`] when the payment may have been cancelled moments before.
    ///
    /// Use it right after [`Error::OutcomeUnknown`] or [`Error::RefundPending`] from
    /// [`cancel_payment`](Client::cancel_payment), with [`Error::attempted`], or with an
    /// [`Attempted::cancel_by_imp_uid`] built from ids kept elsewhere. For a refund pending
    /// approval (the attempt is [`Attempted::accepted`]) a cancellation not recorded yet is
    /// [`CancelOutcome::Pending`], never [`CancelOutcome::NotRecorded`].
    pub fn cancellation_outcome(&self, attempted: &Attempted) -> CancellationOutcome<'_> {
        let slack = i64::try_from(DEFAULT_CLOCK_SLACK.as_secs()).unwrap_or(0);
        CancellationOutcome {
            client: self,
            attempted: attempted.clone(),
            since: UnixTime::from_secs(attempted.started_at.as_secs().saturating_sub(slack)),
            poll_for: Duration::from_secs(30),
            interval: Duration::from_secs(2),
        }
    }
}

impl CancellationOutcome<'_> {
    /// Count only cancellations recorded at or after this time (server clock).
    pub fn since(mut self, since: UnixTime) -> Self {
        self.since = since;
        self
    }

    /// The amount whose cancellation is looked for, when the attempt did not carry it.
    pub fn amount(mut self, amount: impl Into<Amount>) -> Self {
        self.attempted.amount = Some(amount.into());
        self
    }

    polling_setters!("A cancel still being carried out behind a gateway shows up late.");

    /// Looks the payment up until the cancellation shows or the polling time is over.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the attempt names no payment, or an amount of zero (a
    /// cancel of zero is never sent; a full cancel's attempt carries no amount); the lookup's
    /// error when it is not retryable, or when the last lookup failed.
    pub async fn send(self) -> Result<CancelOutcome> {
        if self
            .attempted
            .amount
            .is_some_and(|a| a.is_zero() || a.is_negative())
        {
            return Err(Error::invalid(
                "amount",
                "a cancel of zero or less is never sent; for a full cancel give no amount",
            ));
        }
        let looked = poll(self.poll_for, self.interval, || async {
            let payment = self.look().await?;
            Ok(match self.find(&payment) {
                Some((amount, cancelled_at)) => Look::Done(CancelOutcome::Recorded {
                    amount,
                    cancelled_at,
                    payment: Box::new(payment),
                }),
                None => Look::Again(payment),
            })
        })
        .await?;
        Ok(match looked {
            Look::Done(outcome) => outcome,
            Look::Again(payment) if self.attempted.accepted => CancelOutcome::Pending {
                payment: Box::new(payment),
            },
            Look::Again(payment) => CancelOutcome::NotRecorded {
                payment: Box::new(payment),
            },
        })
    }

    async fn look(&self) -> Result<Payment> {
        match (&self.attempted.imp_uid, &self.attempted.merchant_uid) {
            (Some(imp_uid), _) => self.client.payment(imp_uid).await,
            (None, Some(merchant_uid)) => self.client.find_payment(merchant_uid).send().await,
            (None, None) => Err(Error::invalid(
                "attempted",
                "names neither imp_uid nor merchant_uid",
            )),
        }
    }

    /// The first cancellation recorded since `since` of the attempted amount.
    fn find(&self, payment: &Payment) -> Option<(Amount, UnixTime)> {
        recorded_cancellation(payment, self.attempted.amount, self.since)
    }
}

/// The first cancellation in the payment's `cancel_history` recorded at or after `since` of
/// `amount` (of any amount when `None`, a cancel of all that was left, which also needs the
/// payment `cancelled`).
pub(crate) fn recorded_cancellation(
    payment: &Payment,
    amount: Option<Amount>,
    since: UnixTime,
) -> Option<(Amount, UnixTime)> {
    if amount.is_none() && payment.status != crate::PaymentStatus::Cancelled {
        return None;
    }
    payment.cancel_history.iter().find_map(|c| {
        let at = c.cancelled_at.filter(|at| *at >= since)?;
        let amount_matches = amount.is_none_or(|a| a == c.amount);
        amount_matches.then_some((c.amount, at))
    })
}

/// What [`Client::charge_outcome`] found for a charge whose answer was lost or unclear.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ChargeOutcome {
    /// The charge went through: the payment is paid. Do not charge again.
    Paid(Box<Payment>),
    /// The charge arrived and moved no money: the payment is `failed` (declined, see its
    /// `fail_reason`) or `cancelled`. Charging again needs a new `merchant_uid`.
    NotPaid(Box<Payment>),
    /// The payment was still `ready` (neither paid nor failed), or in a status this crate
    /// does not know, when the polling time ran out: the charge may still complete. Do not
    /// charge again; look again later.
    Pending(Box<Payment>),
    /// No payment for the order within the polling time: the charge most likely never
    /// arrived. Charging again with the same `merchant_uid` is the safe retry: if the first
    /// did arrive after all, the server refuses the second as a duplicate order.
    NotFound,
}

/// Builder for [`Client::charge_outcome`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to look the payment up"]
pub struct ChargeOutcomeLookup<'c> {
    client: &'c Client,
    merchant_uid: String,
    poll_for: Duration,
    interval: Duration,
}

impl Client {
    /// Learns what became of a charge whose answer was lost ([`Error::OutcomeUnknown`] from
    /// [`charge_billing_key`](Client::charge_billing_key),
    /// [`charge_onetime`](Client::charge_onetime) or
    /// [`retry_schedule`](Client::retry_schedule)): looks the payment of `merchant_uid` up,
    /// polling every 2 s for up to 30 s by default while there is none or it is still `ready`,
    /// since a charge carried out behind a PG shows up late.
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// use iamport::reconcile::ChargeOutcome;
    ///
    /// match client.charge_outcome("order-2026-11-3108").send().await? {
    ///     ChargeOutcome::Paid(p) => println!("it went through: {}", p.imp_uid),
    ///     ChargeOutcome::NotFound => println!("it never arrived; charge again, same order id"),
    ///     ChargeOutcome::Pending(_) => println!("still in progress; look again later"),
    ///     _ => println!("declined or cancelled; nothing was charged"),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn charge_outcome(&self, merchant_uid: impl Into<String>) -> ChargeOutcomeLookup<'_> {
        ChargeOutcomeLookup {
            client: self,
            merchant_uid: merchant_uid.into(),
            poll_for: Duration::from_secs(30),
            interval: Duration::from_secs(2),
        }
    }
}

impl ChargeOutcomeLookup<'_> {
    polling_setters!("It looks again while there is no payment or it is `ready`.");

    /// Looks the payment up until it is paid, failed or cancelled, or the polling time is
    /// over.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed id; the lookup's error when it is not
    /// retryable, or when the last lookup failed.
    pub async fn send(self) -> Result<ChargeOutcome> {
        let looked = poll(self.poll_for, self.interval, || async {
            match self.client.find_payment(&self.merchant_uid).send().await {
                Ok(p) if p.status == crate::PaymentStatus::Paid => {
                    Ok(Look::Done(ChargeOutcome::Paid(Box::new(p))))
                }
                Ok(p)
                    if matches!(
                        p.status,
                        crate::PaymentStatus::Failed | crate::PaymentStatus::Cancelled
                    ) =>
                {
                    Ok(Look::Done(ChargeOutcome::NotPaid(Box::new(p))))
                }
                // `ready`, or a status this crate does not know: not settled.
                Ok(p) => Ok(Look::Again(Some(p))),
                Err(e) if e.is_not_found() => Ok(Look::Again(None)),
                Err(e) => Err(e),
            }
        })
        .await?;
        Ok(match looked {
            Look::Done(outcome) => outcome,
            Look::Again(Some(p)) => ChargeOutcome::Pending(Box::new(p)),
            Look::Again(None) => ChargeOutcome::NotFound,
        })
    }
}

// After `polling_setters`, which it uses.
#[cfg(feature = "billing")]
mod schedules;
