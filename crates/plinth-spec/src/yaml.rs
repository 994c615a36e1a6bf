//! YAML loading that keeps source positions.
//!
//! The spec is parsed event by event (saphyr-parser) into a JSON value plus a [`SpanIndex`]
//! that maps every JSON pointer (`/cluster/nodeGroups/0/name`) to the byte spans of its key and
//! value. Everything downstream works on plain JSON and asks the index where a value came from.
//!
//! This layer also defends against hostile input: one document only, bounded nesting, bounded
//! alias expansion (no "billion laughs"), no duplicate keys, no custom tags.

use std::borrow::Cow;
use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan, Tag};
use serde_json::{Map, Number, Value};

use crate::diagnostic::{Diagnostic, Span, line_col};

/// Limits that keep a hostile spec from exhausting memory or stack.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most nodes the document may expand to, counting alias expansions.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 32,
            max_nodes: 100_000,
        }
    }
}

/// Where a node of the document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSpan {
    /// The mapping key naming this node, when it is a mapping value.
    pub key: Option<Span>,
    /// The node itself.
    pub value: Span,
}

/// JSON pointer → source spans.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    nodes: BTreeMap<String, NodeSpan>,
}

impl SpanIndex {
    /// The span of the value at `pointer`, or of its nearest ancestor that has one.
    pub fn value(&self, pointer: &str) -> Option<Span> {
        self.nearest(pointer).map(|n| n.value)
    }

    /// The span of the key naming `pointer` (falling back to its value, then its ancestors).
    pub fn key(&self, pointer: &str) -> Option<Span> {
        self.nearest(pointer).map(|n| n.key.unwrap_or(n.value))
    }

    /// Whether the document has a node at exactly `pointer`.
    pub fn contains(&self, pointer: &str) -> bool {
        self.nodes.contains_key(pointer)
    }

    /// The spans of exactly `pointer`, without falling back to an ancestor.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.nodes.get(pointer).copied()
    }

    /// The deepest pointer whose key or value contains `span`: which node a diagnostic is about.
    pub fn pointer_at(&self, span: Span) -> Option<&str> {
        let within = |s: Span| s.start <= span.start && span.end <= s.end;
        self.nodes
            .iter()
            .filter(|(_, n)| within(n.value) || n.key.is_some_and(within))
            .max_by_key(|(p, _)| p.len())
            .map(|(p, _)| p.as_str())
    }

    /// Records where the node at `pointer` came from.
    pub(crate) fn insert(&mut self, pointer: String, span: NodeSpan) {
        self.nodes.insert(pointer, span);
    }

    /// Copies the spans of the node at `from` in `source`, and of everything under it, to the
    /// node at `to` here: a subtree moved from one document into another keeps pointing at the
    /// text it came from.
    pub(crate) fn copy_subtree(&mut self, source: &SpanIndex, from: &str, to: &str) {
        let under = source
            .nodes
            .range(from.to_owned()..)
            .take_while(|(p, _)| p.starts_with(from))
            .filter(|(p, _)| p.len() == from.len() || p.as_bytes()[from.len()] == b'/');
        for (p, span) in under {
            self.nodes
                .insert(format!("{to}{}", &p[from.len()..]), *span);
        }
    }

    fn nearest(&self, pointer: &str) -> Option<&NodeSpan> {
        let mut p = pointer;
        loop {
            if let Some(n) = self.nodes.get(p) {
                return Some(n);
            }
            if p.is_empty() {
                return None;
            }
            p = p.rfind('/').map_or("", |i| &p[..i]);
        }
    }
}

/// A parsed spec document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document as JSON, scalars resolved with the YAML 1.2 core schema.
    pub value: Value,
    /// Where each node came from.
    pub spans: SpanIndex,
}

/// Parses one YAML document. Returns the document when it could be read at all, and every
/// problem found on the way.
pub fn parse(source: &str, limits: Limits) -> (Option<Document>, Vec<Diagnostic>) {
    let mut builder = Builder {
        parser: Parser::new_from_str(source),
        offsets: CharOffsets::new(source),
        source,
        limits,
        nodes: 0,
        anchors: BTreeMap::new(),
        spans: SpanIndex::default(),
        diagnostics: Vec::new(),
    };
    let value = builder.document();
    let doc = value.map(|value| Document {
        value,
        spans: builder.spans,
    });
    (doc, builder.diagnostics)
}

/// Converts saphyr's character indices into byte offsets.
struct CharOffsets {
    /// Byte offset of every char, only kept when the source is not pure ASCII.
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(source: &str) -> Self {
        let table = (!source.is_ascii()).then(|| source.char_indices().map(|(b, _)| b).collect());
        Self {
            table,
            len: source.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        }
    }

    fn span(&self, s: YamlSpan) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }
}

/// Why building stopped early.
struct Abort;

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    offsets: CharOffsets,
    source: &'a str,
    limits: Limits,
    nodes: usize,
    anchors: BTreeMap<usize, (Value, usize)>,
    spans: SpanIndex,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn document(&mut self) -> Option<Value> {
        let mut value = None;
        let mut documents = 0;
        loop {
            let (event, span) = self.next().ok()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        self.diagnostics.push(
                            Diagnostic::error(
                                "yaml::multiple-documents",
                                "the spec holds more than one YAML document",
                            )
                            .at(Some(self.offsets.span(span)))
                            .label("a second document starts here")
                            .help(
                                "a plinth spec is one document; put each platform in its own file",
                            ),
                        );
                        return None;
                    }
                }
                event => {
                    value = Some(self.node(event, span, String::new(), None, 0).ok()?);
                }
            }
        }
        if value.is_none() {
            self.diagnostics.push(
                Diagnostic::error("yaml::empty", "the spec is empty")
                    .help("start from examples/druid-analytics/plinth.yaml"),
            );
        }
        value
    }

    fn next(&mut self) -> Result<(Event<'a>, YamlSpan), Abort> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => {
                let m = e.marker();
                let at = self.offsets.byte(m.index());
                self.diagnostics.push(
                    Diagnostic::error("yaml::syntax", format!("invalid YAML: {}", e.info()))
                        .at(Some(Span::new(at, at)))
                        .label("the parser stopped here")
                        .help("the mistake is here or just before it: an unclosed bracket or quote, a tab, or a misaligned key"),
                );
                Err(Abort)
            }
            None => {
                let end = self.source.len();
                self.diagnostics.push(
                    Diagnostic::error("yaml::syntax", "invalid YAML: unexpected end of input")
                        .at(Some(Span::new(end, end))),
                );
                Err(Abort)
            }
        }
    }

    fn count_nodes(&mut self, n: usize, span: Span) -> Result<(), Abort> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            self.diagnostics.push(
                Diagnostic::error(
                    "yaml::too-large",
                    format!("the spec expands to more than {} nodes", self.limits.max_nodes),
                )
                .at(Some(span))
                .label("expansion limit reached here")
                .help("aliases that repeat large anchors multiply the document; write the values out or trim the anchors"),
            );
            return Err(Abort);
        }
        Ok(())
    }

    fn node(
        &mut self,
        event: Event<'a>,
        yspan: YamlSpan,
        pointer: String,
        key: Option<Span>,
        depth: usize,
    ) -> Result<Value, Abort> {
        let span = self.offsets.span(yspan);
        self.count_nodes(1, span)?;
        let (value, anchor, end) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let v = self.scalar(&text, style, tag.as_deref(), span)?;
                (v, anchor, span)
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_depth(depth, span)?;
                self.reject_tag(tag.as_deref(), span)?;
                let mut items = Vec::new();
                let mut last = None;
                let end = loop {
                    let (ev, s) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break self.collection_end(self.offsets.span(s), last);
                    }
                    let child = format!("{pointer}/{}", items.len());
                    items.push(self.node(ev, s, child.clone(), None, depth + 1)?);
                    last = self.spans.nodes.get(&child).map(|n| n.value);
                };
                (Value::Array(items), anchor, end)
            }
            Event::MappingStart(anchor, tag) => {
                self.check_depth(depth, span)?;
                self.reject_tag(tag.as_deref(), span)?;
                let map = self.mapping(&pointer, depth)?;
                (Value::Object(map.0), anchor, map.1)
            }
            Event::Alias(id) => {
                let Some((v, n)) = self.anchors.get(&id).cloned() else {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "yaml::unknown-alias",
                            "alias to an anchor that is not defined",
                        )
                        .at(Some(span)),
                    );
                    return Err(Abort);
                };
                self.count_nodes(n, span)?;
                (v, 0, span)
            }
            other => {
                self.diagnostics.push(
                    Diagnostic::error("yaml::syntax", format!("unexpected YAML event {other:?}"))
                        .at(Some(span)),
                );
                return Err(Abort);
            }
        };
        let whole = Span::new(span.start, end.end.max(span.end));
        self.spans
            .nodes
            .insert(pointer, NodeSpan { key, value: whole });
        if anchor != 0 {
            let n = count(&value);
            self.anchors.insert(anchor, (value.clone(), n));
        }
        Ok(value)
    }

    /// Where a collection ends: its closing bracket in flow style; in block style the end
    /// event sits at the next token, so the collection ends with its last child instead.
    fn collection_end(&self, end_event: Span, last_child: Option<Span>) -> Span {
        let closes = matches!(
            self.source.as_bytes().get(end_event.start),
            Some(b']' | b'}')
        );
        match last_child {
            Some(last) if !closes => last,
            _ => end_event,
        }
    }

    fn mapping(
        &mut self,
        pointer: &str,
        depth: usize,
    ) -> Result<(Map<String, Value>, Span), Abort> {
        let mut map = Map::new();
        let mut key_spans: BTreeMap<String, Span> = BTreeMap::new();
        let mut last = None;
        loop {
            let (ev, s) = self.next()?;
            let kspan = self.offsets.span(s);
            let key = match ev {
                Event::MappingEnd => return Ok((map, self.collection_end(kspan, last))),
                Event::Scalar(text, _, _, _) => text.into_owned(),
                _ => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "yaml::complex-key",
                            "mapping keys must be plain strings",
                        )
                        .at(Some(kspan))
                        .label("this key is a mapping, sequence or alias"),
                    );
                    return Err(Abort);
                }
            };
            let (vev, vs) = self.next()?;
            let child = format!("{pointer}/{}", escape_pointer(&key));
            let value = self.node(vev, vs, child.clone(), Some(kspan), depth + 1)?;
            last = self.spans.nodes.get(&child).map(|n| n.value);
            if let Some(first) = key_spans.get(&key) {
                let (line, col) = line_col(self.source, first.start);
                self.diagnostics.push(
                    Diagnostic::error("yaml::duplicate-key", format!("duplicate key `{key}`"))
                        .at(Some(kspan))
                        .label("defined again here")
                        .help(format!("`{key}` is first defined at line {line}, column {col}; keep one of them")),
                );
                continue;
            }
            key_spans.insert(key.clone(), kspan);
            map.insert(key, value);
        }
    }

    fn check_depth(&mut self, depth: usize, span: Span) -> Result<(), Abort> {
        if depth >= self.limits.max_depth {
            self.diagnostics.push(
                Diagnostic::error(
                    "yaml::too-deep",
                    format!(
                        "the spec nests deeper than {} levels",
                        self.limits.max_depth
                    ),
                )
                .at(Some(span))
                .label("nesting limit reached here")
                .help("a plinth spec is at most a few levels deep; this input is not a spec"),
            );
            return Err(Abort);
        }
        Ok(())
    }

    fn reject_tag(&mut self, tag: Option<&Tag>, span: Span) -> Result<(), Abort> {
        match tag {
            None => Ok(()),
            Some(t) if t.is_yaml_core_schema() && matches!(t.suffix.as_str(), "map" | "seq") => {
                Ok(())
            }
            Some(t) => {
                self.unsupported_tag(t, span);
                Err(Abort)
            }
        }
    }

    fn unsupported_tag(&mut self, t: &Tag, span: Span) {
        self.diagnostics.push(
            Diagnostic::error(
                "yaml::unsupported-tag",
                format!("YAML tag `{}{}` is not supported here", t.handle, t.suffix),
            )
            .at(Some(span))
            .help("remove the tag; plinth specs use plain YAML values"),
        );
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<Value, Abort> {
        let kind = match tag {
            None => None,
            Some(t) if t.is_yaml_core_schema() => Some(t.suffix.as_str()),
            Some(t) => {
                self.unsupported_tag(t, span);
                return Err(Abort);
            }
        };
        let value = match kind {
            Some("str") => Value::String(text.to_owned()),
            Some(explicit) => match resolve_plain(text) {
                v @ Value::Bool(_) if explicit == "bool" => v,
                v @ Value::Number(_) if explicit == "int" || explicit == "float" => v,
                v @ Value::Null if explicit == "null" => v,
                _ => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "yaml::bad-tagged-value",
                            format!("`{text}` is not a valid !!{explicit}"),
                        )
                        .at(Some(span)),
                    );
                    return Err(Abort);
                }
            },
            None if style == ScalarStyle::Plain => resolve_plain(text),
            None => Value::String(text.to_owned()),
        };
        Ok(value)
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = resolve_int(text) {
        return n;
    }
    if is_float(text)
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_owned())
}

fn resolve_int(text: &str) -> Option<Value> {
    let (radix, digits) = if let Some(h) = text.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = text.strip_prefix("0o") {
        (8, o)
    } else {
        let body = text.strip_prefix(['-', '+']).unwrap_or(text);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        (10, text)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) && radix != 10 {
        return None;
    }
    if let Ok(i) = i64::from_str_radix(digits, radix) {
        return Some(Value::Number(i.into()));
    }
    u64::from_str_radix(digits.trim_start_matches('+'), radix)
        .ok()
        .map(|u| Value::Number(u.into()))
}

fn is_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Escapes a mapping key for use in a JSON pointer (RFC 6901).
pub fn escape_pointer(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(key)
    }
}

fn count(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(count).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(count).sum::<usize>(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(src: &str) -> (Option<Document>, Vec<Diagnostic>) {
        parse(src, Limits::default())
    }

    #[test]
    fn resolves_core_schema_scalars() {
        let (doc, diags) =
            load("a: 1\nb: \"1\"\nc: 1.34\nd: true\ne: ~\nf: 10.0.0.0/16\ng: 0x1f\nh: '07'\n");
        assert!(diags.is_empty(), "{diags:?}");
        let v = doc.unwrap().value;
        assert_eq!(v["a"], Value::from(1));
        assert_eq!(v["b"], Value::from("1"));
        assert_eq!(v["c"], Value::from(1.34));
        assert_eq!(v["d"], Value::from(true));
        assert_eq!(v["e"], Value::Null);
        assert_eq!(v["f"], Value::from("10.0.0.0/16"));
        assert_eq!(v["g"], Value::from(31));
        assert_eq!(v["h"], Value::from("07"));
    }

    #[test]
    fn records_key_and_value_spans() {
        let src = "network:\n  cidr: 10.0.0.0/16\n";
        let (doc, _) = load(src);
        let spans = doc.unwrap().spans;
        let v = spans.value("/network/cidr").unwrap();
        assert_eq!(&src[v.start..v.end], "10.0.0.0/16");
        let k = spans.key("/network/cidr").unwrap();
        assert_eq!(&src[k.start..k.end], "cidr");
        // An unknown pointer falls back to its nearest ancestor.
        assert_eq!(spans.value("/network/cidr/nope"), Some(v));
    }

    #[test]
    fn spans_are_bytes_even_after_multibyte_text() {
        let src = "name: \"café ☕\"\nid: x\n";
        let (doc, _) = load(src);
        let v = doc.unwrap().spans.value("/id").unwrap();
        assert_eq!(&src[v.start..v.end], "x");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (_, diags) = load("a: 1\nb: 2\na: 3\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "yaml::duplicate-key");
        assert!(diags[0].help.as_deref().unwrap().contains("line 1"));
    }

    #[test]
    fn alias_bombs_stop_at_the_node_limit() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            let refs = vec![format!("*a{p}"); 10].join(", ");
            src = format!("{src}a{i}: &a{i} [{refs}]\n");
        }
        let (doc, diags) = load(&src);
        assert!(doc.is_none());
        assert_eq!(diags[0].code, "yaml::too-large");
    }

    #[test]
    fn deep_nesting_stops_at_the_depth_limit() {
        let src = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let (doc, diags) = load(&src);
        assert!(doc.is_none());
        assert_eq!(diags[0].code, "yaml::too-deep");
    }

    #[test]
    fn syntax_errors_are_located() {
        let (doc, diags) = load("a: [1, 2\nb: 3\n");
        assert!(doc.is_none());
        assert_eq!(diags[0].code, "yaml::syntax");
        assert!(diags[0].span.is_some());
    }

    #[test]
    fn second_document_is_rejected() {
        let (_, diags) = load("a: 1\n---\nb: 2\n");
        assert_eq!(diags[0].code, "yaml::multiple-documents");
    }

    #[test]
    fn custom_tags_are_rejected() {
        let (_, diags) = load("a: !Ref x\n");
        assert_eq!(diags[0].code, "yaml::unsupported-tag");
    }
}
