//! Compiles the generated C parser (src/parser.c, committed) into the crate, so neither
//! CI nor users need the tree-sitter CLI or Node. Regenerate it with ../../regenerate.sh.

fn main() {
    let src_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let parser = src_dir.join("parser.c");

    let mut build = cc::Build::new();
    build.std("c11").include(&src_dir).file(&parser);
    // Generated code: its unused-parameter and similar warnings are not ours to fix.
    build.warnings(false);
    #[cfg(target_env = "msvc")]
    build.flag("-utf-8");
    build.compile("tree-sitter-mtvt");

    println!("cargo:rerun-if-changed={}", parser.display());
    println!(
        "cargo:rerun-if-changed={}",
        src_dir.join("tree_sitter").display()
    );
}
