//! The emulator's lab-file loader (`mtvt sim serve --lab`) on any text: YAML (or JSON)
//! parsing, then resolution and checking of providers, VMs, disks, networks, faults and
//! guest credentials; errors are rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match mtvt_sim::lab::Lab::from_yaml_str("lab.yaml", text) {
        Ok(lab) => {
            let _ = format!("{lab:?}");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
