//! A posted form, read the same way whether it came URL-encoded or as `multipart/form-data` (file uploads: a QR
//! picture, a wallet export, a vacancy profile), and accepted only with this browser's CSRF token and, when the
//! browser says where it posts from, from this same site.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::Web;
use super::browser::Visitor;

/// The largest upload the pages take (a photo of a QR code, an export, a profile).
pub const MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;

/// An uploaded file.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The field's name.
    pub field: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A form as posted, its CSRF token checked.
#[derive(Debug)]
pub struct Posted {
    /// Who posted it.
    pub visitor: Visitor,
    fields: Vec<(String, String)>,
    uploads: Vec<Upload>,
}

impl Posted {
    /// The first value of a field, trimmed; `None` when absent or blank.
    #[must_use]
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// A field's value exactly as typed (passphrases), `None` when absent or empty.
    #[must_use]
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    /// Every non-blank value of a field (checkboxes, repeated inputs).
    #[must_use]
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields.iter().filter(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).collect()
    }

    /// A non-empty uploaded file.
    #[must_use]
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.uploads.iter().find(|u| u.field == name && !u.bytes.is_empty()).map(|u| u.bytes.as_slice())
    }
}

fn refused(web: &Web, visitor: &Visitor, message: &str) -> Response {
    let back = visitor.path.clone();
    web.shared.pages.message(visitor, StatusCode::FORBIDDEN, "error-form-title", message, None, &back)
}

impl FromRequest<Web> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, web: &Web) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let visitor = Visitor::read(&parts, web);
        let cross_site = parts
            .headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|site| site == "cross-site" || site == "same-site");
        if cross_site {
            return Err(refused(web, &visitor, "error-cross-site"));
        }
        let multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("multipart/form-data"));
        let bad_form = |()| {
            web.shared.pages.message(
                &visitor,
                StatusCode::BAD_REQUEST,
                "error-form-title",
                "error-form-unreadable",
                None,
                &visitor.path,
            )
        };
        let (fields, uploads) = if multipart {
            let request = Request::from_parts(parts, body);
            let form = Multipart::from_request(request, &()).await.map_err(|_| bad_form(()))?;
            read_multipart(form).await.map_err(bad_form)?
        } else {
            let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES).await.map_err(|_| bad_form(()))?;
            let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| bad_form(()))?;
            (fields, Vec::new())
        };
        let posted = Self { visitor, fields, uploads };
        match posted.fields.iter().find(|(n, _)| n == "csrf") {
            Some((_, token)) if posted.visitor.csrf_matches(token) => Ok(posted),
            _ => Err(refused(web, &posted.visitor, "error-csrf")),
        }
    }
}

async fn read_multipart(mut form: Multipart) -> Result<(Vec<(String, String)>, Vec<Upload>), ()> {
    let (mut fields, mut uploads) = (Vec::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(|_| ())? {
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            let bytes = field.bytes().await.map_err(|_| ())?;
            uploads.push(Upload { field: name, bytes: bytes.to_vec() });
        } else {
            fields.push((name, field.text().await.map_err(|_| ())?));
        }
    }
    Ok((fields, uploads))
}
