//! Every mistake `mtvt check` can report: one enum variant per mistake, with typed fields,
//! a stable code (never reused or renumbered), a severity, the message (`#[error]`), the
//! labels and the help — all declared once, here. Long explanations live in `codes.rs`.
//! This module must not decide *when* a diagnostic is raised (that is `check/*`).

use crate::span::Span;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The scenario cannot run as written.
    Error,
    /// Suspicious but runnable (`--deny-warnings` turns these into failures).
    Warning,
}

impl Severity {
    /// `error` / `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Declares [`DiagnosticKind`] plus its code/severity/span accessors and [`ALL_CODES`].
macro_rules! diagnostics {
    ($(
        $(#[$vm:meta])*
        $code:literal $sev:ident $variant:ident {
            $( $(#[$fm:meta])* $field:ident : $fty:ty ),* $(,)?
        }
    )*) => {
        /// One variant per mistake. Every variant has a primary `span`.
        #[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
        pub enum DiagnosticKind {
            $( $(#[$vm])* $variant { $( $(#[$fm])* $field: $fty ),* }, )*
        }

        impl DiagnosticKind {
            /// The stable code, e.g. `mtvt::E0201`.
            pub fn code(&self) -> &'static str {
                match self { $( Self::$variant { .. } => $code, )* }
            }
            /// Error or warning.
            pub fn severity(&self) -> Severity {
                match self { $( Self::$variant { .. } => Severity::$sev, )* }
            }
            /// The primary span (where the caret goes).
            pub fn span(&self) -> Span {
                match self { $( Self::$variant { span, .. } => *span, )* }
            }
            /// The variant name, for tests and docs.
            pub fn name(&self) -> &'static str {
                match self { $( Self::$variant { .. } => stringify!($variant), )* }
            }
        }

        /// Every code with its severity and variant name, in declaration order.
        pub const ALL_CODES: &[(&str, Severity, &str)] = &[
            $( ($code, Severity::$sev, stringify!($variant)), )*
        ];
    };
}

diagnostics! {
    // ----------------------------------------------------------------- syntax (E01xx)
    #[error("syntax error: {expected}")]
    "mtvt::E0100" Error SyntaxError {
        #[label("{expected}")] span: Span,
        expected: String,
        #[help] help: Option<String>,
    }

    #[error("invalid {what} literal `{text}`: {reason}")]
    "mtvt::E0101" Error InvalidLiteral {
        #[label("{reason}")] span: Span,
        what: &'static str,
        text: String,
        reason: String,
    }

    #[error("`{key}` takes a raw string; `${{…}}` interpolation is not allowed here")]
    #[diagnostic(help("Go templates and paths are used verbatim: write the value in single quotes ('…') and drop the `${{…}}`"))]
    "mtvt::E0102" Error InterpolationNotAllowed {
        #[label("interpolation here")] span: Span,
        key: String,
    }

    #[error("unknown interpolation `${{{name}}}`")]
    "mtvt::E0103" Error UnknownInterpolation {
        #[label("not `session`, `env.NAME` or `param.NAME`")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    // ------------------------------------------------------------ keys/values (E02xx)
    #[error("unknown key `{key}` in {context}")]
    "mtvt::E0201" Error UnknownKey {
        #[label("unknown key")] span: Span,
        key: String,
        context: String,
        #[help] help: Option<String>,
    }

    #[error("`{key}` expects {expected}, found {found}")]
    "mtvt::E0202" Error WrongType {
        #[label("expected {expected}")] span: Span,
        key: String,
        expected: String,
        found: String,
        #[help] help: Option<String>,
    }

    #[error("`{value}` is not a valid {what}")]
    "mtvt::E0203" Error BadEnumValue {
        #[label("not a {what}")] span: Span,
        value: String,
        what: String,
        #[help] help: Option<String>,
    }

    #[error("`{key}` is set twice")]
    #[diagnostic(help("remove one of the two entries"))]
    "mtvt::E0204" Error DuplicateKey {
        #[label("set again here")] span: Span,
        key: String,
        #[label("first set here")] first: Span,
    }

    #[error("{context} is missing required `{key}`")]
    "mtvt::E0205" Error MissingKey {
        #[label("`{key}` missing")] span: Span,
        key: String,
        context: String,
        #[help] help: Option<String>,
    }

    #[error("`{key}` {problem}")]
    "mtvt::E0206" Error WrongArgCount {
        #[label("{problem}")] span: Span,
        key: String,
        problem: String,
        #[help] help: Option<String>,
    }

    #[error("`{key}` does not take a block")]
    #[diagnostic(help("remove the `{{ … }}` after `{key}`"))]
    "mtvt::E0207" Error UnexpectedBlock {
        #[label("unexpected block")] span: Span,
        key: String,
    }

    #[error("`{key}` needs a `{{ … }}` block")]
    "mtvt::E0208" Error MissingBlock {
        #[label("block expected after this")] span: Span,
        key: String,
        #[help] help: Option<String>,
    }

    #[error("`{key}` is out of range: {reason}")]
    "mtvt::E0209" Error ValueOutOfRange {
        #[label("{reason}")] span: Span,
        key: String,
        reason: String,
    }

    #[error("malformed `{key}`")]
    #[diagnostic(help("write it as: {usage}"))]
    "mtvt::E0210" Error MalformedEntry {
        #[label("cannot read this")] span: Span,
        key: String,
        usage: String,
    }

    // ------------------------------------------------------------ resolution (E03xx)
    #[error("cannot resolve `use {target}`")]
    "mtvt::E0301" Error UnresolvedUse {
        #[label("{reason}")] span: Span,
        target: String,
        reason: String,
        #[help] help: Option<String>,
    }

    #[error("import cycle: {cycle}")]
    #[diagnostic(help("break the cycle: move the shared definitions into a third file both can `use`"))]
    "mtvt::E0302" Error ImportCycle {
        #[label("this import closes the cycle")] span: Span,
        cycle: String,
    }

    #[error("unknown check `{name}`")]
    "mtvt::E0303" Error UnknownCheck {
        #[label("no such check")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("unknown fragment `{name}`")]
    "mtvt::E0304" Error UnknownFragment {
        #[label("no such fragment")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("unknown hook `{name}`")]
    "mtvt::E0305" Error UnknownHook {
        #[label("no such hook")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("{what} `{name}` is defined twice")]
    "mtvt::E0306" Error DuplicateDefinition {
        #[label("defined again here")] span: Span,
        what: &'static str,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("fragment cycle: {cycle}")]
    #[diagnostic(help("a fragment cannot extend itself, directly or through others"))]
    "mtvt::E0307" Error ExtendsCycle {
        #[label("this `extends` closes the cycle")] span: Span,
        cycle: String,
    }

    #[error("unknown parameter `{name}`")]
    "mtvt::E0308" Error UnknownParam {
        #[label("not a matrix dimension of this scenario")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("`{name}` is ambiguous")]
    "mtvt::E0309" Error AmbiguousName {
        #[label("defined in several imported modules")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("more than one `session` block")]
    "mtvt::E0310" Error DuplicateSession {
        #[label("second session block")] span: Span,
        #[help] help: Option<String>,
    }

    #[error("check cycle: {cycle}")]
    #[diagnostic(help("a composite check cannot include itself, directly or through others"))]
    "mtvt::E0311" Error CheckCycle {
        #[label("this reference closes the cycle")] span: Span,
        cycle: String,
    }

    // ----------------------------------------------------------- expressions (E04xx)
    #[error("`{ty}` has no field `{field}`")]
    "mtvt::E0401" Error UnknownField {
        #[label("unknown field")] span: Span,
        field: String,
        ty: String,
        #[help] help: Option<String>,
    }

    #[error("type mismatch: {left} {op} {right}")]
    "mtvt::E0402" Error TypeMismatch {
        #[label("{left} {op} {right}")] span: Span,
        op: String,
        left: String,
        right: String,
        #[help] help: Option<String>,
    }

    #[error("unknown function `{name}`")]
    "mtvt::E0403" Error UnknownFunction {
        #[label("no such function")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("`{name}` takes {expected}, found {found}")]
    "mtvt::E0404" Error WrongArity {
        #[label("{found} given")] span: Span,
        name: String,
        expected: String,
        found: usize,
    }

    #[error("unknown name `{name}`")]
    "mtvt::E0405" Error UnknownName {
        #[label("not a model, variable or enum value")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("invalid regular expression: {error}")]
    "mtvt::E0406" Error InvalidRegex {
        #[label("invalid regex")] span: Span,
        error: String,
    }

    #[error("cannot iterate over {found}")]
    #[diagnostic(help("`for` and comprehensions need a list, e.g. `dest.disks`"))]
    "mtvt::E0407" Error NotIterable {
        #[label("{found}, not a list")] span: Span,
        found: String,
    }

    #[error("`{value}` is not a value of {what}")]
    "mtvt::E0408" Error UnknownEnumLiteral {
        #[label("not a {what}")] span: Span,
        value: String,
        what: String,
        #[help] help: Option<String>,
    }

    #[error("condition must be a bool, found {found}")]
    "mtvt::E0409" Error ConditionNotBool {
        #[label("{found}")] span: Span,
        found: String,
        #[help] help: Option<String>,
    }

    #[error("argument {index} of `{func}` must be {expected}, found {found}")]
    "mtvt::E0410" Error ArgumentType {
        #[label("expected {expected}")] span: Span,
        func: String,
        index: usize,
        expected: String,
        found: String,
    }

    #[error("cannot index {found} with {index}")]
    #[diagnostic(help("lists are indexed with an int (`dest.disks[0]`), maps with a string (`dest.labels[\"app\"]`)"))]
    "mtvt::E0411" Error NotIndexable {
        #[label("not indexable this way")] span: Span,
        found: String,
        index: String,
    }

    #[error("`{name}` is already defined")]
    "mtvt::E0412" Error DuplicateVariable {
        #[label("redefined here")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("`{ty}` has no method `{method}`")]
    "mtvt::E0413" Error UnknownMethod {
        #[label("no such method")] span: Span,
        method: String,
        ty: String,
        #[help] help: Option<String>,
    }

    // ------------------------------------------------------------ kubernetes (E05xx)
    #[error("`{value}` is not a valid namespace name")]
    #[diagnostic(help("namespaces are DNS-1123 labels; Kubernetes says: {reason}"))]
    "mtvt::E0501" Error InvalidNamespace {
        #[label("not a DNS-1123 label")] span: Span,
        value: String,
        reason: String,
    }

    #[error("`{key}` is not a valid label key")]
    #[diagnostic(help("a label key is `[DNS-1123 subdomain/]name`; Kubernetes says: {reason}"))]
    "mtvt::E0502" Error InvalidLabelKey {
        #[label("invalid label key")] span: Span,
        key: String,
        reason: String,
    }

    #[error("`{value}` is not a valid label value")]
    #[diagnostic(help("Kubernetes says: {reason}"))]
    "mtvt::E0503" Error InvalidLabelValue {
        #[label("invalid label value")] span: Span,
        value: String,
        reason: String,
    }

    #[error("`target_affinity` is not a Kubernetes Affinity: `{path}`")]
    "mtvt::E0504" Error InvalidAffinity {
        #[label("{message}")] span: Span,
        path: String,
        message: String,
        #[help] help: Option<String>,
    }

    #[error("`{value}` is not a valid {what}")]
    #[diagnostic(help("Kubernetes says: {reason}"))]
    "mtvt::E0505" Error InvalidResourceName {
        #[label("invalid name")] span: Span,
        what: String,
        value: String,
        reason: String,
    }

    // ------------------------------------------------------------- templates (E06xx)
    #[error("pvc_name_template: {message}")]
    #[diagnostic(help("the template is Go text/template with Forklift's Sprig subset, e.g. '{{{{.VmName}}}}-disk-{{{{.DiskIndex}}}}'"))]
    "mtvt::E0601" Error TemplateSyntax {
        #[label("{message}")] span: Span,
        message: String,
    }

    #[error("pvc_name_template: unknown variable `{name}`")]
    "mtvt::E0602" Error TemplateUnknownVariable {
        #[label("not a PVC template variable")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("pvc_name_template: unknown function `{name}`")]
    "mtvt::E0603" Error TemplateUnknownFunction {
        #[label("not allowed by Forklift")] span: Span,
        name: String,
        #[help] help: Option<String>,
    }

    #[error("pvc_name_template renders an invalid PVC name")]
    #[diagnostic(help("Forklift requires the rendered, trimmed output to be a DNS-1123 label; {message}"))]
    "mtvt::E0604" Error TemplateOutputInvalid {
        #[label("{summary}")] span: Span,
        summary: String,
        message: String,
    }

    // ----------------------------------------------------------------- hooks (E07xx)
    #[error("hook has no playbook")]
    #[diagnostic(help("give exactly one of `result succeed|fail`, `playbook \"\"\"…\"\"\"`, `playbook_base64 \"…\"` or `playbook_file \"…\"`"))]
    "mtvt::E0701" Error HookWithoutPlaybook {
        #[label("no playbook source in this hook")] span: Span,
    }

    #[error("hook has both `{first_key}` and `{key}`")]
    #[diagnostic(help("a hook takes exactly one of `result`, `playbook`, `playbook_base64`, `playbook_file`; remove one"))]
    "mtvt::E0702" Error HookConflictingSources {
        #[label("second playbook source")] span: Span,
        key: String,
        first_key: String,
        #[label("first given here")] first: Span,
    }

    #[error("playbook_base64 is not valid base64: {error}")]
    #[diagnostic(help("encode the playbook with `base64 -w0 playbook.yml`, or write it inline with `playbook \"\"\"…\"\"\"`"))]
    "mtvt::E0703" Error HookInvalidBase64 {
        #[label("invalid base64")] span: Span,
        error: String,
    }

    #[error("playbook is not valid UTF-8")]
    #[diagnostic(help("Ansible playbooks are UTF-8 YAML text"))]
    "mtvt::E0704" Error HookNotUtf8 {
        #[label("decodes to non-UTF-8 bytes")] span: Span,
    }

    #[error("playbook is not valid YAML: {error}")]
    "mtvt::E0705" Error HookInvalidYaml {
        #[label("{error}")] span: Span,
        error: String,
    }

    #[error("playbook must be a non-empty list of plays, found {found}")]
    #[diagnostic(help("an Ansible playbook is a YAML list: `- name: …\\n  hosts: localhost\\n  tasks: [...]`"))]
    "mtvt::E0706" Error HookNotPlayList {
        #[label("{found}")] span: Span,
        found: String,
    }

    #[error("cannot read playbook file `{path}`: {error}")]
    #[diagnostic(help("playbook_file is resolved relative to the scenario file"))]
    "mtvt::E0707" Error HookFileUnreadable {
        #[label("{error}")] span: Span,
        path: String,
        error: String,
    }

    #[error("two `{step}` hooks in one plan")]
    #[diagnostic(help("Forklift runs at most one hook per step for each VM; keep one"))]
    "mtvt::E0708" Error DuplicateHookStep {
        #[label("second {step} hook")] span: Span,
        step: String,
        #[label("first {step} hook")] first: Span,
    }

    #[error("`expect` is only for custom playbooks; this hook uses `result`")]
    #[diagnostic(help("`result succeed|fail` already says how the predefined playbook ends; remove `expect`"))]
    "mtvt::E0709" Error HookExpectWithResult {
        #[label("redundant with `result`")] span: Span,
        #[label("`result` given here")] result: Span,
    }

    // -------------------------------------------------------------- outcomes (E08xx)
    #[error("`migration fails at {step}` but no {step} hook can fail")]
    "mtvt::E0801" Error FailsAtHookWithoutFailingHook {
        #[label("expected failure step")] span: Span,
        step: String,
        #[help] help: Option<String>,
    }

    #[error("checks cannot run after a PreHook failure")]
    #[diagnostic(help("a PreHook failure stops the migration before any target VM exists: remove the `check` line or expect a PostHook failure"))]
    "mtvt::E0802" Error ChecksAfterPreHookFailure {
        #[label("these checks would have no VM to look at")] span: Span,
        #[label("migration fails at PreHook")] outcome: Span,
    }

    #[error("the outcome is stated twice")]
    #[diagnostic(help("keep one `migration …` or `plan …` line"))]
    "mtvt::E0803" Error ConflictingOutcome {
        #[label("second outcome")] span: Span,
        #[label("first outcome")] first: Span,
    }

    #[error("step `{step}` is not in the pipeline of {reason}")]
    "mtvt::E0804" Error StepNotInPipeline {
        #[label("this step never runs")] span: Span,
        step: String,
        reason: String,
        #[help] help: Option<String>,
    }

    #[error("`migration succeeds` but the {step} hook is designed to fail")]
    #[diagnostic(help("expect `migration fails at {step}`, or use a hook that succeeds"))]
    "mtvt::E0805" Error SuccessWithFailingHook {
        #[label("expected success")] span: Span,
        step: String,
        #[label("this hook always fails")] hook: Span,
    }

    #[error("checks need migrated VMs, and a plan-readiness outcome starts no migration")]
    #[diagnostic(help("remove the `check` line, or expect a migration outcome (`migration succeeds`)"))]
    "mtvt::E0806" Error ChecksWithoutMigration {
        #[label("these checks would have no VM to look at")] span: Span,
        #[label("the scenario stops at the Plan's readiness")] outcome: Span,
    }

    #[error("lifecycle steps follow a migration, and this scenario starts none")]
    #[diagnostic(help("a `then` block runs after `migration …`; inside it, `expect` states the latest Migration's outcome (`migration succeeds`), not the Plan's readiness"))]
    "mtvt::E0807" Error LifecycleWithoutMigration {
        #[label("needs a migration")] span: Span,
        #[label("the scenario stops at the Plan's readiness")] outcome: Option<Span>,
    }

    // ------------------------------------------------------------- providers (E09xx)
    #[error("warm migration is not supported for {provider_type} sources")]
    "mtvt::E0901" Error WarmUnsupported {
        #[label("warm migration from {provider_type}")] span: Span,
        provider_type: String,
        known_from: String,
        #[help] help: Option<String>,
    }

    #[error("copy-offload needs a vSphere source, not {provider_type}")]
    "mtvt::E0902" Error CopyOffloadNotVsphere {
        #[label("copy-offload from {provider_type}")] span: Span,
        provider_type: String,
        known_from: String,
        #[help] help: Option<String>,
    }

    #[error("provider profile `{profile}` cannot do copy-offload: missing {missing}")]
    #[diagnostic(help("add the missing fields to the profile's `copyoffload` section in the providers file (or set COPYOFFLOAD_<FIELD> variables)"))]
    "mtvt::E0903" Error CopyOffloadProfileIncomplete {
        #[label("copy-offload requested here")] span: Span,
        profile: String,
        missing: String,
    }

    #[error("datastore `{datastore}` needs `{field}` in profile `{profile}`")]
    #[diagnostic(help("set copyoffload.{field} in the providers file, or write a literal datastore id in quotes"))]
    "mtvt::E0904" Error DatastoreNotInProfile {
        #[label("not configured in the profile")] span: Span,
        datastore: String,
        field: String,
        profile: String,
    }

    #[error("RDM disk needs `rdm_lun_uuid` in profile `{profile}`")]
    #[diagnostic(help("set copyoffload.rdm_lun_uuid (the LUN's naa.… id) in the providers file"))]
    "mtvt::E0905" Error RdmWithoutLun {
        #[label("RDM disk")] span: Span,
        profile: String,
    }

    #[error("symbolic datastore `{datastore}` needs a copy-offload plan")]
    #[diagnostic(help("`primary`, `secondary`, `non_xcopy` and `rdm` come from the profile's copyoffload section: set `copy_offload true` in the plan, or give a datastore id in quotes"))]
    "mtvt::E0906" Error SymbolicDatastoreWithoutCopyOffload {
        #[label("resolved from the copyoffload profile")] span: Span,
        datastore: String,
    }

    // ------------------------------------------------------- plans and VMs (E10xx)
    #[error("{what} has no VM to migrate")]
    #[diagnostic(help("add a `vm \"name\" {{ … }}` entry"))]
    "mtvt::E1001" Error NoVms {
        #[label("no `vm` here")] span: Span,
        what: String,
    }

    #[error("VM `{name}` appears twice in one plan")]
    #[diagnostic(help("Forklift rejects duplicate VMs (DuplicateVM); use `clone true` so each entry migrates its own clone, or `count N`"))]
    "mtvt::E1002" Error DuplicateVm {
        #[label("second entry")] span: Span,
        name: String,
        #[label("first entry")] first: Span,
    }

    #[error("scenario-level `{key}` cannot be combined with named plans")]
    #[diagnostic(help("with several `plan NAME {{ … }}` blocks, put each `vm` and `hook` inside the plan it belongs to"))]
    "mtvt::E1003" Error MixedPlanStyles {
        #[label("belongs to which plan?")] span: Span,
        key: String,
    }

    #[error("plan `{name}` is declared twice")]
    "mtvt::E1004" Error DuplicatePlanName {
        #[label("second declaration")] span: Span,
        name: String,
        #[label("first declaration")] first: Span,
    }

    #[error("matrix dimension `{name}` has no values")]
    #[diagnostic(help("give at least one value: `{name} [a, b]`"))]
    "mtvt::E1005" Error EmptyMatrix {
        #[label("empty list")] span: Span,
        name: String,
    }

    #[error("several unnamed `plan` blocks")]
    #[diagnostic(help("merge them into one `plan {{ … }}`, or name each one (`plan xcopy {{ … }}`) to run several plans concurrently"))]
    "mtvt::E1006" Error DuplicateDefaultPlan {
        #[label("second unnamed plan")] span: Span,
        #[label("first unnamed plan")] first: Span,
    }

    #[error("`{key}` {relation} `{other}`")]
    "mtvt::E1007" Error ConflictingKeys {
        #[label("{relation} `{other}`")] span: Span,
        key: &'static str,
        relation: KeyRelation,
        other: &'static str,
        #[label("`{other}` given here")] other_span: Option<Span>,
        #[help] help: &'static str,
    }

    #[error("`count {count}` needs `clone true`")]
    #[diagnostic(help("every copy of a VM is migrated from its own clone; remove `clone false` or `count`"))]
    "mtvt::E1008" Error CountWithoutClone {
        #[label("several copies of one VM")] span: Span,
        count: i64,
    }

    #[error("unnamed `plan` block cannot be combined with named plans")]
    #[diagnostic(help("name every plan (`plan NAME {{ … }}`) when a scenario has several"))]
    "mtvt::E1009" Error UnnamedPlanWithNamedPlans {
        #[label("unnamed plan")] span: Span,
    }

    // ------------------------------------------------- Forklift passthrough (E11xx)
    #[error("unknown field `{field}` of a Forklift {kind}")]
    "mtvt::E1101" Error UnknownForkliftField {
        #[label("not in the {kind} CRD's schema")] span: Span,
        field: String,
        kind: &'static str,
        #[help] help: Option<String>,
    }

    #[error("`{field}` must be {expected}, found {found}")]
    "mtvt::E1102" Error ForkliftWrongType {
        #[label("expected {expected}")] span: Span,
        field: String,
        expected: String,
        found: String,
        #[help] help: Option<String>,
    }

    #[error("invalid value for `{field}`: {problem}")]
    "mtvt::E1103" Error InvalidForkliftValue {
        #[label("{problem}")] span: Span,
        field: String,
        problem: String,
        #[help] help: Option<String>,
    }

    #[error("`{field}` is required by the Forklift {kind} schema")]
    #[diagnostic(help("add the field to this object"))]
    "mtvt::E1104" Error MissingForkliftField {
        #[label("missing `{field}`")] span: Span,
        field: String,
        kind: &'static str,
    }

    #[error("`{field}` of the Forklift {kind} is set by mtvt")]
    "mtvt::E1105" Error ForkliftFieldReserved {
        #[label("set by mtvt")] span: Span,
        field: String,
        kind: &'static str,
        #[help] help: Option<String>,
    }

    // -------------------------------------------------------------- warnings (W0xxx)
    #[error("{what} `{name}` is never used")]
    #[diagnostic(help("remove it, or reference it from a scenario"))]
    "mtvt::W0001" Warning UnusedDefinition {
        #[label("unused {what}")] span: Span,
        what: &'static str,
        name: String,
    }

    #[error("`use {target}` is never used")]
    #[diagnostic(help("remove the `use` line"))]
    "mtvt::W0002" Warning UnusedUse {
        #[label("nothing from this module is referenced")] span: Span,
        target: String,
    }

    #[error("remote destination without `requires remote_cluster`")]
    #[diagnostic(help("add `requires remote_cluster` so the scenario is skipped (not failed) when session.remote_ocp_cluster is empty"))]
    "mtvt::W0003" Warning RemoteWithoutRequirement {
        #[label("needs a remote cluster")] span: Span,
    }

    #[error("`{key}` has no effect on a cold plan")]
    #[diagnostic(help("it only applies to warm migrations: add `warm true` or remove it"))]
    "mtvt::W0004" Warning WarmOnlyKey {
        #[label("ignored without `warm true`")] span: Span,
        key: String,
    }

    #[error("check `{check}` can only skip in this scenario")]
    #[diagnostic(help("it skips with \"{reason}\" for every plan and source provider the scenario allows: change the plan or `requires provider`, or remove the check"))]
    "mtvt::W0006" Warning CertainSkip {
        #[label("always skipped here")] span: Span,
        check: String,
        reason: String,
    }

    #[error("unknown tag `{tag}`")]
    "mtvt::W0005" Warning UnknownTag {
        #[label("looks like a typo")] span: Span,
        tag: String,
        #[help] help: Option<String>,
    }
}

/// How the two keys of an E1007 relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRelation {
    /// Both are given and exclude each other.
    ConflictsWith,
    /// The first is given without the second it qualifies.
    Needs,
}

impl std::fmt::Display for KeyRelation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyRelation::ConflictsWith => "conflicts with",
            KeyRelation::Needs => "needs",
        })
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        s.source_span()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, sev, _) in ALL_CODES {
            assert!(seen.insert(*code), "duplicate code {code}");
            let letter = if *sev == Severity::Error { 'E' } else { 'W' };
            let rest = code.strip_prefix("mtvt::").expect("mtvt:: prefix");
            assert!(rest.starts_with(letter), "{code} severity letter");
            assert_eq!(rest.len(), 5, "{code} has 4 digits");
        }
    }
}
