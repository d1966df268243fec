//! The server's one error type, which renders itself as a response.
//!
//! A user's own mistake returns its text; an internal failure returns
//! "Something went wrong" and keeps its details in a response extension so the
//! trace layer can log them without the conversion having side effects.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The path names no file and is not a page of the app.
    #[error("not found: {0}")]
    NotFound(String),
    /// Something on the server failed; the user can only retry.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Details of an internal failure, for the log only.
#[derive(Debug, Clone)]
pub struct InternalErrorDetail(pub String);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound(path) => {
                (StatusCode::NOT_FOUND, format!("not found: {path}")).into_response()
            }
            AppError::Internal(detail) => {
                let mut response =
                    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong").into_response();
                response.extensions_mut().insert(InternalErrorDetail(detail));
                response
            }
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        AppError::Internal(err.to_string())
    }
}
