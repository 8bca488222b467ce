//! Prints one registration and one assertion as JSON Lines, for checking the
//! generator against an independent verifier:
//!
//! ```sh
//! cargo run -q -p rpscope-ceremony --example emit -- https://login.example.com example.com
//! ```

use rpscope_ceremony::{Authenticator, AuthenticatorData, ClientData};

fn main() {
    let mut args = std::env::args().skip(1);
    let origin = args
        .next()
        .unwrap_or_else(|| "https://login.example.com".into());
    let rp_id = args.next().unwrap_or_else(|| "example.com".into());
    let authenticator = Authenticator::from_seed(b"emit");
    let data = AuthenticatorData::for_rp_id(&rp_id);
    let registration = authenticator.register(
        &ClientData::create(b"registration-challenge", &origin),
        &data,
    );
    let assertion = authenticator.assert(
        &ClientData::get(b"assertion-challenge", &origin),
        &data,
        None,
    );
    println!("{}", registration.to_json());
    println!(
        "{}",
        rpscope_ceremony::b64url(&registration.cose_public_key)
    );
    println!("{}", assertion.to_json());
}
