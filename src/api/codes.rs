//! The standard code tables of Korean banks and card companies.

use crate::{Client, Result, types::StandardCode};

impl Client {
    /// Every bank code with the bank's name (`GET /banks`): the codes a virtual account, a
    /// refund account or a payment's `bank_code` use.
    ///
    /// ```no_run
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let banks = client.banks().await?;
    /// let shinhan = banks.iter().find(|b| b.code == "088").map(|b| b.name.as_str());
    /// println!("{} banks; 088 is {shinhan:?}", banks.len());
    /// # Ok(()) }
    /// ```
    pub async fn banks(&self) -> Result<Vec<StandardCode>> {
        self.call(|| self.api.get_banks()).await
    }

    /// The bank with this standard code (`GET /banks/{bank_standard_code}`).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound) for an unknown code;
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for an empty or too long one
    /// (nothing is sent).
    pub async fn bank(&self, code: &str) -> Result<StandardCode> {
        self.call(|| self.api.get_bank(code)).await
    }

    /// Every card company code with the company's name (`GET /cards`): the codes of a
    /// payment's `card_code`, three digits for Korean companies and three letters for foreign
    /// brands (`VIS`, `MAS`, ...).
    pub async fn cards(&self) -> Result<Vec<StandardCode>> {
        self.call(|| self.api.get_cards()).await
    }

    /// The card company with this standard code (`GET /cards/{card_standard_code}`).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound) for an unknown code;
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for an empty or too long one
    /// (nothing is sent).
    pub async fn card(&self, code: &str) -> Result<StandardCode> {
        self.call(|| self.api.get_card(code)).await
    }
}
