from extraction.regions import gazetteer


def codes(text: str) -> list[tuple[str, tuple[str, ...]]]:
    g = gazetteer()
    return [(m.text, m.codes) for m in g.find(text)]


def test_full_and_short_names() -> None:
    assert codes("湖南省政协") == [("湖南省", ("430000",))]
    assert codes("衡阳县招商") == [("衡阳县", ("430421",))]
    assert codes("在衡阳举行") == [("衡阳", ("430400",))]


def test_zones_with_statistical_codes() -> None:
    assert codes("湘潭高新区") == [("湘潭高新区", ("430371",))]
    assert codes("长春净月高新区") == [("长春净月高新区", ("220172",))]
    assert codes("兰州新区") == [("兰州新区", ("620171",))]


def test_alias_table_covers_what_the_dictionary_lacks() -> None:
    assert codes("贵安新区华为云") == [("贵安新区", ("520000",))]
    assert codes("黔东南州") == [("黔东南州", ("522600",))]
    assert codes("镇宁自治县") == [("镇宁自治县", ("520423",))]


def test_masks_hide_words_that_only_look_like_places() -> None:
    assert codes("大理石加工") == []
    assert codes("粤港澳大湾区") == []


def test_county_and_town_zones() -> None:
    g = gazetteer()
    assert [(m.text, m.codes) for m in g.find_zones("长春农安经济技术开发区")] == [
        ("农安经济技术开发区", ("220122",))
    ]


def test_investor_origin_from_the_name() -> None:
    g = gazetteer()
    assert g.origin_of("深圳市天鼎微波科技有限公司").code == "440300"
    assert g.origin_of("浙江浦江晟宇工贸有限公司").code == "330726"
    assert g.origin_of("香港信义玻璃控股有限公司").code == "810000"
    assert g.origin_of("中国广核集团有限公司") is None


def test_places_spelled_in_a_url() -> None:
    g = gazetteer()
    assert (("510400",), False) in g.from_url("http://tz.panzhihua.gov.cn/tzfw/x.shtml")
    assert (("445302",), False) in g.from_url("http://www.yfyunchengqu.gov.cn/a/b.html")


def test_chain_goes_from_province_down() -> None:
    assert [d.code for d in gazetteer().chain("430371")] == ["430000", "430300", "430371"]
