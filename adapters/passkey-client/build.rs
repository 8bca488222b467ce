//! Reads the version of passkey-client that Cargo.lock resolved, so the handshake
//! reports exactly what was built.

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").expect("Cargo.lock is committed");
    let version = locked_version(&lock, "passkey-client").expect("passkey-client is in Cargo.lock");
    println!("cargo:rustc-env=LIBRARY_VERSION={version}");
}

fn locked_version(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            let next = lines.next()?.trim();
            return next
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_owned);
        }
    }
    None
}
