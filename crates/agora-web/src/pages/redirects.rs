//! Where a page sends the browser next: the redirect after a form post, a `next=` target
//! that stays on this site, and the percent-encoding of a value put in an address.

use axum::response::{IntoResponse, Redirect, Response};

/// Percent-encodes a value for a query string.
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A redirect after a successful form post (303, so the browser GETs the next page).
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A `next=` target that stays on this site: resolved with a real URL parser against the
/// site's public address, kept only if the result has the same origin, and returned as a path
/// (with its query and fragment) that a browser cannot read as another host. Anything else,
/// and anything with a control character or a backslash (which browsers drop or turn into a
/// slash), is `/`.
pub(crate) fn safe_next(next: Option<&str>, public_url: &str) -> String {
    const HOME: &str = "/";
    let Some(next) = next else {
        return HOME.to_owned();
    };
    if next.is_empty() || next.chars().any(|c| c.is_control() || c == '\\') {
        return HOME.to_owned();
    }
    let Ok(base) = url::Url::parse(public_url).or_else(|_| url::Url::parse("http://localhost/"))
    else {
        return HOME.to_owned();
    };
    let Ok(target) = base.join(next) else {
        return HOME.to_owned();
    };
    if target.origin() != base.origin() || !target.username().is_empty() {
        return HOME.to_owned();
    }
    let mut local = target.path().to_owned();
    if let Some(q) = target.query() {
        local.push('?');
        local.push_str(q);
    }
    if let Some(f) = target.fragment() {
        local.push('#');
        local.push_str(f);
    }
    // A path that starts with two slashes is another host to a browser.
    if local.starts_with("//") {
        return HOME.to_owned();
    }
    local
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    const SITE: &str = "https://forum.example";

    #[test]
    fn a_next_on_this_site_is_kept() {
        for (next, kept) in [
            ("/t/12/rides?page=2#p40", "/t/12/rides?page=2#p40"),
            ("/g/berlin", "/g/berlin"),
            ("https://forum.example/settings", "/settings"),
            ("settings", "/settings"),
            ("/%2f%2fevil.example", "/%2f%2fevil.example"),
            ("/%5cevil.example", "/%5cevil.example"),
            ("/%252f%252fevil.example", "/%252f%252fevil.example"),
            ("/@evil.example", "/@evil.example"),
        ] {
            assert_eq!(safe_next(Some(next), SITE), kept, "{next:?}");
        }
    }

    #[test]
    fn a_next_that_a_browser_would_read_as_another_host_goes_home() {
        for next in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "/\r\n/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "https://evil.example/",
            "http://forum.example/",
            "https://forum.example@evil.example/",
            "//forum.example@evil.example",
            "https://user@forum.example/",
            "/.//evil.example",
            "/..//evil.example",
            "javascript:alert(1)",
            "data:text/html,hi",
            "",
        ] {
            assert_eq!(safe_next(Some(next), SITE), "/", "{next:?}");
        }
        assert_eq!(safe_next(None, SITE), "/");
    }
}
