//! Safe writes: atomic replacement and advisory locks.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::StudyError;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, fsync, rename
/// over the target, fsync of the folder. A reader (or a crash) sees the old file or the new
/// one, never a torn one.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), StudyError> {
    atomic_write_with(path, |f| f.write_all(bytes))
}

/// [`atomic_write`] of what `write` writes into the temporary file (for contents made in
/// pieces, say copied from another file, without holding them all in memory).
pub fn atomic_write_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<(), StudyError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".thematic-tmp-")
        .tempfile_in(dir)
        .map_err(|e| StudyError::io(dir, e))?;
    write(tmp.as_file_mut()).map_err(|e| StudyError::io(path, e))?;
    // tempfile creates files readable by their owner only; a study folder is shared with
    // colleagues, so keep the permissions of the file being replaced, else rw-r--r--.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| StudyError::io(tmp.path(), e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| StudyError::io(tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| StudyError::io(path, e.error))?;
    // Make the rename itself durable. Opening a directory for fsync is a Unix idiom; on other
    // systems the rename is as durable as the platform makes it.
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// An exclusive advisory lock on a `<name>.lock` file beside the file it protects, held
/// until dropped. Writers of the same file take it around read-modify-write, so two coders
/// (or two processes of one coder) writing at once lose nothing.
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Blocks until the lock for `target` is held.
    pub fn acquire(target: &Path) -> Result<FileLock, StudyError> {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        let path = target.with_file_name(name);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StudyError::io(&path, e))?;
        file.lock().map_err(|e| StudyError::io(&path, e))?;
        Ok(FileLock { file, path })
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        atomic_write(&p, b"one").unwrap();
        atomic_write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o644
            );
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.csv")]);
    }
}
