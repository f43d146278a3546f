//! `syncobj` (being written).
fn main() {}
