//! Collects every mistake found in a derive input so that they are reported together, each
//! at its own tokens, instead of stopping at the first.

use std::fmt::Display;

use quote::ToTokens;

/// The mistakes found so far.
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    /// Records a mistake.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Records a mistake that points at `tokens`.
    pub(crate) fn at(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// The recorded mistakes as one error, if there are any.
    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.combined
    }
}
