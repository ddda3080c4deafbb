from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def thread_list(request):
    return render(request, "messaging/thread_list.html")
