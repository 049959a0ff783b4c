//! Signing an [`http::Request`] in place (feature `http1`).

use ::http::header::{HeaderName, HeaderValue};
use ::http::uri::{PathAndQuery, Uri};

use crate::error::Error;
use crate::request::{Payload, SignableRequest};
use crate::sign::{Signer, SigningParams};

/// Signs `request` and applies the result: sets the signing headers (replacing existing
/// ones of the same name, marking the session token and `authorization` sensitive), or
/// appends the presigning query parameters to the URI.
///
/// The URI should be absolute (`https://host/path`), or the request must carry a `Host`
/// header. The body is not read: pass its bytes, a precomputed hash, or
/// [`Payload::Unsigned`] as `payload`.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use sigv4::{Credentials, Payload, Signer, SigningParams};
///
/// let body = b"{}".to_vec();
/// let mut request = http::Request::post(
///     "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
/// )
/// .header("content-type", "application/json")
/// .body(body)
/// .expect("valid request");
/// let creds = Credentials::new("AKIDEXAMPLE", "secret");
/// let params = SigningParams::new(&creds, "us-east-1", "bedrock", SystemTime::now());
/// let payload = request.body().clone();
/// sigv4::http::sign_request(&mut Signer::new(), &mut request, Payload::Bytes(&payload), &params)?;
/// assert!(request.headers().contains_key("authorization"));
/// # Ok::<(), sigv4::Error>(())
/// ```
///
/// # Errors
///
/// Every error of [`Signer::sign`]; [`Error::InvalidHeaderValue`] when a header value is
/// not UTF-8; [`Error::InvalidTarget`] when the presigned URI cannot be rebuilt.
pub fn sign_request<B>(
    signer: &mut Signer,
    request: &mut ::http::Request<B>,
    payload: Payload<'_>,
    params: &SigningParams<'_>,
) -> Result<(), Error> {
    let target = request.uri().to_string();
    let out = {
        let mut headers = Vec::with_capacity(request.headers().len());
        for (name, value) in request.headers() {
            let value =
                std::str::from_utf8(value.as_bytes()).map_err(|_| Error::InvalidHeaderValue {
                    name: name.as_str().to_owned(),
                })?;
            headers.push((name.as_str(), value));
        }
        let signable = SignableRequest::new(request.method().as_str(), &target, &headers, payload);
        signer.sign(&signable, params)?
    };
    for added in out.headers() {
        let mut value =
            HeaderValue::from_str(added.value).map_err(|_| Error::InvalidHeaderValue {
                name: added.name.to_owned(),
            })?;
        value.set_sensitive(added.sensitive);
        request
            .headers_mut()
            .insert(HeaderName::from_static(added.name), value);
    }
    let query = out.query_string();
    if !query.is_empty() {
        let bad = |reason: &'static str| Error::InvalidTarget {
            target: target.clone(),
            reason,
        };
        let mut parts = request.uri().clone().into_parts();
        let current = parts
            .path_and_query
            .as_ref()
            .map_or("/", PathAndQuery::as_str);
        let separator = match current.split_once('?') {
            None => "?",
            Some((_, "")) => "",
            Some(_) => "&",
        };
        let joined = format!("{current}{separator}{query}");
        parts.path_and_query =
            Some(PathAndQuery::try_from(joined).map_err(|_| bad("cannot append the query"))?);
        *request.uri_mut() = Uri::from_parts(parts).map_err(|_| bad("cannot rebuild the URI"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::settings::SigningSettings;
    use std::time::{Duration, UNIX_EPOCH};

    fn time() -> std::time::SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    #[test]
    fn signs_headers_in_place() {
        let mut request = ::http::Request::get("https://example.amazonaws.com/")
            .body(())
            .unwrap();
        let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let params = SigningParams::new(&creds, "us-east-1", "service", time());
        sign_request(
            &mut Signer::new(),
            &mut request,
            Payload::Bytes(b""),
            &params,
        )
        .unwrap();
        let auth = request.headers()["authorization"].to_str().unwrap();
        assert!(auth.ends_with(
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ));
        assert!(request.headers()["authorization"].is_sensitive());
        assert_eq!(request.headers()["x-amz-date"], "20150830T123600Z");
    }

    #[test]
    fn presigns_into_the_uri() {
        let mut request = ::http::Request::get("https://example.amazonaws.com/?a=b")
            .body(())
            .unwrap();
        let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let settings = SigningSettings::new().presigned(Duration::from_secs(3600));
        let params =
            SigningParams::new(&creds, "us-east-1", "service", time()).with_settings(&settings);
        sign_request(
            &mut Signer::new(),
            &mut request,
            Payload::Bytes(b""),
            &params,
        )
        .unwrap();
        let query = request.uri().query().unwrap();
        assert!(query.starts_with("a=b&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
        assert!(query.contains("&X-Amz-Signature="));
        assert!(request.headers().get("authorization").is_none());
    }
}
