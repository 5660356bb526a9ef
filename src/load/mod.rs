//! Loading: reading files into JSON trees and recognizing what they hold.
//!
//! Stage one of the pipeline (**load** → model → graph → evaluate / lint → report).
//! Nothing here decides anything; it turns bytes into the model's inputs and reports, with
//! file and JSON pointer, what it could not read.

pub mod cases;
pub mod fs;
pub mod policy_file;
