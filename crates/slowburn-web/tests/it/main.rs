//! The dashboard driven in-process (and once over a real socket) on a small synthetic history:
//! every page and API route, the API against the application's own view models, the changes
//! (label, logs, upload), the errors and limits, the token, and an import running beside it.

mod api;
mod changes;
mod errors;
mod guard;
mod pages;
mod util;
