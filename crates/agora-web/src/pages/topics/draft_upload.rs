//! An image uploaded into a draft (a new topic, a reply, an edit) without JavaScript: its
//! markdown is added to the text, which comes back to be finished.

use crate::error::ApiError;
use crate::pages::Page;
use crate::state::AppState;

/// The status of a form page shown again after an upload: 200, or the refusal's, whose
/// message goes to `form_error`.
pub(super) fn shown_refusal(
    added: Result<(), ApiError>,
    form_error: &mut Option<String>,
) -> axum::http::StatusCode {
    match added {
        Ok(()) => axum::http::StatusCode::OK,
        Err(e) => {
            *form_error = Some(e.message);
            e.status
        }
    }
}

/// Uploads `file` for the group `slug` and appends its markdown to `draft`; a refusal the
/// member can fix (the file's type or size) is returned inside, to be shown with the draft.
pub(super) async fn add_upload(
    state: &AppState,
    page: &Page,
    slug: &str,
    file: Vec<u8>,
    draft: &mut String,
) -> Result<Result<(), ApiError>, ApiError> {
    match state.agora.media().upload(&page.viewer, slug, file).await {
        Ok(upload) => {
            let trimmed = draft.trim_end().len();
            draft.truncate(trimmed);
            if !draft.is_empty() {
                draft.push_str("\n\n");
            }
            draft.push_str(&upload.markdown);
            draft.push('\n');
            Ok(Ok(()))
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.field.is_some() || e.status == axum::http::StatusCode::TOO_MANY_REQUESTS {
                Ok(Err(e))
            } else {
                Err(e)
            }
        }
    }
}
