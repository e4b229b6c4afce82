//! Markdown to safe HTML: GitHub-flavoured markdown rendered by comrak with raw HTML escaped,
//! then cleaned by ammonia (no scripts, no event handlers, no `javascript:` URLs), with every
//! link marked `rel="nofollow ugc noopener"`. Also the plain text that search indexes.
//!
//! No page ever loads an image from another host (that host would learn who reads what, and
//! when): a remote image is shown from its copy on our own origin when one was made (see
//! `content::media`), and otherwise as a link to it.

use std::collections::{HashMap, HashSet};
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
    /// The addresses of remote images shown as links (no local copy was given), each once.
    pub remote_images: Vec<String>,
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

/// Renders a markdown body to sanitised HTML and plain text; remote images become links.
pub fn render(markdown: &str) -> Rendered {
    render_below(markdown, 0, &HashMap::new())
}

/// Renders a markdown body with each remote image shown from its local copy in `local`
/// (image address → `/media/…`); a remote image without one becomes a link to it.
pub fn render_with_images(markdown: &str, local: &HashMap<String, String>) -> Rendered {
    render_below(markdown, 0, local)
}

/// Renders a document shown under a page's own heading (the terms, the netiquette): its
/// headings start at `<h2>`, so that the page has one `<h1>`.
pub fn render_document(markdown: &str) -> Rendered {
    render_below(markdown, 1, &HashMap::new())
}

/// Whether an image address is on another host (and so must not be loaded by readers).
fn is_remote(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// Renders with every heading `offset` levels lower (at most `<h6>`), and remote images from
/// `local` or as links.
fn render_below(markdown: &str, offset: u8, local: &HashMap<String, String>) -> Rendered {
    let options = options();
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options);
    // Images shown as links still count as images, not as links (newcomers' limits).
    let (mut images, mut shown_as_links) = (0, 0);
    let mut remote: Vec<String> = Vec::new();
    for node in root.descendants() {
        let mut data = node.data.borrow_mut();
        match &mut data.value {
            NodeValue::Heading(h) if offset > 0 => h.level = (h.level + offset).min(6),
            NodeValue::Image(link) => {
                images += 1;
                if !is_remote(&link.url) {
                    continue;
                }
                match local.get(&link.url) {
                    Some(copy) => link.url.clone_from(copy),
                    None => {
                        shown_as_links += 1;
                        if !remote.contains(&link.url) {
                            remote.push(link.url.clone());
                        }
                        let link = link.clone();
                        let text = link.url.clone();
                        data.value = NodeValue::Link(link);
                        drop(data);
                        if node.first_child().is_none() {
                            node.append(arena.alloc(NodeValue::Text(text.into()).into()));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    let mut text = String::with_capacity(markdown.len());
    let (mut links, mut mentions) = (0, 0);
    for node in root.descendants() {
        match &node.data.borrow().value {
            NodeValue::Link(_) => links += 1,
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
    let links = links - shown_as_links;
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
        remote_images: remote,
    }
}

#[cfg(test)]
mod tests;
