//! The account's own settings: its PG settings and channels, and its sub-merchants.

use crate::{
    Client, Result,
    types::{PgSetting, Tier},
};

impl Client {
    /// Every PG setting of the account (`GET /users/pg`): the PG, its merchant id, whether it
    /// is a test setting, what it is for, and the channel key to send where a request takes
    /// one.
    ///
    /// ```no_run
    /// use iamport::PgSettingType;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let settings = client.pg_settings().await?;
    /// for s in settings.iter().filter(|s| s.r#type == PgSettingType::ApiPayment) {
    ///     println!("{} {} test={} channel={:?}", s.pg_provider, s.pg_id, s.sandbox, s.channel_key);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn pg_settings(&self) -> Result<Vec<PgSetting>> {
        self.call(|| self.api.get_pg_settings()).await
    }

    /// The sub-merchant with this tier code (`GET /tiers/{tier_code}`).
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound) for an unknown code;
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for one that is not three upper-case
    /// letters or digits (nothing is sent).
    pub async fn tier(&self, tier_code: &str) -> Result<Tier> {
        self.call(|| self.api.get_tier(tier_code)).await
    }
}
