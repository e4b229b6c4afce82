//! View models shared by the templates: the layout, rows of lists, form fields, and small
//! formatting helpers (relative times, avatar colours).

use agora_core::forum::{Topic, TopicInGroup};
use agora_core::groups::GroupView;
use agora_core::groups::policy::{Access, Relation};
use agora_core::kinds::StatusLabels;
use agora_core::time::Timestamp;
use agora_core::viewer::Viewer;

/// What the base template needs on every page.
pub struct Layout {
    pub site_name: String,
    pub site_initial: String,
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub noindex: bool,
    pub viewer: Option<NavViewer>,
    pub csrf: String,
    pub asset_version: &'static str,
    pub section: &'static str,
    pub query: String,
    /// The site's logo (a path on this site), or empty for its initial.
    pub logo_url: String,
    /// The social image's absolute address, or empty.
    pub social_image: String,
    /// The accent colour's stylesheet address (`/static/brand.css?c=…`), or empty.
    pub brand_css: String,
    /// (kind, title) of the legal documents published, for the footer.
    pub documents: Vec<(&'static str, &'static str)>,
    /// Structured data for search engines (JSON-LD, escaped for a script element), or empty.
    pub json_ld: String,
}

/// The signed-in member in the header.
pub struct NavViewer {
    pub username: String,
    pub display_name: String,
    pub initial: String,
    pub hue: u8,
    pub is_admin: bool,
    pub invitations: i64,
    /// The kinds' links in the header (Messages), with the member's counts.
    pub links: Vec<NavLink>,
    /// Whether the member has confirmed their email address.
    pub verified: bool,
    /// Current documents the member has not accepted.
    pub pending_documents: usize,
    /// `suspended` or `silenced` while a sanction is in force; empty otherwise.
    pub restriction: &'static str,
}

/// A kind's link in the header, for members.
pub struct NavLink {
    pub label: &'static str,
    pub href: &'static str,
    /// The layout's section that marks it as the current page.
    pub section: &'static str,
    /// What waits there for the member (unread conversations); 0 shows none.
    pub count: i64,
}

/// One topic in a list.
pub struct TopicRow {
    pub title: String,
    pub url: String,
    pub pinned: bool,
    pub locked: bool,
    pub deleted: bool,
    /// (slug, name) when the list spans groups.
    pub group: Option<(String, String)>,
    pub author_username: String,
    pub author_name: String,
    pub author_initial: String,
    pub author_hue: u8,
    pub activity_iso: String,
    pub activity_ago: String,
    pub tags: Vec<String>,
    pub replies: i64,
    /// What the topic's kind and status say, as a badge (`Question`, `Solved`, an idea's
    /// status); empty for a discussion.
    pub badge: String,
    /// Whether the badge says the topic is settled (a solved question).
    pub badge_done: bool,
    /// Site-wide lists: who wrote the newest post (username, display name), when someone
    /// replied after the author.
    pub last_poster: Option<(String, String)>,
    /// Site-wide lists: how many members opened it.
    pub readers: Option<i64>,
    /// The viewer ignores its author: the row is shown collapsed.
    pub ignored: bool,
}

impl TopicRow {
    /// The row of `t` as `viewer` sees it, its badge worded by `labels`.
    pub fn new(
        t: &Topic,
        group: Option<(String, String)>,
        labels: &StatusLabels,
        viewer: &Viewer,
    ) -> Self {
        Self {
            title: t.title.clone(),
            url: format!("/t/{}/{}", t.id.0, t.slug),
            badge: labels.badge(t.kind, &t.status),
            badge_done: agora_core::kinds::is_done(t.kind, &t.status),
            pinned: t.pinned,
            locked: t.locked,
            deleted: t.deleted,
            group,
            author_username: t.author.username.clone(),
            author_name: t.author.display_name.clone(),
            author_initial: initial(&t.author.display_name, &t.author.username),
            author_hue: hue(&t.author.username),
            activity_iso: t.last_activity_at.to_rfc3339(),
            activity_ago: ago(t.last_activity_at),
            tags: t.tags.clone(),
            replies: t.reply_count,
            last_poster: None,
            readers: None,
            ignored: viewer.ignores(t.author.id),
        }
    }

    pub fn in_group(t: &TopicInGroup, labels: &StatusLabels, viewer: &Viewer) -> Self {
        let mut row = Self::new(
            &t.topic,
            Some((t.group_slug.clone(), t.group_name.clone())),
            labels,
            viewer,
        );
        row.last_poster = (t.topic.reply_count > 0).then(|| {
            (
                t.last_poster.username.clone(),
                t.last_poster.display_name.clone(),
            )
        });
        row.readers = Some(t.readers);
        row
    }
}

/// One group in a list.
pub struct GroupCard {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub visibility: &'static str,
    pub member_count: i64,
    pub topic_count: Option<i64>,
    /// The viewer's standing, in words, or empty.
    pub membership: String,
    pub activity: String,
    /// Read-only since it was archived.
    pub archived: bool,
}

impl From<&GroupView> for GroupCard {
    fn from(v: &GroupView) -> Self {
        let g = &v.group;
        Self {
            slug: g.slug.clone(),
            name: g.name.clone(),
            description: g.description.clone(),
            visibility: g.visibility.as_str(),
            member_count: g.member_count,
            topic_count: (v.access >= Access::Read).then_some(g.topic_count),
            membership: match v.relation {
                Relation::Stranger => String::new(),
                Relation::Requested => "Request pending".into(),
                Relation::Invited => "You are invited".into(),
                Relation::Member(role) => format!("You are {}", article(role.as_str())),
            },
            activity: ago(g.last_activity_at),
            archived: g.archived_at.is_some(),
        }
    }
}

fn article(role: &str) -> String {
    match role {
        "owner" => "the owner".into(),
        "moderator" => "a moderator".into(),
        _ => "a member".into(),
    }
}

/// A form field as the templates draw it.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `email`, `password` or `textarea`.
    pub kind: &'static str,
    pub value: String,
    pub required: bool,
    pub autocomplete: Option<&'static str>,
    pub hint: String,
    pub error: Option<String>,
    /// For a textarea: the id of the element its markdown preview renders into.
    pub preview: Option<&'static str>,
    /// For a textarea: where an image file is uploaded into it (see [`ImageUpload`]).
    pub upload: Option<ImageUpload>,
}

/// Where a composer's images go: without JavaScript, the form is sent with its file to
/// `action`, which keeps the draft and adds the image's markdown; with it, a dropped or chosen
/// file is sent to the API's `api` and the markdown inserted where the cursor is.
#[derive(Debug, Clone)]
pub struct ImageUpload {
    pub action: String,
    pub api: String,
}

impl ImageUpload {
    /// The upload of a composer for the group `slug`, whose form is sent to `action`.
    pub fn for_group(slug: &str, action: String) -> Self {
        Self {
            action,
            api: format!("/api/v1/groups/{slug}/uploads"),
        }
    }
}

impl Field {
    pub fn new(
        name: &'static str,
        label: &'static str,
        kind: &'static str,
        value: impl Into<String>,
    ) -> Self {
        Self {
            name,
            label,
            kind,
            value: value.into(),
            required: true,
            autocomplete: None,
            hint: String::new(),
            error: None,
            preview: None,
            upload: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    pub fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = Some(a);
        self
    }

    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    pub fn preview(mut self, id: &'static str) -> Self {
        self.preview = Some(id);
        self
    }

    pub fn upload(mut self, upload: ImageUpload) -> Self {
        self.upload = Some(upload);
        self
    }
}

/// Puts an error message on the field it names; returns false when no field matched.
pub fn attach_error(fields: &mut [Field], field: Option<&str>, message: &str) -> bool {
    match fields.iter_mut().find(|f| Some(f.name) == field) {
        Some(f) => {
            f.error = Some(message.to_owned());
            true
        }
        None => false,
    }
}

/// The first letter of a name, for an avatar.
pub fn initial(display_name: &str, fallback: &str) -> String {
    display_name
        .chars()
        .chain(fallback.chars())
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".into())
}

/// One of twelve avatar colours, stable for a username.
pub fn hue(username: &str) -> u8 {
    let sum = username.bytes().fold(0u32, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u32::from(b))
    });
    u8::try_from(sum % 12).unwrap_or(0)
}

/// "just now", "5 minutes ago", "3 days ago", or a date.
pub fn ago(at: Timestamp) -> String {
    let secs = (Timestamp::now().0 - at.0) / 1_000_000;
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3_600 => plural(s / 60, "minute"),
        s if s < 86_400 => plural(s / 3_600, "hour"),
        s if s < 30 * 86_400 => plural(s / 86_400, "day"),
        _ => date(at),
    }
}

/// A calendar date, e.g. "3 Mar 2026".
pub fn date(at: Timestamp) -> String {
    let d = at.to_datetime();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][usize::from(u8::from(d.month())) - 1];
    format!("{} {month} {}", d.day(), d.year())
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit} ago")
    } else {
        format!("{n} {unit}s ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        let now = Timestamp::now();
        assert_eq!(ago(now), "just now");
        assert_eq!(ago(now.plus_seconds(-120)), "2 minutes ago");
        assert_eq!(ago(now.plus_seconds(-3_600)), "1 hour ago");
        assert_eq!(ago(now.plus_seconds(-3 * 86_400)), "3 days ago");
        assert_eq!(date(Timestamp(1_700_000_000_000_000)), "14 Nov 2023");
    }

    #[test]
    fn avatars_get_a_letter_and_a_stable_colour() {
        assert_eq!(initial("élodie", "x"), "É");
        assert_eq!(initial("", "mara"), "M");
        assert_eq!(hue("mara"), hue("mara"));
        assert!(hue("someone") < 12);
    }
}

/// A page a mailed link opens, asking before it acts: mail scanners open links, so opening one
/// must change nothing; the button posts to `action`.
#[derive(askama::Template)]
#[template(path = "confirm_link.html")]
pub struct ConfirmLink {
    pub layout: Layout,
    pub heading: &'static str,
    pub text: &'static str,
    pub otherwise: &'static str,
    pub action: String,
    pub button: &'static str,
}
