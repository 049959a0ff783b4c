#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

#[macro_use]
mod macros;

pub mod blob;
pub mod citation;
pub mod content;
pub mod count_tokens;
pub mod error;
pub mod guardrail;
pub mod media;
pub mod reasoning;
pub mod request;
pub mod response;
pub mod stream;
pub mod tool;
pub mod value;

pub use crate::blob::Blob;
pub use crate::citation::*;
pub use crate::content::*;
pub use crate::count_tokens::*;
pub use crate::error::*;
pub use crate::guardrail::*;
pub use crate::media::*;
pub use crate::reasoning::*;
pub use crate::request::*;
pub use crate::response::*;
pub use crate::stream::*;
pub use crate::tool::*;
pub use crate::value::ToJsonValue;
