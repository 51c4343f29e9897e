"""No lost work when a session expires while someone is typing.

A form posted without a valid session is not thrown away: its fields are kept in the new
(anonymous) session under the page's path and the person is sent to log in. Django keeps
session data across log-in, so when the page is shown again after log-in the form is filled
with what was typed, with a note to check it and save again. The form's version field comes
back too, so a save that has meanwhile become stale still ends in a conflict, not an overwrite.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login

SESSION_KEY = "tertial_stashed_forms"


def login_required_keep_post(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            stashed = request.session.get(SESSION_KEY, {})
            stashed[request.path] = {
                key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"
            }
            request.session[SESSION_KEY] = stashed
            return redirect_to_login(request.path)
        return redirect_to_login(request.get_full_path())

    return wrapper


def take_stashed(request) -> dict | None:
    """The form data kept for this page when the session had expired, once."""
    stashed = request.session.get(SESSION_KEY)
    if not stashed or request.path not in stashed:
        return None
    data = stashed.pop(request.path)
    request.session[SESSION_KEY] = stashed
    return data
