"""torch.utils.data against torch: the same batches (unshuffled), collate rules, lengths and
errors; shuffles reproducible under a seeded generator (numpy's orders, not torch's)."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np
import pytest
import torch

import mini_autograd as mt

Point = namedtuple("Point", ["x", "y"])


def _plain(obj):
    """A framework-free picture of a batch: arrays with dtype names, containers by type name."""
    if isinstance(obj, mt.Tensor | torch.Tensor):
        return ("tensor", str(obj.dtype).split(".")[-1], obj.detach().numpy().tolist())
    if isinstance(obj, dict):
        return (type(obj).__name__, {k: _plain(v) for k, v in obj.items()})
    if isinstance(obj, tuple | list):
        return (type(obj).__name__, [_plain(v) for v in obj])
    return obj


BATCHES = {
    "tensors": lambda T: [T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0])],
    "floats": lambda T: [1.5, 2.5, 3.0],
    "ints": lambda T: [1, 2, 3],
    "bools": lambda T: [True, False],
    "strings": lambda T: ["a", "b"],
    "numpy": lambda T: [np.arange(3, dtype=np.int32), np.arange(3, 6, dtype=np.int32)],
    "numpy scalars": lambda T: [np.float32(1.5), np.float32(2.0)],
    "tuples": lambda T: [(T.tensor(1), 2.0, "s"), (T.tensor(3), 4.0, "t")],
    "lists": lambda T: [[1, 2], [3, 4]],
    "dicts": lambda T: [{"a": T.ones(2), "b": 1}, {"a": T.zeros(2), "b": 2}],
    "ordered": lambda T: [OrderedDict(z=1.0, a=2), OrderedDict(z=3.0, a=4)],
    "namedtuple": lambda T: [Point(T.tensor([1]), 2.0), Point(T.tensor([3]), 4.0)],
    "nested": lambda T: [{"p": [np.ones(2), (1, 2)]}, {"p": [np.zeros(2), (3, 4)]}],
}


@pytest.mark.parametrize("name", list(BATCHES))
def test_default_collate_matches_torch(name):
    ours = mt.utils.data.default_collate(BATCHES[name](mt))
    ref = torch.utils.data.default_collate(BATCHES[name](torch))
    assert _plain(ours) == _plain(ref)


def test_default_collate_errors():
    for bad in ([object(), object()], [np.array(["a"]), np.array(["b"])]):
        with pytest.raises(TypeError) as ours:
            mt.utils.data.default_collate(bad)
        with pytest.raises(TypeError) as ref:
            torch.utils.data.default_collate(bad)
        assert str(ours.value).split("found")[0] == str(ref.value).split("found")[0]
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        mt.utils.data.default_collate([[1, 2], [3]])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batch_size": 4},
        {"batch_size": 4, "drop_last": True},
        {"batch_size": 1},
        {"batch_size": None},
        {"batch_size": 3, "collate_fn": lambda b: b},
    ],
    ids=str,
)
def test_dataloader_batches_match_torch(kwargs):
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    y = np.arange(10)

    def batches(T):
        ds = T.utils.data.TensorDataset(T.tensor(x), T.tensor(y))
        loader = T.utils.data.DataLoader(ds, **kwargs)
        return len(loader), [_plain(b) for b in loader]

    assert batches(mt) == batches(torch)


def test_map_style_and_iterable_datasets_match_torch():
    def run(T):
        class Squares(T.utils.data.Dataset):
            def __len__(self):
                return 7

            def __getitem__(self, i):
                return {"x": np.float64(i), "y": i * i}

        class Stream(T.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(5))

        concat = Squares() + Squares()
        out = [_plain(b) for b in T.utils.data.DataLoader(concat, batch_size=5)]
        out += [_plain(b) for b in T.utils.data.DataLoader(Stream(), batch_size=2)]
        sub = T.utils.data.Subset(Squares(), [6, 0, 3])
        out += [_plain(b) for b in T.utils.data.DataLoader(sub, batch_size=2)]
        out.append(_plain(concat[-1]))
        return out

    assert run(mt) == run(torch)


def test_samplers_match_torch_where_deterministic():
    for T in (mt, torch):
        data = list(range(10))
        bs = T.utils.data.BatchSampler(T.utils.data.SequentialSampler(data), 4, False)
        assert list(bs) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] and len(bs) == 3
        bs = T.utils.data.BatchSampler(range(10), 4, True)
        assert list(bs) == [[0, 1, 2, 3], [4, 5, 6, 7]] and len(bs) == 2
        rs = T.utils.data.RandomSampler(data, num_samples=25)
        got = list(rs)
        assert len(rs) == 25 and len(got) == 25 and sorted(got[:20]) == sorted(data * 2)
        sub = T.utils.data.SubsetRandomSampler([3, 5, 7])
        assert sorted(sub) == [3, 5, 7] and len(sub) == 3
        w = T.utils.data.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 2000)
        draws = np.array(list(w))
        assert set(draws) <= {1, 3} and 0.7 < (draws == 3).mean() < 0.8
        nr = list(T.utils.data.WeightedRandomSampler([1.0, 1.0, 1.0], 3, replacement=False))
        assert sorted(nr) == [0, 1, 2]


def test_seeded_shuffles_are_reproducible_and_cover_the_data():
    ds = mt.utils.data.TensorDataset(mt.arange(100))

    def order(**kw):
        return np.concatenate([b[0].numpy() for b in mt.utils.data.DataLoader(ds, 16, **kw)])

    g1, g2 = mt.Generator().manual_seed(5), mt.Generator().manual_seed(5)
    a, b = order(shuffle=True, generator=g1), order(shuffle=True, generator=g2)
    np.testing.assert_array_equal(a, b)
    assert sorted(a.tolist()) == list(range(100)) and a.tolist() != list(range(100))
    assert order(shuffle=True, generator=g1).tolist() != a.tolist()  # the next epoch differs
    mt.manual_seed(3)
    c = order(shuffle=True)
    mt.manual_seed(3)
    np.testing.assert_array_equal(c, order(shuffle=True))


def test_random_split_lengths_fractions_and_generator():
    for T in (mt, torch):
        parts = T.utils.data.random_split(range(10), [0.5, 0.3, 0.2])
        assert [len(p) for p in parts] == [5, 3, 2]
        parts = T.utils.data.random_split(range(11), [0.5, 0.5])
        assert [len(p) for p in parts] == [6, 5]
        parts = T.utils.data.random_split(range(10), [7, 3], generator=T.Generator().manual_seed(1))
        assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
        with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
            T.utils.data.random_split(range(10), [3, 3])
    a = mt.utils.data.random_split(range(10), [5, 5], generator=mt.Generator().manual_seed(2))
    b = mt.utils.data.random_split(range(10), [5, 5], generator=mt.Generator().manual_seed(2))
    assert list(a[0]) == list(b[0])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"shuffle": True, "sampler": [0, 1]},
        {"batch_sampler": [[0]], "batch_size": 2},
        {"batch_size": None, "drop_last": True},
        {"num_workers": -1},
    ],
    ids=str,
)
def test_dataloader_argument_errors_match_torch(kwargs):
    with pytest.raises(ValueError) as ours:
        mt.utils.data.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(ValueError) as ref:
        torch.utils.data.DataLoader(list(range(4)), **kwargs)
    assert str(ours.value) == str(ref.value)


def test_num_workers_runs_in_process_and_says_so():
    import mini_autograd.utils.data.dataloader as dl

    dl._warned_workers = False
    with pytest.warns(UserWarning, match="main process"):
        loader = mt.utils.data.DataLoader(list(range(5)), batch_size=2, num_workers=2)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4]]
    assert mt.utils.data.get_worker_info() is None


def test_tensor_dataset_batches_keep_the_graph_when_asked():
    w = mt.ones(6, 2, requires_grad=True)
    (xb,) = next(iter(mt.utils.data.DataLoader(mt.utils.data.TensorDataset(w), batch_size=3)))
    xb.sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0]] * 3 + [[0.0, 0.0]] * 3
