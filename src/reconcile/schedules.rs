//! [`Client::schedule_outcome`]: which schedules of a `schedule_payments` request whose
//! answer was lost the server holds.

use std::time::Duration;

use super::{Look, MIN_POLL_INTERVAL, poll};
use crate::{Attempted, Client, Error, Result, Schedule};

/// What [`Client::schedule_outcome`] found for a `schedule_payments` request whose answer was
/// lost or unclear: each order id it named is either registered or missing.
///
/// The server is not known to register a request's schedules all or none, so both lists may
/// be non-empty.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ScheduleOutcome {
    /// The schedules the server holds for the order ids of the request, in the request's
    /// order. Each was registered, by this request or an earlier one with the same order id:
    /// do not schedule it again. Its `schedule_status` is as of the lookup: `scheduled`, or
    /// `revoked`/`executed` when something happened to it since.
    pub registered: Vec<Schedule>,
    /// The order ids the server has no schedule for at the end of the polling time: those
    /// never arrived. Schedule them again with the same order ids; should one have arrived
    /// after all, the server refuses it as an order id already used.
    pub missing: Vec<String>,
}

impl ScheduleOutcome {
    /// Whether every order id of the request is registered: nothing is left to schedule.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Builder for [`Client::schedule_outcome`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to look the schedules up"]
pub struct ScheduleOutcomeLookup<'c> {
    client: &'c Client,
    merchant_uids: Vec<String>,
    poll_for: Duration,
    interval: Duration,
}

impl Client {
    /// Learns which schedules of a [`schedule_payments`](Client::schedule_payments) request
    /// whose answer was lost ([`Error::OutcomeUnknown`]) the server holds: looks up each order
    /// id the request named ([`Attempted::merchant_uids`]) with [`Client::schedule`], again
    /// every 2 s for up to 30 s by default while some are missing.
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client, request: iamport::types::ScheduleRequest) -> iamport::Result<()> {
    /// match client.schedule_payments(request.clone()).await {
    ///     Ok(scheduled) => println!("{} scheduled", scheduled.len()),
    ///     Err(err) if err.is_outcome_unknown() => {
    ///         let attempted = err.attempted().expect("carried by OutcomeUnknown");
    ///         let outcome = client.schedule_outcome(attempted).send().await?;
    ///         for schedule in &outcome.registered {
    ///             println!("{} is registered: not sent again", schedule.merchant_uid);
    ///         }
    ///         if !outcome.is_complete() {
    ///             // Only the missing entries, with their own order ids.
    ///             let mut again = request;
    ///             again.schedules.retain(|e| outcome.missing.contains(&e.merchant_uid));
    ///             client.schedule_payments(again).await?;
    ///         }
    ///     }
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn schedule_outcome(&self, attempted: &Attempted) -> ScheduleOutcomeLookup<'_> {
        ScheduleOutcomeLookup {
            client: self,
            merchant_uids: attempted.merchant_uids.clone(),
            poll_for: Duration::from_secs(30),
            interval: Duration::from_secs(2),
        }
    }
}

impl ScheduleOutcomeLookup<'_> {
    polling_setters!("It looks again while some order id has no schedule.");

    /// Looks every order id up until all are registered or the polling time is over.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the attempt named no order id (it was not a
    /// `schedule_payments` request); a lookup's error when it is not retryable, or when the
    /// last lookup failed.
    pub async fn send(self) -> Result<ScheduleOutcome> {
        if self.merchant_uids.is_empty() {
            return Err(Error::invalid(
                "attempted",
                "names no order id: not a schedule_payments request",
            ));
        }
        let looked = poll(self.poll_for, self.interval, || async {
            let mut registered = Vec::new();
            let mut missing = Vec::new();
            for merchant_uid in &self.merchant_uids {
                match self.client.schedule(merchant_uid).await {
                    Ok(schedule) => registered.push(schedule),
                    Err(e) if e.is_not_found() => missing.push(merchant_uid.clone()),
                    Err(e) => return Err(e),
                }
            }
            let outcome = ScheduleOutcome {
                registered,
                missing,
            };
            Ok(if outcome.is_complete() {
                Look::Done(outcome)
            } else {
                Look::Again(outcome)
            })
        })
        .await?;
        Ok(match looked {
            Look::Done(outcome) | Look::Again(outcome) => outcome,
        })
    }
}
