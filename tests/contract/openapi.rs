//! The vendor's OpenAPI 3.0 document, read from `ACRONIS_OPENAPI_DOCUMENT`, and the check of
//! one recorded exchange against it: the operation (method and path), path and query parameters
//! (known names, types, enums, patterns), the request body's schema, and the answer's schema for
//! its status. Schemas are validated by the `jsonschema` crate; the only conversion is
//! OpenAPI 3.0's `nullable` (see [`convert`]).

use std::collections::BTreeMap;

use acronis_sim::Exchange;
use jsonschema::Draft;
use serde_json::{json, Map, Value};

/// The environment variable naming the document's path.
pub const ENV: &str = "ACRONIS_OPENAPI_DOCUMENT";
/// Where the vendor publishes the document.
pub const PUBLIC_URL: &str =
    "https://developer.acronis.com/doc/account-management/v2/reference/openapi.json";
/// The document's server URL ends in `/api/2`: its paths are relative to it.
const API_PREFIX: &str = "/api/2";

/// The document's operations, and its component schemas converted to JSON Schema.
pub struct Document {
    paths: Map<String, Value>,
    components: Value,
}

/// One operation of the document that a request matched.
struct Matched<'d> {
    operation: &'d Value,
    parameters: Vec<&'d Value>,
    path_values: BTreeMap<String, String>,
}

impl Document {
    /// The document named by [`ENV`], or `None` when the variable is unset.
    ///
    /// # Panics
    /// When the variable names a file that cannot be read or is not an OpenAPI 3.0 document.
    pub fn from_env() -> Option<Document> {
        let path = std::env::var_os(ENV)?;
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{ENV}={}: {e}", path.to_string_lossy()));
        let document: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{ENV}: not JSON: {e}"));
        let version = document["openapi"].as_str().unwrap_or_default();
        assert!(
            version.starts_with("3.0"),
            "{ENV}: OpenAPI {version:?}, expected 3.0"
        );
        let paths = document["paths"].as_object().cloned().unwrap_or_default();
        let components = json!({ "schemas": convert(&document["components"]["schemas"]) });
        Some(Document { paths, components })
    }

    /// The operation id a request is, if the document has it.
    pub fn operation_id(&self, method: &str, path: &str) -> Option<String> {
        self.operation(method, path)
            .and_then(|m| m.operation["operationId"].as_str().map(str::to_owned))
    }

    /// Everything about the exchange that breaks the document (empty when it conforms).
    /// Answers an injected fault gave are not held against the document; their requests are.
    pub fn problems(&self, exchange: &Exchange) -> Vec<String> {
        let mut problems = self.request_problems(exchange);
        problems.extend(self.response_problems(exchange, &[]));
        problems
    }

    /// What about the request breaks the document: operation, parameters, body.
    pub fn request_problems(&self, exchange: &Exchange) -> Vec<String> {
        let Some(matched) = self.operation(&exchange.method, &exchange.path) else {
            return vec![unknown_operation(exchange)];
        };
        let mut problems = Vec::new();
        self.check_parameters(&matched, exchange, &mut problems);
        self.check_request_body(matched.operation, exchange, &mut problems);
        problems
    }

    /// What about the answer breaks the document: its status must be declared and its body
    /// of that status's schema. `tolerated` names (operation id, status) pairs the document
    /// does not declare but the platform answers; their bodies must be the `errorScheme`.
    /// Answers a fault gave are not checked.
    pub fn response_problems(&self, exchange: &Exchange, tolerated: &[(&str, u16)]) -> Vec<String> {
        if exchange.fault {
            return Vec::new();
        }
        let Some(matched) = self.operation(&exchange.method, &exchange.path) else {
            return vec![unknown_operation(exchange)];
        };
        let mut problems = Vec::new();
        let id = matched.operation["operationId"]
            .as_str()
            .unwrap_or_default();
        if tolerated.contains(&(id, exchange.status)) {
            let error = json!({ "$ref": "#/components/schemas/errorScheme" });
            self.check_json_body(&error, exchange, &mut problems);
        } else {
            self.check_response(matched.operation, exchange, &mut problems);
        }
        problems
    }

    fn operation(&self, method: &str, path: &str) -> Option<Matched<'_>> {
        let relative = path.strip_prefix(API_PREFIX)?;
        let segments: Vec<&str> = relative.split('/').collect();
        self.paths.iter().find_map(|(template, item)| {
            let pattern: Vec<&str> = template.split('/').collect();
            if pattern.len() != segments.len() {
                return None;
            }
            let mut path_values = BTreeMap::new();
            for (p, s) in pattern.iter().zip(&segments) {
                match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) => {
                        path_values.insert(name.to_owned(), (*s).to_owned());
                    }
                    None if p == s => {}
                    None => return None,
                }
            }
            let operation = item.get(method.to_ascii_lowercase())?;
            let parameters = [&item["parameters"], &operation["parameters"]]
                .into_iter()
                .filter_map(Value::as_array)
                .flatten()
                .collect();
            Some(Matched {
                operation,
                parameters,
                path_values,
            })
        })
    }

    fn check_parameters(&self, matched: &Matched<'_>, exchange: &Exchange, out: &mut Vec<String>) {
        let declared = |place: &str, name: &str| {
            matched
                .parameters
                .iter()
                .find(|p| p["in"] == place && p["name"] == name)
        };
        for (name, value) in &matched.path_values {
            match declared("path", name) {
                Some(p) => self.check_value(&format!("path {name}"), &p["schema"], value, out),
                None => out.push(format!("path parameter {name} is not declared")),
            }
        }
        let query: Vec<(String, String)> = url::form_urlencoded::parse(exchange.query.as_bytes())
            .into_owned()
            .collect();
        for (name, value) in &query {
            match declared("query", name) {
                Some(p) => self.check_value(&format!("query {name}"), &p["schema"], value, out),
                None => out.push(format!("query parameter {name:?} is not declared")),
            }
        }
        for p in &matched.parameters {
            let name = p["name"].as_str().unwrap_or_default();
            if p["in"] == "query" && p["required"] == true && !query.iter().any(|(n, _)| n == name)
            {
                out.push(format!("required query parameter {name} is missing"));
            }
        }
    }

    /// A parameter's text, typed as its schema says, against that schema.
    fn check_value(&self, what: &str, schema: &Value, raw: &str, out: &mut Vec<String>) {
        let typed = match schema["type"].as_str() {
            Some("integer") => raw.parse::<i64>().map(Value::from).ok(),
            Some("number") => raw.parse::<f64>().ok().map(Value::from),
            Some("boolean") => match raw {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            _ => Some(Value::String(raw.to_owned())),
        };
        match typed {
            Some(value) => self.validate(what, schema, &value, out),
            None => out.push(format!("{what}: {raw:?} is not a {}", schema["type"])),
        }
    }

    fn check_request_body(&self, operation: &Value, exchange: &Exchange, out: &mut Vec<String>) {
        let content = &operation["requestBody"]["content"];
        if content.is_null() {
            if !exchange.request_body.is_empty() {
                out.push("a body was sent to an operation that takes none".to_owned());
            }
            return;
        }
        let mime = exchange
            .content_type
            .as_deref()
            .and_then(|t| t.split(';').next())
            .unwrap_or_default()
            .trim();
        let Some(media) = content.get(mime) else {
            out.push(format!("request content type {mime:?} is not declared"));
            return;
        };
        let body = if mime == "application/x-www-form-urlencoded" {
            let fields: Map<String, Value> =
                url::form_urlencoded::parse(exchange.request_body.as_bytes())
                    .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                    .collect();
            Value::Object(fields)
        } else {
            match serde_json::from_str(&exchange.request_body) {
                Ok(body) => body,
                Err(e) => return out.push(format!("request body is not JSON: {e}")),
            }
        };
        self.validate("request body", &media["schema"], &body, out);
    }

    fn check_response(&self, operation: &Value, exchange: &Exchange, out: &mut Vec<String>) {
        let responses = &operation["responses"];
        let status = exchange.status.to_string();
        let Some(declared) = responses.get(&status).or_else(|| responses.get("default")) else {
            return out.push(format!("status {status} is not declared"));
        };
        let Some(schema) = declared["content"]["application/json"].get("schema") else {
            if !exchange.response_body.is_empty() {
                out.push(format!("status {status} declares no body, but one came"));
            }
            return;
        };
        self.check_json_body(schema, exchange, out);
    }

    fn check_json_body(&self, schema: &Value, exchange: &Exchange, out: &mut Vec<String>) {
        let status = exchange.status;
        match serde_json::from_str(&exchange.response_body) {
            Ok(body) => self.validate(&format!("{status} answer"), schema, &body, out),
            Err(e) => out.push(format!("{status} answer is not JSON: {e}")),
        }
    }

    /// Validates with the `jsonschema` crate (draft 4, the base of OpenAPI 3.0's schemas); the
    /// schema's `$ref`s resolve into the converted components carried beside it.
    fn validate(&self, what: &str, schema: &Value, instance: &Value, out: &mut Vec<String>) {
        let root = json!({ "allOf": [convert(schema)], "components": self.components });
        let validator = match jsonschema::options().with_draft(Draft::Draft4).build(&root) {
            Ok(validator) => validator,
            Err(e) => {
                return out.push(format!(
                    "{what}: the document's schema does not compile: {e}"
                ))
            }
        };
        for error in validator.iter_errors(instance) {
            out.push(format!("{what}: {error} at {}", error.instance_path));
        }
    }
}

fn unknown_operation(exchange: &Exchange) -> String {
    format!(
        "{} {} is no operation of the document",
        exchange.method, exchange.path
    )
}

/// OpenAPI 3.0 → JSON Schema: `nullable: true` is no JSON Schema keyword, so a schema
/// `{nullable: true, ...rest}` becomes `{"anyOf": [rest, {"type": "null"}]}` (which also lets
/// `null` past an `enum` or an `allOf` of a `$ref`, as OpenAPI means). Nothing else changes.
pub fn convert(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => {
            let mut rest: Map<String, Value> = object
                .iter()
                .filter(|(k, _)| k.as_str() != "nullable")
                .map(|(k, v)| (k.clone(), convert(v)))
                .collect();
            if object.get("nullable") == Some(&Value::Bool(true)) {
                let description = rest.remove("description");
                let mut wrapped = Map::new();
                wrapped.insert(
                    "anyOf".into(),
                    json!([Value::Object(rest), {"type": "null"}]),
                );
                if let Some(description) = description {
                    wrapped.insert("description".into(), description);
                }
                Value::Object(wrapped)
            } else {
                Value::Object(rest)
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        other => other.clone(),
    }
}
