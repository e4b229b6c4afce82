//! Markdown to safe HTML: GitHub-flavoured markdown rendered by comrak with raw HTML escaped,
//! then cleaned by ammonia (no scripts, no event handlers, no `javascript:` URLs), with every
//! link marked `rel="nofollow ugc noopener"`. Also the plain text that search indexes.

use std::collections::HashSet;
use std::sync::LazyLock;

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, format_html, parse_document};

/// A post's body, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitised HTML, safe to insert into a page.
    pub html: String,
    /// The words of the post without markup, for the search index.
    pub text: String,
    /// Links in the post (written or bare URLs), for newcomer limits and the spam check.
    pub links: usize,
    /// Images in the post.
    pub images: usize,
    /// `@name` mentions in the post's text (not in code).
    pub mentions: usize,
}

impl Rendered {
    /// How many words the plain text has.
    pub fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

/// `@name` mentions in a run of text: an `@` at the start or after a space or opening
/// punctuation, followed by a letter or digit.
fn count_mentions(text: &str) -> usize {
    let mut count = 0;
    let mut previous = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@'
            && (previous.is_whitespace() || matches!(previous, '(' | '[' | '"' | '\''))
            && chars.peek().is_some_and(|n| n.is_ascii_alphanumeric())
        {
            count += 1;
        }
        previous = c;
    }
    count
}

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.render.escape = true;
    o.render.r#unsafe = false;
    o
}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("nofollow ugc noopener"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .set_tag_attribute_value("input", "disabled", "");
    b
});

/// Renders a markdown body to sanitised HTML and plain text.
pub fn render(markdown: &str) -> Rendered {
    render_below(markdown, 0)
}

/// Renders a document shown under a page's own heading (the terms, the netiquette): its
/// headings start at `<h2>`, so that the page has one `<h1>`.
pub fn render_document(markdown: &str) -> Rendered {
    render_below(markdown, 1)
}

/// Renders with every heading `offset` levels lower (at most `<h6>`).
fn render_below(markdown: &str, offset: u8) -> Rendered {
    let options = options();
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options);
    if offset > 0 {
        for node in root.descendants() {
            if let NodeValue::Heading(h) = &mut node.data.borrow_mut().value {
                h.level = (h.level + offset).min(6);
            }
        }
    }

    let mut text = String::with_capacity(markdown.len());
    let (mut links, mut images, mut mentions) = (0, 0, 0);
    for node in root.descendants() {
        match &node.data.borrow().value {
            NodeValue::Link(_) => links += 1,
            NodeValue::Image(_) => images += 1,
            NodeValue::Text(t) => {
                mentions += count_mentions(t);
                text.push_str(t);
            }
            NodeValue::Code(c) => text.push_str(&c.literal),
            NodeValue::CodeBlock(c) => text.push_str(&c.literal),
            NodeValue::SoftBreak
            | NodeValue::LineBreak
            | NodeValue::Paragraph
            | NodeValue::Heading(_)
            | NodeValue::Item(_)
            | NodeValue::TableCell => text.push(' '),
            _ => {}
        }
    }

    let mut raw = String::with_capacity(markdown.len() * 2);
    if format_html(root, &options, &mut raw).is_err() {
        raw.clear();
    }
    // comrak keeps U+0000 in the tree and replaces it only when writing HTML. CommonMark asks
    // for U+FFFD, and PostgreSQL refuses NUL in text, so the search text gets it too.
    Rendered {
        html: CLEANER.clean(&raw).to_string(),
        text: text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('\0', "\u{FFFD}"),
        links,
        images,
        mentions,
    }
}

#[cfg(test)]
mod tests;
