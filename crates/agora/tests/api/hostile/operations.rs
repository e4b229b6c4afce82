//! The JSON API as its OpenAPI document describes it: every operation with its path and query
//! parameters and the fields of its JSON body (`$ref`s resolved), each a slot a hostile value
//! can go into, and requests built with one slot hostile and every other field valid.

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, header};
use serde_json::{Map, Value};

use super::fields::{Kind, field};
use super::inputs::Input;
use super::scene::Scene;
use crate::support::urlencode;

/// A step into a JSON body: a property, or the first item of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    First,
}

/// Where a hostile value goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Path(String),
    Query(String),
    Body(Vec<Step>),
    /// `Authorization: Bearer <value>`.
    Header,
}

/// A slot of an operation.
#[derive(Debug, Clone)]
pub struct Slot {
    pub place: Place,
    /// The field's own name (the last key of a body path).
    pub name: String,
    pub kind: Kind,
}

impl Slot {
    pub fn describe(&self) -> String {
        match &self.place {
            Place::Path(p) => format!("path {{{p}}}"),
            Place::Query(q) => format!("query {q}"),
            Place::Body(steps) => {
                let names: Vec<String> = steps
                    .iter()
                    .map(|s| match s {
                        Step::Key(k) => k.clone(),
                        Step::First => "0".to_owned(),
                    })
                    .collect();
                format!("body {}", names.join("."))
            }
            Place::Header => "Authorization header".to_owned(),
        }
    }

    /// The names an error may give for this slot: its path in the body as the API writes
    /// it (`documents[0].kind`), or a part of that path (`documents`, `documents[0]`, `kind`).
    pub fn names(&self) -> Vec<String> {
        match &self.place {
            Place::Body(steps) => {
                let mut names = Vec::new();
                let mut path = String::new();
                for s in steps {
                    match s {
                        Step::Key(k) => {
                            if !path.is_empty() {
                                path.push('.');
                            }
                            path.push_str(k);
                            names.push(k.clone());
                        }
                        Step::First => path.push_str("[0]"),
                    }
                    names.push(path.clone());
                }
                names
            }
            _ => vec![self.name.clone()],
        }
    }
}

/// One operation of the API.
pub struct Operation {
    pub method: Method,
    pub route: String,
    pub signed_in: bool,
    pub slots: Vec<Slot>,
    query: Vec<String>,
    body: Option<Value>,
}

/// The longest URI the `http` crate builds (65,534 bytes), with room for the rest of it.
pub const MAX_URI: usize = 60_000;

/// A stand-in for the hostile value while a body is built; replaced in the JSON text.
const PLACEHOLDER: &str = "\u{1}hostile\u{1}";
const PLACEHOLDER_JSON: &str = "\"\\u0001hostile\\u0001\"";

/// Every operation of the document, in its order.
pub fn all(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let paths = doc["paths"]
        .as_object()
        .unwrap_or_else(|| panic!("the OpenAPI document has no paths"));
    for (route, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            out.push(operation(doc, method, route, op));
        }
    }
    out
}

fn operation(doc: &Value, method: Method, route: &str, op: &Value) -> Operation {
    let mut slots = Vec::new();
    let mut query = Vec::new();
    for param in op["parameters"].as_array().into_iter().flatten() {
        let name = param["name"].as_str().unwrap_or_default().to_owned();
        let schema = resolve(doc, &param["schema"]);
        let kind = kind_of(&name, route, &schema);
        let place = match param["in"].as_str() {
            Some("path") => {
                assert!(
                    route.contains(&format!("{{{name}}}")),
                    "{method} {route}: the OpenAPI document lists {name:?} as a path parameter, \
                     but the route has no {{{name}}} (a query parameter documented as `in: path`)"
                );
                Place::Path(name.clone())
            }
            Some("query") => {
                query.push(name.clone());
                Place::Query(name.clone())
            }
            _ => continue,
        };
        slots.push(Slot { place, name, kind });
    }
    let body = op["requestBody"]["content"]["application/json"]["schema"].clone();
    let body = (!body.is_null()).then(|| inline(doc, &body));
    if let Some(schema) = &body {
        body_slots(route, schema, &mut Vec::new(), &mut slots);
    }
    // A route that needs a sign-in must refuse a hostile bearer token (routes without one may
    // ignore the header).
    let signed_in = op["security"].as_array().is_some_and(|s| !s.is_empty());
    if signed_in {
        slots.push(Slot {
            place: Place::Header,
            name: "authorization".to_owned(),
            kind: Kind::Structured,
        });
    }
    Operation {
        method,
        route: route.to_owned(),
        signed_in,
        slots,
        query,
        body,
    }
}

fn body_slots(route: &str, schema: &Value, at: &mut Vec<Step>, out: &mut Vec<Slot>) {
    for (name, property) in properties(schema) {
        at.push(Step::Key(name.clone()));
        match json_type(property) {
            "object" => body_slots(route, property, at, out),
            "array" => {
                let items = &property["items"];
                at.push(Step::First);
                if json_type(items) == "object" {
                    body_slots(route, items, at, out);
                } else {
                    out.push(Slot {
                        place: Place::Body(at.clone()),
                        name: name.clone(),
                        kind: kind_of(name, route, items),
                    });
                }
                at.pop();
            }
            _ => out.push(Slot {
                place: Place::Body(at.clone()),
                name: name.clone(),
                kind: kind_of(name, route, property),
            }),
        }
        at.pop();
    }
}

fn kind_of(name: &str, route: &str, schema: &Value) -> Kind {
    match json_type(schema) {
        "integer" | "number" => Kind::Number,
        "boolean" => Kind::Bool,
        _ => field(name, route).kind,
    }
}

/// A schema with its `$ref` followed.
fn resolve(doc: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema.clone(),
    }
}

/// A schema with every `$ref` inside it replaced by what it refers to.
fn inline(doc: &Value, schema: &Value) -> Value {
    match resolve(doc, schema) {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, inline(doc, &v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| inline(doc, v)).collect()),
        other => other,
    }
}

fn properties(schema: &Value) -> Vec<(&String, &Value)> {
    schema["properties"]
        .as_object()
        .map(|p| p.iter().collect())
        .unwrap_or_default()
}

/// The schema's type, `null` aside (OpenAPI 3.1 writes an optional string as
/// `["string", "null"]`).
fn json_type(schema: &Value) -> &str {
    match &schema["type"] {
        Value::String(t) => t,
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema["properties"].is_object() => "object",
        _ => "string",
    }
}

impl Operation {
    /// Whether `input` can go into `slot` at all (a header cannot hold a line break).
    pub fn fits(slot: &Slot, input: &Input) -> bool {
        match slot.place {
            Place::Header => {
                HeaderValue::from_bytes(format!("Bearer {}", input.value).as_bytes()).is_ok()
            }
            Place::Path(_) | Place::Query(_) => input.url_encoded().len() < MAX_URI,
            Place::Body(_) => true,
        }
    }

    /// The request with `input` in `slot` and every other field valid; `n` makes unique values
    /// (usernames, slugs) unique.
    /// A valid request with one field more in its JSON body, `name`, which no schema has;
    /// `None` for an operation without a body.
    pub fn request_with_surplus(
        &self,
        scene: &Scene,
        token: Option<&str>,
        n: usize,
        name: &str,
    ) -> Option<Request<Body>> {
        let mut value = build(self.body.as_ref()?, &self.route, None, &[], n);
        value
            .as_object_mut()?
            .insert(name.to_owned(), Value::from(1));
        let mut path = self.route.clone();
        for s in &self.slots {
            if let Place::Path(p) = &s.place {
                path = path.replace(
                    &format!("{{{p}}}"),
                    &urlencode(&scene.path_value(&self.route, p)),
                );
            }
        }
        let mut req = Request::builder()
            .method(self.method.clone())
            .uri(&path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        req.body(Body::from(value.to_string())).ok()
    }

    pub fn request(
        &self,
        scene: &Scene,
        token: Option<&str>,
        slot: &Slot,
        input: &Input,
        n: usize,
    ) -> Request<Body> {
        let mut path = self.route.clone();
        for s in &self.slots {
            if let Place::Path(name) = &s.place {
                let value = if s.place == slot.place {
                    input.url_encoded()
                } else {
                    urlencode(&scene.path_value(&self.route, name))
                };
                path = path.replace(&format!("{{{name}}}"), &value);
            }
        }
        let mut pairs = Vec::new();
        for name in &self.query {
            if slot.place == Place::Query(name.clone()) {
                pairs.push(format!("{name}={}", input.url_encoded()));
            } else if let Some(example) = field(name, &self.route).example.filter(|e| !e.is_empty())
            {
                pairs.push(format!("{name}={}", urlencode(&fill(example, n))));
            }
        }
        if !pairs.is_empty() {
            path = format!("{path}?{}", pairs.join("&"));
        }
        let mut req = Request::builder().method(self.method.clone()).uri(&path);
        if slot.place == Place::Header {
            let value = HeaderValue::from_bytes(format!("Bearer {}", input.value).as_bytes())
                .unwrap_or_else(|e| panic!("header for {}: {e}", input.label()));
            req = req.header(header::AUTHORIZATION, value);
        } else if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match &self.body {
            Some(schema) => {
                let target = match &slot.place {
                    Place::Body(steps) => Some(steps.as_slice()),
                    _ => None,
                };
                let value = build(schema, &self.route, target, &[], n);
                let literal = if slot.kind == Kind::Number {
                    input
                        .bare_json()
                        .map_or_else(|| input.json_literal(), str::to_owned)
                } else {
                    input.json_literal()
                };
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string().replace(PLACEHOLDER_JSON, &literal))
            }
            None => Body::empty(),
        };
        req.body(body)
            .unwrap_or_else(|e| panic!("building {} {path}: {e}", self.method))
    }
}

/// A valid value of `schema`, with the placeholder at `target`.
fn build(schema: &Value, route: &str, target: Option<&[Step]>, at: &[Step], n: usize) -> Value {
    let mut object = Map::new();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in properties(schema) {
        let mut here = at.to_vec();
        here.push(Step::Key(name.clone()));
        let aimed = target.is_some_and(|t| t.starts_with(&here));
        let example = field(name, route).example.filter(|e| !e.is_empty());
        if !aimed && example.is_none() && !required.contains(&name.as_str()) {
            continue;
        }
        let value = match json_type(property) {
            "array" => {
                let mut item_at = here.clone();
                item_at.push(Step::First);
                let items = &property["items"];
                let item = if target == Some(item_at.as_slice()) {
                    Value::String(PLACEHOLDER.to_owned())
                } else if json_type(items) == "object" {
                    build(items, route, target, &item_at, n)
                } else {
                    scalar(items, example, n)
                };
                Value::Array(vec![item])
            }
            "object" => build(property, route, target, &here, n),
            _ if target == Some(here.as_slice()) => Value::String(PLACEHOLDER.to_owned()),
            _ => scalar(property, example, n),
        };
        object.insert(name.clone(), value);
    }
    Value::Object(object)
}

fn scalar(schema: &Value, example: Option<&str>, n: usize) -> Value {
    match (json_type(schema), example) {
        ("integer" | "number", Some(e)) => e.parse::<i64>().map_or(Value::Null, Value::from),
        ("integer" | "number", None) => Value::from(1),
        ("boolean", e) => Value::Bool(e == Some("true")),
        (_, Some(e)) => Value::String(fill(e, n)),
        (_, None) => Value::String("sample".to_owned()),
    }
}

/// An example with `{n}` replaced.
pub fn fill(example: &str, n: usize) -> String {
    example.replace("{n}", &n.to_string())
}
