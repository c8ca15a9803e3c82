; Go templates in raw strings ('{{ .VmName }}-{{ .DiskIndex }}', the plan's
; pvc_name_template): Neovim's and Helix's `gotmpl` grammar.
((raw_string_content) @injection.content
 (#match? @injection.content "\\{\\{")
 (#set! injection.language "gotmpl"))

; Hook playbooks: `playbook """ … """` is Ansible YAML.
((entry
  key: (identifier) @_key
  (arguments
    (triple_string (triple_string_content) @injection.content)))
 (#eq? @_key "playbook")
 (#set! injection.language "yaml"))
