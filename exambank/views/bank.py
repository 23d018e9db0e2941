"""Bringing questions in and out of the bank: import, export, the spreadsheet template."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext

from ..formats import QuestionImportError
from ..importing import FORMATS, export_questions, import_questions
from ..models import Category
from ..policies import category_policy, question_policy


@login_required
def import_view(request):
    if not request.user.has_perm("exambank.add_question"):
        raise PermissionDenied
    # Import only into categories the user may change (their school's; the area's for area admins).
    categories = category_policy.for_user(request.user, "change")
    errors: list[str] = []
    if request.method == "POST":
        category = get_object_or_404(categories, pk=request.POST.get("category"))
        upload = request.FILES.get("file")
        fmt = request.POST.get("format", "gift")
        if upload is None or fmt not in FORMATS:
            errors = [gettext("Choose a file and a format.")]
        else:
            try:
                created = import_questions(upload.name, upload.read(), fmt, category, request.user)
                messages.success(
                    request,
                    ngettext(
                        "Imported %(count)d question.",
                        "Imported %(count)d questions.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
                return redirect("exambank:import")
            except QuestionImportError as exc:
                errors = [e.format(exc.filename) for e in exc.errors]
    return render(
        request,
        "exambank/import.html",
        {"categories": categories, "formats": FORMATS, "errors": errors},
    )


@login_required
def export_view(request, pk: int, fmt: str):
    category = category_policy.get_or_404(request.user, "view", pk=pk)
    if not request.user.has_perm("exambank.view_question"):
        raise PermissionDenied
    ids, frontier = [category.pk], [category.pk]
    while frontier:  # the category and everything below it
        frontier = list(Category.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        ids += frontier
    questions = question_policy.for_user(request.user, "view").filter(category__in=ids)
    questions = questions.select_related("category")
    questions = questions.order_by("category_id", "pk")
    if fmt not in {"gift", "aiken", "xml"}:
        raise PermissionDenied
    export = export_questions(questions, fmt, category)
    ext = {"gift": "gift.txt", "aiken": "aiken.txt", "xml": "xml"}[fmt]
    filename = f"questions-{category.pk}.{ext}"
    if not export.skipped:
        response = HttpResponse(export.text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # Some questions do not fit the format: the rest still export, and a report
    # file inside the same download lists what was left out and why.
    messages.warning(
        request,
        ngettext(
            "%(count)d question was left out: %(format)s cannot hold it",
            "%(count)d questions were left out: %(format)s cannot hold them",
            len(export.skipped),
        )
        % {"count": len(export.skipped), "format": FORMATS[fmt]},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename, export.text)
        archive.writestr("skipped-questions.txt", export.report(fmt))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="questions-{category.pk}-{fmt}.zip"'
    return response


def sheet_template(request):
    from .formats.sheet import template_csv

    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="question-template.csv"'
    return response
