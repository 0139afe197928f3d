"""Questionnaire definitions as data (TOML), their loader and validator."""

from .loader import FORMAT, QuestionnaireError, load_file, parse
from .model import OCCASIONS, About, Choice, Item, Questionnaire, Scale, Step, Text
from .registry import Registry

__all__ = [
    "FORMAT",
    "OCCASIONS",
    "About",
    "Choice",
    "Item",
    "Questionnaire",
    "QuestionnaireError",
    "Registry",
    "Scale",
    "Step",
    "Text",
    "load_file",
    "parse",
]
