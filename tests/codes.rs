//! The bank and card company code tables: every recording through the client, a lookup by
//! code, and an unknown code.
#![cfg(feature = "codes")]

mod common;

use iamport::{StandardCode, testing::MockIamport};

#[tokio::test]
async fn every_code_table_recording_goes_through_the_client() {
    common::every_recording_goes_through_the_client(&[
        "get_banks",
        "get_bank",
        "get_cards",
        "get_card",
    ])
    .await;
}

#[tokio::test]
async fn a_table_decodes_into_codes_and_an_unknown_code_is_not_found() {
    let mock = MockIamport::start().await;
    let client = mock.client();
    let table = common::recording("get_cards.ok");
    let _cards = mock.recording(&table);
    let cards: Vec<StandardCode> = client.cards().await.unwrap();
    let visa = cards.iter().find(|c| c.code == "VIS").unwrap();
    assert_eq!(visa.name, "VISA");
    assert!(
        cards
            .iter()
            .all(|c| !c.code.is_empty() && !c.name.is_empty())
    );

    let _unknown = mock.recording(&common::recording("get_bank.unknown_code"));
    let err = client.bank("999").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    // A code longer than the spec allows is refused before anything is sent.
    let any = mock.not_found("GET", "/banks/0880880880");
    let err = client.bank("0880880880").await.unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    assert_eq!(any.calls(), 0);
}
