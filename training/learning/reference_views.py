"""Reference pages beside the courses: the glossary, and each course's facilitator's guide.

Anyone signed in may read the glossary (modules link to it). A facilitator's guide is for the
people who run live sessions, program leads and supervisors; trainees get a 403, since role-play
scripts lose their use when the trainee playing the peer has read the other part.
"""

from __future__ import annotations

from flask import abort, render_template
from flask_login import login_required

from training import content
from training.auth import role_required
from training.learning import bp
from training.models import Role


@bp.route("/glossary")
@login_required
def glossary():  # type: ignore[no-untyped-def]
    terms = content.store().glossary.terms
    letters = sorted({t.term[0].upper() for t in terms})
    return render_template("learning/glossary.html", terms=terms, letters=letters)


@bp.route("/<course_id>/guide/facilitator")
@role_required(Role.LEAD, Role.SUPERVISOR)
def facilitator_guide(course_id: str):  # type: ignore[no-untyped-def]
    course = content.course_or_404(course_id)
    guide = course.facilitator_guide
    if guide is None:
        abort(404)
    return render_template(
        "learning/facilitator.html",
        course=course,
        guide=guide,
        html=content.store().guide_html(course),
    )
