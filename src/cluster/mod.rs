//! The cluster side of `mtvt run`: client construction (kubeconfig / context / URL + token /
//! OpenShift login), the API kind table, the server's clock, the installed MTV version and the
//! OpenShift release.
//! Nothing here knows scenarios, or whether the API server is emulated.

pub mod connect;
pub mod health;
pub mod identity;
pub mod in_cluster;
pub mod ingress_ca;
pub mod kinds;
pub mod mtv_version;
pub mod oauth;
pub mod object_ref;
pub mod openshift_version;
pub mod probe;
pub mod server_time;
pub mod storage_class;

pub use connect::{Cluster, ConnectError, ConnectOptions, connect};
pub use health::{ClusterLost, Health};
pub use mtv_version::{MtvVersion, mtv_version};
pub use object_ref::ObjectRef;
pub use openshift_version::openshift_version;
pub use server_time::server_time;
