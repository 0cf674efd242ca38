//! Project tasks behind `cargo xtask`: the spec validator and the dump of the generated client.
//!
//! The checks are a library so that `cargo test --workspace` runs them too.

#[path = "../../build/codegen.rs"]
pub mod codegen;
pub mod interop;
pub mod official_diff;
pub mod validate;
