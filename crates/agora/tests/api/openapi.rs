//! The OpenAPI document is generated from the code and describes every route.

use axum::http::StatusCode;

use crate::routes;
use crate::support::TestApp;

#[tokio::test]
async fn the_openapi_document_is_3_1_with_the_error_envelope_and_bearer_security() {
    let app = TestApp::sqlite(Default::default()).await;
    let r = app.get(&routes::openapi_json(), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        r.body["openapi"]
    );
    assert!(r.body["components"]["schemas"]["ErrorBody"].is_object());
    assert!(r.body["components"]["securitySchemes"]["bearer"].is_object());
}

/// Every operation the document lists is routed: sent with made-up path values and no
/// sign-in, it gets an answer from its handler (or its extractors), never the router's
/// "no such address" 404 or 405.
#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = TestApp::sqlite(Default::default()).await;
    let doc = app.get(&routes::openapi_json(), None).await.body;
    let mut operations = 0;
    let mut unrouted = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, _) in item.as_object().into_iter().flatten() {
            let Ok(m) = method.to_uppercase().parse::<axum::http::Method>() else {
                continue;
            };
            operations += 1;
            let concrete = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            let r = app.call(m, &concrete, None, None).await;
            let by_router = r.status == StatusCode::METHOD_NOT_ALLOWED
                || r.body["error"]["message"] == agora_web::api::NO_ROUTE;
            if by_router {
                unrouted.push(format!("{method} {path}: {} {}", r.status, r.text));
            }
        }
    }
    assert!(operations > 70, "only {operations} operations documented");
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:#?}"
    );
    // The probe tells the router's answer from a handler's.
    let r = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(r.body["error"]["message"], agora_web::api::NO_ROUTE);
    let r = app.get(&routes::topic(999999), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_ne!(r.body["error"]["message"], agora_web::api::NO_ROUTE);
}

/// Every API route is documented: the API's routes are made only with utoipa-axum's
/// `routes!`, which routes a handler at the path its `#[utoipa::path]` documents, so no route
/// can exist without its operation. What would break that is a plain `.route("/api/…")`; the
/// only one allowed serves the document itself.
#[test]
fn no_api_route_is_added_outside_the_document() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../agora-web/src");
    let mut plain = Vec::new();
    let mut files = vec![root];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                files.push(entry.path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let squeezed: String = text.split_whitespace().collect();
            for (i, _) in squeezed.match_indices(".route(\"/api/") {
                let rest = &squeezed[i + 8..];
                let route = rest.split('"').next().unwrap_or("");
                if route != routes::openapi_json() {
                    plain.push(format!("{}: {route}", path.display()));
                }
            }
        }
    }
    assert!(
        plain.is_empty(),
        "API routes outside the document: {plain:#?}"
    );
}

/// The document names each schema by its type's name, and a second type of the same name
/// silently replaces the first: an operation then documents another body than it reads (an
/// `AcceptRequest` for answers once showed the fields of documents' `AcceptRequest`). Every
/// type that derives `ToSchema` has a name of its own.
#[test]
fn every_schema_has_a_name_of_its_own() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../agora-web/src");
    let mut names: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut files = vec![root];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                files.push(entry.path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let mut derives_schema = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") {
                    derives_schema = line.contains("ToSchema") || line.contains("IntoParams");
                    continue;
                }
                if line.starts_with("#[") || line.starts_with("///") {
                    continue;
                }
                if derives_schema {
                    let name = line
                        .strip_prefix("pub struct ")
                        .or_else(|| line.strip_prefix("pub enum "))
                        .or_else(|| line.strip_prefix("struct "))
                        .and_then(|r| r.split([' ', '{', '<', '(', ';']).next());
                    if let Some(name) = name {
                        names
                            .entry(name.to_owned())
                            .or_default()
                            .push(path.display().to_string());
                    }
                }
                derives_schema = false;
            }
        }
    }
    assert!(names.len() > 40, "only {} schemas found", names.len());
    let twice: Vec<_> = names.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(twice.is_empty(), "schema names used twice: {twice:#?}");
}

/// A client generated from the document puts each parameter where the document says; a
/// query parameter documented as `in: path` would be sent where no route reads it.
#[tokio::test]
async fn every_parameter_is_documented_where_the_route_reads_it() {
    let app = TestApp::sqlite(Default::default()).await;
    let doc = app.get(&routes::openapi_json(), None).await.body;
    let mut misplaced = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap_or("");
                let in_path = path.contains(&format!("{{{name}}}"));
                let documented = param["in"].as_str().unwrap_or("");
                if (documented == "path") != in_path {
                    misplaced.push(format!(
                        "{method} {path}: {name} documented in {documented}"
                    ));
                }
            }
        }
    }
    assert!(misplaced.is_empty(), "{misplaced:#?}");
    let search = &doc["paths"][&routes::search()]["get"]["parameters"];
    assert!(
        search
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "q" && p["in"] == "query")),
        "{search}"
    );
}
