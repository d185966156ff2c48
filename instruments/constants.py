"""The fixed vocabularies of the library: phases and kinds of instrument.

They are code, not data: the phase walk-throughs and templates are written for
exactly these four phases, and a new kind needs a label in both languages.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    STARTEN = "starten", _("Starting")
    ONTWERPEN = "ontwerpen", _("Designing")
    UITVOEREN = "uitvoeren", _("Carrying out")
    VERDUURZAMEN = "verduurzamen", _("Sustaining")


PHASE_ORDER = [phase.value for phase in Phase]

PHASE_QUESTIONS = {
    Phase.STARTEN: _(
        "Which challenge brings you together, who needs to be on board, and are the partners "
        "ready to act?"
    ),
    Phase.ONTWERPEN: _(
        "How will the community be organised: its building blocks, roles, facilitation, "
        "agreements and the learning environment?"
    ),
    Phase.UITVOEREN: _(
        "How do you work, learn and innovate together week by week, in orientation, action "
        "sprints and evaluation?"
    ),
    Phase.VERDUURZAMEN: _(
        "How do you secure what was learned, keep the community going and grow its impact?"
    ),
}


class Kind(models.TextChoices):
    CANVAS = "canvas", _("Canvas")
    CHECKLIST = "checklist", _("Checklist")
    WERKVORM = "werkvorm", _("Work form")
    MODEL = "model", _("Model")
    VRAGENLIJST = "vragenlijst", _("Questionnaire")
    PROFIEL = "profiel", _("Profile")
    APP = "app", _("App")
    HANDREIKING = "handreiking", _("Guide")
    OVERZICHT = "overzicht", _("Overview")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class HelixRole(models.TextChoices):
    BUSINESS = "business", _("Business")
    EDUCATION = "education", _("Education and research")
    GOVERNMENT = "government", _("Government")
    CITIZENS = "citizens", _("Citizens and civil society")


# Display names for the sector codes of the shared library; unknown codes get a name
# derived from the code when they are first imported.
KNOWN_SECTORS = {
    "algemeen": ("Algemeen", "General"),
    "energie": ("Energie", "Energy"),
    "ict": ("ICT", "ICT"),
    "installatietechniek": ("Installatietechniek", "Installation engineering"),
    "logistiek": ("Logistiek", "Logistics"),
    "maakindustrie": ("Maakindustrie", "Manufacturing"),
    "onderwijs": ("Onderwijs", "Education"),
    "tuinbouw": ("Tuinbouw", "Horticulture"),
    "water": ("Water", "Water"),
    "zorg-welzijn": ("Zorg en welzijn", "Care and welfare"),
}

KNOWN_AUDIENCES = {
    "facilitator": "facilitator",
    "consortiumleider": "consortium lead",
    "deelnemer": "participant",
    "onderzoeker": "researcher",
    "beleidsmaker": "policy maker",
    "stuurgroep": "steering group",
    "projectleider": "project lead",
    "management": "management",
    "ontwerper": "designer",
    "docent": "teacher",
    "opleider van facilitators": "trainer of facilitators",
    "programmamanager": "programme manager",
    "ontwikkelaar van learning communities": "developer of learning communities",
    "platformbeheerder": "platform manager",
    "werkgever": "employer",
    "webber": "Webber",
}

# "When to use" is free text without a database limit; longer is a paste error, not a
# situation. The edit form and the library importer both enforce it.
WHEN_TO_USE_MAX_LENGTH = 2000
