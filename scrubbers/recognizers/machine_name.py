"""Computer names built from a person's name: ``GRACE-PC``, ``Wanjiru-Laptop``, ``Marys-iPhone``.

Windows 7 named a new computer after its first account (``<USERNAME>-PC``), and
people name laptops and phones after themselves; macOS and iOS default to
"Mary's MacBook Pro", which becomes the host name ``Marys-MacBook-Pro``. Print
spoolers, file shares and sync logs carry these names. Only the name part is
replaced (``<PERSON>-PC``), and not when it is one of the commonest English
words (``OFFICE-PC``, ``RECEPTION-PC``, ``ADMIN-PC``), a role or device word,
or code-shaped (``POS10-PC``). Score 0.7.
"""

from __future__ import annotations

from collections.abc import Callable

from scrubbers.recognizers._regex import RegexRecognizer

# A default or self-chosen device suffix, in any case.
_DEVICE = r"(?i:pc|laptop|notebook|macbook(?:-pro|-air)?|imac|iphone|ipad)"
# The whole word before the suffix, a possessive "s" included ("Marys"): it is the owner's name either way;
# a site or company prefix may come first ("OMX-WANJIRU-LAPTOP").
MACHINE_NAME = r"(?<![\w.-])(?:[A-Za-z0-9]{2,8}-)?(?P<value>\p{L}[\p{L}'’]{1,24})-" + _DEVICE + r"(?![\w])"
# Words that name a place, a role or a device, not its owner ("TILL-PC", "POS-PC", "HR-LAPTOP").
_NOT_OWNERS = frozenset(
    "admin administrator user owner guest office reception front back till pos cashier server home my this "
    "shop store branch stock warehouse hr finance accounts sales pharmacy kiosk spare test demo lab "
    "windows desktop laptop new old main".split()
)
# The commonest words are places and roles far more often than owners ("OFFICE-PC", "COUNTER-PC").
OWNER_WORD_DEPTH = 3_000


class MachineNameRecognizer(RegexRecognizer):
    def __init__(self, is_very_common: Callable[[str, int], bool]):
        super().__init__("PERSON", [MACHINE_NAME], score=0.7, precheck=r"-" + _DEVICE)
        self._is_very_common = is_very_common

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [
            (start, end)
            for start, end in super().spans(text)
            if text[start:end].casefold() not in _NOT_OWNERS and not self._is_very_common(text[start:end], OWNER_WORD_DEPTH)
        ]
