//! The hostile inputs of `hostile_inputs.txt`, decoded: escapes (`\0`, `\u{202E}`, `\r\n`, …)
//! and directives (`@repeat`, `@json`, `@url`) turned into the values the suite sends.

use crate::support::urlencode;

/// The list, as written.
const FILE: &str = include_str!("../hostile_inputs.txt");

/// One hostile input.
#[derive(Debug, Clone)]
pub struct Input {
    /// Its line in the file, to find it again.
    pub line: usize,
    /// The `# category` it is listed under.
    pub category: String,
    /// The value, decoded.
    pub value: String,
    /// `@json`: the raw content of a JSON string literal, sent unescaped in JSON bodies.
    json: Option<String>,
    /// `@url`: already percent-encoded text, sent as written in URLs and form bodies.
    url: Option<String>,
}

impl Input {
    /// The input as a JSON string literal, quotes included.
    pub fn json_literal(&self) -> String {
        match &self.json {
            Some(raw) => format!("\"{raw}\""),
            None => serde_json::Value::String(self.value.clone()).to_string(),
        }
    }

    /// The input for a URL path segment, a query value or a form body: percent-encoded, or as
    /// written for `@url` inputs (only bytes a URI cannot hold are encoded).
    pub fn url_encoded(&self) -> String {
        match &self.url {
            Some(raw) => raw
                .bytes()
                .map(|b| {
                    if b.is_ascii_graphic() && !b"\"<>\\^`{|}#".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect(),
            None => urlencode(&self.value),
        }
    }

    /// A JSON number, boolean or null written as text (`-1`, `1e309`, `true`): sent bare where
    /// a JSON body expects a number, so the parser meets it as a number.
    pub fn bare_json(&self) -> Option<&str> {
        let v = self.value.as_str();
        let numeric = v
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'-')
            && v.bytes()
                .all(|b| b.is_ascii_digit() || b"-+.eE".contains(&b));
        (self.json.is_none() && (numeric || matches!(v, "true" | "false" | "null"))).then_some(v)
    }

    /// A short description for failure messages.
    pub fn label(&self) -> String {
        let shown: String = self.value.chars().take(60).collect();
        let more = if self.value.chars().count() > 60 {
            format!("… ({} chars)", self.value.chars().count())
        } else {
            String::new()
        };
        format!("line {} [{}] {shown:?}{more}", self.line, self.category)
    }
}

/// Every input of the file, in order.
pub fn all() -> Vec<Input> {
    let mut inputs = Vec::new();
    let mut category = String::from("none");
    for (i, line) in FILE.lines().enumerate() {
        let n = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let word = comment.trim();
            if !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()) {
                category = word.to_owned();
            }
            continue;
        }
        inputs.push(parse_line(n, &category, line));
    }
    inputs
}

fn parse_line(n: usize, category: &str, line: &str) -> Input {
    let (value, json, url) = if let Some(rest) = line.strip_prefix("@repeat ") {
        let (count, text) = rest
            .split_once(' ')
            .unwrap_or_else(|| panic!("line {n}: @repeat N TEXT"));
        let count: usize = count
            .parse()
            .unwrap_or_else(|e| panic!("line {n}: @repeat count: {e}"));
        (decode(n, text).repeat(count), None, None)
    } else if let Some(raw) = line.strip_prefix("@json ") {
        (raw.to_owned(), Some(raw.to_owned()), None)
    } else if let Some(raw) = line.strip_prefix("@url ") {
        (percent_decode(raw), None, Some(raw.to_owned()))
    } else {
        (decode(n, line), None, None)
    };
    Input {
        line: n,
        category: category.to_owned(),
        value,
        json,
        url,
    }
}

/// Decodes the file's escapes; any other backslash is a mistake in the file.
fn decode(n: usize, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = chars
            .next()
            .unwrap_or_else(|| panic!("line {n}: trailing \\"));
        out.push(match escaped {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\u{c}',
            'v' => '\u{b}',
            'e' => '\u{1b}',
            '\\' => '\\',
            'u' => {
                let rest: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let hex = rest
                    .strip_prefix('{')
                    .unwrap_or_else(|| panic!("line {n}: write \\u{{HEX}}"));
                u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or_else(|| panic!("line {n}: \\u{{{hex}}} is not a character"))
            }
            other => panic!("line {n}: unknown escape \\{other} (write \\\\ for a backslash)"),
        });
    }
    out
}

/// `%XX` sequences decoded (invalid ones kept as written; invalid UTF-8 replaced).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn the_list_holds_at_least_200_distinct_inputs_in_every_promised_category() {
    let inputs = all();
    let mut distinct: Vec<&str> = inputs.iter().map(|i| i.value.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= 200, "{} distinct inputs", distinct.len());
    for category in [
        "xss",
        "sql",
        "unicode",
        "control",
        "numbers",
        "path",
        "format",
        "injection",
        "long",
        "json",
        "email",
    ] {
        let n = inputs.iter().filter(|i| i.category == category).count();
        assert!(n >= 5, "category {category}: {n} inputs");
    }
}

#[test]
fn escapes_and_directives_are_decoded() {
    assert_eq!(decode(1, r"a\0b\u{202E}\r\n\\"), "a\0b\u{202E}\r\n\\");
    let repeated = parse_line(1, "long", "@repeat 3 ab");
    assert_eq!(repeated.value, "ababab");
    let surrogate = parse_line(1, "unicode", r"@json \ud800");
    assert_eq!(surrogate.json_literal(), r#""\ud800""#);
    let url = parse_line(1, "path", "@url ..%2F%00");
    assert_eq!(
        (url.value.as_str(), url.url_encoded()),
        ("../\0", "..%2F%00".into())
    );
    let plain = parse_line(1, "xss", "<a b>");
    assert_eq!(plain.url_encoded(), "%3Ca%20b%3E");
}
