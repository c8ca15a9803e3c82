; Highlights for .mtvt (capture names of Neovim and Zed; queries/helix/highlights.scm is the
; same query with Helix's names, kept identical by `cargo test -p tree-sitter-mtvt`).
;
; No two patterns capture the same node with different names (a test checks it on the
; whole catalog), so the result does not depend on whether an editor lets the first or the
; last matching pattern win. The word lists come from the schema tables of crates/mtvt-lang
; (keys, enum values, builtins, model roots); a test fails when they drift.

(comment) @comment

; ---------------------------------------------------------------------------------------
; Declarations

["use" "as"] @keyword.import

["session" "fragment" "scenario" "hook" "check" "extends"] @keyword

(use_declaration path: (module_path) @module)
(use_declaration alias: (identifier) @module)

(scenario_declaration name: (identifier) @type)
(fragment_declaration name: (identifier) @type)
(extends_clause (reference) @type)

(hook_declaration name: (identifier) @function)
(check_declaration name: (identifier) @function)
(check_alias (reference) @function.call)
(check_alias "=" @operator)

; ---------------------------------------------------------------------------------------
; Blocks: schema keys, values, special words

; The keys of the schema (crates/mtvt-lang schema::keys). An unknown key stays plain.
((entry key: (identifier) @property)
 (#any-of? @property
  "add_disk" "archive" "cancel" "check" "clone" "clone_name" "copy_offload" "count" "cutover_after"
  "datastore" "deadline" "delete" "description" "destination" "disk_type"
  "enable_nested_virtualization" "expect" "forklift" "guest_agent" "guest_agent_timeout"
  "hook" "image" "insecure_verify_skip" "luks_passphrase" "matrix" "migrate"
  "migrate_shared_disks" "migration" "mins_before_cutover" "mode" "mtv_namespace"
  "multus_namespace" "name_for" "network_map" "path" "plan" "plan_wait_timeout" "playbook"
  "playbook_base64" "playbook_file" "preserve_name_format" "preserve_static_ips"
  "provisioning" "pvc_name_template" "pvc_name_template_use_generate_name" "rdm"
  "rdm_as_lun" "remote_ocp_cluster" "requires" "result" "run_preflight_inspection"
  "service_account" "size" "snapshots" "snapshots_interval" "source_power"
  "source_provider" "source_provider_insecure_skip_verify" "storage_class" "storage_map"
  "tags" "target_affinity" "target_datastore" "target_labels" "target_namespace"
  "target_namespace_prefix" "target_node_selector" "target_power_state" "then" "timeout"
  "vm" "wait" "warm" "within" "xfs_compatibility"))

; `check a, b` inside `expect` names checks.
((entry
  key: (identifier) @property
  (arguments (path) @function.call))
 (#eq? @property "check"))

(member key: (identifier) @property)

; Values of the schema's enumerations (crates/mtvt-lang schema::enums), as a bare word in
; a block or as a name in a check expression.
([
  (path . (identifier) @constant.builtin .)
  (binary_expression left: (identifier) @constant.builtin)
  (binary_expression right: (identifier) @constant.builtin)
  (unary_expression operand: (identifier) @constant.builtin)
  (call argument: (identifier) @constant.builtin)
  (list_expression (identifier) @constant.builtin)
 ]
 (#any-of? @constant.builtin
  "Advisory" "Completed" "ConvertOpenstackSnapshot" "Critical" "Cutover" "DiskAllocation"
  "DiskTransfer" "DiskTransferV2v" "Error" "ImageConversion" "Initialize" "Pending"
  "PostHook" "PreHook" "PreflightInspection" "Required" "Running" "VirtualMachineCreation"
  "WaitForFinalSnapshotConsolidation" "WaitForGuestReboots" "Warn" "auto" "bios" "canceled"
  "efi" "fail" "failed" "hyperv" "independent_nonpersistent" "independent_persistent" "local"
  "non_xcopy" "off" "on" "openshift" "openstack" "ova" "ovirt" "persistent" "physical"
  "post" "pre" "primary" "remote" "secondary" "succeed" "succeeded" "thick-eager"
  "thick-lazy" "thin" "virtual" "vsphere"))

; Fixed words of special entries: `requires provider …`, `migration fails at STEP`.
((path . (identifier) @keyword .)
 (#any-of? @keyword "at" "category" "copyoffload" "fails" "mtv" "not" "provider" "ready" "remote_cluster" "resume_conversion" "succeeds" "vms" "with"))

; `session` as a value: the run's unique id.
((path . (identifier) @variable.builtin .)
 (#eq? @variable.builtin "session"))

; `param.NAME`: a matrix value.
((path . (identifier) @variable.builtin (identifier))
 (#eq? @variable.builtin "param"))

(operator) @operator

; ---------------------------------------------------------------------------------------
; Check bodies

["assert" "skip" "let"] @keyword

["when" "else"] @keyword.conditional

(for_statement ["for" "in"] @keyword.repeat)
(comprehension "in" @keyword.repeat)

(for_statement variable: (identifier) @variable)
(let_statement name: (identifier) @variable)
(let_statement "=" @operator)
(comprehension variable: (identifier) @variable.parameter)

(binary_expression
  operator: ["==" "!=" "<=" ">=" "<" ">"] @operator)
(binary_expression
  operator: ["and" "or" "in" "contains" "starts_with" "ends_with" "matches"] @keyword.operator)
(unary_expression operator: "not" @keyword.operator)

; Builtins and comprehensions (crates/mtvt-lang schema::builtins). There are no other
; functions, so a call to an unknown name stays plain (the checker reports it).
((call function: (identifier) @function.builtin)
 (#any-of? @function.builtin
  "k8s_name" "keys" "len" "lower" "pvc_name" "pvc_name_matches" "ssh_reachable" "upper"
  "values" "version_at_least"))
; Methods of the guest model (crates/mtvt-lang schema::methods).
(method_call method: (identifier) @function.call)
(method_call ["(" ")"] @punctuation.bracket)
(method_call "." @punctuation.delimiter)
((comprehension function: (identifier) @function.builtin)
 (#any-of? @function.builtin "all" "any" "count" "find"))

; The records bound in check bodies (crates/mtvt-lang models::ROOTS).
([
  (field_expression object: (identifier) @variable.builtin)
  (method_call object: (identifier) @variable.builtin)
  (index_expression object: (identifier) @variable.builtin)
  (call argument: (identifier) @variable.builtin)
  (binary_expression left: (identifier) @variable.builtin)
  (binary_expression right: (identifier) @variable.builtin)
 ]
 (#any-of? @variable.builtin "cluster" "dest" "guest" "migration" "plan" "source" "vm"))

(field_expression field: (identifier) @variable.member)

; ---------------------------------------------------------------------------------------
; Literals

[(string) (raw_string) (triple_string)] @string

(escape_sequence) @string.escape

(interpolation ["${" "}"] @punctuation.special)
(interpolation_path) @variable

(number) @number

(boolean) @boolean

(none) @constant.builtin

; ---------------------------------------------------------------------------------------
; Punctuation

(block ["{" "}"] @punctuation.bracket)
(check_body ["{" "}"] @punctuation.bracket)
(object ["{" "}"] @punctuation.bracket)
(list ["[" "]"] @punctuation.bracket)
(list_expression ["[" "]"] @punctuation.bracket)
(index_expression ["[" "]"] @punctuation.bracket)
(call ["(" ")"] @punctuation.bracket)
(comprehension ["(" ")"] @punctuation.bracket)
(parenthesized_expression ["(" ")"] @punctuation.bracket)

["," ";"] @punctuation.delimiter
(member ":" @punctuation.delimiter)
(comprehension ":" @punctuation.delimiter)
(field_expression "." @punctuation.delimiter)
