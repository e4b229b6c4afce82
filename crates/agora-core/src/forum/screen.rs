//! What every new or edited post passes before it is saved: the word filters, the limits on
//! newcomers (links, images, mentions, posts a day) and on everyone's mentions, a first spam
//! check, and the optional approval of new members' first posts. A post may be refused with a polite error, saved as
//! it is, or saved hidden and queued for the moderators ("held").

use crate::agora::Forum;
use crate::audience::AudienceRef;
use crate::content::markdown::Rendered;
use crate::content::media::Copies;
use crate::error::Invalid;
use crate::filters::{Verdict, apply};
use crate::forum::{ForumError, Hold, PostBody, TopicTitle};
use crate::groups::{Group, Visibility};
use crate::ids::{MemberId, TopicId};
use crate::time::Timestamp;
use crate::trust::{Knob, TrustLevel, TrustSettings};
use crate::viewer::{Actor, Viewer};

/// A post that passed: its title (for an opening post) and body after replacements, the body
/// rendered, whether it is to be held, and the members it mentions who may read it.
#[derive(Debug, Clone)]
pub(crate) struct Screened {
    pub title: Option<TopicTitle>,
    pub body: PostBody,
    pub rendered: Rendered,
    pub hold: Option<Hold>,
    pub mentions: Vec<MemberId>,
}

/// Where a post goes: a new topic, a reply in a topic, or an edit of a post in a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destination {
    NewTopic,
    Reply(TopicId),
    Edit(TopicId),
}

impl Forum<'_> {
    /// Screens a post by `actor` for `group` (see the module's documentation).
    pub(crate) async fn screen(
        self,
        actor: &Actor,
        group: &Group,
        title: Option<&str>,
        body: &str,
        destination: Destination,
    ) -> Result<Screened, ForumError> {
        if let Some(t) = title {
            TopicTitle::parse(t)?;
        }
        PostBody::parse(body)?;
        let settings = self.site().site_settings().await?;
        let mut hold = None;
        let mut run = |field: &'static str, text: &str| -> Result<String, ForumError> {
            match apply(&settings.word_filters, text) {
                Verdict::Block(word) => Err(Invalid::new(
                    field,
                    "blocked_word",
                    format!("This community does not allow the word \u{201c}{word}\u{201d}. Please rephrase."),
                )
                .into()),
                Verdict::Hold(text, word) => {
                    hold = Some(Hold {
                        reason: "other",
                        note: format!("held by the word filter: {word}"),
                    });
                    Ok(text)
                }
                Verdict::Pass(text) => Ok(text),
            }
        };
        let title = title.map(|t| run("title", t)).transpose()?;
        let body = run("body", body)?;
        let title = title.as_deref().map(TopicTitle::parse).transpose()?;
        let body = PostBody::parse(&body)?;
        let rendered = self.render_new(body.as_str(), "body").await?;
        let trust = &settings.trust;
        if actor.trust == TrustLevel::New {
            newcomer_limits(trust, &rendered)?;
        }
        let mentions = self
            .mentions(actor, group, &rendered.mentioned, trust)
            .await?;
        if hold.is_none() {
            hold = self
                .spam_check(actor, trust, body.as_str(), &rendered, destination)
                .await?;
        }
        let is_new = !matches!(destination, Destination::Edit(_));
        if hold.is_none()
            && is_new
            && actor.trust == TrustLevel::New
            && trust[Knob::NewPostsHeld] > 0
        {
            let since = Timestamp(0);
            let written = self.store.trust_stats(actor.id, since).await?.posts_written;
            if written < trust[Knob::NewPostsHeld] {
                hold = Some(Hold {
                    reason: "other",
                    note: "a new member's first posts wait for approval".into(),
                });
            }
        }
        // Past every check that could refuse it: now the remote images are copied.
        let copies = if group.visibility == Visibility::Public {
            Copies::Public
        } else {
            Copies::For(AudienceRef::group(group.id))
        };
        let (rendered, _) = self
            .with_links(body.as_str(), rendered, &copies, mentions.members)
            .await?;
        Ok(Screened {
            title,
            body,
            rendered,
            hold,
            mentions: mentions.readers,
        })
    }

    /// The first spam check: posts mostly made of links, the same text posted again in
    /// another topic, and links from brand-new accounts are held. Leaders and staff pass.
    async fn spam_check(
        self,
        actor: &Actor,
        trust: &TrustSettings,
        body: &str,
        rendered: &Rendered,
        destination: Destination,
    ) -> Result<Option<Hold>, ForumError> {
        if actor.trust >= TrustLevel::Leader {
            return Ok(None);
        }
        let hold = |note: String| {
            Ok(Some(Hold {
                reason: "spam",
                note,
            }))
        };
        let percent = trust[Knob::SpamLinkPercent];
        let words = rendered.words().max(1) as i64;
        let links = rendered.links as i64;
        if percent > 0 && links >= 3 && links * 100 > percent * words {
            return hold(format!(
                "held by the spam check: {links} links in {words} words"
            ));
        }
        let new_hours = trust[Knob::SpamNewAccountHours];
        if new_hours > 0 && actor.trust == TrustLevel::New && links > 0 {
            let joined = self
                .store
                .member_by_id(actor.id)
                .await?
                .map(|m| m.created_at);
            if joined.is_some_and(|at| at > self.now().plus_seconds(-new_hours * 3_600)) {
                return hold(format!(
                    "held by the spam check: links from an account younger than {new_hours} hours"
                ));
            }
        }
        let repeat_hours = trust[Knob::SpamRepeatHours];
        let text = normalised(body);
        if repeat_hours > 0 && actor.trust < TrustLevel::Regular && text.chars().count() >= 20 {
            let since = self.now().plus_seconds(-repeat_hours * 3_600);
            let recent = self.store.recent_bodies(actor.id, since, 50).await?;
            let elsewhere = |topic: TopicId| match destination {
                Destination::NewTopic => true,
                Destination::Reply(t) | Destination::Edit(t) => t != topic,
            };
            if recent
                .iter()
                .any(|(topic, earlier)| elsewhere(*topic) && normalised(earlier) == text)
            {
                return hold(
                    "held by the spam check: the same text was posted in another topic".into(),
                );
            }
        }
        Ok(None)
    }

    /// Counts one more post by the viewer: more than the configured number a minute is 429,
    /// from one member or (six times as many, for offices behind one address) from one network
    /// address (counted on this node); so is more than the newcomers' daily number for a new
    /// member (counted in the database).
    pub(crate) async fn posting_limit(
        self,
        viewer: &Viewer,
        actor: &Actor,
    ) -> Result<(), ForumError> {
        let per_minute = self.config.posts_per_minute;
        let limits = [
            (format!("post:{}", actor.id.0), per_minute),
            (
                crate::rate::per_address("post-client", viewer.client()),
                per_minute * 6,
            ),
        ];
        for (key, allowed) in limits {
            if let Some(retry_after_secs) = self.over_limit_here(&key, allowed, 60) {
                return Err(ForumError::RateLimited { retry_after_secs });
            }
        }
        if actor.trust == TrustLevel::New {
            let per_day = self.trust().trust_settings().await?[Knob::NewPostsPerDay];
            let key = format!("post_day:{}", actor.id.0);
            if let Some(retry_after_secs) = self.over_limit(&key, per_day, 86_400).await? {
                return Err(ForumError::NewcomerDailyLimit {
                    per_day,
                    retry_after_secs,
                });
            }
        }
        Ok(())
    }
}

/// Refuses what newcomers may not post yet, saying what to change (mentions count members,
/// which only the store knows: `mentions::limit`).
fn newcomer_limits(trust: &TrustSettings, rendered: &Rendered) -> Result<(), Invalid> {
    let limits = [
        (rendered.links, Knob::NewMaxLinks, "too_many_links", "links"),
        (
            rendered.images,
            Knob::NewMaxImages,
            "too_many_images",
            "images",
        ),
    ];
    for (count, knob, code, what) in limits {
        let max = trust[knob];
        if count as i64 > max {
            return Err(Invalid::new(
                "body",
                code,
                format!(
                    "New members may include at most {max} {what} in a post (this one has {count}). \
                     Remove some, or take part a little longer: the limit lifts as you read and join in."
                ),
            ));
        }
    }
    Ok(())
}

/// Text compared for repeats: lowercase words with single spaces.
fn normalised(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown;

    #[test]
    fn newcomers_get_a_polite_error_naming_the_limit() {
        let trust = TrustSettings::default();
        let ok = markdown::render("See https://a.example and https://b.example");
        assert!(newcomer_limits(&trust, &ok).is_ok());
        let links = markdown::render("https://a.example https://b.example https://c.example");
        let e = newcomer_limits(&trust, &links).err();
        assert_eq!(e.as_ref().map(|e| e.code), Some("too_many_links"));
        assert!(e.is_some_and(|e| e.message.contains("at most 2 links")));
        let pics = markdown::render("![a](https://a.example/a.png) ![b](https://a.example/b.png)");
        assert_eq!(
            newcomer_limits(&trust, &pics).err().map(|e| e.code),
            Some("too_many_images")
        );
    }

    #[test]
    fn repeats_compare_words_not_spacing_or_case() {
        assert_eq!(
            normalised("Buy  CHEAP\nbikes"),
            normalised("buy cheap bikes")
        );
    }
}
