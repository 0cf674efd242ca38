//! The testing kit's billing state: keys, charges and schedules answered from one ledger as
//! the server would, and a clock that runs due schedules.

use futures_util::TryStreamExt;
use iamport::{
    PaymentStatus, ScheduleStatus, UnixTime,
    testing::{MockIamport, billing_key},
    types::{ChargeBillingKeyRequest, ScheduleEntry, ScheduleRequest, UnscheduleRequest},
};

fn day(start: UnixTime, d: i64) -> UnixTime {
    UnixTime::from_secs(start.as_secs() + d * 86_400)
}

#[tokio::test]
async fn registered_keys_answer_lookups_and_deletes_and_unknown_ones_are_refused() {
    let mock = MockIamport::start().await;
    let billing = mock.billing_state(UnixTime::now());
    let client = mock.client();
    billing.register(&billing_key("member-1"));

    assert_eq!(
        client.billing_key("member-1").await.unwrap().customer_uid(),
        "member-1"
    );
    let unknown = client.billing_key("member-2").await.unwrap_err();
    assert_eq!(unknown.api_code(), Some(1), "{unknown:?}");
    assert!(unknown.api_message().unwrap().contains("member-2"));

    let deleted = client
        .delete_billing_key("member-1")
        .reason("left")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.customer_uid(), "member-1");
    assert!(billing.key("member-1").is_none());
    let again = client
        .delete_billing_key("member-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(again.api_code(), Some(1));

    // A charge of a key the ledger does not hold is refused, and makes nothing.
    let charge = ChargeBillingKeyRequest::new("member-1", "order-1", 1000, "Plan");
    let refused = client.charge_billing_key(charge).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(1));
    assert!(billing.payments().is_empty());
}

#[tokio::test]
async fn schedules_are_listed_by_window_looked_up_and_revoked_by_order() {
    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let client = mock.client();
    billing.register(&billing_key("member-1"));
    billing.register(&billing_key("member-2"));
    let entries: Vec<_> = (1..=3)
        .map(|m| ScheduleEntry::new(format!("m1-{m}"), day(start, 30 * m), 9900))
        .collect();
    client
        .schedule_payments(ScheduleRequest::new("member-1", entries))
        .await
        .unwrap();
    let other = ScheduleEntry::new("m2-1", day(start, 31), 500);
    client
        .schedule_payments(ScheduleRequest::new("member-2", vec![other]))
        .await
        .unwrap();
    // An order id already scheduled is refused.
    let twice = ScheduleEntry::new("m1-1", day(start, 40), 9900);
    let err = client
        .schedule_payments(ScheduleRequest::new("member-1", vec![twice]))
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(1));

    // The window includes its start and excludes its end.
    let listed: Vec<_> = client
        .schedules(day(start, 30), day(start, 90))
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = listed.iter().map(|s| s.merchant_uid.as_str()).collect();
    // Latest first; m1-3, at the end of the window, is not in it.
    assert_eq!(ids, ["m1-2", "m2-1", "m1-1"]);
    let of_key = client
        .billing_key_schedules("member-1", day(start, 29), day(start, 91))
        .send()
        .await
        .unwrap();
    assert_eq!(of_key.total, 3);

    assert_eq!(client.schedule("m1-2").await.unwrap().amount, 9900);
    assert!(client.schedule("m9-9").await.unwrap_err().is_not_found());

    let request = UnscheduleRequest::new()
        .customer_uid("member-1")
        .merchant_uid(vec!["m1-2".to_owned()]);
    let revoked = client.unschedule_payments(request.clone()).await.unwrap();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].schedule_status, ScheduleStatus::Revoked);
    // Nothing left to revoke under that order id.
    let err = client.unschedule_payments(request).await.unwrap_err();
    assert_eq!(err.api_code(), Some(1));
    let pending = client
        .schedules(day(start, 29), day(start, 91))
        .status(ScheduleStatus::Scheduled)
        .send()
        .await
        .unwrap();
    assert_eq!(pending.total, 3);
}

#[tokio::test]
async fn the_clock_runs_due_schedules_in_time_order_and_the_payments_are_served() {
    let mock = MockIamport::start().await;
    let start = UnixTime::now();
    let billing = mock.billing_state(start);
    let client = mock.client();
    billing.register(&billing_key("member-1"));
    let entries = vec![
        ScheduleEntry::new("late", day(start, 20), 2000),
        ScheduleEntry::new("early", day(start, 10), 1000),
        ScheduleEntry::new("later", day(start, 40), 4000),
    ];
    client
        .schedule_payments(ScheduleRequest::new("member-1", entries))
        .await
        .unwrap();
    billing.decline("member-1", "잔액부족");
    let ran = billing.advance_to(day(start, 10)).await;
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].status, PaymentStatus::Failed);
    billing.approve("member-1");

    let ran = billing.advance_to(day(start, 25)).await;
    let ids: Vec<_> = ran.iter().map(|p| p.merchant_uid.as_str()).collect();
    assert_eq!(ids, ["late"]);
    assert_eq!(billing.now(), day(start, 25));
    let paid = client.payment(&ran[0].imp_uid).await.unwrap();
    assert_eq!(paid.status, PaymentStatus::Paid);
    assert_eq!(paid.paid_at, Some(day(start, 20)));
    assert_eq!(paid.customer_uid.as_deref(), Some("member-1"));
    let failed = billing.payment("early").unwrap();
    assert_eq!(failed.fail_reason.as_deref(), Some("잔액부족"));

    // A refund of a ledger payment changes what the next lookup returns.
    client
        .cancel_payment()
        .imp_uid(&paid.imp_uid)
        .amount(500)
        .checksum(2000)
        .send()
        .await
        .unwrap();
    assert_eq!(
        client.payment(&paid.imp_uid).await.unwrap().cancel_amount,
        500
    );
    // The same refund again, with its stale checksum, is refused.
    let stale = client
        .cancel_payment()
        .imp_uid(&paid.imp_uid)
        .amount(500)
        .checksum(2000)
        .send()
        .await
        .unwrap_err();
    assert_eq!(stale.api_code(), Some(1));
}

#[test]
fn fixtures_take_their_ids_in_one_order() {
    use iamport::testing::{charged_payment, declined_payment, payment, schedule};

    let at = UnixTime::from_secs(1_790_000_000);
    let p = payment("imp_1", "order-1", 1000);
    assert_eq!(
        (p.imp_uid.as_str(), p.merchant_uid.as_str()),
        ("imp_1", "order-1")
    );
    for p in [
        charged_payment("imps_1", "order-1", "member-1", 1000),
        declined_payment("imps_1", "order-1", "member-1", 1000),
    ] {
        assert_eq!(
            (
                p.imp_uid.as_str(),
                p.merchant_uid.as_str(),
                p.customer_uid.as_deref()
            ),
            ("imps_1", "order-1", Some("member-1"))
        );
    }
    let s = schedule("order-1", "member-1", at, 1000);
    assert_eq!(
        (
            s.merchant_uid.as_str(),
            s.customer_uid.as_str(),
            s.schedule_at
        ),
        ("order-1", "member-1", at)
    );
}
