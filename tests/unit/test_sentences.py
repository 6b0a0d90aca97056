from extraction.sentences import split_sentences


def test_sentences_keep_offsets_and_paragraphs() -> None:
    text = "第一句。第二句!\n\n第三句"
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["第一句。", "第二句!", "第三句"]
    assert all(text[s.start : s.end] == s.text for s in sents)
    assert [s.paragraph for s in sents] == [0, 0, 1]
