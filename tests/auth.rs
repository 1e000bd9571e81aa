//! JWT verification: HS256 with a shared secret, RS256/ES256/EdDSA with a
//! JWKS (fetched over HTTP or read from a file), every rejection, the roles
//! claim, and the `toasoan token` command. Uses `api::platform::auth::Verifier`
//! directly: the HTTP layer has tests of its own.
//!
//! The keys in `tests/fixtures/` are test-only (see its README).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::BufRead,
    path::PathBuf,
    process::{Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use api::platform::auth::{
    AuthConfig, AuthError, Role, Verifier,
    jwt::{self, Algorithm, EncodingKey, Header},
    mint_hs256,
};
use serde_json::{Value, json};

const SECRET: &str = "integration-test-secret-0123456789abcdef";
const ISSUER: &str = "https://idp.toasoan.test/realms/newsroom";
const AUDIENCE: &str = "toasoan-api";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn now() -> u64 {
    jwt::get_current_timestamp()
}

/// Valid claims for `sub`, with the test issuer and audience.
fn claims(sub: &str) -> Value {
    json!({
        "sub": sub,
        "exp": now() + 300,
        "iat": now(),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "roles": ["editor"],
    })
}

/// `claims` with `changes` merged in (`null` removes a claim).
fn with(mut claims: Value, changes: Value) -> Value {
    for (key, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jwt::encode(&header, claims, key).unwrap()
}

fn hs256(claims: &Value) -> String {
    sign(
        Algorithm::HS256,
        None,
        &EncodingKey::from_secret(SECRET.as_bytes()),
        claims,
    )
}

fn rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(&read_fixture("jwt-rsa-private.pem")).unwrap()
}

fn ec_key() -> EncodingKey {
    EncodingKey::from_ec_pem(&read_fixture("jwt-ec-private.pem")).unwrap()
}

fn ed_key() -> EncodingKey {
    EncodingKey::from_ed_pem(&read_fixture("jwt-ed25519-private.pem")).unwrap()
}

fn rs256(kid: &str, claims: &Value) -> String {
    sign(Algorithm::RS256, Some(kid), &rsa_key(), claims)
}

fn es256(kid: &str, claims: &Value) -> String {
    sign(Algorithm::ES256, Some(kid), &ec_key(), claims)
}

/// base64url without padding, for hand-made tokens.
fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn secret_config() -> AuthConfig {
    AuthConfig {
        jwt_secret: Some(SECRET.into()),
        jwt_issuer: Some(ISSUER.into()),
        jwt_audience: Some(AUDIENCE.into()),
        ..AuthConfig::default()
    }
}

fn jwks_file_config() -> AuthConfig {
    AuthConfig {
        jwt_jwks_file: Some(fixture("jwks.json")),
        jwt_issuer: Some(ISSUER.into()),
        jwt_audience: Some(AUDIENCE.into()),
        ..AuthConfig::default()
    }
}

async fn make_verifier(config: AuthConfig) -> Verifier {
    Verifier::from_config(&config).await.unwrap()
}

async fn refused(verifier: &Verifier, token: &str) -> String {
    match verifier.verify(token).await {
        Ok(user) => panic!("accepted {user:?}"),
        Err(AuthError(message)) => message,
    }
}

/// A JWKS endpoint on 127.0.0.1, serving `document` (changeable) at
/// `/jwks.json` and counting its requests.
struct JwksServer {
    url: String,
    hits: Arc<AtomicUsize>,
    document: Arc<Mutex<String>>,
    /// While set, the endpoint answers 503 (the provider is down).
    down: Arc<std::sync::atomic::AtomicBool>,
}

impl JwksServer {
    async fn start(document: String) -> Self {
        let hits = Arc::new(AtomicUsize::new(0));
        let document = Arc::new(Mutex::new(document));
        let down = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (h, d, o) = (hits.clone(), document.clone(), down.clone());
        let router = axum::Router::new().route(
            "/jwks.json",
            axum::routing::get(move || {
                let (hits, document, down) = (h.clone(), d.clone(), o.clone());
                async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    let status = if down.load(Ordering::SeqCst) {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        axum::http::StatusCode::OK
                    };
                    let body = document.lock().unwrap().clone();
                    (status, [("content-type", "application/json")], body)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            url: format!("http://{addr}/jwks.json"),
            hits,
            document,
            down,
        }
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    fn config(&self) -> AuthConfig {
        AuthConfig {
            jwt_jwks_url: Some(self.url.clone()),
            jwt_issuer: Some(ISSUER.into()),
            jwt_audience: Some(AUDIENCE.into()),
            ..AuthConfig::default()
        }
    }
}

fn fixture_jwks() -> String {
    String::from_utf8(read_fixture("jwks.json")).unwrap()
}

/// The fixture JWKS with only the keys whose kid is in `kids`.
fn jwks_with(kids: &[&str]) -> String {
    let mut document: Value = serde_json::from_str(&fixture_jwks()).unwrap();
    document["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|key| kids.contains(&key["kid"].as_str().unwrap()));
    document.to_string()
}

// ---- accepted tokens ----

#[tokio::test]
async fn valid_hs256() {
    let verifier = make_verifier(secret_config()).await;
    assert_eq!(verifier.algorithms(), ["HS256"]);
    let user = verifier.verify(&hs256(&claims("alice"))).await.unwrap();
    assert_eq!(user.sub, "alice");
    assert_eq!(user.roles, [Role::Editor]);
    // Surrounding whitespace is tolerated.
    let token = format!(" {}\n", hs256(&claims("alice")));
    assert!(verifier.verify(&token).await.is_ok());
}

#[tokio::test]
async fn valid_rs256_via_jwks_url() {
    let server = JwksServer::start(fixture_jwks()).await;
    let verifier = make_verifier(server.config()).await;
    assert_eq!(server.hits(), 1, "fetched once at start");
    assert_eq!(verifier.algorithms(), ["RS256", "ES256", "EdDSA"]);
    let user = verifier
        .verify(&rs256("test-rsa", &claims("bob")))
        .await
        .unwrap();
    assert_eq!(user.sub, "bob");
    assert_eq!(user.roles, [Role::Editor]);
    // Cached: verifying does not fetch again.
    verifier
        .verify(&rs256("test-rsa", &claims("bob")))
        .await
        .unwrap();
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn valid_es256_and_eddsa_via_jwks_file() {
    let verifier = make_verifier(jwks_file_config()).await;
    let user = verifier
        .verify(&es256("test-ec", &claims("carol")))
        .await
        .unwrap();
    assert_eq!(user.sub, "carol");
    let eddsa = sign(Algorithm::EdDSA, Some("test-ed"), &ed_key(), &claims("dan"));
    assert_eq!(verifier.verify(&eddsa).await.unwrap().sub, "dan");
    // RS256 from the same file.
    let rsa = rs256("test-rsa", &claims("erin"));
    assert_eq!(verifier.verify(&rsa).await.unwrap().sub, "erin");
}

#[tokio::test]
async fn secret_and_jwks_together() {
    let config = AuthConfig {
        jwt_secret: Some(SECRET.into()),
        ..jwks_file_config()
    };
    let verifier = make_verifier(config).await;
    assert_eq!(verifier.algorithms(), ["HS256", "RS256", "ES256", "EdDSA"]);
    assert!(verifier.verify(&hs256(&claims("a"))).await.is_ok());
    assert!(
        verifier
            .verify(&es256("test-ec", &claims("a")))
            .await
            .is_ok()
    );
    // HS256 only ever uses the secret, never a JWKS key: a token "signed"
    // with the RSA public key as HMAC secret has a bad signature.
    let public_pem = read_fixture("jwt-rsa-public.pem");
    let confused = sign(
        Algorithm::HS256,
        Some("test-rsa"),
        &EncodingKey::from_secret(&public_pem),
        &claims("mallory"),
    );
    assert_eq!(
        refused(&verifier, &confused).await,
        "token signature is invalid"
    );
}

// ---- rejected tokens ----

#[tokio::test]
async fn rejects_expired() {
    let verifier = make_verifier(secret_config()).await;
    let expired = with(claims("a"), json!({ "exp": now() - 120 }));
    assert_eq!(refused(&verifier, &hs256(&expired)).await, "token expired");
    // Within the 30 s leeway: still accepted.
    let just = with(claims("a"), json!({ "exp": now() - 5 }));
    assert!(verifier.verify(&hs256(&just)).await.is_ok());
    // With no leeway, it is not.
    let strict = make_verifier(AuthConfig {
        jwt_leeway_secs: 0,
        ..secret_config()
    })
    .await;
    assert_eq!(refused(&strict, &hs256(&just)).await, "token expired");
}

#[tokio::test]
async fn rejects_nbf_in_the_future() {
    let verifier = make_verifier(secret_config()).await;
    let early = with(claims("a"), json!({ "nbf": now() + 600 }));
    assert_eq!(
        refused(&verifier, &hs256(&early)).await,
        "token is not valid yet (nbf)"
    );
    let fine = with(claims("a"), json!({ "nbf": now() - 1 }));
    assert!(verifier.verify(&hs256(&fine)).await.is_ok());
}

#[tokio::test]
async fn rejects_wrong_or_missing_issuer() {
    let verifier = make_verifier(secret_config()).await;
    let wrong = with(claims("a"), json!({ "iss": "https://evil.test" }));
    assert_eq!(
        refused(&verifier, &hs256(&wrong)).await,
        "token issuer is not accepted"
    );
    let missing = with(claims("a"), json!({ "iss": null }));
    assert_eq!(
        refused(&verifier, &hs256(&missing)).await,
        "token has no iss claim"
    );
}

#[tokio::test]
async fn rejects_wrong_or_missing_audience() {
    let verifier = make_verifier(secret_config()).await;
    let wrong = with(claims("a"), json!({ "aud": "another-app" }));
    assert_eq!(
        refused(&verifier, &hs256(&wrong)).await,
        "token audience is not accepted"
    );
    let missing = with(claims("a"), json!({ "aud": null }));
    assert_eq!(
        refused(&verifier, &hs256(&missing)).await,
        "token has no aud claim"
    );
    // An array containing ours is fine.
    let several = with(claims("a"), json!({ "aud": ["another-app", AUDIENCE] }));
    assert!(verifier.verify(&hs256(&several)).await.is_ok());
}

#[tokio::test]
async fn rejects_bad_signatures() {
    let verifier = make_verifier(secret_config()).await;
    let other_secret = sign(
        Algorithm::HS256,
        None,
        &EncodingKey::from_secret(b"another-secret-another-secret-another"),
        &claims("a"),
    );
    assert_eq!(
        refused(&verifier, &other_secret).await,
        "token signature is invalid"
    );

    // A JWKS token whose payload was swapped after signing.
    let jwks = verifier_for_jwks_file().await;
    let token = rs256("test-rsa", &claims("a"));
    let forged = rs256(
        "test-rsa",
        &with(claims("a"), json!({ "roles": ["admin"] })),
    );
    let parts: Vec<&str> = token.split('.').collect();
    let forged_payload = forged.split('.').nth(1).unwrap();
    let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    assert_eq!(
        refused(&jwks, &tampered).await,
        "token signature is invalid"
    );
    // An RS256 token naming the EC key: the key type must fit the alg.
    let rsa_with_ec_kid = sign(Algorithm::RS256, Some("test-ec"), &rsa_key(), &claims("a"));
    assert_eq!(
        refused(&jwks, &rsa_with_ec_kid).await,
        "token algorithm RS256 does not match its key"
    );
}

async fn verifier_for_jwks_file() -> Verifier {
    make_verifier(jwks_file_config()).await
}

#[tokio::test]
async fn rejects_alg_none() {
    for verifier in [
        make_verifier(secret_config()).await,
        verifier_for_jwks_file().await,
    ] {
        let header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64url(claims("root").to_string().as_bytes());
        for token in [
            format!("{header}.{payload}."),
            format!("{header}.{payload}.c2lnbmF0dXJl"),
        ] {
            assert_eq!(
                refused(&verifier, &token).await,
                "token algorithm none is not accepted"
            );
        }
        // Other spellings are refused too.
        let header = b64url(br#"{"alg":"None"}"#);
        assert_eq!(
            refused(&verifier, &format!("{header}.{payload}.")).await,
            "token algorithm None is not accepted"
        );
    }
}

#[tokio::test]
async fn rejects_algorithm_confusion() {
    // Configured with the JWKS only: an HS256 token "signed" with the RSA
    // public key's PEM bytes as the HMAC secret must not verify.
    let verifier = verifier_for_jwks_file().await;
    let public_pem = read_fixture("jwt-rsa-public.pem");
    for kid in [Some("test-rsa"), None] {
        let confused = sign(
            Algorithm::HS256,
            kid,
            &EncodingKey::from_secret(&public_pem),
            &claims("mallory"),
        );
        assert_eq!(
            refused(&verifier, &confused).await,
            "token algorithm HS256 is not accepted"
        );
    }
    // And a secret-only verifier refuses RS256 outright.
    let hs_only = make_verifier(secret_config()).await;
    assert_eq!(
        refused(&hs_only, &rs256("test-rsa", &claims("a"))).await,
        "token algorithm RS256 is not accepted"
    );
}

#[tokio::test]
async fn rejects_algorithms_outside_the_pinned_set() {
    // Pinned to ES256: RS256 tokens are refused even with a valid key.
    let verifier = make_verifier(AuthConfig {
        jwt_algorithms: vec!["ES256".into()],
        ..jwks_file_config()
    })
    .await;
    assert_eq!(
        refused(&verifier, &rs256("test-rsa", &claims("a"))).await,
        "token algorithm RS256 is not accepted"
    );
    assert!(
        verifier
            .verify(&es256("test-ec", &claims("a")))
            .await
            .is_ok()
    );

    // RS512 allowed, but the key says RS256: the key's alg must match.
    let verifier = make_verifier(AuthConfig {
        jwt_algorithms: vec!["RS256".into(), "RS512".into()],
        ..jwks_file_config()
    })
    .await;
    let rs512 = sign(Algorithm::RS512, Some("test-rsa"), &rsa_key(), &claims("a"));
    assert_eq!(
        refused(&verifier, &rs512).await,
        "token algorithm RS512 does not match its key"
    );
}

#[tokio::test]
async fn rejects_tokens_without_exp_or_sub() {
    let verifier = make_verifier(secret_config()).await;
    let no_exp = with(claims("a"), json!({ "exp": null }));
    assert_eq!(
        refused(&verifier, &hs256(&no_exp)).await,
        "token has no exp claim"
    );
    let no_sub = with(claims("a"), json!({ "sub": null }));
    assert_eq!(
        refused(&verifier, &hs256(&no_sub)).await,
        "token has no sub claim"
    );
    let jwks = verifier_for_jwks_file().await;
    assert_eq!(
        refused(&jwks, &es256("test-ec", &no_exp)).await,
        "token has no exp claim"
    );
}

#[tokio::test]
async fn rejects_garbage() {
    let verifier = make_verifier(secret_config()).await;
    for garbage in [
        "",
        "garbage",
        "Bearer abc",
        "a.b.c",
        "a.b",
        "eyJhbGciOiJIUzI1NiJ9",
        "eyJhbGciOiJIUzI1NiJ9.!!!.???",
        "eyJhbGciOiJIUzI1NiJ9.e30.e30.e30.e30",
    ] {
        assert_eq!(
            refused(&verifier, garbage).await,
            "token is malformed",
            "{garbage:?}"
        );
    }
    // A valid header and signature over a payload that is not JSON.
    let header = b64url(br#"{"alg":"HS256"}"#);
    let payload = b64url(b"not json");
    let message = format!("{header}.{payload}");
    let signature = jwt::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(SECRET.as_bytes()),
        Algorithm::HS256,
    )
    .unwrap();
    assert_eq!(
        refused(&verifier, &format!("{message}.{signature}")).await,
        "token is malformed"
    );
    let huge = format!("{}.{}.x", "a".repeat(10_000), "b".repeat(10_000));
    assert_eq!(refused(&verifier, &huge).await, "token is too large");
}

#[tokio::test]
async fn rejects_unknown_kid_and_rate_limits_refetches() {
    let server = JwksServer::start(fixture_jwks()).await;
    let verifier = make_verifier(server.config()).await;
    assert_eq!(server.hits(), 1);
    for _ in 0..3 {
        assert_eq!(
            refused(&verifier, &rs256("rotated-away", &claims("a"))).await,
            "token key (kid) is unknown"
        );
    }
    // The JWKS was fetched at start, less than 30 s ago: no refetch.
    assert_eq!(server.hits(), 1);

    let file = verifier_for_jwks_file().await;
    assert_eq!(
        refused(&file, &rs256("rotated-away", &claims("a"))).await,
        "token key (kid) is unknown"
    );
}

#[tokio::test]
async fn unknown_kid_refetches_the_jwks() {
    // The provider starts with the RSA key only, then adds the EC key.
    let server = JwksServer::start(jwks_with(&["test-rsa"])).await;
    let verifier = make_verifier(AuthConfig {
        jwt_jwks_min_refetch_secs: 0,
        ..server.config()
    })
    .await;
    let token = es256("test-ec", &claims("a"));
    assert_eq!(
        refused(&verifier, &token).await,
        "token key (kid) is unknown"
    );
    assert_eq!(server.hits(), 2, "an unknown kid fetches the JWKS again");

    *server.document.lock().unwrap() = fixture_jwks();
    assert_eq!(verifier.verify(&token).await.unwrap().sub, "a");
    assert_eq!(server.hits(), 3);
    // Known now: no more fetches.
    verifier.verify(&token).await.unwrap();
    assert_eq!(server.hits(), 3);

    // A broken document on refetch keeps the cached keys.
    *server.document.lock().unwrap() = "{ not json".to_owned();
    assert_eq!(
        refused(&verifier, &rs256("other", &claims("a"))).await,
        "token key (kid) is unknown"
    );
    assert_eq!(server.hits(), 4);
    verifier.verify(&token).await.unwrap();
}

#[tokio::test]
async fn jwks_is_refreshed_periodically() {
    let server = JwksServer::start(fixture_jwks()).await;
    let _verifier = make_verifier(AuthConfig {
        jwt_jwks_refresh_secs: 1,
        ..server.config()
    })
    .await;
    // Fetched at start, then about once a second (polled, for slow machines).
    for _ in 0..100 {
        if server.hits() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(server.hits() >= 3, "{} fetches", server.hits());
}

#[tokio::test]
async fn jwks_failure_at_start_is_a_setup_error() {
    let server = JwksServer::start("not a jwks".to_owned()).await;
    let err = Verifier::from_config(&server.config()).await.unwrap_err();
    assert!(err.0.contains("JWT_JWKS_URL"), "{err}");

    let missing = AuthConfig {
        jwt_jwks_url: Some(server.url.replace("jwks.json", "missing.json")),
        ..AuthConfig::default()
    };
    let err = Verifier::from_config(&missing).await.unwrap_err();
    assert!(err.0.contains("404"), "{err}");

    // Nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    drop(listener);
    let err = Verifier::from_config(&AuthConfig {
        jwt_jwks_url: Some(closed),
        ..AuthConfig::default()
    })
    .await
    .unwrap_err();
    assert!(err.0.contains("JWT_JWKS_URL"), "{err}");
}

/// A fresh directory for a test's files.
fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("toasoan-auth-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn jwks_cache_lets_a_replica_start_while_the_provider_is_down() {
    let server = JwksServer::start(fixture_jwks()).await;
    let cache = scratch_dir("cache-start").join("jwks.json");
    let config = AuthConfig {
        jwt_jwks_cache: Some(cache.clone()),
        ..server.config()
    };
    let _running = make_verifier(config.clone()).await;
    assert!(cache.exists(), "the fetched key set is kept");

    // A restart while the provider is down: the cached keys verify.
    server.set_down(true);
    let restarted = make_verifier(config.clone()).await;
    let user = restarted
        .verify(&rs256("test-rsa", &claims("bob")))
        .await
        .unwrap();
    assert_eq!(user.sub, "bob");

    // Nothing listens there at all: the same.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    drop(listener);
    let restarted = make_verifier(AuthConfig {
        jwt_jwks_url: Some(closed),
        ..config
    })
    .await;
    restarted
        .verify(&es256("test-ec", &claims("carol")))
        .await
        .unwrap();
}

#[tokio::test]
async fn without_known_keys_tokens_are_refused_until_the_provider_answers() {
    let server = JwksServer::start(fixture_jwks()).await;
    server.set_down(true);
    let cache = scratch_dir("cache-empty").join("jwks.json");
    let verifier = make_verifier(AuthConfig {
        jwt_jwks_cache: Some(cache.clone()),
        ..server.config()
    })
    .await;
    let token = rs256("test-rsa", &claims("bob"));
    assert_eq!(
        refused(&verifier, &token).await,
        "the identity provider's keys are not available yet: try again later"
    );

    // The provider comes back: the retries (1 s, 2 s, …) pick the keys up.
    server.set_down(false);
    let mut accepted = false;
    for _ in 0..100 {
        if verifier.verify(&token).await.is_ok() {
            accepted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(accepted, "keys fetched after {} requests", server.hits());
    assert!(cache.exists(), "and kept");
}

#[tokio::test]
async fn jwks_cache_needs_a_jwks_url() {
    let err = Verifier::from_config(&AuthConfig {
        jwt_jwks_cache: Some(scratch_dir("cache-alone").join("jwks.json")),
        ..secret_config()
    })
    .await
    .unwrap_err();
    assert!(err.0.contains("JWT_JWKS_URL"), "{err}");
}

// ---- roles ----

#[tokio::test]
async fn roles_from_role_and_roles() {
    let verifier = make_verifier(secret_config()).await;
    let role = with(claims("a"), json!({ "roles": null, "role": "admin" }));
    assert_eq!(
        verifier.verify(&hs256(&role)).await.unwrap().roles,
        [Role::Admin]
    );
    let roles = with(
        claims("a"),
        json!({ "roles": ["writer", "janitor", "PARTNER", "writer"] }),
    );
    assert_eq!(
        verifier.verify(&hs256(&roles)).await.unwrap().roles,
        [Role::Writer, Role::Partner]
    );
    let none = with(claims("a"), json!({ "roles": null }));
    assert!(
        verifier
            .verify(&hs256(&none))
            .await
            .unwrap()
            .roles
            .is_empty()
    );
}

#[tokio::test]
async fn roles_from_a_nested_claim() {
    let verifier = make_verifier(AuthConfig {
        jwt_roles_claim: Some("realm_access.roles".into()),
        ..jwks_file_config()
    })
    .await;
    // Keycloak puts realm roles under realm_access.roles.
    let keycloak = with(
        claims("kc-user"),
        json!({
            "roles": ["admin"],
            "realm_access": { "roles": ["offline_access", "uma_authorization", "editor", "writer"] },
        }),
    );
    let user = verifier
        .verify(&rs256("test-rsa", &keycloak))
        .await
        .unwrap();
    assert_eq!(user.sub, "kc-user");
    // Only the configured path counts: `roles` is ignored here.
    assert_eq!(user.roles, [Role::Editor, Role::Writer]);
}

// ---- minting ----

#[tokio::test]
async fn mint_hs256_round_trips() {
    let verifier = make_verifier(secret_config()).await;
    let token = mint_hs256(
        SECRET,
        "alice",
        &[Role::Editor, Role::Admin],
        Duration::from_secs(3600),
        Some(ISSUER),
        Some(AUDIENCE),
    )
    .unwrap();
    let user = verifier.verify(&token).await.unwrap();
    assert_eq!(user.sub, "alice");
    assert_eq!(user.roles, [Role::Editor, Role::Admin]);

    // Without iss/aud, the verifier that requires them refuses it.
    let bare = mint_hs256(SECRET, "alice", &[], Duration::from_secs(60), None, None).unwrap();
    assert_eq!(refused(&verifier, &bare).await, "token has no iss claim");
    assert!(mint_hs256("", "alice", &[], Duration::from_secs(60), None, None).is_err());
}

// ---- the command line ----

fn toasoan() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_toasoan"));
    command.env_clear().env("RUST_LOG", "off");
    command
}

#[tokio::test]
async fn cli_token_mints_a_verifiable_token() {
    let output = toasoan()
        .args(["token", "--sub", "alice", "--role", "editor"])
        .args(["--role", "writer", "--ttl", "1h"])
        .env("JWT_SECRET", SECRET)
        .env("JWT_ISSUER", ISSUER)
        .env("JWT_AUDIENCE", AUDIENCE)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "the token alone: {stdout:?}");
    let user = make_verifier(secret_config())
        .await
        .verify(stdout.trim())
        .await
        .unwrap();
    assert_eq!(user.sub, "alice");
    assert_eq!(user.roles, [Role::Editor, Role::Writer]);

    // --ttl sets exp.
    let payload = stdout.trim().split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&b64url_decode(payload)).unwrap();
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert_eq!(lifetime, 3600);
}

#[test]
fn cli_token_without_a_secret_fails_clearly() {
    let output = toasoan()
        .args(["token", "--sub", "alice", "--role", "editor"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("JWT_SECRET"), "{stderr}");

    for bad in [
        ["--role", "janitor", "--ttl", "1h"],
        ["--role", "editor", "--ttl", "1 week"],
    ] {
        let output = toasoan()
            .args(["token", "--sub", "alice"])
            .args(bad)
            .env("JWT_SECRET", SECRET)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{bad:?}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn cli_serve_refuses_production_without_keys() {
    let output = toasoan()
        .arg("serve")
        .env("APP_ENV", "production")
        .env("DATABASE_URL", "sqlite::memory:")
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("APP_ENV=production"), "{stderr}");
    assert!(stderr.contains("JWT_SECRET"), "{stderr}");
}

#[test]
fn cli_serve_in_development_prints_an_editor_token() {
    let db = std::env::temp_dir().join(format!("toasoan-auth-dev-{}.db", std::process::id()));
    let mut child = toasoan()
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        )
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("NO_DEMO", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut token = None;
    let mut graphiql = false;
    while token.is_none() || !graphiql {
        let Ok(line) = received.recv_timeout(Duration::from_secs(60)) else {
            break;
        };
        if let Some(rest) = line.strip_prefix("Authorization: Bearer ") {
            token = Some(rest.to_owned());
        }
        graphiql |= line.contains("/graphql");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for suffix in ["", "-shm", "-wal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let token = token.expect("a development token on stdout");
    assert!(graphiql, "the GraphiQL address is printed too");
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&b64url_decode(payload)).unwrap();
    assert_eq!(claims["roles"], json!(["editor"]));
}

fn b64url_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not base64url: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, c)| n | value(*c) << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

#[test]
fn base64url_helpers_agree() {
    for text in ["", "a", "ab", "abc", "abcd", "{\"alg\":\"none\"}"] {
        assert_eq!(b64url_decode(&b64url(text.as_bytes())), text.as_bytes());
    }
    assert_eq!(b64url(b"\xfb\xff"), "-_8");
}
