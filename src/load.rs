//! Loading a policy set from disk: one `.credo` file, or a directory of them read in path order.

use crate::diag::Diag;
use crate::policy::Policy;
use crate::source::{SourceFile, SourceMap};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Largest policy file read, in bytes.
pub const MAX_POLICY_FILE: u64 = 8 * 1024 * 1024;
/// Most items in one list of a policy (`skills [...]`, `issuers [...]`, `in [...]`).
pub const MAX_LIST_ITEMS: usize = 10_000;
/// Deepest nesting of brackets and parentheses in a policy.
pub const MAX_NESTING: usize = 64;

/// A policy set that was read and checked.
#[derive(Debug)]
pub struct Loaded {
    /// The files read (to render diagnostics against).
    pub sources: SourceMap,
    /// Every diagnostic, sorted by position.
    pub diags: Vec<Diag>,
    /// The compiled policy when there were no errors.
    pub policy: Option<Policy>,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diag::is_error)
    }
}

/// Why a policy set could not be read at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// The path could not be read.
    #[error("cannot read `{path}`")]
    #[diagnostic(code(credo::io), help("check the path and its permissions"))]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A directory without `.credo` files.
    #[error("no `.credo` files in `{0}`")]
    #[diagnostic(
        code(credo::io::empty),
        help("a policy set is a `.credo` file or a directory of them")
    )]
    Empty(String),
    /// A file over [`MAX_POLICY_FILE`].
    #[error("`{0}` is larger than the limit of {MAX_POLICY_FILE} bytes for a policy file")]
    #[diagnostic(
        code(credo::limit::policy_size),
        help("split the policy into several files in one directory")
    )]
    TooLarge(String),
    /// Not UTF-8.
    #[error("`{0}` is not UTF-8 text")]
    #[diagnostic(code(credo::io::encoding), help("save the policy as UTF-8"))]
    NotUtf8(String),
}

/// Reads the files of a policy set. In a directory, links are followed, but each directory and
/// file is read once (a link back into a folder already read, such as a parent, is skipped), so
/// a loop of links ends.
pub fn read_sources(path: &Path) -> Result<SourceMap, LoadError> {
    let io = |p: &Path, e| LoadError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    if meta.is_dir() {
        let mut seen = std::collections::HashSet::new();
        let root = std::fs::canonicalize(path).map_err(|e| io(path, e))?;
        seen.insert(root);
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
                let entry = entry.map_err(|e| io(&dir, e))?;
                let p = entry.path();
                let is_dir = p.is_dir();
                if !is_dir && p.extension().is_none_or(|e| e != "credo") {
                    continue;
                }
                // A broken link is read (and fails) as before; a folder or file reached a
                // second time, by a link or a loop of links, is not.
                if let Ok(real) = std::fs::canonicalize(&p) {
                    if !seen.insert(real) {
                        continue;
                    }
                }
                // A FIFO would block the walk for ever and a device never ends: in a folder,
                // only regular files are policy files (a broken link still fails when read).
                if !is_dir && std::fs::metadata(&p).is_ok_and(|m| !m.is_file()) {
                    return Err(io(
                        &p,
                        std::io::Error::other("not a regular file (a FIFO, socket or device)"),
                    ));
                }
                if is_dir {
                    stack.push(p);
                } else {
                    let rel = p
                        .strip_prefix(path)
                        .unwrap_or(&p)
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/");
                    files.push((p, rel));
                }
            }
        }
        files.sort_by(|a, b| a.1.cmp(&b.1));
        if files.is_empty() {
            return Err(LoadError::Empty(path.display().to_string()));
        }
    } else {
        let rel = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((path.to_path_buf(), rel));
    }
    let mut sources = SourceMap::new();
    for (p, rel) in files {
        let bytes = read_limited(&p, MAX_POLICY_FILE).map_err(|e| match e {
            Limited::Io(e) => io(&p, e),
            Limited::TooLarge => LoadError::TooLarge(p.display().to_string()),
        })?;
        let text =
            String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8(p.display().to_string()))?;
        sources.add(SourceFile::new(p.display().to_string(), rel, text));
    }
    Ok(sources)
}

/// Why [`read_limited`] gave no bytes.
#[derive(Debug)]
pub enum Limited {
    /// Reading failed.
    Io(std::io::Error),
    /// The file holds more than the limit.
    TooLarge,
}

/// The bytes of a file of at most `limit` bytes. The limit is kept while reading, not taken
/// from the file's size, so a device (`/dev/zero`) or a pipe that never ends is refused too.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Limited> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(Limited::Io)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit {
        return Err(Limited::TooLarge);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Limited::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Limited::TooLarge);
    }
    Ok(bytes)
}

/// The policy hash: SHA-256 over each file's relative path and content, in path order
/// (`path`, NUL, content length as 8 little-endian bytes, content).
pub fn policy_hash(sources: &SourceMap) -> String {
    let mut h = Sha256::new();
    for f in sources.files() {
        h.update(f.rel_name.as_bytes());
        h.update([0u8]);
        h.update((f.text.len() as u64).to_le_bytes());
        h.update(f.text.as_bytes());
    }
    format!("sha256:{}", hex(&h.finalize()))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Parses and checks a policy set already in memory.
pub fn compile_sources(sources: SourceMap) -> Loaded {
    let hash = policy_hash(&sources);
    let (set, mut diags) = crate::parse::parse(&sources);
    if diags.iter().any(Diag::is_error) {
        crate::diag::sort(&mut diags);
        return Loaded {
            sources,
            diags,
            policy: None,
        };
    }
    let (policy, mut more) = crate::check::check(&set, sources.clone(), hash);
    diags.append(&mut more);
    crate::diag::sort(&mut diags);
    Loaded {
        sources,
        diags,
        policy,
    }
}

/// Reads, parses and checks a policy set from a file or directory.
pub fn load_policy(path: &Path) -> Result<Loaded, LoadError> {
    Ok(compile_sources(read_sources(path)?))
}

/// Parses and checks policy text given as a string (one file named `name`).
pub fn compile_str(name: &str, text: &str) -> Loaded {
    let mut sources = SourceMap::new();
    let rel = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_owned());
    sources.add(SourceFile::new(name, rel, text));
    compile_sources(sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link from a policy folder back to itself (or to a parent) is not followed again:
    /// every file is read once and loading ends.
    #[cfg(unix)]
    #[test]
    fn a_loop_of_links_in_a_policy_folder_is_read_once() {
        let dir = std::env::temp_dir().join(format!("credo-load-loop-{}", std::process::id()));
        let sub = dir.join("set/sub");
        std::fs::create_dir_all(&sub).unwrap();
        let text = std::fs::read_to_string("policies/acme-cyber.credo").unwrap();
        std::fs::write(dir.join("set/policy.credo"), &text).unwrap();
        std::fs::write(sub.join("more.credo"), "# nothing more\n").unwrap();
        std::os::unix::fs::symlink(dir.join("set"), sub.join("back")).unwrap();
        std::os::unix::fs::symlink(&sub, sub.join("self")).unwrap();
        std::os::unix::fs::symlink(dir.join("set/policy.credo"), sub.join("again.credo")).unwrap();
        let sources = read_sources(&dir.join("set"));
        std::fs::remove_dir_all(&dir).ok();
        let sources = sources.unwrap();
        let names: Vec<String> = (sources.files().iter())
            .map(|f| f.rel_name.clone())
            .collect();
        // `sub/again.credo` links to `policy.credo`, read already (or the other way round:
        // the walk order decides which name is kept, never both).
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"sub/more.credo".to_owned()), "{names:?}");
    }

    /// A FIFO in a policy folder is refused, not opened: opening it would wait for a writer
    /// that never comes.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_a_policy_folder_is_refused_without_waiting() {
        let dir = std::env::temp_dir().join(format!("credo-load-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("policy.credo"), "# empty\n").unwrap();
        let fifo = std::ffi::CString::new(dir.join("wait.credo").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let (tx, rx) = std::sync::mpsc::channel();
        let set = dir.clone();
        std::thread::spawn(move || tx.send(read_sources(&set).map(|_| ())));
        let got = rx.recv_timeout(std::time::Duration::from_secs(10));
        std::fs::remove_dir_all(&dir).ok();
        match got {
            Ok(Err(LoadError::Io { path, source })) => {
                assert!(path.ends_with("wait.credo"), "{path}");
                assert!(
                    source.to_string().contains("not a regular file"),
                    "{source}"
                );
            }
            other => panic!("expected the FIFO refused, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_device_that_never_ends_is_refused_at_the_size_limit() {
        assert!(matches!(
            read_sources(Path::new("/dev/zero")),
            Err(LoadError::TooLarge(_))
        ));
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 10),
            Err(Limited::TooLarge)
        ));
    }
}
