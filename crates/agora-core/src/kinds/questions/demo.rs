//! A demo question's own part: the replies its asker accepted (`accepted`, by index among the
//! replies, the first the best), written through the questions' store as accepting would.

use serde::Deserialize;

use super::Acceptance;
use crate::kinds::{DemoContext, DemoTopic};

#[derive(Deserialize)]
struct Fields {
    #[serde(default)]
    accepted: Vec<usize>,
}

pub(super) async fn load(demo: DemoContext<'_>, t: DemoTopic<'_>) -> Result<usize, String> {
    let fields: Fields = t.fields()?;
    for (n, &index) in fields.accepted.iter().enumerate() {
        let &(post, answered) = t
            .replies
            .get(index)
            .ok_or_else(|| format!("demo topic {:?}: no reply {index} to accept", t.title))?;
        demo.store
            .accept_answer(&Acceptance {
                topic: t.topic,
                post,
                best: n == 0,
                by: t.author,
                at: answered.plus_seconds(3_600).min(demo.now),
                audit: Vec::new(),
                events: Vec::new(),
            })
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(fields.accepted.len())
}
