//! The README's set-up snippets name what the crate really is.

/// The text of the README's first fenced block of `lang`.
fn fenced(readme: &str, lang: &str) -> String {
    let open = format!("```{lang}\n");
    let start = readme
        .find(&open)
        .unwrap_or_else(|| panic!("no ```{lang} block"))
        + open.len();
    let len = readme[start..].find("```").expect("the block ends");
    readme[start..start + len].to_string()
}

#[test]
fn cargo_toml_snippet_matches_the_crate() {
    let readme = include_str!("../README.md");
    let manifest = include_str!("../Cargo.toml");
    let snippet = fenced(readme, "toml");
    assert!(snippet.starts_with("[dependencies]\n"), "{snippet}");
    // The version it asks for accepts this crate's version ("0.1" for 0.1.x).
    let version = env!("CARGO_PKG_VERSION");
    let wanted = format!(
        "gobrpc = \"{}\"",
        version.rsplit_once('.').expect("x.y.z").0
    );
    assert!(snippet.contains(&wanted), "{snippet} lacks {wanted}");
    // Every feature it lists exists in Cargo.toml.
    let line = snippet.lines().find(|l| l.starts_with("gobrpc")).unwrap();
    let listed = line
        .split("features:")
        .nth(1)
        .expect("the features comment");
    for feature in listed
        .split(',')
        .map(|f| f.split_whitespace().next().unwrap())
    {
        assert!(
            manifest.contains(&format!("\n{feature} = [")),
            "README names feature {feature:?}, Cargo.toml has none"
        );
    }
    // serde with derives and a tokio runtime are what the quickstart needs.
    assert!(snippet.contains("serde = { version = \"1\", features = [\"derive\"] }"));
    assert!(snippet.contains("tokio = "));
}
