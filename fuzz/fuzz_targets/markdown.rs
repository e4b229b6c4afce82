//! Fuzzes `agora_core::content::markdown::render` with arbitrary text (bytes that are not UTF-8
//! are replaced, so every input is rendered) and checks properties of what it returns:
//!
//! - the HTML reads as well-formed serialiser output, and its tags nest;
//! - every tag and attribute is one the cleaner allows (ammonia's defaults plus the task-list
//!   `<input>`, see `CLEANER` in crates/agora-core/src/content/markdown.rs), and, because raw
//!   HTML is escaped, every tag is one markdown itself produces;
//! - no `<script`, `<iframe`, `<style`, `<object`, `<embed`, no `on…=` attribute, and every URL
//!   attribute is relative or http, https or mailto (so never `javascript:`);
//! - every link carries `rel="nofollow ugc noopener"`, every checkbox is disabled;
//! - rendering twice gives the same result, and the plain text has no NUL.

#![no_main]

use agora_core::content::markdown::{Rendered, render};
use agora_fuzz::html::{self, Tag};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let markdown = String::from_utf8_lossy(data);
    let rendered = render(&markdown);
    assert_eq!(rendered, render(&markdown), "render is not deterministic");
    check(&rendered);
});

fn check(rendered: &Rendered) {
    let out = &rendered.html;
    assert!(!rendered.text.contains('\0'), "NUL in the plain text");

    let lower = out.to_ascii_lowercase();
    for needle in ["<script", "<iframe", "<style", "<object", "<embed"] {
        assert!(!lower.contains(needle), "{needle} in the output: {out}");
    }

    let tags = html::tags(out).unwrap_or_else(|e| panic!("malformed output ({e}): {out}"));
    if let Err(e) = html::check_nesting(&tags) {
        panic!("tags do not nest ({e}): {out}");
    }
    for tag in tags.iter().filter(|t| !t.closing) {
        check_tag(tag, out);
    }
}

fn check_tag(tag: &Tag, out: &str) {
    let name = tag.name.as_str();
    assert!(
        CLEANER_TAGS.contains(&name),
        "<{name}> is not allowed by the cleaner: {out}"
    );
    assert!(
        MARKDOWN_TAGS.contains(&name),
        "<{name}> is not produced by markdown (raw HTML got through): {out}"
    );
    for (attr, value) in &tag.attributes {
        assert!(!attr.starts_with("on"), "{attr}= on <{name}>: {out}");
        let allowed = GENERIC_ATTRIBUTES.contains(&attr.as_str())
            || tag_attributes(name).contains(&attr.as_str());
        assert!(allowed, "{attr}= is not allowed on <{name}>: {out}");
        if URL_ATTRIBUTES.contains(&attr.as_str()) {
            let scheme = html::url_scheme(value);
            assert!(
                scheme
                    .as_deref()
                    .is_none_or(|s| ["http", "https", "mailto"].contains(&s)),
                "{attr}=\"{value}\" on <{name}> has scheme {scheme:?}: {out}"
            );
        }
    }
    if name == "a" {
        let rels: Vec<_> = tag.attributes.iter().filter(|(n, _)| n == "rel").collect();
        assert!(
            matches!(rels.as_slice(), [(_, v)] if v == "nofollow ugc noopener"),
            "a link without exactly rel=\"nofollow ugc noopener\": {out}"
        );
    }
    if name == "input" {
        assert_eq!(tag.attribute("type"), Some("checkbox"), "{out}");
        assert!(tag.attribute("disabled").is_some(), "enabled input: {out}");
    }
}

/// ammonia's default tags plus `input`, as `CLEANER` configures it.
const CLEANER_TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
    "input",
];

/// What comrak writes for the extensions `render` turns on (strikethrough, tables, autolinks,
/// task lists), with raw HTML escaped.
const MARKDOWN_TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "input",
];

/// Attributes ammonia allows on every tag.
const GENERIC_ATTRIBUTES: &[&str] = &["lang", "title"];

/// Attributes whose value is a URL; ammonia checks their scheme.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite"];

/// Attributes the cleaner allows on `tag`: ammonia's defaults, `rel` on links (added by
/// `link_rel`) and the task-list checkbox's three.
fn tag_attributes(tag: &str) -> &'static [&'static str] {
    match tag {
        "a" => &["href", "hreflang", "rel"],
        "bdo" => &["dir"],
        "blockquote" | "q" => &["cite"],
        "col" | "colgroup" => &["align", "char", "charoff", "span"],
        "del" | "ins" => &["cite", "datetime"],
        "hr" => &["align", "size", "width"],
        "img" => &["align", "alt", "height", "src", "width"],
        "ol" => &["start"],
        "table" => &["align", "char", "charoff", "summary"],
        "tbody" | "tfoot" | "thead" | "tr" => &["align", "char", "charoff"],
        "td" => &["align", "char", "charoff", "colspan", "headers", "rowspan"],
        "th" => &[
            "align", "char", "charoff", "colspan", "headers", "rowspan", "scope",
        ],
        "input" => &["type", "checked", "disabled"],
        _ => &[],
    }
}
