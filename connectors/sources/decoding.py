"""A crawled page's bytes → text, in the charset the page says it has (byte-order mark, HTTP
header, `<meta charset>`), else the one charset-normalizer finds. Nothing is decoded with
replacement characters: bytes that fit no charset make a refusal with the reason."""

from __future__ import annotations

import charset_normalizer
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding


class UndecodableError(ValueError):
    """No charset turns the page into text."""


def _strict(body: bytes, encoding: str) -> str | UnicodeDecodeError:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as e:
        return e
    except LookupError as e:  # a label Python has no codec for
        return UnicodeDecodeError(encoding, body, 0, 0, str(e))


def decode_page(body: bytes, content_type: str | None = None, html: bool = True) -> tuple[str, str]:
    """(text, charset used). The declared charset wins; a page whose bytes do not fit it (Chinese
    sites that declare utf-8 and send GBK) is read in the charset detected instead.
    GB2312 and GBK labels are read as GB18030, their superset, as browsers do."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        decoded = _strict(body[len(bom) :], bom_encoding)
        if isinstance(decoded, str):
            return decoded, bom_encoding
        raise UndecodableError(f"starts with a {bom_encoding} byte-order mark but is not {bom_encoding}")
    declared = http_content_type_encoding(content_type) if content_type else None
    if declared is None and html:
        label = html_body_declared_encoding(body)
        declared = (resolve_encoding(label) or label) if label else None
    problem = ""
    for encoding in filter(None, (declared, "utf-8")):
        decoded = _strict(body, encoding)
        if isinstance(decoded, str):
            return decoded, encoding
        if encoding == declared:
            problem = f"declared {declared} but byte {decoded.start} is not {declared}; "
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        encoding = resolve_encoding(best.encoding) or best.encoding
        decoded = _strict(body, encoding)
        if isinstance(decoded, str):
            return decoded, encoding
    raise UndecodableError(f"{problem}no charset fits its bytes")
