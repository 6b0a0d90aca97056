from collections.abc import Iterator

import pytest

from tests.integration.pg import fresh_schema


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def schema_dsn() -> Iterator[str]:
    yield from fresh_schema()
