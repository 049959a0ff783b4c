//! Errors answered to clients, shaped as Bedrock Runtime shapes them.

use http::StatusCode;
use serde_json::{Map, Value};

/// The `x-amzn-ErrorType` suffix Bedrock uses for its own exceptions.
const BEDROCK_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazon.bedrock/";
/// The suffix of errors raised by the AWS front end (authentication).
const CORAL_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazon.coral.service/";

/// An error response: status, `x-amzn-ErrorType` and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    /// The exception name, e.g. `ValidationException`.
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    /// Whether the error comes from the AWS front end rather than Bedrock.
    front_end: bool,
    /// The body key of the message: `message`, or `Message` for some front-end errors.
    message_key: &'static str,
    extra: Vec<(&'static str, Value)>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            front_end: false,
            message_key: "message",
            extra: Vec::new(),
        }
    }

    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ValidationException", message)
    }

    /// A validation error reported by the model provider behind Bedrock.
    pub(crate) fn model_validation(message: impl std::fmt::Display) -> Self {
        Self::validation(format!(
            "The model returned the following errors: {message}"
        ))
    }

    pub(crate) fn serialization(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "SerializationException", message)
    }

    pub(crate) fn throttling() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
        )
    }

    pub(crate) fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailableException",
            "Bedrock is unable to process your request.",
        )
    }

    pub(crate) fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            "The system encountered an unexpected error during processing. Try your request again.",
        )
    }

    pub(crate) fn model_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "ModelTimeoutException",
            "Model has timed out in processing the request. Try your request again.",
        )
    }

    pub(crate) fn model_not_ready() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "ModelNotReadyException",
            "Model is not ready to serve inference requests. The AWS SDK will automatically retry the operation up to 5 times.",
        )
    }

    pub(crate) fn model_error() -> Self {
        Self::new(
            StatusCode::FAILED_DEPENDENCY,
            "ModelErrorException",
            "The model encountered an error while processing the request.",
        )
        .with("originalStatusCode", Value::from(500))
    }

    pub(crate) fn quota_exceeded() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "ServiceQuotaExceededException",
            "Your request exceeds the service quota for your account. You can view your quotas at Viewing service quotas. You can resubmit your request later.",
        )
    }

    pub(crate) fn access_denied(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "AccessDeniedException", message)
    }

    /// The front end's answer to a request with no `Authorization` header.
    pub(crate) fn missing_authorization() -> Self {
        let mut error = Self::access_denied("Authorization header is missing");
        error.front_end = true;
        error.message_key = "Message";
        error
    }

    /// The front end's answer to a malformed bearer token.
    pub(crate) fn bad_api_key_format() -> Self {
        let mut error =
            Self::access_denied("Invalid API Key format: Must start with pre-defined prefix");
        error.front_end = true;
        error.message_key = "Message";
        error
    }

    pub(crate) fn unrecognized_client() -> Self {
        let mut error = Self::new(
            StatusCode::FORBIDDEN,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        );
        error.front_end = true;
        error
    }

    pub(crate) fn invalid_signature(message: impl Into<String>) -> Self {
        let mut error = Self::new(StatusCode::FORBIDDEN, "InvalidSignatureException", message);
        error.front_end = true;
        error
    }

    pub(crate) fn incomplete_signature(message: impl Into<String>) -> Self {
        let mut error = Self::new(
            StatusCode::FORBIDDEN,
            "IncompleteSignatureException",
            message,
        );
        error.front_end = true;
        error
    }

    pub(crate) fn unknown_operation() -> Self {
        let mut error = Self::new(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            "The requested operation is not recognized by the service.",
        );
        error.front_end = true;
        error
    }

    /// Adds a member to the JSON body.
    pub(crate) fn with(mut self, key: &'static str, value: Value) -> Self {
        self.extra.push((key, value));
        self
    }

    /// The value of the `x-amzn-ErrorType` header.
    pub(crate) fn error_type_header(&self) -> String {
        let namespace = if self.front_end {
            CORAL_NAMESPACE
        } else {
            BEDROCK_NAMESPACE
        };
        format!("{}:{namespace}", self.kind)
    }

    /// The JSON body: `{"message": ...}` plus any extra members.
    pub(crate) fn body(&self) -> Value {
        let mut map = Map::new();
        map.insert(
            self.message_key.to_string(),
            Value::String(self.message.clone()),
        );
        for (key, value) in &self.extra {
            map.insert((*key).to_string(), value.clone());
        }
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_has_bedrock_type_and_message_body() {
        let error = ApiError::validation("The provided model identifier is invalid.");
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error.error_type_header(),
            "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"
        );
        assert_eq!(
            error.body(),
            serde_json::json!({"message": "The provided model identifier is invalid."})
        );
    }

    #[test]
    fn missing_authorization_uses_front_end_shape() {
        let error = ApiError::missing_authorization();
        assert_eq!(error.status, StatusCode::FORBIDDEN);
        assert!(
            error
                .error_type_header()
                .starts_with("AccessDeniedException:")
        );
        assert!(
            error
                .error_type_header()
                .contains("com.amazon.coral.service")
        );
        assert_eq!(
            error.body(),
            serde_json::json!({"Message": "Authorization header is missing"})
        );
    }

    #[test]
    fn model_error_carries_original_status() {
        let body = ApiError::model_error().body();
        assert_eq!(body["originalStatusCode"], 500);
    }
}
