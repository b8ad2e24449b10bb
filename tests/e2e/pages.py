"""Every public page type, by a name used in failure messages and screenshot file names.

The one list the accessibility, HTML and reflow checks share: a new page type joins here.
"""

PUBLIC_PAGES = {
    "home": "/",
    "content-page": "/about/",
    "accessibility-statement": "/accessibility/",
    "exchange-index": "/exchanges/",
    "exchange-page": "/exchanges/driving-accelerated-transformation/",
    "exchange-page-past": "/exchanges/reinventing-local-public-services/",
    "case-study-index": "/case-studies/",
    "case-study-index-filtered": "/case-studies/?change=transformational&nation=scotland&q=council",
    "case-study-page": "/case-studies/clackmannanshire-be-the-future/",
    "login": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
    "search-results": "/search/?q=council",
    "not-found": "/no-such-page/",
}
