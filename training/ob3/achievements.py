"""What an Open Badges credential says about the issuer and the track: the issuer's profile,
and each track's Achievement (served alone at ``/achievements/<track>`` and embedded, the same,
in every credential of that track).

The Achievement is the same for every holder. Its description is the track's
``credential_description``, written in the third person for whoever checks the credential (the
track's ``summary`` speaks to the trainee, and reads wrongly inside a credential). Its criteria
are the track's rules in plain words, one a line, each built from the track file, so changing a
number there changes the sentence. What one holder completed is the credential's evidence
(``certificates.ob3.credential``).

Alignment: the platform's four competency domains are those of IC&RC's Peer Recovery credential
(``courses.domains``), and each track lists the training hours it asks in them, so each track's
Achievement aligns to the domains it asks hours in. OB 3.0 asks each alignment for a
``targetUrl``: IC&RC's public page of the Peer Recovery credential's standards, which names the
four domains. Each says, in ``targetDescription``, that IC&RC did not review this training; the
platform's own domain ids are not sent (``targetCode`` would suggest they are IC&RC's codes).

Nothing private goes in: the signed statements are counted, never named (a title such as
"Lived-experience statement" would say something about every holder's health history).
"""

from __future__ import annotations

from flask import current_app

from certificates.ob3.contexts import CREDENTIAL_CONTEXT
from certificates.ob3.credential import Alignment, Issuer, achievement
from certificates.tracks import Track
from courses.domains import DOMAINS, domain_name
from training import content
from training.urls import public_url

#: the competency framework the platform's domains come from (``courses.domains``)
FRAMEWORK = "IC&RC Peer Recovery (PR) performance domains"
#: IC&RC's public page of the Peer Recovery credential's standards, naming the four domains
FRAMEWORK_URL = "https://internationalcredentialing.org/icrc-credentials/pr"
#: what an alignment means, and what it does not
ALIGNMENT_NOTE = (
    "A training domain as IC&RC names it. This does not mean IC&RC reviewed or approved this "
    "training."
)


def issuer() -> Issuer:
    """The program as the issuer of every credential: its id is the issuer document's URL."""
    config = current_app.config
    return Issuer(
        id=public_url("ob3.issuer"),
        name=config["PROGRAM_NAME"],
        url=public_url("main.home"),
        email=config.get("MAIL_REPLY_TO") or None,
    )


def achievement_url(track_id: str) -> str:
    return public_url("ob3.achievement", track_id=track_id)


def image_url(track_id: str) -> str:
    return public_url("ob3.achievement_image", track_id=track_id)


def track(track_id: str) -> Track | None:
    return content.store().tracks.track(track_id)


def description(track: Track | None, title: str) -> str:
    """What the certificate certifies, for an employer: the track's ``credential_description``
    (never its ``summary``, which speaks to the trainee)."""
    if track is not None and track.credential_description:
        return track.credential_description
    return f"{current_app.config['PROGRAM_NAME']}'s own training certificate: {title}."


def criteria(track: Track | None) -> str:
    """The track's requirements, one plain sentence a line, each built from the track file."""
    if track is None:
        return "The requirements of this training track, as they stood when it was issued."
    lines = []
    if track.courses:
        count = len(track.courses)
        lines.append(
            f"Complete {_count(count, 'self-paced online course')} (reading, practice exercises "
            f"and a quiz in {'each' if count != 1 else 'it'})."
        )
    lines += _training_lines(track)
    lines += _practice_lines(track)
    if track.exam is not None:
        lines.append(
            f"Pass the program's own exam, the {track.exam.name}; it is not a certification "
            "board's exam."
        )
    if track.evaluation is not None:
        rule = track.evaluation
        rating = f' at least "{rule.min_rating}"' if rule.min_index > 0 else ""
        lines.append(
            f"A supervisor observed the holder's work and rated them{rating} in each of "
            f"{_count(len(rule.competencies), 'competency', 'competencies')}."
        )
    if track.attestations:
        count = len(track.attestations)
        ethics = track.attestation_by_id("code-of-ethics") is not None
        if count == 1:
            lines.append(
                "Sign the program's code of ethics." if ethics else "Sign the program's statement."
            )
        else:
            including = ", including the program's code of ethics" if ethics else ""
            lines.append(f"Sign {count} statements{including}.")
    lines.append(_validity(track))
    return "\n".join(lines)


def _training_lines(track: Track) -> list[str]:
    asked = ", ".join(f"{domain_name(d)} {h:g}" for d, h in track.training_hours.items() if h)
    total = track.training.total_hours
    lines = []
    if total:
        lines.append(
            f"{_hours(total)} of training in all" + (f", with at least: {asked}." if asked else ".")
        )
    elif asked:
        lines.append(
            f"At least {_count(sum(track.training_hours.values()), 'training hour')}: {asked}."
        )
    live = track.training.live_min_percent
    if live:
        share = "half" if live == 50 else f"{live:g} percent"
        lines.append(f"At least {share} of it at live training sessions.")
    return lines


def _practice_lines(track: Track) -> list[str]:
    lines = []
    practice = track.hours.practice_minutes / 60
    direct = track.experience.direct_service_hours
    if practice:
        if direct and direct >= practice:
            work = f"{_hours(practice)} of direct peer support work"
        elif direct:
            work = (
                f"{_hours(practice)} of peer support work, at least {_hours(direct)} of it in "
                "direct service"
            )
        else:
            work = f"{_hours(practice)} of paid or volunteer peer support work"
        lines.append(f"{work}, signed off by a supervisor.")
    if track.hours.supervision_minutes:
        group = track.experience.group_supervision_max_percent
        if group <= 0:
            how = "individual"
        elif group >= 100:
            how = "individual and group"
        else:
            share = "half" if group == 50 else f"{group:g} percent"
            how = f"individual and group, at most {share} of it in a group"
        lines.append(f"{_hours(track.hours.supervision_minutes / 60)} of supervision ({how}).")
    return lines


def _validity(track: Track) -> str:
    """How long it is valid, and what renewing takes (``[renewal]``)."""
    months = track.validity_months
    period = _count(months // 12, "year") if months % 12 == 0 else _count(months, "month")
    renewal, steps = track.renewal, []
    if renewal.courses:
        titles = [_course_title(c) for c in renewal.courses]
        steps.append(f"complete {_count(len(titles), 'course')} again ({'; '.join(titles)})")
    ce = renewal.continuing_education
    if ce.hours:
        within = ", ".join(f"{h:g} in {domain_name(d)}" for d, h in ce.by_domain.items() if h)
        steps.append(
            f"complete {_hours(ce.hours)} of continuing education"
            + (f" ({within})" if within else "")
        )
    if renewal.attestation and track.attestations:
        count = len(track.attestations)
        ethics = track.attestation_by_id("code-of-ethics") is not None
        signed = "the code of ethics" if count == 1 and ethics else "the statements"
        steps.append(f"sign {signed} again")
    if not steps:
        return f"Valid for {period}."
    joined = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " and " + steps[-1]
    return f"Valid for {period}. To renew: {joined}."


def _course_title(course_id: str) -> str:
    course = content.library().course(course_id)
    return course.title if course is not None else course_id


def _count(number: float, singular: str, plural: str | None = None) -> str:
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:g} {word}"


def alignments(track: Track | None) -> tuple[Alignment, ...]:
    asked = track.training_hours if track is not None else {}
    return tuple(
        Alignment(
            name=DOMAINS[d], framework=FRAMEWORK, url=FRAMEWORK_URL, description=ALIGNMENT_NOTE
        )
        for d in DOMAINS
        if asked.get(d)
    )


def achievement_of(track_id: str, title: str) -> dict:
    """The Achievement of ``track_id`` (its content now; ``title`` if the track is gone)."""
    found = track(track_id)
    return achievement(
        achievement_id=achievement_url(track_id),
        issuer=issuer(),
        track_title=found.title if found is not None else title,
        description=description(found, title),
        criteria=criteria(found),
        alignments=alignments(found),
        image_url=image_url(track_id),
    )


def document(track: Track) -> dict:
    """The Achievement served alone, with the contexts that define its terms."""
    return {"@context": list(CREDENTIAL_CONTEXT), **achievement_of(track.id, track.title)}


def _hours(hours: float) -> str:
    return f"{hours:g} hour" + ("" if hours == 1 else "s")
