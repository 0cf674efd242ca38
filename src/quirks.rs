//! Serde helpers for the server's quirks, applied by `build/codegen.rs` by convention (see the
//! table there), never by hand per field.

use std::fmt;

use serde::{Deserialize, Deserializer, Serializer};

use crate::UnixTime;

/// The characters a path segment of the generated client has percent-encoded: those of
/// `progenitor_client::encode_path`, and `+`. A `+` is a plus in a path by RFC 3986, but a
/// server that decodes paths as form data reads it as a space (clients that encode ids with
/// form encoders send spaces as `+`), and would look up another order: sent as `%2B` it is a
/// plus to either reading.
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b'+')
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// A path segment of a generated operation, percent-encoded as `progenitor_client::encode_path`
/// does it, and `+` as `%2B` (see [`PATH_SET`]); `build/codegen.rs` puts this in its place. A segment with nothing to encode, as
/// every id the facade accepts, is handed back as it is rather than copied.
pub(crate) fn encode_path(segment: String) -> String {
    use std::borrow::Cow;
    // The usual segment, an id of letters, digits, `_`, `-` and `.`, needs nothing.
    if segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return segment;
    }
    // Borrowed is either the segment itself or, for a one-byte segment, the static `%XX`.
    let encoded = match Cow::from(percent_encoding::utf8_percent_encode(&segment, PATH_SET)) {
        Cow::Borrowed(same) if std::ptr::eq(same.as_ptr(), segment.as_ptr()) => None,
        other => Some(other.into_owned()),
    };
    encoded.unwrap_or(segment)
}

/// `client.get(url)` (or another method) of a generated operation (`build/codegen.rs` puts this
/// in its place): the same request, its URL built from the base URL parsed once when the
/// client was built, with only the path set. reqwest would parse the whole URL string, scheme
/// and host included, on every call.
///
/// `url` is the base URL followed by the operation's path, as the operation formats it; a
/// `url` that is not is handed to reqwest as it is.
pub(crate) fn request(
    client: &reqwest::Client,
    method: reqwest::Method,
    base: &reqwest::Url,
    baseurl: &str,
    url: String,
) -> reqwest::RequestBuilder {
    let Some(path) = url.strip_prefix(baseurl).filter(|p| p.starts_with('/')) else {
        return client.request(method, url);
    };
    let mut full = base.clone();
    // The base's own path (`/` for a bare host) comes before the operation's, without a
    // second slash between them.
    match base.path().trim_end_matches('/') {
        "" => full.set_path(path),
        prefix => full.set_path(&format!("{prefix}{path}")),
    }
    client.request(method, full)
}

/// `builder.query(&QueryParam::new(name, value))` of the generated client for an optional
/// parameter (`build/codegen.rs` puts it in place): a parameter that is there is added the
/// same way; an absent one is left out without reqwest rewriting the URL's query for nothing.
pub(crate) fn query_some<T: serde::Serialize>(
    builder: reqwest::RequestBuilder,
    name: &str,
    value: &Option<T>,
) -> reqwest::RequestBuilder {
    if value.is_none() {
        return builder;
    }
    builder.query(&progenitor_client::QueryParam::new(name, value))
}

/// A list the server may leave out or send as `null`: both read as empty.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// An `EventTime` of the spec: `0` (and `null`) means "has not happened" and reads as `None`;
/// `None` is written back as `0`, as the server writes it.
pub(crate) mod event_time {
    use super::{Deserialize, Deserializer, Serializer, UnixTime};

    pub(crate) fn serialize<S: Serializer>(v: &Option<UnixTime>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(v.map_or(0, |t| t.as_secs()))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<UnixTime>, D::Error> {
        let v = Option::<i64>::deserialize(d)?;
        Ok(v.filter(|&s| s != 0).map(UnixTime::from_secs))
    }
}

/// Shows whether a personal field (`x-personal` in the spec) is set, never its value.
pub(crate) struct Redacted(&'static str);

impl Redacted {
    pub(crate) fn of<T: Redact + ?Sized>(value: &T) -> Redacted {
        Redacted(value.marker())
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// What a redacted field shows in place of its value.
pub(crate) trait Redact {
    fn marker(&self) -> &'static str;
}

impl<T> Redact for Option<T> {
    fn marker(&self) -> &'static str {
        if self.is_some() {
            "Some([redacted])"
        } else {
            "None"
        }
    }
}

impl Redact for String {
    fn marker(&self) -> &'static str {
        "[redacted]"
    }
}

impl<T> Redact for Vec<T> {
    fn marker(&self) -> &'static str {
        "[redacted]"
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn an_optional_query_parameter_is_added_when_there_and_left_out_when_not() {
        #[cfg(feature = "rustls-ring")]
        crate::install_crypto_provider();
        let client = reqwest::Client::new();
        let url = |page: Option<u32>, sorting: Option<&str>| {
            let builder = client.get("http://127.0.0.1/payments?fixed=1");
            let builder = super::query_some(builder, "page", &page);
            super::query_some(builder, "sorting", &sorting)
                .build()
                .unwrap()
                .url()
                .to_string()
        };
        assert_eq!(url(None, None), "http://127.0.0.1/payments?fixed=1");
        assert_eq!(
            url(Some(2), Some("-paid")),
            "http://127.0.0.1/payments?fixed=1&page=2&sorting=-paid"
        );
        assert_eq!(
            url(None, Some("a b")),
            "http://127.0.0.1/payments?fixed=1&sorting=a+b"
        );
    }

    /// Path segments to try: every ASCII character between two letters, and ids with
    /// characters that need encoding, non-ASCII ones and path steps.
    fn segments() -> Vec<String> {
        let mut samples: Vec<String> = (0u8..=127).map(|b| format!("a{}b", b as char)).collect();
        samples.extend(
            [
                "imp_123",
                "",
                "%",
                "a/b?c",
                "주문 1",
                "é€😀",
                "x%2Fy",
                "order#1{2}",
                "..",
                ".",
            ]
            .map(String::from),
        );
        samples
    }

    #[test]
    fn path_segments_are_encoded_as_the_generated_client_encodes_them() {
        for sample in segments() {
            assert_eq!(
                super::encode_path(sample.clone()),
                progenitor_client::encode_path(&sample).replace('+', "%2B"),
                "{sample:?}"
            );
        }
        assert_eq!(super::encode_path("a+b".to_owned()), "a%2Bb");
    }

    #[test]
    fn a_request_from_the_parsed_base_has_the_url_reqwest_would_parse() {
        #[cfg(feature = "rustls-ring")]
        crate::install_crypto_provider();
        let client = reqwest::Client::new();
        let segments = segments();
        let bases = [
            "http://127.0.0.1:8080",
            "https://api.iamport.kr",
            "https://Proxy.Example:8443/iamport/v1",
            "https://proxy.example/iamport/",
            "http://[::1]:9000/a%20b",
            "https://xn--9n2bp8q.example/p",
            "https://한국.example",
        ];
        for raw in bases {
            // What the client keeps of its base URL.
            let (baseurl, base) = crate::client::check_base_url(raw).unwrap();
            for segment in &segments {
                for shape in [
                    "/payments/{}",
                    "/payments/{}/balance",
                    "/subscribe/customers/{}/payments",
                ] {
                    let path = shape.replace("{}", &super::encode_path(segment.clone()));
                    let url = format!("{baseurl}{path}");
                    let expected = client.get(url.clone()).build().unwrap();
                    let built = super::request(&client, reqwest::Method::GET, &base, &baseurl, url)
                        .build()
                        .unwrap();
                    assert_eq!(built.url(), expected.url(), "{raw} {segment:?}");
                    assert_eq!(built.url().as_str(), expected.url().as_str());
                }
            }
        }
        // A URL that is not the base's is handed to reqwest as it is.
        let base = reqwest::Url::parse("https://api.iamport.kr").unwrap();
        let other = super::request(
            &client,
            reqwest::Method::POST,
            &base,
            "https://api.iamport.kr",
            "http://127.0.0.1/x".into(),
        )
        .build()
        .unwrap();
        assert_eq!(other.url().as_str(), "http://127.0.0.1/x");
        assert_eq!(other.method(), reqwest::Method::POST);
    }
}
