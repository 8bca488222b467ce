//! What can be wrong with a mobile association file, as typed values with a
//! message (`Display`) and a fix ([`Problem::fix`]).

use super::android_origin::FingerprintError;
use std::fmt;

/// Which association file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MobileFile {
    /// `/.well-known/assetlinks.json` (Android, Digital Asset Links).
    AssetLinks,
    /// `/.well-known/apple-app-site-association` (iOS, associated domains).
    Aasa,
}

impl MobileFile {
    /// The path the platform fetches, under `https://<rp_id>`.
    pub const fn path(self) -> &'static str {
        match self {
            MobileFile::AssetLinks => "/.well-known/assetlinks.json",
            MobileFile::Aasa => "/.well-known/apple-app-site-association",
        }
    }

    /// The largest body read, in bytes.
    ///
    /// Apple documents 128 KB for `apple-app-site-association` (App Search
    /// Programming Guide, revision of 2016-04-01: "the 128 KB size limit"). Google
    /// documents no cap for `assetlinks.json`; rpscope reads at most 1 MiB (its own
    /// input bound, not a measured platform limit).
    pub const fn max_bytes(self) -> usize {
        match self {
            MobileFile::AssetLinks => 1 << 20,
            MobileFile::Aasa => 128 * 1024,
        }
    }
}

impl fmt::Display for MobileFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

/// One problem with an association file, or between it and the RP's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The fetch was redirected: Android's verifier and Apple's CDN do not follow redirects.
    Redirected {
        /// The file.
        file: MobileFile,
        /// The first redirect target.
        to: String,
        /// How many redirects.
        hops: usize,
    },
    /// The status is not 200.
    BadStatus {
        /// The file.
        file: MobileFile,
        /// The status.
        status: u16,
    },
    /// The body is over the file's cap ([`MobileFile::max_bytes`]); not read.
    TooLarge {
        /// The file.
        file: MobileFile,
        /// The body's length (declared or read).
        length: u64,
        /// The cap.
        cap: usize,
    },
    /// An HTML page where the file should be (a single-page app's fallback route,
    /// an error page, a login wall).
    Html {
        /// The file.
        file: MobileFile,
        /// The Content-Type it came with.
        content_type: String,
    },
    /// The `Content-Type` is not `application/json`.
    BadContentType {
        /// The file.
        file: MobileFile,
        /// The Content-Type as sent.
        content_type: String,
    },
    /// The body is not JSON (or not UTF-8, or nested too deeply).
    NotJson {
        /// The file.
        file: MobileFile,
        /// The parser's reason.
        why: String,
    },
    /// The JSON does not have the file's shape.
    BadShape {
        /// The file.
        file: MobileFile,
        /// What is wrong, and where.
        why: String,
    },
    /// No `android_app` statement has `delegate_permission/common.get_login_creds`.
    NoLoginCreds {
        /// Packages whose statements carry only `handle_all_urls` (App Links, not credentials).
        handle_all_urls_only: Vec<String>,
        /// `include` statements, which are not followed here.
        includes: usize,
    },
    /// A `sha256_cert_fingerprints` entry is not a SHA-256 fingerprint.
    BadFingerprint {
        /// The statement's package.
        package: String,
        /// The entry as written.
        fingerprint: String,
        /// Why.
        error: FingerprintError,
    },
    /// The file lets an app use the RP's credentials, but the policy does not
    /// admit the origin that app presents.
    AppOriginNotInPolicy {
        /// `android:apk-key-hash:…`.
        origin: String,
        /// The package that presents it.
        package: String,
    },
    /// The policy admits an Android app origin that no `get_login_creds`
    /// statement of the file declares.
    AppOriginNotInFile {
        /// The policy's `android:apk-key-hash:…` entry.
        origin: String,
    },
    /// No `webcredentials.apps`: iOS lets no app use the domain's passkeys.
    NoWebCredentials {
        /// Whether the file has `applinks` (universal links) instead.
        applinks: bool,
    },
    /// A `webcredentials.apps` entry is not `TEAMID.bundle.id`.
    BadAppId {
        /// The entry as written.
        app_id: String,
        /// Why.
        why: &'static str,
    },
    /// iOS apps are declared, but the policy does not admit `https://<rp_id>`,
    /// the origin an iOS app's ceremonies present.
    RpIdOriginNotAllowed {
        /// `https://<rp_id>`.
        origin: String,
        /// How many apps are declared.
        apps: usize,
    },
    /// More problems of the kind of `like` than are listed.
    Unlisted {
        /// The kind (the last listed problem of it).
        like: Box<Problem>,
        /// How many more.
        count: usize,
    },
}

const PASSKEYS: &str = "delegate_permission/common.get_login_creds";

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Redirected { file, to, hops } => write!(f, "{file} is redirected ({hops} redirect(s), first to `{to}`): Android's verifier and Apple's CDN fetch the file without following redirects"),
            Problem::BadStatus { file, status } => write!(f, "{file} is served with status {status}; the platform reads the file only from a 200 response"),
            Problem::TooLarge { file, length, cap } => write!(f, "{file} has {length} bytes or more, over the {cap}-byte cap; it was not read"),
            Problem::Html { file, content_type } => write!(f, "{file} is an HTML page (Content-Type `{content_type}`), not the JSON file: typically a single-page app's fallback route answering 200 with index.html for a path it does not know"),
            Problem::BadContentType { file, content_type } => write!(f, "{file} is served with Content-Type `{content_type}`, not `application/json`"),
            Problem::NotJson { file, why } => write!(f, "{file} is not JSON: {why}"),
            Problem::BadShape { file, why } => write!(f, "{file} does not have the file's shape: {why}"),
            Problem::NoLoginCreds { handle_all_urls_only, includes } => {
                write!(f, "{} has no android_app statement with `{PASSKEYS}`: Credential Manager reports the RP ID cannot be validated, and no Android app can use the site's passkeys", MobileFile::AssetLinks)?;
                if !handle_all_urls_only.is_empty() {
                    write!(f, "; {} declare(s) only `delegate_permission/common.handle_all_urls`, which enables App Links, not credential sharing", handle_all_urls_only.join(", "))?;
                }
                if *includes > 0 {
                    write!(f, "; {includes} `include` statement(s) were not followed")?;
                }
                Ok(())
            }
            Problem::BadFingerprint { package, fingerprint, error } => write!(f, "{} lists `{fingerprint}` for {package}: {error}", MobileFile::AssetLinks),
            Problem::AppOriginNotInPolicy { origin, package } => write!(f, "{} lets {package} use the site's passkeys, but the policy does not admit `{origin}`, the origin that app presents: every ceremony from it fails the origin check", MobileFile::AssetLinks),
            Problem::AppOriginNotInFile { origin } => write!(f, "the policy admits `{origin}`, but no `{PASSKEYS}` statement of {} declares that signing certificate: Android will not let that app use the RP ID (a debug or old key, or a missing statement)", MobileFile::AssetLinks),
            Problem::NoWebCredentials { applinks } => write!(f, "{} has no `webcredentials.apps`{}: iOS lets no app use the domain's passkeys", MobileFile::Aasa, if *applinks { " (only `applinks`, which is for universal links)" } else { "" }),
            Problem::BadAppId { app_id, why } => write!(f, "{} lists `{app_id}` in `webcredentials.apps`: {why}", MobileFile::Aasa),
            Problem::RpIdOriginNotAllowed { origin, apps } => write!(f, "{} declares {apps} iOS app(s), which present `{origin}` as their origin, but the policy does not admit it: every ceremony from those apps fails the origin check", MobileFile::Aasa),
            Problem::Unlisted { like, count } => write!(f, "{count} more problem(s) like this one, not listed: {like}"),
        }
    }
}

impl Problem {
    /// How to fix it.
    pub fn fix(&self) -> String {
        match self {
            Problem::Redirected { file, .. } => format!("serve {file} directly at the RP ID's host, with no redirect (also not http→https or apex→www)"),
            Problem::BadStatus { file, .. } => format!("serve {file} with status 200"),
            Problem::TooLarge { file, cap, .. } => format!("keep {file} under {cap} bytes"),
            Problem::Html { file, .. } => format!("serve the JSON file at {file} before the single-page app's fallback route (a static file or an exact route), with Content-Type application/json"),
            Problem::BadContentType { file, .. } => format!("serve {file} with `Content-Type: application/json`"),
            Problem::NotJson { file: MobileFile::AssetLinks, .. } | Problem::BadShape { file: MobileFile::AssetLinks, .. } => "serve a JSON array of statements: `[{\"relation\": [\"delegate_permission/common.get_login_creds\"], \"target\": {\"namespace\": \"android_app\", \"package_name\": \"…\", \"sha256_cert_fingerprints\": [\"AB:CD:…\"]}}]`".into(),
            Problem::NotJson { .. } | Problem::BadShape { .. } => "serve a JSON object: `{\"webcredentials\": {\"apps\": [\"TEAMID.com.example.app\"]}}`".into(),
            Problem::NoLoginCreds { .. } => format!("add `{PASSKEYS}` to the `relation` array of each app's statement (next to `handle_all_urls` if the app uses App Links)"),
            Problem::BadFingerprint { .. } => "write the SHA-256 fingerprint of the signing certificate as 32 colon-separated hex bytes (`keytool -list -v` or the Play Console's app signing page; with Play App Signing, list the app signing key, not only the upload key)".into(),
            Problem::AppOriginNotInPolicy { origin, .. } => format!("add `{origin}` to the policy's `origins` (`rpscope android-origin FINGERPRINT` prints it)"),
            Problem::AppOriginNotInFile { origin } => format!("add that certificate's SHA-256 fingerprint to the app's `{PASSKEYS}` statement, or remove `{origin}` from the policy if the key is no longer used"),
            Problem::NoWebCredentials { .. } => "add `\"webcredentials\": {\"apps\": [\"TEAMID.com.example.app\"]}` (and `webcredentials:<rp_id>` to the app's Associated Domains entitlement)".into(),
            Problem::BadAppId { .. } => "write the app's App ID: the 10-character Team ID from the developer account, a dot, and the bundle identifier (`ABCDE12345.com.example.app`)".into(),
            Problem::RpIdOriginNotAllowed { origin, .. } => format!("add `{origin}` to the policy's `origins`"),
            Problem::Unlisted { like, .. } => like.fix(),
        }
    }

    /// The file the problem is about.
    pub fn file(&self) -> MobileFile {
        match self {
            Problem::Redirected { file, .. }
            | Problem::BadStatus { file, .. }
            | Problem::TooLarge { file, .. }
            | Problem::Html { file, .. }
            | Problem::BadContentType { file, .. }
            | Problem::NotJson { file, .. }
            | Problem::BadShape { file, .. } => *file,
            Problem::NoLoginCreds { .. }
            | Problem::BadFingerprint { .. }
            | Problem::AppOriginNotInPolicy { .. }
            | Problem::AppOriginNotInFile { .. } => MobileFile::AssetLinks,
            Problem::NoWebCredentials { .. }
            | Problem::BadAppId { .. }
            | Problem::RpIdOriginNotAllowed { .. } => MobileFile::Aasa,
            Problem::Unlisted { like, .. } => like.file(),
        }
    }
}

/// Pushes `problem` while fewer than [`super::MAX_LISTED`] of its kind are listed;
/// counts it otherwise; `close` adds one `Unlisted` problem for the rest.
pub(super) struct Lister {
    listed: usize,
    unlisted: usize,
    last: Option<Problem>,
}

impl Lister {
    pub(super) fn new() -> Self {
        Lister {
            listed: 0,
            unlisted: 0,
            last: None,
        }
    }

    pub(super) fn push(&mut self, problem: Problem, problems: &mut Vec<Problem>) {
        if self.listed < super::MAX_LISTED {
            self.listed += 1;
            self.last = Some(problem.clone());
            problems.push(problem);
        } else {
            self.unlisted += 1;
        }
    }

    pub(super) fn close(self, problems: &mut Vec<Problem>) {
        if let (Some(like), true) = (self.last, self.unlisted > 0) {
            problems.push(Problem::Unlisted {
                like: Box::new(like),
                count: self.unlisted,
            });
        }
    }
}
