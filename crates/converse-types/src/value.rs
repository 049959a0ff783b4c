//! Shapes as `serde_json::Value`, converted here once.
//!
//! A caller that turns these shapes into JSON values (for example to pass a
//! response's trace or citations on as metadata) would otherwise compile serde's
//! value serializer for every nested type in its own crate. These impls are
//! compiled once, in this crate.

use serde_json::Value;

use crate::{
    Citation, CitationsDelta, ContentBlock, ConverseOutput, ConverseStreamTrace, ConverseTrace,
    PerformanceConfiguration, ServiceTier, TokenUsage,
};

/// A shape that converts itself into a [`serde_json::Value`], exactly as
/// `serde_json::to_value` would.
pub trait ToJsonValue {
    /// The shape as a JSON value (its wire form). These shapes always convert:
    /// their maps have string keys and their documents are JSON already.
    fn to_json_value(&self) -> Value;
}

macro_rules! to_json_value {
    ($($ty:ty),* $(,)?) => {$(
        impl ToJsonValue for $ty {
            #[inline(never)]
            fn to_json_value(&self) -> Value {
                serde_json::to_value(self).unwrap_or(Value::Null)
            }
        }
    )*};
}

to_json_value!(
    Citation,
    CitationsDelta,
    ContentBlock,
    ConverseOutput,
    ConverseStreamTrace,
    ConverseTrace,
    PerformanceConfiguration,
    ServiceTier,
    TokenUsage,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_serde_json_to_value() {
        let usage: TokenUsage = serde_json::from_str(
            r#"{"inputTokens":3,"outputTokens":5,"totalTokens":8,"cacheReadInputTokens":1}"#,
        )
        .unwrap();
        assert_eq!(usage.to_json_value(), serde_json::to_value(&usage).unwrap());
        assert_eq!(usage.to_json_value()["cacheReadInputTokens"], 1);
        let block = ContentBlock::Text("hi".into());
        assert_eq!(block.to_json_value(), serde_json::json!({"text": "hi"}));
    }
}
