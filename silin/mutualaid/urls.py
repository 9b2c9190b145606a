from django.urls import path

from silin.mutualaid import board_views, ledger_views, pairing_urls, team_views, views

app_name = "mutualaid"
urlpatterns = [
    path("", views.need_home, name="need"),
    path("ask/<str:kind>/", views.ask, name="ask"),
    path("requests/<uuid:uuid>/", views.request_detail, name="request-detail"),
    path("requests/<uuid:uuid>/cancel/", views.request_cancel, name="request-cancel"),
    path("requests/<uuid:uuid>/take/", views.request_take, name="request-take"),
    path("requests/<uuid:uuid>/check-in/", views.check_in, name="check-in"),
    path("requests/<uuid:uuid>/check-out/", views.check_out, name="check-out"),
    path("proposals/<uuid:uuid>/accept/", views.proposal_accept, name="proposal-accept"),
    path("proposals/<uuid:uuid>/decline/", views.proposal_decline, name="proposal-decline"),
    path("services/<uuid:uuid>/confirm/", views.service_confirm, name="service-confirm"),
    path("services/<uuid:uuid>/reject/", views.service_reject, name="service-reject"),
    path("helping/", views.helping, name="helping"),
    path("helping/pause/", views.helper_pause, name="helper-pause"),
    path("board/", board_views.board_index, name="board-index"),
    path("board/<uuid:uuid>/", board_views.board, name="board"),
    path("board/<uuid:uuid>/run/", board_views.board_run, name="board-run"),
    path("board/<uuid:uuid>/confirm/", board_views.board_confirm, name="board-confirm"),
    path("board/<uuid:uuid>/choose/", board_views.board_choose, name="board-choose"),
    path("board/<uuid:uuid>/helpers/", board_views.helpers, name="helpers"),
    path("board/<uuid:uuid>/helpers/new/", board_views.helper_enrol, name="helper-enrol"),
    path("helpers/<uuid:uuid>/verify/", board_views.helper_verify, name="helper-verify"),
    path("time-bank/", ledger_views.statement, name="statement"),
    path("time-bank/donate/", ledger_views.donate, name="donate"),
    path("time-bank/give/", ledger_views.give, name="give"),
    path("time-bank/<uuid:uuid>/", ledger_views.statement, name="statement-of"),
    path(
        "time-bank/<uuid:uuid>/certificates/",
        ledger_views.certificate_issue,
        name="certificate-issue",
    ),
    path("certificates/<uuid:uuid>.pdf", ledger_views.certificate_pdf, name="certificate-pdf"),
    path("certificates/verify/", ledger_views.certificate_verify, name="certificate-verify-search"),
    path(
        "certificates/verify/<str:number>",
        ledger_views.certificate_verify,
        name="certificate-verify",
    ),
    path("board/<uuid:uuid>/teams/", team_views.teams, name="teams"),
    path("board/<uuid:uuid>/teams/new/", team_views.team_create, name="team-create"),
    path("board/<uuid:uuid>/teams/join/", team_views.team_join, name="team-join"),
    path("board/<uuid:uuid>/alliances/new/", team_views.alliance_create, name="alliance-create"),
    *pairing_urls.urlpatterns,
]
