"""gunicorn settings of the web process: `gunicorn -c python:kolops.gunicorn_conf kolops.wsgi`.

Options given on the command line override these (e.g. `--bind`, `--workers`).

gunicorn writes a `Server: gunicorn` header on every answer and has no option to leave it out
(setting `gunicorn.SERVER` only changes its value; an empty one still sends `Server:`). The
header tells a scanner which server to try known flaws on, so the answers' header lines are
built here without it. HTTP/2, whose answers add the header elsewhere, stays off: the reverse
proxy speaks HTTP/1.1 to gunicorn.
"""

import functools

from gunicorn.http import wsgi

bind = "127.0.0.1:8000"
workers = 3
timeout = 120
accesslog = "-"
http_protocols = "h1"


def _without_server_header(default_headers):
    """`Response.default_headers` (status line, Server, Date, Connection) without Server."""
    if getattr(default_headers, "kolops_without_server", False):
        return default_headers  # this module was loaded twice: wrap once

    @functools.wraps(default_headers)
    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    headers.kolops_without_server = True
    return headers


wsgi.Response.default_headers = _without_server_header(wsgi.Response.default_headers)
