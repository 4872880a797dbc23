//! End-to-end tests of the berth binary live in `tests/`; this library is empty.
