//! Topic pages: compose, read (stable URLs per page of a long topic), reply with quote, edit
//! with history, delete and restore, pin and lock.

use agora_core::error::Refused;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use agora_core::forum::{
    ForumError, NewTopicInput, PostEditInput, Posted, TopicFlags, TopicKind, TopicView,
};
use agora_core::groups::Visibility;
use agora_core::groups::policy::Access;
use agora_core::items::Denied;
use agora_core::{PostId, TopicId};

use crate::error::ApiError;
use crate::extract::{ApiForm as Form, ApiPath as Path, ApiQuery as Query};
use crate::kinds::{TopicPart, topic_part};
use crate::pages::auth::{CsrfOnly, FormPage};
use crate::pages::context::truncate;
use crate::pages::view::{Field, ImageUpload, Layout, ago, attach_error, hue, initial};
use crate::pages::{Page, render, see_other};
use crate::state::AppState;
use crate::upload::UploadForm;

/// Posts per page of a topic.
const PAGE_SIZE: i64 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ComposeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tags: String,
    /// A kind's name to open one of that kind (`question`); empty for a discussion.
    #[serde(default)]
    kind: String,
}

/// `?kind=question` (any kind's name) on the form for a new topic.
#[derive(Debug, Deserialize)]
pub struct ComposeQuery {
    kind: Option<String>,
}

fn compose_page(page: &Page, slug: &str, group_name: &str, form: &ComposeForm) -> FormPage {
    let spec = TopicKind::from_name(&form.kind).and_then(agora_core::kinds::spec);
    let (title, submit) = spec.map_or(("New topic", "Post topic"), |k| k.compose);
    let heading = format!("{title} in {group_name}");
    FormPage {
        layout: page.layout(
            title,
            &format!("Start a topic in {group_name}."),
            "groups",
            true,
        ),
        heading,
        intro: String::new(),
        action: format!("/g/{slug}/new"),
        fields: vec![
            Field::new("title", "Title", "text", form.title.as_str())
                .hint("3–150 characters: what is it about?"),
            Field::new("body", "Message", "textarea", form.body.as_str())
                .preview("compose-preview")
                .upload(ImageUpload::for_group(
                    slug,
                    format!("/g/{slug}/new/upload"),
                ))
                .hint("Markdown: **bold**, _italic_, [links](https://…), lists, > quotes, `code`."),
            Field::new("tags", "Tags", "text", form.tags.as_str())
                .optional()
                .hint("Up to 5, separated by commas, e.g. battery, winter."),
        ],
        submit,
        footer: String::new(),
        form_error: None,
        preview_id: Some("compose-preview"),
        hidden: if spec.is_some() {
            vec![("kind", form.kind.clone())]
        } else {
            Vec::new()
        },
        honeypot: false,
    }
}

/// The form for a new topic.
pub async fn compose(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Query(q): Query<ComposeQuery>,
) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    if let Some(kind) = q.kind.as_deref()
        && !TopicKind::from_name(kind).is_some_and(agora_core::kinds::is_open)
    {
        return Err(agora_core::Invalid::new(
            "kind",
            "invalid_choice",
            format!("A topic is a {}.", agora_core::kinds::open_names("")),
        )
        .into());
    }
    let view = state.agora.groups().group(&page.viewer, &slug).await?;
    if view.access < Access::Participate {
        return Err(ApiError::forbidden("join_required"));
    }
    Ok(render(&compose_page(
        &page,
        &slug,
        &view.group.name,
        &ComposeForm {
            kind: q.kind.unwrap_or_default(),
            ..ComposeForm::default()
        },
    )))
}

/// Opens the topic and shows it.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Form(form): Form<ComposeForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    open_topic(&state, &page, &slug, form).await
}

/// The composer sent with its file ("Upload image", without JavaScript): the image is
/// uploaded for the group and its markdown added to the draft, which comes back to be
/// finished. Sent without a file (Enter in the title), it is the ordinary submission.
pub async fn compose_upload(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    upload: UploadForm,
) -> Result<Response, ApiError> {
    page.check_csrf(&upload.text("csrf"))?;
    let mut form = ComposeForm {
        csrf: String::new(),
        title: upload.text("title"),
        body: upload.text("body"),
        tags: upload.text("tags"),
        kind: upload.text("kind"),
    };
    if upload.file.is_empty() {
        return open_topic(&state, &page, &slug, form).await;
    }
    let group = state.agora.groups().group(&page.viewer, &slug).await?;
    let added = add_upload(&state, &page, &slug, upload.file, &mut form.body).await?;
    let mut view = compose_page(&page, &slug, &group.group.name, &form);
    let status = shown_refusal(added, &mut view.form_error);
    let mut res = render(&view);
    *res.status_mut() = status;
    Ok(res)
}

/// The status of a form page shown again after an upload: 200, or the refusal's, whose
/// message goes to `form_error`.
fn shown_refusal(
    added: Result<(), ApiError>,
    form_error: &mut Option<String>,
) -> axum::http::StatusCode {
    match added {
        Ok(()) => axum::http::StatusCode::OK,
        Err(e) => {
            *form_error = Some(e.message);
            e.status
        }
    }
}

/// Uploads `file` for the group `slug` and appends its markdown to `draft`; a refusal the
/// member can fix (the file's type or size) is returned inside, to be shown with the draft.
async fn add_upload(
    state: &AppState,
    page: &Page,
    slug: &str,
    file: Vec<u8>,
    draft: &mut String,
) -> Result<Result<(), ApiError>, ApiError> {
    match state.agora.media().upload(&page.viewer, slug, file).await {
        Ok(upload) => {
            let trimmed = draft.trim_end().len();
            draft.truncate(trimmed);
            if !draft.is_empty() {
                draft.push_str("\n\n");
            }
            draft.push_str(&upload.markdown);
            draft.push('\n');
            Ok(Ok(()))
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.field.is_some() || e.status == axum::http::StatusCode::TOO_MANY_REQUESTS {
                Ok(Err(e))
            } else {
                Err(e)
            }
        }
    }
}

async fn open_topic(
    state: &AppState,
    page: &Page,
    slug: &str,
    form: ComposeForm,
) -> Result<Response, ApiError> {
    let slug = slug.to_owned();
    let input = NewTopicInput {
        title: form.title.clone(),
        body: form.body.clone(),
        tags: split_tags(&form.tags),
        kind: (!form.kind.is_empty()).then(|| form.kind.clone()),
    };
    match state
        .agora
        .forum()
        .create_topic(&page.viewer, &slug, input)
        .await
    {
        Ok(Posted::Published(view)) => Ok(see_other(&format!(
            "/t/{}/{}",
            view.topic.id.0, view.topic.slug
        ))),
        Ok(Posted::Held { topic, .. }) => {
            // Its author reads it while it waits; the page says so.
            let view = state.agora.forum().topic(&page.viewer, topic, 1, 1).await?;
            Ok(see_other(&format!(
                "/t/{}/{}?notice=held",
                topic.0, view.topic.slug
            )))
        }
        Err(ForumError::Refused(Refused::Invalid(i))) => {
            let group = state.agora.groups().group(&page.viewer, &slug).await?;
            let mut view = compose_page(page, &slug, &group.group.name, &form);
            let e = ApiError::from(i);
            if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                view.form_error = Some(e.message.clone());
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

fn split_tags(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|t| t.trim().trim_start_matches('#').to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

pub struct PostView {
    id: i64,
    number: i64,
    username: String,
    display_name: String,
    initial: String,
    hue: u8,
    /// The author's avatar (96 pixels), if they have one.
    avatar: Option<String>,
    created_iso: String,
    created_ago: String,
    revision_count: i64,
    body_html: String,
    deleted: bool,
    /// `published`, `held`, `hidden` or `deleted` (the item's state).
    state: &'static str,
    /// Whether the viewer wrote it (to tell them why a held or hidden post is not shown).
    own: bool,
    /// Whether the viewer moderates it.
    moderates: bool,
    can_edit: bool,
    can_delete: bool,
    can_restore: bool,
    can_flag: bool,
    /// What the topic's kind shows beside the author (HTML: an accepted answer's badge).
    marks: String,
    /// What the topic's kind offers among the actions (HTML: the accept buttons).
    kind_actions: String,
    /// Its reactions and bookmark button (HTML).
    reactions: String,
    /// Written by a member the viewer ignores: collapsed.
    ignored: bool,
}

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage {
    layout: Layout,
    id: i64,
    slug: String,
    title: String,
    group_slug: String,
    group_name: String,
    tags: Vec<String>,
    pinned: bool,
    locked: bool,
    deleted: bool,
    topic_state: &'static str,
    reply_count: i64,
    post_count: i64,
    posts: Vec<PostView>,
    page: i64,
    pages: i64,
    can_reply: bool,
    can_moderate: bool,
    /// Why the viewer may not reply: `signin`, `join`, `locked`, or a sentence to show.
    reply_blocked: String,
    /// What its kind and status say, as a badge (`Question`, `Solved`, an idea's status); empty
    /// for a discussion.
    badge: String,
    /// Whether the badge says the topic is settled (a solved question).
    badge_done: bool,
    /// What its kind shows under the opening post (HTML).
    below_opening: String,
    reply_draft: String,
    reply_error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct TopicQuery {
    page: Option<i64>,
    quote: Option<i64>,
    notice: Option<String>,
}

/// `/t/{id}`: the canonical address with the slug.
pub async fn short_link(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let view = state
        .agora
        .forum()
        .topic(&page.viewer, TopicId(id), 1, 1)
        .await?;
    Ok(see_other(&format!("/t/{id}/{}", view.topic.slug)))
}

/// `/p/{id}`: a post's permalink, to its page of the topic.
pub async fn post_link(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (post, topic, _) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    Ok(see_other(&post_url(topic.id.0, &topic.slug, post.number)))
}

/// How many pages a topic of `post_count` posts has (one, even when empty).
fn pages(post_count: i64) -> i64 {
    ((post_count + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

/// The page of a topic that shows post `number`.
pub(crate) fn page_of(number: i64) -> i64 {
    (number - 1) / PAGE_SIZE + 1
}

/// The address of post `number` on its page of the topic.
pub(crate) fn post_url(topic: i64, slug: &str, number: i64) -> String {
    let page = page_of(number);
    format!("/t/{topic}/{slug}?page={page}#post-{number}")
}

/// `/t/{id}/{slug}?page=N`: one page of a topic. A wrong slug redirects to the right one.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path((id, slug)): Path<(i64, String)>,
    Query(q): Query<TopicQuery>,
) -> Result<Response, ApiError> {
    // Pages are numbered from 1; one that cannot exist is not found (and no arithmetic on
    // the number may overflow).
    let number = q.page.unwrap_or(1);
    let from = Some(number)
        .filter(|n| *n >= 1)
        .and_then(|n| (n - 1).checked_mul(PAGE_SIZE))
        .and_then(|n| n.checked_add(1))
        .ok_or_else(ApiError::not_found)?;
    let view = state
        .agora
        .trust()
        .read_topic(&page.viewer, TopicId(id), from, PAGE_SIZE as u32)
        .await?;
    if view.topic.slug != slug {
        return Ok(see_other(&format!(
            "/t/{id}/{}?page={number}",
            view.topic.slug
        )));
    }
    if number > pages(view.topic.post_count) {
        return Err(ApiError::past_the_end());
    }
    let draft = match q.quote {
        Some(post) => quote(&state, &page, post).await,
        None => String::new(),
    };
    let notice = match q.notice.as_deref() {
        Some("deleted") => Some("The post was deleted."),
        Some("restored") => Some("The post was restored."),
        Some("held") => {
            Some("Thank you: your post waits for a moderator's look before others see it.")
        }
        Some("flagged") => Some("Thank you: the moderators will look at it."),
        Some("hidden") => {
            Some("Thank you: enough members agreed, so the post is hidden until a moderator looks.")
        }
        _ => None,
    };
    let kinds = topic_part(&state, &page, &view).await?;
    if let Some(to) = kinds.redirect.as_deref() {
        return Ok(see_other(to));
    }
    // An answered kind's accepted answer (a question's) for search engines, when it is not on
    // this page.
    let accepted = match view.topic.featured_post {
        Some(best) if agora_core::kinds::is_answered(view.topic.kind) && number == 1 => {
            match view.posts.iter().find(|s| s.item.id == best) {
                Some(shown) => Some(shown.item.clone()),
                None => state
                    .agora
                    .forum()
                    .post(&page.viewer, best)
                    .await
                    .ok()
                    .map(|(post, _, _)| post),
            }
        }
        _ => None,
    };
    let mut shown = crate::pages::reactions::shown(&state, &page, &view).await?;
    let mut html = topic_page(
        &page,
        &view,
        number,
        draft,
        None,
        notice,
        kinds,
        &shown.ignored,
    );
    let authors: Vec<_> = view.posts.iter().map(|p| p.item.author.id).collect();
    let avatars = state.agora.media().avatars_of(&authors).await?;
    let mut bars = crate::pages::reactions::bars(&page, &view, &mut shown)?;
    for (post, p) in html.posts.iter_mut().zip(&view.posts) {
        post.avatar = avatars.get(&p.item.author.id).map(|a| a.url(96).to_owned());
        post.reactions = bars.remove(&p.item.id.0).unwrap_or_default();
    }
    html.layout.json_ld =
        crate::pages::structured::topic_json_ld(&page.public_url, &view, number, accepted.as_ref());
    Ok(render(&html))
}

async fn quote(state: &AppState, page: &Page, post: i64) -> String {
    match state.agora.forum().post(&page.viewer, PostId(post)).await {
        Ok((p, _, _)) => {
            let quoted: Vec<String> = p.body_markdown.lines().map(|l| format!("> {l}")).collect();
            format!("@{} wrote:\n{}\n\n", p.author.username, quoted.join("\n"))
        }
        Err(_) => String::new(),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "what one topic page shows, each from its own source"
)]
fn topic_page(
    page: &Page,
    view: &TopicView,
    number: i64,
    reply_draft: String,
    reply_error: Option<String>,
    notice: Option<&'static str>,
    mut kinds: TopicPart,
    ignored: &[agora_core::MemberId],
) -> TopicPage {
    let t = &view.topic;
    let viewer_id = page.viewer.id();
    let posts = view
        .posts
        .iter()
        .map(|shown| {
            let p = &shown.item;
            PostView {
                id: p.id.0,
                number: p.number,
                username: p.author.username.clone(),
                display_name: p.author.display_name.clone(),
                initial: initial(&p.author.display_name, &p.author.username),
                hue: hue(&p.author.username),
                avatar: None,
                created_iso: p.created_at.to_rfc3339(),
                created_ago: ago(p.created_at),
                revision_count: p.revision_count,
                body_html: p.body_html.clone(),
                deleted: p.deleted,
                state: p.state().as_str(),
                own: viewer_id == Some(p.author.id),
                moderates: shown.can.moderate,
                can_edit: shown.can.edit,
                can_delete: shown.can.delete,
                can_restore: shown.can.restore,
                can_flag: shown.can.flag,
                marks: kinds.post_marks.remove(&p.id.0).unwrap_or_default(),
                kind_actions: kinds.post_actions.remove(&p.id.0).unwrap_or_default(),
                reactions: String::new(),
                ignored: ignored.contains(&p.author.id),
            }
        })
        .collect();
    let reply_blocked = match view.reply {
        Ok(()) => String::new(),
        Err(Denied::SignInRequired) => "signin".into(),
        Err(Denied::Forbidden("join_required")) => "join".into(),
        Err(Denied::Locked) => "locked".into(),
        Err(Denied::Forbidden(code)) => ApiError::forbidden(code).message,
        Err(Denied::NotFound) => "This topic is deleted; restore it to reply.".into(),
    };
    let description = view
        .posts
        .first()
        .map(|s| &s.item)
        .filter(|p| p.number == 1)
        .map_or_else(
            || t.title.clone(),
            |p| truncate(&strip_tags(&p.body_html), 160),
        );
    let noindex = view.group.group.visibility != Visibility::Public || t.deleted;
    TopicPage {
        layout: page.layout(&t.title, &description, "groups", noindex),
        id: t.id.0,
        slug: t.slug.clone(),
        title: t.title.clone(),
        group_slug: view.group.group.slug.clone(),
        group_name: view.group.group.name.clone(),
        tags: t.tags.clone(),
        pinned: t.pinned,
        locked: t.locked,
        deleted: t.deleted,
        topic_state: t.facts().state.as_str(),
        reply_count: t.reply_count,
        post_count: t.post_count,
        posts,
        page: number,
        pages: pages(t.post_count),
        can_reply: view.can_reply(),
        can_moderate: view.can_moderate(),
        reply_blocked,
        badge_done: agora_core::kinds::is_done(t.kind, &t.status),
        badge: kinds
            .badge
            .take()
            .unwrap_or_else(|| agora_core::kinds::badge(t.kind, &t.status).to_owned()),
        below_opening: kinds.below_opening,
        reply_draft,
        reply_error,
        notice,
    }
}

/// Text of sanitised HTML, for meta descriptions.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    // `&amp;` last: `&amp;lt;` is the text `&lt;`, not `<`.
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// Posts a reply and shows it; a reply that fails its rules comes back with the draft kept.
pub async fn reply(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    post_reply(&state, &page, id, form).await
}

/// The reply form sent with its file ("Upload image", without JavaScript): the image is
/// uploaded for the topic's group and its markdown added to the draft, shown again to be
/// finished. Sent without a file, it is the ordinary reply.
pub async fn reply_upload(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    upload: UploadForm,
) -> Result<Response, ApiError> {
    page.check_csrf(&upload.text("csrf"))?;
    let mut body = upload.text("body");
    if upload.file.is_empty() {
        let form = ReplyForm {
            csrf: String::new(),
            body,
        };
        return post_reply(&state, &page, id, form).await;
    }
    let view = state
        .agora
        .forum()
        .topic(&page.viewer, TopicId(id), 1, PAGE_SIZE as u32)
        .await?;
    let slug = view.group.group.slug.clone();
    let added = add_upload(&state, &page, &slug, upload.file, &mut body).await?;
    let kinds = topic_part(&state, &page, &view).await?;
    let (status, error) = match added {
        Ok(()) => (axum::http::StatusCode::OK, None),
        Err(e) => (e.status, Some(e.message)),
    };
    let ignored = state.agora.accounts().ignored_by(page.viewer.id()).await?;
    let mut res = render(&topic_page(
        &page, &view, 1, body, error, None, kinds, &ignored,
    ));
    *res.status_mut() = status;
    Ok(res)
}

async fn post_reply(
    state: &AppState,
    page: &Page,
    id: i64,
    form: ReplyForm,
) -> Result<Response, ApiError> {
    match state
        .agora
        .forum()
        .reply(&page.viewer, TopicId(id), &form.body)
        .await
    {
        Ok(Posted::Published((post, topic))) => {
            Ok(see_other(&post_url(id, &topic.slug, post.item.number)))
        }
        Ok(Posted::Held { post, .. }) => {
            let (held, topic, _) = state.agora.forum().post(&page.viewer, post).await?;
            let page = page_of(held.number);
            Ok(see_other(&format!(
                "/t/{id}/{}?page={page}&notice=held#post-{}",
                topic.slug, held.number
            )))
        }
        Err(ForumError::Refused(Refused::Invalid(i))) => {
            let view = state
                .agora
                .forum()
                .topic(&page.viewer, TopicId(id), 1, PAGE_SIZE as u32)
                .await?;
            let e = ApiError::from(i);
            let kinds = topic_part(state, page, &view).await?;
            let ignored = state.agora.accounts().ignored_by(page.viewer.id()).await?;
            let mut res = render(&topic_page(
                page,
                &view,
                1,
                form.body,
                Some(e.message.clone()),
                None,
                kinds,
                &ignored,
            ));
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ModerateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// Pins, unpins, locks or unlocks a topic.
pub async fn moderate(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<ModerateForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let flags = match form.action.as_str() {
        "pin" => TopicFlags {
            pinned: Some(true),
            locked: None,
        },
        "unpin" => TopicFlags {
            pinned: Some(false),
            locked: None,
        },
        "lock" => TopicFlags {
            pinned: None,
            locked: Some(true),
        },
        "unlock" => TopicFlags {
            pinned: None,
            locked: Some(false),
        },
        _ => {
            return Err(agora_core::Invalid::new(
                "action",
                "invalid_choice",
                "Choose pin, unpin, lock or unlock.",
            )
            .into());
        }
    };
    let view = state
        .agora
        .forum()
        .set_topic_flags(&page.viewer, TopicId(id), flags)
        .await?;
    Ok(see_other(&format!("/t/{id}/{}", view.topic.slug)))
}

#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    title: Option<String>,
    #[serde(default)]
    body: String,
    tags: Option<String>,
}

fn edit_page(page: &Page, id: i64, slug: &str, opening: bool, form: &EditForm) -> FormPage {
    let mut fields = Vec::new();
    if opening {
        fields.push(Field::new(
            "title",
            "Title",
            "text",
            form.title.clone().unwrap_or_default(),
        ));
    }
    fields.push(
        Field::new("body", "Message", "textarea", form.body.as_str())
            .preview("edit-preview")
            .upload(ImageUpload::for_group(slug, format!("/p/{id}/edit/upload"))),
    );
    if opening {
        fields.push(
            Field::new(
                "tags",
                "Tags",
                "text",
                form.tags.clone().unwrap_or_default(),
            )
            .optional()
            .hint("Up to 5, separated by commas."),
        );
    }
    FormPage {
        layout: page.layout("Edit post", "Edit a post.", "groups", true),
        heading: "Edit post".into(),
        intro: "The current version is kept in the post's history.".into(),
        action: format!("/p/{id}/edit"),
        fields,
        submit: "Save changes",
        footer: String::new(),
        form_error: None,
        preview_id: Some("edit-preview"),
        hidden: Vec::new(),
        honeypot: false,
    }
}

/// The edit form, filled with the post as it is.
pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    if page.viewer.id().is_none() {
        return Err(ApiError::sign_in_required());
    }
    let (post, topic, group) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    let opening = post.number == 1;
    let form = EditForm {
        csrf: String::new(),
        title: opening.then(|| topic.title.clone()),
        body: post.body_markdown.clone(),
        tags: opening.then(|| topic.tags.join(", ")),
    };
    Ok(render(&edit_page(
        &page,
        id,
        &group.group.slug,
        opening,
        &form,
    )))
}

/// Saves an edit.
pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    save_edit(&state, &page, id, form).await
}

/// The edit form sent with its file ("Upload image", without JavaScript): the image is
/// uploaded for the post's group and its markdown added to the text, shown again to be saved.
/// Sent without a file, it is the ordinary save.
pub async fn edit_upload(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    upload: UploadForm,
) -> Result<Response, ApiError> {
    page.check_csrf(&upload.text("csrf"))?;
    let (post, _, group) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    let opening = post.number == 1;
    let mut form = EditForm {
        csrf: String::new(),
        title: opening.then(|| upload.text("title")),
        body: upload.text("body"),
        tags: opening.then(|| upload.text("tags")),
    };
    if upload.file.is_empty() {
        return save_edit(&state, &page, id, form).await;
    }
    let slug = group.group.slug;
    let added = add_upload(&state, &page, &slug, upload.file, &mut form.body).await?;
    let mut view = edit_page(&page, id, &slug, opening, &form);
    let status = shown_refusal(added, &mut view.form_error);
    let mut res = render(&view);
    *res.status_mut() = status;
    Ok(res)
}

async fn save_edit(
    state: &AppState,
    page: &Page,
    id: i64,
    form: EditForm,
) -> Result<Response, ApiError> {
    let input = PostEditInput {
        body: Some(form.body.clone()),
        title: form.title.clone(),
        tags: form.tags.as_deref().map(split_tags),
    };
    let (_, before, group) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    match state
        .agora
        .forum()
        .edit_post(&page.viewer, PostId(id), input)
        .await
    {
        Ok(Posted::Published(post)) => {
            let (_, topic, _) = state.agora.forum().post(&page.viewer, post.item.id).await?;
            Ok(see_other(&post_url(
                topic.id.0,
                &topic.slug,
                post.item.number,
            )))
        }
        Ok(Posted::Held { .. }) => Ok(see_other(&format!(
            "/t/{}/{}?notice=held",
            before.id.0, before.slug
        ))),
        Err(ForumError::Refused(Refused::Invalid(i))) => {
            let slug = &group.group.slug;
            let mut view = edit_page(page, id, slug, form.title.is_some(), &form);
            let e = ApiError::from(i);
            if !attach_error(&mut view.fields, e.field.as_deref(), &e.message) {
                view.form_error = Some(e.message.clone());
            }
            let mut res = render(&view);
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

pub struct RevisionView {
    number: i64,
    editor: String,
    iso: String,
    ago: String,
    title: Option<String>,
    body: String,
    /// A moderator's edit of someone else's post replaced it (or a later version).
    redacted: bool,
    /// Its text is for the group's moderators and site staff only.
    withheld: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct History {
    layout: Layout,
    back: String,
    current: String,
    revisions: Vec<RevisionView>,
}

/// A post's earlier versions, newest first.
pub async fn history(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (post, topic, _) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    let revisions = state
        .agora
        .forum()
        .revisions(&page.viewer, PostId(id))
        .await?;
    Ok(render(&History {
        layout: page.layout(
            &format!("History of a post in {}", topic.title),
            "Edit history.",
            "groups",
            true,
        ),
        back: post_url(topic.id.0, &topic.slug, post.number),
        current: post.body_markdown.clone(),
        revisions: revisions
            .iter()
            .rev()
            .map(|r| RevisionView {
                number: r.number,
                editor: r.editor.display_name.clone(),
                iso: r.replaced_at.to_rfc3339(),
                ago: ago(r.replaced_at),
                title: r.title.clone(),
                body: r.body_markdown.clone(),
                redacted: r.redacted,
                withheld: r.withheld,
            })
            .collect(),
    }))
}

/// Deletes a post (its author or a moderator).
pub async fn delete(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let (post, topic, group) = state.agora.forum().post(&page.viewer, PostId(id)).await?;
    state
        .agora
        .forum()
        .delete_post(&page.viewer, PostId(id))
        .await?;
    if post.number == 1 && group.access < Access::Moderate {
        return Ok(see_other(&format!("/g/{}", group.group.slug)));
    }
    let page_number = page_of(post.number);
    Ok(see_other(&format!(
        "/t/{}/{}?page={page_number}&notice=deleted#post-{}",
        topic.id.0, topic.slug, post.number
    )))
}

/// Restores a deleted post (moderators).
pub async fn restore(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    page.check_csrf(&form.csrf)?;
    let post = state
        .agora
        .forum()
        .restore_post(&page.viewer, PostId(id))
        .await?;
    let (_, topic, _) = state.agora.forum().post(&page.viewer, post.item.id).await?;
    let page_number = page_of(post.item.number);
    Ok(see_other(&format!(
        "/t/{}/{}?page={page_number}&notice=restored#post-{}",
        topic.id.0, topic.slug, post.item.number
    )))
}

/// Renders a guest's view of a topic page with `posts` posts of sample text: what the topic
/// page spends outside the database, for the criterion benchmark (`benches/render.rs`).
#[doc(hidden)]
pub fn render_sample_topic(posts: usize) -> String {
    use agora_core::forum::{Author, Post, Topic, TopicKind};
    use agora_core::groups::policy::Relation;
    use agora_core::groups::{Group, GroupView, Visibility};
    use agora_core::time::Timestamp;
    use agora_core::{GroupId, MemberId};
    let at = Timestamp(1_767_225_600_000_000);
    let author = |n: usize| Author {
        id: MemberId(n as i64 + 1),
        username: format!("rider_{n}"),
        display_name: format!("Rider Number {n}"),
    };
    let body = agora_core::content::markdown::render(
        "Winter range dropped from **80 km** to about 55 km on my Trail T5. Keeping the \
         battery indoors overnight helped; see [the care guide](https://example.com/care).\n\n\
         - charge to 80%\n- store above 10 °C\n\nAnyone tried the thermal cover?",
    );
    let view = TopicView::new(
        &agora_core::Viewer::guest(),
        Topic {
            id: TopicId(7),
            group_id: GroupId(1),
            kind: TopicKind::DISCUSSION,
            title: "Battery range in winter".into(),
            slug: "battery-range-in-winter".into(),
            author: author(0),
            tags: vec!["battery".into(), "winter".into()],
            pinned: false,
            locked: false,
            deleted: false,
            reply_count: posts as i64 - 1,
            post_count: posts as i64,
            created_at: at,
            last_activity_at: at,
            status: String::new(),
            featured_post: None,
            held: false,
            hidden: false,
        },
        GroupView {
            group: Group {
                id: GroupId(1),
                slug: "commuters".into(),
                name: "Commuters".into(),
                description: "Riding to work, all year.".into(),
                visibility: Visibility::Public,
                member_count: 1_200,
                topic_count: 3_400,
                created_at: at,
                last_activity_at: at,
                archived_at: None,
            },
            relation: Relation::Stranger,
            access: Access::Read,
            can_edit: false,
        },
        (0..posts)
            .map(|n| Post {
                id: PostId(n as i64 + 1),
                topic_id: TopicId(7),
                group_id: GroupId(1),
                number: n as i64 + 1,
                author: author(n % 7),
                body_markdown: String::new(),
                body_html: body.html.clone(),
                created_at: at,
                edited_at: None,
                revision_count: 0,
                deleted: false,
                held: false,
                hidden: false,
            })
            .collect(),
        None,
    );
    let page = Page::sample();
    let html = topic_page(
        &page,
        &view,
        1,
        String::new(),
        None,
        None,
        TopicPart::default(),
        &[],
    )
    .render();
    html.unwrap_or_default()
}
