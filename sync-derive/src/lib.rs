//! `#[derive(SyncObject)]` (being written).
use proc_macro::TokenStream;

/// Derives `sync_runtime::SyncObject`.
#[proc_macro_derive(SyncObject, attributes(sync))]
pub fn derive_sync_object(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
