"""Postal addresses: the parts of one that point at a household or a box.

A delivery error, a courier's 422 or a customer record echoes the address a
customer typed. A city alone identifies nobody; these parts narrow it to a few
doors, so they are ``<ADDRESS>`` wherever they stand:

- UK postcodes in Royal Mail's format (outward code, space, inward code:
  ``SN1 2AB``, ``W1A 1AA``; without the space only right after "postcode");
- Kenyan postal boxes with their postal code (``P.O. Box 12345-00100``);
- US "City, ST 12345" lines, with the ZIP+4 and a trailing country;
- a street line with its house number (``12 High Street``, ``4B Moi Avenue``).

Score 0.7: each shape is specific, and a street type or a box word says what it is.
"""

from __future__ import annotations

from scrubbers.recognizers._regex import RegexRecognizer

# Royal Mail: A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA (inward letters never C I K M O V).
_OUTWARD = r"(?:[A-PR-UWYZ](?:\d[\dA-HJKPSTUW]?|[A-HK-Y]\d[\dABEHMNPRVWXY]?))"
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"
UK_POSTCODE = r"(?<![\w-])" + _OUTWARD + r"[ ]" + _INWARD + r"(?![\w-])"
UK_POSTCODE_AFTER_WORD = r"(?i:post[ ]?code)[\s:=\"']{1,4}(?P<value>(?i:" + _OUTWARD + r"[ ]?" + _INWARD + r"))(?![\w-])"
KE_POSTAL_BOX = r"(?i)(?<![\p{L}])P\.?[ ]?O\.?[ ]?Box[ ]?\d{1,6}(?:[ ]?-[ ]?\d{5})?(?!\d)"
US_CITY_STATE_ZIP = (
    r"(?<![\w-])[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2},[ ][A-Z]{2},?[ ]\d{5}(?:-\d{4})?(?:,?[ ](?:US|USA|United States))?(?![\w-])"
)
_STREET_TYPE = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Place|Pl|Gardens|Court|Ct|Terrace|"
    r"Highway|Hwy|Boulevard|Blvd|Grove|Mews|Row|Square|Sq|Marg)"
)
STREET_LINE = r"(?<![\w.-])\d{1,5}[A-Za-z]?,?[ ](?:[A-Z][a-z'’-]+[ ]){1,3}" + _STREET_TYPE + r"\b\.?"


# One scan for what every match holds (an inward code, the word postcode or box, a state and ZIP, a street
# type) spares the five patterns on the many texts with none.
_PRECHECK = r"\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z])|(?i:post[ ]?code|p\.?[ ]?o\.?[ ]?box)|[A-Z]{2},?[ ]\d{5}|[a-z][ ]" + _STREET_TYPE + r"\b"


class PostalAddressRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__(
            "ADDRESS",
            [UK_POSTCODE, UK_POSTCODE_AFTER_WORD, KE_POSTAL_BOX, US_CITY_STATE_ZIP, STREET_LINE],
            score=0.7,
            precheck=_PRECHECK,
        )
