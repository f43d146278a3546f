//! Compile tests of `#[derive(SyncObject)]`: the full attribute syntax compiles with warnings
//! denied, and each kind of mistake gives one clear message at the token it is about (the
//! expected messages are the `.stderr` files next to the sources).

#[test]
fn derive_compiles_valid_structs_and_reports_mistakes() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
