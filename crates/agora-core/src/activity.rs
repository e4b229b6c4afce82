//! Use cases that read across groups: the latest activity, popular groups, a member's posts,
//! and the admin's lists. Each draws only from the groups the viewer's scope admits.

use crate::agora::Site;
use crate::audience::audience_scope;
use crate::error::StoreError;
use crate::error::{Invalid, Refused};
use crate::forum::{LatestFilter, PostInTopic, Tags, TopicInGroup, TopicSort};
use crate::groups::GroupView;
use crate::groups::policy::{Need, scope};
use crate::ids::PostId;
use crate::members::Member;
use crate::paging::{Cursor, Page};
use crate::site::SiteSettings;
use crate::viewer::{SiteRole, Viewer};

impl Site<'_> {
    /// The most recently active topics the viewer may read.
    pub async fn latest_activity(
        self,
        viewer: &Viewer,
        limit: u32,
    ) -> Result<Vec<TopicInGroup>, StoreError> {
        self.store
            .latest_topics(
                &audience_scope(viewer, Need::Read),
                &LatestFilter::default(),
                limit,
            )
            .await
    }

    /// One page of the site-wide latest list (`/latest`, or a tag's list): the topics the
    /// viewer may read in `sort` order (latest activity, top over a period, or unanswered),
    /// and the cursor of the next page. A tag that cannot be one is `Invalid` (field `tag`),
    /// as is the order by replies (field `sort`), which only a group's list has.
    pub async fn latest(
        self,
        viewer: &Viewer,
        tag: Option<&str>,
        sort: TopicSort,
        before: Option<Cursor>,
        limit: u32,
    ) -> Result<(Vec<TopicInGroup>, Option<Cursor>), Refused> {
        let tag = match tag {
            Some(raw) => {
                let tags = Tags::parse(&[raw.to_owned()]).map_err(|mut e| {
                    e.field = "tag";
                    e
                })?;
                tags.into_vec().into_iter().next()
            }
            None => None,
        };
        let scope = audience_scope(viewer, Need::Read);
        let filter = LatestFilter { tag, before, sort };
        let rows = match sort {
            TopicSort::Replies => {
                return Err(Invalid::new(
                    "sort",
                    "invalid_choice",
                    "Sort the latest list by latest, top or unanswered.",
                )
                .into());
            }
            TopicSort::Top(period) => {
                let since = period.since(self.now());
                self.store
                    .top_latest(&scope, since, &filter, limit + 1)
                    .await?
            }
            TopicSort::Latest | TopicSort::Unanswered => self
                .store
                .latest_topics(&scope, &filter, limit + 1)
                .await?
                .into_iter()
                .map(|t| {
                    let key = sort.key(&t.topic);
                    (t, key)
                })
                .collect(),
        };
        let page = Page::from_overfetch(rows, limit, |(t, key)| Cursor {
            key: *key,
            id: t.topic.id.0,
        });
        Ok((page.items.into_iter().map(|(t, _)| t).collect(), page.next))
    }

    /// The tags of the topics the viewer may read, most used first, with their counts (a
    /// secret group's topics count only for its members).
    pub async fn tags(self, viewer: &Viewer, limit: u32) -> Result<Vec<(String, i64)>, StoreError> {
        self.store
            .tag_counts(&audience_scope(viewer, Need::Read), limit)
            .await
    }

    /// The groups the landing page features: those the admins chose, else the most popular;
    /// either way only groups the viewer may see.
    pub async fn featured_groups(
        self,
        viewer: &Viewer,
        limit: u32,
    ) -> Result<Vec<GroupView>, Refused> {
        let chosen = self.site_settings().await?.featured_groups;
        if chosen.is_empty() {
            return self.popular_groups(viewer, limit).await;
        }
        self.visible_groups(viewer, chosen.iter().take(limit as usize))
            .await
    }

    /// The settings as `viewer` may read them: the featured groups are those of the admins'
    /// choice the visibility policy lets the viewer see (a slug stored before its group became
    /// secret, or before a secret group took it, never reaches anyone outside the group).
    /// Admins read the list as they stored it.
    pub async fn settings_for(self, viewer: &Viewer) -> Result<SiteSettings, Refused> {
        let mut settings = self.site_settings().await?;
        if !crate::audience::holds(viewer, crate::audience::Duty::RunSite) {
            let chosen = std::mem::take(&mut settings.featured_groups);
            settings.featured_groups = self
                .visible_groups(viewer, chosen.iter())
                .await?
                .into_iter()
                .map(|g| g.group.slug)
                .collect();
        }
        Ok(settings)
    }

    /// The groups named by `slugs` that the viewer may see, in that order.
    async fn visible_groups(
        self,
        viewer: &Viewer,
        slugs: impl Iterator<Item = &String>,
    ) -> Result<Vec<GroupView>, Refused> {
        let mut out = Vec::new();
        for slug in slugs {
            match self.groups().group(viewer, slug).await {
                Ok(view) => out.push(view),
                Err(crate::groups::GroupError::Refused(Refused::NotFound)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(out)
    }

    /// How many members the community has, counted at most every ten seconds on this node.
    pub async fn member_count(self) -> Result<i64, StoreError> {
        const TTL: std::time::Duration = std::time::Duration::from_secs(10);
        if let Ok(guard) = self.member_count_cache.read()
            && let Some((at, n)) = *guard
            && at.elapsed() < TTL
        {
            return Ok(n);
        }
        let n = self.store.count_members().await?;
        if let Ok(mut guard) = self.member_count_cache.write() {
            *guard = Some((std::time::Instant::now(), n));
        }
        Ok(n)
    }

    /// How many groups the viewer may see.
    pub async fn count_groups(self, viewer: &Viewer) -> Result<i64, StoreError> {
        self.store.count_groups(&scope(viewer, Need::Listed)).await
    }

    /// Groups the viewer may see, most members first.
    pub async fn popular_groups(
        self,
        viewer: &Viewer,
        limit: u32,
    ) -> Result<Vec<GroupView>, Refused> {
        let rows = self
            .store
            .popular_groups(&scope(viewer, Need::Listed), limit)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(g, r)| crate::groups::directory_visible(viewer, g, r).ok())
            .collect())
    }

    /// A member's posts that the viewer may read, newest first.
    pub async fn member_posts(
        self,
        viewer: &Viewer,
        username: &str,
        before: Option<PostId>,
        limit: u32,
    ) -> Result<Vec<PostInTopic>, Refused> {
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        Ok(self
            .store
            .posts_by(
                member.id,
                &audience_scope(viewer, Need::Read),
                before,
                limit,
            )
            .await?)
    }

    /// Every member, in order of sign-up (admins).
    pub async fn admin_members(
        self,
        viewer: &Viewer,
        after: Option<crate::ids::MemberId>,
        limit: u32,
    ) -> Result<Vec<Member>, Refused> {
        require_admin(viewer)?;
        Ok(self.store.list_members(after, limit).await?)
    }

    /// Changes a member's site role (admins; not their own, so a site never loses its last
    /// admin by accident).
    pub async fn set_site_role(
        self,
        viewer: &Viewer,
        username: &str,
        role: SiteRole,
    ) -> Result<Member, Refused> {
        require_admin(viewer)?;
        let member = self
            .accounts()
            .member_by_name(username)
            .await?
            .ok_or(Refused::NotFound)?;
        if Some(member.id) == viewer.id() {
            return Err(Refused::Forbidden("not_yourself"));
        }
        let audit = self.audit_entry(
            viewer,
            "member.site_role",
            crate::audit::Target::member(member.id, &member.username),
            None,
            role.as_str().to_owned(),
        );
        self.store
            .set_site_role(member.id, role, self.now(), &audit)
            .await?;
        Ok(Member { role, ..member })
    }
}

pub(crate) fn require_admin(viewer: &Viewer) -> Result<(), Refused> {
    crate::audience::require(viewer, crate::audience::Duty::RunSite).map(|_| ())
}
