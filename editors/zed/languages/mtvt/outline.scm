; The outline panel and symbol search: scenarios, fragments, checks, hooks, sessions.
(scenario_declaration "scenario" @context name: (identifier) @name) @item
(fragment_declaration "fragment" @context name: (identifier) @name) @item
(check_declaration "check" @context name: (identifier) @name) @item
(hook_declaration "hook" @context name: (identifier) @name) @item
(session_declaration "session" @name) @item
