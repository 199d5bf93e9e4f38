"""Our own Presidio recognizers, one per file, each with its reasons in its docstring.

Two groups: the person rules read only letters (and where digits are), so the
scrubber runs them on the digit-masked text and caches their spans with NER's;
every other rule reads the real text each time.
"""

from presidio_analyzer import EntityRecognizer

from scrubbers.vocabulary import Vocabulary

from scrubbers.recognizers._budget import TimeBudget
from scrubbers.recognizers._regex import RegexRecognizer
from scrubbers.recognizers.amount import AmountRecognizer
from scrubbers.recognizers.api_key import ApiKeyRecognizer
from scrubbers.recognizers.bank_account import BankAccountRecognizer
from scrubbers.recognizers.base64_blob import Base64BlobRecognizer
from scrubbers.recognizers.bearer_token import BearerTokenRecognizer
from scrubbers.recognizers.credit_card import PaymentCardRecognizer
from scrubbers.recognizers.email import OfflineEmailRecognizer
from scrubbers.recognizers.high_entropy import HighEntropyTokenRecognizer
from scrubbers.recognizers.iban import IbanChecksumRecognizer
from scrubbers.recognizers.in_aadhaar import AadhaarRecognizer
from scrubbers.recognizers.in_gstin import GstinRecognizer
from scrubbers.recognizers.in_pan import PanRecognizer
from scrubbers.recognizers.in_phone import IndiaPhoneRecognizer
from scrubbers.recognizers.in_upi import UpiIdRecognizer
from scrubbers.recognizers.ip_address import IpAddressRecognizer
from scrubbers.recognizers.jwt import JwtRecognizer
from scrubbers.recognizers.machine_name import MachineNameRecognizer
from scrubbers.recognizers.ke_national_id import KenyaNationalIdRecognizer
from scrubbers.recognizers.ke_phone import KenyaPhoneRecognizer
from scrubbers.recognizers.kra_pin import KraPinRecognizer
from scrubbers.recognizers.mpesa_code import MpesaCodeRecognizer
from scrubbers.recognizers.mpesa_till import MpesaTillRecognizer
from scrubbers.recognizers.pem_block import PemBlockRecognizer
from scrubbers.recognizers.postal_address import PostalAddressRecognizer
from scrubbers.recognizers.product import ProductRecognizer
from scrubbers.recognizers.person_gazetteer import PersonGazetteerRecognizer
from scrubbers.recognizers.person_role import PersonRoleRecognizer
from scrubbers.recognizers.quoted_text import QuotedTextRecognizer
from scrubbers.recognizers.route_id import RouteIdRecognizer
from scrubbers.recognizers.secret_key_value import SecretKeyValueRecognizer
from scrubbers.recognizers.sql_values import SqlValueRecognizer
from scrubbers.recognizers.uk_nino import NationalInsuranceNumberRecognizer
from scrubbers.recognizers.uk_phone import UkPhoneRecognizer
from scrubbers.recognizers.unknown_word import UnknownWordRecognizer
from scrubbers.recognizers.url_credentials import UrlCredentialsRecognizer
from scrubbers.recognizers.user_path import UserPathRecognizer
from scrubbers.recognizers.user_value_keys import UserValueKeyRecognizer


def _budgeted(recognizers: list[RegexRecognizer], budget: TimeBudget | None) -> list[RegexRecognizer]:
    if budget is not None:
        for recognizer in recognizers:
            recognizer.budget = budget
    return recognizers


def all_recognizers(budget: TimeBudget | None = None, vocabulary: Vocabulary | None = None) -> list[EntityRecognizer]:
    """A fresh instance of every recognizer that reads the real text."""
    vocabulary = vocabulary or Vocabulary()
    return _budgeted(
        [
            AmountRecognizer(),
            ApiKeyRecognizer(),
            BankAccountRecognizer(),
            Base64BlobRecognizer(),
            BearerTokenRecognizer(),
            PaymentCardRecognizer(),
            OfflineEmailRecognizer(),
            HighEntropyTokenRecognizer(),
            IbanChecksumRecognizer(),
            AadhaarRecognizer(),
            GstinRecognizer(),
            PanRecognizer(),
            UpiIdRecognizer(),
            ProductRecognizer(vocabulary.is_common),
            IndiaPhoneRecognizer(),
            IpAddressRecognizer(),
            JwtRecognizer(),
            MachineNameRecognizer(vocabulary.is_very_common),
            KenyaNationalIdRecognizer(),
            KenyaPhoneRecognizer(),
            KraPinRecognizer(),
            MpesaCodeRecognizer(),
            MpesaTillRecognizer(),
            PemBlockRecognizer(),
            PostalAddressRecognizer(),
            QuotedTextRecognizer(),
            RouteIdRecognizer(),
            SecretKeyValueRecognizer(),
            SqlValueRecognizer(),
            NationalInsuranceNumberRecognizer(),
            UkPhoneRecognizer(),
            UrlCredentialsRecognizer(),
            UserPathRecognizer(),
            UserValueKeyRecognizer(vocabulary),
            UnknownWordRecognizer(vocabulary),
        ],
        budget,
    )


def person_recognizers(budget: TimeBudget | None = None, vocabulary: Vocabulary | None = None) -> list[RegexRecognizer]:
    """A fresh instance of every person rule; they may run on digit-masked text."""
    return _budgeted([PersonGazetteerRecognizer(), PersonRoleRecognizer(vocabulary or Vocabulary())], budget)


__all__ = ["TimeBudget", "all_recognizers", "person_recognizers"]

# Presidio's registry loader finds recognizer classes by name among all
# subclasses of EntityRecognizer in the process, so ours must never share a
# name with one of Presidio's (an ``EmailRecognizer`` here would replace
# Presidio's in any default AnalyzerEngine built in the same process).
