"""Every page type the project defines has a factory, so tests can build any part of the tree."""

import importlib

from wagtail.models import get_page_models

PROJECT_APPS = ("home", "events", "casestudies", "club")


def _factory_models() -> set[type]:
    models = set()
    for app in PROJECT_APPS:
        try:
            module = importlib.import_module(f"{app}.factories")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            meta = getattr(value, "_meta", None)
            model = getattr(meta, "model", None)
            if model is not None and hasattr(value, "create"):
                models.add(model)
    return models


def test_every_page_type_has_a_factory():
    project_pages = {m for m in get_page_models() if m._meta.app_label in PROJECT_APPS}
    assert project_pages, "no project page types found"
    missing = sorted(m.__name__ for m in project_pages - _factory_models())
    assert missing == [], f"page types without a factory: {missing}"
