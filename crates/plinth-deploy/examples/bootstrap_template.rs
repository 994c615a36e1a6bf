//! Prints the bootstrap stack's template for a platform name, so the test script can lint it
//! with cfn-lint like every synthesized template: `cargo run -p plinth-deploy --example
//! bootstrap_template -- acme-data-prod`.

fn main() {
    let platform = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "acme-data-prod".to_owned());
    print!(
        "{}",
        plinth_deploy::bootstrap::template(&platform).to_json()
    );
}
