//! Integration tests: one binary, one module per concern.

mod audit;
mod authoring;
mod bad_input;
mod bad_rules;
mod classification;
mod command;
mod common;
mod exits;
mod explain;
mod golden;
mod history;
mod hostile;
mod html;
mod layout;
mod licences;
mod parties;
mod props;
mod read;
mod rules;
mod schema;
mod screen;
