//! The renderer against ordinary markdown and a list of known XSS payloads.

use super::{excerpt, render, render_document};

#[test]
fn renders_github_flavoured_markdown() {
    let r = render("# Hi\n\n**bold** ~~gone~~ `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    assert!(r.html.contains("<h1>Hi</h1>"), "{}", r.html);
    assert!(r.html.contains("<strong>bold</strong>"));
    assert!(r.html.contains("<del>gone</del>"));
    assert!(r.html.contains("<table>"));
    assert_eq!(r.text, "Hi bold gone code a b 1 2");
}

#[test]
fn links_are_nofollow_ugc_and_autolinked() {
    let r = render("see https://example.com/x and [y](https://example.org)");
    assert!(
        r.html.contains(r#"href="https://example.com/x""#),
        "{}",
        r.html
    );
    assert_eq!(
        r.html.matches(r#"rel="nofollow ugc noopener""#).count(),
        2,
        "{}",
        r.html
    );
}

#[test]
fn links_images_and_mentions_are_counted_outside_code() {
    let r = render(
        "Hi @mara and (@frida_k), see [docs](https://a.example) and https://b.example\n\n\
         ![pic](https://c.example/x.png) mail me@example.org `@not_me` 50@ @ alone",
    );
    assert_eq!((r.links, r.images), (3, 1), "{r:?}");
    assert_eq!(r.mentioned, ["mara", "frida_k"]);
    assert_eq!(render("just words here").words(), 3);
}

#[test]
fn a_mention_of_a_member_links_to_their_profile_and_others_stay_text() {
    let known = super::Known {
        members: [("ana".to_owned(), "Ana".to_owned())].into(),
        ..Default::default()
    };
    let r = super::render_known(
        "Thanks @ANA and @nobody! `@ana` [@ana](https://x.example) @ana",
        &known,
    );
    assert_eq!(
        r.html
            .matches(r#"<a href="/u/Ana" rel="nofollow ugc noopener">"#)
            .count(),
        2,
        "{}",
        r.html
    );
    assert!(r.html.contains(">@ANA</a> and @nobody!"), "{}", r.html);
    assert!(r.html.contains("<code>@ana</code>"), "{}", r.html);
    assert_eq!(r.links, 1, "a mention is not a link to elsewhere");
    assert_eq!(r.mentioned, ["ana", "nobody"]);
    assert_eq!(r.text, "Thanks @ANA and @nobody! @ana @ana @ana");
}

#[test]
fn raw_html_is_shown_as_text_not_run() {
    let r = render("<b>hi</b> <script>alert(1)</script>");
    assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
    assert!(!r.html.contains("<script"));
}

/// Found by the `markdown` fuzz target (fuzz/): a NUL reached the search text.
#[test]
fn a_nul_becomes_a_replacement_character_in_the_text_as_in_the_html() {
    for body in ["\0", "a\0b", "`\0`", "```\n\0\n```"] {
        let r = render(body);
        assert!(!r.text.contains('\0'), "{body:?} gave {:?}", r.text);
        assert!(r.text.contains('\u{FFFD}'), "{body:?} gave {:?}", r.text);
        assert!(!r.html.contains('\0'), "{body:?} gave {:?}", r.html);
    }
}

/// Payloads gathered from public XSS cheat sheets, in markdown and HTML forms.
const PAYLOADS: &str = include_str!("xss_payloads.txt");

#[test]
fn no_known_xss_payload_survives() {
    let mut checked = 0;
    // Each payload alone, and among mentions of a member (which become links).
    let known = super::Known {
        members: [("ana".to_owned(), "ana".to_owned())].into(),
        ..Default::default()
    };
    for payload in PAYLOADS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .flat_map(|l| [l.to_owned(), format!("@ana {l} (@ana")])
    {
        let payload = payload.replace("\\n", "\n");
        let html = super::render_known(&payload, &known).html;
        checked += 1;
        for tag in live_tags(&html) {
            assert!(
                !FORBIDDEN_TAGS.contains(&tag.name.as_str()),
                "<{}> survived: {payload}\n{html}",
                tag.name
            );
            for (name, value) in &tag.attributes {
                assert!(
                    !name.starts_with("on"),
                    "{name}= survived: {payload}\n{html}"
                );
                let squeezed: String = decode_entities(value)
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:", "livescript:"] {
                    assert!(
                        !squeezed.starts_with(scheme),
                        "{name}=\"{value}\" survived: {payload}\n{html}"
                    );
                }
                assert!(name != "style", "style= survived: {payload}\n{html}");
            }
        }
    }
    assert!(checked >= 100, "only {checked} payloads");
}

const FORBIDDEN_TAGS: &[&str] = &[
    "script", "iframe", "object", "embed", "svg", "math", "style", "form", "meta", "link", "base",
    "frame", "frameset", "applet", "template", "noscript", "textarea", "button", "select",
];

struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The start tags of serialised HTML (as ammonia writes it: lowercase names, attribute values
/// in double quotes with `"` escaped).
fn live_tags(html: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        rest = &rest[name.len()..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
                break;
            }
            let attr: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '=' && *c != '>')
                .collect();
            rest = &rest[attr.len()..];
            let mut value = String::new();
            if let Some(after_eq) = rest.strip_prefix("=\"") {
                let end = after_eq.find('"').unwrap_or(after_eq.len());
                value = after_eq[..end].to_owned();
                rest = &after_eq[(end + 1).min(after_eq.len())..];
            }
            if attr.is_empty() {
                rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
                continue;
            }
            attributes.push((attr.to_lowercase(), value));
        }
        tags.push(Tag { name, attributes });
    }
    tags
}

/// Decodes the entities a browser would decode in an attribute value.
fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').unwrap_or(0);
        let entity = &rest[1..end.max(1)];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "colon" => Some(':'),
            "tab" => Some('\t'),
            "newline" => Some('\n'),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn a_documents_headings_start_below_the_pages_own() {
    let html = render_document("# Terms\n\n## Scope\n\n###### Deep\n\ntext").html;
    assert!(!html.contains("<h1"), "{html}");
    assert!(
        html.contains("<h2>Terms</h2>") && html.contains("<h3>Scope</h3>"),
        "{html}"
    );
    assert!(html.contains("<h6>Deep</h6>"), "{html}");
    assert!(render("# Post").html.contains("<h1>Post</h1>"));
}

#[test]
fn a_remote_image_is_shown_from_its_local_copy_or_as_a_link_never_loaded_from_its_host() {
    let md = "![The C2 at Putney](https://example.com/c2.jpg) and ![](http://example.org/x.png) \
              and ![local](/media/abc.png)";
    let plain = render(md);
    assert!(!plain.html.contains("<img src=\"http"), "{}", plain.html);
    assert!(
        plain
            .html
            .contains("<a href=\"https://example.com/c2.jpg\""),
        "{}",
        plain.html
    );
    assert!(
        plain.html.contains(">The C2 at Putney</a>"),
        "{}",
        plain.html
    );
    assert!(
        plain.html.contains(">http://example.org/x.png</a>"),
        "an image without alt text still shows its address: {}",
        plain.html
    );
    assert!(
        plain.html.contains("<img src=\"/media/abc.png\""),
        "{}",
        plain.html
    );
    assert_eq!(
        (plain.images, plain.links),
        (3, 0),
        "images shown as links count as images"
    );
    let mut local = std::collections::HashMap::new();
    local.insert(
        "https://example.com/c2.jpg".to_owned(),
        "/media/1f2e.jpg".to_owned(),
    );
    let known = super::Known {
        images: local,
        ..Default::default()
    };
    let copied = super::render_known(md, &known);
    assert!(
        copied
            .html
            .contains("<img src=\"/media/1f2e.jpg\" alt=\"The C2 at Putney\""),
        "{}",
        copied.html
    );
    assert!(
        !copied.html.contains("example.com/c2.jpg"),
        "{}",
        copied.html
    );
    assert_eq!(
        plain.remote_images,
        ["https://example.com/c2.jpg", "http://example.org/x.png"]
    );
    assert_eq!(copied.remote_images, ["http://example.org/x.png"]);
}

#[test]
fn an_image_address_that_names_a_host_in_any_spelling_is_remote() {
    for url in [
        "http:evil.example/a.png",
        "https:/evil.example/a.png",
        "HTTPS://evil.example/a.png",
        "//evil.example/a.png",
        "/\\evil.example/a.png",
        "ftp://evil.example/a.png",
        "<\thttps://evil.example/a.png>",
    ] {
        let r = render(&format!("![a]({url})"));
        assert!(
            !r.html.contains("<img"),
            "{url} loaded from its host: {}",
            r.html
        );
        assert_eq!(r.remote_images.len(), 1, "{url}: {:?}", r.remote_images);
    }
    for url in ["/media/abc.png", "abc.png", "../up.png", "/a:b.png"] {
        let r = render(&format!("![a]({url})"));
        assert!(r.html.contains("<img src="), "{url} is ours: {}", r.html);
        assert!(r.remote_images.is_empty(), "{url}");
    }
}

/// How deep `tag` elements nest in `html`.
fn nesting(html: &str, tag: &str) -> usize {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let (mut depth, mut deepest, mut rest) = (0usize, 0usize, html);
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        if rest.starts_with(&open) {
            depth += 1;
            deepest = deepest.max(depth);
        } else if rest.starts_with(&close) {
            depth = depth.saturating_sub(1);
        }
        rest = &rest[1..];
    }
    deepest
}

#[test]
fn a_quote_nested_past_the_budget_is_refused_when_new_and_flattened_when_stored() {
    use super::budget::MAX_DEPTH;
    let deep = format!("{}deep words", ">".repeat(31_990));
    let refused = super::render_checked(&deep);
    assert!(
        matches!(refused, Err(super::TooComplex::TooDeep { depth }) if depth > MAX_DEPTH),
        "{refused:?}"
    );
    let invalid = refused.err().map(|e| e.invalid("body"));
    assert_eq!(
        invalid.as_ref().map(|i| (i.field, i.code)),
        Some(("body", "too_deeply_nested"))
    );
    assert!(invalid.is_some_and(|i| i.message.contains("at most 40")));

    let flat = render(&deep);
    assert!(nesting(&flat.html, "blockquote") <= MAX_DEPTH);
    assert!(flat.html.contains("deep words"));
    assert_eq!(flat.text, "deep words");

    // Within the budget nothing changes: thirty quotes stay thirty.
    let thirty = format!("{}a quote", "> ".repeat(30));
    let r = super::render_checked(&thirty).map(|r| r.html);
    assert_eq!(r.as_deref().map(|h| nesting(h, "blockquote")), Ok(30));
    assert_eq!(r.map(|h| h == render(&thirty).html), Ok(true));
}

#[test]
fn emphasis_nested_past_the_budget_is_flattened_too() {
    let deep = format!("{}x{}", "*a ".repeat(3_000), " b*".repeat(3_000));
    assert!(matches!(
        super::render_checked(&deep),
        Err(super::TooComplex::TooDeep { .. })
    ));
    let flat = render(&deep);
    assert!(nesting(&flat.html, "em") <= super::budget::MAX_DEPTH);
    assert!(flat.text.contains('x'));
}

#[test]
fn a_table_that_pads_past_the_budget_is_refused_when_new_and_shown_as_text_when_stored() {
    // 30 KB of markdown that asks for 1,000 columns on each of 9,000 lines.
    let wide = format!(
        "{}\n{}\n{}",
        "|a".repeat(1_000),
        "|-".repeat(1_000),
        "|x\n".repeat(9_000)
    );
    let refused = super::render_checked(&wide);
    assert!(
        matches!(refused, Err(super::TooComplex::TableTooLarge { .. })),
        "{refused:?}"
    );
    assert_eq!(
        refused.err().map(|e| e.invalid("body").code),
        Some("table_too_large")
    );
    let flat = render(&wide);
    assert!(!flat.html.contains("<td"), "rendered as a table");
    assert!(
        flat.html.len() < 4 * wide.len(),
        "{} bytes",
        flat.html.len()
    );

    let small = "| a | b |\n|---|---|\n| 1 | 2 |\n";
    assert!(super::render_checked(small).is_ok_and(|r| r.html.contains("<td>2</td>")));
}

#[test]
fn text_past_the_renderers_length_is_refused_or_shown_as_plain_text() {
    let long = "word ".repeat(super::budget::MAX_INPUT / 5 + 10);
    assert!(matches!(
        super::render_checked(&long),
        Err(super::TooComplex::TooLong { .. })
    ));
    assert!(super::check(&long).is_err());
    let r = render(&format!("**{long}"));
    assert!(r.html.starts_with("<p>**word word"), "{}", &r.html[..40]);
    assert!(r.html.len() <= super::budget::MAX_INPUT + 16);
}

#[test]
fn a_table_padded_through_lone_carriage_returns_or_odd_spaces_is_refused_too() {
    // Lines ended by a lone \r (the parser's line ending too), and a delimiter row spaced with
    // vertical tabs and form feeds: each pads 1,000 columns on every later line.
    let by_cr = format!(
        "{}\r{}\r{}",
        "|a".repeat(1_000),
        "|-".repeat(1_000),
        "|x\r".repeat(9_000)
    );
    let odd_spaces = format!(
        "{}\n{}\n{}",
        "|a".repeat(1_000),
        "|\u{b}-\u{c}".repeat(1_000),
        "|x\n".repeat(9_000)
    );
    for body in [by_cr, odd_spaces] {
        let refused = super::render_checked(&body);
        assert!(
            matches!(
                refused,
                Err(super::TooComplex::TableTooLarge { .. }
                    | super::TooComplex::TooManyElements { .. })
            ),
            "{:?}",
            refused.map(|r| r.html.len())
        );
        let stored = render(&body);
        assert!(!stored.html.contains("<td"), "rendered as a table");
        assert!(stored.html.len() < 4 * body.len());
    }
}

#[test]
fn an_excerpt_shows_the_words_not_the_markup() {
    assert_eq!(
        excerpt(
            "The range was **96%** of the *way*, see [the log](https://x.example).",
            200
        ),
        "The range was 96% of the way, see the log."
    );
    assert_eq!(excerpt("# Title\n\n- one\n- two", 200), "Title one two");
    assert_eq!(
        excerpt("a **bold** word and more words", 12),
        "a bold word…"
    );
}
