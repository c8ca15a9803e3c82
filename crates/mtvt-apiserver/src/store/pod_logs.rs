//! Pod logs: the text `kubectl logs` shows for a pod, set and appended by whoever plays the
//! kubelet (controllers, tests), with change notifications for `kubectl logs -f`.

use tokio::sync::broadcast;

use super::Store;

impl Store {
    /// Sets the log text `kubectl logs` shows for a pod (replacing what was there).
    pub fn set_pod_log(&self, namespace: &str, pod: &str, text: &str) {
        self.lock()
            .pod_logs
            .insert((namespace.to_string(), pod.to_string()), text.to_string());
        let _ = self
            .inner
            .log_tx
            .send((namespace.to_string(), pod.to_string()));
    }

    /// Appends to a pod's log text.
    pub fn append_pod_log(&self, namespace: &str, pod: &str, text: &str) {
        self.lock()
            .pod_logs
            .entry((namespace.to_string(), pod.to_string()))
            .or_default()
            .push_str(text);
        let _ = self
            .inner
            .log_tx
            .send((namespace.to_string(), pod.to_string()));
    }

    /// A pod's log text (`None` when none was set).
    pub fn pod_log(&self, namespace: &str, pod: &str) -> Option<String> {
        self.lock()
            .pod_logs
            .get(&(namespace.to_string(), pod.to_string()))
            .cloned()
    }

    /// Notifications of pod log changes, as `(namespace, pod)` (for `kubectl logs -f`).
    pub(crate) fn log_changes(&self) -> broadcast::Receiver<(String, String)> {
        self.inner.log_tx.subscribe()
    }
}
