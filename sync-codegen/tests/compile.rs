//! The generated code compiles with warnings denied and works against a real device database.
//!
//! Every model is generated into one temporary crate (a module each) that depends on
//! sync-runtime by path; cargo builds it offline into the workspace's `target/codegen-tests`,
//! so dependencies are built once and reused, and the test runs the crate's binary
//! (`tests/compile/app_main.rs`), which creates records of every object.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The library of the temporary crate: the lints, then one module per model.
fn library(models: &[common::Model]) -> String {
    let mut lib = String::from(
        "//! The generated code of sync-codegen's test models.\n\
         #![deny(warnings, missing_docs, unused_qualifications, rust_2018_idioms)]\n\n\
         /// The runtime under another path, for the model generated with one.\n\
         pub use sync_runtime as runtime;\n",
    );
    for model in models {
        let name = model.name;
        let _ = write!(
            lib,
            "\n/// Model `{name}`.\npub mod {name} {{\n    include!(\"generated/{name}.rs\");\n}}\n"
        );
    }
    lib
}

/// The manifest of the temporary crate.
fn manifest(runtime: &Path) -> String {
    format!(
        "[package]\nname = \"codegen-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\nsync-runtime = {{ path = {:?} }}\n\n[workspace]\n",
        runtime.display().to_string()
    )
}

/// What a failed step printed, with the generated code that it was about.
fn report(step: &str, output: &Output, generated: &[(String, String)]) -> String {
    let mut text = String::new();
    for (name, code) in generated {
        let _ = writeln!(text, "===== generated code of {name} =====\n{code}");
    }
    let _ = writeln!(
        text,
        "===== {step} failed ({}) =====\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    text
}

#[test]
fn generated_code_compiles_with_warnings_denied_and_runs() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target_dir = workspace.join("target").join("codegen-tests");
    let models = common::models();

    let project = tempfile::tempdir().unwrap();
    let src = project.path().join("src");
    std::fs::create_dir_all(src.join("generated")).unwrap();
    let mut generated = Vec::new();
    for model in &models {
        let code = sync_codegen::generate(&model.schema, &model.options).unwrap();
        let path = src.join("generated").join(format!("{}.rs", model.name));
        std::fs::write(path, &code).unwrap();
        generated.push((model.name.to_owned(), code));
    }
    std::fs::write(src.join("lib.rs"), library(&models)).unwrap();
    std::fs::write(src.join("main.rs"), include_str!("compile/app_main.rs")).unwrap();
    let runtime = workspace.join("sync-runtime").canonicalize().unwrap();
    std::fs::write(project.path().join("Cargo.toml"), manifest(&runtime)).unwrap();
    // The workspace's lock file, so that the dependencies already built are the ones used.
    std::fs::copy(
        workspace.join("Cargo.lock"),
        project.path().join("Cargo.lock"),
    )
    .unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let build = Command::new(cargo)
        .args(["build", "--offline", "--quiet"])
        .current_dir(project.path())
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        report("cargo build", &build, &generated)
    );

    let binary: PathBuf = target_dir
        .join("debug")
        .join(format!("codegen-check{}", std::env::consts::EXE_SUFFIX));
    let databases = tempfile::tempdir().unwrap();
    let run = Command::new(binary).arg(databases.path()).output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        report("the binary", &run, &generated)
    );

    // `schema()` rebuilds the model exactly.
    let stdout = String::from_utf8_lossy(&run.stdout);
    for model in &models {
        let expected = format!("{} {:?}", model.name, model.schema);
        assert!(
            stdout.lines().any(|line| line == expected),
            "schema() of {} differs from the model:\nexpected {expected}\nprinted:\n{stdout}",
            model.name
        );
    }
}
