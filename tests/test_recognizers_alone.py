"""Each recognizer file on its own: what it must find and what it must leave, with no other rule to hide behind."""

from __future__ import annotations

import pytest

from scrubbers.recognizers.amount import AmountRecognizer
from scrubbers.recognizers.base64_blob import Base64BlobRecognizer
from scrubbers.recognizers.bearer_token import BearerTokenRecognizer
from scrubbers.recognizers.high_entropy import HighEntropyTokenRecognizer
from scrubbers.recognizers.iban import IbanChecksumRecognizer
from scrubbers.recognizers.in_aadhaar import AadhaarRecognizer
from scrubbers.recognizers.in_gstin import GstinRecognizer
from scrubbers.recognizers.in_pan import PanRecognizer
from scrubbers.recognizers.in_upi import UpiIdRecognizer
from scrubbers.recognizers.ip_address import IpAddressRecognizer
from scrubbers.recognizers.mpesa_code import MpesaCodeRecognizer
from scrubbers.recognizers.person_role import PersonRoleRecognizer
from scrubbers.recognizers.product import ProductRecognizer
from scrubbers.recognizers.quoted_text import QuotedTextRecognizer
from scrubbers.recognizers.route_id import RouteIdRecognizer
from scrubbers.recognizers.secret_key_value import SecretKeyValueRecognizer
from scrubbers.recognizers.sql_values import SqlValueRecognizer
from scrubbers.recognizers.unknown_word import UnknownWordRecognizer
from scrubbers.recognizers.user_path import UserPathRecognizer
from scrubbers.recognizers.user_value_keys import UserValueKeyRecognizer
from scrubbers.vocabulary import Vocabulary

VOCABULARY = Vocabulary()

# (recognizer factory, text, the exact substrings it must report)
CASES = {
    "amount": (AmountRecognizer, [
        ("STK push for KES 1,250.00 failed", ["1,250.00"]),
        ("Ksh 500 short", ["500"]),
        ("KShs.200 paid", ["200"]),
        ("change 500/= due", ["500"]),
        ("refund ₹1,25,000 pending", ["1,25,000"]),
        ("Rs. 499 charged", ["499"]),
        ("INR 2500 and 20 EUR", ["2500", "20"]),
        ("£12.99 and US$ 20 and €30", ["12.99", "20", "30"]),
        ('{"Amount": 1, "TransAmount": "250.00"}', ["1", "250.00"]),
        ('{"Name":"Amount","Value":1.00}, "amount_refunded": 0', ["1.00", "0"]),
        ("balance=-40 total=4500.50", ["-40", "4500.50"]),
        ("at retrofit2.KotlinExtensions$await$2$2.onResponse", []),
        ("hash $2y$10$abcdefghijklmnopqrstuv", []),
        ("retry 3 times, KES rate missing", []),
    ]),
    "product": (lambda: ProductRecognizer(VOCABULARY.is_common), [
        ("Dosage is required for Dettol 500ml", ["Dettol 500ml"]),
        ("Ketepa Pride 100 bags out of stock", ["Ketepa Pride 100 bags"]),
        ("Dispensed Amoxicillin 500mg capsules to patient", ["Amoxicillin 500mg capsules"]),
        ("stock for paracetamol is negative", ["paracetamol"]),
        ("timeout after 500ms", []),
        ("Add 2 items failed", []),
        ("sync took 5s on 3 tills", []),
    ]),
    "in_pan": (PanRecognizer, [
        ("PAN ABCPK1234F mismatch", ["ABCPK1234F"]),
        ("company AAACB1234C filed", ["AAACB1234C"]),
        ("M-Pesa code QGH7X8Y9Z0 ok", []),  # fourth letter is not a holder type
        ("ABCPK1234FX too long", []),
    ]),
    "in_gstin": (GstinRecognizer, [
        ("GSTIN 27AAPFU0939F1ZV rejected", ["27AAPFU0939F1ZV"]),
        ("29AAGCB7383J1Z4 inactive", ["29AAGCB7383J1Z4"]),
        ("27AAPFU0939F1ZW checksum fails", []),
    ]),
    "in_upi": (UpiIdRecognizer, [
        ("collect to priya.sharma@okaxis timed out", ["priya.sharma@okaxis"]),
        ("VPA 9876543210@ybl invalid", ["9876543210@ybl"]),
        ("upi id: shop@mybank rejected", ["shop@mybank"]),
        ("mail a@b.com bounced", []),
        ("postgres://weasyl@weasyl/db refused", []),
        ("import from @prisma/client", []),
    ]),
    "in_aadhaar": (AadhaarRecognizer, [
        ("aadhaar 2345 6789 0124 mismatch", ["2345 6789 0124"]),
        ("ref 2345 6789 0123", []),  # Verhoeff fails
    ]),
    "ip_address": (IpAddressRecognizer, [
        ("login from 41.90.12.7 blocked", ["41.90.12.7"]),
        ("session from 2c0f:fa18:a20:6c::1 rejected", ["2c0f:fa18:a20:6c::1"]),
        ("connect 127.0.0.1:5432 refused; 10.0.2.2; 172.16.4.1; 192.168.1.20; 169.254.1.1", []),
        ("listen [::1]:5000 and fe80::1 and fd12:3456::1 and 0.0.0.0", []),
        ("docs 192.0.2.10 and 2001:db8::5", []),
        ("Omnix 5.3.1.150 failed", []),
    ]),
    "iban": (IbanChecksumRecognizer, [
        ("IBAN DE89370400440532013000 closed", ["DE89370400440532013000"]),
        ("IBAN: DE89370400440532013001 invalid", ["DE89370400440532013001"]),  # mistyped, after the word
        ("ref DE89370400440532013001 unknown", []),  # mistyped and no word: not known to be an IBAN
    ]),
    "mpesa_code": (MpesaCodeRecognizer, [
        ("Duplicate receipt QGH7X8Y9Z0 ignored", ["QGH7X8Y9Z0"]),
        ("M-Pesa receipt S123456789 not found", ["S123456789"]),
        ("ECONNRESET BADPAYLOAD QGH7X8Y9Z0A", []),
    ]),
    "bearer_token": (BearerTokenRecognizer, [
        ("Authorization: Bearer abcdefgh12345678", ["abcdefgh12345678"]),
        ("Authorization: Token 9f8e7d6c5b4a3928", ["9f8e7d6c5b4a3928"]),
        ("authorization: Digest username=x, response=6629fae49393a05397450978507c4ef1", ["username=x, response=6629fae49393a05397450978507c4ef1"]),
        ("WWW-Authenticate: Basic realm", []),
    ]),
    "base64_blob": (Base64BlobRecognizer, [
        ("payload eyJuIjogIkFubiJ9 rejected", ["eyJuIjogIkFubiJ9"]),  # {"n": "Ann"}
        ("body bmFtZT1XYW5qaXJ1JnBob25lPTA3MTI= bad", ["bmFtZT1XYW5qaXJ1JnBob25lPTA3MTI="]),  # name=Wanjiru&phone=0712
        ("at SqliteExceptionHandlerFactory and NullReferenceException", []),
        ("commit adb9793829ddae60adb9793829ddae60", []),
    ]),
    "high_entropy": (HighEntropyTokenRecognizer, [
        ("hash $2y$10$fqR3jo93sN2rS3GVb9/dregTAryhnnn0mFZHha. stored", ["$2y$10$fqR3jo93sN2rS3GVb9/dregTAryhnnn0mFZHha."]),
        ("cookie MTU:1ryotT:OL4yi9ZahCtvCNZUrPEKuYqnGvYYZW6XT12Rke5LqzI expired", ["MTU:1ryotT:OL4yi9ZahCtvCNZUrPEKuYqnGvYYZW6XT12Rke5LqzI"]),
        ("creds dGVzdDp0ZXN0MTIzNDU2Nzg5MA== rejected", ["dGVzdDp0ZXN0MTIzNDU2Nzg5MA=="]),
        ("at Microsoft.EntityFrameworkCore.Update.AffectedCountModificationCommandBatch", []),
        ("commit adb9793829ddae60adb9793829ddae60 and pi_d7cc4074fbba7cf87e96d89e", []),
        ("at 2024-06-11T10:42:05.123Z:abc", []),
    ]),
    "secret_key_value": (SecretKeyValueRecognizer, [
        ('{"ConsumerSecret": "Zx81kq"}', ["Zx81kq"]),
        ('passcode:  Paginas99.', ["Paginas99."]),
        ('{"SecurityCredential":"lAqo9GH"}', ["lAqo9GH"]),
        ("Invalid token: jwt malformed", []),
    ]),
    "sql_values": (SqlValueRecognizer, [
        ("The duplicate key value is (Olive).", ["Olive"]),
        ("Duplicate entry 'jane@example.com' for key 'users.email'", ["jane@example.com"]),
        ("Executed DbCommand [Parameters=[@p0='Mary Jones' (Size = 4000), @p1='5']]", ["Mary Jones"]),
        ("[SQL: INSERT INTO t VALUES (?, ?)] [parameters: ('Mary Jones', 3)]", ["Mary Jones"]),
        ("DETAIL: Failing row contains (7, Wanjiru, null).", ["7, Wanjiru, null"]),  # the whole row
        ("(SQL: insert into `t` (`id`, `name`) values (1, Wanjiru Kamau))", ["1, Wanjiru Kamau"]),
        ('invalid input syntax for type bigint: "0712345678x"', ["0712345678x"]),
        ("The input string '10-10' was not in a correct format.", ["10-10"]),
        ("select * from `word_categories` where `slug` = 'kedokteran-hewan' limit 1", ["kedokteran-hewan"]),
        ("Cannot insert duplicate key in object 'dbo.Customer'", []),
    ]),
    "quoted_text": (QuotedTextRecognizer, [
        ("You entered 'wanjiru kamau' which is invalid", ["wanjiru kamau"]),
        ("note 'deliver after 5pm' too long", ["deliver after 5pm"]),
        ("KeyError: 'order_id'", []),
    ]),
    "route_id": (RouteIdRecognizer, [
        ("GET /api/users/wanjiru.kamau/orders 404", ["wanjiru.kamau"]),
        ("https://shop.example.co.uk/u/peter?x=1 failed", ["peter"]),
        ("GET /users/me/orders", []),
        ("/api/v1/customers/{id} 500", []),
        ("File site-packages/django/contrib/auth/views.py", []),
    ]),
    "user_path": (UserPathRecognizer, [
        (r"open C:\Users\wanjiru\AppData\x", ["wanjiru"]),
        ("log at home/wanjiru/app.log", ["wanjiru"]),
        ("cd ~wanjiru/app", ["wanjiru"]),
        ("/usr/home", []),
    ]),
    "person_role": (lambda: PersonRoleRecognizer(VOCABULARY), [
        ("cashier mary wambui closed the drawer", ["mary wambui"]),
        ("SERVED BY: MATT", ["MATT"]),
        ("Hi Priya, sorry for the wait", ["Priya"]),
        ("signed off by Annabel at terminal 3", ["Annabel"]),
        ("Njeri's shift could not be closed", ["Njeri"]),
        ("Achieng (customer) wrote", ["Achieng"]),
        ("cashier closed the drawer", []),
        ("customer ID 1234 not found; user postgres denied; set by default", []),
        ("Today's report", []),
        # Two words after a role, neither among the commonest, are a given name and a surname.
        ("approved by carol wilkins but dispatcher josh sharp is inactive", ["carol wilkins", "josh sharp"]),
        ("user profile not found; user session expired", []),
        # A greeting or "my name is" is context enough for any word but the commonest.
        ("Thanks Maria! hi maxwell, can you retry", ["Maria", "maxwell"]),
        ("hi my name is suman karan and my parcel", ["suman karan"]),
        ("Hi team, thanks all", []),
        ("BILL TO : HAYDEN RHODES", ["HAYDEN RHODES"]),
    ]),
    "user_value_keys": (UserValueKeyRecognizer, [
        ('{"teller":"Norman Skinner","batch":"0f68"}', ["Norman Skinner"]),
        ('from_agent="Niall Foley" to_agent="Brooke Mccann" wait=5.7s', ["Niall Foley", "Brooke Mccann"]),
        ("PATCH /approvals/1?approver=earl.fuller&action=approve", ["earl.fuller"]),
        ("search?contact=Elle+Higgins&state=27", ["Elle+Higgins"]),
        ("qty=-12 user=wendy_parkin reason=x", ["wendy_parkin"]),
        ("approvers=[Dora Kyeiwaa, Francesca Prempeh] chain broken", ["[Dora Kyeiwaa, Francesca Prempeh]"]),
        ("connect user=postgres owner=admin display=none", []),
    ]),
    "unknown_word": (lambda: UnknownWordRecognizer(VOCABULARY), [
        ("Sale failed for Wanjiru", ["Wanjiru"]),
        ("passcode Paginas99 rejected", ["Paginas"]),
        (r"\\FS01\Staff\Chepkoech\Payslips", ["Chepkoech"]),
        ("https://peterkiptalam.co.ke/api callback", ["peterkiptalam"]),
        ("dotted Thai นส.กมลชนก", ["นส", "กมลชนก"]),
        ("login wanjiru.kamau and otieno_njeru from CHEPKOECH-PC as KiptooKorir", ["wanjiru", "kamau", "otieno", "njeru", "CHEPKOECH", "KiptooKorir"]),
        ("django.db and ux_shift_slot and SQLITE_READONLY and kombu.exceptions in Program.cs", []),
        ("Barcode 6161234567894 not found", ["6161234567894"]),
        ("System.NullReferenceException at Omnix.Sales.SaleForm.Save() in SaleForm.cs:line 214", []),
        ("SQLITE_BUSY after 1500ms; ECONNRESET; DBNOTFOUND; SIGSEGV; E11000; 0xcfde00; PGRST116", []),
        ("Kafka offset 505277951765 at line 123456 on port 543210", []),
        ("site-packages/sqlalchemy/engine/base.py and node_modules/@prisma/client", []),
        ("App\\Http\\Middleware\\Authenticate::handle", []),
        ("Payment failed: insufficient funds; hitilafu ya mteja: salio la huduma", []),
        # A folder named by a handle, and a document named with hyphens, have their pieces judged.
        ("open '/srv/media/receipts/jean.hammond/GRN-1.pdf'", ["jean", "hammond"]),
        ("denied: '/data/exports/2025-01/elena-villegas-report.xlsx'", ["elena", "villegas"]),
        ("/srv/static/app.bundle/main.js and /var/lib/user.settings/x", []),
    ]),
}  # fmt: skip


@pytest.mark.parametrize(
    ("factory", "text", "expected"),
    [pytest.param(factory, text, expected, id=f"{name}:{text[:40]}") for name, (factory, cases) in CASES.items()
     for text, expected in cases],
)  # fmt: skip
def test_recognizer_alone_reports_exactly_these_values(factory, text, expected):
    recognizer = factory()
    spans = recognizer.entity_spans(text) if hasattr(recognizer, "entity_spans") else recognizer.spans(text)
    found = sorted({text[span[0] : span[1]] for span in spans})
    assert found == sorted(set(expected))


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (r"C:\Payroll\2024\Chepkoech_Kiptoo_payslip.pdf locked", ["Chepkoech", "Kiptoo"]),
        ("export_chepkoech_kiptoo.csv failed", ["chepkoech", "kiptoo"]),
        ("assignee=chepkoech.kiptoo rejected", ["chepkoech", "kiptoo"]),
    ],
)
def test_files_people_name_and_field_values_have_their_pieces_judged(text, gone):
    recognizer = UnknownWordRecognizer(VOCABULARY)
    found = {text[s:e] for s, e, _ in recognizer.entity_spans(text)}
    assert set(gone) <= found
    assert not found & {"pdf", "csv", "export", "locked", "rejected"}
