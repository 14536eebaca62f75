//! The provider block against good and bad input, each bad value with its diagnostic.

use secrecy::ExposeSecret as _;

use super::*;
use crate::framework::from_value;
use crate::tfproto::Value;

/// A provider block with the attributes `pairs` sets, the others null.
fn config(pairs: &[(&str, Value)]) -> ProviderConfig {
    let value = Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())));
    from_value(&value).expect("a provider block")
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn summaries(diags: &Diagnostics) -> Vec<(String, Vec<String>)> {
    diags
        .iter()
        .map(|d| (d.summary.clone(), d.attribute.clone()))
        .collect()
}

const URL: &str = "https://eu2-cloud.acronis.com";

#[test]
fn client_credentials_from_the_block() {
    let options = resolve(
        &config(&[
            ("base_url", URL.into()),
            ("client_id", "id".into()),
            ("client_secret", "s3cret".into()),
        ]),
        &no_env,
    )
    .expect("valid");
    assert_eq!(
        options.base_url.as_str(),
        "https://eu2-cloud.acronis.com/api/2/"
    );
    assert_eq!(options.retry.max_retries, 3);
    assert_eq!(options.request_timeout, Duration::from_secs(30));
    assert!(
        matches!(&options.credentials, Credentials::ClientSecret { client_id, client_secret } if client_id == "id" && client_secret.expose_secret() == "s3cret")
    );
}

#[test]
fn environment_variables_fill_in_what_the_block_leaves_out() {
    let env = |k: &str| match k {
        "ACRONIS_BASE_URL" => Some(format!("{URL}/api/2/")),
        "ACRONIS_ACCESS_TOKEN" => Some("tok".to_owned()),
        _ => None,
    };
    let options = resolve(&config(&[]), &env).expect("valid from env");
    assert!(
        matches!(&options.credentials, Credentials::AccessToken(token) if token.expose_secret() == "tok")
    );
    // The block wins over the environment.
    let options =
        resolve(&config(&[("base_url", "http://127.0.0.1:9".into())]), &env).expect("valid");
    assert_eq!(options.base_url.as_str(), "http://127.0.0.1:9/api/2/");
}

#[test]
fn bad_input_gets_a_diagnostic_at_its_attribute() {
    let cases: Vec<(ProviderConfig, &str, &str)> = vec![
        (
            config(&[("base_url", "".into())]),
            "Empty base_url",
            "base_url",
        ),
        (
            config(&[("base_url", "   ".into())]),
            "Empty base_url",
            "base_url",
        ),
        (
            config(&[("base_url", "not a url".into())]),
            "Invalid base_url",
            "base_url",
        ),
        (
            config(&[("base_url", "http://eu2-cloud.acronis.com".into())]),
            "Invalid base_url",
            "base_url",
        ),
        (
            config(&[("base_url", format!("{URL}/?x=1").into())]),
            "Invalid base_url",
            "base_url",
        ),
        (
            config(&[("base_url", format!("{URL}/api/3").into())]),
            "Invalid base_url",
            "base_url",
        ),
        (
            config(&[(
                "base_url",
                format!("https://{}.com", "a".repeat(300)).into(),
            )]),
            "Invalid base_url",
            "base_url",
        ),
        (
            config(&[("client_id", "".into())]),
            "Empty client_id",
            "client_id",
        ),
        (
            config(&[("client_secret", " ".into())]),
            "Empty client_secret",
            "client_secret",
        ),
        (
            config(&[("access_token", "".into())]),
            "Empty access_token",
            "access_token",
        ),
        (
            config(&[("max_retries", Value::from(-1))]),
            "Invalid max_retries",
            "max_retries",
        ),
        (
            config(&[("max_retries", Value::from(11))]),
            "Invalid max_retries",
            "max_retries",
        ),
        (
            config(&[(
                "max_retries",
                Value::Number(crate::tfproto::value::Number::Float(1.5)),
            )]),
            "Invalid max_retries",
            "max_retries",
        ),
        (
            config(&[("request_timeout", Value::from(0))]),
            "Invalid request_timeout",
            "request_timeout",
        ),
        (
            config(&[("request_timeout", Value::from(100_000))]),
            "Invalid request_timeout",
            "request_timeout",
        ),
    ];
    for (cfg, summary, attribute) in cases {
        let diags = validate(&cfg);
        assert_eq!(
            summaries(&diags),
            vec![(summary.to_owned(), vec![attribute.to_owned()])],
            "{summary}"
        );
    }
}

#[test]
fn unknown_values_pass_validation_but_not_configuration() {
    let cfg = config(&[
        ("base_url", Value::Unknown),
        ("max_retries", Value::Unknown),
    ]);
    assert!(!validate(&cfg).has_errors());
    let diags = resolve(&cfg, &no_env).err().expect("refused");
    assert!(
        summaries(&diags).contains(&("Unknown base_url".to_owned(), vec!["base_url".to_owned()]))
    );
}

#[test]
fn exactly_one_way_to_authenticate() {
    let with = |pairs: &[(&str, Value)]| {
        let mut all = vec![("base_url", Value::from(URL))];
        all.extend(pairs.iter().cloned());
        resolve(&config(&all), &no_env)
    };
    let summary =
        |r: Result<ClientOptions, Diagnostics>| summaries(&r.err().expect("refused"))[0].0.clone();
    assert_eq!(summary(with(&[])), "No credentials");
    assert_eq!(
        summary(with(&[("client_id", "i".into())])),
        "Missing client_secret"
    );
    assert_eq!(
        summary(with(&[("client_secret", "s".into())])),
        "Missing client_id"
    );
    assert_eq!(
        summary(with(&[
            ("client_id", "i".into()),
            ("client_secret", "s".into()),
            ("access_token", "t".into())
        ])),
        "Conflicting credentials"
    );
    let missing_url = resolve(&config(&[("access_token", "t".into())]), &no_env)
        .err()
        .expect("refused");
    assert_eq!(
        summaries(&missing_url)[0],
        ("Missing base_url".to_owned(), vec!["base_url".to_owned()])
    );
}

#[test]
fn an_unreadable_ca_file_is_reported() {
    let diags = resolve(
        &config(&[
            ("base_url", URL.into()),
            ("access_token", "t".into()),
            ("ca_file", "/nonexistent/ca.pem".into()),
        ]),
        &no_env,
    )
    .err()
    .expect("refused");
    assert_eq!(
        summaries(&diags)[0],
        ("Unreadable ca_file".to_owned(), vec!["ca_file".to_owned()])
    );
}

#[test]
fn an_oversized_ca_file_is_refused_without_reading_it_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.pem");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(MAX_CA_FILE_BYTES + 1).expect("size");
    let diags = resolve(
        &config(&[
            ("base_url", URL.into()),
            ("access_token", "t".into()),
            ("ca_file", path.to_string_lossy().as_ref().into()),
        ]),
        &no_env,
    )
    .err()
    .expect("refused");
    let d = diags.iter().next().expect("a diagnostic");
    assert_eq!(d.summary, "Unreadable ca_file");
    assert!(d.detail.contains("larger than 4 MiB"), "{}", d.detail);

    file.set_len(MAX_CA_FILE_BYTES).expect("size");
    assert_eq!(
        read_capped(&path.to_string_lossy(), MAX_CA_FILE_BYTES)
            .expect("at the cap is fine")
            .len() as u64,
        MAX_CA_FILE_BYTES
    );
}
