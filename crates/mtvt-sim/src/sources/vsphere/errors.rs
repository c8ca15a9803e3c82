//! vSphere error bodies: Automation API standard errors (`{error_type, messages[]}` with
//! the vAPI status mapping) and VI/JSON faults (`{_typeName, faultMessage}`, HTTP 500).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::lab::LabOpError;

/// A vAPI standard error.
#[derive(Debug)]
pub(crate) struct VapiError {
    pub(crate) error_type: &'static str,
    pub(crate) id: String,
    pub(crate) message: String,
}

impl VapiError {
    pub(crate) fn new(error_type: &'static str, id: &str, message: impl Into<String>) -> Self {
        Self {
            error_type,
            id: id.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn unauthenticated() -> Self {
        Self::new(
            "UNAUTHENTICATED",
            "com.vmware.vapi.endpoint.method.authentication.required",
            "Authentication required.",
        )
    }

    pub(crate) fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            "NOT_FOUND",
            "com.vmware.api.vcenter.vm.not_found",
            format!("{what} with identifier '{id}' does not exist."),
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(
            "INVALID_ARGUMENT",
            "com.vmware.vapi.std.errors.invalid_argument",
            message,
        )
    }

    /// vAPI → HTTP status (vSphere Automation REST mapping).
    fn status(&self) -> StatusCode {
        match self.error_type {
            "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED" => StatusCode::FORBIDDEN,
            "NOT_FOUND" => StatusCode::NOT_FOUND,
            "SERVICE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
            "INTERNAL_SERVER_ERROR" | "ERROR" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for VapiError {
    fn into_response(self) -> Response {
        let body = json!({"error_type": self.error_type,
                          "messages": [{"args": [], "default_message": self.message, "id": self.id}]});
        (self.status(), Json(body)).into_response()
    }
}

impl From<LabOpError> for VapiError {
    fn from(e: LabOpError) -> Self {
        match &e {
            LabOpError::ProviderNotFound { .. } => VapiError::new(
                "INTERNAL_SERVER_ERROR",
                "com.vmware.vapi.std.errors.internal_server_error",
                e.to_string(),
            ),
            LabOpError::VmNotFound { vm, .. } => VapiError::not_found("Virtual machine", vm),
            LabOpError::NameTaken { name, .. } => VapiError::new(
                "ALREADY_EXISTS",
                "com.vmware.api.vcenter.vm.already_exists",
                format!("A virtual machine named '{name}' already exists."),
            ),
            LabOpError::AlreadyOn { .. } => VapiError::new(
                "ALREADY_IN_DESIRED_STATE",
                "com.vmware.api.vcenter.vm.power.already_powered_on",
                "Virtual machine is already powered on.",
            ),
            LabOpError::AlreadyOff { .. } => VapiError::new(
                "ALREADY_IN_DESIRED_STATE",
                "com.vmware.api.vcenter.vm.power.already_powered_off",
                "Virtual machine is already powered off.",
            ),
            LabOpError::IsTemplate { .. } => VapiError::new(
                "NOT_ALLOWED_IN_CURRENT_STATE",
                "com.vmware.api.vcenter.vm.template",
                "The operation is not allowed on a template.",
            ),
            LabOpError::PoweredOn { .. } => VapiError::new(
                "NOT_ALLOWED_IN_CURRENT_STATE",
                "com.vmware.api.vcenter.vm.powered_on",
                "The operation is not allowed while the virtual machine is powered on.",
            ),
            LabOpError::SnapshotNotFound { snapshot, .. } => {
                VapiError::not_found("Snapshot", snapshot)
            }
            LabOpError::DatastoreNotFound { datastore, .. } => {
                VapiError::invalid(format!("Datastore '{datastore}' does not exist."))
            }
            LabOpError::FolderNotFound { folder } => {
                VapiError::invalid(format!("Folder '{folder}' does not exist."))
            }
            LabOpError::HostNotFound { host, .. } => {
                VapiError::invalid(format!("Host '{host}' does not exist."))
            }
            LabOpError::LunNotFound { lun, .. } => {
                VapiError::invalid(format!("LUN '{lun}' is not presented to the host."))
            }
            LabOpError::InvalidArgument { message } => VapiError::invalid(message.clone()),
        }
    }
}

/// A VI/JSON fault object.
pub(crate) fn fault(type_name: &str, message: &str, extra: Value) -> Value {
    let mut v = json!({"_typeName": type_name, "faultMessage": [{"_typeName": "LocalizableMessage", "key": type_name, "message": message}]});
    if let (Some(m), Value::Object(e)) = (v.as_object_mut(), extra) {
        m.extend(e);
    }
    v
}

/// A VI/JSON fault response (HTTP 500, like a SOAP fault).
pub(crate) fn fault_response(type_name: &str, message: &str) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(fault(type_name, message, json!({}))),
    )
        .into_response()
}

/// The VI/JSON fault for a refused lab operation.
pub(crate) fn vim_fault(e: &LabOpError) -> Value {
    let msg = e.to_string();
    match e {
        LabOpError::VmNotFound { vm, .. } => fault(
            "ManagedObjectNotFound",
            &msg,
            json!({"obj": {"_typeName": "ManagedObjectReference", "type": "VirtualMachine", "value": vm}}),
        ),
        LabOpError::AlreadyOn { .. } => fault(
            "InvalidPowerState",
            &msg,
            json!({"requestedState": "poweredOn", "existingState": "poweredOn"}),
        ),
        LabOpError::AlreadyOff { .. } => fault(
            "InvalidPowerState",
            &msg,
            json!({"requestedState": "poweredOff", "existingState": "poweredOff"}),
        ),
        LabOpError::PoweredOn { .. } => fault(
            "InvalidPowerState",
            &msg,
            json!({"requestedState": "poweredOff", "existingState": "poweredOn"}),
        ),
        LabOpError::IsTemplate { .. } => fault("NotSupported", &msg, json!({})),
        LabOpError::NameTaken { name, .. } => fault("DuplicateName", &msg, json!({"name": name})),
        LabOpError::SnapshotNotFound { .. } => fault("ManagedObjectNotFound", &msg, json!({})),
        LabOpError::DatastoreNotFound { .. } | LabOpError::FolderNotFound { .. } => {
            fault("FileNotFound", &msg, json!({}))
        }
        LabOpError::LunNotFound { lun, .. } => fault(
            "InvalidDeviceBacking",
            &msg,
            json!({"property": "backing.lunUuid", "deviceIndex": 0, "lun": lun}),
        ),
        _ => fault("InvalidArgument", &msg, json!({})),
    }
}
