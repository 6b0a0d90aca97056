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


def test_no_match_across_character_boundaries() -> None:
    trie = Trie()
    trie.add("一", 1)  # U+4E00: its code units look like ASCII 'N' followed by a zero byte
    trie.build()
    assert list(trie.iter("N\u0000Nx")) == []
    assert [v for _, _, v in trie.iter("一")] == [1]


def test_an_empty_trie_matches_nothing() -> None:
    assert list(Trie().build().iter_long("任何文字")) == []
