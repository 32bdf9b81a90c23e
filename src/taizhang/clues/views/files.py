"""Attachments (upload, download that streams the file and logs the read) and the transfer letter (.docx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.clues import actions
from taizhang.clues.forms import AttachmentForm
from taizhang.clues.letters import transfer_letter
from taizhang.clues.models import Attachment, Clue, Transfer
from taizhang.clues.views.common import back_to, show_error, visible_clue
from taizhang.core import audit, files
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.org.actors import acting


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one file to the clue (size limit enforced while streaming to disk)."""
    clue = visible_clue(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        refuse(request, _("请选择要上传的文件。"))
        return back_to(clue.pk, "step-attach")
    upload = form.cleaned_data["file"]
    try:
        actions.do_add_attachment(
            clue.pk,
            actor=acting(request),
            name=upload.name or "",
            content_type=upload.content_type or "",
            chunks=upload.chunks(),
        )
    except ActionError as exc:
        show_error(request, exc)
        return back_to(clue.pk, "step-attach")
    messages.success(request, _("附件已上传。"))
    return back_to(clue.pk)


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream an attachment of a clue the person may see; every read is written to the audit log."""
    visible = Clue.objects.visible_to(request.user).values("pk")
    attachment = get_object_or_404(Attachment.objects.select_related("clue"), pk=pk, clue__in=visible)
    try:
        handle = files.open_file(attachment.storage_path)
    except (ActionError, OSError) as exc:
        raise Http404() from exc
    audit.record(
        "clue.attachment_read",
        actor=request.user,
        obj=attachment.clue,
        after={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The transfer letter (移送函) generated from the record, as .docx."""
    visible = Clue.objects.visible_to(request.user).values("pk")
    transfer = get_object_or_404(
        Transfer.objects.select_related("clue__office", "clue__responsible_unit", "receiver_unit", "sent_by"),
        pk=pk,
        clue__in=visible,
    )
    content = transfer_letter(transfer)
    audit.record("clue.letter", actor=request.user, obj=transfer.clue, after={"transfer": transfer.pk})
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = (
        content_disposition_header(True, f"移送函-{transfer.clue.number}.docx") or ""
    )
    return response
