import investwire
from schemas import TOPICS, json_schemas


def test_every_topic_has_a_json_schema() -> None:
    schemas = json_schemas()
    assert set(schemas) == {
        "articles.raw",
        "investment.events",
        "investment.facts",
        "investment.totals",
        "articles.deadletter",
    }
    assert schemas["investment.totals"]["compacted"] is True
    assert "event_id" in schemas["investment.events"]["value"]["properties"]


def test_public_names_are_exactly_the_exports() -> None:
    exported = {name for name in dir(investwire) if not name.startswith("_")} - {
        "aggregation",
        "extraction",
        "schemas",
        "cli",
        "live",
        "scoring",
    }
    assert exported == set(investwire.__all__)
    assert "investment.events" in TOPICS
