"""jionlp, imported with its start-up banner kept out of stdout (users pipe our output)."""

import contextlib
import io

with contextlib.redirect_stdout(io.StringIO()):
    import jionlp

__all__ = ["jionlp"]
