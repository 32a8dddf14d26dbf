//! COPY's binary format, for COPY FROM STDIN (pgx's `CopyFrom`, asyncpg's
//! `copy_records_to_table`): a signature and header, then tuples of length-prefixed fields in
//! each type's binary encoding, then a trailer. Data arrives in CopyData chunks that split
//! tuples anywhere, so a partial tuple waits for the next chunk.

use crate::SqlError;

/// The 11 bytes every binary COPY stream starts with.
const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";
/// Header flag bit 16: each tuple carries an OID (never written by current clients).
const HAS_OIDS: u32 = 1 << 16;

/// One tuple: its fields' bytes, `None` for NULL.
pub type Tuple = Vec<Option<Vec<u8>>>;

fn bad_format(message: impl Into<String>) -> SqlError {
    SqlError::new("22P04", message)
}

/// Reads tuples from binary COPY data.
#[derive(Debug, Default)]
pub struct BinaryTuples {
    pending: Vec<u8>,
    header_read: bool,
    /// True once the trailer (field count -1) was read.
    pub ended: bool,
    /// Tuples read so far, for error messages.
    pub tuples: usize,
}

impl BinaryTuples {
    /// Adds data; returns the tuples it completed.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<Tuple>, SqlError> {
        self.pending.extend_from_slice(data);
        let mut at = 0;
        if !self.header_read {
            match self.header(&self.pending)? {
                Some(length) => {
                    at = length;
                    self.header_read = true;
                }
                None => return Ok(Vec::new()),
            }
        }
        let mut out = Vec::new();
        while !self.ended {
            match self.tuple(&self.pending[at..])? {
                Some((Some(tuple), used)) => {
                    self.tuples += 1;
                    out.push(tuple);
                    at += used;
                }
                Some((None, used)) => {
                    self.ended = true;
                    at += used;
                }
                None => break,
            }
        }
        if self.ended && at < self.pending.len() {
            return Err(bad_format("received copy data after EOF marker"));
        }
        self.pending.drain(..at);
        Ok(out)
    }

    /// Checks that the data ended at a tuple boundary, after the header.
    pub fn finish(&self) -> Result<(), SqlError> {
        if !self.header_read {
            return Err(bad_format("COPY file signature not recognized"));
        }
        if !self.pending.is_empty() {
            return Err(bad_format("unexpected EOF in COPY data"));
        }
        Ok(())
    }

    /// The header's length, `None` while incomplete.
    fn header(&self, data: &[u8]) -> Result<Option<usize>, SqlError> {
        let known = data.len().min(SIGNATURE.len());
        if data[..known] != SIGNATURE[..known] {
            return Err(bad_format("COPY file signature not recognized"));
        }
        let (Some(flags), Some(extension)) = (read_u32(data, 11), read_u32(data, 15)) else {
            return Ok(None);
        };
        if flags & HAS_OIDS != 0 {
            return Err(SqlError::unsupported("COPY binary data with OIDs"));
        }
        let length = 19 + usize::try_from(extension).map_err(|_| bad_format("invalid header"))?;
        Ok((data.len() >= length).then_some(length))
    }

    /// One tuple and the bytes it used (`None` tuple: the trailer), `None` while incomplete.
    #[allow(clippy::type_complexity)]
    fn tuple(&self, data: &[u8]) -> Result<Option<(Option<Tuple>, usize)>, SqlError> {
        let Some(count) = data.get(..2).map(|b| i16::from_be_bytes([b[0], b[1]])) else {
            return Ok(None);
        };
        if count == -1 {
            return Ok(Some((None, 2)));
        }
        let count = usize::try_from(count)
            .map_err(|_| bad_format(format!("invalid field count {count}")))?;
        let mut at = 2;
        let mut fields = Vec::with_capacity(count);
        for _ in 0..count {
            let Some(length) = read_u32(data, at) else {
                return Ok(None);
            };
            at += 4;
            let length = i32::from_be_bytes(length.to_be_bytes());
            if length == -1 {
                fields.push(None);
                continue;
            }
            let length = usize::try_from(length)
                .map_err(|_| bad_format(format!("invalid field size {length}")))?;
            let Some(bytes) = data.get(at..at + length) else {
                return Ok(None);
            };
            fields.push(Some(bytes.to_vec()));
            at += length;
        }
        Ok(Some((Some(fields), at)))
    }
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        // (1, NULL), then ("ab")
        out.extend_from_slice(&2i16.to_be_bytes());
        out.extend_from_slice(&4i32.to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
        out.extend_from_slice(&(-1i32).to_be_bytes());
        out.extend_from_slice(&1i16.to_be_bytes());
        out.extend_from_slice(&2i32.to_be_bytes());
        out.extend_from_slice(b"ab");
        out.extend_from_slice(&(-1i16).to_be_bytes());
        out
    }

    #[test]
    fn tuples_split_anywhere_read_the_same() {
        let data = stream();
        for split in 0..data.len() {
            let mut reader = BinaryTuples::default();
            let mut tuples = reader.push(&data[..split]).unwrap();
            tuples.extend(reader.push(&data[split..]).unwrap());
            assert_eq!(
                tuples,
                vec![
                    vec![Some(1i32.to_be_bytes().to_vec()), None],
                    vec![Some(b"ab".to_vec())]
                ],
                "split at {split}"
            );
            assert!(reader.ended);
            reader.finish().unwrap();
        }
    }

    #[test]
    fn bad_signature_truncation_and_trailing_data_are_22p04() {
        let mut reader = BinaryTuples::default();
        assert_eq!(reader.push(b"PGCOPX").unwrap_err().code, "22P04");
        let data = stream();
        let mut reader = BinaryTuples::default();
        reader.push(&data[..data.len() - 4]).unwrap();
        assert_eq!(reader.finish().unwrap_err().code, "22P04");
        let mut reader = BinaryTuples::default();
        let mut extra = data.clone();
        extra.push(0);
        assert_eq!(reader.push(&extra).unwrap_err().code, "22P04");
    }
}
