"""The OpenAPI document and its Swagger UI: flask-smorest's Api with the one error shape."""
from flask_smorest import Api

from app.errors import ErrorSchema
from app.web.errors import http_error_response


class LltApi(Api):
    ERROR_SCHEMA = ErrorSchema  # the documented error shape

    def register_blueprint(self, blp, *, parameters=None, **options):
        """A blueprint listed under another's tag (`Blueprint(tag=...)`) adds no tag entry."""
        if getattr(blp, "tag", None) is None:
            return super().register_blueprint(blp, parameters=parameters, **options)
        tags = list(self.spec._tags)
        super().register_blueprint(blp, parameters=parameters, **options)
        self.spec._tags[:] = tags
        return None

    def handle_http_exception(self, error):
        return http_error_response(error)


api = LltApi()
