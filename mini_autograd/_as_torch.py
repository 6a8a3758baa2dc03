"""Run torch programs unchanged: `import torch...` resolves to mini_autograd's modules.

`install_as_torch()` puts an import hook first on `sys.meta_path`: `torch` is `mini_autograd`,
and `torch.X.Y` is `mini_autograd.X.Y` for any module mini_autograd has (so a module added later,
such as `mini_autograd.utils.data`, is picked up without a list to maintain). A module
mini_autograd lacks raises ModuleNotFoundError naming it, rather than falling through to the real
torch. `python -m mini_autograd script.py` runs a script with the hook installed.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

_PREFIX = "torch"
_TARGET = "mini_autograd"


def _target_name(fullname: str) -> str:
    return _TARGET + fullname[len(_PREFIX) :]


class _Alias(importlib.abc.Loader):
    """Loads `torch.X` as the already importable `mini_autograd.X`."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        pass  # mini_autograd's module is already executed


class TorchFinder(importlib.abc.MetaPathFinder):
    """The meta-path hook behind install_as_torch()."""

    def find_spec(self, fullname: str, path=None, target=None):  # noqa: ANN001 - importlib's API
        if fullname != _PREFIX and not fullname.startswith(_PREFIX + "."):
            return None
        name = _target_name(fullname)
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            found = None
        if found is None:
            raise ModuleNotFoundError(
                f"{fullname} is not provided by mini_autograd (it would be {name}); the script "
                "runs under `python -m mini_autograd`, which maps torch to mini_autograd",
                name=fullname,
            )
        module = importlib.import_module(name)
        return importlib.machinery.ModuleSpec(fullname, _Alias(module), origin=found.origin)


_finder: TorchFinder | None = None
_saved: dict[str, ModuleType] = {}


def install_as_torch() -> None:
    """Make every later `import torch...` give mini_autograd's modules (idempotent).

    Real torch modules imported before are set aside (see uninstall_as_torch), so the names now
    mean mini_autograd in this process.
    """
    global _finder
    if _finder is not None:
        return
    for name in [n for n in sys.modules if n == _PREFIX or n.startswith(_PREFIX + ".")]:
        _saved[name] = sys.modules.pop(name)
    _finder = TorchFinder()
    sys.meta_path.insert(0, _finder)


def uninstall_as_torch() -> None:
    """Undo install_as_torch(): drop the aliases and restore modules it set aside."""
    global _finder
    if _finder is None:
        return
    sys.meta_path.remove(_finder)
    _finder = None
    for name in [n for n in sys.modules if n == _PREFIX or n.startswith(_PREFIX + ".")]:
        del sys.modules[name]
    sys.modules.update(_saved)
    _saved.clear()
