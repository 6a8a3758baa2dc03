"""The README's list of supported ops, rendered from the op table (`_registry.OPS`).

`python -m mini_autograd.ops` prints it; `python -m mini_autograd.ops --write README.md` replaces
the text between the README's `<!-- ops:begin -->` and `<!-- ops:end -->` markers.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ._registry import OPS, OpInfo

BEGIN, END = "<!-- ops:begin -->", "<!-- ops:end -->"

_OPERATORS = {
    "__add__": "`a + b`", "__sub__": "`a - b`", "__mul__": "`a * b`", "__truediv__": "`a / b`",
    "__pow__": "`a ** b`", "__matmul__": "`a @ b`", "__neg__": "`-a`", "__abs__": "`abs(a)`",
    "__eq__": "`a == b`", "__ne__": "`a != b`", "__lt__": "`a < b`", "__le__": "`a <= b`",
    "__gt__": "`a > b`", "__ge__": "`a >= b`", "__getitem__": "`a[key]`",
    "__setitem__": "`a[key] = v`", "__invert__": "`~a`", "__and__": "`a & b`",
    "__or__": "`a \\| b`",  # escaped: a bare | would split the markdown table cell
    "__xor__": "`a ^ b`", "__lshift__": "`a << b`", "__rshift__": "`a >> b`",
}  # fmt: skip
_DUNDER_NAMES = {"__getitem__": "indexing", "__setitem__": "index assignment"}


# the order a reader meets them in; families missing here follow alphabetically
_FAMILIES = (
    "elementwise",
    "logical",
    "unary",
    "reduction",
    "minmax",
    "shape",
    "join",
    "indexing",
    "convert",
    "linalg",
    "activation",
    "normalization",
    "loss",
    "classification",
)


def _row(info: OpInfo) -> str:
    operators = [_OPERATORS[d] for d in (*info.dunders, info.name) if d in _OPERATORS]
    cells = [
        _DUNDER_NAMES.get(info.name, f"`{info.name}`"),
        "✓" if info.top else "",
        "property" if info.prop else "✓" if info.method else "",
        "✓" if info.functional else "",
        ", ".join(f"`{a}`" for a in info.aliases),
        ", ".join(operators),
    ]
    return "| " + " | ".join(cells) + " |"


def _summary(family: str) -> str:
    """The first paragraph of the family module's docstring, on one line."""
    doc = importlib.import_module(f"{__package__}.{family}").__doc__ or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def markdown() -> str:
    """The supported ops by family: where each lives (torch.X, Tensor.X, F.X) and other names."""
    families: dict[str, list[OpInfo]] = {}
    for info in OPS.values():
        families.setdefault(info.family, []).append(info)
    order = sorted(families, key=lambda f: (_FAMILIES.index(f) if f in _FAMILIES else 99, f))
    out = [
        f"{len(OPS)} ops, generated from the op table (`mini_autograd/ops/_registry.py`) by "
        "`python -m mini_autograd.ops --write README.md`; a test keeps this list current. Columns: "
        "`torch.X`, `Tensor.X`, `torch.nn.functional.X`.",
        "",
    ]
    for family in order:
        out += [f"**{family}** — {_summary(family)}", ""]
        out += ["| op | torch | Tensor | F | aliases | operators |", "|---|:-:|:-:|:-:|---|---|"]
        out += [_row(i) for i in sorted(families[family], key=lambda i: i.name.strip("_"))]
        out.append("")
    return "\n".join(out)


def write(readme: str | Path) -> bool:
    """Replace the marked section of `readme` with the generated list; True if it changed."""
    path = Path(readme)
    text = path.read_text()
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n## Supported ops\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{markdown()}{END}{tail}"
    if new != path.read_text():
        path.write_text(new)
        return True
    return False


def section(readme: str | Path) -> str:
    """The text between the markers of `readme` (what `write` puts there)."""
    text = Path(readme).read_text()
    return text.split(BEGIN, 1)[1].split(END, 1)[0].lstrip("\n")
