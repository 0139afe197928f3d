from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[DataRequired(_l("Skriv din e-post.")),
                                                 Length(max=254)])
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(_l("Skriv ditt lösenord.")),
                                                         Length(max=200)])


class UnlockForm(FlaskForm):
    password = PasswordField(_l("Handledarens lösenord"),
                             validators=[DataRequired(_l("Skriv ditt lösenord.")),
                                         Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(_l("Engångskod (6 siffror)"),
                       validators=[DataRequired(_l("Skriv koden från din app.")),
                                   Length(max=20)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Nuvarande lösenord"),
                            validators=[DataRequired(_l("Skriv ditt lösenord.")), Length(max=200)])
    new = PasswordField(_l("Nytt lösenord (minst 10 tecken)"),
                        validators=[DataRequired(_l("Skriv ett lösenord.")), Length(max=200)])
    repeat = PasswordField(_l("Nytt lösenord igen"),
                           validators=[DataRequired(_l("Skriv ett lösenord.")), Length(max=200)])
