from ninja import NinjaAPI

api = NinjaAPI(title="shanghui API", version="1", urls_namespace="api")
