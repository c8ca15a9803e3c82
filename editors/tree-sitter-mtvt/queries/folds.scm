; Code folding (Neovim): every brace, bracket and triple-quoted region.
[
  (block)
  (object)
  (check_body)
  (list)
  (list_expression)
  (triple_string)
] @fold
