"""The course's server extension serves plotly's widget module, to a logged-in browser only.

Every course figure imports ``isomargin/plotly/widgetbundle.js`` (``figure_widget.js``) from a
``blob:`` module, so the request carries the login cookie but no Referer: the extension must
answer it, and must refuse a request without a login.
"""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from litedriver import build_script

from isomargin_server import MODULE_NAME, URL_PATH, plotly_widget_folder

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(opener, url: str):
    """(status, content type, body) of a GET, redirects not followed."""
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), b""


def test_module_is_served_to_a_logged_in_browser_without_referer(lab_server):
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies),
                                          _NoRedirect)
    # Log in as a learner does, with the token link; afterwards only the cookie authenticates.
    status, _, _ = _get(browser, f"{lab_server.base_url}/lab?token={lab_server.token}")
    assert status == 200 and len(cookies) > 0
    status, content_type, body = _get(browser, f"{lab_server.base_url}/{URL_PATH}{MODULE_NAME}")
    assert status == 200
    assert content_type.startswith(("application/javascript", "text/javascript"))
    assert body == (plotly_widget_folder() / MODULE_NAME).read_bytes()


def test_module_is_refused_without_login(lab_server):
    stranger = urllib.request.build_opener(_NoRedirect)
    status, _, body = _get(stranger, f"{lab_server.base_url}/{URL_PATH}{MODULE_NAME}")
    assert status in (302, 403) and b"plotly" not in body


def test_no_other_file_of_plotly_is_served(lab_server):
    opener = urllib.request.build_opener(_NoRedirect)
    url = f"{lab_server.base_url}/{URL_PATH}../__init__.py?token={lab_server.token}"
    assert _get(opener, url)[0] in (403, 404)


def test_course_figures_and_browser_edition_use_the_served_path():
    """One path in three places: the figures' import, the server's route, the site's file."""
    lite_build = build_script()
    shim = (ROOT / "isomargin_lib" / "figure_widget.js").read_text()
    assert f'"{URL_PATH}{MODULE_NAME}"' in shim
    assert lite_build.PLOTLY_WIDGET_MODULE == URL_PATH + MODULE_NAME
    assert lite_build.PLOTLY_WIDGET_SOURCE == f"plotly/package_data/{MODULE_NAME}"
