//! Schema model to typed Rust sync objects (being written).
#![deny(missing_docs)]
