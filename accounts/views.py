"""Pages of the accounts app: log in, log out, and the home page after login."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import selectors


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def home(request):
    memberships = selectors.me_memberships(user=request.user)
    return render(request, "accounts/home.html", {"memberships": memberships})
