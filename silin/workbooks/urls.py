app_name = "workbooks"
urlpatterns: list = []
