"""Errors the API answers with as JSON rather than Django's HTML pages."""

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> JsonResponse:
        response = JsonResponse(
            {"error": {"code": self.code, "message": str(self.message)}},
            status=self.status,
            json_dumps_params={"ensure_ascii": False},
        )
        if self.status == 401:
            error = "" if self.code == "not_authenticated" else f', error="{self.code}"'
            response["WWW-Authenticate"] = f'Bearer realm="tertial"{error}'
        if self.status == 405:
            response["Allow"] = "GET"
        if self.status == 503:
            response["Retry-After"] = "60"
        return response
