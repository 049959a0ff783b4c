//! Model families and their capabilities (owned by the mapping engineer).
