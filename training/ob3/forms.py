"""The forms of the portable credential's pages: a holder binds their credential to their
wallet's DID (``holder_views``), and anyone checks a credential by pasting it or choosing its
file (``verify_views``).

A DID is checked for its shape only (``did:key:z…`` or ``did:web:host…``,
``certificates.ob3.credential.is_did``): nothing is looked up, so a wallet's DID works even where
its host cannot be reached from here, and nothing proves it is the holder's. The pasted text and the
file have limits of their own, said on the page: a credential of this program is a few
kilobytes, so anything near the limit is not one.
"""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from certificates.ob3.credential import HOLDER_DID_METHODS, is_did
from training import limits
from training.forms import Form
from training.validators import at_most

#: the longest DID a holder may give (``open_badge.subject_did`` holds as many characters)
DID_LENGTH = 200
#: the most text a verifier may paste: 200 KB (a credential of this program is about 5 KB)
PASTE_CHARACTERS = 200_000
#: the largest credential file (.json or baked .png) a verifier may choose
FILE_BYTES = 2 * 1024 * 1024

DID_EXAMPLE = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
DID_MESSAGE = (
    "This is not a DID we can use. Copy it from your wallet: it starts with did:key: or "
    f"did:web:, for example {DID_EXAMPLE}."
)


def did_syntax(form: Any, field: Any) -> None:
    if field.data and not is_did(field.data, HOLDER_DID_METHODS):
        raise ValidationError(DID_MESSAGE)


class DidForm(Form):
    did = StringField(
        "Your wallet's DID",
        validators=[
            DataRequired("Enter your wallet's DID, as your wallet shows it."),
            at_most(DID_LENGTH),
            did_syntax,
        ],
        description=f"It starts with did:key: or did:web:, for example {DID_EXAMPLE}.",
    )
    submit = SubmitField("Make a credential for this DID")


class PastedText(TextAreaField):
    """A textarea of a form that also takes a file: a file sent in its place (not something a
    browser does) is an error in words, not text."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not isinstance(valuelist[0], str):
            self.data = ""
            raise ValueError(
                "This box takes pasted text. To send a file, use the file button above it."
            )
        super().process_formdata(valuelist)


class TypedEmail(EmailField):
    """An email box of a form that also takes a file: a file sent in its place (not something a
    browser does) is an error in words, not an address."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not isinstance(valuelist[0], str):
            self.data = ""
            raise ValueError("This box takes an email address, not a file.")
        super().process_formdata(valuelist)


class CheckCredentialForm(Form):
    """The file first (what a verifier was usually given), then the box to paste into."""

    file = FileField(
        "Choose the file you were given (.json or .png)",
        render_kw={"accept": ".json,.jsonld,.png,application/json,application/ld+json,image/png"},
        description=(
            "The credential's .json file, or its badge image (.png) with the credential inside; "
            "at most 2 MB."
        ),
    )
    credential = PastedText(
        "Or paste its text",
        validators=[
            Length(
                max=PASTE_CHARACTERS,
                message=(
                    f"A pasted credential can be at most {PASTE_CHARACTERS:,} characters "
                    "(200 KB). A credential from this program is far shorter: please check that "
                    "you copied only the credential."
                ),
            )
        ],
        description="Open the .json file in a text editor and copy all of it.",
        render_kw={"rows": 8, "spellcheck": "false"},
    )
    email = TypedEmail(
        "Holder's email (optional)",
        validators=[at_most(limits.EMAIL)],
        description=(
            "If you know the email address the holder uses with the program, type it: we check "
            "that it matches the credential. We don't keep it."
        ),
    )
    submit = SubmitField("Check this credential")
