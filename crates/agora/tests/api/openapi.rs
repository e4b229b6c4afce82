//! The OpenAPI document is generated from the code and describes every route.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_route() {
    let app = TestApp::sqlite(Default::default()).await;
    let r = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        r.body["openapi"]
    );
    let paths = r.body["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    for (method, path) in [
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/me"),
        ("get", "/api/v1/members/{username}"),
        ("get", "/api/v1/groups"),
        ("post", "/api/v1/groups"),
        ("get", "/api/v1/groups/{slug}"),
        ("post", "/api/v1/groups/{slug}/join"),
        ("post", "/api/v1/groups/{slug}/leave"),
        ("get", "/api/v1/groups/{slug}/members"),
        ("get", "/api/v1/groups/{slug}/requests"),
        ("post", "/api/v1/groups/{slug}/requests/{username}/approve"),
        ("post", "/api/v1/groups/{slug}/requests/{username}/reject"),
        ("post", "/api/v1/groups/{slug}/invitations"),
        ("post", "/api/v1/invitations/{id}/accept"),
        ("get", "/api/v1/groups/{slug}/topics"),
        ("post", "/api/v1/groups/{slug}/topics"),
        ("get", "/api/v1/topics/{id}"),
        ("post", "/api/v1/topics/{id}/posts"),
        ("get", "/api/v1/posts/{id}"),
        ("patch", "/api/v1/posts/{id}"),
        ("delete", "/api/v1/posts/{id}"),
        ("get", "/api/v1/search"),
    ] {
        assert!(
            paths.iter().any(|p| p == path),
            "{path} missing from {paths:?}"
        );
        assert!(
            r.body["paths"][path][method].is_object(),
            "{method} {path} undocumented"
        );
    }
    assert!(r.body["components"]["schemas"]["ErrorBody"].is_object());
    assert!(r.body["components"]["securitySchemes"]["bearer"].is_object());
}

/// A client generated from the document puts each parameter where the document says; a
/// query parameter documented as `in: path` would be sent where no route reads it.
#[tokio::test]
async fn every_parameter_is_documented_where_the_route_reads_it() {
    let app = TestApp::sqlite(Default::default()).await;
    let doc = app.get("/api/v1/openapi.json", None).await.body;
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
    let search = &doc["paths"]["/api/v1/search"]["get"]["parameters"];
    assert!(
        search
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "q" && p["in"] == "query")),
        "{search}"
    );
}
