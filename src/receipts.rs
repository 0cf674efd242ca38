//! Cash receipts, for payments made through i'mport and elsewhere.

use serde::{Deserialize, Serialize};

use crate::{
    Amount, Client, Error, ExternalPayMethod, IdentifierType, ProductType, ReceiptType, Result,
    UnixTime, amount::zero_as_none, envelope::run, generated::types, validate,
};

/// A cash receipt for a payment made through i'mport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Receipt {
    /// The payment the receipt is for.
    pub imp_uid: String,
    /// The PG's id of the receipt.
    #[serde(default)]
    pub receipt_tid: Option<String>,
    /// The approval number from the National Tax Service.
    #[serde(default)]
    pub apply_num: Option<String>,
    /// Who the receipt is for.
    #[serde(rename = "type")]
    pub receipt_type: ReceiptType,
    /// The amount on the receipt.
    pub amount: Amount,
    /// The VAT part of the amount.
    pub vat: Amount,
    /// Where the receipt can be viewed.
    #[serde(default)]
    pub receipt_url: Option<String>,
    /// When it was issued.
    #[serde(default, with = "zero_as_none")]
    pub applied_at: Option<UnixTime>,
    /// When it was revoked; `None` while it stands.
    #[serde(default, with = "zero_as_none")]
    pub cancelled_at: Option<UnixTime>,
}

/// A cash receipt for a payment that i'mport did not process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExternalReceipt {
    /// The order the receipt is for.
    pub merchant_uid: String,
    /// The PG's id of the receipt.
    #[serde(default)]
    pub receipt_tid: Option<String>,
    /// The approval number from the National Tax Service.
    #[serde(default)]
    pub apply_num: Option<String>,
    /// Who the receipt is for.
    #[serde(rename = "type")]
    pub receipt_type: ReceiptType,
    /// The amount on the receipt.
    pub amount: Amount,
    /// The VAT part of the amount.
    pub vat: Amount,
    /// Where the receipt can be viewed.
    #[serde(default)]
    pub receipt_url: Option<String>,
    /// When it was issued.
    #[serde(default, with = "zero_as_none")]
    pub applied_at: Option<UnixTime>,
    /// When it was revoked; `None` while it stands.
    #[serde(default, with = "zero_as_none")]
    pub cancelled_at: Option<UnixTime>,
}

impl Client {
    /// The cash receipt of a payment (`GET /receipts/{imp_uid}`).
    ///
    /// # Errors
    /// [`Error::NotFound`] when the payment has no receipt.
    pub async fn receipt(&self, imp_uid: &str) -> Result<Receipt> {
        validate::imp_uid(imp_uid)?;
        Ok(run(false, self.api.get_receipt().imp_uid(imp_uid).send())
            .await?
            .1)
    }

    /// Issues a cash receipt for a paid payment (`POST /receipts/{imp_uid}`). `identifier` is
    /// the buyer's phone, business or resident number, or cash receipt card number.
    pub fn issue_receipt(
        &self,
        imp_uid: impl Into<String>,
        identifier: impl Into<String>,
    ) -> IssueReceipt<'_> {
        IssueReceipt {
            client: self,
            imp_uid: imp_uid.into(),
            details: ReceiptDetails::new(identifier.into()),
        }
    }

    /// Revokes the cash receipt of a payment (`DELETE /receipts/{imp_uid}`).
    pub async fn revoke_receipt(&self, imp_uid: &str) -> Result<Receipt> {
        validate::imp_uid(imp_uid)?;
        Ok(
            run(false, self.api.revoke_receipt().imp_uid(imp_uid).send())
                .await?
                .1,
        )
    }

    /// A cash receipt for a payment made elsewhere (`GET /receipts/external/{merchant_uid}`).
    pub async fn external_receipt(&self, merchant_uid: &str) -> Result<ExternalReceipt> {
        validate::merchant_uid(merchant_uid)?;
        Ok(run(
            false,
            self.api
                .get_external_receipt()
                .merchant_uid(merchant_uid)
                .send(),
        )
        .await?
        .1)
    }

    /// Issues a cash receipt for a cash payment that i'mport did not process
    /// (`POST /receipts/external/{merchant_uid}`).
    pub fn issue_external_receipt(
        &self,
        merchant_uid: impl Into<String>,
        channel_key: impl Into<String>,
        name: impl Into<String>,
        amount: impl Into<Amount>,
        identifier: impl Into<String>,
    ) -> IssueExternalReceipt<'_> {
        IssueExternalReceipt {
            client: self,
            merchant_uid: merchant_uid.into(),
            channel_key: channel_key.into(),
            name: name.into(),
            amount: amount.into(),
            pay_method: None,
            details: ReceiptDetails::new(identifier.into()),
        }
    }

    /// Revokes an external cash receipt (`DELETE /receipts/external/{merchant_uid}`).
    pub async fn revoke_external_receipt(&self, merchant_uid: &str) -> Result<ExternalReceipt> {
        validate::merchant_uid(merchant_uid)?;
        Ok(run(
            false,
            self.api
                .revoke_external_receipt()
                .merchant_uid(merchant_uid)
                .send(),
        )
        .await?
        .1)
    }
}

/// What both kinds of receipt request carry.
#[derive(Debug, Clone)]
struct ReceiptDetails {
    identifier: String,
    identifier_type: Option<IdentifierType>,
    receipt_type: Option<ReceiptType>,
    product_type: Option<ProductType>,
    corp_reg_no: Option<String>,
    buyer_name: Option<String>,
    buyer_email: Option<String>,
    buyer_tel: Option<String>,
    tax_free: Option<Amount>,
    vat_amount: Option<Amount>,
    company_name: Option<String>,
    company_tel: Option<String>,
}

impl ReceiptDetails {
    fn new(identifier: String) -> Self {
        ReceiptDetails {
            identifier,
            identifier_type: None,
            receipt_type: None,
            product_type: None,
            corp_reg_no: None,
            buyer_name: None,
            buyer_email: None,
            buyer_tel: None,
            tax_free: None,
            vat_amount: None,
            company_name: None,
            company_tel: None,
        }
    }

    fn check(&self) -> Result<()> {
        if self.identifier.trim().is_empty() {
            return Err(Error::invalid("identifier", "must not be empty"));
        }
        for (field, v) in [("tax_free", self.tax_free), ("vat_amount", self.vat_amount)] {
            if v.is_some_and(|a| a.is_negative()) {
                return Err(Error::invalid(field, "must not be negative"));
            }
        }
        Ok(())
    }
}

macro_rules! detail_setters {
    () => {
        /// What the identifier is.
        pub fn identifier_type(mut self, value: IdentifierType) -> Self {
            self.details.identifier_type = Some(value);
            self
        }

        /// Who the receipt is for (server default [`ReceiptType::Person`]).
        pub fn receipt_type(mut self, value: ReceiptType) -> Self {
            self.details.receipt_type = Some(value);
            self
        }

        /// The kind of goods, for PGs that ask.
        pub fn product_type(mut self, value: ProductType) -> Self {
            self.details.product_type = Some(value);
            self
        }

        /// The merchant's business registration number.
        pub fn corp_reg_no(mut self, value: impl Into<String>) -> Self {
            self.details.corp_reg_no = Some(value.into());
            self
        }

        /// Buyer's name.
        pub fn buyer_name(mut self, value: impl Into<String>) -> Self {
            self.details.buyer_name = Some(value.into());
            self
        }

        /// Buyer's email address, where the receipt is sent.
        pub fn buyer_email(mut self, value: impl Into<String>) -> Self {
            self.details.buyer_email = Some(value.into());
            self
        }

        /// Buyer's telephone number.
        pub fn buyer_tel(mut self, value: impl Into<String>) -> Self {
            self.details.buyer_tel = Some(value.into());
            self
        }

        /// The tax-free part of the amount.
        pub fn tax_free(mut self, value: impl Into<Amount>) -> Self {
            self.details.tax_free = Some(value.into());
            self
        }

        /// The VAT part of the amount.
        pub fn vat_amount(mut self, value: impl Into<Amount>) -> Self {
            self.details.vat_amount = Some(value.into());
            self
        }
    };
}

/// Builder for [`Client::issue_receipt`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct IssueReceipt<'c> {
    client: &'c Client,
    imp_uid: String,
    details: ReceiptDetails,
}

impl IssueReceipt<'_> {
    detail_setters!();

    /// The merchant's name, printed on the receipt.
    pub fn company_name(mut self, value: impl Into<String>) -> Self {
        self.details.company_name = Some(value.into());
        self
    }

    /// The merchant's telephone, printed on the receipt.
    pub fn company_tel(mut self, value: impl Into<String>) -> Self {
        self.details.company_tel = Some(value.into());
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Receipt> {
        validate::imp_uid(&self.imp_uid)?;
        self.details.check()?;
        let d = self.details;
        let body = types::ReceiptRequest {
            identifier: validate::convert("identifier", d.identifier.as_str())?,
            identifier_type: d.identifier_type,
            type_: d.receipt_type,
            product_type: d.product_type,
            corp_reg_no: d.corp_reg_no,
            buyer_name: d.buyer_name,
            buyer_email: d.buyer_email,
            buyer_tel: d.buyer_tel,
            tax_free: d.tax_free,
            vat_amount: d.vat_amount,
            company_name: d.company_name,
            company_tel: d.company_tel,
        };
        let call = self
            .client
            .api
            .issue_receipt()
            .imp_uid(self.imp_uid.as_str())
            .body(body);
        Ok(run(false, call.send()).await?.1)
    }
}

/// Builder for [`Client::issue_external_receipt`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to make the request"]
pub struct IssueExternalReceipt<'c> {
    client: &'c Client,
    merchant_uid: String,
    channel_key: String,
    name: String,
    amount: Amount,
    pay_method: Option<ExternalPayMethod>,
    details: ReceiptDetails,
}

impl IssueExternalReceipt<'_> {
    detail_setters!();

    /// How the cash was received.
    pub fn pay_method(mut self, value: ExternalPayMethod) -> Self {
        self.pay_method = Some(value);
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<ExternalReceipt> {
        validate::merchant_uid(&self.merchant_uid)?;
        self.details.check()?;
        for (field, v) in [("channel_key", &self.channel_key), ("name", &self.name)] {
            if v.trim().is_empty() {
                return Err(Error::invalid(field, "must not be empty"));
            }
        }
        if self.amount.is_negative() {
            return Err(Error::invalid("amount", "must not be negative"));
        }
        let d = self.details;
        let body = types::ExternalReceiptRequest {
            channel_key: validate::convert("channel_key", self.channel_key.as_str())?,
            name: validate::convert("name", self.name.as_str())?,
            amount: self.amount,
            pay_method: self.pay_method,
            identifier: validate::convert("identifier", d.identifier.as_str())?,
            identifier_type: d.identifier_type,
            type_: d.receipt_type,
            product_type: d.product_type,
            corp_reg_no: d.corp_reg_no,
            buyer_name: d.buyer_name,
            buyer_email: d.buyer_email,
            buyer_tel: d.buyer_tel,
            tax_free: d.tax_free,
            vat_amount: d.vat_amount,
        };
        let call = self
            .client
            .api
            .issue_external_receipt()
            .merchant_uid(self.merchant_uid.as_str())
            .body(body);
        Ok(run(false, call.send()).await?.1)
    }
}
