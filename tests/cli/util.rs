//! A small harness over the real `thematic` binary, in the manner of ripgrep's
//! `tests/util.rs`: temporary study folders, commands run with a clean environment, and
//! assertions that show the whole output when they fail.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder for one test.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.tmp.path().join(p)
    }

    pub fn write(&self, p: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn read(&self, p: &str) -> String {
        std::fs::read_to_string(self.join(p)).unwrap()
    }

    /// `thematic ARGS` with the working directory `cwd` (relative to this folder).
    pub fn cmd_in(&self, cwd: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_thematic"));
        cmd.args(args)
            .current_dir(self.join(cwd))
            .env_remove("THEMATIC_CODER")
            .env("NO_COLOR", "1");
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            output: cmd.output().unwrap(),
        }
    }

    pub fn cmd(&self, args: &[&str]) -> Run {
        self.cmd_in(".", args)
    }

    /// `thematic ARGS` in `cwd`, which must succeed; its standard output as JSON.
    pub fn json_in(&self, cwd: &str, args: &[&str]) -> serde_json::Value {
        self.cmd_in(cwd, args).ok().json()
    }

    /// `thematic code TRANSCRIPT --turn TURN [--text WORDS] --theme THEME --coder CODER` in
    /// `cwd`, which must succeed.
    pub fn code(
        &self,
        cwd: &str,
        coder: &str,
        transcript: &str,
        turn: &str,
        text: Option<&str>,
        theme: &str,
    ) -> Run {
        let mut args = vec![
            "code", transcript, "--turn", turn, "--theme", theme, "--coder", coder,
        ];
        if let Some(words) = text {
            args.extend(["--text", words]);
        }
        self.cmd_in(cwd, &args).ok()
    }

    /// A new study in `name` (blank codebook unless `codebook` is given).
    pub fn study(&self, name: &str) -> PathBuf {
        self.cmd(&["init", name]).ok();
        self.join(name)
    }
}

/// The outcome of one run.
pub struct Run {
    args: Vec<String>,
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    fn describe(&self) -> String {
        format!(
            "thematic {}\n--- exit code: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.args.join(" "),
            self.code(),
            self.stdout(),
            self.stderr()
        )
    }

    /// Asserts success; returns self.
    pub fn ok(self) -> Run {
        assert_eq!(self.code(), 0, "expected success:\n{}", self.describe());
        self
    }

    /// Asserts exit code `code`; returns self.
    pub fn fails_with(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "expected exit code {code}:\n{}",
            self.describe()
        );
        self
    }

    /// Asserts stdout contains `s`.
    pub fn stdout_has(self, s: &str) -> Run {
        assert!(
            self.stdout().contains(s),
            "stdout lacks {s:?}:\n{}",
            self.describe()
        );
        self
    }

    /// Asserts stderr contains `s`.
    pub fn stderr_has(self, s: &str) -> Run {
        assert!(
            self.stderr().contains(s),
            "stderr lacks {s:?}:\n{}",
            self.describe()
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.describe()))
    }
}

/// The repository's sample study folder.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../sample-transcripts")
        .join(name)
}

/// Whether `program` runs, asked its version (`-v` for poppler's `pdftotext` and
/// `pdfinfo`, which exit 1 on `--version`). A missing LibreOffice or poppler tool fails the
/// test instead when `THEMATIC_REQUIRE_OFFICE=1`; otherwise the caller skips, and this says
/// so on standard error.
#[allow(clippy::print_stderr)]
pub fn have(program: &str) -> bool {
    let flag = if matches!(program, "pdftotext" | "pdfinfo") {
        "-v"
    } else {
        "--version"
    };
    let ok = Command::new(program)
        .arg(flag)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            program == "pdflatex"
                || program == "lualatex"
                || std::env::var("THEMATIC_REQUIRE_OFFICE").as_deref() != Ok("1"),
            "{program} is not installed and THEMATIC_REQUIRE_OFFICE=1"
        );
        eprintln!("{program} is not installed: what needs it is not checked");
    }
    ok
}

/// Compiles `input` (a `.tex` fragment in `dir`) inside a minimal article whose preamble
/// is `preamble`, with `engine` (pdflatex or lualatex), `runs` times (longtable settles its
/// column widths on the second run), and fails the test with TeX's log when it does not
/// compile. Leaves `dir/paper.pdf`.
pub fn compile_tex(engine: &str, dir: &Path, preamble: &str, input: &str, runs: usize) {
    std::fs::write(
        dir.join("paper.tex"),
        format!(
            "\\documentclass{{article}}\n{preamble}\\begin{{document}}\n\\input{{{input}}}\n\\end{{document}}\n"
        ),
    )
    .unwrap();
    for _ in 0..runs {
        let out = Command::new(engine)
            .args(["-interaction=nonstopmode", "-halt-on-error", "paper.tex"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{engine} failed on {input}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    assert!(dir.join("paper.pdf").exists());
}

/// Converts `files` to PDF into `out` with headless LibreOffice, with a profile of its own
/// under `profile` (so a LibreOffice already running elsewhere does not take the job).
/// Returns soffice's standard error, for a message when a PDF is missing.
pub fn soffice_to_pdf(profile: &Path, out: &Path, files: &[PathBuf]) -> String {
    let run = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .args(files)
        .output()
        .unwrap();
    String::from_utf8_lossy(&run.stderr).to_string()
}

#[path = "../support/refi.rs"]
mod refi;
pub use refi::xmllint;

/// The entries of a zip (a `.qdpx`) file, by name, in the zip's order.
pub fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    refi::unzip_bytes(&std::fs::read(path).unwrap())
}
