"""Staff pages of background work (filled in by issue 7)."""

from django.http import HttpResponse


def task_list(request):
    return HttpResponse(status=501)
