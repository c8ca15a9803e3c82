//! A source adapter's part in teardown and the leak audit: deleting a clone (by id when
//! known, else by name; missing = done) and its artifacts, and telling whether one is left.

use futures::future::BoxFuture;
use mtvt_source::VmRef;

use super::SourceSide;
use crate::engine::cleanup::SourceCleaner;
use crate::engine::sweep::SourceProbe;

impl SourceCleaner for SourceSide {
    fn delete<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
        id: Option<&'a str>,
        artifacts: &'a [mtvt_source::SourceArtifact],
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            if profile != self.profile.name {
                return Err(format!(
                    "made through profile {profile}, not {}",
                    self.profile.name
                ));
            }
            let vm = match id {
                Some(id) => Some(VmRef {
                    id: id.to_string(),
                    name: name.to_string(),
                    template: false,
                }),
                None => match self.adapter.find_vm(name).await {
                    Ok(v) => Some(v),
                    Err(e) if e.is_not_found() => None,
                    Err(e) => return Err(e.to_string()),
                },
            };
            if let Some(vm) = vm {
                self.adapter
                    .delete_vm(&vm)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            for art in artifacts {
                self.adapter
                    .delete_artifact(art)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        })
    }
}

impl SourceProbe for SourceSide {
    fn exists<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<bool, String>> {
        Box::pin(async move {
            if profile != self.profile.name {
                return Err(format!(
                    "made through profile {profile}, not {}",
                    self.profile.name
                ));
            }
            match self.adapter.find_vm(name).await {
                Ok(_) => Ok(true),
                Err(e) if e.is_not_found() => Ok(false),
                Err(e) => Err(e.to_string()),
            }
        })
    }
}
