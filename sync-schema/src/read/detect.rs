//! Which format a text is in, from its content alone (never from the file's name).
//!
//! Text that starts with `<` (after white space) is XML. JSON is recognised by the keys of its
//! top-level object, in this order: `ArrayOfSyncScope` is the legacy sync configuration,
//! `Metadata` online metadata, `namespaces` offline metadata, `objectService` or `objects` a
//! packed object service.

use super::json::{Keys, Node};
use crate::Format;

/// What the top-level keys of a JSON document should be, for errors.
const EXPECTED: &str = "a JSON object with `ArrayOfSyncScope` (legacy sync configuration), \
                        `Metadata` (online metadata), `namespaces` (offline metadata), or \
                        `objectService` and `objects` (a packed object service)";

/// Whether the text is XML.
pub(crate) fn is_xml(text: &str) -> bool {
    text.trim_start().starts_with('<')
}

/// The JSON format of a document, with its top-level object to read; `None` with an error
/// when it is none of them.
pub(crate) fn detect<'v, 'a>(root: &Node<'v, 'a>) -> Option<(Format, Keys<'v, 'a>)> {
    if !root.is_object() {
        let found = format!("found {}", root.describe());
        root.report().expected(root.location(), found, EXPECTED);
        return None;
    }
    let keys = root.object()?;
    let format = if keys.has("ArrayOfSyncScope") {
        Format::LegacySyncConfig
    } else if keys.has("Metadata") {
        Format::OnlineMetadata
    } else if keys.has("namespaces") {
        Format::OfflineMetadata
    } else if keys.has("objectService") || keys.has("objects") {
        Format::PackedObjectService
    } else {
        let message = "not a schema format this reader knows";
        root.report().expected(root.location(), message, EXPECTED);
        return None;
    };
    Some((format, keys))
}
