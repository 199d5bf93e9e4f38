"""Our own Presidio recognizers, one per file, each with its reasons in its docstring."""

from presidio_analyzer import EntityRecognizer

from scrubbers.recognizers.email import EmailRecognizer
from scrubbers.recognizers.ke_phone import KenyaPhoneRecognizer
from scrubbers.recognizers.kra_pin import KraPinRecognizer
from scrubbers.recognizers.mpesa_till import MpesaTillRecognizer
from scrubbers.recognizers.person_role import PersonRoleRecognizer


def all_recognizers() -> list[EntityRecognizer]:
    """A fresh instance of every recognizer of ours."""
    return [
        EmailRecognizer(),
        KenyaPhoneRecognizer(),
        KraPinRecognizer(),
        MpesaTillRecognizer(),
        PersonRoleRecognizer(),
    ]


__all__ = ["all_recognizers"]
