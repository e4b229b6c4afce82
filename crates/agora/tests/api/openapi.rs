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
