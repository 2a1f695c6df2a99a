from __future__ import annotations

from flask import current_app
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, ValidationError

from training import limits
from training.auth.password_strength import password_problem
from training.forms import Form
from training.validators import at_most


def email_field(label: str = "Email") -> EmailField:
    """An email field that must hold a plausible address (a new account's login)."""
    return EmailField(
        label,
        validators=[
            DataRequired(message="Enter an email address."),
            Email(message="Enter an email address like name@example.org."),
            at_most(limits.EMAIL),
        ],
    )


class LoginForm(Form):
    email = EmailField(
        "Email",
        validators=[DataRequired(message="Enter your email address."), at_most(limits.EMAIL)],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Enter your password."), at_most(limits.PASSWORD)],
    )
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


def strong_enough(form: Form, field: PasswordField) -> None:
    """NIST SP 800-63B's rules (``password_strength``), with the person's email and name."""
    personal = (getattr(form, "email_for_check", None) or "", getattr(form, "name_for_check", ""))
    if problem := password_problem(
        field.data or "",
        current_app.config["MIN_PASSWORD_LENGTH"],
        personal=personal,
        context=(current_app.config["PROGRAM_NAME"],),
    ):
        raise ValidationError(problem)


class NewPasswordMixin:
    new_password = PasswordField(
        "New password", validators=[at_most(limits.PASSWORD), strong_enough]
    )
    confirm = PasswordField(
        "Type the new password again",
        validators=[
            EqualTo("new_password", message="The two passwords don't match."),
            at_most(limits.PASSWORD),
        ],
    )


class ChangePasswordForm(NewPasswordMixin, Form):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(message="Enter your current password."), at_most(limits.PASSWORD)],
    )
    submit = SubmitField("Change password")


class RegisterForm(NewPasswordMixin, Form):
    name = StringField(
        "Your name",
        validators=[DataRequired(message="Enter your name."), at_most(limits.NAME)],
        description="As you would like it shown to your supervisors and on your certificate.",
    )
    email = email_field()
    submit = SubmitField("Create my account")


class ResetPasswordForm(NewPasswordMixin, Form):
    submit = SubmitField("Set my new password")
