"""The course's Jupyter server extension: plotly's figure-widget module at one URL.

A plotly ``FigureWidget`` normally sends the whole of plotly's widget module (about 5 MB of
JavaScript) to the browser with every figure, and the page parses and runs it again each time.
anywidget gives a figure 2 s to load its module and initialise; when Run All creates several
figures at once on a busy machine, the later ones miss that limit and stay blank ("[anywidget]
Failed to initialize model"). The course's figures (``isomargin_lib.plots.CourseFigureWidget``)
import the module from ``{base_url}isomargin/plotly/widgetbundle.js`` instead: the browser then
loads and runs it once per page. This extension serves that URL from the installed plotly, so the
module always matches the kernel's plotly; the browser edition's build puts the same file at the
same path of its site.

The module is served only to a logged-in browser, like the notebook files. ``pip install``
enables the extension with ``etc/jupyter/jupyter_server_config.d/isomargin_server.json``.

This module is apart from ``isomargin_lib`` so that the server does not import numpy and the
course's library at start.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

URL_PATH = "isomargin/plotly/"
MODULE_NAME = "widgetbundle.js"


def plotly_widget_folder() -> Path:
    """The folder of the installed plotly's widget module, ``plotly/package_data``."""
    spec = find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("isomargin_server: plotly is not installed in the server's "
                           "environment; install the course with requirements.txt")
    folder = Path(spec.origin).parent / "package_data"
    if not (folder / MODULE_NAME).is_file():
        raise RuntimeError(f"isomargin_server: {folder / MODULE_NAME} is missing; plotly's "
                           "figure widgets need plotly 6 or newer")
    return folder


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "isomargin_server"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.utils import url_path_join

    web_app = serverapp.web_app
    route = url_path_join(web_app.settings["base_url"], URL_PATH, r"(widgetbundle\.js)")
    web_app.add_handlers(".*$", [(route, _plotly_widget_handler(),
                                  {"path": str(plotly_widget_folder())})])
    serverapp.log.info("isomargin_server: plotly's widget module at %s%s", URL_PATH, MODULE_NAME)


def _plotly_widget_handler() -> type:
    """Jupyter's authenticated file handler without its Referer check.

    Jupyter refuses a GET without a same-site Referer to stop other sites from including a
    user's files (cross-site script inclusion). anywidget imports a figure's module from a
    ``blob:`` URL, whose imports carry no Referer, so that check would refuse every figure. The
    file is plotly's public library and holds nothing of the user's: the login is still required.
    """
    from jupyter_server.auth.decorator import authorized
    from jupyter_server.base.handlers import AuthenticatedFileHandler
    from tornado import web

    class PlotlyWidgetHandler(AuthenticatedFileHandler):
        @web.authenticated
        @authorized
        def head(self, path):
            return web.StaticFileHandler.head(self, path)

        @web.authenticated
        @authorized
        def get(self, path, include_body=True):
            return web.StaticFileHandler.get(self, path, include_body)

    return PlotlyWidgetHandler
