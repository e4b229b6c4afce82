//! Events a kind declares in its folder (an answer accepted, an idea voted for): the catalogue
//! in `mod.rs` holds them as one variant, [`KindEvent`], named and shaped by their kind, so it
//! names no kind. Each is stored as the shared ones are, `{"type": name, ...fields}`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Place;

/// What a kind says of one of its events: its name, the fields that name the topics it is
/// about (the first its stream), whether anyone but the people it concerns sees the change
/// (a reminder changes no page), and the fields [`KindEvent::about`] reads: who did it (none
/// for what the system does), the member it is about, the item (its kind, and the field
/// holding its id) and the audience (its kind, and the field holding its id).
#[derive(Debug)]
pub struct KindEventSpec {
    pub name: &'static str,
    pub topics: &'static [&'static str],
    pub shown: bool,
    pub who: Option<&'static str>,
    pub member: Option<&'static str>,
    pub item: Option<(crate::items::refs::ItemKind, &'static str)>,
    pub audience: Option<(crate::audience::AudienceKind, &'static str)>,
}

/// An event of a kind: its name and its fields, as the kind wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindEvent {
    spec: &'static KindEventSpec,
    fields: Map<String, Value>,
}

impl KindEvent {
    /// The event `spec` with `fields` (a JSON object: `{"topic": 7, "post": 9, "by": 2}`).
    pub fn new(spec: &'static KindEventSpec, fields: Value) -> Self {
        let fields = match fields {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        Self { spec, fields }
    }

    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    /// One of its fields, as a number (`by`, `post`).
    pub fn number(&self, field: &str) -> Option<i64> {
        self.fields.get(field).and_then(Value::as_i64)
    }

    /// The topics it is about, the first its stream.
    pub fn topics(&self) -> Vec<i64> {
        self.spec
            .topics
            .iter()
            .filter_map(|f| self.number(f))
            .collect()
    }

    /// What it is about: the first of its topics.
    pub(super) fn stream(&self) -> String {
        match self.topics().first() {
            Some(topic) => format!("topic:{topic}"),
            None => format!("kind:{}", self.spec.name),
        }
    }

    /// Who did it, what it is about and where (see [`KindEventSpec`]).
    pub(super) fn about(&self) -> super::About {
        super::About {
            who: self.spec.who.and_then(|f| self.number(f)),
            item: self.spec.item.and_then(|(kind, field)| {
                self.number(field)
                    .map(|id| crate::items::refs::ItemRef::new(kind, id))
            }),
            topic: self.topics().first().copied(),
            member: self.spec.member.and_then(|f| self.number(f)),
            audience: self.spec.audience.and_then(|(kind, field)| {
                self.number(field)
                    .map(|id| crate::audience::AudienceRef { kind, id })
            }),
        }
    }

    /// Where the change shows: each of its topics, unless nobody else sees it.
    pub(super) fn places(&self) -> Vec<Place> {
        if !self.spec.shown {
            return Vec::new();
        }
        self.topics()
            .into_iter()
            .map(|topic| Place::Topic { topic })
            .collect()
    }
}

impl PartialEq for KindEventSpec {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for KindEventSpec {}

impl Serialize for KindEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = self.fields.clone();
        map.insert("type".into(), Value::from(self.spec.name));
        map.serialize(s)
    }
}

/// An event read back is one a kind of this version declares; any other fails (and the
/// event holding it is unknown: consumers fail on it and park it).
impl<'de> Deserialize<'de> for KindEvent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut fields = Map::deserialize(d)?;
        let name = fields
            .remove("type")
            .and_then(|t| t.as_str().map(str::to_owned))
            .unwrap_or_default();
        let spec = crate::kinds::events()
            .find(|e| e.name == name)
            .ok_or_else(|| serde::de::Error::custom(format!("no event {name:?}")))?;
        Ok(Self { spec, fields })
    }
}

#[cfg(test)]
mod tests {
    use crate::events::{Event, Place, Recorded};
    use crate::time::Timestamp;

    #[test]
    fn a_kinds_event_is_stored_as_the_shared_ones_and_read_back() {
        // As an answer's acceptance was stored before kinds declared their events.
        let stored = r#"{"type":"answer_accepted","topic":7,"post":9,"by":2}"#;
        let back = Recorded::parse(1, 0, Timestamp(0), "answer_accepted".into(), stored);
        let Some(Event::Kind(event)) = back.event else {
            panic!("not read back: {back:?}");
        };
        assert_eq!(
            (event.name(), event.number("post"), event.topics()),
            ("answer_accepted", Some(9), vec![7])
        );
        let again = Event::Kind(event.clone()).to_json();
        let again = Recorded::parse(2, 0, Timestamp(0), "answer_accepted".into(), again);
        assert_eq!(again.event, Some(Event::Kind(event)));
        // A merge shows on both ideas' pages; a reminder on none.
        let merged = r#"{"type":"idea_merged","duplicate":3,"original":4,"by":1}"#;
        let merged = Recorded::parse(3, 0, Timestamp(0), "idea_merged".into(), merged);
        assert_eq!(
            merged.event.map(|e| e.places()),
            Some(vec![Place::Topic { topic: 3 }, Place::Topic { topic: 4 }])
        );
        let waiting = r#"{"type":"answer_waiting","topic":7,"post":9,"asker":2}"#;
        let waiting = Recorded::parse(4, 0, Timestamp(0), "answer_waiting".into(), waiting);
        assert_eq!(waiting.event.map(|e| e.places()), Some(Vec::new()));
        // An event no kind of this version declares is unknown.
        let later = Recorded::parse(
            5,
            0,
            Timestamp(0),
            "poll_closed".into(),
            r#"{"type":"poll_closed","topic":1}"#,
        );
        assert_eq!(later.event, None);
    }
}
