//! The order controls of a topic list's page (a group's, `/latest`): a link for each order,
//! and for `top` a form that chooses the period, sent by GET so that it works without
//! JavaScript. The addresses of the list's pages keep the order.

use agora_core::forum::{Period, TopicSort};

/// What a list's page shows of its order.
#[derive(Debug, Clone)]
pub(crate) struct SortControls {
    /// The list's address without a query (`/g/riders`, `/latest`).
    pub base: String,
    /// The order shown (`latest`, `top`…).
    pub sort: &'static str,
    /// Each order offered: its address, its label, whether it is the one shown.
    pub links: Vec<(String, &'static str, bool)>,
    /// Each period: its name, its label, whether it is the one shown.
    pub periods: Vec<(&'static str, &'static str, bool)>,
    /// The query of the list's first page (empty for the default order), for paging links.
    pub query: String,
}

impl SortControls {
    /// The controls of the list at `base` shown in `sort`, offering `offered` (name, label).
    pub fn new(base: &str, sort: TopicSort, offered: &[(&'static str, &'static str)]) -> Self {
        let period = sort
            .period()
            .unwrap_or(agora_core::forum::sorts::DEFAULT_PERIOD);
        let query = |name: &str| match name {
            "latest" => String::new(),
            "top" => format!("sort=top&period={}", period.as_str()),
            other => format!("sort={other}"),
        };
        let links = offered
            .iter()
            .map(|&(name, label)| {
                let q = query(name);
                let href = if q.is_empty() {
                    base.to_owned()
                } else {
                    format!("{base}?{q}")
                };
                (href, label, name == sort.name())
            })
            .collect();
        Self {
            base: base.to_owned(),
            sort: sort.name(),
            links,
            periods: Period::ALL
                .iter()
                .map(|p| (p.as_str(), p.label(), *p == period))
                .collect(),
            query: query(sort.name()),
        }
    }

    /// The address of the page after `cursor` (an encoded cursor).
    pub fn next(&self, cursor: &str) -> String {
        if self.query.is_empty() {
            format!("{}?cursor={cursor}", self.base)
        } else {
            format!("{}?{}&cursor={cursor}", self.base, self.query)
        }
    }

    /// The address of the list's first page.
    pub fn first(&self) -> String {
        if self.query.is_empty() {
            self.base.clone()
        } else {
            format!("{}?{}", self.base, self.query)
        }
    }
}
