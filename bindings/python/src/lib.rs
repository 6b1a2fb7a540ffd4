//! Python binding of the cStar webhooks core: the private module `cstar_webhooks._native`
//! of the `cstar-webhooks` `PyPI` package (`packages/python`).
//!
//! The binding converts types and errors only: Python objects in, core calls, Python
//! objects out. Every decision (the header grammar, the signatures, the envelope, the flat
//! payload, the diagnosis, the samples, the catalog and the retry schedule) is the core's.
//!
//! Errors are the exception classes of `cstar_webhooks._errors` (pure Python, so they can
//! carry docstrings and multiple bases): verification failures are raised as the subclass
//! of `WebhookVerificationError` for the core's `VerifyError::code()`, and arguments of the
//! wrong type or value as `InvalidArgumentError` / `RawBodyRequiredError`.

// A std-only cdylib (Python is std): the workspace's no_std-oriented import lints do not apply.
#![allow(clippy::std_instead_of_alloc, clippy::std_instead_of_core)]

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use cstar_webhooks::{
    Cause, DEFAULT_TOLERANCE_SECS, DeliveryInfo, Event, EventData, EventType, Family, RetrySchedule, Secret,
    Verified as CoreVerified, Verifier as CoreVerifier, VerifyError, WebhookHeaders, delivery_headers,
    diagnose as core_diagnose, flatten as core_flatten, flatten_json, sample_event as core_sample_event,
    sign as core_sign, sign_legacy as core_sign_legacy,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Bodies at least this long are verified with the GIL released, so other Python threads
/// run while the HMAC is computed (below it, releasing costs more than it gains).
const DETACH_MIN_BODY: usize = 16 * 1024;

/// How deeply nested a Python value may be when converted to JSON (cycles end here too).
const MAX_DEPTH: usize = 128;

// ---------------------------------------------------------------------------------------
// Errors

/// The factory in `cstar_webhooks._errors` that builds the exception for (kind, code, message).
static ERROR_FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Builds the package's exception; falls back to a built-in one if the package is absent.
fn make_error(py: Python<'_>, kind: &str, code: &str, message: &str) -> PyErr {
    let built = ERROR_FACTORY
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py.import("cstar_webhooks._errors")?.getattr("_native_error")?.unbind())
        })
        .and_then(|factory| factory.bind(py).call1((kind, code, message)));
    match built {
        Ok(instance) => PyErr::from_value(instance),
        Err(_) if kind == "verify" => PyValueError::new_err(format!("{code}: {message}")),
        Err(_) => PyTypeError::new_err(format!("{code}: {message}")),
    }
}

fn verify_error(py: Python<'_>, e: &VerifyError) -> PyErr {
    make_error(py, "verify", e.code(), &e.to_string())
}

/// An argument of the wrong type or value (`InvalidArgumentError`, code `invalid_argument`).
fn invalid(py: Python<'_>, message: &str) -> PyErr {
    make_error(py, "argument", "invalid_argument", message)
}

/// A body that is not raw bytes (`RawBodyRequiredError`, code `raw_body_required`).
fn raw_body_required(py: Python<'_>, message: &str) -> PyErr {
    make_error(py, "raw_body", "raw_body_required", message)
}

// ---------------------------------------------------------------------------------------
// Argument conversion

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map_or_else(|_| String::from("object"), |n| n.to_string())
}

const RAW_BODY_HINT: &str = "pass the raw request body bytes exactly as received: Flask `request.get_data()`, \
     Django `request.body`, Starlette/FastAPI `await request.body()`";

/// The raw body bytes: `bytes` (borrowed), `bytearray` or `memoryview` (copied). A `str` or
/// an already-parsed JSON value gets an error that says what to pass instead.
fn body_arg<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    let py = obj.py();
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(bytes.as_bytes()));
    }
    if let Ok(array) = obj.cast::<PyByteArray>() {
        return Ok(Cow::Owned(array.to_vec()));
    }
    if obj.is_instance_of::<PyString>() {
        return Err(raw_body_required(
            py,
            &format!(
                "payload must be bytes, got str: the signature covers the raw body bytes, and decoding them to text \
                 (then encoding again) can change them; {RAW_BODY_HINT}"
            ),
        ));
    }
    if obj.is_instance_of::<PyDict>() || obj.is_instance_of::<PyList>() || obj.cast::<PyMapping>().is_ok() {
        return Err(raw_body_required(
            py,
            &format!(
                "payload must be bytes, got {}: the body was already parsed as JSON, and serializing it again \
                 never reproduces the signed bytes; {RAW_BODY_HINT}",
                type_name(obj)
            ),
        ));
    }
    if obj.is_none() {
        return Err(raw_body_required(py, &format!("payload must be bytes, got None; {RAW_BODY_HINT}")));
    }
    if type_name(obj) == "memoryview" {
        let copied = py.get_type::<PyBytes>().call1((obj,))?;
        let bytes = copied.cast_into::<PyBytes>().map_err(PyErr::from)?;
        return Ok(Cow::Owned(bytes.as_bytes().to_vec()));
    }
    Err(raw_body_required(py, &format!("payload must be bytes, got {}; {RAW_BODY_HINT}", type_name(obj))))
}

/// A Python `str` as UTF-8 (a lone surrogate cannot be encoded: an error naming the argument).
fn py_str(s: &Bound<'_, PyString>, what: &str) -> PyResult<String> {
    s.to_cow()
        .map(Cow::into_owned)
        .map_err(|_| invalid(s.py(), &format!("{what} is not valid Unicode text (it contains a lone surrogate)")))
}

/// One secret string, or a sequence of them (in rotation order).
fn secrets_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(vec![py_str(s, "secrets")?]);
    }
    let bad = |what: String| {
        invalid(py, &format!("secrets must be a str (the `whsec_…` signing secret) or a sequence of str, got {what}"))
    };
    if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() || obj.is_instance_of::<PyDict>() {
        return Err(bad(type_name(obj)));
    }
    let iter = obj.try_iter().map_err(|_| bad(type_name(obj)))?;
    let mut out = Vec::new();
    for item in iter {
        let item = item?;
        match item.cast::<PyString>() {
            Ok(s) => out.push(py_str(s, "secrets")?),
            Err(_) => return Err(bad(format!("a sequence containing {}", type_name(&item)))),
        }
    }
    Ok(out)
}

/// The `X-Signature` value: a `str`, or `None` when the header is absent.
fn header_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    match obj.cast::<PyString>() {
        Ok(s) => Ok(Some(py_str(s, "header")?)),
        Err(_) => Err(invalid(
            obj.py(),
            &format!("header must be the X-Signature value as a str, or None, got {}", type_name(obj)),
        )),
    }
}

/// A whole number that is not a bool.
fn int_arg<T: for<'a, 'py> FromPyObject<'a, 'py>>(obj: &Bound<'_, PyAny>, name: &str, what: &str) -> PyResult<T> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(invalid(obj.py(), &format!("{name} must be {what}, got {}", type_name(obj))));
    }
    obj.extract::<T>().map_err(|_| invalid(obj.py(), &format!("{name} must be {what}, got {obj}")))
}

fn seconds_arg(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<u64>> {
    match obj {
        Some(o) if !o.is_none() => int_arg::<u64>(o, name, "a non-negative whole number of seconds").map(Some),
        _ => Ok(None),
    }
}

fn timestamp_arg(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<i64> {
    match obj {
        Some(o) if !o.is_none() => int_arg::<i64>(o, name, "unix seconds as an int (64-bit)"),
        _ => Ok(now_unix()),
    }
}

fn bool_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    obj.cast::<PyBool>()
        .map(|b| b.is_true())
        .map_err(|_| invalid(obj.py(), &format!("{name} must be a bool, got {}", type_name(obj))))
}

/// The clock is read here, in the binding: the core never reads it.
fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn build_verifier(
    secrets: Vec<String>,
    tolerance: Option<u64>,
    max_age: Option<u64>,
    max_future: Option<u64>,
    allow_legacy: bool,
) -> CoreVerifier {
    let mut v = CoreVerifier::new(secrets).allow_legacy(allow_legacy);
    if let Some(t) = tolerance {
        v = v.tolerance(t);
    }
    if let Some(s) = max_age {
        v = v.max_age(s);
    }
    if let Some(s) = max_future {
        v = v.max_future(s);
    }
    v
}

// ---------------------------------------------------------------------------------------
// JSON <-> Python

/// A JSON value as plain Python objects (`dict` keeps the key order).
fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => number_to_py(py, n)?,
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_py(py, map)?.into_any(),
    })
}

fn number_to_py<'py>(py: Python<'py>, n: &Number) -> PyResult<Bound<'py, PyAny>> {
    if let Some(i) = n.as_i64() {
        Ok(i.into_pyobject(py)?.into_any())
    } else if let Some(u) = n.as_u64() {
        Ok(u.into_pyobject(py)?.into_any())
    } else {
        Ok(PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any())
    }
}

fn map_to_py<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(k, value_to_py(py, v)?)?;
    }
    Ok(dict)
}

/// A Python value (dict/Mapping, list/tuple, str, int, float, bool, None) as JSON.
fn py_to_value(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    let py = obj.py();
    if depth > MAX_DEPTH {
        return Err(invalid(py, "the value is nested too deeply (or contains itself) to be JSON"));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(invalid(py, &format!("the integer {obj} does not fit in 64 bits")));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(py, &format!("{obj} is not a JSON number")));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(py_str(s, "a JSON string")?));
    }
    if let Ok(map) = obj.cast::<PyMapping>() {
        let mut out = Map::new();
        for item in map.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let key = py_str(
                k.cast::<PyString>()
                    .map_err(|_| invalid(py, &format!("JSON object keys must be str, got {}", type_name(&k))))?,
                "a JSON object key",
            )?;
            out.insert(key, py_to_value(&v, depth + 1)?);
        }
        return Ok(Value::Object(out));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for item in obj.try_iter()? {
            out.push(py_to_value(&item?, depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    Err(invalid(py, &format!("{} is not a JSON value", type_name(obj))))
}

// ---------------------------------------------------------------------------------------
// Verification

/// The result of a successful verification.
#[pyclass(frozen, eq, hash, module = "cstar_webhooks", name = "Verified")]
#[derive(PartialEq, Eq, Hash)]
struct Verified {
    /// `"v1"` or `"legacy"`: the scheme that matched.
    #[pyo3(get)]
    scheme: &'static str,
    /// The signed timestamp (unix seconds); `None` for the legacy scheme, which has none.
    #[pyo3(get)]
    timestamp: Option<i64>,
    /// The index in `secrets` of the first secret that matched (rotation).
    #[pyo3(get)]
    secret_index: usize,
}

#[pymethods]
impl Verified {
    fn __repr__(&self) -> String {
        let ts = self.timestamp.map_or_else(|| String::from("None"), |t| t.to_string());
        format!("Verified(scheme='{}', timestamp={ts}, secret_index={})", self.scheme, self.secret_index)
    }
}

impl From<CoreVerified> for Verified {
    fn from(v: CoreVerified) -> Self {
        Self { scheme: v.scheme.as_str(), timestamp: v.timestamp, secret_index: v.secret_index }
    }
}

/// Verifies with the GIL released for large bodies.
fn run_verify(
    py: Python<'_>,
    verifier: &CoreVerifier,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> PyResult<Verified> {
    let result = if body.len() >= DETACH_MIN_BODY {
        py.detach(|| verifier.verify(header, body, now))
    } else {
        verifier.verify(header, body, now)
    };
    result.map(Verified::from).map_err(|e| verify_error(py, &e))
}

/// A reusable verifier: the secrets and options are set once, then `verify()` many bodies.
#[pyclass(frozen, subclass, module = "cstar_webhooks._native", name = "Verifier")]
struct Verifier {
    inner: CoreVerifier,
    secret_count: usize,
    max_age: u64,
    max_future: u64,
    allow_legacy: bool,
}

#[pymethods]
impl Verifier {
    #[new]
    #[pyo3(signature = (secrets, *, tolerance = None, max_age = None, max_future = None, allow_legacy = None))]
    fn new(
        secrets: &Bound<'_, PyAny>,
        tolerance: Option<&Bound<'_, PyAny>>,
        max_age: Option<&Bound<'_, PyAny>>,
        max_future: Option<&Bound<'_, PyAny>>,
        allow_legacy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let secrets = secrets_arg(secrets)?;
        let tolerance = seconds_arg(tolerance, "tolerance")?;
        let max_age = seconds_arg(max_age, "max_age")?;
        let max_future = seconds_arg(max_future, "max_future")?;
        let allow_legacy = allow_legacy.map_or(Ok(true), |b| bool_arg(b, "allow_legacy"))?;
        let base = tolerance.unwrap_or(DEFAULT_TOLERANCE_SECS);
        Ok(Self {
            secret_count: secrets.len(),
            max_age: max_age.unwrap_or(base),
            max_future: max_future.unwrap_or(base),
            allow_legacy,
            inner: build_verifier(secrets, tolerance, max_age, max_future, allow_legacy),
        })
    }

    /// Verifies `header` (the `X-Signature` value, `None` when absent) over the raw `payload`
    /// bytes at `now` (unix seconds; the current time when `None`).
    #[pyo3(signature = (payload, header, *, now = None))]
    fn verify(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        header: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verified> {
        let body = body_arg(payload)?;
        let header = header_arg(header)?;
        let now = timestamp_arg(now, "now")?;
        run_verify(py, &self.inner, header.as_deref(), &body, now)
    }

    /// Verifies, then parses the body as an event envelope (the native event).
    #[pyo3(signature = (payload, header, *, now = None))]
    fn construct_native_event(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        header: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<NativeEvent> {
        let body = body_arg(payload)?;
        let header = header_arg(header)?;
        let now = timestamp_arg(now, "now")?;
        let event = self.inner.construct_event(header.as_deref(), &body, now).map_err(|e| verify_error(py, &e))?;
        Ok(NativeEvent { inner: event })
    }

    /// How old a signed timestamp may be, in seconds.
    #[getter]
    const fn max_age(&self) -> u64 {
        self.max_age
    }

    /// How far in the future a signed timestamp may be, in seconds.
    #[getter]
    const fn max_future(&self) -> u64 {
        self.max_future
    }

    /// Whether legacy `sha256=` signatures are accepted.
    #[getter]
    const fn allow_legacy(&self) -> bool {
        self.allow_legacy
    }

    /// The number of secrets (never the secrets themselves).
    #[getter]
    const fn secret_count(&self) -> usize {
        self.secret_count
    }

    fn __repr__(&self) -> String {
        format!(
            "Verifier(secrets=<{} redacted>, max_age={}, max_future={}, allow_legacy={})",
            self.secret_count,
            self.max_age,
            self.max_future,
            if self.allow_legacy { "True" } else { "False" }
        )
    }
}

/// Verifies a cStar webhook request and returns `Verified(scheme, timestamp, secret_index)`.
///
/// `payload` is the raw body bytes exactly as received; `header` the `X-Signature` value
/// (`None` when absent); `secrets` one `whsec_…` string or several (rotation: the index of
/// the first one that matches is reported). `tolerance` (default 300 s) bounds the signed
/// timestamp's age and lead; `max_age` / `max_future` set the two directions apart.
/// `allow_legacy` (default `True`) accepts `sha256=` signatures. `now` is the current unix
/// time (read from the clock when `None`).
///
/// Raises a `WebhookVerificationError` subclass whose `.code` is one of
/// `missing_signature`, `malformed_signature`, `timestamp_too_old`, `timestamp_in_future`,
/// `no_matching_signature`, `legacy_not_allowed`; `RawBodyRequiredError` for a `str` or
/// parsed body; `InvalidArgumentError` for arguments of the wrong type or value.
#[pyfunction]
#[pyo3(signature = (payload, header, secrets, *, tolerance = None, max_age = None, max_future = None, allow_legacy = None, now = None))]
#[allow(clippy::too_many_arguments)]
fn verify(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    header: Option<&Bound<'_, PyAny>>,
    secrets: &Bound<'_, PyAny>,
    tolerance: Option<&Bound<'_, PyAny>>,
    max_age: Option<&Bound<'_, PyAny>>,
    max_future: Option<&Bound<'_, PyAny>>,
    allow_legacy: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<Verified> {
    let body = body_arg(payload)?;
    let header = header_arg(header)?;
    let verifier = build_verifier(
        secrets_arg(secrets)?,
        seconds_arg(tolerance, "tolerance")?,
        seconds_arg(max_age, "max_age")?,
        seconds_arg(max_future, "max_future")?,
        allow_legacy.map_or(Ok(true), |b| bool_arg(b, "allow_legacy"))?,
    );
    let now = timestamp_arg(now, "now")?;
    run_verify(py, &verifier, header.as_deref(), &body, now)
}

// ---------------------------------------------------------------------------------------
// Events

/// A parsed event envelope (the core's `Event`); the public `cstar_webhooks.Event` wraps it.
#[pyclass(frozen, module = "cstar_webhooks._native", name = "NativeEvent")]
struct NativeEvent {
    inner: Event,
}

#[pymethods]
impl NativeEvent {
    /// `evt_…`
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// The event type string, exactly as sent.
    #[getter(r#type)]
    fn event_type(&self) -> &str {
        self.inner.event_type.as_str()
    }

    /// RFC 3339, as sent.
    #[getter]
    fn created_at(&self) -> &str {
        &self.inner.created_at
    }

    /// The team's UUID.
    #[getter]
    fn team_id(&self) -> &str {
        &self.inner.team_id
    }

    /// The family (`tickets`, `customers`, `articles`, `gamification` or `unknown`).
    #[getter]
    fn family(&self) -> &'static str {
        self.inner.family().as_str()
    }

    /// Whether the type is one of the catalog's.
    #[getter]
    fn known_type(&self) -> bool {
        self.inner.event_type.is_known()
    }

    /// The whole event as a new dict (envelope keys first, unknown keys kept).
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        value_to_py(py, &self.inner.to_value())
    }

    /// Everything the Python `Event` needs, in one call: `(id, type, created_at, team_id,
    /// family, known_type, raw)`.
    #[allow(clippy::type_complexity)]
    fn fields<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(&str, &str, &str, &str, &'static str, bool, Bound<'py, PyAny>)> {
        let e = &self.inner;
        Ok((
            &e.id,
            e.event_type.as_str(),
            &e.created_at,
            &e.team_id,
            e.family().as_str(),
            e.event_type.is_known(),
            value_to_py(py, &e.to_value())?,
        ))
    }

    /// The compact JSON of the event.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The typed objects of `data`: `(kind, {name: dict | None})`, `kind` one of `ticket`,
    /// `customer`, `article`, `boss_defeated`, `badge_earned`, `level_up`, `unknown`.
    fn typed_parts<'py>(&self, py: Python<'py>) -> PyResult<(&'static str, Bound<'py, PyDict>)> {
        let data = self.inner.typed_data().map_err(|e| verify_error(py, &VerifyError::from(e)))?;
        let parts = PyDict::new(py);
        let put = |name: &str, value: Result<Value, serde_json::Error>| -> PyResult<()> {
            let value = value
                .map_err(|e| verify_error(py, &VerifyError::from(cstar_webhooks::PayloadError::new(e.to_string()))))?;
            parts.set_item(name, value_to_py(py, &value)?)
        };
        let kind = match data {
            EventData::Ticket { ticket, customer } => {
                put("ticket", serde_json::to_value(ticket))?;
                put("customer", serde_json::to_value(customer))?;
                "ticket"
            }
            EventData::Customer { customer } => {
                put("customer", serde_json::to_value(customer))?;
                "customer"
            }
            EventData::Article { article } => {
                put("article", serde_json::to_value(article))?;
                "article"
            }
            EventData::BossDefeated { boss, agent } => {
                put("boss", serde_json::to_value(boss))?;
                put("agent", serde_json::to_value(agent))?;
                "boss_defeated"
            }
            EventData::BadgeEarned { badge, agent } => {
                put("badge", serde_json::to_value(badge))?;
                put("agent", serde_json::to_value(agent))?;
                "badge_earned"
            }
            EventData::LevelUp { level, agent } => {
                put("level", serde_json::to_value(level))?;
                put("agent", serde_json::to_value(agent))?;
                "level_up"
            }
            _ => "unknown",
        };
        Ok((kind, parts))
    }

    fn __repr__(&self) -> String {
        format!("NativeEvent(id={:?}, type={:?})", self.inner.id, self.inner.event_type.as_str())
    }
}

/// Parses a body (bytes) as an event envelope, without verifying anything.
#[pyfunction]
fn parse_event(py: Python<'_>, payload: &Bound<'_, PyAny>) -> PyResult<NativeEvent> {
    let body = body_arg(payload)?;
    let event = Event::from_slice(&body).map_err(|e| verify_error(py, &VerifyError::from(e)))?;
    Ok(NativeEvent { inner: event })
}

/// Builds an event from an already-decoded JSON value (a dict).
#[pyfunction]
fn event_from_value(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<NativeEvent> {
    let value = py_to_value(value, 0)?;
    let event = Event::from_value(value).map_err(|e| verify_error(py, &VerifyError::from(e)))?;
    Ok(NativeEvent { inner: event })
}

/// Verifies, then parses the body (the module-level `construct_event`).
#[pyfunction]
#[pyo3(signature = (payload, header, secrets, *, tolerance = None, max_age = None, max_future = None, allow_legacy = None, now = None))]
#[allow(clippy::too_many_arguments)]
fn construct_native_event(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    header: Option<&Bound<'_, PyAny>>,
    secrets: &Bound<'_, PyAny>,
    tolerance: Option<&Bound<'_, PyAny>>,
    max_age: Option<&Bound<'_, PyAny>>,
    max_future: Option<&Bound<'_, PyAny>>,
    allow_legacy: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<NativeEvent> {
    let body = body_arg(payload)?;
    let header = header_arg(header)?;
    let verifier = build_verifier(
        secrets_arg(secrets)?,
        seconds_arg(tolerance, "tolerance")?,
        seconds_arg(max_age, "max_age")?,
        seconds_arg(max_future, "max_future")?,
        allow_legacy.map_or(Ok(true), |b| bool_arg(b, "allow_legacy"))?,
    );
    let now = timestamp_arg(now, "now")?;
    let event = verifier.construct_event(header.as_deref(), &body, now).map_err(|e| verify_error(py, &e))?;
    Ok(NativeEvent { inner: event })
}

/// The flat payload of a JSON body (bytes or str) or of a decoded dict: the payload plus
/// root-level copies (`ticket_id`, `customer_email`, …) of every scalar field of every object
/// under `data` (nested objects joined with `_`; arrays and nulls not copied; existing keys
/// never replaced). Raises `InvalidPayload` for a body that is not JSON.
#[pyfunction]
fn flatten<'py>(py: Python<'py>, payload: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let flat: Value = if let Ok(s) = payload.cast::<PyString>() {
        flat_from_json(py, py_str(s, "payload")?.as_bytes())?
    } else if payload.is_instance_of::<PyBytes>() || payload.is_instance_of::<PyByteArray>() {
        flat_from_json(py, &body_arg(payload)?)?
    } else if payload.cast::<PyMapping>().is_ok() {
        core_flatten(&py_to_value(payload, 0)?)
    } else {
        return Err(invalid(
            py,
            &format!("flatten() takes a JSON body (bytes or str) or a dict, got {}", type_name(payload)),
        ));
    };
    value_to_py(py, &flat)
}

fn flat_from_json(py: Python<'_>, body: &[u8]) -> PyResult<Value> {
    let text = flatten_json(body).map_err(|e| verify_error(py, &VerifyError::from(e)))?;
    serde_json::from_str(&text)
        .map_err(|e| verify_error(py, &VerifyError::from(cstar_webhooks::PayloadError::new(e.to_string()))))
}

fn known_type(py: Python<'_>, event_type: &str) -> PyResult<EventType> {
    let t = EventType::parse(event_type);
    if t.is_known() {
        Ok(t)
    } else {
        let known: Vec<&str> = EventType::KNOWN.iter().map(EventType::as_str).collect();
        Err(invalid(py, &format!("{event_type:?} is not a catalog event type; known types: {}", known.join(", "))))
    }
}

/// The sample event of a catalog type (what the Test button sends), as a native event.
#[pyfunction]
fn sample_event(py: Python<'_>, event_type: &str) -> PyResult<NativeEvent> {
    let t = known_type(py, event_type)?;
    core_sample_event(&t)
        .map(|inner| NativeEvent { inner })
        .ok_or_else(|| invalid(py, &format!("no sample for {event_type:?}")))
}

/// The sample payload of a catalog type, as the JSON body bytes (flat when `flat`).
#[pyfunction]
#[pyo3(signature = (event_type, *, flat = false))]
fn sample_payload<'py>(py: Python<'py>, event_type: &str, flat: bool) -> PyResult<Bound<'py, PyBytes>> {
    let event = sample_event(py, event_type)?.inner;
    let json = if flat { event.to_flat_json() } else { event.to_json() };
    Ok(PyBytes::new(py, json.as_bytes()))
}

fn family_info(family: Family) -> (&'static str, &'static str) {
    (family.as_str(), family.label())
}

/// The catalog: `(type, family, family label)` for every known type, in catalog order.
#[pyfunction]
fn catalog() -> Vec<(&'static str, &'static str, &'static str)> {
    EventType::KNOWN
        .iter()
        .filter_map(|t| {
            let (family, label) = family_info(t.family());
            match t {
                EventType::Unknown(_) => None,
                _ => Some((t.as_str(), family, label)),
            }
        })
        .collect()
}

/// What the catalog says about a type string: `(type, family, family label, known)`.
#[pyfunction]
fn event_type_info(event_type: &str) -> (String, &'static str, &'static str, bool) {
    let t = EventType::parse(event_type);
    let (family, label) = family_info(t.family());
    (String::from(t.as_str()), family, label, t.is_known())
}

/// The families: `(name, label, type prefix)`, in catalog order.
#[pyfunction]
fn families() -> Vec<(&'static str, &'static str, &'static str)> {
    Family::KNOWN.iter().map(|f| (f.as_str(), f.label(), f.prefix())).collect()
}

// ---------------------------------------------------------------------------------------
// Signing, headers, diagnosis, retries

fn secrets_vec(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Secret>> {
    Ok(secrets_arg(obj)?.into_iter().map(Secret::new).collect())
}

/// Signs `payload` at `timestamp` (unix seconds; now when `None`) with every secret:
/// returns the `X-Signature` value `t=…,v1=…[,v1=…]` (one `v1` per secret, in order).
#[pyfunction]
#[pyo3(signature = (payload, secrets, *, timestamp = None))]
fn sign(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    secrets: &Bound<'_, PyAny>,
    timestamp: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let body = body_arg(payload)?;
    let secrets = secrets_vec(secrets)?;
    let t = timestamp_arg(timestamp, "timestamp")?;
    core_sign(&secrets, t, &body).map_err(|e| invalid(py, &format!("sign(): {e}")))
}

/// Signs `payload` with the legacy scheme: `sha256=<hex>`.
#[pyfunction]
fn sign_legacy(py: Python<'_>, payload: &Bound<'_, PyAny>, secret: &Bound<'_, PyAny>) -> PyResult<String> {
    let body = body_arg(payload)?;
    let secret = py_str(
        secret
            .cast::<PyString>()
            .map_err(|_| invalid(py, &format!("secret must be a str, got {}", type_name(secret))))?,
        "secret",
    )?;
    Ok(core_sign_legacy(&Secret::new(secret), &body))
}

/// The full header set of one delivery attempt, as `(name, value)` pairs in SPEC order.
#[pyfunction]
#[pyo3(signature = (payload, secrets, *, event_type = None, event_id = None, webhook_id = None, attempt = None, timestamp = None))]
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
fn delivery_header_pairs(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    secrets: &Bound<'_, PyAny>,
    event_type: Option<String>,
    event_id: Option<String>,
    webhook_id: Option<String>,
    attempt: Option<&Bound<'_, PyAny>>,
    timestamp: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<(&'static str, String)>> {
    let body = body_arg(payload)?;
    let secrets = secrets_vec(secrets)?;
    let parsed = Event::from_slice(&body).ok();
    let event_type = event_type.or_else(|| parsed.as_ref().map(|e| String::from(e.event_type.as_str())));
    let event_id = event_id.or_else(|| parsed.as_ref().map(|e| e.id.clone()));
    let (Some(event_type), Some(event_id)) = (event_type, event_id) else {
        return Err(invalid(py, "the payload is not an event envelope: pass event_type= and event_id="));
    };
    let attempt = match attempt {
        Some(a) if !a.is_none() => int_arg::<u32>(a, "attempt", "a positive int")?,
        _ => 1,
    };
    let info = DeliveryInfo {
        webhook_id: webhook_id.as_deref().unwrap_or("whk_test"),
        event_id: &event_id,
        event_type: &event_type,
        attempt,
        send_time: timestamp_arg(timestamp, "timestamp")?,
    };
    delivery_headers(&info, &secrets, &body).map_err(|e| invalid(py, &format!("generate_test_headers(): {e}")))
}

/// The cStar headers among `(name, value)` pairs, found case-insensitively (first wins):
/// `(signature, webhook_id, event_type, event_id, timestamp, delivery_attempt, user_agent,
/// content_type, attempt as int, timestamp as unix seconds)`.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn webhook_headers(
    pairs: Vec<(String, String)>,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<u32>,
    Option<i64>,
) {
    let h = WebhookHeaders::from_pairs(pairs);
    let attempt = h.attempt();
    let unix = h.timestamp_unix();
    (
        h.signature,
        h.webhook_id,
        h.event_type,
        h.event_id,
        h.timestamp,
        h.delivery_attempt,
        h.user_agent,
        h.content_type,
        attempt,
        unix,
    )
}

/// The header names, in SPEC order.
#[pyfunction]
fn header_names() -> Vec<&'static str> {
    use cstar_webhooks::headers::{
        CONTENT_TYPE, USER_AGENT, X_DELIVERY_ATTEMPT, X_EVENT_ID, X_EVENT_TYPE, X_SIGNATURE, X_TIMESTAMP, X_WEBHOOK_ID,
    };
    vec![CONTENT_TYPE, X_WEBHOOK_ID, X_EVENT_TYPE, X_EVENT_ID, X_TIMESTAMP, X_SIGNATURE, X_DELIVERY_ATTEMPT, USER_AGENT]
}

/// Why a signature fails: `(verified or None, error code or None, error message or None,
/// [(cause code, explanation, clock skew seconds or None)])`.
#[pyfunction]
#[pyo3(signature = (payload, header, secrets, *, now = None))]
#[allow(clippy::type_complexity)]
fn diagnose(
    payload: &Bound<'_, PyAny>,
    header: Option<&Bound<'_, PyAny>>,
    secrets: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Option<Verified>, Option<&'static str>, Option<String>, Vec<(&'static str, String, Option<i64>)>)> {
    let body = body_arg(payload)?;
    let header = header_arg(header)?;
    let secrets = secrets_vec(secrets)?;
    let now = timestamp_arg(now, "now")?;
    let d = core_diagnose(&secrets, header.as_deref(), &body, now);
    let causes = d
        .causes
        .iter()
        .map(|c| {
            let seconds = match c {
                Cause::ClockSkew { seconds } => Some(*seconds),
                _ => None,
            };
            (c.code(), c.explain(), seconds)
        })
        .collect();
    Ok(match d.result {
        Ok(v) => (Some(Verified::from(v)), None, None, causes),
        Err(e) => (None, Some(e.code()), Some(e.to_string()), causes),
    })
}

/// The delays (seconds) before attempts 1..7: the guide's table, from the core.
#[pyfunction]
fn retry_schedule() -> Vec<u64> {
    RetrySchedule::default().delays().to_vec()
}

/// The worst-case span of all retries, in seconds (the sum of the delays).
#[pyfunction]
fn retry_total_span() -> u64 {
    RetrySchedule::default().total_span()
}

// ---------------------------------------------------------------------------------------

#[pymodule]
#[pyo3(name = "_native")]
fn native_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("VERIFY_ERROR_CODES", PyTuple::new(m.py(), VerifyError::CODES)?)?;
    m.add("CAUSE_CODES", PyTuple::new(m.py(), Cause::CODES)?)?;
    m.add("DEFAULT_TOLERANCE", DEFAULT_TOLERANCE_SECS)?;
    m.add("CORE_VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Verified>()?;
    m.add_class::<Verifier>()?;
    m.add_class::<NativeEvent>()?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(construct_native_event, m)?)?;
    m.add_function(wrap_pyfunction!(parse_event, m)?)?;
    m.add_function(wrap_pyfunction!(event_from_value, m)?)?;
    m.add_function(wrap_pyfunction!(flatten, m)?)?;
    m.add_function(wrap_pyfunction!(sample_event, m)?)?;
    m.add_function(wrap_pyfunction!(sample_payload, m)?)?;
    m.add_function(wrap_pyfunction!(catalog, m)?)?;
    m.add_function(wrap_pyfunction!(event_type_info, m)?)?;
    m.add_function(wrap_pyfunction!(families, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(sign_legacy, m)?)?;
    m.add_function(wrap_pyfunction!(delivery_header_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_headers, m)?)?;
    m.add_function(wrap_pyfunction!(header_names, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose, m)?)?;
    m.add_function(wrap_pyfunction!(retry_schedule, m)?)?;
    m.add_function(wrap_pyfunction!(retry_total_span, m)?)?;
    Ok(())
}
