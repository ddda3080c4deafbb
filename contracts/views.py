from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def contract_list(request):
    return render(request, "contracts/contract_list.html")
