"""The registration form offers a council admin every colleague it was given."""

from events.forms import MYSELF, RegistrationForm


def test_council_admin_sees_each_colleague_as_a_choice(exchange, council_admin, member):
    colleague = member.memberships.get()
    form = RegistrationForm(exchange=exchange, colleagues=[colleague])
    html = form["person"].as_widget()
    assert 'type="radio"' in html
    assert f'value="{MYSELF}"' in html
    assert f'value="{member.pk}"' in html
