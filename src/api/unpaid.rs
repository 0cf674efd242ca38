//! What virtual accounts and convenience-store payment numbers share: revoking one that was
//! paid into is refused, and that refusal is made [`Error::AlreadyPaid`].

use crate::{Client, Error, Result, types::Payment};

impl Client {
    /// The answer to a revoke of the unpaid payment `imp_uid`, with a refusal of a payment
    /// that turns out paid made [`Error::AlreadyPaid`]: the server refuses such a revoke (with
    /// 400 or a non-zero `code`) in words that are not recorded, so the payment is looked up
    /// once after any refusal. When the lookup fails too, the revoke's own error is returned.
    pub(super) async fn revoked(&self, imp_uid: &str, answer: Result<Payment>) -> Result<Payment> {
        match answer {
            Err(e) if e.refusal().is_some() && !e.is_not_found() => {
                match self.payment(imp_uid).await {
                    Ok(p) if p.is_paid() => Err(Error::AlreadyPaid(Box::new(p))),
                    _ => Err(e),
                }
            }
            other => other,
        }
    }
}
