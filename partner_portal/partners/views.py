from django.shortcuts import render

from .access import audience_for
from .home import render_home_cards


def portal_home(request):
    """The partner home: a welcome for visitors, the registered cards for users."""
    context = {"audience": audience_for(request.user)}
    if request.user.is_authenticated:
        context["cards"] = render_home_cards(request)
    return render(request, "portal/home.html", context)
