//! Insight into a platform before money is spent: policy checks over the synthesized assembly
//! (`check`), its monthly cost (`cost`), its diagram (`graph`), what a change touches (`diff`)
//! and what every pin is checked against (`versions`).
//!
//! Everything here is a pure function of a validated [`plinth_spec::Platform`] and the
//! [`plinth_synth::Assembly`] synthesized from it: no IO, no clock, ordered output. The binary
//! renders the results and resolves spec pointers to file locations.

pub mod check;
pub mod cost;
pub mod diff;
pub mod graph;
pub mod versions;
