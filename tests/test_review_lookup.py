"""The search box, the search API and the report page of the review app."""

from __future__ import annotations

import pytest

from pismo.context import Context
from tests.helpers import appeal, logged_in, make_user

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_search_box_api_and_report_page(ctx: Context) -> None:
    make_user(ctx, "kate", "clerk")
    appeal(ctx, 1, surname="Смирнова", name="Анна", patronymic="Петровна")
    appeal(ctx, 2)
    client, _ = logged_in(ctx, "kate")
    # The surname in the dative finds the nominative; the matching words are marked.
    found = client.get("/search", params={"q": "Смирновой претензию"}).text
    assert "ВХ-" in found and "<mark>" in found and "1 найдено" in found
    hits = client.get("/api/search", params={"q": "смирновой"}).json()
    assert [h["reg_number"].endswith("000001") for h in hits] == [True]
    report = client.get("/reports")
    assert report.status_code == 200 and "data:image/svg+xml" in report.text  # the charts
    assert "script-src" not in report.headers["content-security-policy"]
    assert "unsafe-inline" in report.headers["content-security-policy"]  # styles only


def test_search_needs_a_login(ctx: Context) -> None:
    from fastapi.testclient import TestClient

    from pismo.review.app import create_app

    client = TestClient(create_app(ctx))
    assert client.get("/api/search", params={"q": "x"}).status_code == 401
    assert client.get("/reports", follow_redirects=False).status_code == 303
