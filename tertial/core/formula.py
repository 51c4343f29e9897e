"""A small, safe expression language for computed indicators.

A formula is arithmetic over other indicators' values: ``chatt / kontakt-arenden * 100``.
It is read by a tokenizer and a recursive-descent parser into a tree and evaluated with
Decimal arithmetic; nothing is ever handed to Python's ``eval``.

Grammar::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("-" | "+") unary | primary
    primary    := NUMBER | NAME | NAME "(" expression ("," expression)* ")" | "(" expression ")"

- Numbers use a decimal point (``0.5``); a comma separates a function's arguments.
- ``×`` and ``·`` may be written for ``*``, ``÷`` for ``/`` and ``−`` (U+2212) for ``-``.
- Names are indicator codes (volumes are indicators too). Codes may contain ``-`` and ``_``,
  so ``a-b`` is one name: put spaces around a minus that subtracts (``a - b``). A code that
  starts with a digit or holds other characters is written in brackets: ``[1500-arenden]``.
- Functions: ``min(a, b, …)``, ``max(a, b, …)``, ``abs(a)``, ``round(a)`` and
  ``round(a, decimals)`` (half away from zero).
- A missing input (no data) makes the result missing; it is never taken as 0.

Errors (FormulaError) name the position in the formula: syntax errors, unknown names and
functions, division by zero, cycles among computed indicators (``check_cycles``), and a
formula longer than MAX_LENGTH characters or nested deeper than MAX_NESTING levels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0123456789_")
DIGITS = set("0123456789")  # str.isdigit() also accepts "²" and other scripts' digits
_OPERATORS = {"+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "·": "*", "/": "/", "÷": "/"}
FUNCTIONS = ("min", "max", "abs", "round")
# Bounds that keep the recursive parser and evaluator far from Python's recursion limit
# (a chain of n operations is a tree n deep); a real formula is a line or two.
MAX_LENGTH = 500
MAX_NESTING = 30


class FormulaError(ValueError):
    """A formula that cannot be read or evaluated; ``position`` is 0-based, or None."""

    def __init__(self, message: str, position: int | None = None, formula: str = ""):
        self.message = message
        self.position = position
        self.formula = formula
        where = f" at position {position + 1}" if position is not None else ""
        super().__init__(f"{message}{where}" + (f" in {formula!r}" if formula else ""))


@dataclass(frozen=True)
class Token:
    kind: str  # number, name, op, lparen, rparen, comma, end
    text: str
    position: int


def tokenize(formula: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(formula)
    while i < n:
        c = formula[i]
        if c.isspace():
            i += 1
        elif c in DIGITS or (c == "." and i + 1 < n and formula[i + 1] in DIGITS):
            start = i
            while i < n and formula[i] in DIGITS:
                i += 1
            if i < n and formula[i] == ".":
                i += 1
                while i < n and formula[i] in DIGITS:
                    i += 1
            if i < n and formula[i] in NAME_CHARS:
                raise FormulaError(
                    "a name cannot start with a digit; write it in brackets, e.g. [1500-arenden]",
                    start,
                    formula,
                )
            tokens.append(Token("number", formula[start:i], start))
        elif c in NAME_CHARS:
            start = i
            while i < n and (
                formula[i] in NAME_CHARS
                or (formula[i] == "-" and i + 1 < n and formula[i + 1] in NAME_CHARS)
            ):
                i += 1
            tokens.append(Token("name", formula[start:i], start))
        elif c == "[":
            end = formula.find("]", i + 1)
            if end < 0:
                raise FormulaError("missing ']'", i, formula)
            name = formula[i + 1 : end].strip()
            if not name:
                raise FormulaError("empty name in brackets", i, formula)
            tokens.append(Token("name", name, i))
            i = end + 1
        elif c in _OPERATORS:
            tokens.append(Token("op", _OPERATORS[c], i))
            i += 1
        elif c in "()":
            tokens.append(Token("lparen" if c == "(" else "rparen", c, i))
            i += 1
        elif c == ",":
            tokens.append(Token("comma", c, i))
            i += 1
        else:
            raise FormulaError(f"unexpected character {c!r}", i, formula)
    tokens.append(Token("end", "", n))
    return tokens


# The tree: numbers, names, unary minus, binary operations and function calls.
@dataclass(frozen=True)
class Number:
    value: Decimal
    position: int


@dataclass(frozen=True)
class Name:
    name: str
    position: int


@dataclass(frozen=True)
class Negate:
    operand: Node
    position: int


@dataclass(frozen=True)
class Binary:
    operator: str
    left: Node
    right: Node
    position: int


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple[Node, ...]
    position: int


Node = Number | Name | Negate | Binary | Call


class _Parser:
    def __init__(self, formula: str):
        if len(formula) > MAX_LENGTH:
            raise FormulaError(
                f"the formula is longer than {MAX_LENGTH} characters", MAX_LENGTH, formula[:40]
            )
        self.formula = formula
        self.tokens = tokenize(formula)
        self.i = 0
        self.nesting = 0

    def nested(self, token: Token) -> None:
        """One level deeper (a bracket, a call's arguments or a sign)."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error(f"the formula nests deeper than {MAX_NESTING} levels", token)

    @property
    def current(self) -> Token:
        return self.tokens[self.i]

    def error(self, message: str, token: Token | None = None) -> FormulaError:
        token = token or self.current
        return FormulaError(message, token.position, self.formula)

    def take(self) -> Token:
        token = self.current
        self.i += 1
        return token

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise self.error("empty formula")
        node = self.expression()
        if self.current.kind != "end":
            raise self.error(f"unexpected {self.current.text!r}")
        return node

    def expression(self) -> Node:
        node = self.term()
        while self.current.kind == "op" and self.current.text in "+-":
            op = self.take()
            node = Binary(op.text, node, self.term(), op.position)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.current.kind == "op" and self.current.text in "*/":
            op = self.take()
            node = Binary(op.text, node, self.unary(), op.position)
        return node

    def unary(self) -> Node:
        if self.current.kind == "op" and self.current.text in "+-":
            op = self.take()
            self.nested(op)
            operand = self.unary()
            self.nesting -= 1
            return Negate(operand, op.position) if op.text == "-" else operand
        return self.primary()

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.take()
            return Number(Decimal(token.text), token.position)
        if token.kind == "name":
            self.take()
            if self.current.kind == "lparen":
                return self.call(token)
            return Name(token.text, token.position)
        if token.kind == "lparen":
            self.take()
            self.nested(token)
            node = self.expression()
            if self.current.kind != "rparen":
                raise self.error("missing ')'")
            self.take()
            self.nesting -= 1
            return node
        if token.kind == "end":
            raise self.error("the formula ends too early")
        raise self.error(f"unexpected {token.text!r}")

    def call(self, name: Token) -> Node:
        function = name.text.lower()
        if function not in FUNCTIONS:
            raise self.error(f"unknown function {name.text!r}; use {', '.join(FUNCTIONS)}", name)
        self.take()  # "("
        self.nested(name)
        arguments = [self.expression()]
        while self.current.kind == "comma":
            self.take()
            arguments.append(self.expression())
        if self.current.kind != "rparen":
            raise self.error("missing ')' after the arguments")
        self.take()
        self.nesting -= 1
        expected = {"abs": (1, 1), "round": (1, 2)}.get(function, (1, None))
        low, high = expected
        if len(arguments) < low or (high is not None and len(arguments) > high):
            count = "one argument" if high == 1 else "one or two arguments"
            raise self.error(f"{function}() takes {count}", name)
        return Call(function, tuple(arguments), name.position)


def parse(formula: str) -> Node:
    """The formula's tree; FormulaError with the position for a syntax error."""
    return _Parser(formula).parse()


def references(formula: str | Node) -> set[str]:
    """The names (indicator codes) a formula refers to."""
    node = parse(formula) if isinstance(formula, str) else formula
    found: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, Name):
            found.add(n.name)
        elif isinstance(n, Negate):
            walk(n.operand)
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Call):
            for argument in n.arguments:
                walk(argument)

    walk(node)
    return found


def check_names(formula: str, known: Callable[[str], bool] | set[str]) -> None:
    """Refuse a formula that refers to a name that is not ``known``."""
    node = parse(formula)
    is_known = known.__contains__ if isinstance(known, set) else known

    def walk(n: Node) -> None:
        if isinstance(n, Name):
            if not is_known(n.name):
                raise FormulaError(_unknown_name_message(n.name, is_known), n.position, formula)
        elif isinstance(n, Negate):
            walk(n.operand)
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Call):
            for argument in n.arguments:
                walk(argument)

    walk(node)


def _unknown_name_message(name: str, is_known: Callable[[str], bool]) -> str:
    message = f"unknown indicator {name!r}"
    parts = name.split("-")
    if len(parts) > 1 and all(is_known(p) for p in parts if p):
        message += f"; to subtract, put spaces around the minus: {' - '.join(parts)}"
    return message


def evaluate(
    formula: str | Node, values: Mapping[str, Decimal | None], *, text: str = ""
) -> Decimal | None:
    """The formula's value with ``values`` for its names; None if an input is missing.

    A name absent from ``values`` is an error (an unknown indicator); a name whose value is
    None is a missing input, which makes the result missing.
    """
    node = parse(formula) if isinstance(formula, str) else formula
    source = formula if isinstance(formula, str) else text
    with localcontext() as context:
        context.prec = 34
        return _eval(node, values, source)


def _eval(node: Node, values: Mapping[str, Decimal | None], source: str) -> Decimal | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        if node.name not in values:
            raise FormulaError(
                _unknown_name_message(node.name, values.__contains__), node.position, source
            )
        value = values[node.name]
        return None if value is None else Decimal(value)
    if isinstance(node, Negate):
        operand = _eval(node.operand, values, source)
        return None if operand is None else -operand
    if isinstance(node, Binary):
        left = _eval(node.left, values, source)
        right = _eval(node.right, values, source)
        if left is None or right is None:
            return None
        if node.operator == "+":
            return left + right
        if node.operator == "-":
            return left - right
        if node.operator == "*":
            return left * right
        if right == 0:
            raise FormulaError("division by zero", node.position, source)
        return left / right
    arguments = [_eval(a, values, source) for a in node.arguments]
    if any(a is None for a in arguments):
        return None
    if node.function == "min":
        return min(arguments)
    if node.function == "max":
        return max(arguments)
    if node.function == "abs":
        return abs(arguments[0])
    decimals = arguments[1] if len(arguments) == 2 else Decimal(0)
    if decimals != decimals.to_integral_value() or not 0 <= decimals <= 12:
        raise FormulaError(
            "round(): the number of decimals is a whole number from 0 to 12", node.position, source
        )
    try:
        return arguments[0].quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise FormulaError(
            "round(): the number is too large to round", node.position, source
        ) from exc


def check_cycles(formulas: Mapping[str, str]) -> None:
    """Refuse computed indicators that depend on themselves, directly or through others.

    ``formulas`` maps each computed indicator's code to its formula; the error names the
    cycle ("a → b → a").
    """
    graph = {
        code: sorted(references(formula) & set(formulas)) for code, formula in formulas.items()
    }
    order(graph)


def order(graph: Mapping[str, list[str]]) -> list[str]:
    """Codes in an order where each comes after everything it depends on (a cycle: error)."""
    done: set[str] = set()
    result: list[str] = []
    visiting: list[str] = []

    def visit(code: str) -> None:
        if code in done:
            return
        if code in visiting:
            cycle = visiting[visiting.index(code) :] + [code]
            raise FormulaError(f"the formulas depend on each other in a cycle: {' → '.join(cycle)}")
        visiting.append(code)
        for dependency in graph.get(code, []):
            visit(dependency)
        visiting.pop()
        done.add(code)
        result.append(code)

    for code in sorted(graph):
        visit(code)
    return result
