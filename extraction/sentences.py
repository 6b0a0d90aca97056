"""Sentences and paragraphs of normalized text, with their offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"[。!?]+[”\"’]?|\n+|\s(?<=[^\d\s]\s)\s+(?=\S)")
CLAUSE_BREAK = re.compile(r"[,;:、()“”\"]")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Split at sentence punctuation and line breaks; a sentence keeps its end punctuation."""
    out: list[Sentence] = []
    pos = 0
    paragraph = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if not m.group(0).isspace() else m.start()
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            body = chunk.strip()
            out.append(Sentence(len(out), pos + lead, pos + lead + len(body), body, paragraph))
        if "\n" in m.group(0):
            paragraph += 1
        pos = m.end()
    tail = text[pos:]
    if tail.strip():
        lead = len(tail) - len(tail.lstrip())
        body = tail.strip()
        out.append(Sentence(len(out), pos + lead, pos + lead + len(body), body, paragraph))
    return out
