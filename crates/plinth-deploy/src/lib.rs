//! plinth's deploy engine: plans, deploys, inspects and destroys an assembly in AWS and
//! Kubernetes.
//!
//! ```text
//! Assembly ─ Target::new ─▶ Target ─┬─ engine::plan (reads stacks, makes change sets) ─▶ Plan
//!                                   └─ engine::deploy(Plan) ─▶ stacks in dependency order, then kubernetes::apply_waves
//! ```
//!
//! The pure parts ([`graph`], [`plan`], [`bootstrap`], [`target`], [`kubernetes::token`]'s signing
//! input) decide; [`aws`], [`engine`] and [`kubernetes`] talk to the services and decide nothing.

pub mod aws;
pub mod bootstrap;
pub mod cleanup;
pub mod engine;
pub mod graph;
pub mod kafka;
pub mod kubernetes;
pub mod plan;
pub mod target;
pub mod timeline;

pub use aws::{Cloud, Connect};
pub use engine::{DeployError, Progress, Reporter};
pub use plan::Plan;
pub use target::Target;
