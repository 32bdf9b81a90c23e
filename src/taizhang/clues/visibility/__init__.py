"""Who sees which clue: the rule, the forms derived from it, and which form answers each question.

- rule.py: the rule (`clue_q`, behind `Clue.objects.visible_to(user)`), its one-clue form (`clue_q(one=True)`,
  behind `Clue.objects.visible_one(user, pk)`), for whom each derived table states it exactly
  (`handled_answers`, `tally_answers`), and `form_for`, the one choice of form for a question;
- handled.py: HandledClue, each member unit's own copy of the clues given to it, kept by triggers;
- tally.py: the clue tally, counts by office, unit, 保护伞 flag and month, kept by triggers;
- answers.py: the questions pages ask (`page_of`, `visible_status_counts`, `period_keys`), each answered by the
  form `form_for` chose.

Pages, panels, exports, search and the API ask here (or read `Clue.objects.visible_to(user)`); no other module
states the rule. tests/clues/test_one_rule.py holds every form equal to the live rule for every persona.
Kept free of imports at package level: clues/models.py imports rule.py.
"""
