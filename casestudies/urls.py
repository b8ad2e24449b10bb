from django.urls import path

from . import views
from .feeds import CaseStudyAtomFeed, CaseStudyRssFeed

app_name = "casestudies"

urlpatterns = [
    path("submissions/", views.my_submissions, name="my_submissions"),
    path("submissions/new/", views.submit, name="submit"),
    path("feeds/case-studies.rss", CaseStudyRssFeed(), name="feed_rss"),
    path("feeds/case-studies.atom", CaseStudyAtomFeed(), name="feed_atom"),
]
