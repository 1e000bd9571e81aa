//! JSON Web Key Sets: the public keys of an OIDC provider, indexed by
//! `kid`, read from a file once or fetched over HTTP, cached and refreshed.

use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, PoisonError, RwLock, Weak},
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{
    Algorithm, AlgorithmFamily, DecodingKey,
    jwk::{AlgorithmParameters, EllipticCurve, Jwk},
};

use super::{error::AuthSetupError, jwks_cache::JwksCache};

/// Largest JWKS document accepted.
const MAX_JWKS_BYTES: usize = 1024 * 1024;
/// Smallest RSA modulus accepted, in bits.
const MIN_RSA_BITS: usize = 2048;
/// Time allowed for one JWKS fetch.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// One public key of a JWKS, ready to verify signatures.
pub(crate) struct PublicKey {
    kid: Option<String>,
    /// The key's own `alg`, when it names one.
    alg: Option<Algorithm>,
    family: AlgorithmFamily,
    curve: Option<EllipticCurve>,
    pub(crate) key: DecodingKey,
}

impl PublicKey {
    /// Reads one JWK. `Ok(None)`: not a signature verification key (an
    /// encryption key, a symmetric key…), skipped silently.
    fn from_jwk(jwk: &Jwk) -> Result<Option<Self>, String> {
        let alg = match jwk.common.key_algorithm {
            None => None,
            Some(alg) => match Algorithm::try_from(alg) {
                Ok(alg) => Some(alg),
                // RSA-OAEP and the like, or an algorithm we do not support.
                Err(_) => return Ok(None),
            },
        };
        let (family, curve, key) = match &jwk.algorithm {
            AlgorithmParameters::RSA(params) => {
                let bits = rsa_modulus_bits(&params.n)
                    .ok_or_else(|| "its RSA modulus is not base64url".to_owned())?;
                if bits < MIN_RSA_BITS {
                    return Err(format!(
                        "its RSA modulus has {bits} bits (at least {MIN_RSA_BITS} are required)"
                    ));
                }
                let key = DecodingKey::from_rsa_components(&params.n, &params.e)
                    .map_err(|_| "its RSA components are not base64url".to_owned())?;
                (AlgorithmFamily::Rsa, None, key)
            }
            AlgorithmParameters::EllipticCurve(params) => {
                if !matches!(params.curve, EllipticCurve::P256 | EllipticCurve::P384) {
                    return Err(format!("its curve {:?} is not supported", params.curve));
                }
                let key = DecodingKey::from_ec_components(&params.x, &params.y)
                    .map_err(|_| "its EC coordinates are not base64url".to_owned())?;
                (AlgorithmFamily::Ec, Some(params.curve.clone()), key)
            }
            AlgorithmParameters::OctetKeyPair(params) => {
                if params.curve != EllipticCurve::Ed25519 {
                    return Err(format!("its curve {:?} is not supported", params.curve));
                }
                let key = DecodingKey::from_ed_components(&params.x)
                    .map_err(|_| "its Ed25519 key is not base64url".to_owned())?;
                (AlgorithmFamily::Ed, Some(EllipticCurve::Ed25519), key)
            }
            // Symmetric keys are never taken from a JWKS: HMAC tokens are
            // verified with `JWT_SECRET` only.
            _ => return Ok(None),
        };
        if let Some(alg) = alg
            && alg.family() != family
        {
            return Err(format!("its alg {alg:?} does not fit its key type"));
        }
        let key = Self {
            kid: jwk.common.key_id.clone(),
            alg,
            family,
            curve,
            key,
        };
        // Parse the key material now, so that a broken key is reported at
        // load time rather than on each token.
        let probe = key.alg.unwrap_or(match (&key.family, &key.curve) {
            (AlgorithmFamily::Ec, Some(EllipticCurve::P384)) => Algorithm::ES384,
            (AlgorithmFamily::Ec, _) => Algorithm::ES256,
            (AlgorithmFamily::Ed, _) => Algorithm::EdDSA,
            _ => Algorithm::RS256,
        });
        if jsonwebtoken::crypto::verify("AA", b"probe", &key.key, probe).is_err() {
            return Err("its key material is invalid".to_owned());
        }
        Ok(Some(key))
    }

    /// Whether this key may verify a token signed with `alg`: same family,
    /// the key's own `alg` (if any) equal to it, and the matching curve.
    pub(crate) fn fits(&self, alg: Algorithm) -> bool {
        if alg.family() != self.family || self.alg.is_some_and(|own| own != alg) {
            return false;
        }
        match alg {
            Algorithm::ES256 => self.curve == Some(EllipticCurve::P256),
            Algorithm::ES384 => self.curve == Some(EllipticCurve::P384),
            Algorithm::EdDSA => self.curve == Some(EllipticCurve::Ed25519),
            _ => true,
        }
    }
}

/// Bits of a base64url RSA modulus, leading zeros aside.
fn rsa_modulus_bits(n: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(n.trim_end_matches('=')).ok()?;
    let first = bytes.iter().position(|&b| b != 0)?;
    let significant = &bytes[first..];
    Some(significant.len() * 8 - significant[0].leading_zeros() as usize)
}

/// What a key set holds for a token.
pub(crate) enum Lookup {
    Found(Arc<PublicKey>),
    /// Keys with this `kid` exist, but none fits the token's algorithm.
    Mismatch,
    /// No key with this `kid` (or, without a `kid`, no key fits).
    Unknown,
    /// No `kid`, and several keys fit.
    Ambiguous,
}

/// The usable keys of one JWKS document, indexed by `kid`.
#[derive(Default)]
pub(crate) struct KeySet {
    by_kid: HashMap<String, Vec<Arc<PublicKey>>>,
    all: Vec<Arc<PublicKey>>,
}

impl KeySet {
    /// Parses a JWKS document, keeping its signature verification keys.
    /// Fails when it is not a JWKS or has no usable key.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, String> {
        let document: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|err| format!("it is not JSON ({err})"))?;
        let Some(keys) = document.get("keys").and_then(|keys| keys.as_array()) else {
            return Err("it has no \"keys\" array".to_owned());
        };
        let mut set = KeySet::default();
        for (index, value) in keys.iter().enumerate() {
            let name = value
                .get("kid")
                .and_then(|kid| kid.as_str())
                .map_or_else(|| format!("#{index}"), |kid| format!("\"{kid}\""));
            if value
                .get("use")
                .is_some_and(|usage| usage.as_str() != Some("sig"))
            {
                continue;
            }
            if let Some(ops) = value.get("key_ops").and_then(|ops| ops.as_array())
                && !ops.iter().any(|op| op.as_str() == Some("verify"))
            {
                continue;
            }
            let jwk: Jwk = match serde_json::from_value(value.clone()) {
                Ok(jwk) => jwk,
                Err(err) => {
                    tracing::warn!(key = %name, %err, "JWKS: skipping a key that cannot be read");
                    continue;
                }
            };
            match PublicKey::from_jwk(&jwk) {
                Ok(Some(key)) => set.insert(key),
                Ok(None) => {}
                Err(reason) => {
                    tracing::warn!(key = %name, %reason, "JWKS: skipping an unusable key");
                }
            }
        }
        if set.all.is_empty() {
            return Err(
                "it has no usable signature key (RSA, EC P-256/P-384 or Ed25519)".to_owned(),
            );
        }
        Ok(set)
    }

    fn insert(&mut self, key: PublicKey) {
        let key = Arc::new(key);
        if let Some(kid) = &key.kid {
            self.by_kid
                .entry(kid.clone())
                .or_default()
                .push(key.clone());
        }
        self.all.push(key);
    }

    /// Number of usable keys.
    pub(crate) fn len(&self) -> usize {
        self.all.len()
    }

    /// Whether no key is known (the provider was never reached).
    pub(crate) fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The key for a token with this `kid` and `alg`. Without a `kid`, the
    /// only key that fits `alg`, if there is exactly one.
    pub(crate) fn lookup(&self, kid: Option<&str>, alg: Algorithm) -> Lookup {
        match kid {
            Some(kid) => match self.by_kid.get(kid) {
                None => Lookup::Unknown,
                Some(keys) => keys
                    .iter()
                    .find(|key| key.fits(alg))
                    .map_or(Lookup::Mismatch, |key| Lookup::Found(key.clone())),
            },
            None => {
                let mut fitting = self.all.iter().filter(|key| key.fits(alg));
                match (fitting.next(), fitting.next()) {
                    (Some(key), None) => Lookup::Found(key.clone()),
                    (Some(_), Some(_)) => Lookup::Ambiguous,
                    (None, _) => Lookup::Unknown,
                }
            }
        }
    }
}

/// Where the JWKS comes from, and its cached keys.
pub(crate) struct JwksSource {
    keys: RwLock<Arc<KeySet>>,
    remote: Option<Remote>,
}

struct Remote {
    url: String,
    client: reqwest::Client,
    /// Held while fetching; holds the time of the last fetch attempt.
    last_fetch: tokio::sync::Mutex<Instant>,
    min_refetch: Duration,
    /// Where each fetched document is kept (`JWT_JWKS_CACHE`).
    cache: Option<JwksCache>,
}

impl JwksSource {
    /// Reads a JWKS file once.
    pub(crate) fn from_file(path: &Path) -> Result<Self, AuthSetupError> {
        let shown = path.display();
        let bytes = std::fs::read(path)
            .map_err(|err| AuthSetupError(format!("cannot read JWT_JWKS_FILE {shown}: {err}")))?;
        let keys = KeySet::parse(&bytes)
            .map_err(|err| AuthSetupError(format!("JWT_JWKS_FILE {shown} is unusable: {err}")))?;
        tracing::info!(file = %shown, keys = keys.len(), "JWKS loaded");
        Ok(Self {
            keys: RwLock::new(Arc::new(keys)),
            remote: None,
        })
    }

    /// Fetches the JWKS at `url` now, and refreshes it every `refresh` in
    /// the background while the source lives.
    ///
    /// Without a `cache`, a failed first fetch is a setup error. With one,
    /// every fetched document is written there, and a failed first fetch
    /// starts with the cached keys (or with none: every token is refused
    /// until a fetch succeeds), retried in the background with a backoff.
    pub(crate) async fn from_url(
        url: &str,
        refresh: Duration,
        min_refetch: Duration,
        cache: Option<JwksCache>,
    ) -> Result<Arc<Self>, AuthSetupError> {
        let client = http_client()?;
        let (keys, fetched) = match fetch(&client, url).await {
            Ok((keys, document)) => {
                tracing::info!(url, keys = keys.len(), "JWKS fetched");
                if let Some(cache) = &cache {
                    cache.store(&document);
                }
                (keys, true)
            }
            Err(err) => {
                let Some(cache) = &cache else {
                    return Err(AuthSetupError(format!(
                        "cannot load the JWKS of JWT_JWKS_URL: {err} \
                         (set JWT_JWKS_CACHE to start from the last fetched keys)"
                    )));
                };
                let cached = cache.load().and_then(|document| {
                    KeySet::parse(&document)
                        .map_err(|err| {
                            tracing::warn!(file = %cache.path().display(), %err,
                                "JWT_JWKS_CACHE is unusable");
                        })
                        .ok()
                });
                match cached {
                    Some(keys) => {
                        tracing::warn!(url, %err, keys = keys.len(),
                            "cannot fetch the JWKS: starting with the keys of JWT_JWKS_CACHE, retrying");
                        (keys, false)
                    }
                    None => {
                        tracing::error!(url, %err,
                            "cannot fetch the JWKS and JWT_JWKS_CACHE holds none: \
                             every token is refused until the keys are fetched, retrying");
                        (KeySet::default(), false)
                    }
                }
            }
        };
        let source = Arc::new(Self {
            keys: RwLock::new(Arc::new(keys)),
            remote: Some(Remote {
                url: url.to_owned(),
                client,
                last_fetch: tokio::sync::Mutex::new(Instant::now()),
                min_refetch,
                cache,
            }),
        });
        if !refresh.is_zero() || !fetched {
            spawn_refresh(Arc::downgrade(&source), refresh, fetched);
        }
        Ok(source)
    }

    /// The keys as last loaded.
    pub(crate) fn keys(&self) -> Arc<KeySet> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Fetches the JWKS again for a token whose `kid` is unknown, unless the
    /// last fetch is more recent than the minimum interval (so unknown kids
    /// cannot make us hammer the provider). Returns the keys to look in.
    pub(crate) async fn refetch_for_unknown_kid(&self) -> Arc<KeySet> {
        if let Some(remote) = &self.remote {
            let mut last_fetch = remote.last_fetch.lock().await;
            if last_fetch.elapsed() >= remote.min_refetch {
                self.fetch_now(remote, &mut last_fetch, "unknown kid").await;
            }
        }
        self.keys()
    }

    /// Fetches now (the caller holds the fetch lock); on failure the cached
    /// keys stay. Returns whether the fetch succeeded.
    async fn fetch_now(&self, remote: &Remote, last_fetch: &mut Instant, why: &str) -> bool {
        *last_fetch = Instant::now();
        match fetch(&remote.client, &remote.url).await {
            Ok((keys, document)) => {
                tracing::debug!(url = %remote.url, keys = keys.len(), why, "JWKS refreshed");
                *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
                if let Some(cache) = &remote.cache {
                    cache.store(&document);
                }
                true
            }
            Err(err) => {
                tracing::warn!(url = %remote.url, %err, why, "JWKS refresh failed; keeping the cached keys");
                false
            }
        }
    }
}

/// First wait before fetching again after a failure; it doubles up to
/// [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_secs(1);
/// Longest wait between two fetches while they fail.
const RETRY_MAX: Duration = Duration::from_secs(60);

/// Refreshes the key set every `every` (never when it is zero, once a
/// fetch succeeded). Until a first fetch has succeeded (`fetched` false)
/// and after a failure, fetches again sooner, with a doubling backoff.
fn spawn_refresh(source: Weak<JwksSource>, every: Duration, fetched: bool) {
    tokio::spawn(async move {
        let mut retry = RETRY_FIRST;
        let mut succeeded = fetched;
        loop {
            let wait = if succeeded {
                every
            } else {
                retry.min(if every.is_zero() { RETRY_MAX } else { every })
            };
            if succeeded && every.is_zero() {
                break;
            }
            tokio::time::sleep(wait).await;
            let Some(source) = source.upgrade() else {
                break;
            };
            if let Some(remote) = &source.remote {
                let mut last_fetch = remote.last_fetch.lock().await;
                succeeded = source.fetch_now(remote, &mut last_fetch, "periodic").await;
            }
            retry = if succeeded {
                RETRY_FIRST
            } else {
                (retry * 2).min(RETRY_MAX)
            };
        }
    });
}

fn http_client() -> Result<reqwest::Client, AuthSetupError> {
    // reqwest is built without a bundled crypto provider: use ring, which
    // rustls already has through sqlx. Fails harmlessly when a provider is
    // already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(FETCH_TIMEOUT / 2)
        .user_agent(concat!("toasoan/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| AuthSetupError(format!("cannot build the HTTP client for the JWKS: {err}")))
}

/// Fetches and parses the JWKS at `url`: its keys and the document.
async fn fetch(client: &reqwest::Client, url: &str) -> Result<(KeySet, Vec<u8>), String> {
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|err| error_chain(&err.without_url()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered HTTP {status}"));
    }
    if response
        .content_length()
        .is_some_and(|length| length > MAX_JWKS_BYTES as u64)
    {
        return Err(format!(
            "the document is larger than {MAX_JWKS_BYTES} bytes"
        ));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| error_chain(&err.without_url()))?
    {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(format!(
                "the document is larger than {MAX_JWKS_BYTES} bytes"
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let keys = KeySet::parse(&body)?;
    Ok((keys, body))
}

/// An error and its causes, on one line ("error sending request: …:
/// Connection refused").
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const JWKS: &str = include_str!("../../../../tests/fixtures/jwks.json");

    #[test]
    fn parses_the_fixture_jwks_by_kid() {
        let set = KeySet::parse(JWKS.as_bytes()).unwrap();
        assert_eq!(set.len(), 3);
        assert!(matches!(
            set.lookup(Some("test-rsa"), Algorithm::RS256),
            Lookup::Found(_)
        ));
        assert!(matches!(
            set.lookup(Some("test-ec"), Algorithm::ES256),
            Lookup::Found(_)
        ));
        assert!(matches!(
            set.lookup(Some("test-ed"), Algorithm::EdDSA),
            Lookup::Found(_)
        ));
        // The key's own alg must match the token's.
        assert!(matches!(
            set.lookup(Some("test-rsa"), Algorithm::RS512),
            Lookup::Mismatch
        ));
        assert!(matches!(
            set.lookup(Some("test-rsa"), Algorithm::HS256),
            Lookup::Mismatch
        ));
        assert!(matches!(
            set.lookup(Some("test-ec"), Algorithm::ES384),
            Lookup::Mismatch
        ));
        assert!(matches!(
            set.lookup(Some("nope"), Algorithm::RS256),
            Lookup::Unknown
        ));
        // Without a kid: the only key that fits.
        assert!(matches!(
            set.lookup(None, Algorithm::ES256),
            Lookup::Found(_)
        ));
        assert!(matches!(
            set.lookup(None, Algorithm::PS256),
            Lookup::Unknown
        ));
    }

    #[test]
    fn skips_symmetric_encryption_and_broken_keys() {
        let doc = serde_json::json!({ "keys": [
            { "kty": "oct", "kid": "hmac", "k": "c2VjcmV0" },
            { "kty": "RSA", "kid": "enc", "use": "enc", "alg": "RSA-OAEP", "n": "AQAB", "e": "AQAB" },
            { "kty": "RSA", "kid": "small", "alg": "RS256", "n": "AQAB", "e": "AQAB" },
            { "kty": "EC", "kid": "bad-point", "crv": "P-256", "x": "AQAB", "y": "AQAB" },
            { "kty": "weird", "kid": "weird" },
        ]});
        let err = KeySet::parse(doc.to_string().as_bytes())
            .err()
            .expect("no usable key");
        assert!(err.contains("no usable"), "{err}");
        assert!(KeySet::parse(b"[]").is_err());
        assert!(KeySet::parse(b"not json").is_err());
    }

    #[test]
    fn duplicate_kids_are_told_apart_by_alg() {
        let fixture: serde_json::Value = serde_json::from_str(JWKS).unwrap();
        let mut keys = fixture["keys"].as_array().unwrap().clone();
        for key in &mut keys {
            key["kid"] = "same".into();
        }
        let doc = serde_json::json!({ "keys": keys });
        let set = KeySet::parse(doc.to_string().as_bytes()).unwrap();
        for alg in [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA] {
            let Lookup::Found(key) = set.lookup(Some("same"), alg) else {
                panic!("no key for {alg:?}");
            };
            assert!(key.fits(alg));
        }
        assert!(matches!(
            set.lookup(None, Algorithm::RS256),
            Lookup::Found(_)
        ));
    }

    #[test]
    fn rsa_modulus_bits_counts_significant_bits() {
        assert_eq!(rsa_modulus_bits("AQAB"), Some(17));
        assert_eq!(
            rsa_modulus_bits(&URL_SAFE_NO_PAD.encode([0u8, 0x80, 0])),
            Some(16)
        );
        assert_eq!(rsa_modulus_bits("!!"), None);
    }
}
