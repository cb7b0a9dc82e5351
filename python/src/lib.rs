//! `import credo`: the credo policy evaluator as a Python extension module (SPEC §14).
//!
//! A record from Python (a dict) or from Arrow (a row of a `RecordBatch`) is written as one line
//! of JSON and goes through the same reader, evaluator and JSON renderer as `credo eval`
//! ([`adapter`] is the only module that calls the library), so a decision from Python is the
//! CLI's byte for byte. The GIL is released while records are read and decided, on the rayon
//! pool, a chunk at a time.

mod adapter;
mod arrow;
mod pyjson;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList, PyString, PyTuple};
use rayon::prelude::*;
use std::collections::VecDeque;
use std::sync::Arc;

create_exception!(
    credo,
    PolicyError,
    PyException,
    "A policy that does not check. `diagnostics` holds each diagnostic as a dict, as `credo check --error-format json` prints it (code, severity, message, file, line, column, label, help)."
);
create_exception!(
    credo,
    RecordError,
    PyValueError,
    "A record that cannot be decided (`Policy.evaluate` only; the batch methods return the error in the record's place). `error` holds it as a dict, as `credo eval --format json` prints it."
);

// The extension's own Rust allocations (records, decisions, their JSON) go to mimalloc, as the
// CLI's do: with the system allocator, deciding on two threads took about three times as long.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Records decided at a time on the rayon pool by `evaluate_many`, `audit` and `measure`.
const CHUNK: usize = 1024;
/// The `file` a record error from an iterable of dicts names; its `line` is the record's
/// 1-based position.
const FROM_PYTHON: &str = "<python>";
/// The `file` a record error from an Arrow batch names; its `line` is the row's 1-based number.
const FROM_ARROW: &str = "<arrow>";

/// A checked policy, immutable; safe to share between threads and to pickle.
#[pyclass(frozen, module = "credo")]
struct Policy {
    inner: Arc<adapter::Policy>,
    /// The path it was loaded from (or named by `from_str`): decisions name it in `at`.
    path: String,
    /// Warnings from checking it, as JSON objects.
    warnings: Vec<String>,
}

fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

fn json_list<'py>(py: Python<'py>, items: &[String]) -> PyResult<Bound<'py, PyList>> {
    let loads = py.import("json")?.getattr("loads")?;
    let out = PyList::empty(py);
    for i in items {
        out.append(loads.call1((i.as_str(),))?)?;
    }
    Ok(out)
}

/// The policy, or `PolicyError` with its diagnostics.
fn checked(py: Python<'_>, c: adapter::Checked, path: String) -> PyResult<Policy> {
    match c.policy {
        Some(p) => Ok(Policy {
            inner: Arc::new(p),
            path,
            warnings: c.diagnostics,
        }),
        None => {
            let diags = json_list(py, &c.diagnostics)?;
            let errors = (c.diagnostics.iter())
                .filter(|d| d.contains("\"severity\":\"error\""))
                .count();
            let first = (diags.iter())
                .find(|d| {
                    d.get_item("severity")
                        .is_ok_and(|s| s.extract::<String>().is_ok_and(|s| s == "error"))
                })
                .map(|d| describe(&d))
                .unwrap_or_default();
            let message = format!(
                "policy `{path}` has {errors} error{}; first: {first}",
                if errors == 1 { "" } else { "s" }
            );
            let err = PolicyError::new_err(message);
            err.value(py).setattr("diagnostics", diags)?;
            Err(err)
        }
    }
}

/// `file:line:column: message` of a diagnostic dict.
fn describe(d: &Bound<'_, PyAny>) -> String {
    let get = |k: &str| {
        d.get_item(k)
            .ok()
            .and_then(|v| v.str().ok().map(|s| s.to_string()))
            .unwrap_or_default()
    };
    format!(
        "{}:{}:{}: {}",
        get("file"),
        get("line"),
        get("column"),
        get("message")
    )
}

/// `as_of` as a date: a `YYYY-MM-DD` string, a `datetime.date`, or today (UTC) when None.
fn as_of(value: Option<&Bound<'_, PyAny>>) -> PyResult<adapter::Date> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(adapter::today());
    };
    let text: String = if v.is_instance_of::<PyString>() {
        v.extract()?
    } else if v.is_instance_of::<pyo3::types::PyDate>() {
        let d = v.call_method0("isoformat")?;
        d.extract::<String>()?.chars().take(10).collect()
    } else {
        return Err(PyTypeError::new_err(
            "as_of is a date: a `YYYY-MM-DD` string or a datetime.date",
        ));
    };
    adapter::parse_date(&text).ok_or_else(|| {
        PyValueError::new_err(format!(
            "as_of `{text}` is not a real date; write YYYY-MM-DD"
        ))
    })
}

/// A role the policy declares, or ValueError naming the roles.
fn check_role(policy: &adapter::Policy, role: Option<&str>) -> PyResult<()> {
    match role {
        Some(r) if !adapter::roles(policy).iter().any(|x| x == r) => {
            Err(PyValueError::new_err(format!(
                "role `{r}` is not in the policy; the roles are {}",
                adapter::roles(policy).join(", ")
            )))
        }
        _ => Ok(()),
    }
}

/// Entries decided per task on the rayon pool.
const TASK: usize = 256;

/// Decisions (and record errors) of entries, in order, decided on the rayon pool: each task
/// takes [`TASK`] entries and appends their JSON to one buffer, with each entry's index.
type Parts = Vec<(Vec<u8>, Vec<(usize, Vec<adapter::Decided>)>)>;

fn decide_all(
    policy: &adapter::Policy,
    entries: &[credo::record::Entry],
    role: Option<&str>,
    date: adapter::Date,
    summaries: bool,
) -> Parts {
    (entries.par_chunks(TASK).enumerate())
        .map(|(c, chunk)| {
            let mut buf = spare();
            buf.reserve((chunk.len() * 6) << 10);
            let items = (chunk.iter().enumerate())
                .map(|(k, e)| {
                    let decided = adapter::decide(policy, e, role, date, summaries, &mut buf);
                    (c * TASK + k, decided)
                })
                .collect();
            (buf, items)
        })
        .collect()
}

/// Task buffers kept for the next batch, as the CLI keeps its output buffers: fresh memory is
/// zeroed by the kernel page by page, which cost more than deciding (perf, 30,000 records).
static SPARES: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
/// The most bytes of task buffers kept between batches.
const MAX_SPARE_BYTES: usize = 256 << 20;

fn spare() -> Vec<u8> {
    (SPARES.lock().ok())
        .and_then(|mut s| s.pop())
        .unwrap_or_default()
}

/// Hands a batch's task buffers back for the next batch (up to [`MAX_SPARE_BYTES`]).
fn give_back(parts: Parts) {
    if let Ok(mut spares) = SPARES.lock() {
        let mut kept: usize = spares.iter().map(Vec::capacity).sum();
        for (mut buf, _) in parts {
            if kept + buf.capacity() > MAX_SPARE_BYTES {
                break;
            }
            kept += buf.capacity();
            buf.clear();
            spares.push(buf);
        }
    }
}

/// A Python record as one JSON line, or the record error to put in its place.
fn record_entry(
    record: &Bound<'_, PyAny>,
    file: &str,
    line: usize,
) -> Result<String, Box<credo::record::Entry>> {
    let mut out = Vec::with_capacity(512);
    match pyjson::record_json(record, &mut out) {
        Ok(()) => String::from_utf8(out).map_err(|e| {
            Box::new(adapter::unreadable(
                pyjson::record_id(record),
                file,
                line,
                e.to_string(),
            ))
        }),
        Err(e) => Err(Box::new(adapter::unreadable(
            pyjson::record_id(record),
            file,
            line,
            e,
        ))),
    }
}

/// A record's 1-based position and its JSON line, or the record error in its place.
type Line = (usize, Result<String, Box<credo::record::Entry>>);

/// Reads a chunk of records (JSON lines, or errors already) on the rayon pool, in order.
fn read_chunk(
    policy: &adapter::Policy,
    lines: Vec<Line>,
    file: &str,
    dupes: &mut credo::record::Duplicates,
) -> Vec<credo::record::Entry> {
    let mut entries: Vec<credo::record::Entry> = (lines.into_par_iter())
        .map(|(n, r)| match r {
            Ok(json) => adapter::read(policy, &json, file, n),
            Err(e) => *e,
        })
        .collect();
    for e in &mut entries {
        dupes.mark(e);
    }
    entries
}

/// Pulls up to `n` records from a Python iterator as JSON lines; `pos` counts them.
fn pull(it: &Bound<'_, PyAny>, n: usize, pos: &mut usize) -> PyResult<Vec<Line>> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let Some(record) = next(it)? else { break };
        *pos += 1;
        out.push((*pos, record_entry(&record, FROM_PYTHON, *pos)));
    }
    Ok(out)
}

fn next<'py>(it: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    match it.call_method0("__next__") {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyStopIteration>(it.py()) => Ok(None),
        Err(e) => Err(e),
    }
}

#[pymethods]
impl Policy {
    /// Loads and checks a policy file or a directory of `.credo` files (as `credo check`).
    ///
    /// Raises `PolicyError` (with `diagnostics`) when the policy has errors, and `OSError`
    /// when the path cannot be read. Decisions name the path as given, as the CLI's do.
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Policy> {
        let path = path.to_str().map(str::to_owned).ok_or_else(|| {
            PyValueError::new_err(format!("path {} is not UTF-8", path.display()))
        })?;
        let loaded = py.detach(|| adapter::load(&path));
        match loaded {
            Ok(c) => checked(py, c, path),
            Err(u) => match u.io {
                Some(io) => Err(PyOSError::new_err((
                    io.raw_os_error().unwrap_or(0),
                    u.message,
                    path,
                ))),
                None => {
                    let diag = serde_json::json!({
                        "code": u.code, "severity": "error", "message": u.message,
                        "file": path, "line": null, "column": null, "label": null, "help": null,
                    });
                    let err = PolicyError::new_err(format!("policy `{path}`: {}", u.message));
                    err.value(py)
                        .setattr("diagnostics", json_list(py, &[diag.to_string()])?)?;
                    Err(err)
                }
            },
        }
    }

    /// Checks policy text held in memory; `path` names it in diagnostics and decisions.
    ///
    /// Raises `PolicyError` when the policy has errors.
    #[staticmethod]
    #[pyo3(signature = (text, path = "policy.credo"))]
    fn from_str(py: Python<'_>, text: &str, path: &str) -> PyResult<Policy> {
        let c = py.detach(|| adapter::from_str(path, text));
        checked(py, c, path.to_owned())
    }

    /// Rebuilds a pickled policy from its files, checking the hash.
    #[staticmethod]
    fn _unpickle(
        py: Python<'_>,
        files: Vec<(String, String, String)>,
        path: String,
        hash: String,
    ) -> PyResult<Policy> {
        let c = py.detach(|| adapter::from_files(&files));
        let p = checked(py, c, path)?;
        if p.inner.hash != hash {
            return Err(PolicyError::new_err(format!(
                "the pickled policy's hash is {hash} but its text hashes to {}",
                p.inner.hash
            )));
        }
        Ok(p)
    }

    /// Pickles as the policy's source files, path and hash; unpickling checks it again.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let me = slf.get();
        let restore = slf.get_type().getattr("_unpickle")?;
        let files = adapter::files(&me.inner);
        let args = (files, me.path.clone(), me.inner.hash.clone()).into_pyobject(py)?;
        PyTuple::new(py, [restore.into_any(), args.into_any()])
    }

    /// The policy's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The policy's version.
    #[getter]
    fn version(&self) -> &str {
        &self.inner.version
    }

    /// `sha256:…` over the policy's files (SPEC §5).
    #[getter]
    fn hash(&self) -> &str {
        &self.inner.hash
    }

    /// The role ids, in declaration order.
    #[getter]
    fn roles(&self) -> Vec<String> {
        adapter::roles(&self.inner)
    }

    /// The path the policy was loaded from (or named by `from_str`).
    #[getter]
    fn path(&self) -> &str {
        &self.path
    }

    /// Warnings from checking the policy, as dicts like `PolicyError.diagnostics`.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        json_list(py, &self.warnings)
    }

    fn __repr__(&self) -> String {
        format!(
            "<credo.Policy {:?} version {:?} from {:?} ({})>",
            self.inner.name, self.inner.version, self.path, self.inner.hash
        )
    }

    /// Decides one record (a dict of SPEC §7) and returns the decision as a dict, equal to
    /// `json.loads` of the element `credo eval --format json` prints for it.
    ///
    /// The record is decided for its `applied` roles, else `role`, else every role, as the CLI
    /// does; that must come to one decision (or `role` picks one of them), else ValueError.
    /// A record that cannot be read raises `RecordError`.
    #[pyo3(signature = (record, role = None, as_of = None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
        role: Option<&str>,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let date = self::as_of(as_of)?;
        check_role(&self.inner, role)?;
        let policy = &*self.inner;
        let line = record_entry(record, FROM_PYTHON, 1);
        let (buf, decided, roles) = py.detach(|| {
            let entry = match line {
                Ok(json) => adapter::read(policy, &json, FROM_PYTHON, 1),
                Err(e) => *e,
            };
            let roles = adapter::roles_of(policy, &entry, role);
            let mut buf = Vec::with_capacity(8 << 10);
            let decided = adapter::decide(policy, &entry, role, date, false, &mut buf);
            (buf, decided, roles)
        });
        let texts = adapter::texts(&buf, 0, &decided);
        let Some(roles) = roles else {
            let error = (texts.first())
                .map(|t| String::from_utf8_lossy(t).into_owned())
                .unwrap_or_default();
            let dict = json_loads(py, &error)?;
            let message = dict
                .get_item("error")
                .and_then(|e| e.extract::<String>())
                .unwrap_or_default();
            let err = RecordError::new_err(message);
            err.value(py).setattr("error", dict)?;
            return Err(err);
        };
        let pick = match (roles.len(), role) {
            (1, _) => 0,
            (_, Some(r)) => roles.iter().position(|x| x == r).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "the record applied for {}, not `{r}`",
                    roles.join(", ")
                ))
            })?,
            (n, None) => {
                return Err(PyValueError::new_err(format!(
                    "the record is decided for {n} roles ({}): pass role= to pick one, or use evaluate_many",
                    roles.join(", ")
                )))
            }
        };
        let json = (texts.get(pick))
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .unwrap_or_default();
        json_loads(py, &json)
    }

    /// Decides every record of an iterable of dicts, lazily, a chunk at a time on all cores.
    ///
    /// Yields, in input order, one dict per decision (a record is decided for its `applied`
    /// roles, else `role`, else every role) and, in a bad record's place, its error as
    /// `{"record", "file", "line", "error"}` (`file` is `"<python>"`, `line` the record's
    /// 1-based position). Record ids must be unique within one call.
    #[pyo3(signature = (records, role = None, as_of = None, chunk_size = CHUNK))]
    fn evaluate_many(
        slf: &Bound<'_, Self>,
        records: &Bound<'_, PyAny>,
        role: Option<String>,
        as_of: Option<&Bound<'_, PyAny>>,
        chunk_size: usize,
    ) -> PyResult<Decisions> {
        check_role(&slf.get().inner, role.as_deref())?;
        Ok(Decisions {
            policy: slf.get().inner.clone(),
            records: records.try_iter()?.into_any().unbind(),
            role,
            as_of: self::as_of(as_of)?,
            chunk: chunk_size.max(1),
            pos: 0,
            dupes: adapter::duplicates(),
            ready: VecDeque::new(),
        })
    }

    /// Decides a `pyarrow.RecordBatch` of records and returns a `RecordBatch` with a row per
    /// decision (and per record error, in the record's place): `row` (input row, from 0),
    /// `candidate`, `role`, `outcome`, `proposed`, `met` (list of skills), `coverage`,
    /// `decision` (the decision's JSON, as `credo eval --format json` prints it) and `error`
    /// (null for a decision).
    ///
    /// Input columns are named as the record's fields (`id`, `applied`, `attributes`,
    /// `credentials`, …), nested as lists and structs (or maps); null is absent; dates are
    /// strings, `date32` or timestamps (read as their UTC date). Record ids must be unique within one batch.
    ///
    /// With `json_column`, that string column holds each record as JSON text (a JSONL line, as
    /// `spark.read.text` gives it) and the other columns are ignored: for records whose shapes
    /// differ too much for one Arrow schema (an `issuer` that is a URL in one record and an
    /// Open Badges object in another).
    #[pyo3(signature = (batch, role = None, as_of = None, json_column = None))]
    fn evaluate_arrow<'py>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
        role: Option<&str>,
        as_of: Option<&Bound<'py, PyAny>>,
        json_column: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let date = self::as_of(as_of)?;
        check_role(&self.inner, role)?;
        let input = import_batch(batch)?;
        let json_column = match json_column {
            None => {
                arrow::check_types(input.fields()).map_err(PyTypeError::new_err)?;
                None
            }
            Some(name) => Some(arrow::json_column(&input, name).map_err(PyTypeError::new_err)?),
        };
        let policy = &*self.inner;
        let output = py.detach(|| -> Result<_, String> {
            let n = arrow_array::Array::len(&input);
            let lines: Vec<Line> = (0..n)
                .into_par_iter()
                .map(|i| {
                    let line = match &json_column {
                        Some(texts) => arrow::text_at(texts, i),
                        None => {
                            let mut out = Vec::with_capacity(1024);
                            match arrow::row_json(&input, i, &mut out) {
                                Ok(()) => String::from_utf8(out).map_err(|e| e.to_string()),
                                Err(e) => Err(e),
                            }
                        }
                    };
                    let line =
                        line.map_err(|e| Box::new(adapter::unreadable(None, FROM_ARROW, i + 1, e)));
                    (i + 1, line)
                })
                .collect();
            let mut dupes = adapter::duplicates();
            let entries = read_chunk(policy, lines, FROM_ARROW, &mut dupes);
            let parts = decide_all(policy, &entries, role, date, true);
            let rows: Vec<arrow::Row> = (parts.iter())
                .flat_map(|(buf, items)| {
                    let mut start = 0;
                    items.iter().flat_map(move |(i, ds)| {
                        let texts = adapter::texts(buf, start, ds);
                        start = ds.last().map_or(start, |d| d.end);
                        (ds.iter().zip(texts)).map(move |(d, json)| arrow::Row {
                            row: *i as i64,
                            json,
                            summary: d.summary.as_ref(),
                        })
                    })
                })
                .collect();
            let out = arrow::build(&rows);
            drop(rows);
            give_back(parts);
            let out = out?;
            arrow_array::ffi::to_ffi(&arrow_array::Array::to_data(&out)).map_err(|e| e.to_string())
        });
        let (array, schema) = output.map_err(PyValueError::new_err)?;
        let capsules = Capsules {
            schema: std::sync::Mutex::new(Some(schema)),
            array: std::sync::Mutex::new(Some(array)),
        };
        py.import("pyarrow")?
            .call_method1("record_batch", (Py::new(py, capsules)?,))
    }

    /// The adverse-impact audit of an iterable of records (dicts), as a dict equal to
    /// `json.loads` of `credo audit --format json` (SPEC §9). Record errors are listed in it.
    #[pyo3(signature = (records, role = None, as_of = None))]
    fn audit<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'py, PyAny>,
        role: Option<&str>,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let date = self::as_of(as_of)?;
        check_role(&self.inner, role)?;
        let entries = self.read_all(py, records)?;
        let policy = &*self.inner;
        let json = py.detach(|| adapter::audit(policy, entries, role, date));
        json_loads(py, &json)
    }

    /// Outcome figures (SPEC §11) of an iterable of records and an iterable of hire outcomes
    /// (dicts with `candidate`, `role`, `hired`, …), as a dict equal to `json.loads` of
    /// `credo measure --format json`.
    #[pyo3(signature = (records, outcomes, role = None, as_of = None))]
    fn measure<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'py, PyAny>,
        outcomes: &Bound<'py, PyAny>,
        role: Option<&str>,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let date = self::as_of(as_of)?;
        check_role(&self.inner, role)?;
        let mut jsonl = Vec::new();
        for (i, o) in outcomes.try_iter()?.enumerate() {
            let o = o?;
            match pyjson::record_json(&o, &mut jsonl) {
                Ok(()) => jsonl.push(b'\n'),
                Err(e) => {
                    return Err(PyValueError::new_err(format!(
                        "outcome {} cannot be read: {e}",
                        i + 1
                    )))
                }
            }
        }
        let entries = self.read_all(py, records)?;
        let policy = &*self.inner;
        let json = py.detach(|| adapter::measure(policy, entries, &jsonl, role, date));
        json_loads(py, &json)
    }
}

impl Policy {
    /// Every record of an iterable, read (a chunk at a time without the GIL) and checked for
    /// repeated ids.
    fn read_all(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<credo::record::Entry>> {
        let it = records.try_iter()?.into_any();
        let policy = &*self.inner;
        let (mut pos, mut dupes, mut all) = (0, adapter::duplicates(), Vec::new());
        loop {
            let lines = pull(&it, CHUNK, &mut pos)?;
            if lines.is_empty() {
                return Ok(all);
            }
            let entries = py.detach(|| read_chunk(policy, lines, FROM_PYTHON, &mut dupes));
            all.extend(entries);
        }
    }
}

/// The batch's columns as one struct array, through the Arrow C data interface
/// (`__arrow_c_array__`, pyarrow 14 and later).
fn import_batch(batch: &Bound<'_, PyAny>) -> PyResult<arrow_array::StructArray> {
    if !batch.hasattr("__arrow_c_array__")? {
        return Err(PyTypeError::new_err(
            "evaluate_arrow takes a pyarrow.RecordBatch (or any object with __arrow_c_array__); for a Table, pass each of table.to_batches()",
        ));
    }
    let pair = batch.call_method0("__arrow_c_array__")?;
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = pair.extract()?;
    let schema_ptr = schema.pointer_checked(Some(c"arrow_schema"))?;
    let array_ptr = array.pointer_checked(Some(c"arrow_array"))?;
    // SAFETY: the capsules are named as the Arrow PyCapsule interface says, so they point to an
    // ArrowSchema and an ArrowArray; the array is moved out (its release callback is taken, so
    // the capsule's destructor does nothing), the schema only read.
    let data = unsafe {
        let schema = &*(schema_ptr.as_ptr() as *const arrow_schema::ffi::FFI_ArrowSchema);
        let array = arrow_data::ffi::FFI_ArrowArray::from_raw(array_ptr.as_ptr() as *mut _);
        arrow_array::ffi::from_ffi(array, schema)
    }
    .map_err(|e| PyValueError::new_err(format!("cannot read the Arrow batch: {e}")))?;
    match data.data_type() {
        arrow_schema::DataType::Struct(_) => Ok(arrow_array::StructArray::from(data)),
        other => Err(PyTypeError::new_err(format!(
            "evaluate_arrow takes a record batch (a struct of columns), not an array of {other}"
        ))),
    }
}

/// The output batch's C data interface structs, handed to `pyarrow.record_batch` once.
#[pyclass(frozen, module = "credo")]
struct Capsules {
    schema: std::sync::Mutex<Option<arrow_schema::ffi::FFI_ArrowSchema>>,
    array: std::sync::Mutex<Option<arrow_data::ffi::FFI_ArrowArray>>,
}

#[pymethods]
impl Capsules {
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let taken = || PyValueError::new_err("the batch was taken already");
        let schema = (self.schema.lock().ok().and_then(|mut s| s.take())).ok_or_else(taken)?;
        let array = (self.array.lock().ok().and_then(|mut a| a.take())).ok_or_else(taken)?;
        let schema = PyCapsule::new(py, schema, Some(c"arrow_schema".to_owned()))?;
        let array = PyCapsule::new(py, array, Some(c"arrow_array".to_owned()))?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }
}

/// The decisions of `Policy.evaluate_many`, computed a chunk at a time.
#[pyclass(module = "credo")]
struct Decisions {
    policy: Arc<adapter::Policy>,
    records: Py<PyAny>,
    role: Option<String>,
    as_of: adapter::Date,
    chunk: usize,
    pos: usize,
    dupes: credo::record::Duplicates,
    ready: VecDeque<Vec<u8>>,
}

#[pymethods]
impl Decisions {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(
        mut slf: PyRefMut<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        // A chunk may give no decision (a policy without roles): pull the next one.
        while slf.ready.is_empty() {
            let me = &mut *slf;
            let records = me.records.bind(py).clone();
            let lines = pull(&records, me.chunk, &mut me.pos)?;
            if lines.is_empty() {
                return Ok(None);
            }
            let (policy, role, date) = (&*me.policy, me.role.as_deref(), me.as_of);
            let dupes = &mut me.dupes;
            let decided = py.detach(|| {
                let entries = read_chunk(policy, lines, FROM_PYTHON, dupes);
                let parts = decide_all(policy, &entries, role, date, false);
                let mut items = Vec::new();
                for (buf, decided) in &parts {
                    let mut start = 0;
                    for (_, ds) in decided {
                        items.extend(
                            adapter::texts(buf, start, ds)
                                .into_iter()
                                .map(<[u8]>::to_vec),
                        );
                        start = ds.last().map_or(start, |d| d.end);
                    }
                }
                give_back(parts);
                items
            });
            me.ready.extend(decided);
        }
        match slf.ready.pop_front() {
            Some(json) => {
                let text =
                    String::from_utf8(json).map_err(|e| PyValueError::new_err(e.to_string()))?;
                json_loads(py, &text).map(Some)
            }
            None => Ok(None),
        }
    }
}

/// The credo policy evaluator (`import credo`).
#[pymodule]
fn _credo(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Policy>()?;
    m.add("PolicyError", m.py().get_type::<PolicyError>())?;
    m.add("RecordError", m.py().get_type::<RecordError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
