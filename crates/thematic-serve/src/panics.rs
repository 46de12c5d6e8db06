//! What a panic prints while serving. The server answers a request that panics with a
//! readable 500; the terminal should get one line saying so, not a stack trace that a
//! request could fill the terminal with.

use std::panic::PanicHookInfo;

/// Replaces the process's panic hook with [`short_message`] printed on stderr, unless
/// `RUST_BACKTRACE` is set (then a developer wants the full report).
#[allow(
    clippy::print_stderr,
    reason = "the command line's own server prints here"
)]
pub(crate) fn install_short_hook() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| eprintln!("{}", short_message(info))));
}

/// `thematic serve: internal error at FILE:LINE: MESSAGE (the request was answered 500)`.
fn short_message(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic");
    // One line, whatever the message holds.
    let message: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    let at = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!(
        "thematic serve: internal error{at}: {message} (the request was answered 500; please report it)"
    )
}
