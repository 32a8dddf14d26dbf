//! # pgbridge-proxy
//!
//! The front ends of pgbridge and the one seam they call.
//!
//! ```text
//! client --(PostgreSQL wire v3)--> wire::serve   --> Session (the seam) --> engine --> backend
//! client --(Arrow Flight SQL)----> flight::serve --/
//! ```
//!
//! * [`backend`] is the seam: a [`Backend`] opens one [`Session`] per client connection; the
//!   session parses, describes and executes statements and owns the transaction state. The
//!   pgbridge engine implements it; a front end never sees SQL dialects or backend drivers.
//! * [`value`] holds the typed values that cross the seam ([`Value`], typed by [`PgType`]).
//! * [`wire`] (feature `wire`) speaks PostgreSQL wire protocol v3 with the `pgwire` crate:
//!   startup and authentication, simple and extended query, text and binary formats, cancel.
//! * [`flight`] (feature `arrow`) speaks Arrow Flight SQL over gRPC with `arrow-flight` and
//!   `tonic`: query results as Arrow record batches, prepared statements, catalog calls.
//! * [`dedicated`] runs a connection on a thread of its own, where a blocking backend may run
//!   its statements without a hand-off to another thread.
//!
//! Unsupported requests are answered with SQLSTATE 0A000 and a message that names what was
//! refused and where.

pub mod array;
pub mod backend;
pub mod copy_binary;
pub mod copy_format;
pub mod decode;
pub mod dedicated;
pub mod error;
#[cfg(feature = "arrow")]
pub mod flight;
pub mod interval_math;
mod interval_text;
pub mod jsonb;
pub mod value;
#[cfg(feature = "wire")]
pub mod wire;

pub use backend::{
    Backend, CancelToken, Description, Field, Outcome, Row, RowStream, Session, SessionInfo,
    TransactionState,
};
pub use copy_format::CopyFormat;
pub use error::SqlError;
pub use pgbridge_dialects::PgType;
pub use value::{Interval, Value};
