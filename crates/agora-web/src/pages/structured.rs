//! Structured data for search engines (schema.org in JSON-LD) on a public topic's first
//! page: a question is a `QAPage` with its accepted answer and the other answers shown, every
//! other topic a `DiscussionForumPosting` with its replies as comments. Only what a guest reads
//! is described: a closed or secret group's topic, a deleted or held post, carry none.

use serde_json::{Value, json};

use agora_core::forum::{Post, TopicView};
use agora_core::groups::Visibility;

/// The JSON-LD of a topic page, ready to sit inside `<script type="application/ld+json">`
/// (`<`, `>` and `&` escaped, so no text can close the element), or empty.
pub fn topic_json_ld(
    public_url: &str,
    view: &TopicView,
    number: i64,
    accepted: Option<&Post>,
) -> String {
    let t = &view.topic;
    if number != 1 || t.deleted || view.group.group.visibility != Visibility::Public {
        return String::new();
    }
    let shown: Vec<&Post> = view
        .posts
        .iter()
        .filter(|s| s.can.read && !s.item.deleted)
        .map(|s| &s.item)
        .collect();
    let Some(opening) = shown.iter().find(|p| p.number == 1) else {
        return String::new();
    };
    let url = format!("{public_url}/t/{}/{}", t.id.0, t.slug);
    let person = |p: &Post| {
        json!({
            "@type": "Person",
            "name": p.author.display_name,
            "url": format!("{public_url}/u/{}", p.author.username),
        })
    };
    let post_url = |p: &Post| format!("{url}?page={}#post-{}", (p.number - 1) / 20 + 1, p.number);
    let replies = shown.iter().filter(|p| p.number > 1);
    let data = if agora_core::kinds::is_answered(t.kind) {
        let answer = |p: &Post| {
            json!({
                "@type": "Answer",
                "text": text(&p.body_html),
                "dateCreated": p.created_at.to_rfc3339(),
                "url": post_url(p),
                "author": person(p),
            })
        };
        let accepted = accepted.filter(|a| !a.deleted && a.topic_id == t.id);
        let mut question = json!({
            "@type": "Question",
            "name": t.title,
            "text": text(&opening.body_html),
            "dateCreated": t.created_at.to_rfc3339(),
            "author": person(opening),
            "answerCount": t.reply_count,
            "url": url,
        });
        if let Some(a) = accepted {
            question["acceptedAnswer"] = answer(a);
        }
        let suggested: Vec<Value> = replies
            .filter(|p| accepted.is_none_or(|a| a.id != p.id))
            .map(|p| answer(p))
            .collect();
        if !suggested.is_empty() {
            question["suggestedAnswer"] = Value::Array(suggested);
        }
        json!({
            "@context": "https://schema.org",
            "@type": "QAPage",
            "mainEntity": question,
        })
    } else {
        let comments: Vec<Value> = replies
            .map(|p| {
                json!({
                    "@type": "Comment",
                    "text": text(&p.body_html),
                    "datePublished": p.created_at.to_rfc3339(),
                    "url": post_url(p),
                    "author": person(p),
                })
            })
            .collect();
        json!({
            "@context": "https://schema.org",
            "@type": "DiscussionForumPosting",
            "headline": t.title,
            "text": text(&opening.body_html),
            "datePublished": t.created_at.to_rfc3339(),
            "url": url,
            "author": person(opening),
            "interactionStatistic": {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/CommentAction",
                "userInteractionCount": t.reply_count,
            },
            "comment": comments,
        })
    };
    data.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The text of sanitised HTML (tags dropped, entities decoded), runs of white space made one.
fn text(html: &str) -> String {
    crate::pages::topics::strip_tags(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_drops_tags_and_decodes_entities_once() {
        assert_eq!(
            text("<p>Fish &amp; chips &lt;b&gt; &amp;lt;</p>\n<p>two</p>"),
            "Fish & chips <b> &lt; two"
        );
    }
}
