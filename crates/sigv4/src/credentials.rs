//! AWS credentials with a redacting `Debug`.

use std::fmt;

use crate::error::Error;

/// An AWS access key pair, with an optional session token.
///
/// `Debug` shows the access key id but never the secret access key or the session token.
///
/// # Examples
///
/// ```
/// let creds = sigv4::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
///     .with_session_token("token");
/// let shown = format!("{creds:?}");
/// assert!(shown.contains("AKIDEXAMPLE"));
/// assert!(!shown.contains("wJalr"));
/// assert!(!shown.contains("token\""));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Credentials {
    /// Creates credentials from an access key id and a secret access key.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
        }
    }

    /// Adds a session token (temporary credentials from STS). Default is none.
    #[must_use]
    pub fn with_session_token(mut self, session_token: impl Into<String>) -> Self {
        self.session_token = Some(session_token.into());
        self
    }

    /// The access key id (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Handle with care: never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token, if any. Handle with care: never log it.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// Checks that the access key id can be written into a credential scope.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        validate_access_key_id(&self.access_key_id)
    }
}

pub(crate) fn validate_access_key_id(id: &str) -> Result<(), Error> {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b',' | b'='));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidAccessKeyId {
            access_key_id: id.to_owned(),
        })
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let creds = Credentials::new("AKID", "SECRETKEY").with_session_token("TOKENVALUE");
        let shown = format!("{creds:?} {creds:#?}");
        assert!(shown.contains("AKID"));
        assert!(!shown.contains("SECRETKEY"));
        assert!(!shown.contains("TOKENVALUE"));
    }

    #[test]
    fn access_key_id_validation() {
        assert!(Credentials::new("AKIDEXAMPLE", "s").validate().is_ok());
        for bad in ["", "A/B", "A B", "A,B", "A=B", "AKID\u{e9}"] {
            assert_eq!(
                Credentials::new(bad, "s").validate(),
                Err(Error::InvalidAccessKeyId {
                    access_key_id: bad.to_owned()
                })
            );
        }
    }
}
