from django.urls import path

from silin.activities import (
    checkin_views,
    console_views,
    feeds,
    people_views,
    proposal_views,
    views,
)

app_name = "activities"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("mine/", views.mine, name="mine"),
    path("events/<uuid:uuid>/", views.event_detail, name="event-detail"),
    path("events/<uuid:uuid>/sign-up/", views.signup_create, name="signup-create"),
    path("events/<uuid:uuid>/here/", views.self_check_in, name="self-check-in"),
    path("sign-ups/<uuid:uuid>/cancel/", views.signup_cancel, name="signup-cancel"),
    path("sign-ups/<uuid:uuid>/accept/", views.offer_accept, name="offer-accept"),
    path("sign-ups/<uuid:uuid>/feedback/", views.feedback_give, name="feedback-give"),
    path("catalogue/", views.catalogue_list, name="catalogue"),
    path("catalogue/<uuid:uuid>/", views.catalogue_item, name="catalogue-item"),
    path("catalogue/<uuid:uuid>/adopt/", console_views.item_adopt, name="item-adopt"),
    path("catalogue/<uuid:uuid>/new-event/", console_views.event_create, name="event-create"),
    path("events/<uuid:uuid>/console/", console_views.console, name="console"),
    path("events/<uuid:uuid>/check-in/", console_views.check_in, name="check-in"),
    path("events/<uuid:uuid>/console/people/", people_views.people_add, name="people-add"),
    path("events/<uuid:uuid>/console/scan/", checkin_views.scanner, name="scanner"),
    path("events/<uuid:uuid>/console/scan/sw.js", checkin_views.scanner_sw, name="scanner-sw"),
    path("events/<uuid:uuid>/console/sheet/", checkin_views.sheet, name="sheet"),
    path("events/<uuid:uuid>/console/sheet.pdf", checkin_views.sheet_pdf, name="sheet-pdf"),
    path("events/<uuid:uuid>/console/close/", checkin_views.close, name="checkin-close"),
    path("events/<uuid:uuid>/publish/", console_views.publish, name="publish"),
    path("events/<uuid:uuid>/cancel/", console_views.cancel, name="event-cancel"),
    path("events/<uuid:uuid>/capacity/", console_views.capacity, name="capacity"),
    path("events/<uuid:uuid>/poster.png", views.poster, name="poster"),
    path("events/<uuid:uuid>/message/", console_views.message_send, name="message-send"),
    path(
        "events/<uuid:uuid>/organiser-feed/rotate/",
        console_views.organiser_feed_rotate,
        name="organiser-feed-rotate",
    ),
    path("feeds/organiser/<str:token>.ics", feeds.organiser_feed, name="organiser-feed"),
    path("sign-ups/<uuid:uuid>/mark/", console_views.mark, name="signup-mark"),
    path("figures/organisers/", console_views.organiser_figures, name="organiser-figures"),
    path("proposals/", proposal_views.proposal_list, name="proposal-list"),
    path("proposals/new/", proposal_views.proposal_create, name="proposal-create"),
    path("proposals/queue/", proposal_views.proposal_queue, name="proposal-queue"),
    path("proposals/<uuid:uuid>/", proposal_views.proposal_detail, name="proposal-detail"),
    path("proposals/<uuid:uuid>/accept/", proposal_views.proposal_accept, name="proposal-accept"),
    path(
        "proposals/<uuid:uuid>/decline/", proposal_views.proposal_decline, name="proposal-decline"
    ),
]
