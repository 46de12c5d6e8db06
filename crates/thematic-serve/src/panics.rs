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
        "thematic serve: internal error{at}: {message} (a request that met it was answered 500; please report it)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hook is the process's, so it is tried in a child process: this test binary run
    /// again for [`child_panics_with_the_short_hook`] alone.
    #[test]
    fn a_panic_prints_one_line_and_no_stack_trace() {
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let output = std::process::Command::new(exe)
            .args([
                "--exact",
                "panics::tests::child_panics_with_the_short_hook",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("THEMATIC_PANIC_CHILD", "1")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("the test binary runs again");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("internal error"))
            .collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(lines[0].starts_with("thematic serve: internal error at "));
        assert!(lines[0].contains("boom in a request"), "{stderr}");
        assert!(!stderr.contains("stack backtrace"), "{stderr}");
        assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    }

    #[test]
    fn child_panics_with_the_short_hook() {
        if std::env::var_os("THEMATIC_PANIC_CHILD").is_none() {
            return;
        }
        install_short_hook();
        let failed = std::thread::spawn(|| panic!("boom in a request\nsecond line")).join();
        assert!(failed.is_err());
    }
}
