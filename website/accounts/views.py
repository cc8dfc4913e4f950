from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def overview(request):
    """ "My account": the signed-in person's home, linking to what they own."""
    return render(request, "accounts/overview.html")
