//! Markdown to safe HTML: GitHub-flavoured markdown rendered by comrak with raw HTML escaped,
//! then cleaned by ammonia (no scripts, no event handlers, no `javascript:` URLs), with every
//! link marked `rel="nofollow ugc noopener"`. Also the plain text that search indexes.
//!
//! No page ever loads an image from another host (that host would learn who reads what, and
//! when): a remote image is shown from its copy on our own origin when one was made (see
//! `content::media`), and otherwise as a link to it.
//!
//! What a body may cost is bounded (`budget`): nesting, table cells and elements per byte, so
//! rendering stays linear in the input.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, format_html, try_parse_document};

pub mod budget;
mod mentions;

pub use budget::TooComplex;

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
    /// The names its `@name` mentions name (not in code, nor in a link's words), canonical
    /// (lowercase) and each once, whether or not a member has the name.
    pub mentioned: Vec<String>,
    /// The addresses of remote images shown as links (no local copy was given), each once.
    pub remote_images: Vec<String>,
}

impl Rendered {
    /// How many words the plain text has.
    pub fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }
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

/// What only the store knows when a body is saved, for rendering it: the local copies of its
/// remote images and the members its mentions name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// Image address → the local copy's `/media/…` address.
    pub images: HashMap<String, String>,
    /// A mentioned name, canonical (lowercase) → the member's username as stored.
    pub members: HashMap<String, String>,
}

/// Renders markdown that was not checked against the budget (stored before it existed, the
/// demo) to sanitised HTML and plain text, flattening whatever lies past the budget; remote
/// images become links, mentions stay text.
pub fn render(markdown: &str) -> Rendered {
    render_known(markdown, &Known::default())
}

/// Renders a new body (a post, a preview), refusing one past the budget.
pub fn render_checked(markdown: &str) -> Result<Rendered, TooComplex> {
    render_below(markdown, 0, &Known::default(), Past::Refuse)
}

/// Renders a markdown body with each remote image shown from its local copy in `known`; a
/// remote image without one becomes a link to it. A mention of a member in `known` links to
/// their profile (`/u/{username}`); any other stays text. Past the budget it flattens, as
/// [`render`] does.
pub fn render_known(markdown: &str, known: &Known) -> Rendered {
    render_below(markdown, 0, known, Past::Flatten).unwrap_or_else(|_| plain(markdown))
}

/// Renders a document shown under a page's own heading (the terms, the netiquette): its
/// headings start at `<h2>`, so that the page has one `<h1>`. Past the budget it flattens.
pub fn render_document(markdown: &str) -> Rendered {
    render_below(markdown, 1, &Known::default(), Past::Flatten).unwrap_or_else(|_| plain(markdown))
}

/// Checks text against the budget without rendering it (a parse, linear and cheap: no HTML is
/// written or cleaned), for settings and documents an admin saves.
pub fn check(markdown: &str) -> Result<(), TooComplex> {
    let arena = Arena::new();
    parse_within(&arena, markdown, Past::Refuse).map(|_| ())
}

/// Whether an image address is on another host (and so must not be loaded by readers): any
/// address with a scheme (`https:/x.example/a.png` and `http:x.example` name a host as surely
/// as `https://x.example/a.png` does), or starting with two slashes, counting a backslash as a
/// slash and ignoring the tabs and line breaks browsers drop from addresses.
fn is_remote(url: &str) -> bool {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    if url.starts_with("//") {
        return true;
    }
    let before_path = url.split(['/', '?', '#']).next().unwrap_or("");
    before_path.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// What the renderer does with a body past the budget.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Past {
    /// Refuses it.
    Refuse,
    /// Renders it flattened: no deeper than the budget, tables as text, or as plain text.
    Flatten,
}

/// A body too far past the budget to render even flattened, as escaped plain text.
fn plain(markdown: &str) -> Rendered {
    let cut = markdown
        .char_indices()
        .take_while(|(i, _)| *i < budget::MAX_INPUT)
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let text = markdown[..cut]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\0', "\u{FFFD}");
    Rendered {
        html: format!("<p>{}</p>", escape(&text)),
        text,
        links: 0,
        images: 0,
        mentioned: Vec::new(),
        remote_images: Vec::new(),
    }
}

/// The opening words of `markdown` without its markup (the text search indexes: `**96%**`
/// reads `96%`), cut at a word to at most `max` characters with an ellipsis: an excerpt for
/// where the whole post is too much. Parses only; writes and cleans no HTML.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let arena = Arena::new();
    let text = match parse_within(&arena, markdown, Past::Flatten) {
        Ok(root) => {
            let mut text = String::with_capacity(markdown.len());
            for node in root.descendants() {
                push_words(&node.data.borrow().value, &mut text);
            }
            text.replace('\0', "\u{FFFD}")
        }
        Err(_) => plain(markdown).text,
    };
    crate::search::excerpt(&text, max)
}

/// Adds what a node says to `text`: its words, code as written, a space where a block or a
/// line ends.
fn push_words(value: &NodeValue, text: &mut String) {
    match value {
        NodeValue::Text(t) => text.push_str(t),
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

/// `markdown` shown as escaped plain text in one paragraph (no rendering).
pub fn plain_html(markdown: &str) -> String {
    plain(markdown).html
}

/// `text` with the characters HTML gives a meaning escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Parses `markdown` within the budget: past it, refused, or flattened as `past` says.
fn parse_within<'a>(
    arena: &'a Arena<'a>,
    markdown: &str,
    past: Past,
) -> Result<&'a comrak::nodes::AstNode<'a>, TooComplex> {
    if markdown.len() > budget::MAX_INPUT {
        return Err(TooComplex::TooLong {
            len: markdown.len(),
        });
    }
    // A lone carriage return ends a line for the parser: the budget reads lines as it does.
    let unified;
    let markdown = if markdown.contains('\r') {
        unified = markdown.replace("\r\n", "\n").replace('\r', "\n");
        unified.as_str()
    } else {
        markdown
    };
    let mut options = options();
    let cells = budget::table_cells(markdown);
    if cells > budget::MAX_TABLE_CELLS {
        match past {
            Past::Refuse => return Err(TooComplex::TableTooLarge { cells }),
            Past::Flatten => options.extension.table = false,
        }
    }
    // The parser stops once it has taken more steps (lines, inlines, nodes) than text of this
    // length can ask for without amplification, whatever construct the reading of lines missed.
    let steps = std::cell::Cell::new(0usize);
    let most = budget::max_steps(markdown.len());
    let past_budget = || {
        steps.set(steps.get() + 256);
        steps.get() > most
    };
    let Ok(root) = try_parse_document(arena, markdown, &options, &past_budget) else {
        return Err(TooComplex::TooManyElements {
            nodes: steps.get(),
            len: markdown.len(),
        });
    };
    let (nodes, depth) = budget::measure(root);
    if nodes > budget::max_nodes(markdown.len()) {
        return Err(TooComplex::TooManyElements {
            nodes,
            len: markdown.len(),
        });
    }
    if depth > budget::MAX_DEPTH {
        match past {
            Past::Refuse => return Err(TooComplex::TooDeep { depth }),
            Past::Flatten => budget::flatten(arena, root),
        }
    }
    Ok(root)
}

/// Renders with every heading `offset` levels lower (at most `<h6>`), remote images from
/// `known` or as links, and mentions of `known` members as links; what is past the budget is
/// refused or flattened as `past` says.
fn render_below(
    markdown: &str,
    offset: u8,
    known: &Known,
    past: Past,
) -> Result<Rendered, TooComplex> {
    let arena = Arena::new();
    let root = parse_within(&arena, markdown, past)?;
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
                match known.images.get(&link.url) {
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

    // Mentions are found, and counted, before they become links (which are not counted as
    // links: newcomers' limits count links to elsewhere).
    let mentioned = mentions::mentioned(root);
    let mention_links = mentions::link(&arena, root, &known.members);
    let mut text = String::with_capacity(markdown.len());
    let mut links = 0;
    for node in root.descendants() {
        let value = &node.data.borrow().value;
        if let NodeValue::Link(_) = value {
            links += 1;
        }
        push_words(value, &mut text);
    }

    let mut raw = String::with_capacity(markdown.len() * 2);
    if format_html(root, &options(), &mut raw).is_err() {
        raw.clear();
    }
    // comrak keeps U+0000 in the tree and replaces it only when writing HTML. CommonMark asks
    // for U+FFFD, and PostgreSQL refuses NUL in text, so the search text gets it too.
    let links = links - shown_as_links - mention_links;
    Ok(Rendered {
        html: CLEANER.clean(&raw).to_string(),
        text: text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('\0', "\u{FFFD}"),
        links,
        images,
        mentioned,
        remote_images: remote,
    })
}

#[cfg(test)]
mod tests;
