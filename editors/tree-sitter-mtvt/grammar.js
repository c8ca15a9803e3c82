/**
 * @file tree-sitter grammar for .mtvt scenario files (Neovim, Helix, Zed).
 *
 * It mirrors grammar/mtvt.pest, the single source of the syntax: newlines separate
 * entries and statements; inside lists, objects and parentheses and after an infix
 * operator they are free. Which keys a block accepts is the schema's business
 * (crates/mtvt-lang), not the grammar's: an entry is `key args { block }` for any key.
 * Lists and objects accept commas and newlines in any order, a little more than pest does,
 * so that half-typed text still parses into useful nodes.
 * After editing, run ./regenerate.sh (needs `cargo install --locked tree-sitter-cli`).
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/;

// Binding strength, loosest first, as in crates/mtvt-lang's Pratt parser.
const PREC = {
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  postfix: 5,
};

const COMPARE = ['==', '!=', '<=', '>=', '<', '>', 'in', 'contains', 'starts_with', 'ends_with', 'matches'];

/** `rule (sep rule)*` */
function sepBy1(sep, rule) {
  return seq(rule, repeat(seq(sep, rule)));
}

module.exports = grammar({
  name: 'mtvt',

  extras: ($) => [/[ \t]/, $.comment],

  word: ($) => $.identifier,

  conflicts: ($) => [
    // `{` after a key opens a block of entries or an object of `key: value` members; the
    // first member or entry decides.
    [$.block, $.object],
    [$._separator, $.object],
    // `f(x in xs` is a comprehension until `:` or a call with an `in` test until `)`.
    [$.comprehension, $._primary],
  ],

  rules: {
    source_file: ($) =>
      seq(
        repeat($._separator),
        optional(seq(sepBy1(repeat1($._separator), $._item), repeat($._separator))),
      ),

    _item: ($) =>
      choice(
        $.use_declaration,
        $.session_declaration,
        $.fragment_declaration,
        $.scenario_declaration,
        $.check_declaration,
        $.hook_declaration,
      ),

    _separator: ($) => choice($._newline, ';'),
    _newline: (_) => /\r?\n/,

    comment: (_) => token(seq('#', /[^\r\n]*/)),

    // ---------------------------------------------------------------------------------
    // Top-level items

    use_declaration: ($) =>
      seq(
        'use',
        field('path', choice($.string, $.raw_string, $.module_path)),
        optional(seq('as', field('alias', $.identifier))),
      ),

    module_path: (_) => token(seq(IDENT, repeat1(seq('/', IDENT)))),

    session_declaration: ($) => seq('session', field('body', $.block)),

    fragment_declaration: ($) =>
      seq('fragment', field('name', $.identifier), optional($.extends_clause), field('body', $.block)),

    scenario_declaration: ($) =>
      seq('scenario', field('name', $.identifier), optional($.extends_clause), field('body', $.block)),

    extends_clause: ($) => seq('extends', sepBy1(seq(',', repeat($._newline)), $.reference)),

    hook_declaration: ($) => seq('hook', field('name', $.identifier), field('body', $.block)),

    check_declaration: ($) =>
      seq(
        'check',
        field('name', $.identifier),
        optional(field('description', $.string)),
        choice($.check_alias, field('body', $.check_body)),
      ),

    check_alias: ($) => seq('=', repeat($._newline), sepBy1(seq(',', repeat($._newline)), $.reference)),

    /** `name` or `module.name` (fragments, checks, hooks). */
    reference: ($) => seq($.identifier, repeat(seq(token.immediate('.'), $._immediate_identifier))),

    _immediate_identifier: ($) => alias(token.immediate(IDENT), $.identifier),

    // ---------------------------------------------------------------------------------
    // Generic blocks: `key args { block }` or `key args { object: members }`

    block: ($) =>
      seq(
        '{',
        repeat($._separator),
        optional(seq(sepBy1(repeat1($._separator), $.entry), repeat($._separator))),
        '}',
      ),

    entry: ($) =>
      seq(field('key', $.identifier), optional($.arguments), optional(field('body', choice($.block, $.object)))),

    arguments: ($) => sepBy1(seq(',', repeat($._newline)), repeat1($._argument)),

    _argument: ($) =>
      choice(
        $.operator,
        $.triple_string,
        $.string,
        $.raw_string,
        $.number,
        $.boolean,
        $.none,
        $.list,
        $.path,
      ),

    operator: (_) => choice('>=', '<=', '==', '!=', '>', '<', '='),

    // ---------------------------------------------------------------------------------
    // Values

    _value: ($) =>
      choice(
        $.triple_string,
        $.string,
        $.raw_string,
        $.number,
        $.boolean,
        $.none,
        $.list,
        $.object,
        $.path,
      ),

    list: ($) => seq('[', repeat(choice($._value, ',', $._newline)), ']'),

    object: ($) => seq('{', repeat(choice($.member, ',', $._newline)), '}'),

    member: ($) =>
      seq(
        field('key', choice($.identifier, $.string, $.raw_string)),
        ':',
        repeat($._newline),
        field('value', $._value),
      ),

    /** A bare word or dotted path used as a value (`thin`, `session`, `hooks.succeed`). */
    path: ($) => seq($.identifier, repeat(seq(token.immediate('.'), $._immediate_identifier))),

    // "..." interpolates ${session}, ${env.NAME}, ${param.NAME}; '...' and """...""" are raw.
    string: ($) =>
      seq('"', repeat(choice($.interpolation, $.escape_sequence, $.string_content)), token.immediate('"')),

    // A lone `$` is text; `${` starts an interpolation (the longer token wins).
    string_content: (_) => token.immediate(/([^"\\$\r\n]|\$[^{"\\\r\n])+|\$/),

    escape_sequence: (_) => token.immediate(/\\["\\ntr$]/),

    interpolation: ($) => seq(token.immediate('${'), $.interpolation_path, token.immediate('}')),

    interpolation_path: (_) => token.immediate(/[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*/),

    raw_string: ($) => seq("'", optional($.raw_string_content), token.immediate("'")),

    raw_string_content: (_) => token.immediate(/[^'\r\n]+/),

    triple_string: ($) => seq('"""', optional($.triple_string_content), token.immediate('"""')),

    triple_string_content: (_) => token.immediate(/([^"]|"[^"]|""[^"])+/),

    // One token for every number-like literal, as in the pest grammar: `42`, `-1`, `2.8`,
    // `30Gi`, `1.5Gi`, `1h30m`, `250ms`. Which unit is valid is the checker's business.
    number: (_) => /-?\d+(\.\d+)*([A-Za-z]+(\d+[A-Za-z]+)*)?/,
    boolean: (_) => choice('true', 'false'),
    none: (_) => 'none',

    identifier: (_) => IDENT,

    // ---------------------------------------------------------------------------------
    // Check bodies: statements and expressions

    check_body: ($) =>
      seq(
        '{',
        repeat($._separator),
        optional(seq(sepBy1(repeat1($._separator), $._statement), repeat($._separator))),
        '}',
      ),

    _statement: ($) =>
      choice($.assert_statement, $.when_statement, $.for_statement, $.let_statement, $.skip_statement),

    assert_statement: ($) =>
      seq(
        'assert',
        field('condition', $._expression),
        optional(seq(',', repeat($._newline), field('message', $.string))),
      ),

    when_statement: ($) => seq($.when_branch, repeat(seq($._else, $.when_branch)), optional($.else_branch)),

    // `else` may start a new line. One token for "newlines, then else" keeps the grammar
    // LR(1): a newline after `}` is otherwise a statement separator.
    _else: ($) => choice('else', alias(token(prec(1, /(\r?\n[ \t]*)+else/)), 'else')),

    when_branch: ($) => seq('when', field('condition', $._expression), field('body', $.check_body)),

    else_branch: ($) => seq($._else, field('body', $.check_body)),

    for_statement: ($) =>
      seq(
        'for',
        field('variable', $.identifier),
        'in',
        field('iterable', $._expression),
        field('body', $.check_body),
      ),

    let_statement: ($) => seq('let', field('name', $.identifier), '=', field('value', $._expression)),

    skip_statement: ($) => seq('skip', field('reason', $.string)),

    _expression: ($) => choice($.unary_expression, $.binary_expression, $._primary),

    unary_expression: ($) => prec(PREC.not, seq(field('operator', 'not'), field('operand', $._expression))),

    binary_expression: ($) =>
      choice(
        .../** @type {Array<[number, string[]]>} */ ([
          [PREC.or, ['or']],
          [PREC.and, ['and']],
          [PREC.compare, COMPARE],
        ]).map(([p, ops]) =>
          prec.left(
            p,
            seq(
              field('left', $._expression),
              field('operator', ops.length === 1 ? ops[0] : choice(...ops)),
              repeat($._newline),
              field('right', $._expression),
            ),
          ),
        ),
      ),

    _primary: ($) =>
      choice(
        $.comprehension,
        $.call,
        $.string,
        $.raw_string,
        $.number,
        $.boolean,
        $.none,
        $.list_expression,
        $.identifier,
        $.parenthesized_expression,
        $.field_expression,
        $.method_call,
        $.index_expression,
      ),

    field_expression: ($) => prec(PREC.postfix, seq(field('object', $._primary), '.', field('field', $.identifier))),

    // `guest.run("cmd")`: a method of a model record (schema::methods).
    method_call: ($) =>
      prec(
        PREC.postfix,
        seq(
          field('object', $._primary),
          '.',
          field('method', $.identifier),
          '(',
          repeat($._newline),
          optional(
            seq(
              field('argument', $._expression),
              repeat($._newline),
              repeat(seq(',', repeat($._newline), field('argument', $._expression), repeat($._newline))),
            ),
          ),
          ')',
        ),
      ),

    index_expression: ($) =>
      prec(
        PREC.postfix,
        seq(
          field('object', $._primary),
          '[',
          repeat($._newline),
          field('index', $._expression),
          repeat($._newline),
          ']',
        ),
      ),

    call: ($) =>
      seq(
        field('function', $.identifier),
        '(',
        repeat($._newline),
        optional(
          seq(
            field('argument', $._expression),
            repeat($._newline),
            repeat(seq(',', repeat($._newline), field('argument', $._expression), repeat($._newline))),
          ),
        ),
        ')',
      ),

    comprehension: ($) =>
      seq(
        field('function', $.identifier),
        '(',
        repeat($._newline),
        field('variable', $.identifier),
        'in',
        field('iterable', $._expression),
        ':',
        repeat($._newline),
        field('predicate', $._expression),
        repeat($._newline),
        ')',
      ),

    list_expression: ($) =>
      seq(
        '[',
        repeat($._newline),
        optional(
          seq(
            $._expression,
            repeat($._newline),
            repeat(seq(',', repeat($._newline), $._expression, repeat($._newline))),
            optional(seq(',', repeat($._newline))),
          ),
        ),
        ']',
      ),

    parenthesized_expression: ($) =>
      seq('(', repeat($._newline), $._expression, repeat($._newline), ')'),
  },
});
