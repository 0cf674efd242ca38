//! Check 4: every recording goes through the client the way the SDK decodes live responses,
//! with the same code the crate's tests use (`iamport::testing::verify`).

use iamport::testing::{Recording, verify};

use super::{Finding, recordings::file_of};

pub(crate) fn replay(recs: &[Recording]) -> Vec<Finding> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return vec![Finding::new("", "", format!("cannot start a runtime: {e}"))],
    };
    runtime.block_on(async {
        let mut out = Vec::new();
        for rec in recs {
            for m in verify(rec).await {
                out.push(Finding::new(
                    file_of(rec),
                    m.pointer,
                    format!("through the client: {}", m.reason),
                ));
            }
        }
        out
    })
}
