import wagtail_factories

from .models import ContentPage, HomePage


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "The Innovation Club"
    slug = "home"
    intro = "Councils sharing what works."


class ContentPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ContentPage

    title = "About the club"
    summary = "What the club is for."
    body = wagtail_factories.StreamFieldFactory({"paragraph": wagtail_factories.CharBlockFactory})
