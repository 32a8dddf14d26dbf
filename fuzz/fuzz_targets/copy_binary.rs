//! Binary COPY FROM STDIN data: `BinaryTuples` over two chunks, then each field decoded as a
//! type picked from the input. The first input byte picks where the data is cut.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pgbridge_proxy::PgType;
use pgbridge_proxy::copy_binary::BinaryTuples;
use pgbridge_proxy::decode::decode_parameter;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = data.split_first() else {
        return;
    };
    let cut = usize::from(*selector).min(bytes.len());
    let mut reader = BinaryTuples::default();
    for chunk in [&bytes[..cut], &bytes[cut..]] {
        match reader.push(chunk) {
            Ok(tuples) => {
                for field in tuples.into_iter().flatten().flatten() {
                    let pg_type = PgType::ALL[usize::from(*selector) % PgType::ALL.len()];
                    if let Err(error) = decode_parameter(Some(&field), pg_type, true) {
                        assert_eq!(error.code.len(), 5);
                    }
                }
            }
            Err(error) => {
                assert_eq!(error.code.len(), 5);
                return;
            }
        }
    }
    if let Err(error) = reader.finish() {
        assert_eq!(error.code.len(), 5);
    }
});
