//! The cluster side of `mtvt run`: client construction (kubeconfig / context / URL + token /
//! OpenShift login), the API kind table, the server's clock and the installed MTV version.
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
pub mod probe;
pub mod server_time;
pub mod storage_class;

pub use connect::{Cluster, ConnectError, ConnectOptions, connect};
pub use health::{ClusterLost, Health};
pub use mtv_version::{MtvVersion, mtv_version};
pub use object_ref::ObjectRef;
pub use server_time::server_time;
