//! A small, strict JSON (RFC 8259) parser and printer with no dependencies (`no_std` + alloc).
//!
//! Used where the payload rules need JSON without serde: the flat payload
//! ([`flatten_json`](crate::event::flatten_json)), the serde-free envelope
//! ([`EventEnvelope`](crate::event::EventEnvelope)) and the re-serialized body variants of
//! [`diagnose`](crate::diagnose()). It keeps what a body says, not what a float parser makes of
//! it: number literals stay verbatim text (no float parsing or formatting), object keys keep
//! their order, and a duplicate key keeps its first position with the last value (as
//! `serde_json` with `preserve_order` does). Nesting deeper than [`MAX_DEPTH`] is refused (as
//! `serde_json`'s recursion limit does), so no input can exhaust the stack.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Containers nested this deep are refused (`serde_json` refuses the same depth).
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as its literal text (valid RFC 8259 number grammar).
    Number(String),
    /// A string (escapes decoded).
    String(String),
    /// An array.
    Array(Vec<Self>),
    /// An object: its members in order, keys unique.
    Object(Vec<(String, Self)>),
}

/// Why a text is not JSON: where, and whether the text ended too early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line of the error.
    pub line: usize,
    /// 1-based column (in bytes) of the error.
    pub column: usize,
    /// Whether the text ended before the value did.
    pub eof: bool,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.eof { "unexpected end of JSON" } else { "invalid JSON" };
        write!(f, "{what} at line {} column {}", self.line, self.column)
    }
}

impl core::error::Error for JsonError {}

impl Json {
    /// Parses a complete JSON text (surrounding whitespace allowed, nothing else after it).
    ///
    /// # Errors
    /// [`JsonError`] when `text` is not exactly one JSON value (invalid UTF-8 in strings, lone
    /// surrogate escapes, control characters in strings and nesting deeper than [`MAX_DEPTH`]
    /// included).
    pub fn parse(text: &[u8]) -> Result<Self, JsonError> {
        let mut p = Parser { s: text, i: 0, depth: 0 };
        let value = p.value()?;
        p.ws();
        if p.i < text.len() { Err(p.error(false)) } else { Ok(value) }
    }

    /// The member `key` of an object (`None` for other values or a missing key).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The compact JSON text (no whitespace; strings escaped as `serde_json` does).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends the compact JSON text to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Number(n) => out.push_str(n),
            Self::String(s) => write_str(out, s),
            Self::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Self::Object(members) => write_members(out, members.iter().map(|(k, v)| (k.as_str(), v))),
        }
    }
}

/// Appends `{"k":v,...}` to `out`.
pub(crate) fn write_members<'a>(out: &mut String, members: impl Iterator<Item = (&'a str, &'a Json)>) {
    out.push('{');
    for (i, (k, v)) in members.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, k);
        out.push(':');
        v.write(out);
    }
    out.push('}');
}

/// Appends `s` as a JSON string literal: `"` and `\` escaped, control characters as `\n`,
/// `\t`, … or `\u00XX`; everything else (non-ASCII included) as is, as `serde_json` prints.
pub fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0')));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn error(&self, eof: bool) -> JsonError {
        let before = self.s.get(..self.i).unwrap_or_default();
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        JsonError { line, column, eof }
    }

    /// An error at the current position: "end of input" when there is none.
    fn fail<T>(&self) -> Result<T, JsonError> {
        Err(self.error(self.i >= self.s.len()))
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn value(&mut self) -> Result<Json, JsonError> {
        self.ws();
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.fail(),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Json, JsonError>) -> Result<Json, JsonError> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.error(false));
        }
        self.i += 1;
        let value = f(self);
        self.depth -= 1;
        value
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        for &b in word.as_bytes() {
            if !self.eat(b) {
                return self.fail();
            }
        }
        Ok(value)
    }

    fn digits(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return self.fail();
        }
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        Ok(())
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.i;
        self.eat(b'-');
        if !self.eat(b'0') {
            self.digits()?;
        }
        if self.eat(b'.') {
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.digits()?;
        }
        let text = self.s.get(start..self.i).unwrap_or_default();
        if overflows_f64(text) {
            // serde_json (the `serde` path) refuses these: both paths must decide alike.
            return self.fail();
        }
        // The grammar above admits ASCII only.
        Ok(Json::Number(text.iter().copied().map(char::from).collect()))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut n = 0;
        for _ in 0..4 {
            let Some(d) = self.peek().map(char::from).and_then(|c| c.to_digit(16)) else {
                return self.fail();
            };
            n = n * 16 + d;
            self.i += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1; // the opening quote
        let mut bytes = Vec::new();
        loop {
            let Some(b) = self.peek() else { return self.fail() };
            match b {
                b'"' => break,
                b'\\' => {
                    self.i += 1;
                    let Some(e) = self.peek() else { return self.fail() };
                    let decoded = match e {
                        b'"' | b'\\' | b'/' => e,
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            self.i += 1;
                            let c = self.unicode_escape()?;
                            let mut buf = [0; 4];
                            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => return self.fail(),
                    };
                    bytes.push(decoded);
                    self.i += 1;
                }
                0..=0x1f => return self.fail(),
                _ => {
                    bytes.push(b);
                    self.i += 1;
                }
            }
        }
        let start = self.i;
        self.i += 1; // the closing quote
        String::from_utf8(bytes).map_err(|_| {
            // Point at the string rather than at its end.
            let at = Self { s: self.s, i: start, depth: 0 };
            at.error(false)
        })
    }

    /// After `\u`: one code point, from a surrogate pair when it takes two escapes.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !(self.eat(b'\\') && self.eat(b'u')) {
                return self.fail();
            }
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error(false));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => Err(self.error(false)),
        }
    }

    fn array(&mut self) -> Result<Json, JsonError> {
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            if self.eat(b']') {
                return Ok(Json::Array(items));
            }
            if !self.eat(b',') {
                return self.fail();
            }
        }
    }

    fn object(&mut self) -> Result<Json, JsonError> {
        let mut members: Vec<(String, Json)> = Vec::new();
        self.ws();
        if self.eat(b'}') {
            return Ok(Json::Object(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return self.fail();
            }
            let key = self.string()?;
            self.ws();
            if !self.eat(b':') {
                return self.fail();
            }
            let value = self.value()?;
            // A repeated key keeps its first position and takes the last value.
            match members.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => members.push((key, value)),
            }
            self.ws();
            if self.eat(b'}') {
                return Ok(Json::Object(members));
            }
            if !self.eat(b',') {
                return self.fail();
            }
        }
    }
}

/// How a printer lays JSON out (for [`reserializations`]).
#[derive(Clone, Copy)]
struct Style {
    /// Between items (`,` or Python's `, `); a newline follows when `indent` is set.
    item: &'static str,
    /// Between a key and its value (`:` or `: `).
    key: &'static str,
    /// Pretty printing with this indent unit.
    indent: Option<&'static str>,
}

const STYLES: [Style; 4] = [
    // JS `JSON.stringify(v)`, Go, serde_json.
    Style { item: ",", key: ":", indent: None },
    // Python's `json.dumps(v)` default separators.
    Style { item: ", ", key: ": ", indent: None },
    // `JSON.stringify(v, null, 2)`, `json.dumps(v, indent=2)`.
    Style { item: ",", key: ": ", indent: Some("  ") },
    // `json.dumps(v, indent=4)`, `JSON.stringify(v, null, 4)`.
    Style { item: ",", key: ": ", indent: Some("    ") },
];

/// The usual ways a parsed body gets printed again (for the diagnosis of a re-serialized
/// body): compact, Python's default separators, pretty with 2 and 4 spaces, each with the
/// original and sorted key order, each with and without `\uXXXX` escapes of non-ASCII text.
/// Empty when the body is not JSON.
#[must_use]
pub fn reserializations(body: &[u8]) -> Vec<Vec<u8>> {
    let Ok(value) = Json::parse(body) else {
        return Vec::new();
    };
    let sorted = sort_keys(&value);
    let mut out = Vec::new();
    for v in [&value, &sorted] {
        for style in STYLES {
            let mut text = String::new();
            write_styled(&mut text, v, style, 0);
            let escaped = ascii_escape(&text);
            out.push(text.into_bytes());
            if let Some(escaped) = escaped {
                out.push(escaped.into_bytes());
            }
        }
    }
    out
}

fn newline(out: &mut String, style: Style, depth: usize) {
    if let Some(unit) = style.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(unit);
        }
    }
}

fn write_styled(out: &mut String, value: &Json, style: Style, depth: usize) {
    let sep = if style.indent.is_some() { "," } else { style.item };
    match value {
        Json::Object(members) if !members.is_empty() => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                newline(out, style, depth + 1);
                write_str(out, k);
                out.push_str(style.key);
                write_styled(out, v, style, depth + 1);
            }
            newline(out, style, depth);
            out.push('}');
        }
        Json::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                newline(out, style, depth + 1);
                write_styled(out, v, style, depth + 1);
            }
            newline(out, style, depth);
            out.push(']');
        }
        leaf => leaf.write(out),
    }
}

fn sort_keys(value: &Json) -> Json {
    match value {
        Json::Object(members) => {
            // Binary insertion (keys are unique): far less code than the slice sorts.
            let mut entries: Vec<(String, Json)> = Vec::with_capacity(members.len());
            for (k, v) in members {
                let at = entries.partition_point(|(e, _)| e < k);
                entries.insert(at, (k.clone(), sort_keys(v)));
            }
            Json::Object(entries)
        }
        Json::Array(items) => Json::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// Replaces every non-ASCII character by `\uXXXX` escapes (UTF-16, as Python and Go do);
/// `None` when the text is ASCII already.
fn ascii_escape(text: &str) -> Option<String> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if text.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for &mut unit in c.encode_utf16(&mut units) {
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    let digit = HEX.get(usize::from((unit >> shift) & 15)).copied().unwrap_or(b'0');
                    out.push(char::from(digit));
                }
            }
        }
    }
    Some(out)
}

/// Whether a grammatical JSON number literal lies beyond `f64`'s range (it would round to
/// infinity), decided on the decimal digits alone: no float parsing. Underflow is fine (it
/// rounds to zero, as `serde_json` does).
fn overflows_f64(literal: &[u8]) -> bool {
    // The first 17 significant digits, how many there are, how many sit before the point,
    // and the zeros between the point and the first significant digit.
    let (mut head, mut significant, mut before_point, mut frac_zeros) = ([b'0'; 17], 0usize, 0i64, 0i64);
    let (mut in_frac, mut in_exp, mut exp_negative, mut exp) = (false, false, false, 0i64);
    for &b in literal {
        match b {
            b'.' => in_frac = true,
            b'e' | b'E' => in_exp = true,
            b'-' => exp_negative = in_exp,
            b'0'..=b'9' if in_exp => exp = exp.saturating_mul(10).saturating_add(i64::from(b - b'0')),
            b'0' if significant == 0 => frac_zeros += i64::from(in_frac),
            b'0'..=b'9' => {
                if let Some(slot) = head.get_mut(significant) {
                    *slot = b;
                }
                significant += 1;
                before_point += i64::from(!in_frac);
            }
            _ => {}
        }
    }
    if significant == 0 {
        return false;
    }
    let first = if before_point > 0 { before_point - 1 } else { -frac_zeros - 1 };
    let magnitude = first.saturating_add(if exp_negative { -exp } else { exp });
    // Halfway between f64::MAX and the next power of two rounds up to infinity.
    magnitude > 308 || (magnitude == 308 && head >= *b"17976931348623158")
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn number_range_matches_serde_json() {
        for literal in [
            "1e400",
            "-1e309",
            "1.8e308",
            "1e99999999999999999999",
            "179769313486231590000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
            "0.00000000000001e323",
            "1.7976931348623159e308",
            "1.7976931348623157e308",
            "1.7976931348623157e307",
            "0e999999",
            "0.000e400",
            "1e-400",
            "-0.0",
            "123.456e-7",
            "0.1e309",
        ] {
            let serde_ok = serde_json::from_str::<serde_json::Value>(literal).is_ok();
            assert_eq!(Json::parse(literal.as_bytes()).is_ok(), serde_ok, "{literal}");
        }
        for mantissa in
            ["1", "-1", "9.99", "1.7976931348623157", "1.79769313486231", "1.8", "0.18", "0.0017", "17.9", "000"]
        {
            for exp in 300..=312 {
                for literal in [alloc::format!("{mantissa}e{exp}"), alloc::format!("{mantissa}E+{exp}")] {
                    let serde_ok = serde_json::from_str::<serde_json::Value>(&literal).is_ok();
                    assert_eq!(Json::parse(literal.as_bytes()).is_ok(), serde_ok, "{literal}");
                }
            }
        }
    }

    use super::*;

    #[test]
    fn parses_and_prints() {
        let text = br#" {"b":1.50,"a":[true,false,null,-0,1e+5,"x\u00e9\ud83d\ude00\n"],"b":{"c":{}}} "#;
        let v = Json::parse(text).unwrap();
        assert_eq!(v.to_json(), "{\"b\":{\"c\":{}},\"a\":[true,false,null,-0,1e+5,\"xé😀\\n\"]}");
        for bad in [
            &b""[..],
            b" ",
            b"{",
            b"[1,]",
            b"{\"a\":1,}",
            b"01",
            b"1.",
            b"-",
            b"1e",
            b"\"\\ud800\"",
            b"\"\\udc00\"",
            b"\"\x01\"",
            b"\"\xff\"",
            b"{} x",
            b"nul",
            b"{1:2}",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?}");
        }
        let err = Json::parse(b"{\n  \"a\": x}").unwrap_err();
        assert_eq!((err.line, err.column, err.eof), (2, 8, false));
        assert!(Json::parse(b"{\"a\":").unwrap_err().eof);
    }

    #[test]
    fn depth_limit() {
        let deep = |n: usize| {
            let mut s = alloc::vec![b'['; n];
            s.extend(core::iter::repeat_n(b']', n));
            s
        };
        assert!(Json::parse(&deep(MAX_DEPTH - 1)).is_ok());
        assert!(Json::parse(&deep(MAX_DEPTH)).is_err());
        assert!(Json::parse(&deep(100_000)).is_err());
    }

    #[test]
    fn escapes_like_serde_json() {
        let mut out = String::new();
        write_str(&mut out, "a\"\\\u{1}\u{8}\u{c}\u{1f}\u{7f}é/");
        assert_eq!(out, "\"a\\\"\\\\\\u0001\\b\\f\\u001f\u{7f}é/\"");
    }
}
