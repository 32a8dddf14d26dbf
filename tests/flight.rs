#![cfg(feature = "arrow")]
