//! The data types of the API, generated at build time from the spec
//! ([`spec/iamport.yaml`](https://github.com/iamport-rs/iamport/blob/main/spec/iamport.yaml)).
//!
//! Every request and response type here is a component of the spec: its fields, their order
//! and their docs are the spec's, so an edit of the spec changes them with no Rust edit. What
//! the spec cannot say is hand-written and re-exported here too: exact [`Amount`]s, typed
//! [`UnixTime`]s and the open enums.
//!
//! By convention rather than per field:
//! - times whose `0` means "has not happened" are `Option<UnixTime>`, `None` for `0`;
//! - lists the server may leave out or send as `null` are `Vec`s, empty then;
//! - buyers' personal details and card data show as redacted in `Debug`;
//! - response types are `#[non_exhaustive]`: the server adds fields, and so may this crate;
//! - request types have `new(required fields)` and a setter per optional field:
//!
//! ```
//! use iamport::{IdentifierType, types::ReceiptRequest};
//!
//! let request = ReceiptRequest::new("01012345678").identifier_type(IdentifierType::Phone);
//! assert_eq!(request.identifier, "01012345678");
//! assert!(!format!("{request:?}").contains("01012345678"));
//! ```

pub use crate::generated::enums::*;
pub use crate::generated::public::*;
pub use crate::{Amount, UnixTime};
