//! The read rule as SQL: [`audience_filter`] is the one translation every list, count and
//! search of items uses, and implements exactly `AudienceScope::admits` (agora-core's audience
//! module), whose tests check it against the single-item rule; [`group_filter`] is its part
//! for groups, which the lists of groups themselves use (the directory, a member's groups).
//! [`report_filter`] routes reports the same way.

use agora_core::audience::{AudienceScope, ReportScope};
use agora_core::groups::policy::Scope;

/// Where a list's rows say their audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudienceAt<'a> {
    /// Rows of items that live in groups only (topics, posts, their tags), their group joined
    /// as `g`.
    Groups,
    /// Rows that store their audience's kind and id in `{alias}.audience_kind` and
    /// `{alias}.audience_id` (an item of any audience).
    Columns(&'a str),
}

/// A `WHERE` fragment admitting exactly the rows whose audience is in `scope`
/// (`AudienceScope::admits`). `param` is the placeholder the viewer's id is bound to (bind
/// `scope.participant`; NULL for a guest); it is always used, so callers bind the same
/// arguments whoever is looking. The site's audience as stored (`AudienceRef::SITE`, id 0) is
/// everyone's; any other site audience id is its signed-in members'.
pub fn audience_filter(scope: &AudienceScope, at: AudienceAt<'_>, param: usize) -> String {
    let groups = group_filter(&scope.groups, param);
    let a = match at {
        AudienceAt::Groups => return groups,
        AudienceAt::Columns(alias) => alias,
    };
    let conversations = if scope.participant.is_some() {
        format!(
            "{a}.audience_id IN (SELECT cm.conversation_id FROM conversation_members cm \
             WHERE cm.member_id = ${param} AND cm.state IN ('active', 'requested'))"
        )
    } else {
        "FALSE".to_owned()
    };
    let site = if scope.site_members {
        "TRUE".to_owned()
    } else {
        format!("{a}.audience_id = 0")
    };
    let staff = if scope.staff { "TRUE" } else { "FALSE" };
    format!(
        "(({a}.audience_kind = 'group' AND {a}.audience_id IN (SELECT g.id FROM groups g WHERE {groups})) \
         OR ({a}.audience_kind = 'conversation' AND {conversations}) \
         OR ({a}.audience_kind = 'site' AND {site}) \
         OR ({a}.audience_kind = 'staff' AND {staff}))"
    )
}

/// A `WHERE` fragment admitting the groups in `scope`, for a groups table aliased `g`.
/// `param` is the placeholder number the viewer's id is bound to (bind `scope.member`; for a
/// guest it is NULL and the membership test admits nothing). The placeholder is always
/// used, so callers bind the same arguments whoever is looking. A deleted group is in no
/// scope.
pub fn group_filter(scope: &Scope, param: usize) -> String {
    format!(
        "(g.deleted_at IS NULL AND {})",
        group_filter_keeping_deleted(scope, param)
    )
}

/// [`group_filter`], deleted groups included: for the records that outlive a group (the audit
/// log, legal cases), never for its content.
pub fn group_filter_keeping_deleted(scope: &Scope, param: usize) -> String {
    if scope.everything {
        return format!("(TRUE OR ${param} IS NULL)");
    }
    let mut parts = Vec::new();
    if !scope.open_kinds.is_empty() {
        let kinds: Vec<String> = scope
            .open_kinds
            .iter()
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        parts.push(format!("g.visibility IN ({})", kinds.join(", ")));
    }
    parts.push(format!(
        "g.id IN (SELECT gm.group_id FROM group_members gm WHERE gm.member_id = ${param})"
    ));
    if scope.with_invitations {
        parts.push(format!(
            "g.id IN (SELECT i.group_id FROM invitations i WHERE i.invitee_id = ${param} AND i.state = 'pending')"
        ));
    }
    format!("({})", parts.join(" OR "))
}

/// A `WHERE` fragment admitting the reports (or legal cases) in `scope`, for rows aliased
/// `alias` with an item's `audience_kind` and `audience_id`; it implements exactly
/// `ReportScope::admits`. `param` is the placeholder the viewer's id is bound to (bind
/// `ReportScope::viewer`); it is always used. A row whose item is gone (no audience) is the
/// site's staff's.
pub fn report_filter(scope: &ReportScope, alias: &str, param: usize) -> String {
    let mut groups = Vec::new();
    if let Some(staff) = &scope.staff_groups {
        let readable = if scope.deleted_groups {
            group_filter_keeping_deleted(staff, param)
        } else {
            group_filter(staff, param)
        };
        groups.push(format!(
            "{alias}.audience_id IN (SELECT g.id FROM groups g WHERE {readable})"
        ));
    }
    if scope.moderator.is_some() {
        groups.push(format!(
            "{alias}.audience_id IN (SELECT gm.group_id FROM group_members gm \
             JOIN groups g ON g.id = gm.group_id WHERE gm.member_id = ${param} \
             AND gm.role IN ('owner', 'moderator') AND g.deleted_at IS NULL)"
        ));
    }
    let groups = if groups.is_empty() {
        "FALSE".to_owned()
    } else {
        groups.join(" OR ")
    };
    let beyond = if scope.beyond_groups { "TRUE" } else { "FALSE" };
    format!(
        "((${param} IS NULL OR TRUE) AND (({alias}.audience_kind = 'group' AND ({groups})) \
         OR (({alias}.audience_kind IS NULL OR {alias}.audience_kind <> 'group') AND {beyond})))"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_core::MemberId;
    use agora_core::groups::Visibility;

    #[test]
    fn a_guest_scope_reads_only_public_groups() {
        let s = Scope {
            everything: false,
            open_kinds: &[Visibility::Public],
            member: None,
            with_invitations: false,
        };
        let sql = group_filter(&s, 3);
        assert!(
            sql.starts_with(
                "(g.deleted_at IS NULL AND (g.visibility IN ('public') OR g.id IN (SELECT"
            ),
            "{sql}"
        );
        assert!(!sql.contains("invitations"));
    }

    #[test]
    fn a_member_scope_adds_memberships_and_invitations() {
        let s = Scope {
            everything: false,
            open_kinds: &[Visibility::Public, Visibility::Closed],
            member: Some(MemberId(4)),
            with_invitations: true,
        };
        let sql = group_filter(&s, 2);
        assert!(sql.contains("gm.member_id = $2"));
        assert!(sql.contains("i.invitee_id = $2"));
        assert!(sql.contains("'public', 'closed'"));
    }
}
