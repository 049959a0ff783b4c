//! Authentication as AWS does it: SigV4 (header or presigned query) or a bearer token.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use sigv4::{
    AmzDateTime, AuthorizationSource, ParsedAuthorization, Payload, SignableRequest, Signer,
    SigningKeyCache, SigningSettings,
};

use crate::emulator::Credentials;
use crate::error::ApiError;

/// The signing name of Bedrock Runtime.
const SERVICE: &str = "bedrock";
/// The clock skew AWS tolerates.
const MAX_SKEW: Duration = Duration::from_secs(300);

/// The AWS message for a signature that does not match.
pub(crate) const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// Who made a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    /// A SigV4-signed request.
    SigV4 {
        access_key_id: String,
        region: String,
    },
    /// A request with `Authorization: Bearer ...`.
    Bearer,
}

/// What authentication checks a request against.
pub(crate) struct Authenticator {
    pub(crate) credentials: Vec<Credentials>,
    pub(crate) bearer_token: Option<String>,
    key_cache: SigningKeyCache,
}

/// The bearer token is never shown; credentials show their access key id only.
impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("credentials", &self.credentials)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// The parts of a received request authentication looks at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Received<'a> {
    pub(crate) method: &'a str,
    /// The path and query exactly as received.
    pub(crate) target: &'a str,
    /// The authority of the request URI (HTTP/2 `:authority`), if any.
    pub(crate) authority: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

fn skew_error(request_time: AmzDateTime, now: SystemTime) -> Option<ApiError> {
    let request = request_time.to_system_time();
    let stamp = |t: SystemTime| {
        AmzDateTime::from_system_time(t)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    if request + MAX_SKEW < now {
        return Some(ApiError::invalid_signature(format!(
            "Signature expired: {request_time} is now earlier than {} ({} - 5 min.)",
            stamp(now - MAX_SKEW),
            stamp(now)
        )));
    }
    if request > now + MAX_SKEW {
        return Some(ApiError::invalid_signature(format!(
            "Signature not yet current: {request_time} is still later than {} ({} + 5 min.)",
            stamp(now + MAX_SKEW),
            stamp(now)
        )));
    }
    None
}

fn map_verify_error(error: &sigv4::Error) -> ApiError {
    match error {
        sigv4::Error::MissingSignedHeader { name } if name == "x-amz-date" => {
            ApiError::incomplete_signature(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
            )
        }
        sigv4::Error::MissingSignedHeader { name } => ApiError::invalid_signature(format!(
            "The request signature we calculated does not match the signature you provided. The header '{name}' is listed in SignedHeaders but was not sent."
        )),
        sigv4::Error::ScopeDateMismatch {
            scope_date,
            amz_date,
        } => ApiError::invalid_signature(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{}', from '{amz_date}'.",
            amz_date.get(..8).unwrap_or(amz_date)
        )),
        sigv4::Error::InvalidAmzDate { value } => ApiError::incomplete_signature(format!(
            "Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
        )),
        _ => ApiError::invalid_signature(SIGNATURE_MISMATCH),
    }
}

fn map_parse_error(error: &sigv4::Error) -> ApiError {
    match error {
        sigv4::Error::UnsupportedAlgorithm { algorithm } => {
            ApiError::incomplete_signature(format!(
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={algorithm}"
            ))
        }
        sigv4::Error::MalformedCredential { credential } => ApiError::incomplete_signature(
            format!("Credential should be scoped to a valid region. Credential={credential}"),
        ),
        other => ApiError::incomplete_signature(format!(
            "The Authorization header is malformed: {other}."
        )),
    }
}

impl Authenticator {
    pub(crate) fn new(credentials: Vec<Credentials>, bearer_token: Option<String>) -> Self {
        Self {
            credentials,
            bearer_token,
            key_cache: SigningKeyCache::new(),
        }
    }

    /// Authenticates a request at time `now`.
    ///
    /// # Errors
    ///
    /// The 403s AWS answers: `AccessDeniedException` (no authentication, bad API
    /// key format), `UnrecognizedClientException` (unknown key or token),
    /// `InvalidSignatureException` (bad signature, skewed clock, wrong service),
    /// `IncompleteSignatureException` (malformed `Authorization`).
    pub(crate) fn authenticate(
        &self,
        request: &Received<'_>,
        now: SystemTime,
    ) -> Result<Principal, ApiError> {
        let authorization = request
            .headers
            .get(http::header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or(""));
        let query = request.target.split_once('?').map(|(_, q)| q).unwrap_or("");
        let parsed = match authorization {
            Some(value) => {
                if let Some(token) = value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
                {
                    return self.check_bearer(token.trim());
                }
                ParsedAuthorization::from_authorization_header(value)
                    .map_err(|e| map_parse_error(&e))?
            }
            None if query.contains("X-Amz-Signature=") => {
                ParsedAuthorization::from_query(query).map_err(|e| map_parse_error(&e))?
            }
            None => return Err(ApiError::missing_authorization()),
        };

        let credentials = self
            .credentials
            .iter()
            .find(|c| c.access_key_id == parsed.access_key_id())
            .ok_or_else(ApiError::unrecognized_client)?;

        let received_token = match parsed.source() {
            AuthorizationSource::Query => parsed.security_token().map(str::to_string),
            _ => request
                .headers
                .get("x-amz-security-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        };
        if received_token.as_deref() != credentials.session_token.as_deref() {
            return Err(ApiError::unrecognized_client());
        }

        if parsed.service() != SERVICE {
            return Err(ApiError::invalid_signature(format!(
                "Credential should be scoped to correct service: '{SERVICE}'. "
            )));
        }

        // The clock check comes first: a stale request is "expired" whatever its signature.
        let request_time = match parsed.amz_date() {
            Some(date) => Some(date),
            None => request
                .headers
                .get("x-amz-date")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| AmzDateTime::parse(v.trim()).ok()),
        };
        if let Some(time) = request_time
            && let Some(error) = skew_error(time, now)
        {
            return Err(error);
        }
        if parsed.source() == AuthorizationSource::Query
            && let Some(expires_at) = parsed.expires_at()
            && expires_at < now
        {
            return Err(ApiError::access_denied("Request has expired"));
        }

        let mut names: Vec<(String, String)> = Vec::with_capacity(request.headers.len() + 1);
        for (name, value) in request.headers {
            // A value that is not visible ASCII is passed as Latin-1, like it went on the wire.
            let value = match value.to_str() {
                Ok(v) => v.to_string(),
                Err(_) => value.as_bytes().iter().map(|&b| char::from(b)).collect(),
            };
            names.push((name.as_str().to_string(), value));
        }
        if !request.headers.contains_key(http::header::HOST)
            && let Some(authority) = request.authority
        {
            names.push(("host".to_string(), authority.to_string()));
        }
        let headers: Vec<(&str, &str)> = names
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let signable = SignableRequest::new(
            request.method,
            request.target,
            &headers,
            Payload::Bytes(request.body),
        );
        let sigv4_credentials = sigv4::Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.clone(),
        );
        let mut settings = SigningSettings::new();
        if parsed.source() == AuthorizationSource::Query {
            settings = settings.presigned(parsed.expires_in().unwrap_or(Duration::from_secs(900)));
        }
        let mut signer = Signer::new();
        signer
            .verify(
                &signable,
                &parsed,
                &sigv4_credentials,
                &settings,
                Some(&self.key_cache),
            )
            .map_err(|e| map_verify_error(&e))?;
        Ok(Principal::SigV4 {
            access_key_id: credentials.access_key_id.clone(),
            region: parsed.region().to_string(),
        })
    }

    fn check_bearer(&self, token: &str) -> Result<Principal, ApiError> {
        if let Some(expected) = &self.bearer_token
            && sigv4::constant_time_eq(expected.as_bytes(), token.as_bytes())
        {
            return Ok(Principal::Bearer);
        }
        if !token.starts_with("ABSK") {
            return Err(ApiError::bad_api_key_format());
        }
        Err(ApiError::unrecognized_client())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn expired_message_matches_aws() {
        // 2015-08-30T12:36:00Z against a clock at 12:46:00Z.
        let request = AmzDateTime::parse("20150830T123600Z").expect("valid");
        let error = skew_error(request, at(1_440_938_760)).expect("expired");
        assert_eq!(error.kind, "InvalidSignatureException");
        assert_eq!(
            error.message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)"
        );
        let future = skew_error(request, at(1_440_938_160 - 600)).expect("future");
        assert!(
            future
                .message
                .starts_with("Signature not yet current: 20150830T123600Z is still later than")
        );
        assert!(skew_error(request, at(1_440_938_160 + 200)).is_none());
    }

    #[test]
    fn bearer_tokens() {
        let auth = Authenticator::new(Vec::new(), Some("secret-token".into()));
        assert_eq!(auth.check_bearer("secret-token"), Ok(Principal::Bearer));
        assert_eq!(
            auth.check_bearer("nope").expect_err("format").kind,
            "AccessDeniedException"
        );
        assert_eq!(
            auth.check_bearer("ABSKxyz").expect_err("unknown").kind,
            "UnrecognizedClientException"
        );
    }
}
