from django.db import migrations


def add_default_wording(apps, schema_editor):
    # The built-in wording, so editors find every kind in the admin ready to adjust.
    from messaging.kinds import PRERENDERED_KINDS, RULES

    MessageWording = apps.get_model("messaging", "MessageWording")
    for kind, rules in RULES.items():
        if kind in PRERENDERED_KINDS:
            continue  # written elsewhere, not by editors
        MessageWording.objects.get_or_create(
            kind=kind, defaults={"subject": rules.subject, "intro": rules.intro}
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(add_default_wording, migrations.RunPython.noop)]
