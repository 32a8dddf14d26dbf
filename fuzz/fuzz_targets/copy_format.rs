//! COPY FROM STDIN data: `RecordSplitter` over two chunks, then `parse_record` on each record,
//! in text and CSV formats. The first input byte picks the format and where the data is cut.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pgbridge_proxy::CopyFormat;
use pgbridge_proxy::copy_format::{RecordSplitter, parse_record};

fn format(selector: u8) -> CopyFormat {
    match selector % 4 {
        0 => CopyFormat::default(),
        1 => CopyFormat::Text {
            delimiter: '|',
            null: String::new(),
        },
        2 => CopyFormat::csv(),
        _ => CopyFormat::Csv {
            delimiter: ';',
            quote: '\'',
            escape: '\\',
            null: "NULL".to_owned(),
            header: true,
        },
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = data.split_first() else {
        return;
    };
    let format = format(*selector);
    let cut = usize::from(*selector >> 2).min(bytes.len());
    let mut splitter = RecordSplitter::default();
    let mut records = Vec::new();
    for chunk in [&bytes[..cut], &bytes[cut..]] {
        match splitter.push(chunk, &format) {
            Ok(more) => records.extend(more),
            Err(error) => assert_eq!(error.code.len(), 5),
        }
    }
    match splitter.finish() {
        Ok(last) => records.extend(last),
        Err(error) => assert_eq!(error.code.len(), 5),
    }
    for record in records {
        if let Err(error) = parse_record(&record, &format) {
            assert_eq!(error.code.len(), 5);
        }
    }
});
