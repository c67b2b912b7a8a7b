"""URL converters: ids in paths fit the database's integer, so a larger number is simply not
found (404) instead of overflowing a query."""
from flask import Flask
from werkzeug.routing import IntegerConverter


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register_converters(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
