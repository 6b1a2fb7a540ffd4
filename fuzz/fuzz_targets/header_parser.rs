//! The strict `X-Signature` parser: never panics; what parses formats back and re-parses to
//! the same value.
#![no_main]

use cstar_webhooks::SignatureHeader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|header: &str| {
    if let Ok(parsed) = SignatureHeader::parse(header) {
        let printed = parsed.to_string();
        let again = SignatureHeader::parse(&printed).expect("a formatted header parses");
        assert_eq!(again, parsed);
    }
});
