; Auto-indentation: one level inside every brace or bracket pair.
(block "}" @end) @indent
(check_body "}" @end) @indent
(object "}" @end) @indent
(list "]" @end) @indent
(list_expression "]" @end) @indent
