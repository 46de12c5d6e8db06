//! (browser tests: being written)
