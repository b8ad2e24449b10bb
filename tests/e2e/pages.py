"""Every public page type, by a name used in test ids and screenshot file names.

Pages that other parts of the site add (search, case-study filters) join the list when their
URL answers; `public_pages` leaves out any that the live site does not serve yet, so the list
is the single place to grow.
"""

PUBLIC_PAGES = {
    "home": "/",
    "content-page": "/about/",
    "accessibility-statement": "/accessibility/",
    "exchange-index": "/exchanges/",
    "exchange-page": "/exchanges/driving-accelerated-transformation/",
    "exchange-page-past": "/exchanges/reinventing-local-public-services/",
    "case-study-index": "/case-studies/",
    "case-study-index-filtered": "/case-studies/?change_level=transformational&nation=scotland",
    "case-study-page": "/case-studies/clackmannanshire-be-the-future/",
    "login": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
    "not-found": "/no-such-page/",
}
