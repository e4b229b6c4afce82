//! Use cases of posts: reply, read one, edit with history, delete and restore.

use crate::error::Refused;
use tracing::instrument;

use crate::agora::Forum;
use crate::forum::screen::Destination;
use crate::forum::topics::{ForumError, Posted};
use crate::forum::{NewPost, Post, PostEdit, Revision, Tags, Topic};
use crate::groups::GroupView;
use crate::ids::{MemberId, PostId, TopicId};
use crate::items::{Action, Capabilities, Shown, decide, reads_redacted};
use crate::viewer::Viewer;

/// An edit as typed: the new body, and for an opening post optionally a new title and tags.
#[derive(Debug, Clone, Default)]
pub struct PostEditInput {
    pub body: Option<String>,
    pub title: Option<String>,
    pub tags: Option<Vec<String>>,
}

impl Forum<'_> {
    /// Replies to a topic; returns the reply and its topic as it was read before the reply
    /// (its slug and title for the way back, without reading it again).
    #[instrument(skip_all, fields(topic = %topic_id))]
    pub async fn reply(
        self,
        viewer: &Viewer,
        topic_id: TopicId,
        body: &str,
    ) -> Result<Posted<(Shown<Post>, Topic)>, ForumError> {
        let actor = self.guard(viewer, crate::guard::Needs::Unsilenced).await?;
        let (topic, group) = self.readable_topic(viewer, topic_id).await?;
        decide(viewer, group.access, &topic.facts(), Action::Reply)?;
        let screened = self
            .screen(
                actor,
                &group.group,
                None,
                body,
                Destination::Reply(topic.id),
            )
            .await?;
        self.guard(viewer, crate::guard::Needs::Posting).await?;
        self.posting_limit(viewer, actor).await?;
        let id = self
            .store
            .insert_post(&NewPost {
                topic_id: topic.id,
                author: actor.id,
                body_markdown: screened.body.as_str().to_owned(),
                body_html: screened.rendered.html,
                body_text: screened.rendered.text,
                at: self.now(),
                hold: screened.hold.clone(),
                mentions: screened.mentions,
            })
            .await?;
        metrics::counter!("agora_posts_total", "kind" => "reply", "held" => if screened.hold.is_some() { "true" } else { "false" }).increment(1);
        if screened.hold.is_some() {
            return Ok(Posted::Held {
                topic: topic.id,
                post: id,
            });
        }
        let post = self
            .store
            .post(id)
            .await?
            .ok_or(ForumError::Refused(Refused::NotFound))?;
        Ok(Posted::Published((
            shown(viewer, post, &topic, &group),
            topic,
        )))
    }

    /// One post as the viewer is shown it, with what they may do with it.
    pub async fn read_post(self, viewer: &Viewer, id: PostId) -> Result<Shown<Post>, ForumError> {
        let (post, topic, group) = self.post(viewer, id).await?;
        Ok(shown(viewer, post, &topic, &group))
    }

    /// One post, with its topic and group, if the viewer may read it.
    pub async fn post(
        self,
        viewer: &Viewer,
        id: PostId,
    ) -> Result<(Post, Topic, GroupView), ForumError> {
        let post = self
            .store
            .post(id)
            .await?
            .ok_or(ForumError::Refused(Refused::NotFound))?;
        let (topic, group) = self.readable_topic(viewer, post.topic_id).await?;
        decide(viewer, group.access, &post.facts(&topic), Action::Read)?;
        Ok((post, topic, group))
    }

    /// Edits a post (its author while the topic is open, or a moderator); the version it
    /// replaces is kept as a revision.
    #[instrument(skip_all, fields(post = %id))]
    pub async fn edit_post(
        self,
        viewer: &Viewer,
        id: PostId,
        input: PostEditInput,
    ) -> Result<Posted<Shown<Post>>, ForumError> {
        let actor = self.guard(viewer, crate::guard::Needs::Unsilenced).await?;
        let (post, topic, group) = self.post(viewer, id).await?;
        decide(viewer, group.access, &post.facts(&topic), Action::Edit)?;
        if post.number != 1 && (input.title.is_some() || input.tags.is_some()) {
            return Err(Invalid::new(
                "title",
                "not_an_opening_post",
                "Only a topic's opening post has a title and tags.",
            )
            .into());
        }
        let screened = self
            .screen(
                actor,
                &group.group,
                input.title.as_deref(),
                input.body.as_deref().unwrap_or(&post.body_markdown),
                Destination::Edit(topic.id),
            )
            .await?;
        let tags = input
            .tags
            .as_deref()
            .map(Tags::parse)
            .transpose()?
            .map(Tags::into_vec);
        let audit = if post.author.id == actor.id {
            Vec::new()
        } else {
            self.audit_entry(
                viewer,
                "post.edit",
                crate::audit::Target::post(post.id, &post.author.username),
                Some(group.group.id),
                String::new(),
            )
        };
        self.store
            .edit_post(
                &PostEdit {
                    post_id: post.id,
                    editor: actor.id,
                    body_markdown: screened.body.as_str().to_owned(),
                    body_html: screened.rendered.html,
                    body_text: screened.rendered.text,
                    title: screened.title.map(|t| (t.as_str().to_owned(), t.slug())),
                    tags,
                    at: self.now(),
                    hold: screened.hold.clone(),
                    mentions: screened.mentions,
                },
                &audit,
            )
            .await?;
        if screened.hold.is_some() {
            return Ok(Posted::Held {
                topic: topic.id,
                post: post.id,
            });
        }
        let post = self
            .store
            .post(id)
            .await?
            .ok_or(ForumError::Refused(Refused::NotFound))?;
        Ok(Posted::Published(shown(viewer, post, &topic, &group)))
    }
}

impl Forum<'_> {
    /// The earlier versions of a post, oldest first. What a moderator's edit of someone else's
    /// post replaced, and every version before it, is redacted: its text is withheld from all
    /// but the group's moderators and site staff (`items::reads_redacted`).
    pub async fn revisions(self, viewer: &Viewer, id: PostId) -> Result<Vec<Revision>, ForumError> {
        let (post, _, group) = self.post(viewer, id).await?;
        let revisions = self.store.revisions(post.id).await?;
        Ok(redact(
            revisions,
            post.author.id,
            reads_redacted(viewer, group.access),
        ))
    }

    /// Deletes a post (its author or a moderator); deleting an opening post deletes the
    /// topic. Moderators can restore it.
    pub async fn delete_post(self, viewer: &Viewer, id: PostId) -> Result<(), ForumError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let (post, topic, group) = self.post(viewer, id).await?;
        decide(viewer, group.access, &post.facts(&topic), Action::Delete)?;
        if post.deleted {
            return Ok(());
        }
        let audit = if post.author.id == actor.id {
            Vec::new()
        } else {
            self.audit_entry(
                viewer,
                "post.delete",
                crate::audit::Target::post(post.id, &post.author.username),
                Some(group.group.id),
                String::new(),
            )
        };
        self.store
            .set_post_deleted(post.id, true, Some(actor.id), self.now(), &audit)
            .await?;
        Ok(())
    }

    /// Restores a deleted post (moderators).
    pub async fn restore_post(
        self,
        viewer: &Viewer,
        id: PostId,
    ) -> Result<Shown<Post>, ForumError> {
        let actor = self.guard(viewer, crate::guard::Needs::Active).await?;
        let (post, topic, group) = self.post(viewer, id).await?;
        decide(viewer, group.access, &post.facts(&topic), Action::Restore)?;
        let audit = self.audit_entry(
            viewer,
            "post.restore",
            crate::audit::Target::post(post.id, &post.author.username),
            Some(group.group.id),
            String::new(),
        );
        self.store
            .set_post_deleted(post.id, false, Some(actor.id), self.now(), &audit)
            .await?;
        let post = self
            .store
            .post(id)
            .await?
            .ok_or(ForumError::Refused(Refused::NotFound))?;
        Ok(shown(viewer, post, &topic, &group))
    }
}

use crate::error::Invalid;

/// Marks the versions a moderator's edit of `author`'s post replaced, and those before them
/// (an earlier version may hold the same words), as redacted; withholds their text unless
/// `may_read` them. A version replaced by an editor who is not the author (or whose account is
/// gone) counts as a moderator's edit.
fn redact(mut revisions: Vec<Revision>, author: MemberId, may_read: bool) -> Vec<Revision> {
    let last_redacting = revisions
        .iter()
        .filter(|r| r.editor.id != author)
        .map(|r| r.number)
        .max();
    let Some(last) = last_redacting else {
        return revisions;
    };
    for r in revisions.iter_mut().filter(|r| r.number <= last) {
        r.redacted = true;
        if !may_read {
            r.withheld = true;
            r.title = None;
            r.body_markdown.clear();
        }
    }
    revisions
}

/// A post with the viewer's capabilities on it.
fn shown(viewer: &Viewer, post: Post, topic: &Topic, group: &GroupView) -> Shown<Post> {
    let can = Capabilities::of(viewer, group.access, &post.facts(topic));
    Shown { item: post, can }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::Author;
    use crate::time::Timestamp;

    fn version(number: i64, editor: i64) -> Revision {
        Revision {
            number,
            title: Some(format!("Title {number}")),
            body_markdown: format!("Body {number}"),
            editor: Author {
                id: MemberId(editor),
                username: format!("m{editor}"),
                display_name: format!("M{editor}"),
            },
            replaced_at: Timestamp(number),
            redacted: false,
            withheld: false,
        }
    }

    #[test]
    fn a_moderators_edit_redacts_what_it_replaced_and_everything_before() {
        // Author 1 edits twice, a moderator (2) edits, the author edits again.
        let history = vec![version(1, 1), version(2, 1), version(3, 2), version(4, 1)];
        let seen = redact(history.clone(), MemberId(1), false);
        let shown: Vec<(i64, bool, bool, &str)> = seen
            .iter()
            .map(|r| (r.number, r.redacted, r.withheld, r.body_markdown.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (1, true, true, ""),
                (2, true, true, ""),
                (3, true, true, ""),
                (4, false, false, "Body 4"),
            ]
        );
        assert!(seen[..3].iter().all(|r| r.title.is_none()));

        let moderator = redact(history.clone(), MemberId(1), true);
        assert!(moderator[..3].iter().all(|r| r.redacted && !r.withheld));
        assert_eq!(moderator[2].body_markdown, "Body 3");

        let own_edits = vec![version(1, 1), version(2, 1)];
        assert_eq!(redact(own_edits.clone(), MemberId(1), false), own_edits);
    }
}
