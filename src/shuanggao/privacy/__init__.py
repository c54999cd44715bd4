"""A person's rights over their personal information (PIPL 44–47; checklist PI-05, PI-06).

- ``service.personal_data``: everything the platform holds about the signed-in person (account,
  consent records, sign-in sessions, API tokens, supply items they are responsible for, practice
  projects they are the student of, the audit rows of their own actions, and through ``held`` their
  conflict declarations, pipeline collaborations and steps, event registrations and meetings,
  practice milestones/reports/meetings/scores, resident records, and through ``roles`` the rows
  they wrote acting for others), downloaded as JSON or xlsx (``export``).
- ``service.anonymise``: deletion at the person's request. Personal fields are replaced,
  rows stay so the programme's counts hold; the account can no longer sign in; ``held.clear``
  replaces the names and free text the person wrote in the workflow domains with "（已匿名）",
  ``roles.clear`` does the same where they acted for others (mentor scores and comments,
  committee decisions, meeting minutes, event check-ins and outcomes, match judgements, triage
  moves, report steps, import jobs) while the scores and decisions stay; anonymised residents
  get a per-row name (``held.resident_pseudonym``) so the resident unique key cannot collide;
  the raw audit rows about the person lose their name and text
  (``audit.service.erase_subject``) and show a pseudonym (a keyed hash of the account id,
  ``pseudonym``) while the hash chain still verifies.
- ``retention.run``: residents whose stay ended longer ago than ``Settings.retention_resident_days``
  are anonymised, and practice projects decided longer ago than
  ``Settings.retention_practice_days`` lose their free text (``shuanggao privacy retention
  [--dry-run]``).
- ``rehash.rehash_phones``: back-fills the phone blind index of rows written before it existed
  (``shuanggao privacy rehash-phones``; idempotent).

The package sits with ``backup`` and ``demo`` above every domain, because it reads all of them.
"""
