//! Escrow shipping, the account's settings and partner receipts: every recording through the
//! client, typed values, inputs checked before sending, and the addresses and phone numbers
//! of a shipping kept out of `Debug` and errors.
#![cfg(all(feature = "escrow", feature = "account", feature = "partners"))]

mod common;

use iamport::{
    CourierCompany, PgSettingType, UnixTime,
    testing::MockIamport,
    types::{
        EscrowLogis, EscrowReceiver, EscrowSender, EscrowShippingRequest, PartnerReceipt,
        PartnerReceiptsRequest,
    },
};
use serde_json::json;

#[tokio::test]
async fn every_escrow_account_and_partner_recording_goes_through_the_client() {
    common::every_recording_goes_through_the_client(&[
        "get_escrow_shipping",
        "register_escrow_shipping",
        "update_escrow_shipping",
        "get_tier",
        "get_pg_settings",
        "issue_partner_receipts",
    ])
    .await;
}

fn shipping() -> EscrowShippingRequest {
    let sender = EscrowSender::default()
        .name("주식회사예시")
        .tel("0215889999")
        .addr("서울특별시 성동구 성수이로 51")
        .postcode("04790");
    let receiver = EscrowReceiver::default()
        .name("강하늘")
        .tel("01055556666")
        .addr("부산광역시 해운대구 센텀중앙로 78")
        .postcode("48058");
    let logis = EscrowLogis::new(
        CourierCompany::CjGls,
        "600012345678",
        UnixTime::from_secs(1_716_249_600),
    );
    EscrowShippingRequest::new(sender, receiver, logis)
}

#[tokio::test]
async fn a_shipping_is_registered_and_read_with_its_courier() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let answer = json!({"applied_at": 1716300120, "company": "CJGLS", "invoice": "600012345678", "sent_at": 1716249600});
    let mut registered = mock
        .when(client.register_escrow_shipping("imp_448210037761", shipping()))
        .ok(&answer);
    let shipped = client
        .register_escrow_shipping("imp_448210037761", shipping())
        .await
        .unwrap();
    assert_eq!(shipped.company, CourierCompany::CjGls);
    assert_eq!(shipped.applied_at, UnixTime::from_secs(1_716_300_120));
    registered.assert_calls(1);
    registered.delete();

    // A courier the spec does not list is kept.
    let _read = mock.recording(&common::recording("get_escrow_shipping.ok"));
    let read = client.escrow_shipping("imp_448210037763").await.unwrap();
    assert_eq!(read.company.as_str(), "LOTTE");
    assert!(read.company.is_unknown());

    // Registered twice: 409, a refusal, never resent.
    let twice = mock.recording(&common::recording(
        "register_escrow_shipping.already_registered",
    ));
    let err = client
        .register_escrow_shipping("imp_448210037761", shipping())
        .await
        .unwrap_err();
    assert!(err.refusal().is_some() && !err.is_retryable(), "{err:?}");
    twice.assert_calls(1);

    // A lost answer names the payment and is not resent.
    let lost = mock
        .when(client.register_escrow_shipping("imp_9", shipping()))
        .respond(504, json!({}));
    let err = client
        .register_escrow_shipping("imp_9", shipping())
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.attempted().unwrap().imp_uid.as_deref(), Some("imp_9"));
    assert!(err.to_string().contains("escrow_shipping"), "{err}");
    lost.assert_calls(1);
}

#[test]
fn addresses_and_phones_of_a_shipping_never_show() {
    let (shown, logs) = common::with_logs(async {
        let mock = MockIamport::start().await;
        let client = mock.client();
        let mut shown = vec![format!("{:?}", shipping())];
        let _refused = mock.error(
            "POST",
            "/escrows/logis/imp_2",
            400,
            1,
            "에스크로 결제건이 아닙니다.",
        );
        let err = client
            .register_escrow_shipping("imp_2", shipping())
            .await
            .unwrap_err();
        shown.push(format!("{err} {err:?}"));
        // Refused before sending: an invoice too long.
        let mut long = shipping();
        long.logis.invoice = "9".repeat(41);
        let err = client
            .register_escrow_shipping("imp_3", long)
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{err:?}");
        shown.push(format!("{err} {err:?}"));
        shown
    });
    assert!(logs.contains("register_escrow_shipping"), "{logs}");
    for text in shown.iter().chain([&logs]) {
        for value in [
            "강하늘",
            "01055556666",
            "센텀중앙로",
            "성수이로",
            "48058",
            "0215889999",
        ] {
            assert!(!text.contains(value), "{value:?} shown in:\n{text}");
        }
    }
    // The courier and invoice are not personal data and stay readable.
    assert!(shown[0].contains("600012345678"), "{}", shown[0]);
}

#[tokio::test]
async fn the_accounts_settings_decode_and_a_malformed_tier_code_is_not_sent() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let _settings = mock.recording(&common::recording("get_pg_settings.ok"));
    let settings = client.pg_settings().await.unwrap();
    let api = settings
        .iter()
        .find(|s| s.r#type == PgSettingType::ApiPayment)
        .unwrap();
    assert_eq!(
        (api.pg_provider.as_str(), api.channel_key.as_deref()),
        ("nice_v2", None)
    );
    assert!(settings.iter().any(|s| s.r#type.as_str() == "settlement"));

    let _tier = mock.recording(&common::recording("get_tier.ok"));
    assert_eq!(client.tier("A01").await.unwrap().tier_name, "강남점");
    let _unknown = mock.recording(&common::recording("get_tier.unknown"));
    assert!(client.tier("ZZ9").await.unwrap_err().is_not_found());

    let anything = mock.server().mock(|when, then| {
        when.path_includes("/tiers/");
        then.status(500);
    });
    for bad in ["a01", "A0", "A001", "A-1"] {
        let err = client.tier(bad).await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad}: {err:?}");
    }
    assert_eq!(anything.calls(), 0);
}

#[tokio::test]
async fn partner_receipts_check_their_entries_before_sending() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let entry = |brn: &str, amount: i64| PartnerReceipt::new(brn, "예시상점 강남", amount);
    let request = || PartnerReceiptsRequest::new(vec![entry("123-45-67890", 30000)]);
    let slips = mock
        .when(client.issue_partner_receipts("imp_1", request()))
        .ok(&json!({"receipt_url": "https://iniweb.inicis.com/receipt/partner?tid=1"}));
    let url = client
        .issue_partner_receipts("imp_1", request())
        .await
        .unwrap()
        .receipt_url;
    assert_eq!(
        url.as_deref(),
        Some("https://iniweb.inicis.com/receipt/partner?tid=1")
    );
    slips.assert_calls(1);

    for bad in [
        PartnerReceiptsRequest::new(vec![]),
        PartnerReceiptsRequest::new(vec![entry("1234567890", 30000)]),
        PartnerReceiptsRequest::new(vec![entry("123-45-67890", 0)]),
    ] {
        let err = client
            .issue_partner_receipts("imp_1", bad)
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{err:?}");
    }
    slips.assert_calls(1);
}
