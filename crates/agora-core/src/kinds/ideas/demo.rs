//! A demo idea's own part: who voted for it (`votes`), the status staff moved it to with their
//! note (`status`, `status_note`) and, for a duplicate, the idea of its group it was merged
//! into (`merged_into`, by its place in the group), written through the ideas' store as the
//! use cases would, with the staff's audit entries.

use serde::Deserialize;

use super::{IdeaChange, MERGED, VoteChange};
use crate::kinds::{DemoContext, DemoTopic};

#[derive(Deserialize)]
struct Fields {
    #[serde(default)]
    votes: Vec<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    status_note: Option<String>,
    #[serde(default)]
    merged_into: Option<usize>,
}

pub(super) async fn load(demo: DemoContext<'_>, t: DemoTopic<'_>) -> Result<usize, String> {
    let fields: Fields = t.fields()?;
    let failed = |e: crate::error::StoreError| e.to_string();
    for (n, name) in fields.votes.iter().enumerate() {
        let hours = i64::try_from(n).unwrap_or(0) * 7 + 1;
        demo.store
            .vote(&VoteChange {
                topic: t.topic,
                member: demo.member(name)?,
                at: t.opened.plus_seconds(hours * 3_600).min(demo.now),
                budget: None,
                closed: Vec::new(),
                events: Vec::new(),
            })
            .await
            .map_err(failed)?;
    }
    if let Some(status) = &fields.status {
        // Half way between its opening and now.
        let at = t
            .opened
            .plus_seconds((demo.now.0 - t.opened.0) / 2)
            .min(demo.now);
        demo.store
            .set_idea_status(&IdeaChange {
                topic: t.topic,
                to: status.clone(),
                note: fields.status_note.clone().unwrap_or_default(),
                by: t.staff.0,
                at,
                audit: vec![t.staff_entry(at, "idea.status", status.clone())],
                events: Vec::new(),
            })
            .await
            .map_err(failed)?;
    }
    if let Some(index) = fields.merged_into {
        let original = *t
            .siblings
            .get(index)
            .ok_or_else(|| format!("demo topic {:?}: no topic {index}", t.title))?;
        let at = demo.now.plus_seconds(-86_400);
        demo.store
            .merge_idea(
                &IdeaChange {
                    topic: t.topic,
                    to: MERGED.into(),
                    note: format!("Merged into topic:{original}"),
                    by: t.staff.0,
                    at,
                    audit: vec![t.staff_entry(at, "idea.merge", format!("into topic:{original}"))],
                    events: Vec::new(),
                },
                original,
            )
            .await
            .map_err(failed)?;
    }
    Ok(fields.votes.len())
}
