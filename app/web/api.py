"""The OpenAPI document and its Swagger UI: flask-smorest's Api with the one error shape."""
from flask_smorest import Api

from app.errors import ErrorSchema
from app.web.errors import http_error_response


class LltApi(Api):
    ERROR_SCHEMA = ErrorSchema  # the documented error shape

    def register_blueprint(self, blp, *, parameters=None, **options):
        """As flask-smorest's, but a blueprint with a `doc_tag` (its operations are tagged with
        another blueprint's tag, listed before it) adds no tag of its own to the document."""
        if getattr(blp, "doc_tag", None) is None:
            return super().register_blueprint(blp, parameters=parameters, **options)
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
        return None

    def handle_http_exception(self, error):
        return http_error_response(error)


api = LltApi()
