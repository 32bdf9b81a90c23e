"""Every change to a clue's life: one `do_<verb>_<noun>` per step, atomic, checked against CLUE_STEPS, audited
(split by what the step concerns; import them from here)."""

from taizhang.clues.actions.assignment import (
    do_assign_clue,
    do_file_stage_report,
    do_reassign_clue,
    do_recuse_unit,
    do_withdraw_assignment,
)
from taizhang.clues.actions.common import AUDITED_FIELDS, EDITABLE_FIELDS, ReporterData, SubjectData
from taizhang.clues.actions.findings import do_record_finding, do_review_finding, do_sign_finding
from taizhang.clues.actions.outcomes import (
    do_add_attachment,
    do_conclude_clue,
    do_link_clues,
    do_merge_clue,
    do_reopen_clue,
)
from taizhang.clues.actions.registration import do_edit_clue, do_register_clue, do_triage_clue
from taizhang.clues.actions.transfers import do_answer_transfer, do_record_transfer_outcome, do_transfer_clue

__all__ = [
    "AUDITED_FIELDS",
    "EDITABLE_FIELDS",
    "ReporterData",
    "SubjectData",
    "do_add_attachment",
    "do_answer_transfer",
    "do_assign_clue",
    "do_conclude_clue",
    "do_edit_clue",
    "do_file_stage_report",
    "do_link_clues",
    "do_merge_clue",
    "do_reassign_clue",
    "do_record_finding",
    "do_record_transfer_outcome",
    "do_recuse_unit",
    "do_register_clue",
    "do_reopen_clue",
    "do_review_finding",
    "do_sign_finding",
    "do_transfer_clue",
    "do_triage_clue",
    "do_withdraw_assignment",
]
