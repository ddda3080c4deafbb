from privacy.access_log import access_record


class AccessLogMiddleware:
    """Write one access-log row per request once the response is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        access_record(request=request, status=response.status_code)
        return response
