from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tertial.core.formula import (
    FormulaError,
    check_cycles,
    check_names,
    evaluate,
    order,
    parse,
    references,
    tokenize,
)

D = Decimal


def test_chat_share_of_the_example():
    # Varav chatt 2 175 of Ärenden Kontakt Linköping 166 760, August 2020
    values = {"chatt": D(2175), "kontakt-arenden": D(166760)}
    share = evaluate("chatt / kontakt-arenden × 100", values)
    assert share.quantize(D("0.1"), rounding=ROUND_HALF_UP) == D("1.3")
    assert evaluate("round(chatt / kontakt-arenden * 100, 1)", values) == D("1.3")


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("-2 * -3", "6"),
        ("- (4 − 6)", "2"),
        ("10 / 4", "2.5"),
        ("7 ÷ 2", "3.5"),
        ("2 · 3", "6"),
        ("+5", "5"),
        ("1 - 2 - 3", "-4"),
        ("24 / 4 / 2", "3"),
        ("min(3, a, 2)", "1"),
        ("max(a, b)", "2"),
        ("abs(a - b)", "1"),
        ("round(2.5)", "3"),
        ("round(-2.5)", "-3"),
        ("round(1.25, 1)", "1.3"),
        ("[1500-x] * 2", "8"),
        ("a-b-c", "10"),  # one name: codes may contain hyphens
        ("a - b", "-1"),
        (".5 + 1.", "1.5"),
    ],
)
def test_evaluate(formula, expected):
    values = {"a": D(1), "b": D(2), "1500-x": D(4), "a-b-c": D(10)}
    assert evaluate(formula, values) == D(expected)


def test_missing_input_gives_missing_result_never_zero():
    assert evaluate("a / b * 100", {"a": None, "b": D(3)}) is None
    assert evaluate("a + 1", {"a": None}) is None
    assert evaluate("max(a, 1)", {"a": None}) is None
    # a missing divisor is missing, not a division by zero
    assert evaluate("1 / a", {"a": None}) is None


@pytest.mark.parametrize(
    ("formula", "message", "position"),
    [
        ("1 +", "ends too early", 3),
        ("(1 + 2", "missing ')'", 6),
        ("1 + 2)", "unexpected ')'", 5),
        ("1 $ 2", "unexpected character '$'", 2),
        ("x²", "unexpected character '²'", 1),
        ("2a", "cannot start with a digit", 0),
        ("", "empty formula", 0),
        ("sqrt(4)", "unknown function 'sqrt'", 0),
        ("abs(1, 2)", "abs() takes one argument", 0),
        ("round(1, 2, 3)", "round() takes one or two arguments", 0),
        ("1 2", "unexpected '2'", 2),
        ("[a", "missing ']'", 0),
        ("min(1,)", "unexpected ')'", 6),
    ],
)
def test_syntax_errors_name_the_position(formula, message, position):
    with pytest.raises(FormulaError) as info:
        evaluate(formula, {})
    assert message in str(info.value)
    assert info.value.position == position
    assert f"at position {position + 1}" in str(info.value)


def test_division_by_zero():
    with pytest.raises(FormulaError, match="division by zero at position 3"):
        evaluate("a / b", {"a": D(1), "b": D(0)})


def test_unknown_reference():
    with pytest.raises(FormulaError, match="unknown indicator 'chat'"):
        evaluate("chat / alla", {"chatt": D(1), "alla": D(2)})
    with pytest.raises(FormulaError, match="put spaces around the minus: a - b"):
        check_names("a-b * 2", {"a", "b"})
    check_names("a - b", {"a", "b"})


def test_round_decimals_must_be_whole():
    with pytest.raises(FormulaError, match="whole number"):
        evaluate("round(1, 0.5)", {})
    with pytest.raises(FormulaError, match="too large"):
        evaluate("round(" + "9" * 40 + ", 2)", {})


def test_references():
    assert references("chatt / [kontakt-arenden] * 100 + max(a, round(b, 1))") == {
        "chatt",
        "kontakt-arenden",
        "a",
        "b",
    }


def test_cycles_are_refused_with_the_cycle_named():
    with pytest.raises(FormulaError, match="a → b → c → a"):
        check_cycles({"a": "b + 1", "b": "c * 2", "c": "a / x", "d": "x"})
    with pytest.raises(FormulaError, match="a → a"):
        check_cycles({"a": "a + 1"})
    check_cycles({"a": "b + c", "b": "c", "c": "x"})


def test_order_puts_inputs_first():
    assert order({"share": ["chat"], "chat": ["raw"], "raw": []}) == ["raw", "chat", "share"]


# Random expression trees, rendered as text, evaluated both by the evaluator and by Decimal
# arithmetic on the tree itself.
numbers = st.decimals(
    min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False
)
names = st.sampled_from(["a", "b", "kontakt-arenden", "x_1"])
VALUES = {"a": D("3.5"), "b": D(-2), "kontakt-arenden": D(166760), "x_1": D("0.001")}


def render_number(value: Decimal) -> str:
    text = format(value, "f")
    return f"({text})" if value < 0 else text


leaves = st.one_of(
    numbers.map(lambda v: (render_number(v), v)),
    names.map(lambda n: (n, VALUES[n])),
)


def _exact(operation):
    with localcontext() as context:
        context.prec = 34  # the evaluator's precision
        return operation()


def combine(children):
    def binary(pair, op):
        (lt, lv), (rt, rv) = pair
        if op == "/" and rv == 0:
            op = "+"
        operations = {
            "+": lambda: lv + rv,
            "-": lambda: lv - rv,
            "*": lambda: lv * rv,
            "/": lambda: lv / rv,
        }
        return (f"({lt} {op} {rt})", _exact(operations[op]))

    return st.one_of(
        st.tuples(st.tuples(children, children), st.sampled_from("+-*/")).map(lambda t: binary(*t)),
        children.map(lambda c: (f"-({c[0]})", _exact(lambda: -c[1]))),
        st.tuples(children, children).map(
            lambda p: (f"max({p[0][0]}, {p[1][0]})", max(p[0][1], p[1][1]))
        ),
    )


expressions = st.recursive(leaves, combine, max_leaves=12)


@given(expressions)
def test_evaluator_agrees_with_decimal_arithmetic(expression):
    text, expected = expression
    assert evaluate(text, VALUES) == expected


PIECES = ["a", "b", "1", "2.5", "0", "9" * 30, "+", "-", "−", "*", "×", "/", "(", ")", ",", " "]
PIECES += ["min", "max", "abs", "round", "[a]", "[", "]", "$", "a-b", ".", "1."]


@given(st.one_of(st.text(max_size=20), st.lists(st.sampled_from(PIECES), max_size=25).map("".join)))
def test_tokenizer_and_parser_never_fail_other_than_formula_error(text):
    try:
        tokens = tokenize(text)
        parse(text)
        evaluate(text, {"a": D(1), "b": D(2)})
    except FormulaError:
        return
    assert tokens[-1].kind == "end"


@pytest.mark.parametrize(
    "text",
    [
        "(" * 400 + "a" + ")" * 400,
        "-" * 400 + "a",
        "a" + " + a" * 200,
        "abs(" * 100 + "a" + ")" * 100,
    ],
)
def test_a_formula_too_deep_or_too_long_is_refused_with_a_sentence(text):
    with pytest.raises(FormulaError, match="longer than|nests deeper"):
        evaluate(text, {"a": Decimal(1)})


def test_a_formula_nested_as_deep_as_allowed_is_evaluated():
    assert evaluate("(" * 29 + "a" + ")" * 29, {"a": Decimal(2)}) == 2
