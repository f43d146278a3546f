//! JSON with positions: parsing, turning byte offsets into lines and columns, paths such as
//! `ArrayOfSyncScope[0].ScopeTables[3].Columns[2].type`, and typed access to the values of a
//! document that reports every wrong type, missing key and unknown key where it is.
//!
//! The parser is jsonc-parser, whose syntax tree keeps the byte range of every node. It is set
//! up to accept what hand-edited JSON commonly holds besides strict JSON, comments and trailing
//! commas, and nothing else of JSON5 (single quotes, unquoted keys, hexadecimal or non-finite
//! numbers, missing commas are syntax errors). Nesting deeper than the parser's limit (512) is
//! a syntax error too, so no input can exhaust the stack.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use jsonc_parser::ast::{Array, Object as AstObject, ObjectProp, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

use crate::{Diagnostic, Location, Severity};

/// How the path of a document's root value is written.
pub(crate) const ROOT: &str = "<root>";

/// The diagnostics of one read, shared by every document it opens.
#[derive(Debug, Default)]
pub(crate) struct Report {
    items: RefCell<Vec<Diagnostic>>,
}

impl Report {
    /// Records a diagnostic.
    pub(crate) fn push(&self, diagnostic: Diagnostic) {
        self.items.borrow_mut().push(diagnostic);
    }

    /// Records an error.
    pub(crate) fn error(&self, at: Location, message: impl Into<String>) {
        self.push(Diagnostic::error(at, message));
    }

    /// Records an error that says what was expected.
    pub(crate) fn expected(&self, at: Location, message: impl Into<String>, expected: &str) {
        self.push(Diagnostic::error(at, message).expected(expected));
    }

    /// Records a warning.
    pub(crate) fn warning(&self, at: Location, message: impl Into<String>) {
        self.push(Diagnostic::warning(at, message));
    }

    /// How many errors have been recorded so far.
    pub(crate) fn error_count(&self) -> usize {
        let items = self.items.borrow();
        items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Takes every diagnostic out, in document order: by file, line and column (what has no
    /// line first), then in the order they were recorded.
    pub(crate) fn take(&self) -> Vec<Diagnostic> {
        let mut items = std::mem::take(&mut *self.items.borrow_mut());
        items.sort_by(|a, b| {
            let (a, b) = (&a.location, &b.location);
            (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column))
        });
        items
    }
}

/// One JSON text and what locating a node in it needs.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    text: &'a str,
    /// The byte offset at which each line starts.
    line_starts: Vec<usize>,
    file: Option<PathBuf>,
    report: &'a Report,
}

impl<'a> Doc<'a> {
    /// A document over `text`, read from `file` when there is one.
    pub(crate) fn new(text: &'a str, file: Option<&Path>, report: &'a Report) -> Doc<'a> {
        Doc {
            text,
            line_starts: line_starts(text),
            file: file.map(Path::to_path_buf),
            report,
        }
    }

    /// The file the document came from, if any.
    pub(crate) fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The location of a byte offset, under a document path.
    pub(crate) fn location(&self, path: &str, offset: usize) -> Location {
        let (line, column) = self.line_column(offset);
        self.place(Location::new(path, line, column))
    }

    fn place(&self, location: Location) -> Location {
        match &self.file {
            Some(file) => location.in_file(file),
            None => location,
        }
    }

    /// The line and the column in characters, both from 1, of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line.max(1), column + 1)
    }

    /// Parses the text, or reports why it is not JSON and returns `None`.
    pub(crate) fn parse(&self) -> Option<Value<'a>> {
        match parse_to_ast(self.text, &CollectOptions::default(), &parse_options()) {
            Ok(parsed) => {
                if parsed.value.is_none() {
                    let message = if self.text.trim().is_empty() {
                        "the document is empty"
                    } else {
                        "the document holds no JSON value"
                    };
                    self.report
                        .expected(self.location(ROOT, 0), message, "a JSON object");
                }
                parsed.value
            }
            Err(error) => {
                let at = self.location(ROOT, error.range().start);
                let reason = error.kind().to_string();
                let mut chars = reason.chars();
                let first = chars.next().map(|c| c.to_ascii_lowercase());
                let reason: String = first.into_iter().chain(chars).collect();
                self.report.error(at, format!("not valid JSON: {reason}"));
                None
            }
        }
    }

    /// The root node of a parsed value of this document.
    pub(crate) fn root<'v>(&'v self, value: &'v Value<'a>) -> Node<'v, 'a> {
        Node {
            doc: self,
            value,
            path: ROOT.to_owned(),
        }
    }
}

/// Strict JSON, plus comments and trailing commas.
fn parse_options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// The byte offsets at which lines start: after `\n`, and after a `\r` not followed by `\n`.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        let lone_cr = b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        if b == b'\n' || lone_cr {
            starts.push(i + 1);
        }
    }
    starts
}

/// The path of a key below `parent`: `parent.key`, or `parent["odd key"]` for keys that are not
/// plain words; a key of the root is written alone.
pub(crate) fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    match (parent == ROOT, plain) {
        (true, true) => key.to_owned(),
        (true, false) => format!("[{key:?}]"),
        (false, true) => format!("{parent}.{key}"),
        (false, false) => format!("{parent}[{key:?}]"),
    }
}

/// The path of an array element below `parent`.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    if parent == ROOT {
        format!("[{index}]")
    } else {
        format!("{parent}[{index}]")
    }
}

/// A value in a document, with its path.
#[derive(Debug, Clone)]
pub(crate) struct Node<'v, 'a> {
    doc: &'v Doc<'a>,
    value: &'v Value<'a>,
    path: String,
}

impl<'v, 'a> Node<'v, 'a> {
    /// Where the value starts.
    pub(crate) fn location(&self) -> Location {
        self.doc.location(&self.path, self.value.start())
    }

    /// The report to write to.
    pub(crate) fn report(&self) -> &'a Report {
        self.doc.report
    }

    /// Reports a value of the wrong kind.
    fn wrong(&self, expected: &str) {
        let found = format!("found {}", self.describe());
        self.report().expected(self.location(), found, expected);
    }

    /// A short description of the value for messages: `"ten"`, `12`, `an object`, ...
    pub(crate) fn describe(&self) -> String {
        match self.value {
            Value::StringLit(s) => format!("{:?}", shorten(&s.value)),
            Value::NumberLit(n) => shorten(n.value),
            Value::BooleanLit(b) => b.value.to_string(),
            Value::NullKeyword(_) => "null".to_owned(),
            Value::Object(_) => "an object".to_owned(),
            Value::Array(_) => "an array".to_owned(),
        }
    }

    /// The value as an object whose keys are read one by one, or an error.
    pub(crate) fn object(&self) -> Option<Keys<'v, 'a>> {
        match self.value {
            Value::Object(object) => Some(Keys::new(self.clone(), object)),
            _ => {
                self.wrong("an object");
                None
            }
        }
    }

    /// The elements of an array, or an error.
    pub(crate) fn array(&self) -> Option<Vec<Node<'v, 'a>>> {
        match self.value {
            Value::Array(array) => Some(self.elements(array)),
            _ => {
                self.wrong("an array");
                None
            }
        }
    }

    fn elements(&self, array: &'v Array<'a>) -> Vec<Node<'v, 'a>> {
        let elements = array.elements.iter().enumerate();
        elements
            .map(|(i, value)| Node {
                doc: self.doc,
                value,
                path: index_path(&self.path, i),
            })
            .collect()
    }

    /// The value as a string, or an error.
    pub(crate) fn string(&self) -> Option<Text> {
        match self.value {
            Value::StringLit(s) => Some(Text {
                value: s.value.to_string(),
                at: self.location(),
            }),
            _ => {
                self.wrong("a string");
                None
            }
        }
    }

    /// The value as a string that is not empty, or an error.
    pub(crate) fn name(&self) -> Option<Text> {
        let text = self.string()?;
        if text.value.is_empty() {
            self.report()
                .expected(text.at, "the name is empty", "a name");
            return None;
        }
        Some(text)
    }

    /// The value as a JSON boolean, or an error.
    pub(crate) fn boolean(&self) -> Option<bool> {
        match self.value {
            Value::BooleanLit(b) => Some(b.value),
            _ => {
                self.wrong("true or false");
                None
            }
        }
    }

    /// A flag written as a JSON boolean or as the string `"true"` or `"false"`, or an error.
    pub(crate) fn flag(&self) -> Option<bool> {
        match self.value {
            Value::BooleanLit(b) => Some(b.value),
            Value::StringLit(s) if s.value == "true" => Some(true),
            Value::StringLit(s) if s.value == "false" => Some(false),
            _ => {
                self.wrong("\"true\" or \"false\"");
                None
            }
        }
    }

    /// The value as a whole number from 0 to `u32::MAX`, or an error.
    pub(crate) fn count(&self) -> Option<u32> {
        let parsed = match self.value {
            Value::NumberLit(n) => n.value.parse::<u32>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.wrong("a whole number from 0 to 4294967295");
        }
        parsed
    }

    /// An array of names, or an error for the array or any element.
    pub(crate) fn names(&self) -> Option<Vec<Text>> {
        let elements = self.array()?;
        let names: Vec<Option<Text>> = elements.iter().map(Node::name).collect();
        names.into_iter().collect()
    }
}

/// Cuts long values short for messages.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(MAX).collect();
    short.push('…');
    short
}

/// Where the key of a property of `object` is.
fn key_location(object: &Node<'_, '_>, prop: &ObjectProp<'_>) -> Location {
    let path = key_path(&object.path, prop.name.as_str());
    object.doc.location(&path, prop.name.start())
}

/// A string read from a document, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    /// The string.
    pub(crate) value: String,
    /// Where it is.
    pub(crate) at: Location,
}

/// An object being read: each key is taken once; what is left over at the end was not
/// understood and is reported as a warning.
#[derive(Debug)]
pub(crate) struct Keys<'v, 'a> {
    node: Node<'v, 'a>,
    props: &'v [ObjectProp<'a>],
    used: Vec<bool>,
}

impl<'v, 'a> Keys<'v, 'a> {
    /// Starts reading an object; a key that appears twice is an error.
    fn new(node: Node<'v, 'a>, object: &'v AstObject<'a>) -> Keys<'v, 'a> {
        let props = object.properties.as_slice();
        let keys = Keys {
            node,
            props,
            used: vec![false; props.len()],
        };
        keys.report_repeated_keys();
        keys
    }

    fn report_repeated_keys(&self) {
        let mut seen = std::collections::HashSet::new();
        for prop in self.props {
            let name = prop.name.as_str();
            if !seen.insert(name) {
                let at = self.key_location(prop);
                self.node
                    .report()
                    .error(at, format!("the key `{name}` appears twice"));
            }
        }
    }

    fn key_location(&self, prop: &ObjectProp<'a>) -> Location {
        key_location(&self.node, prop)
    }

    /// The object itself.
    pub(crate) fn node(&self) -> &Node<'v, 'a> {
        &self.node
    }

    /// Where the object starts.
    pub(crate) fn location(&self) -> Location {
        self.node.location()
    }

    /// Whether the object has this key.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.props.iter().any(|p| p.name.as_str() == key)
    }

    /// Takes the value of a key, if present.
    pub(crate) fn take(&mut self, key: &str) -> Option<Node<'v, 'a>> {
        let index = self.props.iter().position(|p| p.name.as_str() == key)?;
        if let Some(used) = self.used.get_mut(index) {
            *used = true;
        }
        let prop = self.props.get(index)?;
        Some(Node {
            doc: self.node.doc,
            value: &prop.value,
            path: key_path(&self.node.path, key),
        })
    }

    /// Takes the value of a key that must be present, or reports that it is missing.
    pub(crate) fn require(&mut self, key: &str) -> Option<Node<'v, 'a>> {
        let node = self.take(key);
        if node.is_none() {
            let message = format!("the required key `{key}` is missing");
            self.node.report().error(self.location(), message);
        }
        node
    }

    /// Takes a value that, when present and not null, must be a string.
    pub(crate) fn optional_string(&mut self, key: &str) -> Option<Text> {
        self.take(key).filter(Node::is_present)?.string()
    }

    /// Takes a flag (boolean or `"true"`/`"false"`), or `default` when it is absent or null.
    pub(crate) fn flag_or(&mut self, key: &str, default: bool) -> bool {
        let node = self.take(key).filter(Node::is_present);
        node.and_then(|n| n.flag()).unwrap_or(default)
    }

    /// Takes a JSON boolean, or `default` when it is absent or null.
    pub(crate) fn boolean_or(&mut self, key: &str, default: bool) -> bool {
        let node = self.take(key).filter(Node::is_present);
        node.and_then(|n| n.boolean()).unwrap_or(default)
    }

    /// Takes a whole number, when present and not null.
    pub(crate) fn optional_count(&mut self, key: &str) -> Option<u32> {
        self.take(key).filter(Node::is_present)?.count()
    }

    /// Marks keys that this reader knows and deliberately leaves out of the model.
    pub(crate) fn ignore(&mut self, keys: &[&str]) {
        for key in keys {
            let _ = self.take(key);
        }
    }

    /// Takes every key not taken yet, with where each is.
    pub(crate) fn rest(&mut self) -> Vec<(String, Location)> {
        let mut rest = Vec::new();
        for (prop, used) in self.props.iter().zip(self.used.iter_mut()) {
            if !*used {
                *used = true;
                rest.push((
                    prop.name.as_str().to_owned(),
                    key_location(&self.node, prop),
                ));
            }
        }
        rest
    }

    /// Reports every key that was not taken as a warning, ending the reading of the object.
    pub(crate) fn finish(self) {
        let unused = self
            .props
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used);
        for (prop, _) in unused {
            let at = self.key_location(prop);
            let message = format!("unknown key `{}` is ignored", prop.name.as_str());
            self.node.report().warning(at, message);
        }
    }
}

impl Node<'_, '_> {
    /// Whether the value is something other than `null`.
    pub(crate) fn is_present(&self) -> bool {
        !matches!(self.value, Value::NullKeyword(_))
    }

    /// Whether the value is an object.
    pub(crate) fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        let report = Report::default();
        let doc = Doc::new("{\n  \"é\": 1,\r\n\"b\"\r: 2}", None, &report);
        assert_eq!(doc.line_column(0), (1, 1));
        assert_eq!(doc.line_column(4), (2, 3));
        // `1` is after `"é": ` where é takes two bytes but one column.
        assert_eq!(doc.line_column(10), (2, 8));
        assert_eq!(doc.line_column(14), (3, 1));
        // A lone carriage return ends a line too.
        assert_eq!(doc.line_column(18), (4, 1));
    }

    #[test]
    fn paths_quote_odd_keys() {
        assert_eq!(key_path(ROOT, "a"), "a");
        assert_eq!(key_path("a", "b c"), "a[\"b c\"]");
        assert_eq!(index_path(&key_path("a", "b"), 3), "a.b[3]");
        assert_eq!(index_path(ROOT, 0), "[0]");
    }
}
