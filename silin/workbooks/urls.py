from django.urls import path

from silin.workbooks import views

app_name = "workbooks"
urlpatterns = [
    path("", views.workbook_home, name="workbook-home"),
    path("template.xlsx", views.template_download, name="template-download"),
    path("imports/", views.import_create, name="import-create"),
    path("imports/<uuid:uuid>/", views.import_detail, name="import-detail"),
    path("imports/<uuid:uuid>/apply/", views.import_apply, name="import-apply"),
    path("imports/<uuid:uuid>/cancel/", views.import_cancel, name="import-cancel"),
    path("imports/<uuid:uuid>/errors.xlsx", views.import_errors, name="import-errors"),
    path("export/", views.register_export, name="register-export"),
]
