"""The OpenAPI document and its Swagger UI: flask-smorest's Api with the one error shape."""
from flask_smorest import Api

from app.errors import ErrorSchema
from app.web.errors import http_error_response


class LltApi(Api):
    ERROR_SCHEMA = ErrorSchema  # the documented error shape

    def handle_http_exception(self, error):
        return http_error_response(error)


api = LltApi()
