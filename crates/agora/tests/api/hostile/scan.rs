//! What would run in a browser: script elements other than the site's own, event-handler
//! attributes, `javascript:`, `vbscript:` and `data:` URLs, frames, objects, `<base>`, inline
//! styles and refreshing `<meta>`. Escaped text is not markup and passes.

/// Elements no page of ours has and no user content may add.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "svg",
    "math",
    "style",
    "template",
    "portal",
    "noscript",
    "xmp",
    "plaintext",
];

/// Attributes holding a URL a browser follows or loads.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "cite",
    "srcset",
    "ping",
];

/// Everything dangerous in `html`, each described with a little of its context.
pub fn dangers(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let rest = &html[start + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            at = comment
                .find("-->")
                .map_or(html.len(), |end| start + 4 + end + 3);
            continue;
        }
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || b"-:".contains(b))
            .count();
        if name_len == 0 || !rest.as_bytes()[0].is_ascii_alphabetic() {
            at = start + 1;
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let (attributes, used) = attributes(&rest[name_len..]);
        at = start + 1 + name_len + used;
        let context: String = html[start..].chars().take(120).collect();
        for problem in check(&name, &attributes) {
            found.push(format!("{problem}: {context:?}"));
        }
        if name == "script" {
            // A script's content is code, not markup: continue after it.
            let end = find_ignore_case(&html[at..], "</script").map_or(html.len(), |end| at + end);
            // A data block may hold no `<` at all (ours escapes it as \u003c): nothing in it can
            // end the element early or start one.
            let kind = attributes
                .iter()
                .find(|(k, _)| k == "type")
                .map(|(_, v)| v.as_str());
            let src = attributes
                .iter()
                .find(|(k, _)| k == "src")
                .map(|(_, v)| v.as_str());
            if is_data_block(kind, src) && html[at..end].trim_start_matches('>').contains('<') {
                found.push(format!("markup inside structured data: {context:?}"));
            }
            at = end;
        }
    }
    found
}

/// Whether an address, as a browser reads it, leaves our origin: a scheme, or two leading
/// slashes (a backslash counts as one).
fn names_a_host(url: &str) -> bool {
    let url = url.replace('\\', "/");
    url.starts_with("//")
        || url
            .split(['/', '?', '#'])
            .next()
            .is_some_and(|head| head.contains(':'))
}

/// Whether a script element is JSON-LD data, not code.
fn is_data_block(kind: Option<&str>, src: Option<&str>) -> bool {
    src.is_none() && kind.is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
}

fn check(name: &str, attributes: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let attr = |n: &str| {
        attributes
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    match name {
        // Structured data for search engines is a data block no browser runs; what it holds is
        // checked by `dangers`.
        "script" if is_data_block(attr("type"), attr("src")) => {}
        "script" if !attr("src").is_some_and(|s| s.starts_with("/static/")) => {
            problems.push("a script element".to_owned());
        }
        "meta" if attr("http-equiv").is_some() => problems.push("a meta http-equiv".to_owned()),
        "link"
            if attr("rel").is_some_and(|r| !r.eq_ignore_ascii_case("canonical"))
                && !attr("href").is_some_and(|h| h.starts_with("/static/")) =>
        {
            problems.push("a link to a foreign resource".to_owned());
        }
        "img" if attr("src").is_some_and(|src| names_a_host(&url_text(src))) => {
            problems.push("an image loaded from another host".to_owned());
        }
        n if FORBIDDEN_ELEMENTS.contains(&n) => problems.push(format!("a <{n}> element")),
        _ => {}
    }
    for (key, value) in attributes {
        let plain = url_text(value);
        if key.starts_with("on") {
            problems.push(format!("an event handler {key}="));
        } else if matches!(key.as_str(), "srcdoc" | "style") {
            problems.push(format!("a {key} attribute"));
        } else if URL_ATTRIBUTES.contains(&key.as_str())
            && ["javascript:", "vbscript:", "data:", "livescript:"]
                .iter()
                .any(|scheme| plain.starts_with(scheme))
        {
            problems.push(format!("a script URL in {key}="));
        }
    }
    problems
}

/// Parses attributes after a tag's name up to its `>`; returns them (names lowercased, values
/// as written) and the bytes used.
pub fn attributes(text: &str) -> (Vec<(String, String)>, usize) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (out, i);
        }
        if bytes[i] == b'>' {
            return (out, i + 1);
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"/>=".contains(&bytes[i]) {
            i += 1;
        }
        if i == start {
            // A lone '=': skip it, as browsers do.
            i += 1;
            continue;
        }
        let key = text[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = text[i + 1..]
                        .find(q as char)
                        .map_or(bytes.len(), |e| i + 1 + e);
                    value = text[i + 1..end].to_owned();
                    i = (end + 1).min(bytes.len());
                }
                _ => {
                    let end = text[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(bytes.len(), |e| i + e);
                    value = text[i..end].to_owned();
                    i = end;
                }
            }
        }
        out.push((key, value));
    }
}

/// An attribute value as a browser reads a URL: entities decoded, whitespace and control
/// characters dropped, lowercased.
fn url_text(value: &str) -> String {
    decode_entities(value)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
            .count();
        let entity = &rest[..len];
        let decoded = if let Some(num) = entity.strip_prefix("#x").or(entity.strip_prefix("#X")) {
            u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
        } else if let Some(num) = entity.strip_prefix('#') {
            num.parse().ok().and_then(char::from_u32)
        } else {
            match entity.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[len..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[test]
fn the_scanner_finds_what_would_run_and_passes_escaped_text() {
    for bad in [
        "<p><script>alert(1)</script></p>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=\"x\" ONERROR='alert(1)'>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"jav&#x09;ascript&colon;alert(1)\">x</a>",
        "<a href=' JaVaScRiPt:alert(1)'>x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<svg/onload=alert(1)>",
        "<input value=\"\" onfocus=\"alert(1)\" autofocus>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<div style=\"background:url(javascript:alert(1))\">",
        "<base href=\"https://evil.example/\">",
        "<script src=\"https://evil.example/x.js\"></script>",
        "<img src=\"http:evil.example/a.png\">",
        "<img src=\"/\\evil.example/a.png\">",
        "<img src=\"//evil.example/a.png\">",
    ] {
        assert!(!dangers(bad).is_empty(), "missed {bad}");
    }
    for good in [
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<input name=\"q\" value=\"&quot; onfocus=&quot;alert(1)\">",
        "<textarea>&lt;img src=x onerror=alert(1)&gt;</textarea>",
        "<a href=\"https://example.com/?q=javascript:\" rel=\"nofollow\">x</a>",
        "<script src=\"/static/agora.js?v=1\" defer></script>",
        "<img src=\"/media/1f2e.png\" alt=\"a\">",
        "<p>1 < 2 and onerror=alert(1) as text</p>",
        "<!-- <script>alert(1)</script> -->",
    ] {
        assert_eq!(dangers(good), Vec::<String>::new(), "{good}");
    }
}
