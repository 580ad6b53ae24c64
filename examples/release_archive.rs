//! The release step that names and signs an archive (the release workflow
//! runs it through `scripts/release-archive.sh`; the tests do too):
//!
//!   release_archive BINARY VERSION TARGET SIGNING_KEY OUT_DIR
//!
//! writes `OUT_DIR/usbide-VERSION-TARGET.zip` holding the binary alone, as
//! `usbide` (`usbide.exe` for a Windows target), signed with zipsign for
//! that very file name, and prints `<sha256>  <file name>` (a SHA256SUMS
//! line). SIGNING_KEY is a zipsign key pair file (64 bytes).

use std::io::{Cursor, Write};
use std::path::PathBuf;

use sha2::Digest;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [binary, version, target, key, out_dir] = args.as_slice() else {
        eprintln!("usage: release_archive BINARY VERSION TARGET SIGNING_KEY OUT_DIR");
        std::process::exit(2);
    };
    if let Err(e) = run(binary, version, target, key, out_dir) {
        eprintln!("release_archive: {e}");
        std::process::exit(1);
    }
}

fn run(binary: &str, version: &str, target: &str, key: &str, out_dir: &str) -> Result<(), String> {
    let version = version.trim_start_matches('v');
    semver::Version::parse(version).map_err(|e| format!("version {version:?}: {e}"))?;
    let name = format!("usbide-{version}-{target}.zip");
    let inner = if target.contains("windows") {
        "usbide.exe"
    } else {
        "usbide"
    };
    let bytes = std::fs::read(binary).map_err(|e| format!("{binary}: {e}"))?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o755);
    zip.start_file(inner, opts).map_err(|e| e.to_string())?;
    zip.write_all(&bytes).map_err(|e| e.to_string())?;
    let unsigned = zip.finish().map_err(|e| e.to_string())?.into_inner();
    let pair: [u8; 64] = std::fs::read(key)
        .map_err(|e| format!("{key}: {e}"))?
        .try_into()
        .map_err(|_| format!("{key}: not a 64-byte zipsign key pair"))?;
    let signer = zipsign_api::SigningKey::from_keypair_bytes(&pair).map_err(|e| e.to_string())?;
    let mut signed = Cursor::new(Vec::new());
    zipsign_api::sign::copy_and_sign_zip(
        &mut Cursor::new(unsigned),
        &mut signed,
        &[signer],
        Some(name.as_bytes()),
    )
    .map_err(|e| e.to_string())?;
    let signed = signed.into_inner();
    let path = PathBuf::from(out_dir).join(&name);
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{out_dir}: {e}"))?;
    std::fs::write(&path, &signed).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{}  {name}", hex::encode(sha2::Sha256::digest(&signed)));
    Ok(())
}
