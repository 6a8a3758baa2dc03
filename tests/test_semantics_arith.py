"""Integer and mixed-dtype arithmetic as torch's: division signs, overflow, powers, bitwise ops,
comparisons, in-place dtype rules, clamp, where, abs/neg. Each probe runs in both frameworks."""

from __future__ import annotations

import pytest
from semantics import Probe, check


def a(T, dtype="int64"):
    return T.tensor([7, -7, 7, -7, 0], dtype=getattr(T, dtype))


def b(T, dtype="int64"):
    return T.tensor([2, 2, -2, -2, 3], dtype=getattr(T, dtype))


def inplace(op):
    def program(T):
        x = T.tensor([1, 2, 3])
        op(x)
        return x

    return program


def iadd_float(x):
    x += 1.5


def imul_float_tensor(x):
    x *= x.float()


def idiv(x):
    x /= 2


def iadd_bool(x):
    x += True


def ifloordiv(x):
    x //= 2


ARITH = [
    Probe("int // int", lambda T: a(T) // b(T)),
    Probe("int % int", lambda T: a(T) % b(T)),
    Probe("float // float", lambda T: a(T).float() // b(T).float()),
    Probe("float % float", lambda T: a(T).float() % b(T).float()),
    Probe("floor_divide", lambda T: T.floor_divide(a(T), b(T))),
    Probe("remainder", lambda T: T.remainder(a(T), b(T))),
    Probe("fmod signs", lambda T: T.fmod(a(T), b(T))),
    Probe("fmod float", lambda T: T.fmod(a(T).float(), 2.5)),
    Probe("remainder scalar", lambda T: T.remainder(a(T), -3)),
    Probe("div rounding trunc", lambda T: T.div(a(T), b(T), rounding_mode="trunc")),
    Probe("div rounding floor", lambda T: T.div(a(T), b(T), rounding_mode="floor")),
    Probe("div rounding floor float", lambda T: T.div(a(T).float(), 2, rounding_mode="floor")),
    Probe(
        "div bad rounding",
        lambda T: T.div(a(T), 2, rounding_mode="round"),
        raises=RuntimeError,
        match="div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'",
    ),
    Probe("int / int is float", lambda T: a(T) / b(T)),
    Probe("int / 0 is inf", lambda T: a(T) / 0),
    Probe("int // 0 errors", lambda T: a(T) // 0, raises=RuntimeError, match="ZeroDivisionError"),
    Probe(
        "int % 0 errors",
        lambda T: a(T) % T.zeros(5, dtype=T.int64),
        raises=RuntimeError,
        match="ZeroDivisionError",
    ),
    Probe("float // 0", lambda T: a(T).float() // 0),
    Probe("int8 / int8 float32", lambda T: a(T, "int8") / b(T, "int8")),
    Probe("uint8 // int", lambda T: T.tensor([7, 200], dtype=T.uint8) // 3),
    Probe("int32 * int32 overflow wraps", lambda T: T.tensor([2**30], dtype=T.int32) * 4),
    Probe("int64 overflow wraps", lambda T: T.tensor([2**62]) * 4),
    Probe("int8 neg of -128", lambda T: -T.tensor([-128], dtype=T.int8)),
    Probe("uint8 neg wraps", lambda T: -T.tensor([1, 0], dtype=T.uint8)),
    Probe("abs of int8 -128", lambda T: T.tensor([-128, 3], dtype=T.int8).abs()),
    Probe("abs of uint8", lambda T: T.tensor([200], dtype=T.uint8).abs()),
    Probe(
        "abs of bool errors",
        lambda T: T.tensor([True]).abs(),
        raises=NotImplementedError,
        match="\"abs_cpu\" not implemented for 'Bool'",
    ),
    Probe(
        "floor of bool errors",
        lambda T: T.tensor([True]).floor(),
        raises=NotImplementedError,
        match="\"floor_vml_cpu\" not implemented for 'Bool'",
    ),
    Probe(
        "ceil of bool errors",
        lambda T: T.tensor([True]).ceil(),
        raises=NotImplementedError,
        match="\"ceil_vml_cpu\" not implemented for 'Bool'",
    ),
    Probe(
        "neg of bool errors",
        lambda T: -T.tensor([True]),
        raises=RuntimeError,
        match="Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
        "to invert a mask, use the `~` or `logical_not\\(\\)` operator instead.",
    ),
    Probe(
        "bool - bool errors",
        lambda T: T.tensor([True]) - T.tensor([False]),
        raises=RuntimeError,
        match="Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
        "`\\^` or `logical_xor\\(\\)` operator instead.",
    ),
    Probe("bool + bool", lambda T: T.tensor([True, False]) + T.tensor([True, True])),
    Probe("bool * bool", lambda T: T.tensor([True, False]) * T.tensor([True, True])),
    Probe("bool + int", lambda T: T.tensor([True, False]) + 1),
    Probe("bool * 2.5", lambda T: T.tensor([True, False]) * 2.5),
    Probe("int ** 2", lambda T: a(T) ** 2),
    Probe("int ** int tensor", lambda T: b(T).abs() ** T.tensor([3, 2, 1, 0, 2])),
    Probe(
        "int ** -1 errors",
        lambda T: a(T) ** -1,
        raises=RuntimeError,
        match="Integers to negative integer powers are not allowed.",
    ),
    Probe(
        "int ** negative tensor",
        lambda T: T.tensor([0, 1, -1, -1, 2, -3]) ** T.tensor([-1, -3, -1, -2, -1, -2]),
    ),
    Probe(
        "int8 ** negative tensor",
        lambda T: T.tensor([1, -1, 5], dtype=T.int8) ** T.tensor([-2, -3, -1], dtype=T.int8),
    ),
    Probe("bool ** negative tensor", lambda T: T.tensor([True, False]) ** T.tensor([-1, -1])),
    Probe("int ** 0.5 float", lambda T: b(T).abs() ** 0.5),
    Probe("2 ** int tensor", lambda T: 2 ** T.tensor([0, 3, 10])),
    Probe("2 ** negative int tensor", lambda T: 2 ** T.tensor([-1, -2, 3])),
    Probe("-1 ** negative int tensor", lambda T: (-1) ** T.tensor([-1, -2])),
    Probe("2.0 ** int tensor", lambda T: 2.0 ** T.tensor([-1, 2])),
    Probe("pow int overflow", lambda T: T.tensor([10]) ** 20),
    Probe("pow bool", lambda T: T.tensor([True, False]) ** 2),
    Probe("float ** negative", lambda T: T.tensor([2.0, 4.0]) ** -1),
    Probe("(-8.) ** (1/3) nan", lambda T: T.tensor([-8.0]) ** (1 / 3)),
    Probe("0 ** 0", lambda T: T.tensor([0]) ** 0),
    Probe("& int", lambda T: a(T) & b(T)),
    Probe("| int", lambda T: a(T) | b(T)),
    Probe("^ int", lambda T: a(T) ^ b(T)),
    Probe("~ int", lambda T: ~a(T)),
    Probe("~ bool", lambda T: ~T.tensor([True, False])),
    Probe("~ uint8", lambda T: ~T.tensor([0, 5], dtype=T.uint8)),
    Probe("& bool", lambda T: T.tensor([True, False]) & T.tensor([True, True])),
    Probe("| bool int", lambda T: T.tensor([True, False]) | T.tensor([2, 4])),
    Probe("& scalar", lambda T: a(T) & 3),
    Probe("& bool scalar", lambda T: T.tensor([True, False]) & True),
    Probe(
        "& float errors",
        lambda T: a(T).float() & 1,
        raises=RuntimeError,
        match="\"bitwise_and_cpu\" not implemented for 'Float'",
    ),
    Probe(
        "~ float errors",
        lambda T: ~a(T).float(),
        raises=TypeError,
        match="~ \\(operator.invert\\) is only implemented on integer and Boolean-type tensors",
    ),
    Probe("<< int", lambda T: T.tensor([1, 2, 3]) << 2),
    Probe(">> negative", lambda T: T.tensor([-8, 8]) >> 1),
    Probe("<< tensor", lambda T: T.tensor([1, 1]) << T.tensor([3, 4])),
    Probe("<< int8 wraps", lambda T: T.tensor([64], dtype=T.int8) << 1),
    Probe("<< negative and wide shifts", lambda T: T.tensor([1, 2, 3]) << T.tensor([-1, 64, 63])),
    Probe(">> wide shift fills sign", lambda T: T.tensor([-8, 8]) >> 70),
    Probe("<< reflected", lambda T: 3 << T.tensor([1, 2])),
    Probe(">> reflected", lambda T: 64 >> T.tensor([1, 2])),
    Probe("bool << 1", lambda T: T.tensor([True]) << 1),
    Probe(
        "<< float errors",
        lambda T: T.ones(2) << 1,
        raises=NotImplementedError,
        match="\"lshift_cpu\" not implemented for 'Float'",
    ),
    Probe("<<= in place", inplace(lambda x: x.__ilshift__(2))),
    Probe(">>= in place", inplace(lambda x: x.__irshift__(1))),
    Probe(
        "//= in place keeps identity", lambda T: (lambda x: x.__ifloordiv__(2) is x)(T.tensor([3]))
    ),
    Probe("%= in place", inplace(lambda x: x.__imod__(2))),
    Probe("**= in place", inplace(lambda x: x.__ipow__(2))),
    Probe("&= in place", inplace(lambda x: x.__iand__(2))),
    Probe("|= in place", inplace(lambda x: x.__ior__(4))),
    Probe("^= in place", inplace(lambda x: x.__ixor__(1))),
    Probe(
        "**= float in place on float",
        lambda T: (lambda x: (x.__ipow__(0.5), x)[1])(T.tensor([4.0, 9.0])),
    ),
    Probe(
        "//= in place on a graph tensor",
        lambda T: (lambda w: (lambda y: (y.__ifloordiv__(2.0), y.grad_fn is not None)[1])(w * 1))(
            T.ones(2, requires_grad=True)
        ),
    ),
    Probe("uint8 == 256 wraps", lambda T: T.tensor([0, 1], dtype=T.uint8) == 256),
    Probe("int8 * -129 wraps", lambda T: T.tensor([1], dtype=T.int8) * -129),
    Probe(
        "int + 2**70 errors",
        lambda T: T.tensor([1]) + 2**70,
        raises=OverflowError,
        match="int too big to convert",
    ),
    Probe("int8 + 2**63 wraps to 0", lambda T: T.tensor([1], dtype=T.int8) + 2**63),
    Probe(
        "fmin nan",
        lambda T: T.fmin(
            T.tensor([1.0, float("nan"), float("nan")]), T.tensor([float("nan"), 0.0, float("nan")])
        ),
    ),
    Probe("fmax int float", lambda T: T.fmax(T.tensor([1, 5]), T.tensor([2.5, 0.5]))),
    Probe(
        "fmax grad",
        lambda T: (lambda x, y: (T.fmax(x, y).sum().backward(), x.grad, y.grad)[1:])(
            T.tensor([1.0, 2.0, float("nan"), 3.0], requires_grad=True),
            T.tensor([2.0, 2.0, 1.0, float("nan")], requires_grad=True),
        ),
    ),
    Probe(
        "fmin grad",
        lambda T: (lambda x, y: (T.fmin(x, y).sum().backward(), x.grad, y.grad)[1:])(
            T.tensor([1.0, 2.0, float("nan"), 3.0], requires_grad=True),
            T.tensor([2.0, 2.0, 1.0, float("nan")], requires_grad=True),
        ),
    ),
    Probe("bitwise_left_shift", lambda T: T.bitwise_left_shift(T.tensor([3]), 2)),
    Probe("bitwise_not", lambda T: T.bitwise_not(T.tensor([0, -1]))),
    Probe("bitwise_xor bool", lambda T: T.bitwise_xor(T.tensor([True]), T.tensor([True]))),
    Probe("int < float", lambda T: a(T) < 0.5),
    Probe("int == float", lambda T: T.tensor([1, 2]) == T.tensor([1.0, 2.5])),
    Probe("bool == int", lambda T: T.tensor([True, False]) == T.tensor([1, 0])),
    Probe("uint8 > -1", lambda T: T.tensor([0, 200], dtype=T.uint8) > -1),
    Probe("int8 < 200", lambda T: T.tensor([1], dtype=T.int8) < 200),
    Probe("eq broadcast", lambda T: T.tensor([[1], [2]]) == T.tensor([1, 2, 3])),
    Probe("ne nan", lambda T: T.tensor([float("nan")]) != T.tensor([float("nan")])),
    Probe(
        "ge mixed float",
        lambda T: T.tensor([1.0], dtype=T.float16) >= T.tensor([1.0], dtype=T.float64),
    ),
    Probe("lt returns bool", lambda T: (T.tensor([1, 2]) < 2).dtype),
    Probe("eq method", lambda T: T.tensor([1, 2]).eq(2)),
    Probe("equal", lambda T: T.equal(T.tensor([1, 2]), T.tensor([1.0, 2.0]))),
    Probe("equal shapes differ", lambda T: T.equal(T.tensor([1, 2]), T.tensor([[1, 2]]))),
    Probe(
        "int += 1.5 errors",
        inplace(iadd_float),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe(
        "int *= float tensor errors",
        inplace(imul_float_tensor),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe(
        "int /= 2 errors",
        inplace(idiv),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe("int += True", inplace(iadd_bool)),
    Probe("int //= 2", inplace(ifloordiv)),
    Probe(
        "int add_ float errors",
        inplace(lambda x: x.add_(0.5)),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe("int mul_ int", inplace(lambda x: x.mul_(3))),
    Probe(
        "bool add_ int errors",
        lambda T: T.tensor([True]).add_(2),
        raises=RuntimeError,
        match="result type Long can't be cast to the desired output type Bool",
    ),
    Probe("float += int tensor", lambda T: (lambda x: (x.add_(T.tensor([1, 2])), x)[1])(T.ones(2))),
    Probe(
        "float32 += float64 stays float32",
        lambda T: (lambda x: (x.add_(T.ones(2, dtype=T.float64)), x)[1])(T.ones(2)),
    ),
    Probe(
        "int32 += int64 stays int32",
        lambda T: (lambda x: (x.add_(T.tensor([5])), x)[1])(T.ones(2, dtype=T.int32)),
    ),
    Probe(
        "uint8 += 300 wraps", lambda T: (lambda x: (x.add_(300), x)[1])(T.ones(2, dtype=T.uint8))
    ),
    Probe("clamp min > max", lambda T: T.tensor([1.0, 5.0, 9.0]).clamp(min=6, max=3)),
    Probe("clamp int", lambda T: a(T).clamp(-3, 3)),
    Probe("clamp int with float bound", lambda T: a(T).clamp(min=0.5)),
    Probe(
        "clamp no bounds errors",
        lambda T: a(T).clamp(),
        raises=RuntimeError,
        match="At least one of 'min' or 'max' must not be None",
    ),
    Probe(
        "clamp tensor bounds",
        lambda T: T.tensor([1.0, 5.0]).clamp(T.tensor([2.0, 0.0]), T.tensor([3.0, 4.0])),
    ),
    Probe(
        "clamp grad at bound",
        lambda T: (lambda x: (x.clamp(0.0, 1.0).sum().backward(), x.grad)[1])(
            T.tensor([-1.0, 0.0, 0.5, 1.0, 2.0], requires_grad=True)
        ),
    ),
    Probe(
        "clamp min>max grad",
        lambda T: (lambda x: (x.clamp(2.0, 1.0).sum().backward(), x.grad)[1])(
            T.tensor([0.0, 1.5, 3.0], requires_grad=True)
        ),
    ),
    Probe("clamp nan", lambda T: T.tensor([float("nan")]).clamp(0, 1)),
    Probe("clip alias", lambda T: T.clip(T.tensor([-2.0, 2.0]), -1, 1)),
    Probe(
        "where int float",
        lambda T: T.where(T.tensor([True, False]), T.tensor([1, 2]), T.tensor([0.5, 0.5])),
    ),
    Probe("where scalars", lambda T: T.where(T.tensor([True, False]), 1, 0)),
    Probe(
        "where int scalar with float",
        lambda T: T.where(T.tensor([True, False]), T.tensor([1.5, 2.5]), 0),
    ),
    Probe(
        "where float scalar with int tensor",
        lambda T: T.where(T.tensor([True, False]), T.tensor([1, 2]), 0.5),
    ),
    Probe(
        "where float64 float32",
        lambda T: T.where(T.tensor([True, False]), T.ones(2, dtype=T.float64), T.zeros(2)),
    ),
    Probe(
        "where non-bool cond errors",
        lambda T: T.where(T.tensor([1, 0]), T.ones(2), T.zeros(2)),
        raises=RuntimeError,
        match="where expected condition to be a boolean tensor, but got a tensor with dtype Long",
    ),
    Probe("where(cond) is nonzero", lambda T: T.where(T.tensor([[True, False], [False, True]]))),
    Probe(
        "where uint8 bool",
        lambda T: T.where(T.tensor([True]), T.tensor([1], dtype=T.uint8), T.tensor([True])),
    ),
    Probe("maximum int float", lambda T: T.maximum(T.tensor([1, 5]), T.tensor([2.5, 0.5]))),
    Probe("minimum nan", lambda T: T.minimum(T.tensor([1.0, float("nan")]), T.tensor([2.0, 0.0]))),
    Probe("fmax nan", lambda T: T.fmax(T.tensor([1.0, float("nan")]), T.tensor([2.0, 0.0]))),
    Probe("sign of int", lambda T: T.sign(a(T))),
    Probe("sign of bool", lambda T: T.sign(T.tensor([True, False]))),
    Probe("sqrt of int is float", lambda T: T.sqrt(T.tensor([4, 9]))),
    Probe("exp of bool is float", lambda T: T.exp(T.tensor([True, False]))),
    Probe("sigmoid of int", lambda T: T.sigmoid(T.tensor([0, 1]))),
    Probe("floor of int stays int", lambda T: T.floor(a(T))),
    Probe("round of int", lambda T: T.round(a(T))),
    Probe("round half to even", lambda T: T.round(T.tensor([0.5, 1.5, 2.5, -0.5]))),
    Probe("round decimals", lambda T: T.round(T.tensor([1.2345, 2.5551]), decimals=2)),
    Probe("trunc of float", lambda T: T.trunc(T.tensor([-1.7, 1.7]))),
    Probe("square of int", lambda T: T.square(a(T))),
    Probe("reciprocal of int float", lambda T: T.reciprocal(T.tensor([2, 4]))),
    Probe("int + float64 0-d", lambda T: a(T) + T.tensor(1.5, dtype=T.float64)),
    Probe("int8 + int64 0-d stays int8", lambda T: a(T, "int8") + T.tensor(100)),
    Probe("int8 + python big int errors?", lambda T: a(T, "int8") + 1000),
    Probe(
        "uint8 - uint8 wraps", lambda T: T.tensor([1], dtype=T.uint8) - T.tensor([2], dtype=T.uint8)
    ),
    Probe("int * True", lambda T: a(T) * True),
    Probe("float16 * int", lambda T: T.ones(2, dtype=T.float16) * T.tensor([3, 4])),
    Probe("lerp", lambda T: T.lerp(T.zeros(3), T.ones(3), 0.25)),
    Probe(
        "addcmul",
        lambda T: T.addcmul(T.ones(2), T.tensor([2.0, 3.0]), T.tensor([4.0, 5.0]), value=0.5),
    ),
    Probe("true_divide", lambda T: T.true_divide(T.tensor([3]), 2)),
    Probe("rsub", lambda T: 1 - T.tensor([3, 4])),
    Probe("rtruediv int", lambda T: 1 / T.tensor([2, 4])),
    Probe("rfloordiv int", lambda T: 7 // T.tensor([2, -2])),
    Probe("rmod int", lambda T: 7 % T.tensor([3, -3])),
    Probe("rpow float tensor", lambda T: 2 ** T.tensor([0.5, 1.0])),
    Probe(
        "frac of int errors",
        lambda T: T.frac(T.tensor([1])),
        raises=NotImplementedError,
        match="\"frac_cpu\" not implemented for 'Long'",
    ),
    *[
        Probe(
            f"masked_fill with a {d} mask errors",
            lambda T, d=d: T.ones(2).masked_fill(T.tensor([1, 0], dtype=getattr(T, d)), 2.5),
            raises=RuntimeError,
            match=f"but got mask with dtype {c}$",
        )
        for d, c in (
            ("int64", "long int"),
            ("int32", "int"),
            ("uint8", "unsigned char"),
            ("float64", "double"),
            ("float16", "c10::Half"),
        )
    ],
    Probe("logical_and ints", lambda T: T.logical_and(T.tensor([1, 0, 2]), T.tensor([3, 3, 0]))),
    Probe("logical_not float", lambda T: T.logical_not(T.tensor([0.0, 1.5]))),
    Probe("isclose ints", lambda T: T.isclose(T.tensor([1, 2]), T.tensor([1, 3]))),
    Probe("allclose", lambda T: T.allclose(T.tensor([1.0, 2.0]), T.tensor([1.0, 2.0 + 1e-9]))),
]


@pytest.mark.parametrize("probe", ARITH, ids=repr)
def test_arithmetic_as_torch(probe: Probe) -> None:
    check(probe)
