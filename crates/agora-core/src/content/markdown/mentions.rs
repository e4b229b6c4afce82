//! `@name` mentions in a body: found in its text (never in code, nor in the words of a link),
//! and, once the store has said which names are members, turned into links to their profiles.
//!
//! A mention is an `@` at the start of a run of text or after a space or opening punctuation,
//! followed by a name a username could be (3–24 ASCII letters, digits, `_` and `-`, starting
//! with a letter or digit). `mail me@example.org` and `50@` are not mentions.

use std::collections::HashMap;

use comrak::Arena;
use comrak::nodes::{AstNode, NodeLink, NodeValue};

use crate::members::Username;

/// One mention in a run of text: where it is (the `@` to the end of the name) and the name's
/// canonical (lowercase) form.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    name: String,
}

/// The mentions in a run of text, in order.
fn spans(text: &str) -> Vec<Span> {
    let mut found = Vec::new();
    let mut previous = ' ';
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if c == '@' && (previous.is_whitespace() || matches!(previous, '(' | '[' | '"' | '\'')) {
            let start = i + 1;
            let len = bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
                .count();
            let name = &text[start..start + len];
            if let Ok(name) = Username::parse(name)
                && name.as_str().len() == len
            {
                found.push(Span {
                    start: i,
                    end: start + len,
                    name: name.canonical(),
                });
            }
        }
        previous = c;
    }
    found
}

/// Whether a node lies inside a link or an image (whose words cannot hold another link).
fn in_link<'a>(node: &'a AstNode<'a>) -> bool {
    node.ancestors().skip(1).any(|a| {
        matches!(
            a.data.borrow().value,
            NodeValue::Link(_) | NodeValue::Image(_)
        )
    })
}

/// The text nodes a mention may stand in, with their text.
fn mention_texts<'a>(root: &'a AstNode<'a>) -> Vec<(&'a AstNode<'a>, String)> {
    root.descendants()
        .filter_map(|node| match &node.data.borrow().value {
            NodeValue::Text(t) if t.contains('@') => Some((node, t.to_string())),
            _ => None,
        })
        .filter(|(node, _)| !in_link(node))
        .collect()
}

/// The names mentioned in a parsed body, canonical (lowercase) and each once, in the order
/// they first appear.
pub(super) fn mentioned<'a>(root: &'a AstNode<'a>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (_, text) in mention_texts(root) {
        for span in spans(&text) {
            if !names.contains(&span.name) {
                names.push(span.name);
            }
        }
    }
    names
}

/// Turns every mention of a name in `members` (canonical name → the username as stored) into
/// a link to that member's profile, its words as written; returns how many links it made.
/// Other mentions stay text.
pub(super) fn link<'a>(
    arena: &'a Arena<'a>,
    root: &'a AstNode<'a>,
    members: &HashMap<String, String>,
) -> usize {
    let mut made = 0;
    if members.is_empty() {
        return made;
    }
    for (node, text) in mention_texts(root) {
        let known: Vec<(Span, &String)> = spans(&text)
            .into_iter()
            .filter_map(|s| members.get(&s.name).map(|username| (s, username)))
            .collect();
        if known.is_empty() {
            continue;
        }
        let mut written = 0;
        for (span, username) in known {
            if span.start > written {
                let before = NodeValue::Text(text[written..span.start].to_owned().into());
                node.insert_before(arena.alloc(before.into()));
            }
            let link = arena.alloc(
                NodeValue::Link(Box::new(NodeLink {
                    url: format!("/u/{username}"),
                    title: String::new(),
                }))
                .into(),
            );
            let words = NodeValue::Text(text[span.start..span.end].to_owned().into());
            link.append(arena.alloc(words.into()));
            node.insert_before(link);
            written = span.end;
            made += 1;
        }
        node.data.borrow_mut().value = NodeValue::Text(text[written..].to_owned().into());
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        spans(text).into_iter().map(|s| s.name).collect()
    }

    #[test]
    fn a_mention_is_a_username_after_a_space_or_opening_punctuation() {
        assert_eq!(names("@Ana hi (@bo_b) '@cy-1'"), ["ana", "bo_b", "cy-1"]);
        assert_eq!(names("hi @ana."), ["ana"]);
        assert!(names("me@example.org 50@ @ alone @ab").is_empty());
        let long = format!("@{}", "a".repeat(25));
        assert!(names(&long).is_empty());
    }
}
