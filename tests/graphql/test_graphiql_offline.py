"""GraphiQL from the API itself: the page loads nothing from elsewhere, every asset it names is served, and the
key field is explained on the page. The browser test (marker `browser`) runs a query in headless Chromium; it is
skipped where playwright or its Chromium is missing."""
from __future__ import annotations

import re

import pytest
from contacthub_graphql.view import ASSETS, STATIC

PAGE_ASSETS = re.compile(r'(?:src|href)="([^"]+)"')


def page_text() -> str:
    return (STATIC / "graphiql.html").read_text(encoding="utf-8")


def test_the_page_names_no_asset_outside_the_api():
    names = PAGE_ASSETS.findall(page_text())
    assert names and all(n.startswith("graphql/assets/") for n in names), names
    assert "://" not in " ".join(names)


def test_every_asset_the_page_names_is_served(graphql_http):
    # Given the GraphiQL page
    page = graphql_http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status == 200 and "API key" in page.text and "Authorization: Bearer" in page.text
    # Then each of its scripts and styles answers from /graphql/assets/, with its media type
    for name in PAGE_ASSETS.findall(page.text):
        reply = graphql_http.get("/" + name)
        assert reply.status == 200, name
        assert reply.headers["content-type"] == ASSETS[name.rsplit("/", 1)[1]]
        assert int(reply.headers["content-length"]) == (STATIC / name.rsplit("/", 1)[1]).stat().st_size


def test_vendored_files_keep_their_licences():
    for name in ("LICENSE.react", "LICENSE.react-dom", "LICENSE.graphiql"):
        assert "MIT License" in (STATIC / name).read_text(encoding="utf-8")
    listed = (STATIC / "VENDORED.txt").read_text(encoding="utf-8")
    assert all(name in listed for name in ASSETS if not name.startswith(("LICENSE", "VENDORED")))


def test_unknown_assets_are_404(graphql_http):
    assert graphql_http.get("/graphql/assets/graphiql.html").status == 404
    assert graphql_http.get("/graphql/assets/..%2Fview.py").status == 404


@pytest.mark.browser
def test_graphiql_runs_a_query_in_a_headless_browser(services, workspace):
    sync_api = pytest.importorskip("playwright.sync_api")
    from contacthub_local.server import LocalApi, start_server

    server, thread = start_server("127.0.0.1", 0, LocalApi(log_requests=False))
    try:
        with sync_api.sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch()
            except Exception as error:  # noqa: BLE001 - no Chromium downloaded: nothing to drive
                pytest.skip(f"no Chromium for playwright: {error}")
            page = browser.new_page()
            page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())  # offline
            # Given the page with the key typed in its key field
            page.goto(f"{server.base_url}/graphql")
            page.fill("#api-key", workspace.key)
            page.wait_for_selector(".graphiql-execute-button")
            # When the example query runs
            page.click(".graphiql-execute-button")
            # Then the workspace's name comes back in the result pane
            page.wait_for_function("document.querySelector('.result-window').innerText.includes('Acme')",
                                   timeout=15_000)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
