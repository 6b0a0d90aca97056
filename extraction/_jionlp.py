"""jionlp, imported on first use: a fifth of a second of start-up (numpy and its tokenizer come
with it) that most pages never need, since it only reads amounts and dates spelled in words.
Its start-up banner is kept out of stdout (users pipe our output)."""

import contextlib
import io
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType


@cache
def jionlp() -> ModuleType:
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

    return jionlp


def dictionary(name: str) -> Path:
    """A file of jionlp's dictionaries, found without importing jionlp."""
    spec = find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jionlp")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / name
