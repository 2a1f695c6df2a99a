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
#: an exam's name as a lead records its result, e.g. "NCPRSS examination"
EXAM_NAME = 200
#: an exam's score as the board reports it, e.g. "612 scaled"
EXAM_SCORE = 60
#: a supervisor's comment on one competency of a competency evaluation
EVALUATION_COMMENT = REASON
#: a supervisor's overall comment on a competency evaluation
EVALUATION_OVERALL = 4_000
#: an uploaded file's name as kept and offered again on download, e.g. "certificate.pdf"
FILE_NAME = 200
#: who gave a course taken elsewhere, and the course's title (outside training and CE)
PROVIDER = 200
COURSE_TITLE = 200
#: a password (long passphrases are welcome; hashing a megabyte is not)
PASSWORD = 1_000
#: a search box or a certificate code typed into a form
SEARCH = 200
#: a lead's short reason for withdrawing a confirmation ("Confirmed by mistake"): never the
#: details of a document or of anyone's history
CONFIRMATION_WITHDRAW_REASON = 300
#: any one value in a query string (the guard in ``training.input_checks`` refuses longer)
QUERY_VALUE = 2_000
#: a live training event's title, e.g. "Ethics and boundaries workshop"
EVENT_TITLE = 200
#: where or how a live training event takes place, e.g. "Room 2, Main St" or "Video call"
EVENT_LOCATION = 200
#: an email's subject line, written by the app (a program's name and a few words)
MAIL_SUBJECT = 200
