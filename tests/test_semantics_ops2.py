"""More op semantics as torch's: samplers, sorting ties, creation dtype forms and range checks,
in-place dtype errors, mixed integer promotion, conversions, unary ops of integer and bool
tensors, empty reductions. Each probe runs in both frameworks."""

from __future__ import annotations

import numpy as np
import pytest
from semantics import Probe, check


def seeded_pair(T, make):
    T.manual_seed(3)
    a = make(T)
    T.manual_seed(3)
    return a.shape, a.dtype, bool((a == make(T)).all())


P = [
    Probe(
        "randint_like(x, high)",
        lambda T: (lambda r: (r.dtype, bool(((r >= 0) & (r < 3)).all())))(
            T.randint_like(T.ones(50), 3)
        ),
    ),
    Probe(
        "randint_like(x, low, high)",
        lambda T: (lambda r: (r.dtype, bool(((r >= 3) & (r < 5)).all())))(
            T.randint_like(T.ones(50, dtype=T.int32), 3, 5)
        ),
    ),
    Probe("bernoulli of 0 and 1", lambda T: T.bernoulli(T.tensor([0.0, 1.0, 1.0]))),
    Probe("bernoulli with p", lambda T: T.bernoulli(T.zeros(3, dtype=T.float64), 1.0)),
    Probe("bernoulli_ certain", lambda T: (lambda x: (x.bernoulli_(1.0) is x, x)[1])(T.zeros(3))),
    Probe(
        "bernoulli_ tensor p",
        lambda T: (lambda x: (x.bernoulli_(T.tensor([0.0, 1.0])), x)[1])(T.zeros(2, 2)),
    ),
    Probe(
        "bernoulli_ of an int tensor",
        lambda T: (lambda x: (x.bernoulli_(1.0), x)[1])(T.zeros(2, dtype=T.int64)),
    ),
    Probe(
        "bernoulli_ bumps the version",
        lambda T: (lambda x: (x.bernoulli_(0.0), x._version)[1])(T.ones(2)),
    ),
    Probe("bernoulli method", lambda T: T.ones(2).bernoulli()),
    Probe(
        "bernoulli reproducible",
        lambda T: seeded_pair(T, lambda T: T.bernoulli(T.full((20,), 0.5))),
    ),
    Probe(
        "bernoulli out of range errors",
        lambda T: T.bernoulli(T.tensor([1.5])),
        raises=RuntimeError,
        match="Expected p_in >= 0 && p_in <= 1 to be true, but got false.",
    ),
    Probe(
        "bernoulli of ints errors",
        lambda T: T.bernoulli(T.tensor([1])),
        raises=NotImplementedError,
        match="\"bernoulli_tensor_cpu_p_\" not implemented for 'Long'",
    ),
    Probe(
        "multinomial certain rows", lambda T: T.multinomial(T.tensor([[0.0, 1.0], [1.0, 0.0]]), 1)
    ),
    Probe(
        "multinomial without replacement exhausts", lambda T: T.multinomial(T.tensor([0.0, 1.0]), 2)
    ),
    Probe("multinomial method", lambda T: T.tensor([0.0, 0.0, 2.0]).multinomial(1)),
    Probe(
        "multinomial with replacement",
        lambda T: (lambda r: (r.shape, r.dtype, bool(((r == 1) | (r == 2)).all())))(
            T.multinomial(T.tensor([0.0, 1.0, 3.0]), 20, replacement=True)
        ),
    ),
    Probe(
        "multinomial reproducible",
        lambda T: seeded_pair(T, lambda T: T.multinomial(T.ones(2, 10), 4)),
    ),
    Probe(
        "multinomial distinct without replacement",
        lambda T: sorted(T.multinomial(T.ones(5), 5).tolist()),
    ),
    Probe(
        "multinomial too many errors",
        lambda T: T.multinomial(T.tensor([0.2, 0.8]), 3),
        raises=RuntimeError,
        match="cannot sample n_sample > prob_dist.size\\(-1\\) samples without replacement",
    ),
    Probe(
        "multinomial negative errors",
        lambda T: T.multinomial(T.tensor([-0.2, 0.8]), 1),
        raises=RuntimeError,
        match="probability tensor contains either `inf`, `nan` or element < 0",
    ),
    Probe(
        "multinomial zero sum errors",
        lambda T: T.multinomial(T.tensor([0.0, 0.0]), 1),
        raises=RuntimeError,
        match="invalid multinomial distribution \\(sum of probabilities <= 0\\)",
    ),
    Probe(
        "multinomial ints errors",
        lambda T: T.multinomial(T.tensor([1, 2]), 1),
        raises=RuntimeError,
        match="multinomial only supports floating-point dtypes for input, got: Long",
    ),
    Probe(
        "multinomial zero samples errors",
        lambda T: T.multinomial(T.tensor([0.2, 0.8]), 0),
        raises=RuntimeError,
        match="cannot sample n_sample <= 0 samples",
    ),
    Probe("topk ties", lambda T: tuple(T.tensor([1.0, 3.0, 3.0, 2.0]).topk(2))),
    Probe("sort stable", lambda T: tuple(T.tensor([2, 1, 2, 1]).sort(stable=True))),
    Probe("unique", lambda T: T.unique(T.tensor([3, 1, 2, 1]))),
    Probe("unique counts", lambda T: T.unique(T.tensor([3, 1, 2, 1]), return_counts=True)),
    Probe("argsort desc", lambda T: T.tensor([1, 3, 2]).argsort(descending=True)),
    Probe("sum of float16", lambda T: T.tensor([1.5, 2.5], dtype=T.float16).sum()),
    Probe("mean of float16", lambda T: T.tensor([1.5, 2.5], dtype=T.float16).mean()),
    Probe("cumsum int32 dtype", lambda T: T.tensor([1, 2], dtype=T.int32).cumsum(0)),
    Probe("max int dim returns", lambda T: tuple(T.tensor([[1, 5], [7, 0]]).max(dim=0))),
    Probe("min(a,b)", lambda T: T.min(T.tensor([1, 5]), T.tensor([3, 2]))),
    Probe("max(a, dim) named", lambda T: T.max(T.tensor([[1, 5], [7, 0]]), 1).indices),
    Probe("clamp int tensor float min", lambda T: T.tensor([1, 5]).clamp(min=2.5)),
    Probe(
        "clamp_ int float errors",
        lambda T: T.tensor([1, 5]).clamp_(min=2.5),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe(
        "mul_ int by float tensor errors",
        lambda T: T.tensor([1, 5]).mul_(T.tensor(2.5)),
        raises=RuntimeError,
        match="result type Float can't be cast",
    ),
    Probe(
        "sqrt_ int errors",
        lambda T: T.tensor([1, 4]).sqrt_(),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe(
        "pow_ int negative",
        lambda T: T.tensor([2]).pow_(-1),
        raises=RuntimeError,
        match="Integers to negative integer powers are not allowed",
    ),
    Probe(
        "zeros_like int requires_grad errors",
        lambda T: T.zeros_like(T.tensor([1]), requires_grad=True),
        raises=RuntimeError,
        match="Only Tensors of floating point",
    ),
    Probe("full int fill dtype float", lambda T: T.full((2,), 3, dtype=T.float32)),
    Probe("full float fill int dtype", lambda T: T.full((2,), 3.7, dtype=T.int64)),
    Probe("full bool fill int dtype", lambda T: T.full((2,), True, dtype=T.int64)),
    Probe("linspace tensors", lambda T: T.linspace(T.tensor(0.0), T.tensor(1.0), 3)),
    Probe("arange float64 precision", lambda T: T.arange(0, 1, 0.1, dtype=T.float64)),
    Probe("arange 0.1 step count", lambda T: T.arange(1, 2.0000001, 0.1).shape),
    Probe("tensor nested tuple", lambda T: T.tensor(((1, 2), (3, 4)))),
    Probe("tensor np float32 scalar", lambda T: T.tensor(np.float32(1.5))),
    Probe("tensor np int list", lambda T: T.tensor([np.int32(1), np.int32(2)])),
    Probe(
        "tensor list of np arrays", lambda T: T.tensor([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    ),
    Probe(
        "tensor None errors",
        lambda T: T.tensor(None),
        raises=RuntimeError,
        match="Could not infer dtype of NoneType",
    ),
    Probe(
        "tensor dict errors",
        lambda T: T.tensor({1: 2}),
        raises=RuntimeError,
        match="Could not infer dtype of dict",
    ),
    Probe(
        "tensor float64 requires_grad",
        lambda T: T.tensor([1.0], dtype=T.float64, requires_grad=True),
    ),
    Probe("eye dtype int m", lambda T: T.eye(2, 3, dtype=T.int32)),
    Probe("ones_like float16", lambda T: T.ones_like(T.ones(2, dtype=T.float16))),
    Probe("empty_like dtype", lambda T: T.empty_like(T.ones(2), dtype=T.int64).dtype),
    Probe(
        "randn_like int errors",
        lambda T: T.randn_like(T.tensor([1, 2])),
        raises=NotImplementedError,
        match="\"normal_kernel_cpu\" not implemented for 'Long'",
    ),
    Probe(
        "rand_like int errors",
        lambda T: T.rand_like(T.tensor([1, 2])),
        raises=NotImplementedError,
        match="\"check_uniform_bounds\" not implemented for 'Long'",
    ),
    Probe("std dim None keepdim", lambda T: T.ones(2, 3).std(dim=None, keepdim=True)),
    Probe(
        "var correction tensor dims",
        lambda T: T.arange(6.0).reshape(2, 3).var(dim=(0, 1), correction=0),
    ),
    Probe("sum keepdim list", lambda T: T.ones(2, 3, 4).sum([0, 2], keepdim=True)),
    Probe("mean int dtype float16", lambda T: T.tensor([1, 2]).mean(dtype=T.float16)),
    Probe("prod dtype", lambda T: T.tensor([2, 3]).prod(dtype=T.float32)),
    Probe("amax multiple dims", lambda T: T.arange(24.0).reshape(2, 3, 4).amax((0, 2))),
    Probe("argmax keepdim no dim", lambda T: T.arange(6).reshape(2, 3).argmax(keepdim=True)),
    Probe("all uint8 dim", lambda T: T.tensor([[1, 0]], dtype=T.uint8).all(1)),
    Probe("any dims tuple", lambda T: T.ones(2, 3).any((0, 1))),
    Probe("logical_xor", lambda T: T.logical_xor(T.tensor([1, 0]), T.tensor([1.0, 1.0]))),
    Probe("floor_divide float neg", lambda T: T.tensor([-7.5]) // 2),
    Probe("remainder float neg", lambda T: T.tensor([-7.5, 7.5]) % -2),
    Probe("fmod int neg", lambda T: T.fmod(T.tensor([-7]), 3)),
    Probe("div int by int tensor zero", lambda T: T.tensor([1, 0, -1]) / T.tensor([0, 0, 0])),
    Probe("int tensor ** float tensor", lambda T: T.tensor([4]) ** T.tensor([0.5])),
    Probe(
        "bool ** bool errors",
        lambda T: T.tensor([True]) ** T.tensor([False]),
        raises=NotImplementedError,
        match="\"pow\" not implemented for 'Bool'",
    ),
    Probe("float16 ** int", lambda T: T.tensor([2.0], dtype=T.float16) ** 3),
    Probe("int16 // int8", lambda T: T.tensor([7], dtype=T.int16) // T.tensor([2], dtype=T.int8)),
    Probe(
        "uint8 // int8 -> int16",
        lambda T: T.tensor([7], dtype=T.uint8) // T.tensor([2], dtype=T.int8),
    ),
    Probe("uint8 - int8", lambda T: T.tensor([7], dtype=T.uint8) - T.tensor([9], dtype=T.int8)),
    Probe(
        "bitwise_and uint8 int8",
        lambda T: T.tensor([7], dtype=T.uint8) & T.tensor([-1], dtype=T.int8),
    ),
    Probe("~ int8", lambda T: ~T.tensor([0, 127], dtype=T.int8)),
    Probe("where scalar both float", lambda T: T.where(T.tensor([True, False]), 1.0, 0)),
    Probe(
        "where bool bool",
        lambda T: T.where(
            T.tensor([True, False]), T.tensor([True, True]), T.tensor([False, False])
        ),
    ),
    Probe(
        "where int8 uint8",
        lambda T: T.where(
            T.tensor([True]), T.tensor([1], dtype=T.int8), T.tensor([2], dtype=T.uint8)
        ),
    ),
    Probe(
        "masked_fill int with float",
        lambda T: T.tensor([1, 2]).masked_fill(T.tensor([True, False]), 2.5),
    ),
    Probe(
        "masked_fill float mask int errors",
        lambda T: T.ones(2).masked_fill(T.tensor([1, 0]), 2.5),
        raises=RuntimeError,
        match="masked_fill_ only supports boolean masks, but got mask with dtype long int",
    ),
    Probe("clamp bool", lambda T: T.tensor([True, False]).clamp(0, 1)),
    Probe("minimum int float", lambda T: T.minimum(T.tensor([1, 5]), T.tensor([2.5, 0.5]))),
    Probe(
        "maximum scalar errors",
        lambda T: T.maximum(T.tensor([1.0]), 0.5),
        raises=TypeError,
        match="maximum\\(\\): argument 'other' \\(position 2\\) must be Tensor, not float",
    ),
    Probe("abs int8 min", lambda T: T.tensor([-128], dtype=T.int8).abs()),
    Probe("neg uint8", lambda T: T.tensor([3], dtype=T.uint8).neg()),
    Probe("sign uint8", lambda T: T.tensor([3, 0], dtype=T.uint8).sign()),
    Probe("exp int", lambda T: T.exp(T.tensor([0, 1]))),
    Probe("exp int8", lambda T: T.exp(T.tensor([0, 1], dtype=T.int8))),
    Probe("exp float16", lambda T: T.exp(T.tensor([0.0, 1.0], dtype=T.float16))),
    Probe("log of int64 float32", lambda T: T.log(T.tensor([1, 2]))),
    Probe("sin of uint8", lambda T: T.sin(T.tensor([1], dtype=T.uint8))),
    Probe("relu int", lambda T: T.relu(T.tensor([-1, 2]))),
    Probe("sigmoid bool", lambda T: T.sigmoid(T.tensor([True]))),
    Probe(
        "softmax int errors",
        lambda T: T.softmax(T.tensor([1, 2]), 0),
        raises=RuntimeError,
        match="\"softmax_lastdim_kernel_impl\" not implemented for 'Long'",
    ),
    Probe("trunc int", lambda T: T.trunc(T.tensor([1, -2]))),
    Probe(
        "frac int errors",
        lambda T: T.frac(T.tensor([1])),
        raises=RuntimeError,
        match="\"frac_cpu\" not implemented for 'Long'",
    ),
    Probe(
        "round int decimals errors",
        lambda T: T.round(T.tensor([123]), decimals=-1),
        raises=NotImplementedError,
        match="\"round_cpu\" not implemented for 'Long'",
    ),
    Probe(
        "round of bool errors",
        lambda T: T.round(T.tensor([True])),
        raises=NotImplementedError,
        match="\"round_vml_cpu\" not implemented for 'Bool'",
    ),
    Probe(
        "round int8 decimals errors",
        lambda T: T.round(T.tensor([3], dtype=T.int8), decimals=1),
        raises=NotImplementedError,
        match="\"round_cpu\" not implemented for 'Char'",
    ),
    Probe("bool ** 2", lambda T: T.tensor([True, False]) ** 2),
    Probe("bool ** int tensor", lambda T: T.tensor([True, False]) ** T.tensor([2, 2])),
    Probe("ceil int", lambda T: T.ceil(T.tensor([1]))),
    Probe("reciprocal bool", lambda T: T.reciprocal(T.tensor([True]))),
    Probe("square bool", lambda T: T.square(T.tensor([True, False]))),
    Probe("square int8", lambda T: T.square(T.tensor([3], dtype=T.int8))),
    Probe("rsqrt int", lambda T: T.rsqrt(T.tensor([4]))),
    Probe(
        "eq int8 uint8", lambda T: T.tensor([-1], dtype=T.int8) == T.tensor([255], dtype=T.uint8)
    ),
    Probe("lt float16 scalar", lambda T: T.tensor([1.0], dtype=T.float16) < 1.0001),
    Probe("eq float32 python float", lambda T: T.tensor([0.1]) == 0.1),
    Probe("eq float64 python float", lambda T: T.tensor([0.1], dtype=T.float64) == 0.1),
    Probe("int == 1.5", lambda T: T.tensor([1]) == 1.5),
    Probe("int8 add float python big", lambda T: T.tensor([1], dtype=T.int8) + 1e10),
    Probe("uint8 * 1.5", lambda T: T.tensor([200], dtype=T.uint8) * 1.5),
    Probe("float16 + 70000", lambda T: T.tensor([1.0], dtype=T.float16) + 70000),
    Probe("float32 + 1e40", lambda T: T.tensor([1.0]) + 1e40),
]


def ip(op, dtype="int64", vals=(1, 2, 3)):
    def program(T):
        x = T.tensor(list(vals), dtype=getattr(T, dtype))
        r = op(x, T)
        return x, r is x

    return program


P3 = [
    Probe(
        "int sub_ float errors",
        ip(lambda x, T: x.sub_(0.5)),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe(
        "int div_ errors",
        ip(lambda x, T: x.div_(2)),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe("int div_ floor ok", ip(lambda x, T: x.div_(2, rounding_mode="floor"))),
    Probe(
        "int pow_ float errors",
        ip(lambda x, T: x.pow_(0.5)),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe(
        "int exp_ errors",
        ip(lambda x, T: x.exp_()),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe(
        "int sigmoid_ errors",
        ip(lambda x, T: x.sigmoid_()),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe("int abs_", ip(lambda x, T: x.abs_(), vals=(-1, 2, -3))),
    Probe("int neg_", ip(lambda x, T: x.neg_())),
    Probe("int clamp_ int", ip(lambda x, T: x.clamp_(2, 2))),
    Probe("int copy_ float truncates", ip(lambda x, T: x.copy_(T.tensor([1.7, -2.7, 3.2])))),
    Probe("int fill_ float truncates", ip(lambda x, T: x.fill_(2.9))),
    Probe("bool fill_ 2", ip(lambda x, T: x.fill_(2), dtype="bool", vals=(True, False))),
    Probe("int8 fill_ 127", ip(lambda x, T: x.fill_(127), dtype="int8")),
    Probe(
        "tensor 300 into int8 errors",
        lambda T: T.tensor([300], dtype=T.int8),
        raises=RuntimeError,
        match="value cannot be converted to type int8 without overflow",
    ),
    Probe(
        "tensor -129 into int8 errors",
        lambda T: T.tensor([-129], dtype=T.int8),
        raises=RuntimeError,
        match="value cannot be converted to type int8 without overflow",
    ),
    Probe(
        "tensor 2.5e10 into int8 errors",
        lambda T: T.tensor([2.5e10], dtype=T.int8),
        raises=RuntimeError,
        match="value cannot be converted to type int8 without overflow",
    ),
    Probe(
        "tensor 0-d 300 into uint8 errors",
        lambda T: T.tensor(300, dtype=T.uint8),
        raises=RuntimeError,
        match="value cannot be converted to type uint8 without overflow",
    ),
    Probe(
        "tensor 2**40 into int32 errors",
        lambda T: T.tensor([2**40], dtype=T.int32),
        raises=RuntimeError,
        match="value cannot be converted to type int32 without overflow",
    ),
    Probe("tensor -1 into uint8 wraps", lambda T: T.tensor([-1], dtype=T.uint8)),
    Probe("tensor 1000.5 into int16", lambda T: T.tensor([1000.5], dtype=T.int16)),
    Probe("tensor of bool and int into int16", lambda T: T.tensor([True, 300], dtype=T.int16)),
    Probe(
        "tensor of a numpy array into int8 wraps", lambda T: T.tensor(np.array([300]), dtype=T.int8)
    ),
    Probe(
        "full 300 int8 errors",
        lambda T: T.full((2,), 300, dtype=T.int8),
        raises=RuntimeError,
        match="value cannot be converted to type int8_t without overflow",
    ),
    Probe("full -1 uint8 wraps", lambda T: T.full((2,), -1, dtype=T.uint8)),
    Probe("full 2.5 int32 truncates", lambda T: T.full((2,), 2.5, dtype=T.int32)),
    Probe(
        "to copy=True positional",
        lambda T: (lambda x: x.to(T.float32, False, True) is x)(T.ones(1)),
    ),
    Probe(
        "to copy=True is a copy",
        lambda T: (lambda x: (x.to(T.float32, copy=True).fill_(5.0), x)[1])(T.ones(2)),
    ),
    Probe("uint8 add_ -1", ip(lambda x, T: x.add_(-1), dtype="uint8")),
    Probe("int32 add_ int64 tensor", ip(lambda x, T: x.add_(T.tensor([1, 1, 1])), dtype="int32")),
    Probe(
        "float16 add_ float64",
        ip(lambda x, T: x.add_(T.tensor([0.5, 0.5, 0.5], dtype=T.float64)), dtype="float16"),
    ),
    Probe(
        "bool mul_ bool",
        ip(lambda x, T: x.mul_(T.tensor([True, True])), dtype="bool", vals=(True, False)),
    ),
    Probe("bool logical_not_", ip(lambda x, T: x.logical_not_(), dtype="bool", vals=(True, False))),
    Probe(
        "int masked_fill_ float",
        ip(lambda x, T: x.masked_fill_(T.tensor([True, False, True]), 2.5)),
    ),
    Probe("int zero_", ip(lambda x, T: x.zero_())),
    Probe("float remainder_", ip(lambda x, T: x.remainder_(2), dtype="float32")),
    Probe(
        "int floor_divide_ float errors",
        ip(lambda x, T: x.floor_divide_(1.5)),
        raises=RuntimeError,
        match="result type Float can't be cast to the desired output type Long",
    ),
    Probe("int mul_ bool", ip(lambda x, T: x.mul_(True))),
    Probe("bool add_ bool", ip(lambda x, T: x.add_(True), dtype="bool", vals=(True, False))),
    Probe("int eq_", ip(lambda x, T: x.eq_(2))),
    Probe("cat int float", lambda T: T.cat([T.tensor([1]), T.tensor([1.5])])),
    Probe("cat bool int", lambda T: T.cat([T.tensor([True]), T.tensor([2])])),
    Probe(
        "cat int8 uint8",
        lambda T: T.cat([T.tensor([1], dtype=T.int8), T.tensor([2], dtype=T.uint8)]),
    ),
    Probe(
        "stack int float64", lambda T: T.stack([T.tensor([1]), T.tensor([1.5], dtype=T.float64)])
    ),
    Probe(
        "cat empty list errors",
        lambda T: T.cat([]),
        raises=ValueError,
        match="expected a non-empty list of Tensors",
    ),
    Probe("cat with an empty 1-d", lambda T: T.cat([T.ones(2, 2), T.tensor([])])),
    Probe("to() int", lambda T: T.tensor([1.7, -1.7]).to(T.int64)),
    Probe("to() uint8 of negative", lambda T: T.tensor([-1.0, 300.0]).to(T.uint8)),
    Probe("float to int8 overflow", lambda T: T.tensor([200.0]).to(T.int8)),
    Probe("long() of nan", lambda T: T.tensor([float("nan")]).long().dtype),
    Probe("bool() of floats", lambda T: T.tensor([0.0, 0.1, -0.0, float("nan")]).bool()),
    Probe("to(other tensor)", lambda T: T.ones(2).to(T.tensor([1], dtype=T.int32))),
    Probe("to same dtype is self", lambda T: (lambda x: x.to(T.float32) is x)(T.ones(1))),
    Probe("to copy=True", lambda T: (lambda x: x.to(T.float32, copy=True) is x)(T.ones(1))),
    Probe("type_as", lambda T: T.ones(2).type_as(T.tensor([1]))),
    Probe(
        "float() keeps grad",
        lambda T: (lambda x: x.double().grad_fn is not None)(T.ones(1, requires_grad=True)),
    ),
    Probe(
        "int() of requires_grad drops",
        lambda T: (lambda x: x.long().requires_grad)(T.ones(1, requires_grad=True)),
    ),
    Probe("sum of list builtin", lambda T: sum([T.tensor(1.0), T.tensor(2.0)])),
    Probe("max builtin of tensors", lambda T: max(T.tensor(1.0), T.tensor(2.0))),
    Probe(
        "tensor comparison in sorted",
        lambda T: [t.item() for t in sorted([T.tensor(3), T.tensor(1)])],
    ),
    Probe("torch.max(a, b) mixed", lambda T: T.max(T.tensor([1, 5]), T.tensor([2.5, 0.5]))),
    Probe("torch.sum(x, dtype)", lambda T: T.sum(T.tensor([1, 2]), dtype=T.float64)),
    Probe("tensor.sum(axis=)", lambda T: T.ones(2, 3).sum(axis=1)),
    Probe(
        "mean(keepdims=)",
        lambda T: (
            T.ones(2, 3).mean(1, keepdims=True) if False else T.ones(2, 3).mean(1, keepdim=True)
        ),
    ),
    Probe("std of one element with correction=0", lambda T: T.tensor([3.0]).std(correction=0)),
    Probe("var of empty dim", lambda T: T.ones(0, 2).var(0), warns=UserWarning),
    Probe("sum of bool empty", lambda T: T.tensor([], dtype=T.bool).sum()),
    Probe("prod of empty int", lambda T: T.ones(0, dtype=T.int32).prod()),
    Probe("cumsum empty", lambda T: T.ones(0).cumsum(0)),
    Probe(
        "min of empty dim errors",
        lambda T: T.ones(0, 2).min(0),
        raises=IndexError,
        match="min\\(\\): Expected reduction dim 0 to have non-zero size.",
    ),
    Probe(
        "argmin of empty dim errors",
        lambda T: T.ones(0, 2).argmin(0),
        raises=IndexError,
        match="argmin\\(\\): Expected reduction dim 0 to have non-zero size.",
    ),
    Probe("logsumexp of empty", lambda T: T.logsumexp(T.ones(0), 0)),
    Probe("norm of empty", lambda T: T.ones(0).norm()),
    Probe("median of empty is nan", lambda T: T.ones(0).median()),
    Probe("all of empty dim", lambda T: T.ones(0, 2).all(0)),
    Probe("amin of empty dim 1", lambda T: T.ones(0, 2).amin(1)),
]


@pytest.mark.parametrize("probe", P + P3, ids=repr)
def test_ops_as_torch(probe: Probe) -> None:
    check(probe)
