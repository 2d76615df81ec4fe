"""The form of the page for making classes: the class's name and the school's class-making key.

The key is a PasswordField, so the page never writes it back into its HTML, not even after a wrong
try; the name is kept, so a teacher who mistyped the key types only the key again.
"""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .registry import NAME_CHARS


def _squeezed(text: str | None) -> str | None:
    """The name as the registry keeps it: spaces at the ends dropped, runs of them made one."""
    return " ".join(text.split()) if isinstance(text, str) else text


class NewClassForm(FlaskForm):
    """Make a class: its name (as ``flask class create NAME`` takes it) and the class-making key."""

    name = StringField(
        "Class name",
        filters=[_squeezed],
        validators=[
            DataRequired('Type a name for the class, for example "Period 3".'),
            Length(max=NAME_CHARS, message=f"A class's name is at most {NAME_CHARS} characters."),
        ],
        description='The name its pages show, for example "Period 3".',
    )
    class_key = PasswordField(
        "Class-making key",
        validators=[DataRequired("Type the school's class-making key: whoever runs this server has it.")],
        description="The school's key for making classes: whoever runs this server has it.",
    )
