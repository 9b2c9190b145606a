"""URLs of Neighbour Spaces: the pages and feeds, then the use figures and renewal records."""

import datetime as dt

from django.urls import path, register_converter

from silin.spaces import booking_views, feeds, figures_views, renewal_views, views


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:  # 2026-02-30 matches the pattern but is no date: 404
            raise ValueError(value) from exc

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "spaces"
urlpatterns = [
    path("", views.space_list, name="space-list"),
    path("bookings/mine/", views.booking_mine, name="booking-mine"),
    path("bookings/mine/feed/rotate/", views.feed_rotate, name="feed-rotate"),
    path("bookings/<uuid:uuid>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<uuid:uuid>/approve/", booking_views.booking_approve, name="booking-approve"),
    path("bookings/<uuid:uuid>/reject/", booking_views.booking_reject, name="booking-reject"),
    path("bookings/<uuid:uuid>/check-in/", views.booking_check_in, name="booking-check-in"),
    path("approvals/", booking_views.approval_queue, name="approval-queue"),
    path("waitlist/<uuid:uuid>/claim/", views.waitlist_claim, name="waitlist-claim"),
    path("waitlist/<uuid:uuid>/withdraw/", views.waitlist_withdraw, name="waitlist-withdraw"),
    path("check-in/<str:token>/", views.check_in, name="check-in"),
    path("feeds/space/<str:token>.ics", feeds.space_feed, name="space-feed"),
    path("feeds/me/<str:token>.ics", feeds.personal_feed, name="my-feed"),
    # One space
    path("<uuid:uuid>/", views.space_detail, name="space-detail"),
    path("<uuid:uuid>/calendar/", views.space_calendar, name="space-calendar"),
    path("<uuid:uuid>/book/", booking_views.booking_create, name="booking-create"),
    path("<uuid:uuid>/book/series/", booking_views.series_create, name="series-create"),
    path("<uuid:uuid>/book/on-behalf/", booking_views.book_on_behalf, name="book-on-behalf"),
    path("<uuid:uuid>/book/on-behalf/search/", booking_views.behalf_search, name="behalf-search"),
    path("<uuid:uuid>/waitlist/", booking_views.waitlist_join, name="waitlist-join"),
    path("<uuid:uuid>/day/<isodate:day>/", views.day_sheet, name="day-sheet"),
    path("<uuid:uuid>/qr/", views.space_qr, name="space-qr"),
    path("<uuid:uuid>/qr.png", views.space_qr_png, name="space-qr-png"),
    path("<uuid:uuid>/qr/rotate/", views.space_rotate_token, name="space-rotate-token"),
]

# Use figures and renewal records (S3).
urlpatterns += [
    path("figures/", figures_views.street_figures, name="figures"),
    path("<uuid:uuid>/figures/", figures_views.space_figures, name="space-figures"),
    path("renewals/", renewal_views.renewal_list, name="renewal-list"),
    path("renewals/new/", renewal_views.renewal_create, name="renewal-create"),
    path("renewals/<uuid:uuid>/", renewal_views.renewal_detail, name="renewal-detail"),
    path("renewals/<uuid:uuid>/edit/", renewal_views.renewal_edit, name="renewal-edit"),
    path("renewals/<uuid:uuid>/open/", renewal_views.renewal_open, name="renewal-open"),
]
