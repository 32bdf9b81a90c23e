"""The clue pages under /clues/."""

from django.urls import path

from taizhang.clues.views import detail, files, imports, ledger, register, steps

app_name = "clues"
urlpatterns = [
    path("", ledger.clue_list, name="list"),
    path("export.xlsx", ledger.export_xlsx, name="export"),
    path("new/", register.register, name="register"),
    path("new/subject-row/", register.subject_row, name="subject_row"),
    path("assign-people/", steps.assign_people, name="assign_people"),
    path("import/", imports.upload, name="import"),
    path("import/<int:pk>/", imports.job, name="import_job"),
    path("import/<int:pk>/status/", imports.job_status, name="import_status"),
    path("<int:pk>/", detail.clue_detail, name="detail"),
    path("<int:pk>/edit/", register.edit, name="edit"),
    path("<int:pk>/triage/", steps.triage, name="triage"),
    path("<int:pk>/assign/", steps.assign, name="assign"),
    path("<int:pk>/reassign/", steps.reassign, name="reassign"),
    path("<int:pk>/report/", steps.report, name="report"),
    path("<int:pk>/finding/", steps.finding, name="finding"),
    path("<int:pk>/sign/", steps.sign, name="sign"),
    path("<int:pk>/review/", steps.review, name="review"),
    path("<int:pk>/transfer/", steps.transfer, name="transfer"),
    path("<int:pk>/answer/", steps.answer, name="answer"),
    path("<int:pk>/outcome/", steps.outcome, name="outcome"),
    path("<int:pk>/conclude/", steps.conclude, name="conclude"),
    path("<int:pk>/reopen/", steps.reopen, name="reopen"),
    path("<int:pk>/link/", steps.link, name="link"),
    path("<int:pk>/merge/", steps.merge, name="merge"),
    path("<int:pk>/recuse/", steps.recuse, name="recuse"),
    path("<int:pk>/attach/", files.attach, name="attach"),
    path("attachments/<int:pk>/", files.download, name="attachment"),
    path("transfers/<int:pk>/letter.docx", files.letter, name="letter"),
]
