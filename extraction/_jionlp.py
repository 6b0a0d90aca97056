"""jionlp, imported on first use: a fifth of a second of start-up (numpy and its tokenizer come
with it) that most pages never need, since it only reads amounts and dates spelled in words.
Its start-up banner is kept out of stdout (users pipe our output)."""

import contextlib
import io
import threading
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType

#: redirect_stdout swaps a process-wide stream: two first calls at once would leave it swapped.
_importing = threading.Lock()


@cache
def jionlp() -> ModuleType:
    with _importing, contextlib.redirect_stdout(io.StringIO()):
        import jionlp

    return jionlp


def dictionary(name: str) -> Path:
    """A file of jionlp's dictionaries, found without importing jionlp unless the file is still
    in the zip it ships as (the import unpacks them)."""
    spec = find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jionlp")
    path = Path(next(iter(spec.submodule_search_locations))) / "dictionary" / name
    if not path.exists():
        jionlp()
    return path


def warm_up() -> None:
    """Import jionlp and let its parsers build their tables, as a process about to fork wants."""
    j = jionlp()
    j.parse_time("二〇二四年一月二日")
    j.parse_money("五十余亿元")
