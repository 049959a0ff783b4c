//! An injectable view of environment variables.
//!
//! Everything in this crate that reads the environment ([`crate::Bedrock::from_env`],
//! [`crate::credentials::EnvironmentProvider`]) goes through [`Env`], so tests
//! and embedders can supply variables without touching the process
//! environment (which is `unsafe` to mutate in Rust 2024).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// A source of environment variables: the process environment, or a fixed map.
///
/// Empty values are treated as unset, matching the AWS SDKs.
///
/// # Examples
///
/// ```
/// use goai_bedrock::Env;
/// let env = Env::from_pairs([("AWS_REGION", "eu-west-1"), ("AWS_PROFILE", "")]);
/// assert_eq!(env.get("AWS_REGION").as_deref(), Some("eu-west-1"));
/// assert_eq!(env.get("AWS_PROFILE"), None);
/// ```
#[derive(Clone, Default)]
pub struct Env {
    fixed: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The real process environment, read on every lookup.
    pub fn process() -> Self {
        Self { fixed: None }
    }

    /// A fixed set of variables; the process environment is not consulted.
    pub fn from_pairs<K, V, I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            fixed: Some(Arc::new(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
        }
    }

    /// The value of `name`, or `None` when unset, empty or not valid Unicode.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.trim().is_empty())
    }
}

impl fmt::Debug for Env {
    // Values can be secrets: list only which variable names a fixed Env holds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            None => f.write_str("Env::process()"),
            Some(map) => {
                let mut names: Vec<&str> = map.keys().map(String::as_str).collect();
                names.sort_unstable();
                f.debug_struct("Env").field("fixed_names", &names).finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_values() {
        let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "very-secret")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY"));
        assert!(!shown.contains("very-secret"));
    }

    #[test]
    fn blank_is_unset() {
        let env = Env::from_pairs([("A", "  "), ("B", "x")]);
        assert_eq!(env.get("A"), None);
        assert_eq!(env.get("B").as_deref(), Some("x"));
        assert_eq!(env.get("C"), None);
    }
}
