//! Why a line or a whole file of a Zeek log was not used. Each error carries the value that
//! was wrong; the reader keeps going after a line error and reports it with file and line.

use std::path::PathBuf;

/// Why one line of a log was dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("{found} columns where the #fields header names {expected}")]
    WrongColumnCount { expected: usize, found: usize },
    #[error("field {field}: {value:?} is not an IP address")]
    BadAddress { field: String, value: String },
    #[error("field {field}: {value:?} is not a number")]
    BadNumber { field: String, value: String },
    #[error("field {field}: {value:?} is not a port")]
    BadPort { field: String, value: String },
    #[error("field {field}: {value:?} is not a time")]
    BadTime { field: String, value: String },
    #[error("field {field}: {value:?} is not a duration")]
    BadInterval { field: String, value: String },
    #[error("field {field}: {value:?} is not a list of strings")]
    BadList { field: String, value: String },
    #[error("required field {field} is missing or unset")]
    MissingField { field: String },
    #[error("line of {len} bytes is longer than the {limit}-byte limit")]
    TooLong { len: usize, limit: usize },
    #[error("line is not valid UTF-8")]
    NotUtf8,
    #[error("not a JSON object: {reason}")]
    BadJson { reason: String },
    #[error("data line before any #fields header")]
    NoHeader,
    #[error("header {line:?} is malformed")]
    BadHeader { line: String },
}

/// Why a file was skipped or not read to its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("cannot read: {reason}")]
    Io { reason: String },
    #[error("not a Zeek log: starts with {start:?}")]
    NotZeekLog { start: String },
    #[error("empty file")]
    Empty,
    #[error("log kind {kind:?} is not one whohosts reads (conn, dns, ssl, http, quic)")]
    UnknownKind { kind: String },
    #[error("JSON log whose first record (keys {keys}) is none of conn, dns, ssl, http, quic")]
    UnknownJsonKind { keys: String },
    #[error("stopped after {count} bad lines (the rest of the file was not read)")]
    TooManyProblems { count: usize },
    #[error("directory nesting deeper than {limit} levels")]
    TooDeep { limit: usize },
}

/// One dropped line: where it was and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {error}", file.display())]
pub struct LineProblem {
    pub file: PathBuf,
    /// 1-based line number in the (decompressed) file.
    pub line: u64,
    pub error: LineError,
}

/// A file skipped entirely, or read only in part (the records before the error are kept).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {error}", path.display())]
pub struct FileProblem {
    pub path: PathBuf,
    pub error: FileError,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_problem_names_file_line_and_value() {
        let p = LineProblem {
            file: PathBuf::from("conn.log"),
            line: 12,
            error: LineError::BadAddress { field: "id.orig_h".into(), value: "192.168.1.300".into() },
        };
        assert_eq!(p.to_string(), "conn.log:12: field id.orig_h: \"192.168.1.300\" is not an IP address");
    }

    #[test]
    fn wrong_column_count_says_both_counts() {
        let e = LineError::WrongColumnCount { expected: 22, found: 10 };
        assert_eq!(e.to_string(), "10 columns where the #fields header names 22");
    }
}
