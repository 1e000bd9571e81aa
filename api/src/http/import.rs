//! `POST /v1/import` (admins): an archive to import in the background, for
//! editors who cannot run `toasoan import`. The file is written to a
//! temporary file as it arrives (never held in memory; `IMPORT_MAX_MB`),
//! a job is recorded, and the answer is `202 Accepted` with the job's ID;
//! GraphQL `importJob(id)` shows its progress and outcome from any replica.
//!
//! The archive comes as `multipart/form-data` (field `file`; text fields
//! `format`, `dryRun`, `overwrite`, `quiet`, `strict`) or as the raw body
//! with those as query parameters. `format` is `wordpress` (WXR) or
//! `ninjs` (NDJSON); without it, an XML content type means `wordpress`
//! and NDJSON or JSON means `ninjs`.

use axum::{
    Json,
    extract::{FromRequest, Multipart, Query, Request, State, rejection::QueryRejection},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use super::RestState;
use super::rest::{ApiError, viewer};
use crate::{
    domain::import::{Format, Options, jobs},
    platform::{
        error::AppError,
        ids::{self, NodeType},
    },
};

/// The options of a raw-body import, as query parameters.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `wordpress` or `ninjs` (else from the content type).
    format: Option<String>,
    /// Decide and report, write nothing.
    dry_run: Option<bool>,
    /// Replace articles editors changed since the last import.
    overwrite: Option<bool>,
    /// Leave the change log alone (no webhooks, sync entries).
    quiet: Option<bool>,
    /// Stop at the first bad item.
    strict: Option<bool>,
}

/// A job just started.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportJobJson {
    /// The job's global ID, for GraphQL `importJob(id:)`.
    id: String,
    /// `QUEUED` at first.
    status: String,
    /// `wordpress` or `ninjs`.
    format: String,
    file_name: Option<String>,
    /// The archive's size in bytes.
    bytes_total: u64,
}

/// `POST /v1/import`.
#[utoipa::path(post, path = "/v1/import", tag = "import",
    params(ImportQuery),
    request_body(description = "The archive: `multipart/form-data` (field `file`; text fields `format`, `dryRun`, `overwrite`, `quiet`, `strict`) or the raw bytes", content(
        (String = "multipart/form-data"), (String = "application/xml"), (String = "text/xml"),
        (String = "application/x-ndjson"))),
    responses(
        (status = 202, description = "Accepted: the import runs in the background; follow it with GraphQL `importJob(id)`.", body = ImportJobJson),
        (status = 400, description = "No file, an empty one, an unknown format or malformed options (`BAD_USER_INPUT`).", body = super::rest_error::ErrorBody),
        (status = 401, description = "No token, or one that does not verify.", body = super::rest_error::ErrorBody),
        (status = 403, description = "Not an admin.", body = super::rest_error::ErrorBody),
        (status = 413, description = "Larger than `IMPORT_MAX_MB` (`BAD_USER_INPUT`).", body = super::rest_error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn start(
    State(state): State<RestState>,
    query: Result<Query<ImportQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    let viewer = viewer(&state, request.headers()).await?;
    viewer.require_admin("import archives")?;
    let Query(query) = query.map_err(|e| ApiError::bad_input("query", e.body_text()))?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut upload = if content_type.starts_with("multipart/form-data") {
        from_multipart(request, &state).await?
    } else {
        let mut upload = Upload::new(&state)?;
        let mut body = request.into_body().into_data_stream();
        while let Some(chunk) = body.next().await {
            upload.write(&chunk.map_err(read_error)?).await?;
        }
        upload.format = format_of(query.format.as_deref(), &content_type)?;
        upload.options = Options {
            dry_run: query.dry_run.unwrap_or(false),
            overwrite: query.overwrite.unwrap_or(false),
            quiet: query.quiet.unwrap_or(false),
            strict: query.strict.unwrap_or(false),
        };
        upload
    };
    if upload.bytes == 0 {
        return Err(AppError::bad_input("file", "the archive is empty").into());
    }
    let format = upload
        .format
        .ok_or_else(|| AppError::bad_input("format", "say `format`: `wordpress` or `ninjs`"))?;
    upload.file.flush().await.map_err(io_error)?;
    let job = jobs::NewJob {
        format,
        file_name: upload.name,
        options: upload.options,
        by: viewer.sub().map(str::to_owned),
        bytes_total: upload.bytes,
    };
    let row = jobs::create(&state.db, &job).await?;
    let answer = ImportJobJson {
        id: ids::encode(NodeType::ImportJob, row.id),
        status: "QUEUED".to_owned(),
        format: row.format.clone(),
        file_name: row.file_name.clone(),
        bytes_total: upload.bytes,
    };
    jobs::spawn(state.db.clone(), row.id, upload.path, job);
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

/// An archive being received into a temporary file.
struct Upload {
    file: tokio::fs::File,
    path: tempfile::TempPath,
    bytes: u64,
    /// `IMPORT_MAX_MB` in bytes.
    limit: u64,
    name: Option<String>,
    format: Option<Format>,
    options: Options,
}

impl Upload {
    fn new(state: &RestState) -> Result<Self, ApiError> {
        let (file, path) = tempfile::Builder::new()
            .prefix("toasoan-import-")
            .tempfile()
            .map_err(io_error)?
            .into_parts();
        Ok(Self {
            file: tokio::fs::File::from_std(file),
            path,
            bytes: 0,
            limit: (state.config.import_max_mb as u64).saturating_mul(1024 * 1024),
            name: None,
            format: None,
            options: Options::default(),
        })
    }

    async fn write(&mut self, chunk: &Bytes) -> Result<(), ApiError> {
        self.bytes += chunk.len() as u64;
        if self.bytes > self.limit {
            return Err(ApiError::too_large(
                "the archive is larger than IMPORT_MAX_MB: import it with `toasoan import` on \
                 the server"
                    .to_owned(),
            ));
        }
        self.file.write_all(chunk).await.map_err(io_error)
    }
}

async fn from_multipart(request: Request, state: &RestState) -> Result<Upload, ApiError> {
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|rejection| body_error(rejection.status(), rejection.body_text()))?;
    let mut upload = Upload::new(state)?;
    let mut has_file = false;
    let mut format = None;
    let mut file_type = String::new();
    loop {
        let field = form
            .next_field()
            .await
            .map_err(|e| body_error(e.status(), e.body_text()))?;
        let Some(mut field) = field else { break };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if has_file {
                return Err(AppError::bad_input("file", "send one archive per import").into());
            }
            has_file = true;
            upload.name = field.file_name().map(|n| n.chars().take(255).collect());
            file_type = field
                .content_type()
                .unwrap_or_default()
                .to_ascii_lowercase();
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|e| body_error(e.status(), e.body_text()))?
            {
                upload.write(&chunk).await?;
            }
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|e| body_error(e.status(), e.body_text()))?;
        let flag = || flag(&name, &value);
        match name.as_str() {
            "format" => format = Some(value),
            "dryRun" => upload.options.dry_run = flag()?,
            "overwrite" => upload.options.overwrite = flag()?,
            "quiet" => upload.options.quiet = flag()?,
            "strict" => upload.options.strict = flag()?,
            _ => {}
        }
    }
    if !has_file {
        return Err(AppError::bad_input("file", "the form has no `file` field").into());
    }
    let by_name = upload.name.as_deref().map(|n| {
        if n.ends_with(".xml") {
            "application/xml"
        } else if n.ends_with(".ndjson") || n.ends_with(".jsonl") {
            "application/x-ndjson"
        } else {
            ""
        }
    });
    let hint = if file_type.is_empty() || file_type == "application/octet-stream" {
        by_name.unwrap_or_default().to_owned()
    } else {
        file_type
    };
    upload.format = format_of(format.as_deref(), &hint)?;
    Ok(upload)
}

fn flag(name: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim() {
        "true" | "1" | "on" => Ok(true),
        "false" | "0" | "off" | "" => Ok(false),
        _ => Err(AppError::bad_input(name, "use `true` or `false`").into()),
    }
}

/// The format named, else the one the content type implies.
fn format_of(named: Option<&str>, content_type: &str) -> Result<Option<Format>, ApiError> {
    if let Some(name) = named {
        return match Format::parse(name) {
            Some(format) => Ok(Some(format)),
            None => Err(AppError::bad_input(
                "format",
                format!("unknown format {name:?}: use `wordpress` or `ninjs`"),
            )
            .into()),
        };
    }
    Ok(if content_type.contains("xml") {
        Some(Format::Wordpress)
    } else if content_type.contains("ndjson") || content_type.contains("json") {
        Some(Format::Ninjs)
    } else {
        None
    })
}

fn body_error(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(text)
    } else {
        AppError::bad_input("file", text).into()
    }
}

fn read_error(e: axum::Error) -> ApiError {
    AppError::bad_input("file", format!("the upload could not be read: {e}")).into()
}

fn io_error(e: std::io::Error) -> ApiError {
    AppError::Internal(format!("import upload: {e}")).into()
}
