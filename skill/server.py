"""Runs the app on gunicorn, the production WSGI server, loaded once before the workers fork."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]):
        self.app = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        # Newer gunicorns open a control socket at one fixed path per user; two servers on a
        # host would fight over it, and nothing here uses it.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Flask:
        return self.app


def serve(app: Flask, host: str, port: int, workers: int, log_level: str) -> None:
    GunicornServer(app, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "timeout": 30,
        "keepalive": 5,
    }).run()
