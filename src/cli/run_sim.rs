//! `mtvt run --sim`: the embedded emulator as a run target — started on 127.0.0.1 with its
//! default lab, its kubeconfig and `.providers.json` written under the data-collector
//! directory, then driven through exactly the code path of a real cluster.

use std::path::PathBuf;

use super::run::RunArgs;
use crate::report::RunReport;

/// A running emulator the run targets.
pub struct SimTarget {
    /// Its kubeconfig.
    pub kubeconfig: PathBuf,
    /// Its providers file.
    pub providers_file: PathBuf,
    /// Its default storage class.
    pub storage_class: String,
}

impl SimTarget {
    /// Starts the emulator.
    pub async fn start(_args: &RunArgs) -> Result<SimTarget, String> {
        Err(
            "the emulator entry point (mtvt_sim::emulator) is not available in this build yet"
                .into(),
        )
    }

    /// Prints what the emulator served.
    pub fn report(&self, _report: &RunReport) {}

    /// Stops it (after Ctrl-C with `--keep-sim`).
    pub async fn finish(self, _keep: bool) {}
}
