//! `mtvt run --sim`: the embedded emulator as a run target — started on 127.0.0.1 with its
//! default lab, its kubeconfig and `.providers.json` written next to the journal, then
//! driven through exactly the code path of a real cluster (the engine only ever sees the
//! kubeconfig and the providers file). `--keep-sim` keeps it serving after the run.

use std::path::PathBuf;

use mtvt_sim::api::Faults;
use mtvt_sim::emulator::{Emulator, EmulatorOptions};
use mtvt_sim::lab::Lab;

use super::run::RunArgs;
use crate::report::RunReport;

/// A running emulator the run targets.
pub struct SimTarget {
    emulator: Emulator,
    /// Its kubeconfig.
    pub kubeconfig: PathBuf,
    /// Its providers file.
    pub providers_file: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

impl SimTarget {
    /// Starts the emulator and writes its kubeconfig and providers file.
    pub async fn start(args: &RunArgs) -> Result<SimTarget, String> {
        let rules = args.sim_faults.clone();
        let mut lab = match &args.sim_lab {
            Some(path) => Some(Lab::from_path(path).map_err(|e| e.to_string())?),
            None => None,
        };
        if !args.sim_step_faults.is_empty()
            || !args.sim_guest_faults.is_empty()
            || !args.sim_break.is_empty()
        {
            let mut l = match lab.take() {
                Some(l) => l,
                None => Lab::default_lab().map_err(|e| e.to_string())?,
            };
            l.faults.rules.extend(args.sim_step_faults.iter().cloned());
            l.faults.guest.extend(args.sim_guest_faults.iter().cloned());
            l.faults.broken.extend(args.sim_break.iter().copied());
            lab = Some(l);
        }
        let mut opts = EmulatorOptions {
            lab,
            crds_dirs: args.sim_crds.clone(),
            api_faults: Faults {
                seed: args.sim_fault_seed,
                rules,
            },
            ..EmulatorOptions::default()
        };
        if let Some(ns) = &args.mtv_namespace {
            opts.mtv_namespace = ns.clone();
        }
        let emulator = Emulator::start(opts).await.map_err(|e| e.to_string())?;
        let (dir, tmp) = if args.skip_data_collector {
            let t = tempfile::tempdir()
                .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
            (t.path().to_path_buf(), Some(t))
        } else {
            (args.data_collector_path.clone(), None)
        };
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let kubeconfig = absolute(dir.join("sim-kubeconfig"));
        emulator
            .write_kubeconfig(&kubeconfig)
            .map_err(|e| format!("cannot write {}: {e}", kubeconfig.display()))?;
        let providers_file = absolute(dir.join("sim-providers.json"));
        let text =
            serde_json::to_string_pretty(&emulator.providers_json()).map_err(|e| e.to_string())?;
        mtvt_sim::write_private(&providers_file, &text)
            .map_err(|e| format!("cannot write {}: {e}", providers_file.display()))?;
        eprintln!(
            "mtvt run --sim: emulator at {}; kubeconfig {} (KUBECONFIG={} kubectl get plans -A)",
            emulator.url(),
            kubeconfig.display(),
            kubeconfig.display()
        );
        Ok(SimTarget {
            emulator,
            kubeconfig,
            providers_file,
            _tmp: tmp,
        })
    }

    /// Prints what the emulator served.
    pub fn report(&self, report: &RunReport) {
        let run = report
            .scenarios
            .iter()
            .filter(|s| s.status != crate::report::Status::Skipped)
            .count();
        let requests = self.emulator.request_count();
        let per = if run > 0 {
            requests / run as u64
        } else {
            requests
        };
        eprintln!("emulator: {requests} HTTP requests served ({per} per scenario run)");
    }

    /// Stops it; with `keep`, first waits for Ctrl-C.
    pub async fn finish(self, keep: bool) {
        if keep {
            eprintln!(
                "emulator still serving at {} (KUBECONFIG={}); Ctrl-C to stop",
                self.emulator.url(),
                self.kubeconfig.display()
            );
            let _ = tokio::signal::ctrl_c().await;
        }
        self.emulator.shutdown().await;
    }
}

fn absolute(p: PathBuf) -> PathBuf {
    std::path::absolute(&p).unwrap_or(p)
}
