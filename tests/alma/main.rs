//! Integration tests of the Alma edge: the real client against the
//! emulator over HTTP (paging, retries, errors, the key kept secret), round
//! trips of real records' shapes, the emulator's two faces, its seed and
//! its command, and fuzzing of the wire decoders.

mod client;
mod emulator_cli;
mod emulator_faces;
mod emulator_seed;
mod fuzz_wire;
mod roundtrip;
mod secret;
