"""Routing to an index page's children in one query."""

from django.http import HttpRequest


class OneQueryChildRouting:
    """Page mixin for an index whose children are all of one page type (its `subpage_types`).

    Wagtail's routing reads the generic child page and then its specific row: two queries. A
    child is fetched here as its own type in one; anything else is routed as Wagtail does.
    """

    def route(self, request: HttpRequest, path_components: list[str]):
        child_models = self.allowed_subpage_models()
        if path_components and len(child_models) == 1:
            child_model = child_models[0]
            child = child_model.objects.child_of(self).filter(slug=path_components[0]).first()
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)
