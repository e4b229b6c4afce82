//! What one body may cost the renderer. The markdown parser works in time linear in its input,
//! but what comes after it does not always: the HTML sanitiser's tree builder walks the stack
//! of open elements for each new one, so a blockquote nested 32,000 levels deep (one line of
//! `>`) costs the square of its depth (4.6 s for one post), and a table's delimiter row of 1,000
//! columns pads every later line to 1,000 cells (30 KB of markdown, 5 MB of HTML). A body is
//! measured against a budget before it is rendered: new posts, previews and documents past it
//! are refused with a field error; text rendered anyway (stored before the budget, the demo) is
//! flattened past it, so rendering stays linear in the input whatever it holds.

use comrak::Arena;
use comrak::arena_tree::NodeEdge;
use comrak::nodes::{AstNode, NodeValue};

use crate::error::Invalid;

/// How deep the tree of a body may nest (quotes, lists, emphasis and links inside each other:
/// a quote nested 30 levels deep, a list 15 levels deep, with emphasis and a link inside).
pub const MAX_DEPTH: usize = 40;

/// How many cells the tables of a body may have, counting the empty ones a short row is padded
/// with: 500 rows of 10 columns. A cell costs the sanitiser about a microsecond and a half, so
/// a post of 5,000 cells renders in about 8 ms, where a post of 32,000 characters of prose takes
/// 1.2 ms (`cargo bench -p agora-core --bench markdown_worst`).
pub const MAX_TABLE_CELLS: usize = 5_000;

/// The longest text the renderer takes, in bytes (a post is at most 32,000 characters, a
/// document 100,000).
pub const MAX_INPUT: usize = 400_000;

/// Why a body is past the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TooComplex {
    /// Quotes, lists or emphasis nested deeper than [`MAX_DEPTH`].
    #[error("nested {depth} levels deep, more than {MAX_DEPTH}")]
    TooDeep { depth: usize },
    /// Tables with more than [`MAX_TABLE_CELLS`] cells.
    #[error("tables of {cells} cells, more than {MAX_TABLE_CELLS}")]
    TableTooLarge { cells: usize },
    /// More elements than a text of its length can write without amplification.
    #[error("{nodes} elements from {len} bytes")]
    TooManyElements { nodes: usize, len: usize },
    /// Longer than [`MAX_INPUT`].
    #[error("{len} bytes, more than {MAX_INPUT}")]
    TooLong { len: usize },
}

impl TooComplex {
    /// The field error a form or the API answers (422), saying what to change.
    pub fn invalid(self, field: &'static str) -> Invalid {
        match self {
            Self::TooDeep { depth } => Invalid::new(
                field,
                "too_deeply_nested",
                format!(
                    "Quotes, lists and emphasis here are nested {depth} levels deep; at most \
                     {MAX_DEPTH} are allowed. Remove some of the innermost quotes or list levels."
                ),
            ),
            Self::TableTooLarge { cells } => Invalid::new(
                field,
                "table_too_large",
                format!(
                    "The tables here have {cells} cells (short rows are filled up to the \
                     columns of their table); at most {MAX_TABLE_CELLS} are allowed. Use fewer \
                     columns or rows."
                ),
            ),
            Self::TooManyElements { .. } => Invalid::new(
                field,
                "too_complex",
                "This text asks for far more formatting than its length can hold. Simplify its \
                 markup.",
            ),
            Self::TooLong { .. } => Invalid::new(
                field,
                "too_long",
                format!("The text may be at most {MAX_INPUT} bytes long."),
            ),
        }
    }
}

/// How many elements a body of `len` bytes may make: markdown writes about one element per
/// character at most (`*a*` makes two from three, a table cell `|a` two from two), so four per
/// byte only fails on amplification.
pub(super) fn max_nodes(len: usize) -> usize {
    len.saturating_mul(4).saturating_add(1_000)
}

/// How many steps the parser may take for a body of `len` bytes (it counts lines, inlines and
/// nodes): eight a byte, far above what any text writes without amplification.
pub(super) fn max_steps(len: usize) -> usize {
    len.saturating_mul(8).saturating_add(20_000)
}

/// An upper bound of the table cells `markdown` can make, read from its lines before parsing:
/// from each line that can be a table's delimiter row (`|---|:-:|`, possibly inside quotes or
/// indented), every line up to the next blank one counts as a row of that many cells. Lines
/// in code blocks are counted too, so the bound may be high, never low.
pub(super) fn table_cells(markdown: &str) -> usize {
    let mut cells = 0usize;
    let mut columns = 0usize;
    for line in markdown.lines() {
        let inner = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        if inner.is_empty() {
            columns = 0;
            continue;
        }
        if let Some(n) = delimiter_columns(inner) {
            // The header row above it has as many.
            columns = n;
            cells = cells.saturating_add(n.saturating_mul(2));
        } else if columns > 0 {
            cells = cells.saturating_add(columns);
        }
    }
    cells
}

/// The number of columns if `line` can be a table's delimiter row: only pipes, dashes, colons
/// and the spaces the parser takes there (space, tab, vertical tab, form feed), at least one
/// pipe and one dash.
fn delimiter_columns(line: &str) -> Option<usize> {
    let line = line.trim();
    let is_delimiter = line.contains('|')
        && line.contains('-')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t' | '\x0b' | '\x0c'));
    is_delimiter.then(|| line.trim_matches('|').split('|').count())
}

/// The number of nodes under `root` and the depth of the deepest (the root is at 0).
pub(super) fn measure<'a>(root: &'a AstNode<'a>) -> (usize, usize) {
    let (mut nodes, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(_) => {
                nodes += 1;
                deepest = deepest.max(depth);
                depth += 1;
            }
            NodeEdge::End(_) => depth = depth.saturating_sub(1),
        }
    }
    (nodes, deepest)
}

/// Flattens what lies deeper than [`MAX_DEPTH`]: each node at that depth keeps the words of
/// everything under it as one text (in a paragraph where it holds blocks), and loses its
/// deeper structure.
pub(super) fn flatten<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) {
    let mut at_limit = Vec::new();
    let mut depth = 0usize;
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(node) => {
                if depth == MAX_DEPTH && node.first_child().is_some() {
                    at_limit.push(node);
                }
                depth += 1;
            }
            NodeEdge::End(_) => depth = depth.saturating_sub(1),
        }
    }
    for node in at_limit {
        let mut words = String::new();
        for inner in node.descendants().skip(1) {
            match &inner.data.borrow().value {
                NodeValue::Text(t) => words.push_str(t),
                NodeValue::Code(c) => words.push_str(&c.literal),
                NodeValue::CodeBlock(c) => words.push_str(&c.literal),
                NodeValue::SoftBreak | NodeValue::LineBreak | NodeValue::Paragraph => {
                    words.push(' ');
                }
                _ => {}
            }
        }
        while let Some(child) = node.first_child() {
            child.detach();
        }
        let text = arena.alloc(NodeValue::Text(words.trim().to_owned().into()).into());
        let value = node.data.borrow().value.clone();
        if value.block() && !value.contains_inlines() {
            let paragraph = arena.alloc(NodeValue::Paragraph.into());
            paragraph.append(text);
            node.append(paragraph);
        } else {
            node.append(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_count_padded_rows_from_the_delimiter_row() {
        assert_eq!(table_cells("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |\n"), 8);
        assert_eq!(table_cells("> a|b\n> -|-\n> x\n\nafter\n"), 6);
        assert_eq!(table_cells("no table\n---\nhere\n"), 0);
        let wide = format!(
            "{}\n{}\n{}",
            "|a".repeat(1000),
            "|-".repeat(1000),
            "|x\n".repeat(10)
        );
        assert_eq!(table_cells(&wide), 12_000);
    }
}
