//! Use cases of posts: reply, read one, edit with history, delete and restore.

use tracing::instrument;

use crate::agora::Agora;
use crate::content::markdown;
use crate::forum::topics::ForumError;
use crate::forum::{NewPost, Post, PostBody, PostEdit, Revision, Tags, Topic, TopicTitle};
use crate::groups::GroupView;
use crate::groups::policy::Access;
use crate::ids::{PostId, TopicId};
use crate::time::Timestamp;
use crate::viewer::Viewer;

/// An edit as typed: the new body, and for an opening post optionally a new title and tags.
#[derive(Debug, Clone, Default)]
pub struct PostEditInput {
    pub body: Option<String>,
    pub title: Option<String>,
    pub tags: Option<Vec<String>>,
}

impl Agora {
    /// Replies to a topic.
    #[instrument(skip_all, fields(topic = %topic_id))]
    pub async fn reply(
        &self,
        viewer: &Viewer,
        topic_id: TopicId,
        body: &str,
    ) -> Result<Post, ForumError> {
        let actor = viewer.actor().ok_or(ForumError::SignInRequired)?;
        if let Some(code) = crate::sanctions::restriction_code(viewer, true) {
            return Err(ForumError::Forbidden(code));
        }
        let (topic, group) = self.readable_topic(viewer, topic_id).await?;
        if group.access < Access::Participate {
            return Err(ForumError::Forbidden("join_required"));
        }
        if topic.locked && group.access < Access::Moderate {
            return Err(ForumError::Locked);
        }
        if !actor.verified {
            return Err(ForumError::Forbidden("email_unverified"));
        }
        PostBody::parse(body)?;
        let (_, screened, held) = self.screen(None, body).await?;
        let body = PostBody::parse(&screened)?;
        self.require_current_documents(viewer).await?;
        self.posting_limit(actor.id).await?;
        let rendered = markdown::render(body.as_str());
        let id = self
            .store
            .insert_post(&NewPost {
                topic_id: topic.id,
                author: actor.id,
                body_markdown: body.as_str().to_owned(),
                body_html: rendered.html,
                body_text: rendered.text,
                at: Timestamp::now(),
            })
            .await?;
        if let Some(word) = held {
            self.hold_post(viewer, id, &word).await?;
            return Err(ForumError::Held);
        }
        self.store.post(id).await?.ok_or(ForumError::NotFound)
    }

    /// One post, with its topic and group, if the viewer may read it.
    pub async fn post(
        &self,
        viewer: &Viewer,
        id: PostId,
    ) -> Result<(Post, Topic, GroupView), ForumError> {
        let post = self.store.post(id).await?.ok_or(ForumError::NotFound)?;
        let (topic, group) = self.readable_topic(viewer, post.topic_id).await?;
        if post.deleted && group.access < Access::Moderate {
            return Err(ForumError::NotFound);
        }
        Ok((post, topic, group))
    }

    /// Edits a post (its author while the topic is open, or a moderator); the version it
    /// replaces is kept as a revision.
    #[instrument(skip_all, fields(post = %id))]
    pub async fn edit_post(
        &self,
        viewer: &Viewer,
        id: PostId,
        input: PostEditInput,
    ) -> Result<Post, ForumError> {
        let actor = viewer.actor().ok_or(ForumError::SignInRequired)?;
        if let Some(code) = crate::sanctions::restriction_code(viewer, true) {
            return Err(ForumError::Forbidden(code));
        }
        let (post, topic, group) = self.post(viewer, id).await?;
        let moderator = group.access >= Access::Moderate;
        let author = post.author.id == actor.id && group.access >= Access::Participate;
        if !moderator && !author {
            return Err(ForumError::Forbidden("author_only"));
        }
        if topic.locked && !moderator {
            return Err(ForumError::Locked);
        }
        if !actor.verified {
            return Err(ForumError::Forbidden("email_unverified"));
        }
        if post.number != 1 && (input.title.is_some() || input.tags.is_some()) {
            return Err(Invalid::new(
                "title",
                "not_an_opening_post",
                "Only a topic's opening post has a title and tags.",
            )
            .into());
        }
        PostBody::parse(input.body.as_deref().unwrap_or(&post.body_markdown))?;
        let (screened_title, screened_body, held) = self
            .screen(
                input.title.as_deref(),
                input.body.as_deref().unwrap_or(&post.body_markdown),
            )
            .await?;
        let body = PostBody::parse(&screened_body)?;
        let title = screened_title
            .as_deref()
            .map(TopicTitle::parse)
            .transpose()?
            .map(|t| (t.as_str().to_owned(), t.slug()));
        let tags = input
            .tags
            .as_deref()
            .map(Tags::parse)
            .transpose()?
            .map(Tags::into_vec);
        let rendered = markdown::render(body.as_str());
        self.store
            .edit_post(&PostEdit {
                post_id: post.id,
                editor: actor.id,
                body_markdown: body.as_str().to_owned(),
                body_html: rendered.html,
                body_text: rendered.text,
                title,
                tags,
                at: Timestamp::now(),
            })
            .await?;
        if post.author.id != actor.id {
            let target = format!("post:{} by {}", post.id, post.author.username);
            self.audit(
                viewer,
                "post.edit",
                target,
                Some(group.group.id),
                String::new(),
            )
            .await;
        }
        if let Some(word) = held {
            self.hold_post(viewer, id, &word).await?;
            return Err(ForumError::Held);
        }
        self.store.post(id).await?.ok_or(ForumError::NotFound)
    }

    /// Runs the word filters over a title and body: a blocked word refuses the post, a held
    /// one returns the word (the post is then hidden for a moderator), replacements apply.
    pub(crate) async fn screen(
        &self,
        title: Option<&str>,
        body: &str,
    ) -> Result<(Option<String>, String, Option<String>), ForumError> {
        use crate::filters::{Verdict, apply};
        let rules = self.site_settings().await?.word_filters;
        if rules.is_empty() {
            return Ok((title.map(str::to_owned), body.to_owned(), None));
        }
        let mut held = None;
        let mut run = |field: &'static str, text: &str| -> Result<String, ForumError> {
            match apply(&rules, text) {
                Verdict::Block(word) => Err(Invalid::new(
                    field,
                    "blocked_word",
                    format!("This community does not allow the word \u{201c}{word}\u{201d}. Please rephrase."),
                )
                .into()),
                Verdict::Hold(text, word) => {
                    held = Some(word);
                    Ok(text)
                }
                Verdict::Pass(text) => Ok(text),
            }
        };
        let title = title.map(|t| run("title", t)).transpose()?;
        let body = run("body", body)?;
        Ok((title, body, held))
    }

    /// Hides a post a word filter held, queues it for the moderators and logs it.
    pub(crate) async fn hold_post(
        &self,
        viewer: &Viewer,
        post: PostId,
        word: &str,
    ) -> Result<(), ForumError> {
        let actor = viewer.actor().ok_or(ForumError::SignInRequired)?;
        let now = Timestamp::now();
        let note = format!("held by the word filter: {word}");
        self.store
            .insert_flag(post, actor.id, "other", &note, now)
            .await?;
        self.store
            .set_post_deleted(post, true, actor.id, now)
            .await?;
        self.audit(viewer, "post.held", format!("post:{post}"), None, note)
            .await;
        Ok(())
    }

    /// Refuses to post until the viewer has accepted the current documents.
    pub(crate) async fn require_current_documents(
        &self,
        viewer: &Viewer,
    ) -> Result<(), ForumError> {
        if self.pending_documents(viewer).await?.is_empty() {
            Ok(())
        } else {
            Err(ForumError::Forbidden("documents_not_accepted"))
        }
    }

    /// Counts one more post by `member`; more than the configured number a minute is 429.
    pub(crate) async fn posting_limit(
        &self,
        member: crate::ids::MemberId,
    ) -> Result<(), ForumError> {
        let key = format!("post:{}", member.0);
        match self
            .over_limit(&key, self.config.posts_per_minute, 60)
            .await?
        {
            Some(retry_after_secs) => Err(ForumError::RateLimited { retry_after_secs }),
            None => Ok(()),
        }
    }

    /// The earlier versions of a post, oldest first.
    pub async fn revisions(
        &self,
        viewer: &Viewer,
        id: PostId,
    ) -> Result<Vec<Revision>, ForumError> {
        let (post, _, _) = self.post(viewer, id).await?;
        Ok(self.store.revisions(post.id).await?)
    }

    /// Deletes a post (its author or a moderator); deleting an opening post deletes the
    /// topic. Moderators can restore it.
    pub async fn delete_post(&self, viewer: &Viewer, id: PostId) -> Result<(), ForumError> {
        let actor = viewer.actor().ok_or(ForumError::SignInRequired)?;
        if let Some(code) = crate::sanctions::restriction_code(viewer, false) {
            return Err(ForumError::Forbidden(code));
        }
        let (post, _, group) = self.post(viewer, id).await?;
        let moderator = group.access >= Access::Moderate;
        if post.author.id != actor.id && !moderator {
            return Err(ForumError::Forbidden("author_only"));
        }
        if post.deleted {
            return Ok(());
        }
        self.store
            .set_post_deleted(post.id, true, actor.id, Timestamp::now())
            .await?;
        if post.author.id != actor.id {
            let target = format!("post:{} by {}", post.id, post.author.username);
            self.audit(
                viewer,
                "post.delete",
                target,
                Some(group.group.id),
                String::new(),
            )
            .await;
        }
        Ok(())
    }

    /// Restores a deleted post (moderators).
    pub async fn restore_post(&self, viewer: &Viewer, id: PostId) -> Result<Post, ForumError> {
        let actor = viewer.actor().ok_or(ForumError::SignInRequired)?;
        if let Some(code) = crate::sanctions::restriction_code(viewer, false) {
            return Err(ForumError::Forbidden(code));
        }
        let (post, _, group) = self.post(viewer, id).await?;
        if group.access < Access::Moderate {
            return Err(ForumError::Forbidden("moderators_only"));
        }
        self.store
            .set_post_deleted(post.id, false, actor.id, Timestamp::now())
            .await?;
        let target = format!("post:{} by {}", post.id, post.author.username);
        self.audit(
            viewer,
            "post.restore",
            target,
            Some(group.group.id),
            String::new(),
        )
        .await;
        self.store.post(id).await?.ok_or(ForumError::NotFound)
    }
}

use crate::error::Invalid;
