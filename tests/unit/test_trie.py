import pickle

from hypothesis import given
from hypothesis import strategies as st

from extraction.trie import Trie


def test_leftmost_longest_matches_on_character_offsets() -> None:
    trie = Trie()
    for word in ("湖南", "湖南省", "衡阳", "衡阳县"):
        trie.add(word, word)
    trie.build()
    text = "湖南省衡阳县与衡阳市"
    assert [(s, e, v) for s, e, v in trie.iter_long(text)] == [
        (0, 3, "湖南省"),
        (3, 6, "衡阳县"),
        (7, 9, "衡阳"),
    ]


def test_a_text_ending_inside_a_longer_name_still_finds_the_name_within() -> None:
    """A title or the opening window cut inside 五大连池 still names 大连 (pyahocorasick's
    longest-match walk gave nothing here)."""
    trie = Trie()
    for word in ("五大连池", "大连"):
        trie.add(word, word)
    trie.build()
    assert list(trie.iter_long("黑龙江五大连")) == [(4, 6, "大连")]
    assert list(trie.iter_long("五大连池市")) == [(0, 4, "五大连池")]


def test_no_match_across_character_boundaries() -> None:
    trie = Trie()
    trie.add("一", 1)  # U+4E00: its code units look like ASCII 'N' followed by a zero byte
    trie.build()
    assert list(trie.iter("N\u0000Nx")) == []
    assert [v for _, _, v in trie.iter("一")] == [1]


def test_an_empty_trie_matches_nothing() -> None:
    assert list(Trie().build().iter_long("任何文字")) == []


def _naive_leftmost_longest(words: set[str], text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    while pos < len(text):
        hits = [w for w in words if text.startswith(w, pos)]
        if hits:
            w = max(hits, key=len)
            out.append((pos, pos + len(w), w))
            pos += len(w)
        else:
            pos += 1
    return out


_CHARS = st.sampled_from("湖南省衡阳县市区镇一N\u0000x")


@given(st.sets(st.text(_CHARS, min_size=1, max_size=4), max_size=12), st.text(_CHARS, max_size=40))
def test_matches_are_the_leftmost_longest_and_survive_a_pickle(words: set[str], text: str) -> None:
    trie = Trie()
    for w in words:
        trie.add(w, w)
    trie.build()
    expected = _naive_leftmost_longest(words, text)
    assert list(trie.iter_long(text)) == expected
    assert list(pickle.loads(pickle.dumps(trie)).iter_long(text)) == expected
    every = {(s, e) for s, e, _ in trie.iter(text)}
    assert every == {(i, i + len(w)) for w in words for i in range(len(text)) if text.startswith(w, i)}
