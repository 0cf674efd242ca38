//! A tour of every operation of the SDK.
//!
//! Without credentials it starts a local mock of the API (`iamport::testing::MockIamport`)
//! that answers with the recordings in `spec/recordings/`, and calls every operation against it:
//!
//! ```text
//! cargo run --example tour
//! ```
//!
//! With `IAMPORT_API_KEY` and `IAMPORT_API_SECRET` set it talks to the real API and makes
//! read-only calls only (lookups of recent payments; nothing is cancelled, registered or issued).

use futures_util::StreamExt;
use iamport::{
    Client, PaymentStatus, PaymentStatusFilter, Sorting, UnixTime,
    testing::{MockIamport, Recording},
    types::{
        BillingKeyRequest, ChargeBillingKeyRequest, ExternalReceiptRequest, ReceiptRequest,
        ScheduleEntry, ScheduleRequest, UnscheduleRequest,
    },
};

fn line(op: &str, asked: &str, answer: String) {
    println!("{op:<28} {asked:<52} -> {answer}");
}

fn shown<T>(r: iamport::Result<T>, f: impl FnOnce(T) -> String) -> String {
    match r {
        Ok(v) => f(v),
        Err(e) => format!("error: {e}"),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("IAMPORT_API_KEY").is_some()
        && std::env::var_os("IAMPORT_API_SECRET").is_some()
    {
        return live(Client::from_env()?).await;
    }
    offline().await
}

/// Every operation against a local mock server that serves the recordings.
async fn offline() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockIamport::start().await;
    let recordings = Recording::load_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/recordings"))?;
    for rec in recordings
        .iter()
        .filter(|r| r.is_success() && r.operation != "get_token")
    {
        mock.recording(rec);
    }
    let client = mock.client();
    println!(
        "i'mport SDK tour against a local mock server at {}\n",
        mock.base_url()
    );

    let p = client.payment("imp_448280090638").await?;
    line(
        "get_payment",
        "payment(\"imp_448280090638\")",
        format!(
            "{} {} {} {}",
            p.merchant_uid, p.status, p.amount, p.currency
        ),
    );

    let b = client
        .payments()
        .imp_uids(["imp_448280090638", "imp_553019283746", "imp_000000000000"])
        .send()
        .await?;
    let missing: Vec<String> = b.missing.iter().map(ToString::to_string).collect();
    line(
        "get_payments",
        "payments().imp_uids([3 ids])",
        format!("{} found, missing {missing:?}", b.payments.len()),
    );

    let page = client
        .payments_by_status(PaymentStatus::Paid)
        .page(1)
        .limit(2)
        .sorting(Sorting::PaidDesc)
        .send()
        .await?;
    line(
        "get_payments_by_status",
        "payments_by_status(Paid).page(1).limit(2)",
        format!(
            "{} of {} total, next page {:?}",
            page.list.len(),
            page.total,
            page.next_page()
        ),
    );

    let p = client.find_payment("order-20261104-0001").send().await?;
    line(
        "find_payment",
        "find_payment(\"order-20261104-0001\")",
        format!("{} {}", p.imp_uid, p.status),
    );

    let p = client
        .find_payment("order-20261104-0001")
        .status(PaymentStatus::Paid)
        .sorting(Sorting::StartedDesc)
        .send()
        .await?;
    line(
        "find_payment_by_status",
        ".find_payment(..).status(Paid)",
        format!("{} paid at {:?}", p.imp_uid, p.paid_at.map(|t| t.as_secs())),
    );

    let page = client
        .find_all_payments("order-20261104-0001")
        .send()
        .await?;
    let statuses: Vec<&str> = page.list.iter().map(|p| p.status.as_str()).collect();
    line(
        "find_all_payments",
        "find_all_payments(\"order-20261104-0001\")",
        format!("{} payments: {statuses:?}", page.total),
    );

    let page = client
        .find_all_payments("order-20261104-0001")
        .status(PaymentStatus::Failed)
        .page(1)
        .limit(20)
        .send()
        .await?;
    let reasons: Vec<&str> = page
        .list
        .iter()
        .filter_map(|p| p.fail_reason.as_deref())
        .collect();
    line(
        "find_all_payments_by_status",
        ".find_all_payments(..).status(Failed)",
        format!("{reasons:?}"),
    );

    let bal = client.payment_balance("imp_661122334455").await?;
    line(
        "get_payment_balance",
        "payment_balance(\"imp_661122334455\")",
        format!(
            "amount {}, primary supply {}, {} changes",
            bal.amount,
            bal.primary.supply,
            bal.histories.len()
        ),
    );

    let p = client
        .cancel_payment()
        .imp_uid("imp_448280090638")
        .amount(12000)
        .checksum(32000)
        .reason("재고 부족")
        .send()
        .await?;
    line(
        "cancel_payment",
        "cancel_payment().amount(12000).checksum(32000)",
        format!(
            "cancelled {} of {}, still {} cancellable",
            p.cancel_amount,
            p.amount,
            p.cancellable_amount().unwrap_or_default()
        ),
    );

    let r = client
        .prepare_payment("order-20261107-0099", 45000)
        .send()
        .await?;
    line(
        "prepare_payment",
        "prepare_payment(\"order-20261107-0099\", 45000)",
        format!("{} registered, currency {:?}", r.amount, r.currency),
    );

    let r = client
        .update_prepared_payment("order-20261107-0099", 43000)
        .currency(iamport::Currency::Krw)
        .send()
        .await?;
    line(
        "update_prepared_payment",
        "update_prepared_payment(.., 43000).currency(Krw)",
        format!("{} {:?}", r.amount, r.currency.map(|c| c.to_string())),
    );

    let r = client.prepared_payment("order-20261107-0099").await?;
    line(
        "get_prepared_payment",
        "prepared_payment(\"order-20261107-0099\")",
        format!("{} {}", r.merchant_uid, r.amount),
    );

    let r = client.receipt("imp_120398475612").await?;
    line(
        "get_receipt",
        "receipt(\"imp_120398475612\")",
        format!(
            "{} {} vat {} no. {:?}",
            r.r#type, r.amount, r.vat, r.apply_num
        ),
    );

    let request = ReceiptRequest::new("01012345678")
        .identifier_type(iamport::IdentifierType::Phone)
        .r#type(iamport::ReceiptType::Person);
    let r = client.issue_receipt("imp_120398475612", request).await?;
    line(
        "issue_receipt",
        "issue_receipt(.., ReceiptRequest::new(\"01012345678\").identifier_type(Phone))",
        format!("issued at {:?}", r.applied_at.map(|t| t.as_secs())),
    );

    let r = client.revoke_receipt("imp_120398475612").await?;
    line(
        "revoke_receipt",
        "revoke_receipt(\"imp_120398475612\")",
        format!("revoked at {:?}", r.cancelled_at.map(|t| t.as_secs())),
    );

    let r = client.external_receipt("offline-20261108-0001").await?;
    line(
        "get_external_receipt",
        "external_receipt(\"offline-20261108-0001\")",
        format!("{} {}", r.r#type, r.amount),
    );

    let request = ExternalReceiptRequest::new("channel-key-1234", "사무용품", 330000, "1234567890")
        .identifier_type(iamport::IdentifierType::Business)
        .r#type(iamport::ReceiptType::Company)
        .pay_method(iamport::ExternalPayMethod::Trans);
    let r = client
        .issue_external_receipt("offline-20261108-0001", request)
        .await?;
    line(
        "issue_external_receipt",
        "issue_external_receipt(.., 330000, ..)",
        format!("no. {:?}", r.apply_num),
    );

    let r = client
        .revoke_external_receipt("offline-20261108-0001")
        .await?;
    line(
        "revoke_external_receipt",
        "revoke_external_receipt(\"offline-20261108-0001\")",
        format!("revoked at {:?}", r.cancelled_at.map(|t| t.as_secs())),
    );

    billing().await?;
    #[cfg(feature = "codes")]
    codes(&client).await?;
    #[cfg(feature = "certifications")]
    certifications(&client).await?;
    #[cfg(feature = "vbanks")]
    vbanks(&mock, &client).await?;
    #[cfg(feature = "cvs")]
    cvs(&mock, &client).await?;
    #[cfg(feature = "escrow")]
    escrow(&client).await?;
    #[cfg(feature = "account")]
    account(&client).await?;
    #[cfg(feature = "partners")]
    partners(&client).await?;
    #[cfg(feature = "naver")]
    naver(&client, &recordings).await?;
    #[cfg(any(
        feature = "kcpquick",
        feature = "payco",
        feature = "paymentwall",
        feature = "benepia"
    ))]
    pg_specific(&client, &recordings).await?;
    billing_from_recordings(&mock, &recordings).await?;

    line(
        "get_token",
        "(made by the client, once, before the first call)",
        format!(
            "{} token request(s) for every call above: one per client",
            mock.token_mock().calls()
        ),
    );
    Ok(())
}

/// The bank and card company code tables (`--features codes`, or `full`): the whole table and
/// one code of each.
#[cfg(feature = "codes")]
async fn codes(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let banks = client.banks().await?;
    line(
        "get_banks",
        "banks()",
        format!("{} bank codes", banks.len()),
    );
    let bank = client.bank("088").await?;
    line(
        "get_bank",
        "bank(\"088\")",
        format!("{} {}", bank.code, bank.name),
    );
    let cards = client.cards().await?;
    line(
        "get_cards",
        "cards()",
        format!("{} card company codes", cards.len()),
    );
    let card = client.card("VIS").await?;
    line(
        "get_card",
        "card(\"VIS\")",
        format!("{} {}", card.code, card.name),
    );
    Ok(())
}

/// Identity verification (`--features certifications`, or `full`): a lookup with an age
/// check by both of Korea's counts, an unfinished one, the check by text message, and the
/// deletion of the person's data.
#[cfg(feature = "certifications")]
async fn certifications(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use iamport::{Date, OtpCarrier, types::CertificationOtpRequest};

    let today = Date::new(2026, 12, 6).ok_or("a date")?;
    let person = client.certification("imp_513300072244").await?;
    line(
        "get_certification",
        "certification(\"imp_513300072244\")",
        format!(
            "certified {}, {:?} years old on {today}, a youth under the Youth Protection Act: {:?}",
            person.is_certified(),
            person.age_on(today),
            person.is_youth_on(today)
        ),
    );
    line(
        "",
        "  (its Debug, for a log line)",
        format!(
            "names the person: {}",
            format!("{person:?}").contains(person.name.as_deref().unwrap_or("?"))
        ),
    );
    let unfinished = client.certification("imp_604417283391").await?;
    line(
        "get_certification",
        "certification(\"imp_604417283391\")",
        format!(
            "certified {}, age {:?}: an unfinished check says nothing of anyone",
            unfinished.is_certified(),
            unfinished.age_on(today)
        ),
    );
    let request = CertificationOtpRequest::new(
        "박서연",
        "010-7777-0000",
        "900101",
        "2",
        OtpCarrier::Kt,
        "channel-key-7d2e91c4",
    )
    .company("shop.example.com")
    .merchant_uid("cert-otp-3107");
    let started = client.request_certification_otp(request).await?;
    line(
        "request_certification_otp",
        "request_certification_otp(..)",
        format!("code sent; confirm with {}", started.imp_uid),
    );
    let confirmed = client
        .confirm_certification_otp(&started.imp_uid, "482913")
        .await?;
    line(
        "confirm_certification_otp",
        "confirm_certification_otp(id, \"482913\")",
        format!("certified {}", confirmed.is_certified()),
    );
    let deleted = client.delete_certification("imp_513300072244").await?;
    line(
        "delete_certification",
        "delete_certification(\"imp_513300072244\")",
        format!("personal data of {} deleted", deleted.imp_uid),
    );
    Ok(())
}

/// A virtual account's life (`--features vbanks`, or `full`): issued, its amount changed,
/// revoked; and a revoke refused because the buyer paid in the meantime. The mock answers
/// each request as the test kit stubs it from the call itself.
#[cfg(feature = "vbanks")]
async fn vbanks(mock: &MockIamport, client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use iamport::{
        testing::vbank_issued,
        types::{VbankRequest, VbankUpdateRequest},
    };

    let due = UnixTime::from_secs(UnixTime::now().as_secs() + 3 * 86_400);
    let request = || {
        VbankRequest::new("channel-key-5b8a13f0", "deposit-4413", 35000, "088", due)
            .vbank_holder("주식회사예시")
    };
    let mut issued = vbank_issued("imp_771020348817", "deposit-4413", 35000);
    issued.vbank_date = Some(due);
    mock.when(client.issue_vbank(request())).ok(&issued);
    let account = client.issue_vbank(request()).await?;
    line(
        "issue_vbank",
        "issue_vbank(.., 35000, \"088\", due)",
        format!(
            "{} {} into {:?} until {:?}",
            account.status,
            account.amount,
            account.vbank_name,
            account.vbank_date.map(|t| t.as_secs())
        ),
    );
    let change = || VbankUpdateRequest::default().amount(42000);
    let mut changed = issued.clone();
    changed.amount = 42000.into();
    mock.when(client.update_vbank("imp_771020348817", change()))
        .ok(&changed);
    let account = client.update_vbank("imp_771020348817", change()).await?;
    line(
        "update_vbank",
        "update_vbank(id, .amount(42000))",
        format!("{} now expected", account.amount),
    );
    let mut revoked = changed.clone();
    revoked.status = PaymentStatus::Cancelled;
    mock.when(client.revoke_vbank("imp_771020348817"))
        .ok(&revoked);
    let account = client.revoke_vbank("imp_771020348817").await?;
    line(
        "revoke_vbank",
        "revoke_vbank(\"imp_771020348817\")",
        format!("{}", account.status),
    );
    // Paid in the meantime: the server refuses, and the refusal is typed.
    let mut paid = vbank_issued("imp_771020348816", "deposit-4412", 35000);
    paid.status = PaymentStatus::Paid;
    mock.when(client.payment("imp_771020348816")).ok(&paid);
    mock.when(client.revoke_vbank("imp_771020348816")).error(
        400,
        1,
        "입금대기 상태의 가상계좌만 발급취소할 수 있습니다.",
    );
    let refused = client.revoke_vbank("imp_771020348816").await;
    line(
        "revoke_vbank",
        "revoke_vbank(\"imp_771020348816\")",
        shown(refused, |p| p.status.to_string()),
    );
    Ok(())
}

/// A convenience-store payment number (`--features cvs`, or `full`): issued and revoked.
#[cfg(feature = "cvs")]
async fn cvs(mock: &MockIamport, client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use iamport::{testing::vbank_ready, types::CvsRequest};

    let request = || CvsRequest::new("channel-key-3e6f0b21", "cvs-2026-1206-01", 18000);
    let mut ready = vbank_ready("imp_552031178010", "cvs-2026-1206-01", 18000);
    ready.pay_method = Some(iamport::PayMethod::from("cvs"));
    mock.when(client.issue_cvs_payment(request())).ok(&ready);
    let payment = client.issue_cvs_payment(request()).await?;
    line(
        "issue_cvs_payment",
        "issue_cvs_payment(.., 18000)",
        format!(
            "{} {} {}",
            payment.merchant_uid, payment.status, payment.amount
        ),
    );
    let revoked = client.revoke_cvs_payment("imp_552031178004").await?;
    line(
        "revoke_cvs_payment",
        "revoke_cvs_payment(\"imp_552031178004\")",
        format!("{}", revoked.status),
    );
    Ok(())
}

/// Escrow shipping (`--features escrow`, or `full`): registered, corrected, read.
#[cfg(feature = "escrow")]
async fn escrow(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use iamport::{
        CourierCompany,
        types::{
            EscrowLogis, EscrowReceiver, EscrowSender, EscrowShippingRequest, EscrowShippingUpdate,
        },
    };

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
    let sent_at = UnixTime::from_secs(1_716_249_600);
    let logis = EscrowLogis::new(CourierCompany::CjGls, "600012345678", sent_at);
    let request = EscrowShippingRequest::new(sender.clone(), receiver.clone(), logis);
    let shipped = client
        .register_escrow_shipping("imp_448210037761", request)
        .await?;
    line(
        "register_escrow_shipping",
        "register_escrow_shipping(id, CjGls, ..)",
        format!(
            "{} {} registered at {}",
            shipped.company, shipped.invoice, shipped.applied_at
        ),
    );
    let logis = EscrowLogis::new(CourierCompany::Hanjin, "420098765432", sent_at);
    let update = EscrowShippingUpdate::new(sender, receiver, logis);
    let shipped = client
        .update_escrow_shipping("imp_448210037761", update)
        .await?;
    line(
        "update_escrow_shipping",
        "update_escrow_shipping(id, Hanjin, ..)",
        format!("{} {}", shipped.company, shipped.invoice),
    );
    let read = client.escrow_shipping("imp_448210037763").await?;
    line(
        "get_escrow_shipping",
        "escrow_shipping(\"imp_448210037763\")",
        format!(
            "{} (a courier code the crate does not know: {})",
            read.company,
            read.company.is_unknown()
        ),
    );
    Ok(())
}

/// The account's settings (`--features account`, or `full`).
#[cfg(feature = "account")]
async fn account(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let settings = client.pg_settings().await?;
    line(
        "get_pg_settings",
        "pg_settings()",
        settings
            .iter()
            .map(|s| format!("{} ({})", s.pg_provider, s.r#type))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let tier = client.tier("A01").await?;
    line(
        "get_tier",
        "tier(\"A01\")",
        format!("{} {}", tier.tier_code, tier.tier_name),
    );
    Ok(())
}

/// Sales slips per sub-merchant (`--features partners`, or `full`).
#[cfg(feature = "partners")]
async fn partners(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use iamport::types::{PartnerReceipt, PartnerReceiptsRequest};

    let request = PartnerReceiptsRequest::new(vec![
        PartnerReceipt::new("123-45-67890", "예시상점 강남", 30000),
        PartnerReceipt::new("220-81-12345", "예시상점 판교", 20000).tax_free(5000),
    ]);
    let slips = client
        .issue_partner_receipts("imp_330291004417", request)
        .await?;
    line(
        "issue_partner_receipts",
        "issue_partner_receipts(id, [2 sub-merchants])",
        format!("{:?}", slips.receipt_url),
    );
    Ok(())
}

/// Naver Pay orders (`--features naver`, or `full`): a payment's product orders, shipping
/// them, a cancel that Naver applied to only one of two product orders, and the rest of the
/// group through the arguments of its recordings.
#[cfg(feature = "naver")]
async fn naver(
    client: &Client,
    recordings: &[Recording],
) -> Result<(), Box<dyn std::error::Error>> {
    use iamport::{
        NaverCancelReason, NaverDeliveryCompany, NaverDeliveryMethod, types::NaverCancelRequest,
        types::NaverShipRequest,
    };

    let orders = client.naver().product_orders("imp_612345678901").await?;
    line(
        "get_naver_product_orders",
        "naver().product_orders(\"imp_612345678901\")",
        orders
            .iter()
            .map(|o| format!("{} {}", o.product_order_id, o.product_order_status))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let ship = NaverShipRequest::new(
        NaverDeliveryMethod::Delivery,
        UnixTime::from_secs(1_793_865_600),
    )
    .product_order_id(vec![
        "2026110512345601".to_owned(),
        "2026110512345602".to_owned(),
    ])
    .delivery_company(NaverDeliveryCompany::CjGls)
    .tracking_number("600012345678");
    let shipped = client.naver().ship("imp_612345678901", ship).await?;
    line(
        "ship_naver_orders",
        "naver().ship(id, CjGls, \"600012345678\")",
        format!(
            "{} shipped, complete: {}",
            shipped.changed.len(),
            shipped.is_complete()
        ),
    );
    let cancel = NaverCancelRequest::new(vec![
        "2026110512345601".to_owned(),
        "2026110512345602".to_owned(),
    ])
    .reason(NaverCancelReason::IntentChanged);
    let cancelled = client.naver().cancel("imp_612345678901", cancel).await?;
    line(
        "cancel_naver_orders",
        "naver().cancel(id, [2 product orders])",
        format!(
            "{} cancelled; Naver left {:?} as it was",
            cancelled.changed.len(),
            cancelled.unchanged
        ),
    );
    from_recordings(
        client,
        recordings,
        &[
            "get_naver_product_order",
            "get_naver_reviews",
            "get_naver_cash_amount",
            "place_naver_orders",
            "approve_naver_cancel",
            "request_naver_return",
            "approve_naver_return",
            "reject_naver_return",
            "withhold_naver_return",
            "resolve_naver_return",
            "collect_naver_exchange",
            "ship_naver_exchange",
            "confirm_naver_payment",
            "deposit_naver_point",
        ],
    )
    .await;
    Ok(())
}

/// KCP quick pay, PAYCO, Paymentwall and Benepia (their features, or `full`): a charge of
/// prepaid money, a Benepia balance, and the rest through the arguments of their recordings.
#[cfg(any(
    feature = "kcpquick",
    feature = "payco",
    feature = "paymentwall",
    feature = "benepia"
))]
async fn pg_specific(
    client: &Client,
    recordings: &[Recording],
) -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(feature = "kcpquick")]
    {
        let charge = iamport::types::KcpQuickMoneyRequest::new(
            "kq-m-20415",
            "channel-key-3f1a7c02",
            "kqm-20261105-0042",
            "아메리카노 외 1건",
            9800,
            "imp_402918337105",
        );
        let paid = client.kcp_quick().pay_with_money(charge).await?;
        line(
            "pay_kcpquick_money",
            "kcp_quick().pay_with_money(.., 9800, ..)",
            format!("{} {} {}", paid.merchant_uid, paid.status, paid.amount),
        );
    }
    #[cfg(feature = "benepia")]
    {
        let points = client
            .benepia()
            .point("hana_welfare07", "Bnp!2026pass", "channel-key-9d24c6e5")
            .await?;
        line(
            "get_benepia_point",
            "benepia().point(user, password, channel)",
            format!("{points} points (the password shows nowhere)"),
        );
    }
    from_recordings(
        client,
        recordings,
        &[
            "pay_kcpquick_autopay",
            "prepare_kcpquick_payment",
            "update_kcpquick_prepared_payment",
            "release_kcpquick_fido",
            "delete_kcpquick_member",
            "delete_kcpquick_autopay_key",
            "update_payco_order_status",
            "register_paymentwall_delivery",
            "pay_benepia_point",
        ],
    )
    .await;
    Ok(())
}

/// The other billing-key and schedule operations, each called through its facade method with
/// the arguments its recording carries (the mock serves every success recording).
async fn billing_from_recordings(
    mock: &MockIamport,
    recordings: &[Recording],
) -> Result<(), Box<dyn std::error::Error>> {
    // Schedule times in the recordings were in the future on the day they were recorded.
    let client = Client::builder()
        .credentials(MockIamport::KEY, MockIamport::SECRET)
        .base_url(mock.base_url())
        .fixed_now(iamport::testing::RECORDED_AT)
        .build()?;
    from_recordings(
        &client,
        recordings,
        &[
            "get_billing_key",
            "get_billing_keys",
            "get_billing_key_payments",
            "get_billing_key_schedules",
            "get_customer_schedules",
            "charge_onetime",
            "get_schedule",
            "update_schedule",
            "reschedule_schedule",
            "retry_schedule",
        ],
    )
    .await;
    Ok(())
}

/// Calls each operation through its facade method with the arguments of its first success
/// recording (the mock serves every success recording), and shows what came back.
async fn from_recordings(client: &Client, recordings: &[Recording], operations: &[&str]) {
    for op in operations {
        let Some(rec) = recordings
            .iter()
            .find(|r| r.operation == *op && r.is_success())
        else {
            continue;
        };
        let answer = shown(iamport::testing::call(client, rec).await, |v| {
            let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
            match (&v, field("customer_uid"), field("merchant_uid")) {
                (serde_json::Value::Array(items), ..) => format!("{} item(s)", items.len()),
                (serde_json::Value::Null, ..) => "done".to_owned(),
                (_, _, Some(m)) => format!(
                    "{m} {}",
                    field("status")
                        .or(field("schedule_status"))
                        .unwrap_or_default()
                ),
                (_, Some(c), _) => c,
                _ => v.get("total").map_or_else(
                    || v.to_string().chars().take(60).collect(),
                    |t| format!("{t} in all"),
                ),
            }
        });
        line(op, &format!("(the arguments of {})", rec.name), answer);
    }
}

/// A subscription's life against a local mock with typed stubs: issue a billing key, charge
/// it, schedule next month's charge, list the schedules, revoke them, delete the key.
async fn billing() -> Result<(), Box<dyn std::error::Error>> {
    use iamport::testing::{billing_key, charged_payment, declined_payment, schedule};

    let mock = MockIamport::start().await;
    let client = mock.client();
    println!(
        "\nbilling keys and schedules, against typed stubs at {}\n",
        mock.base_url()
    );

    let uid = "member-3108-card-1";
    let card = BillingKeyRequest::new("4242-4242-4242-4242", "2029-12")
        .birth("900101")
        .pwd_2digit("00");
    mock.issue_billing_key(&card, &billing_key(uid));
    line(
        "(card data)",
        "card.card_number and card.expiry in Debug",
        format!("{:?} {:?}", card.card_number, card.expiry),
    );
    let key = client.issue_billing_key(uid, card).await?;
    line(
        "issue_billing_key",
        "issue_billing_key(uid, card)",
        format!(
            "{} {:?}",
            key.customer_uid(),
            key.as_standard().and_then(|k| k.card_name.as_deref())
        ),
    );

    let charge = ChargeBillingKeyRequest::new(uid, "order-2026-11", 9900, "월간 플랜");
    mock.charge_billing_key(
        &charge,
        &charged_payment("imps_1", "order-2026-11", uid, 9900),
    );
    let paid = client.charge_billing_key(charge).await?;
    line(
        "charge_billing_key",
        "charge_billing_key(uid, \"order-2026-11\", 9900)",
        format!("{} {} paid: {}", paid.imp_uid, paid.status, paid.is_paid()),
    );

    let charge = ChargeBillingKeyRequest::new(uid, "order-2026-11b", 9900, "월간 플랜");
    mock.charge_billing_key(
        &charge,
        &declined_payment("imps_2", "order-2026-11b", uid, 9900),
    );
    let declined = client.charge_billing_key(charge).await;
    line(
        "charge_billing_key",
        "(a declined card)",
        shown(declined, |p| format!("unexpectedly {}", p.status)),
    );

    let next_month = UnixTime::from_secs(UnixTime::now().as_secs() + 30 * 86_400);
    let planned = schedule("sub-2026-12", uid, next_month, 9900);
    let entry = ScheduleEntry::new("sub-2026-12", next_month, 9900).name("월간 플랜");
    let request = ScheduleRequest::new(uid, vec![entry]);
    mock.schedule_payments(&request, std::slice::from_ref(&planned));
    let scheduled = client.schedule_payments(request).await?;
    line(
        "schedule_payments",
        "schedule_payments(uid, [in 30 days])",
        format!("{} {}", scheduled.len(), scheduled[0].schedule_status),
    );

    let from = UnixTime::now();
    let to = UnixTime::from_secs(from.as_secs() + 60 * 86_400);
    mock.listing(client.schedules(from, to), std::slice::from_ref(&planned));
    let listed: Vec<_> = client.schedules(from, to).stream().collect().await;
    line(
        "get_schedules",
        "schedules(now, +60 days).stream()",
        format!("{} schedule(s)", listed.len()),
    );

    let request = UnscheduleRequest::new()
        .customer_uid(uid)
        .merchant_uid(vec![planned.merchant_uid.clone()]);
    mock.unschedule_payments(&request, std::slice::from_ref(&planned));
    let revoked = client.unschedule_payments(request).await?;
    line(
        "unschedule_payments",
        "unschedule_payments(uid, [order])",
        format!("{} {}", revoked.len(), revoked[0].schedule_status),
    );

    mock.delete_billing_key(client.delete_billing_key(uid).reason("카드 변경"), &key);
    let deleted = client
        .delete_billing_key(uid)
        .reason("카드 변경")
        .send()
        .await;
    line(
        "delete_billing_key",
        "delete_billing_key(uid).reason(..)",
        shown(deleted, |k| format!("deleted {}", k.customer_uid())),
    );
    Ok(())
}

/// Read-only calls against the real API.
async fn live(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "i'mport SDK tour against {} (read-only)\n",
        client.base_url()
    );
    let page = client
        .payments_by_status(PaymentStatusFilter::All)
        .limit(5)
        .sorting(Sorting::StartedDesc)
        .send()
        .await;
    let first = page.as_ref().ok().and_then(|p| p.list.first().cloned());
    line(
        "get_payments_by_status",
        "payments_by_status(All).limit(5)",
        shown(page, |p| format!("{} of {} total", p.list.len(), p.total)),
    );
    let Some(p) = first else {
        println!("\nno recent payment to look up further");
        return Ok(());
    };
    line(
        "get_payment",
        &format!("payment({:?})", p.imp_uid),
        shown(client.payment(&p.imp_uid).await, |p| {
            format!("{} {} {}", p.status, p.amount, p.currency)
        }),
    );
    line(
        "get_payments",
        "payments().imp_uids([..])",
        shown(
            client.payments().imp_uids([p.imp_uid.clone()]).send().await,
            |b| format!("{} found, {} missing", b.payments.len(), b.missing.len()),
        ),
    );
    line(
        "find_payment",
        &format!("find_payment({:?})", p.merchant_uid),
        shown(
            client.find_payment(p.merchant_uid.clone()).send().await,
            |p| p.imp_uid,
        ),
    );
    line(
        "find_payment_by_status",
        ".status(..)",
        shown(
            client
                .find_payment(p.merchant_uid.clone())
                .status(p.status.clone())
                .send()
                .await,
            |p| p.imp_uid,
        ),
    );
    line(
        "find_all_payments",
        "find_all_payments(..)",
        shown(
            client
                .find_all_payments(p.merchant_uid.clone())
                .send()
                .await,
            |pg| format!("{} payments", pg.total),
        ),
    );
    line(
        "find_all_payments_by_status",
        ".status(..)",
        shown(
            client
                .find_all_payments(p.merchant_uid.clone())
                .status(p.status.clone())
                .send()
                .await,
            |pg| format!("{} payments", pg.total),
        ),
    );
    line(
        "get_payment_balance",
        "payment_balance(..)",
        shown(client.payment_balance(&p.imp_uid).await, |b| {
            format!("amount {}", b.amount)
        }),
    );
    line(
        "get_receipt",
        "receipt(..)",
        shown(client.receipt(&p.imp_uid).await, |r| {
            format!("{} {}", r.r#type, r.amount)
        }),
    );
    line(
        "get_prepared_payment",
        "prepared_payment(..)",
        shown(client.prepared_payment(&p.merchant_uid).await, |r| {
            format!("{}", r.amount)
        }),
    );
    println!("\nwrites (cancel, prepare, receipts) are shown offline only");
    Ok(())
}
