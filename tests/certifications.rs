//! Identity verification: every recording through the client, the typed birth date and both
//! age counts across birthdays, an unfinished verification, the text-message check, and the
//! person's data kept out of `Debug`, errors and tracing.
#![cfg(feature = "certifications")]

mod common;

use iamport::{
    Certification, Date, OtpCarrier, PhoneCarrier,
    testing::{MockIamport, certified_person, unfinished_certification},
    types::CertificationOtpRequest,
};
use serde_json::json;

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

#[tokio::test]
async fn every_certification_recording_goes_through_the_client() {
    common::every_recording_goes_through_the_client(&[
        "get_certification",
        "delete_certification",
        "request_certification_otp",
        "confirm_certification_otp",
    ])
    .await;
}

#[tokio::test]
async fn a_recorded_verification_reads_as_typed_values() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let _ok = mock.recording(&common::recording("get_certification.ok"));
    let person = client.certification("imp_513300072244").await.unwrap();
    assert!(person.is_certified());
    assert_eq!(person.birth_date(), Some(day("1990-01-01")));
    assert_eq!(person.carrier, Some(PhoneCarrier::Kt));
    assert_eq!(person.gender, Some(iamport::Gender::Female));
    assert_eq!(
        person.certified_at.map(|t| t.as_secs()),
        Some(1_716_002_345)
    );
    assert_eq!(person.age_on(day("2026-12-06")), Some(36));

    // Values the server added later are kept, not errors.
    let _later = mock.recording(&common::recording("get_certification.unlisted_values"));
    let person = client.certification("imp_513300072245").await.unwrap();
    assert_eq!(
        person.carrier.as_ref().map(|c| c.as_str()),
        Some("LGU_PLUS_MVNO")
    );
    assert!(person.gender.as_ref().is_some_and(|g| g.is_unknown()));

    // KG Inicis gives no gender, no DI and no carrier.
    let _inicis = mock.recording(&common::recording("get_certification.inicis"));
    let person = client.certification("imp_220487115530").await.unwrap();
    assert_eq!(
        (&person.gender, &person.unique_in_site, &person.carrier),
        (&None, &None, &None)
    );
    assert_eq!(person.birth_date(), Some(day("1993-07-08")));

    let _unknown = mock.recording(&common::recording("get_certification.not_found"));
    let err = client.certification("imp_000000000000").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn an_unfinished_verification_is_an_answer_that_says_nothing_of_anyone() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let _rec = mock.recording(&common::recording("get_certification.unfinished"));
    let c = client.certification("imp_604417283391").await.unwrap();
    assert!(!c.is_certified());
    assert_eq!(c.birth_date(), None);
    assert_eq!(c.age_on(day("2026-12-06")), None);
    assert_eq!(c.age_by_year_on(day("2026-12-06")), None);
    // Not known to be an adult, and not known to be a youth either.
    assert_eq!(c.is_youth_on(day("2026-12-06")), None);

    // A birth date the server sent for a verification not finished is not trusted either.
    let mut c = unfinished_certification("imp_1");
    c.birthday = Some("1990-01-01".into());
    assert_eq!(c.age_on(day("2026-12-06")), None);
}

#[test]
fn the_age_in_full_years_turns_on_the_birthday() {
    let person = certified_person("imp_1", day("2007-12-06"));
    assert_eq!(person.age_on(day("2026-12-05")), Some(18), "the day before");
    assert_eq!(person.age_on(day("2026-12-06")), Some(19), "the day of");
    assert_eq!(person.age_on(day("2027-12-05")), Some(19));
    assert_eq!(person.age_on(day("2007-12-05")), None, "before the birth");

    // Born on 29 February: in a year without one, a year older on 1 March.
    let leap = certified_person("imp_2", day("2008-02-29"));
    assert_eq!(leap.age_on(day("2027-02-28")), Some(18));
    assert_eq!(leap.age_on(day("2027-03-01")), Some(19));
    assert_eq!(leap.age_on(day("2028-02-28")), Some(19));
    assert_eq!(leap.age_on(day("2028-02-29")), Some(20));
}

#[test]
fn the_youth_protection_count_turns_on_1_january() {
    // Born on 31 December 2007: 18 in full years all of 2026, yet no longer a youth from
    // 1 January 2026 under the Youth Protection Act.
    let person = certified_person("imp_1", day("2007-12-31"));
    assert_eq!(
        person.age_by_year_on(day("2025-12-31")),
        Some(18),
        "the day before"
    );
    assert_eq!(person.is_youth_on(day("2025-12-31")), Some(true));
    assert_eq!(
        person.age_by_year_on(day("2026-01-01")),
        Some(19),
        "1 January"
    );
    assert_eq!(person.is_youth_on(day("2026-01-01")), Some(false));
    assert_eq!(person.age_on(day("2026-01-01")), Some(18));
    assert_eq!(person.age_on(day("2026-12-31")), Some(19));

    // 29 February changes nothing for the year count.
    let leap = certified_person("imp_2", day("2008-02-29"));
    assert_eq!(leap.age_by_year_on(day("2026-12-31")), Some(18));
    assert_eq!(leap.is_youth_on(day("2027-01-01")), Some(false));
    assert_eq!(leap.age_on(day("2027-01-01")), Some(18));
}

#[test]
fn the_birth_date_comes_from_birth_when_birthday_is_missing() {
    let mut person = certified_person("imp_1", day("1993-07-08"));
    person.birthday = None;
    assert_eq!(person.birth_date(), Some(day("1993-07-08")));
    // Midnight of a summer day of 1988, when Korea's clocks ran an hour ahead (UTC+10): an
    // hour before midnight by UTC+9, still the same day.
    person.birth = Some(583_340_400 - 3600);
    assert_eq!(person.birth_date(), Some(day("1988-06-27")));
    // Before 1970, `birth` is negative.
    person.birth = Some(-32_400 - 86_400);
    assert_eq!(person.birth_date(), Some(day("1969-12-31")));
    person.birth = None;
    assert_eq!(person.birth_date(), None);
}

fn otp_request() -> CertificationOtpRequest {
    CertificationOtpRequest::new(
        "박서연",
        "010-7777-0000",
        "900101",
        "2",
        OtpCarrier::Kt,
        "channel-key-7d2e91c4",
    )
    .merchant_uid("cert-otp-3107")
}

#[tokio::test]
async fn a_check_by_text_message_is_started_and_confirmed() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let started = mock
        .when(client.request_certification_otp(otp_request()))
        .ok(&json!({"imp_uid": "imp_731100204918"}));
    let person = certified_person("imp_731100204918", day("1990-01-01"));
    let confirmed = mock
        .when(client.confirm_certification_otp("imp_731100204918", "482913"))
        .ok(&person);
    let wrong = mock
        .when(client.confirm_certification_otp("imp_731100204918", "000000"))
        .error(400, -1, "인증번호가 일치하지 않습니다.");

    let otp = client
        .request_certification_otp(otp_request())
        .await
        .unwrap();
    let err = client
        .confirm_certification_otp(&otp.imp_uid, "000000")
        .await
        .unwrap_err();
    assert!(!err.is_retryable() && err.refusal().is_some(), "{err:?}");
    let done = client
        .confirm_certification_otp(&otp.imp_uid, "482913")
        .await
        .unwrap();
    assert!(done.is_certified());
    started.assert_calls(1);
    wrong.assert_calls(1);
    confirmed.assert_calls(1);

    // A code that is not digits, and a resident-number digit that is not one digit, are
    // refused with nothing sent.
    for bad in [
        client
            .confirm_certification_otp("imp_731100204918", "48 29")
            .await,
        client
            .request_certification_otp(CertificationOtpRequest::new(
                "박서연",
                "010-7777-0000",
                "900101",
                "12",
                OtpCarrier::Kt,
                "channel-key-7d2e91c4",
            ))
            .await
            .map(|_| certified_person("imp_x", day("1990-01-01"))),
    ] {
        let err = bad.unwrap_err();
        assert!(err.is_invalid_input(), "{err:?}");
        assert!(!err.to_string().contains("48 29"), "{err}");
    }
    started.assert_calls(1);
}

/// What a verification says of the person, as the recording `get_certification.ok` and the
/// OTP request above give it.
const PERSONAL: &[&str] = &[
    "박서연",
    "01077770000",
    "010-7777-0000",
    "1990-01-01",
    "900101",
    "631119600",
    "MC0GCCqGSIb3DQIJAyEA",
    "Zr8uQm3pX7vN2kL9sD4f",
];

#[test]
fn the_persons_data_never_shows_in_debug_errors_or_tracing() {
    let (shown, logs) = common::with_logs(async {
        let mut shown = Vec::new();
        let mock = MockIamport::start().await;
        let client = mock.client();
        let _ok = mock.recording(&common::recording("get_certification.ok"));
        let person: Certification = client.certification("imp_513300072244").await.unwrap();
        shown.push(format!("{person:?}"));
        shown.push(format!("{:?}", otp_request()));
        // The answer the client cannot decode (certified as a string): the error quotes the
        // body with the person's values masked.
        let mut body = common::recording("get_certification.ok").response.body;
        body["response"]["certified"] = json!("yes");
        let _bad = mock.server().mock(|when, then| {
            when.method("GET").path("/certifications/imp_513300072246");
            then.status(200).json_body(body.clone());
        });
        let err = client.certification("imp_513300072246").await.unwrap_err();
        assert!(matches!(err, iamport::Error::Decode { .. }), "{err:?}");
        shown.push(format!("{err} {err:?}"));
        // A refusal of the OTP request, and one refused before sending.
        let _refused = mock.error(
            "POST",
            "/certifications/otp/request",
            400,
            -1,
            "본인인증 요청 정보가 올바르지 않습니다.",
        );
        let err = client
            .request_certification_otp(otp_request())
            .await
            .unwrap_err();
        shown.push(format!("{err} {err:?}"));
        shown
    });
    assert!(logs.contains("certification"), "{logs}");
    for text in shown.iter().chain([&logs]) {
        for value in PERSONAL {
            assert!(!text.contains(value), "{value:?} shown in:\n{text}");
        }
    }
    // The gender digit is a secret: not even its field's value shows.
    assert!(!shown[1].contains("gender_digit: \"2\""), "{}", shown[1]);
}
