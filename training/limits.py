"""How long each kind of text may be: one place for the forms (``Length`` validators and the
``maxlength`` they render), the models (``String(n)`` columns) and the migration's CHECK
constraints, so a form, the database and the page never disagree.

PostgreSQL enforces ``VARCHAR(n)``; SQLite ignores it, so every limited column also has a named
CHECK constraint ``length(col) <= n`` (``training.models.length_checks``).
"""

from __future__ import annotations

#: a person's name, as shown to supervisors and printed on a certificate; a cohort's name
NAME = 120
#: an email address (RFC 5321's limit for a whole address)
EMAIL = 254
#: a supervisor's qualification, e.g. "Certified Peer Recovery Specialist, licence 12345"
CREDENTIAL = 200
#: what someone writes as a reason or a comment: revoking, voiding, returning an entry
REASON = 2_000
#: a trainee's notes on one hours entry
NOTES = 4_000
#: an entry's comment for the trainee: a supervisor's comment, or "Sign-off voided: " and a
#: lead's reason
RETURN_COMMENT = REASON + 100
#: an audit event's comment, written by the app from a reason, names or codes
AUDIT_COMMENT = REASON + 200
#: a trainee's written response to a practice exercise
PRACTICE_RESPONSE = 4_000
#: a supervisor's feedback on a practice response
PRACTICE_FEEDBACK = REASON
#: a password (long passphrases are welcome; hashing a megabyte is not)
PASSWORD = 1_000
#: a search box or a certificate code typed into a form
SEARCH = 200
#: any one value in a query string (the guard in ``training.input_checks`` refuses longer)
QUERY_VALUE = 2_000
