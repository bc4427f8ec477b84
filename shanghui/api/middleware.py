"""One rule for trailing slashes across the API: paths are documented without one
(`/api/v1/enterprises`, `/api/v1/service-requests`), and the same path with a trailing
slash reaches the same operation. Answered in place, not redirected: a redirected POST
or PATCH would lose its body."""

PREFIX = "/api/v1/"


class ApiTrailingSlashMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(PREFIX) and path.endswith("/") and len(path) > len(PREFIX):
            request.path_info = path.rstrip("/")
        return self.get_response(request)
