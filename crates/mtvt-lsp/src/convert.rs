//! LSP shapes of the server's results: completion items, document symbols, the range
//! of a whole document. Pure conversions; positions go through the document's line
//! index.

use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, DocumentSymbol, Documentation,
    MarkupContent, MarkupKind, Position, Range, SymbolKind, TextEdit,
};

use crate::completion::{self, ItemKind};
use crate::documents::Document;
use crate::symbols::{self, Symbol};

/// The range covering all of a document.
pub fn whole_range(doc: &Document) -> Range {
    Range::new(
        Position::new(0, 0),
        doc.index.position(&doc.text, doc.text.len()),
    )
}

/// A completion item replacing `range`.
pub fn to_completion_item(i: completion::Item, range: Range) -> CompletionItem {
    let kind = match i.kind {
        ItemKind::Keyword => CompletionItemKind::KEYWORD,
        ItemKind::Key => CompletionItemKind::PROPERTY,
        ItemKind::Value => CompletionItemKind::ENUM_MEMBER,
        ItemKind::Field => CompletionItemKind::FIELD,
        ItemKind::Variable => CompletionItemKind::VARIABLE,
        ItemKind::Function => CompletionItemKind::FUNCTION,
        ItemKind::Reference => CompletionItemKind::REFERENCE,
        ItemKind::Module => CompletionItemKind::MODULE,
    };
    let new_text = i.insert.clone().unwrap_or_else(|| i.label.clone());
    CompletionItem {
        label: i.label,
        kind: Some(kind),
        detail: i.detail,
        documentation: i.doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d,
            })
        }),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, new_text))),
        ..CompletionItem::default()
    }
}

/// An outline node.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written even though it is.
pub fn to_document_symbol(s: Symbol, doc: &Document) -> DocumentSymbol {
    let kind = match s.kind {
        symbols::SymbolKind::Import => SymbolKind::MODULE,
        symbols::SymbolKind::Session => SymbolKind::NAMESPACE,
        symbols::SymbolKind::Scenario => SymbolKind::CLASS,
        symbols::SymbolKind::Fragment => SymbolKind::INTERFACE,
        symbols::SymbolKind::Check => SymbolKind::FUNCTION,
        symbols::SymbolKind::Hook => SymbolKind::EVENT,
        symbols::SymbolKind::Section => SymbolKind::OBJECT,
        symbols::SymbolKind::Entry => SymbolKind::PROPERTY,
    };
    let children: Vec<DocumentSymbol> = s
        .children
        .into_iter()
        .map(|c| to_document_symbol(c, doc))
        .collect();
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind,
        tags: None,
        deprecated: None,
        range: doc.index.range(&doc.text, s.span.0, s.span.1),
        selection_range: doc.index.range(&doc.text, s.selection.0, s.selection.1),
        children: (!children.is_empty()).then_some(children),
    }
}
