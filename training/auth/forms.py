from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError


def email_field(label: str = "Email") -> EmailField:
    """An email field that must hold a plausible address (a new account's login)."""
    return EmailField(
        label,
        validators=[
            DataRequired(message="Enter an email address."),
            Email(message="Enter an email address like name@example.org."),
            Length(max=254),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


def strong_enough(form: FlaskForm, field: PasswordField) -> None:
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(f"Use at least {minimum} characters. A short sentence works well.")
    email = getattr(form, "email_for_check", None) or ""
    if email and field.data.lower() == email.lower():
        raise ValidationError("Your password can't be your email address.")


class NewPasswordMixin:
    new_password = PasswordField("New password", validators=[strong_enough])
    confirm = PasswordField(
        "Type the new password again",
        validators=[EqualTo("new_password", message="The two passwords don't match.")],
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(message="Enter your current password.")]
    )
    submit = SubmitField("Change password")


class RegisterForm(NewPasswordMixin, FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired(message="Enter your name."), Length(max=120)],
        description="As you would like it shown to your supervisors and on your certificate.",
    )
    email = email_field()
    submit = SubmitField("Create my account")


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField("Set my new password")
