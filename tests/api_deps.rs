//! An embedder's build (`examples/embed`, credo with `default-features = false`) pulls none of
//! the CLI's crates and does not turn on `serde_json/preserve_order` (SPEC §18).

use std::process::Command;

fn cargo_tree(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let o = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--offline",
            "-p",
            "credo-embed-example",
            "-e",
            "normal",
        ])
        .args(args)
        .output()
        .expect("cargo runs");
    assert!(
        o.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

#[test]
fn the_embedder_builds_without_the_cli_crates() {
    let tree = cargo_tree(&["--prefix", "none"]);
    let crates: Vec<&str> = tree.lines().filter_map(|l| l.split(' ').next()).collect();
    assert!(crates.contains(&"credo"), "{tree}");
    assert!(crates.contains(&"serde_json"), "{tree}");
    for cli_only in [
        "clap",
        "indicatif",
        "libmimalloc-sys",
        "mimalloc",
        "similar",
        "signal-hook",
        "tempfile",
        "supports-color",
        "backtrace",
    ] {
        assert!(
            !crates.contains(&cli_only),
            "`{cli_only}` is in the embedder's build:\n{tree}"
        );
    }
}

#[test]
fn the_embedder_gets_serde_json_without_preserve_order() {
    let tree = cargo_tree(&["-e", "features", "-i", "serde_json"]);
    assert!(tree.contains("serde_json"), "{tree}");
    assert!(
        !tree.contains("preserve_order"),
        "serde_json/preserve_order is on in the embedder's build:\n{tree}"
    );
}
