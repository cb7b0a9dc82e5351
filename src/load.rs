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

/// Reads the files of a policy set.
pub fn read_sources(path: &Path) -> Result<SourceMap, LoadError> {
    let io = |p: &Path, e| LoadError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    if meta.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
                let entry = entry.map_err(|e| io(&dir, e))?;
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "credo") {
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
        let size = std::fs::metadata(&p).map_err(|e| io(&p, e))?.len();
        if size > MAX_POLICY_FILE {
            return Err(LoadError::TooLarge(p.display().to_string()));
        }
        let bytes = std::fs::read(&p).map_err(|e| io(&p, e))?;
        let text =
            String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8(p.display().to_string()))?;
        sources.add(SourceFile::new(p.display().to_string(), rel, text));
    }
    Ok(sources)
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
