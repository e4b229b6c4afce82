//! A reader for serialised HTML as ammonia (html5ever) writes it: start tags with double-quoted
//! attribute values, end tags, and text in which `<` is always escaped. It is deliberately
//! strict: anything else (a comment, an unquoted value, a `<` that opens no tag) is reported as
//! malformed, because the sanitiser's output should never contain it.

/// One tag of the output, start or end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The element name, lowercased.
    pub name: String,
    /// `</name>` rather than `<name …>`.
    pub closing: bool,
    /// Attribute names (lowercased) with their values, entities decoded.
    pub attributes: Vec<(String, String)>,
}

impl Tag {
    /// The decoded value of the attribute `name`, if the tag has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Elements that never have an end tag.
pub const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Every tag of `html`, in order, or a description of the first malformed spot.
pub fn tags(html: &str) -> Result<Vec<Tag>, String> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let (tag, end) = tag_at(html, i + offset)?;
        found.push(tag);
        i = end;
    }
    Ok(found)
}

/// Checks that start and end tags nest: every end tag closes the innermost open element, void
/// elements are never closed, and nothing is left open.
pub fn check_nesting(tags: &[Tag]) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    for tag in tags {
        let is_void = VOID.contains(&tag.name.as_str());
        match (tag.closing, is_void) {
            (false, true) => {}
            (false, false) => open.push(&tag.name),
            (true, true) => return Err(format!("end tag for void element </{}>", tag.name)),
            (true, false) => match open.pop() {
                Some(top) if top == tag.name => {}
                Some(top) => return Err(format!("</{}> closes <{top}>", tag.name)),
                None => return Err(format!("</{}> with nothing open", tag.name)),
            },
        }
    }
    match open.last() {
        Some(name) => Err(format!("<{name}> never closed")),
        None => Ok(()),
    }
}

/// Reads the tag whose `<` is at `start`; returns it and the offset just past its `>`.
fn tag_at(html: &str, start: usize) -> Result<(Tag, usize), String> {
    let bytes = html.as_bytes();
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == name_start {
        return Err(format!("a '<' at byte {start} that opens no tag"));
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => return Err(format!("<{name} at byte {start} never ends")),
            Some(b'>') => break,
            Some(b'/') if bytes.get(i + 1) == Some(&b'>') => {
                i += 1;
                break;
            }
            Some(_) if closing => return Err(format!("end tag </{name} with attributes")),
            Some(_) => {}
        }
        let attr_start = i;
        while i < bytes.len() && !b" \t\n\r\x0c=>/\"'".contains(&bytes[i]) {
            i += 1;
        }
        if i == attr_start {
            return Err(format!(
                "<{name}> at byte {start}: unexpected {:?}",
                bytes[i] as char
            ));
        }
        let attr = html[attr_start..i].to_ascii_lowercase();
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            if bytes.get(i) != Some(&b'"') {
                return Err(format!(
                    "<{name} {attr}=…> at byte {start}: value not double-quoted"
                ));
            }
            i += 1;
            let Some(len) = html[i..].find('"') else {
                return Err(format!(
                    "<{name} {attr}=…> at byte {start}: value never ends"
                ));
            };
            value = decode(&html[i..i + len]);
            i += len + 1;
        }
        attributes.push((attr, value));
    }
    let tag = Tag {
        name,
        closing,
        attributes,
    };
    Ok((tag, i + 1))
}

/// Decodes the character references a serialiser writes in attribute values (and numeric ones
/// of any kind); an unknown `&…;` is left as it is.
pub fn decode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| reference(&rest[1..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn reference(body: &str) -> Option<char> {
    let numeric = |digits: &str, radix| u32::from_str_radix(digits, radix).ok()?.try_into().ok();
    match body {
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "nbsp" => Some('\u{a0}'),
        _ => match body.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => numeric(&hex[1..], 16),
            Some(dec) => numeric(dec, 10),
            None => None,
        },
    }
}

/// The scheme of a URL as a browser would read it (leading spaces and controls dropped, tabs
/// and newlines anywhere ignored), lowercased; `None` for a relative URL.
pub fn url_scheme(url: &str) -> Option<String> {
    let squeezed: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = squeezed.find(':')?;
    let candidate = &squeezed[..colon];
    let mut chars = candidate.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    well_formed.then(|| candidate.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_attributes_and_nesting() {
        let html = r#"<p>a &lt;b&gt; <a href="https://x.org/?a=1&amp;b=&quot;2&quot;>" rel="nofollow">x</a><br><input type="checkbox" disabled=""></p>"#;
        let tags = tags(html).unwrap();
        let names: Vec<_> = tags.iter().map(|t| (t.name.as_str(), t.closing)).collect();
        assert_eq!(
            names,
            [
                ("p", false),
                ("a", false),
                ("a", true),
                ("br", false),
                ("input", false),
                ("p", true)
            ]
        );
        assert_eq!(
            tags[1].attribute("href"),
            Some(r#"https://x.org/?a=1&b="2">"#)
        );
        assert_eq!(tags[4].attribute("disabled"), Some(""));
        assert_eq!(check_nesting(&tags), Ok(()));
    }

    #[test]
    fn refuses_what_a_serialiser_never_writes() {
        assert!(tags("a < b").is_err());
        assert!(tags("<!-- x -->").is_err());
        assert!(tags("<a href=x>").is_err());
        assert!(tags(r#"<a href="x>"#).is_err());
        assert!(tags("<p").is_err());
        assert!(check_nesting(&tags("<p><em></p></em>").unwrap()).is_err());
        assert!(check_nesting(&tags("<p>").unwrap()).is_err());
        assert!(check_nesting(&tags("<br></br>").unwrap()).is_err());
    }

    #[test]
    fn finds_schemes_as_a_browser_would() {
        assert_eq!(url_scheme("https://x"), Some("https".into()));
        assert_eq!(
            url_scheme(" \u{1}JaVa\tScript:alert(1)"),
            Some("javascript".into())
        );
        assert_eq!(url_scheme("/path:with-colon"), None);
        assert_eq!(url_scheme("?q=javascript:x"), None);
        assert_eq!(decode("&#x6A;avascript&#58;"), "javascript:");
        assert_eq!(decode("&bogus; & &#xffffffff;"), "&bogus; & &#xffffffff;");
    }
}
