"""save/load in torch's file format: files move both ways between torch and mini_autograd."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import mini_autograd as mt


class Foo:
    """A class the safe loader must refuse."""

    def __init__(self) -> None:
        self.x = 1


def test_torch_file_loads_with_values_dtypes_and_shared_views(tmp_path):
    base = torch.arange(12.0, dtype=torch.float64).reshape(3, 4)
    obj = {
        "x": base,
        "row": base[1],
        "t": base.t(),
        "cols": base[:, 1::2],
        "p": torch.nn.Parameter(torch.tensor([1.5, -2.0])),
        "g": torch.ones(2, requires_grad=True),
        "ints": torch.tensor([1, 2, 3]),
        "i32": torch.tensor([4], dtype=torch.int32),
        "mask": torch.tensor([True, False]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
        "meta": [1, 2.5, "s", None, True, (3, 4), {"k": b"bytes"}],
        "size": torch.Size([2, 3]),
        "dtype": torch.float64,
        "device": torch.device("cpu"),
    }
    torch.save(obj, tmp_path / "t.pt")
    got = mt.load(tmp_path / "t.pt")
    for key in ("x", "row", "t", "cols", "ints", "i32", "mask", "scalar", "empty"):
        assert got[key].dtype.name == str(obj[key].dtype).removeprefix("torch."), key
        np.testing.assert_array_equal(got[key].numpy(), obj[key].numpy(), err_msg=key)
    assert type(got["p"]) is mt.nn.Parameter and got["p"].requires_grad
    np.testing.assert_array_equal(got["p"].detach().numpy(), [1.5, -2.0])
    assert type(got["g"]) is mt.Tensor and got["g"].requires_grad
    assert not got["x"].requires_grad
    assert got["meta"] == [1, 2.5, "s", None, True, (3, 4), {"k": b"bytes"}]
    assert got["size"] == mt.Size([2, 3]) and isinstance(got["size"], mt.Size)
    assert got["dtype"] is mt.float64 and got["device"] == mt.device("cpu")
    # the views still share the first tensor's memory: a write shows through all of them
    with mt.no_grad():
        got["x"][1, 1] = 100.0
    assert got["row"][1].item() == 100.0 and got["t"][1, 1].item() == 100.0
    assert got["cols"][1, 0].item() == 100.0


def test_our_file_loads_in_torch_weights_only(tmp_path):
    base = mt.arange(12.0, dtype=mt.float64).reshape(3, 4)
    obj = {
        "x": base,
        "row": base[1],
        "t": base.t(),
        "p": mt.nn.Parameter(mt.tensor([1.5, -2.0])),
        "g": mt.ones(2, requires_grad=True),
        "ints": mt.tensor([1, 2, 3]),
        "mask": mt.tensor([True, False]),
        "nested": OrderedDict(a=[mt.tensor(1.0), (2, "two")], b={"c": 3.5}),
        "size": base.shape,
        "dtype": mt.float32,
        "device": mt.device("cpu"),
        "npfloat": np.float64(0.25),
    }
    mt.save(obj, tmp_path / "m.pt")
    got = torch.load(tmp_path / "m.pt", weights_only=True)
    for key in ("x", "row", "t", "ints", "mask"):
        assert str(got[key].dtype) == f"torch.{obj[key].dtype.name}", key
        np.testing.assert_array_equal(got[key].numpy(), obj[key].numpy(), err_msg=key)
    assert got["row"].untyped_storage().data_ptr() == got["x"].untyped_storage().data_ptr()
    assert got["t"].stride() == (1, 4) and got["row"].storage_offset() == 4
    assert isinstance(got["p"], torch.nn.Parameter) and got["p"].requires_grad
    assert got["g"].requires_grad and not got["x"].requires_grad
    assert got["nested"]["a"][0].item() == 1.0 and got["nested"]["a"][1] == (2, "two")
    assert isinstance(got["nested"], OrderedDict) and got["nested"]["b"] == {"c": 3.5}
    assert got["size"] == torch.Size([3, 4]) and isinstance(got["size"], torch.Size)
    assert got["dtype"] is torch.float32 and got["device"] == torch.device("cpu")
    assert got["npfloat"] == 0.25 and type(got["npfloat"]) is float


def test_file_layout_is_torchs(tmp_path):
    mt.save({"w": mt.ones(3000), "b": mt.zeros(2)}, tmp_path / "model.pt")
    torch.save({"w": torch.ones(3000), "b": torch.zeros(2)}, tmp_path / "ref.pt")
    ours = zipfile.ZipFile(tmp_path / "model.pt")
    ref = zipfile.ZipFile(tmp_path / "ref.pt")
    names = [n.replace("model/", "") for n in ours.namelist()]
    assert names == [n.replace("ref/", "") for n in ref.namelist()]
    assert ours.read("model/byteorder") == b"little" and ours.read("model/version") == b"3\n"
    raw = (tmp_path / "model.pt").read_bytes()
    for info in ours.infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        n_name, n_extra = np.frombuffer(raw[info.header_offset + 26 :][:4], "<u2")
        assert (info.header_offset + 30 + n_name + n_extra) % 64 == 0, info.filename
    # torch adds zip64 end records (~300 bytes); the data is laid out the same
    assert abs(len(raw) / (tmp_path / "ref.pt").stat().st_size - 1) < 0.05


def test_state_dicts_move_between_frameworks(tmp_path):
    torch.manual_seed(0)
    tnet = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    topt = torch.optim.Adam(tnet.parameters(), lr=0.01)
    tnet(torch.randn(5, 3)).sum().backward()
    topt.step()
    torch.save({"model": tnet.state_dict(), "optim": topt.state_dict()}, tmp_path / "ck.pt")
    ck = mt.load(tmp_path / "ck.pt")
    net = mt.nn.Sequential(mt.nn.Linear(3, 4), mt.nn.Tanh(), mt.nn.Linear(4, 2))
    net.load_state_dict(ck["model"])
    opt = mt.optim.Adam(net.parameters(), lr=0.01)
    opt.load_state_dict(ck["optim"])
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(
        net(mt.tensor(x)).detach().numpy(), tnet(torch.tensor(x)).detach().numpy(), rtol=1e-6
    )
    # and back: our state_dict (with torch's _metadata-free OrderedDict) loads into torch
    mt.save({"model": net.state_dict(), "optim": opt.state_dict()}, tmp_path / "back.pt")
    back = torch.load(tmp_path / "back.pt", weights_only=True)
    tnet2 = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    tnet2.load_state_dict(back["model"])
    topt2 = torch.optim.Adam(tnet2.parameters(), lr=0.01)
    topt2.load_state_dict(back["optim"])
    for a, b in zip(tnet2.parameters(), tnet.parameters(), strict=True):
        assert torch.equal(a, b)
    assert topt2.state_dict()["param_groups"][0]["lr"] == 0.01


def test_malicious_pickle_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    torch.save({"a": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"(?s)Weights only load failed.*blocked"):
        mt.load(tmp_path / "evil.pt")
    assert not marker.exists()
    torch.save({"a": Foo()}, tmp_path / "foo.pt")
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL .*Foo") as err:
        mt.load(tmp_path / "foo.pt")
    assert "foo.pt" in str(err.value)
    # the user may allow it, or turn the safety off for trusted files
    with mt.serialization.safe_globals([Foo]):
        assert mt.load(tmp_path / "foo.pt")["a"].x == 1
    with pytest.raises(pickle.UnpicklingError):
        mt.load(tmp_path / "foo.pt")
    assert mt.load(tmp_path / "foo.pt", weights_only=False)["a"].x == 1


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty"])
def test_damaged_files_name_the_file(tmp_path, damage):
    path = tmp_path / "ck.pt"
    mt.save({"w": mt.arange(100.0)}, path)
    raw = bytearray(path.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "garbage":
        raw = bytearray(b"not a checkpoint at all")
    elif damage == "empty":
        raw = bytearray()
    else:
        info = zipfile.ZipFile(path).getinfo("ck/data/0")
        raw[info.header_offset + 30 + len(info.filename) + len(info.extra) + 7] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match="ck.pt"):
        mt.load(path)


def test_save_is_atomic(tmp_path):
    path = tmp_path / "ck.pt"
    mt.save({"w": mt.ones(2)}, path)
    before = path.read_bytes()

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        mt.save({"w": mt.zeros(2), "bad": Unpicklable()}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ck.pt"]  # no temporary left behind


def test_map_location_and_file_objects():
    buf = io.BytesIO()
    mt.save([mt.ones(2)], buf)
    for loc in (None, "cpu", mt.device("cpu"), {"cuda:0": "cpu"}, lambda s, loc: s):
        buf.seek(0)
        assert mt.load(buf, map_location=loc)[0].tolist() == [1.0, 1.0]
    buf.seek(0)
    with pytest.raises(RuntimeError, match="CUDA device but torch.cuda.is_available"):
        mt.load(buf, map_location="cuda")
    buf.seek(0)
    assert zipfile.ZipFile(buf).namelist()[0] == "archive/data.pkl"  # torch's name for streams
    buf.seek(0)
    assert torch.load(buf, weights_only=True)[0].tolist() == [1.0, 1.0]


def test_big_endian_records_are_swapped(tmp_path):
    src, dst = tmp_path / "le.pt", tmp_path / "be.pt"
    mt.save({"w": mt.tensor([1.5, -2.0, 3.25], dtype=mt.float64)}, src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("byteorder"):
                data = b"big"
            elif "/data/" in info.filename:
                data = np.frombuffer(data, "<f8").astype(">f8").tobytes()
            zout.writestr(info.filename, data)
    assert mt.load(dst)["w"].tolist() == [1.5, -2.0, 3.25]


def test_unsupported_dtype_is_named(tmp_path):
    torch.save({"h": torch.ones(2, dtype=torch.bfloat16)}, tmp_path / "h.pt")
    with pytest.raises(TypeError, match="BFloat16Storage"):
        mt.load(tmp_path / "h.pt")


@pytest.mark.parametrize("name", ["int8", "int16", "uint8", "float16", "int32"])
def test_small_dtypes_load_from_torch_files(tmp_path, name):
    values = [1, 2, 3, 100]
    torch.save({"h": torch.tensor(values, dtype=getattr(torch, name))}, tmp_path / "h.pt")
    loaded = mt.load(tmp_path / "h.pt")["h"]
    assert loaded.dtype == getattr(mt, name)
    assert loaded.tolist() == values
    mt.save({"h": loaded}, tmp_path / "back.pt")
    back = torch.load(tmp_path / "back.pt", weights_only=True)["h"]
    assert back.dtype == getattr(torch, name) and back.tolist() == values
