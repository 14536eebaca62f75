//! Logs in the form go-plugin reads from a plugin's stderr: one JSON object a line with
//! `@level`, `@message`, `@module`, `@timestamp` (`2006-01-02T15:04:05.000000Z07:00`) and the
//! event's and its spans' fields as further keys. Terraform then shows them inside its own log
//! per `TF_LOG_PROVIDER` or `TF_LOG`.
//!
//! The provider logs only when Terraform asks: with neither variable set (or set to `OFF`)
//! no subscriber is installed and nothing is written.

use serde_json::{Map, Value as Json};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// The `@module` every line carries, as terraform-plugin-go names provider logs.
const MODULE: &str = "provider.terraform-provider-acronis";

/// The tracing target prefix of this crate's own events and spans.
const OWN_TARGET: &str = "terraform_provider_acronis";

/// The most verbose level Terraform asked for, from `TF_LOG_PROVIDER`, else `TF_LOG`.
pub fn level_from_env(lookup: impl Fn(&str) -> Option<String>) -> Option<Level> {
    let raw = lookup("TF_LOG_PROVIDER")
        .filter(|v| !v.trim().is_empty())
        .or_else(|| lookup("TF_LOG"))?;
    match raw.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        _ => None,
    }
}

/// Installs the JSON-lines logger on stderr if Terraform asked for logs.
pub fn init_from_env() {
    let Some(level) = level_from_env(|k| std::env::var(k).ok()) else {
        return;
    };
    let layer = GoPluginJson {
        max_level: level,
        writer: || std::io::stderr(),
    };
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer));
}

/// Formats events as go-plugin JSON lines into whatever `writer` returns.
pub struct GoPluginJson<W> {
    pub max_level: Level,
    pub writer: W,
}

/// Fields recorded on a span, kept in its extensions for the events inside it.
struct SpanFields(Map<String, Json>);

impl<S, W, O> Layer<S> for GoPluginJson<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: Fn() -> O + 'static,
    O: std::io::Write,
{
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        // The libraries' own chatter (HTTP/2 frames, TLS records) drowns what users need;
        // they speak up only for warnings and errors.
        let ours = metadata.target().starts_with(OWN_TARGET);
        *metadata.level() <= self.max_level && (ours || *metadata.level() <= Level::WARN)
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut fields = FieldMap::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    line.extend(fields.0.clone());
                }
            }
        }
        let mut fields = FieldMap::default();
        event.record(&mut fields);
        line.extend(fields.fields);
        line.insert(
            "@level".into(),
            Json::from(level_name(event.metadata().level())),
        );
        line.insert(
            "@message".into(),
            Json::from(fields.message.unwrap_or_default()),
        );
        line.insert("@module".into(), Json::from(MODULE));
        line.insert("@timestamp".into(), Json::from(timestamp_now()));
        let mut out = serde_json::to_vec(&line).unwrap_or_default();
        out.push(b'\n');
        // One write per line keeps lines whole when several threads log at once.
        let _ = (self.writer)().write_all(&out);
    }
}

fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// The current time as `2006-01-02T15:04:05.000000Z07:00` in UTC.
pub fn timestamp_now() -> String {
    format_timestamp(time::OffsetDateTime::now_utc())
}

fn format_timestamp(t: time::OffsetDateTime) -> String {
    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(FORMAT)
        .unwrap_or_default()
}

#[derive(Default)]
struct FieldMap {
    message: Option<String>,
    fields: Map<String, Json>,
}

impl Visit for FieldMap {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = Some(text);
        } else {
            self.fields.insert(field.name().into(), Json::from(text));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = Some(value.to_owned());
        } else {
            self.fields.insert(field.name().into(), Json::from(value));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.fields.insert(field.name().into(), Json::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.fields.insert(field.name().into(), Json::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.fields.insert(field.name().into(), Json::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.fields.insert(field.name().into(), Json::from(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_level_comes_from_tf_log_provider_then_tf_log() {
        assert_eq!(level_from_env(lookup(&[])), None);
        assert_eq!(level_from_env(lookup(&[("TF_LOG", "off")])), None);
        assert_eq!(
            level_from_env(lookup(&[("TF_LOG", "debug")])),
            Some(Level::DEBUG)
        );
        assert_eq!(
            level_from_env(lookup(&[("TF_LOG", "debug"), ("TF_LOG_PROVIDER", "TRACE")])),
            Some(Level::TRACE)
        );
        assert_eq!(
            level_from_env(lookup(&[("TF_LOG", "JSON")])),
            Some(Level::TRACE)
        );
    }

    #[test]
    fn timestamps_have_microseconds_and_a_zone() {
        let t = time::macros::datetime!(2026-01-02 03:04:05.123456789 UTC);
        assert_eq!(format_timestamp(t), "2026-01-02T03:04:05.123456Z");
    }

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn events_become_go_plugin_json_lines_with_span_fields() {
        let buffer = Buffer::default();
        let writer_buffer = buffer.clone();
        let layer = GoPluginJson {
            max_level: Level::DEBUG,
            writer: move || writer_buffer.clone(),
        };
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("rpc", rpc = "ReadResource");
            let _guard = span.enter();
            tracing::debug!(status = 200u64, "GET /api/2/users/x");
            tracing::trace!("too verbose to show");
            tracing::debug!(target: "h2::codec", "a library's frame log");
            tracing::warn!(target: "rustls", "a library's warning");
        });
        let text = String::from_utf8(buffer.0.lock().expect("lock").clone()).expect("utf8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[1].contains("a library's warning"));
        let line: Json = serde_json::from_str(lines[0]).expect("json");
        assert_eq!(line["@level"], "debug");
        assert_eq!(line["@message"], "GET /api/2/users/x");
        assert_eq!(line["@module"], MODULE);
        assert_eq!(line["rpc"], "ReadResource");
        assert_eq!(line["status"], 200);
        assert!(line["@timestamp"].as_str().expect("ts").ends_with('Z'));
    }
}
