from ninja import NinjaAPI

api = NinjaAPI(title="Silin API", version="1", urls_namespace="api")
