//! Bind parameter bytes: `decode_parameter` over every PgType, in text and binary format.
//! The first input byte picks the type and format; the rest is the parameter's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pgbridge_proxy::PgType;
use pgbridge_proxy::decode::decode_parameter;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = data.split_first() else {
        return;
    };
    let pg_type = PgType::ALL[usize::from(*selector >> 1) % PgType::ALL.len()];
    let binary = selector & 1 == 1;
    if let Err(error) = decode_parameter(Some(bytes), pg_type, binary) {
        assert_eq!(error.code.len(), 5, "{error:?}");
    }
});
