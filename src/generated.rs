//! The low-level client generated from `spec/iamport.yaml` by `build.rs`. Private: the rest of
//! the crate wraps it.

#![allow(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    dead_code,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    clippy::unwrap_used
)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
