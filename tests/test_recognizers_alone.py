"""Each recognizer file on its own: what it must find and what it must leave, with no other rule to hide behind."""

from __future__ import annotations

import pkgutil

import pytest

from scrubbers import recognizers
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
from scrubbers.recognizers.person_filters import is_handle, looks_like_code
from scrubbers.recognizers.person_gazetteer import PersonGazetteerRecognizer
from scrubbers.recognizers.person_role import PersonRoleRecognizer
from scrubbers.recognizers.product import ProductRecognizer
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
from scrubbers.vocabulary import Vocabulary

VOCABULARY = Vocabulary()
# Modules under scrubbers/recognizers/ that hold shared helpers, not a recognizer.
HELPER_MODULES = {"person_filters"}


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
        ("Hydrocortisone 1% cream dispensed", ["Hydrocortisone 1% cream"]),
        ("Discount exceeds 30% of the total", []),
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
        ('"CallBackURL": "https://7cb2-196-108-161-29.ngrok.io/v1/cb"', ["196-108-161-29"]),
        ("ip-10-0-0-1.ec2.internal and build 1-2-3-4.tar", []),
        ("session from 2c0f:fa18:a20:6c::1 rejected", ["2c0f:fa18:a20:6c::1"]),
        ("connect 127.0.0.1:5432 refused; 10.0.2.2; 172.16.4.1; 192.168.1.20; 169.254.1.1", []),
        ("listen [::1]:5000 and fe80::1 and fd12:3456::1 and 0.0.0.0", []),
        ("docs 192.0.2.10 and 2001:db8::5", []),
        ("Omnix 5.3.1.150 failed", []),
        # ::/8 is never assigned ("::1:5432" is Node's [::1]:5432); an IPv4-mapped address is its IPv4 one.
        ("connect ECONNREFUSED ::1:5432", []),
        ("session from ::ffff:2948:c07 rejected", ["::ffff:2948:c07"]),
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
        ("POST http://shop.localhost:19080/accounts/confirm-email/MTU:1ryotT:OL4yi9ZahCtvCNZUrPEKuYqnGvYYZW6XT12Rke5LqzI/",
         ["MTU:1ryotT:OL4yi9ZahCtvCNZUrPEKuYqnGvYYZW6XT12Rke5LqzI"]),
        ("https://s3.eu-west-2.amazonaws.com/tracker-shots/86339/7baa5f72d39245f0.png", []),
        # Symbols made of words, Swift's mangled names and source positions are code; random runs are not.
        ("libobjc.A.dylib`CALLING_SOME_+initialize_METHOD + 19 and 0x56c6594 $Ss15EmptyCollectionVyxGSTsWa + 21", []),
        ("    Instabug/Logging/IBGDALService.m:51:17 __44", []),
        ("tok aB3xQ9_zT7pLm2-Kd8RwYv4N and $s9xQ7pLm2Kd8RwYv4NzT3", ["aB3xQ9_zT7pLm2-Kd8RwYv4N", "$s9xQ7pLm2Kd8RwYv4NzT3"]),
    ]),
    "secret_key_value": (SecretKeyValueRecognizer, [
        ('{"ConsumerSecret": "Zx81kq"}', ["Zx81kq"]),
        ('passcode:  Paginas99.', ["Paginas99."]),
        ('{"SecurityCredential":"lAqo9GH"}', ["lAqo9GH"]),
        ("Invalid token: jwt malformed", []),
        # "Password" in the languages consoles prompt in, a bracketed note allowed.
        ("请输入数据库的密码(必填): fr*Fake9pw\nnext", ["fr*Fake9pw"]),
        ("пароль: Fake9Pw! and nenosiri=Siri2024x", ["Fake9Pw!", "Siri2024x"]),
        # A call in source code is not a value.
        ("api_key = requestor.request('post', url) and password = get_password(user)", []),
    ]),
    "sql_values": (SqlValueRecognizer, [
        ("The duplicate key value is (Olive).", ["Olive"]),
        ("DETAIL: Key (email)=(jane@example.com) already exists.", ["jane@example.com"]),
        ("Duplicate entry 'jane@example.com' for key 'users.email'", ["jane@example.com"]),
        ("Duplicate entry ‘wambui_1287’ for key ‘users.name’", ["wambui_1287"]),
        ("Executed DbCommand [Parameters=[@p0='Mary Jones' (Size = 4000), @p1='5']]", ["Mary Jones"]),
        ("[SQL: INSERT INTO t VALUES (?, ?)] [parameters: ('Mary Jones', 3)]", ["Mary Jones"]),
        ("DETAIL: Failing row contains (7, Wanjiru, null).", ["7, Wanjiru, null"]),  # the whole row
        ("(SQL: insert into `t` (`id`, `name`) values (1, Wanjiru Kamau))", ["1, Wanjiru Kamau"]),
        ('invalid input syntax for type bigint: "0712345678x"', ["0712345678x"]),
        ("The input string '10-10' was not in a correct format.", ["10-10"]),
        ("select * from `word_categories` where `slug` = 'kedokteran-hewan' limit 1", ["kedokteran-hewan"]),
        ("Cannot insert duplicate key in object 'dbo.Customer'", []),
        # Every row of a multi-row insert; a row with a line break in a value; PostgreSQL's context lines.
        ("(SQL: insert into `t` (`a`, `b`) values (1, Wanjiru), (2, kamau))", ["1, Wanjiru", "2, kamau"]),
        ("DETAIL:  Failing row contains (12, Grace Wambui, Open to\n..., null).", ["12, Grace Wambui, Open to\n..., null"]),
        ("LINE 5: ...ND orgs.kind = 'GOVM')) ORDER BY orgs.id = 'M' DESC", ["GOVM", "M"]),
        ('invalid input syntax for type bigint: "1733242309482""', ['1733242309482"']),
        ('JSON input: {"name":"Njeri", "version": 2.0}', ['{"name":"Njeri", "version": 2.0}']),
        # A statement quoted as a Python string is read from its closing quote: its parameters are the values.
        ("u'INSERT INTO t (a, b) VALUES (?, ?)' (u'atieno', 'pbkdf2:sha1:1000$Fake$00ff')", ["atieno", "pbkdf2:sha1:1000$Fake$00ff"]),
        ("sql: \"INSERT INTO t (a) VALUES ('otieno')\"", ["otieno"]),
        # An object's technical field after the statement is the error's; its other values are still data.
        ("prisma:query SELECT 1 FROM t\n{ code: 'P2002', clientVersion: '2.17.0', meta: { target: 'Wambui' } }", ["Wambui"]),
    ]),
    "quoted_text": (QuotedTextRecognizer, [
        ("You entered 'wanjiru kamau' which is invalid", ["wanjiru kamau"]),
        ("note 'deliver after 5pm' too long", ["deliver after 5pm"]),
        ("KeyError: 'order_id'", []),
        ("AuthException(message: 'AuthRetryableFetchError') and \"POST /register HTTP/1.1\" 500", []),
        ("message 'Please call Wambui' was rejected", ["Please call Wambui"]),
    ]),
    "route_id": (RouteIdRecognizer, [
        ("GET /api/users/wanjiru.kamau/orders 404", ["wanjiru.kamau"]),
        ("https://shop.example.co.uk/u/peter?x=1 failed", ["peter"]),
        # A random key is an id wherever it stands in a route; CamelCase, hex and versions are not.
        ("PUT /data/7aQ2wMbv/page 200 and GET /api/Int32Array/getCinemaInfoByID/3f2a9c1b4d5e/utf8mb4", ["7aQ2wMbv"]),
        ("GET /users/me/orders", []),
        ("POST http://shop.example/accounts/register/ and /accounts/confirm-email/ 500", []),
        ("/api/v1/customers/{id} 500", []),
        ("File site-packages/django/contrib/auth/views.py", []),
        # A file:// URL is a file path, not a route.
        ("at file:///srv/app/lib/users/Create.mjs:24:26 and https://x.example/users/kamau", ["kamau"]),
    ]),
    "machine_name": (lambda: MachineNameRecognizer(VOCABULARY.is_very_common), [
        ("Print spooler on WANJIRU-PC rejected job 868", ["WANJIRU"]),
        ("sync from Njeris-MacBook-Pro.local failed; host ZOÉ-PC", ["Njeris", "ZOÉ"]),
        # Places, roles and devices are nobody's name; nor is code, or a word that merely ends in "pc".
        ("OFFICE-PC, TILL-PC, ADMIN-PC, WIN10-PC, DESKTOP-7F3K2QL, Remote-Desktop, grpc-pc2", []),
        ("Omnix.Sync: machine OMX-WANJIRU-LAPTOP last seen 72 h ago", ["WANJIRU"]),
    ]),
    "postal_address": (PostalAddressRecognizer, [
        ("Courier 422: 12 High Street, Swindon SN1 2AB not serviceable", ["SN1 2AB", "12 High Street"]),
        ("postcode lookup failed for EC1A 1BB; postcode=sw1a1aa", ["EC1A 1BB", "sw1a1aa"]),
        ("ship to Anaheim, CA 92804-1234, US failed; Nairobi, P.O. Box 12345-00100", ["Anaheim, CA 92804-1234, US", "P.O. Box 12345-00100"]),
        # A city alone, codes, versions, counts and standards are no address.
        ("Nairobi branch: E11000 after 3 retries, TLS 1.2, RFC 7231, ISO 8601, HTTP 2 AB, CA 12345678, SN12AB", []),
    ]),
    "user_path": (UserPathRecognizer, [
        (r"open C:\Users\wanjiru\AppData\x", ["wanjiru"]),
        ("log at home/wanjiru/app.log", ["wanjiru"]),
        ("cd ~wanjiru/app", ["wanjiru"]),
        ("/usr/home", []),
        # Shared profiles are Windows' and macOS's; every folder under /home is an account.
        ("/home/public/app/x.php and /Users/Shared/x", ["public"]),
        (r"C:\Users\Public\Documents and C:\Users\Default\x", []),
        # A file server's per-person folders, with a space or doubled backslashes; a file there, or a
        # folder under any other share folder, names nobody.
        (r"\\TT-FS01\Staff\Grace Wambui\Timesheets is not accessible", ["Grace Wambui"]),
        (r"copy to \\\\NAS\\Employees\\wkamau\\payslips failed", ["wkamau"]),
        (r"\\srv\Staff\Handbook.pdf and \\srv\Reports\Daily\x.pdf", []),
    ]),
    "person_role": (lambda: PersonRoleRecognizer(VOCABULARY), [
        ("cashier mary wambui closed the drawer", ["mary wambui"]),
        ("SERVED BY: MATT", ["MATT"]),
        ("Hi Priya, sorry for the wait", ["Priya"]),
        ("signed off by Annabel at terminal 3", ["Annabel"]),
        ("Njeri's shift could not be closed", ["Njeri"]),
        ("Achieng (customer) wrote", ["Achieng"]),
        ("declined (RC 05) CARDHOLDER WAMBUI/GRACE TERMINAL T1 and name on card: Kamau/Mary", ["WAMBUI/GRACE", "Kamau/Mary"]),
        ("TCP/IP reset while reading the cardholder's PIN", []),
        # Chat systems' lines about people; an initial before the surname; a receipt's aligned colon.
        ("Grace joined the chat\nChat transferred from Mercy to Otieno Kamau (skill: Payments)", ["Grace", "Mercy", "Otieno Kamau"]),
        ("supervisor S. Otieno notified; approved by A. Kamau on behalf of", ["Otieno", "Kamau"]),
        ("PATIENT     : GRACE WAMBUI\nuser           Admin1\nagent: ERROR", ["GRACE WAMBUI"]),
        ("customer: its me njeri from earlier\nBest wishes,\nGrace Wambui\nKaribu tena, Kamau", ["njeri", "Grace Wambui", "Kamau"]),
        # A greeting across a line break, a dash sign-off on the last line, a first.last handle after "account".
        ("parcel came damaged\nthanks\nnjeri otieno", ["njeri otieno"]),
        ("sort it out please\n- Wambui", ["Wambui"]),
        ("keychain item missing for account grace.wambui, forcing re-login", ["grace.wambui"]),
        # A list's last item, a possessive "its", a setting or host after "account", a chat opener are nobody.
        ("Missing fields:\n- Email\n- Password", []),
        ("one of its dependencies; user app.config; account sales.omnix.co.ke; agent: Hi, how can I help?", []),
        # Capitals without a vowel are an acronym, unless initials before a surname.
        ("supervisor notified by SMS; message blocked by DLP; signed by RZ Otieno", ["RZ"]),
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
        # A class whose member is called is code: "user = User.objects.get(".
        ("user = User.objects.get(username=x)", []),
        ("user Wanjiru.Kamau.get and user Grace Wambui.", ["Wanjiru", "Grace Wambui"]),
        # A query on the next line is code, though its key word is in capitals like a shouted name.
        ("UNIQUE constraint failed: products.name\nUPDATE products SET price=3 WHERE id=1", []),
        ("customer name: WANJIRU KAMAU", ["WANJIRU KAMAU"]),
    ]),
    "user_value_keys": (UserValueKeyRecognizer, [
        # Name parts, in capitals as Daraja sends them; FHIR-style given/family; prefixed query keys; XML.
        ('{"FirstName":"WANJIRU","MiddleName":"NJERI","LastName":"KAMAU","_err":"not found"}', ["WANJIRU", "NJERI", "KAMAU"]),
        ('{"employee":{"given":"Grace","family":"Wambui"}}', ["Grace", "Wambui"]),
        ("GET /chat?customer_first=Grace&customer_last=Otieno&page=2 and /ledger?party=Mary%20Atieno&fy=1", ["Grace", "Otieno", "Mary%20Atieno"]),
        ("Tally import: <LEDGERNAME>GRACE WAMBUI</LEDGERNAME> too long", ["GRACE WAMBUI"]),
        # Name parts as quoted JSON keys, quoted after their word; audit fields; legacy and log keys.
        ('found {"first":"Grace","last":"Ó Wambui","preferred":"Shiru"} and {"first": 1, "last": "2024-01-01"}', ["Grace", "Ó Wambui", "Shiru"]),
        ("file rejected: SURNAME 'WAMBUI' and FORENAME 'GRACE' are swapped", ["WAMBUI", "GRACE"]),
        ('{"prepared_by":"Grace Wambui","checkedBy":"Kamau, Njeri","standby":"yes"}', ["Grace Wambui", "Kamau, Njeri"]),
        ("GET /api/orders?sort_by=date&order_by=desc&group_by=region", []),
        ('ORDHDR: CUSTNAME=GRACE WAMBUI STATUS=RFND and tt-sync emp="Kamau, Njeri" punches=4', ["GRACE WAMBUI", "Kamau, Njeri"]),
        # Capitals under a generic key are code; a font's family is a font; a chat speaker's line is prose.
        ('{"name":"HTTP","user":"SYSTEM"} body { font-family: Arial; } <Name>ERROR</Name>', []),
        ("customer: ok thanks\ncustomer: parcel came damaged\ncustomer: Hi, can I speak to someone?", []),
        ("customer: grace wambui", ["grace wambui"]),
        ('{"teller":"Norman Skinner","batch":"0f68"}', ["Norman Skinner"]),
        ('from_agent="Niall Foley" to_agent="Brooke Mccann" wait=5.7s', ["Niall Foley", "Brooke Mccann"]),
        ("PATCH /approvals/1?approver=earl.fuller&action=approve", ["earl.fuller"]),
        ("search?contact=Elle+Higgins&state=27", ["Elle+Higgins"]),
        ("qty=-12 user=wendy_parkin reason=x", ["wendy_parkin"]),
        ("approvers=[Dora Kyeiwaa, Francesca Prempeh] chain broken", ["[Dora Kyeiwaa, Francesca Prempeh]"]),
        ("connect user=postgres owner=admin display=none", []),
        ("message = System.Data.SQLite.SQLiteException, code: 'P2002' body='SQLITE_READONLY: attempt to write'", []),
        ('{"Remarks":"DriverPayment","message":"deliver to Wambui"}', ["DriverPayment", "deliver to Wambui"]),
        # Calls in source code, an error's class under "name", a source file: not values.
        ('ret_value = fn(self) and user = User.objects.get(pk) and {"name":"Error"} and File Name: MainForm.cs', []),
        ("File Name: wanjiru.kamau", ["wanjiru.kamau"]),
        ("user = grace_wambui, ret_value = fn", ["grace_wambui", "fn"]),
    ]),
    "unknown_word": (lambda: UnknownWordRecognizer(VOCABULARY), [
        ("Sale failed for Wanjiru", ["Wanjiru"]),
        # An element's name is markup when its other tag is there, or it has attributes; a name in brackets is not.
        ("import: <LEDGERNAME>x</LEDGERNAME> <soap:Body xmlns:soap=1/> and From: <Chepkoech>", ["Chepkoech"]),
        # A given name and the surname's initial is an account's name, not CamelCase code; a known word's is.
        (r"C:\ProgramData\Logs\ChepkoechK\pos.log and C:\logs\ReportA\x", ["ChepkoechK"]),
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
        ("contact qq:821082566 or v1.123456 at line:123456", ["821082566"]),
        # A compact time is a time; fourteen digits that are no time (month 13) are still an id.
        ('{"Timestamp":"20240610143215","PartyA":"20241310143215"}', ["20241310143215"]),
        ("site-packages/sqlalchemy/engine/base.py and node_modules/@prisma/client", []),
        ("App\\Http\\Middleware\\Authenticate::handle", []),
        ("Payment failed: insufficient funds; hitilafu ya mteja: salio la huduma", []),
        # A folder named by a handle, and a document named with hyphens, have their pieces judged.
        ("open '/srv/media/receipts/jean.hammond/GRN-1.pdf'", ["jean", "hammond"]),
        ("denied: '/data/exports/2025-01/elena-villegas-report.xlsx'", ["elena", "villegas"]),
        ("/srv/static/app.bundle/main.js and /var/lib/user.settings/x", []),
        # Code by its place: hex runs, a frame's function, a logger, a localised "line", a call's target.
        ("PublicKeyToken=adb9793829ddae60 at 0x1018ecdf0 and 0x2ccf30", []),
        ('File "loops.py", line 83, in asynloop\nINFO:httpx:HTTP Request', []),
        (r"at Db.Open() in C:\src\Database.cs:Zeile 124.", []),
        ("response = wrapped_callback(request) and note = Wambui Kiptoo", ["Wambui", "Kiptoo"]),
        # A route's lower-case jargon is kept; a word no list knows is not, even there (a tenant allows "mpesa").
        ("POST https://api.example.com/auth/v1/token and GET /mpesa/callback 500", ["mpesa"]),
        # A JavaScript frame's function; hyphenated source and library files; a Python frame's script.
        ("    at new Promise (<anonymous>)\n    at Constructor._Error (/app/node_modules/x/lib/Error.js:12:17)", []),
        ("at Wanjiru in the shop (see notes)", ["Wanjiru"]),
        ("(objc-exception.mm:565) ~[spring-webmvc-6.0.13.jar!/:6.0.13] libsystem_pthread.dylib", []),
        ('File "/srv/tools/bin/sirepo", line 8, in <module>', []),
        ('File "/srv/tools/bin/sirepo" and /srv/tools/bin/sirepo/x', ["sirepo", "sirepo"]),
        # A fully qualified class under a key; a package the text's own code paths name.
        ('"SourceContext":"Umbraco.Core.Persistence.UmbracoDatabase"', []),
        ("TimeoutError: Knex: Timeout at /app/node_modules/knex/lib/client.js:334:13", []),
        ("TimeoutError: Knex: Timeout acquiring a connection", ["Knex"]),
        # A standard HTTP reason phrase after its code; the same words elsewhere are judged.
        ("HTTP 422 Unprocessable Entity; Unprocessable Wanjiru", ["Unprocessable", "Wanjiru"]),
        # A host label's piece goes with an unknown piece next to it, unless it is among the commonest words.
        ("POST http://grace-xqvt/accounts/register/ and http://accounts-dev.localhost:19080/", ["grace", "xqvt"]),
    ]),
    "api_key": (ApiKeyRecognizer, [
        ("stripe sk_live_FAKEFAKEFAKE0000 rejected", ["sk_live_FAKEFAKEFAKE0000"]),
        ("publishable pk_test_abcdefghij1234 and rk_live_FAKE00000000", ["pk_test_abcdefghij1234", "rk_live_FAKE00000000"]),
        ("aws AKIAIOSFODNN7EXAMPLE denied; sts ASIAFAKEFAKEFAKE2345", ["AKIAIOSFODNN7EXAMPLE", "ASIAFAKEFAKEFAKE2345"]),
        ("token ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0000 revoked", ["ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0000"]),
        ("github_pat_FAKE0000000000000000000_extra leaked", ["github_pat_FAKE0000000000000000000_extra"]),
        ("slack xoxb-0000000000-FAKEFAKEFAKE invalid_auth", ["xoxb-0000000000-FAKEFAKEFAKE"]),
        ("maps key=AIzaFAKE_fake-FAKE_fake-FAKE_fake-FAKE0 over quota", ["AIzaFAKE_fake-FAKE_fake-FAKE_fake-FAKE0"]),
        ("mask_live_session and task_test_runner and sk_live_short", []),
        ("AKIAFAKEFAKEFAKE23456 and ghp_tooShort123", []),  # one character too many; far too few
        ("sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", []),
    ]),
    "bank_account": (BankAccountRecognizer, [
        ("bank account 0123456789012 frozen", ["0123456789012"]),
        ('{"account_number": "1234567890"} invalid', ["1234567890"]),
        ("A/C No. 1100 2233 4455 closed", ["1100 2233 4455"]),
        ("Bank Account: 01-2345-6789-0 mismatch; beneficiary_account=987654321012", ["01-2345-6789-0", "987654321012"]),
        ("acct# 12345678901234 on hold", ["12345678901234"]),
        ("account 1234567890 locked", []),  # "account" alone is not the context
        ("offset 1234567890123 committed at epoch 1718102525", []),
        ("account no 123456789 short and account_number 1234567890123456789 long", []),
    ]),
    "credit_card": (PaymentCardRecognizer, [
        ("card 4111 1111 1111 1111 declined", ["4111 1111 1111 1111"]),
        ("pan 5555-5555-5555-4444 declined", ["5555-5555-5555-4444"]),
        ("amex 378282246310005 and mc 2223003122003222", ["378282246310005", "2223003122003222"]),
        ("cards 4111111111111111, 6011111111111117", ["4111111111111111", "6011111111111117"]),
        ("card 4111 1111 1111 1112 declined", []),  # Luhn fails
        ("trace 1234567812345670 done", []),  # Luhn passes, no issuer starts with 1
        ("barcode 6161234567894 and uuid 123e4567-e89b-12d3-a456-426614174000", []),
        ("zeros 0000000000000000", []),
        ("card 4111 1111 1111 1111 12/25 declined", ["4111 1111 1111 1111"]),  # an expiry next to it
        ("qty 2 4111111111111111 paid", ["4111111111111111"]),
    ]),
    "email": (OfflineEmailRecognizer, [
        ("bounce for wanjiru.kamau@example.co.ke", ["wanjiru.kamau@example.co.ke"]),
        ("email='jane+receipts@example.com' rejected", ["jane+receipts@example.com"]),
        ("?email=ops_team%40x@mail.example.org&x=1", ["ops_team%40x@mail.example.org"]),
        ("To: <a.b-c@sub.example.io>, cc: X@EXAMPLE.COM", ["a.b-c@sub.example.io", "X@EXAMPLE.COM"]),
        ("import from @prisma/client; user@localhost refused", []),
        ("version 1.2.3@4.5 and foo@bar.c1 and ssh deploy@10.0.0.5", []),
        ("postgres://app:s3cret@db.example.com:5432/x", []),  # the password is the URL rule's
        ("email:jane@example.com rejected", ["jane@example.com"]),
    ]),
    "jwt": (JwtRecognizer, [
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLWZha2U",
         ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLWZha2U"]),
        ("token=eyJhbGciOiJub25lIn0.eyJ1aWQiOjd9. rejected", ["eyJhbGciOiJub25lIn0.eyJ1aWQiOjd9."]),  # alg none: no signature
        ('{"id_token":"eyJraWQiOiJmYWtlIn0.eyJlbWFpbCI6ImFAYi5jIn0.ZmFrZS1zaWc-_x"}',
         ["eyJraWQiOiJmYWtlIn0.eyJlbWFpbCI6ImFAYi5jIn0.ZmFrZS1zaWc-_x"]),
        ("payload eyJuIjogIkFubiJ9 rejected", []),  # one JSON part is not a token
        ("eyJhbGciOiJIUzI1NiJ9.c2lnbmF0dXJl.eyJzdWIiOiIxIn0", []),  # second part is not JSON
        ("v1.2.3 and a1b2.c3d4.e5f6", []),
    ]),
    "ke_national_id": (KenyaNationalIdRecognizer, [
        ("ID 12345678 not verified", ["12345678"]),
        ("national_id=23456789 mismatch", ["23456789"]),
        ('{"id_number": "3456789"} rejected', ["3456789"]),
        ("Huduma No: 45678901 pending; ID No. 1234567 ok", ["45678901", "1234567"]),
        ("identity card 87654321 expired", ["87654321"]),
        ("order id 1234567 shipped; session_id=12345678; PID 12345678 exited", []),
        ("ID 123456789 too long and ID 123456 short", []),
    ]),
    "ke_phone": (KenyaPhoneRecognizer, [
        ("STK push to +254712345678 failed", ["+254712345678"]),
        ("call +254 712 345 678 now", ["+254 712 345 678"]),
        ("sms 0712 345 678 queued and 0712-345-678 retried", ["0712 345 678", "0712-345-678"]),
        ("sms 0110 123 456 queued; msisdn 254110123456", ["0110 123 456", "254110123456"]),
        ("(+254) 712 345 678 and (0712) 345678", ["(+254) 712 345 678", "(0712) 345678"]),
        ("+254-0712-345-678 and 00254712345678 and 0712.345.678", ["+254-0712-345-678", "00254712345678", "0712.345.678"]),
        ("order 20240712345678 at ts 1712345678", []),
        ("version 0.712.345.678 and a0712345678 and 0812345678", []),
        ("+2547123456789 and 07123456789 too long", []),
        ("latency 0.0712345678s", []),
    ]),
    "kra_pin": (KraPinRecognizer, [
        ("KRA PIN A012345678Z invalid", ["A012345678Z"]),
        ("pin p051234567q lower case", ["p051234567q"]),
        ('{"pin":"P000111222X"}', ["P000111222X"]),
        ("B012345678Z has no such first letter", []),
        ("A01234567Z short and A0123456789Z long and XA012345678Z inside", []),
        ("sha a012345678f0e1 and A012345678 unchecked", []),
    ]),
    "mpesa_till": (MpesaTillRecognizer, [
        ("Buy Goods till 123456 closed", ["123456"]),
        ("paybill: 400200 account INV-2024-17 failed", ["400200", "INV-2024-17"]),
        ("PayBill No. 888880 acc 0712345678", ["888880", "0712345678"]),
        ("shortcode=174379 rejected; till_no=987654", ["174379", "987654"]),
        ("a/c #MTR12345 invalid", ["MTR12345"]),
        ("account locked for user; till closed after shift; business logic failed", []),
        ("order 123456 shipped port 54321; accounting 12345; tills 123456", []),
        ("till 12 closed; till version v2.3.1; business hours 0800-1700", []),
    ]),
    "pem_block": (PemBlockRecognizer, [
        ("key -----BEGIN PRIVATE KEY-----\nMIIBFAKEFAKEFAKE+/=\nZmFrZQ==\n-----END PRIVATE KEY----- loaded",
         ["-----BEGIN PRIVATE KEY-----\nMIIBFAKEFAKEFAKE+/=\nZmFrZQ==\n-----END PRIVATE KEY-----"]),
        ("cert -----BEGIN CERTIFICATE-----MIIBfakeCERT==-----END CERTIFICATE-----, next",
         ["-----BEGIN CERTIFICATE-----MIIBfakeCERT==-----END CERTIFICATE-----"]),
        ("truncated -----BEGIN RSA PRIVATE KEY-----\nMIIEfakeTRUNCATED+/", ["-----BEGIN RSA PRIVATE KEY-----\nMIIEfakeTRUNCATED+/"]),
        ("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,FAKE\n\nMHcfake\n-----END EC PRIVATE KEY-----",
         ["-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,FAKE\n\nMHcfake\n-----END EC PRIVATE KEY-----"]),
        ("----- BEGIN of section ----- and -----BEGIN-----", []),
        ("log line ------------------------------ separator", []),
        (r'{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIBfakeBODY==\n-----END PRIVATE KEY-----\n"}',
                  [r"-----BEGIN PRIVATE KEY-----\nMIIBfakeBODY==\n-----END PRIVATE KEY-----"]),
    ]),
    "person_gazetteer": (PersonGazetteerRecognizer, [
        ("Sale voided by Achieng Wambui at till 3", ["Achieng Wambui"]),
        ("ACHIENG WAMBUI not found", ["ACHIENG WAMBUI"]),
        ("customer wanjiru kamau rejected", ["wanjiru kamau"]),
        ("Priya K. Sharma signed", ["Priya K. Sharma"]),
        ("Priya Venkataraghavan logged in", ["Priya Venkataraghavan"]),  # unknown surname after a given name
        ("cardholder JOHN SMITH declined", ["JOHN SMITH"]),
        ("for Grace retry; cashier Hall closed", ["Grace", "Hall"]),
        ('{"name":"Otieno Odhiambo"}', ["Otieno Odhiambo"]),
        ("Grace please retry; Will retry later; Mark as paid; Hope this works", []),
        ("wanjiru kamau logged in", []),  # lower case with no role word
        ("wanjiru.kamau@example.com and /home/wanjiru/kamau and Omnix.Sales.Wanjiru.Save() and KAMAU_TABLE", []),
        ("Invalid Payment Error; The Sale Failed; ALI failed", []),
    ]),
    "uk_nino": (NationalInsuranceNumberRecognizer, [
        ("NINO AB123456C rejected", ["AB123456C"]),
        ("ni: ab 12 34 56 d", ["ab 12 34 56 d"]),
        ('{"nino":"CE654321A"} and AB 123456 C', ["CE654321A", "AB 123456 C"]),
        ("QQ123456C and DA123456A and AO123456A", []),  # letters never used in those places
        ("GB123456A and ZZ123456B are not allocated", []),
        ("AB123456E bad suffix; AB12345C short; XAB123456C inside; AB123456CD", []),
    ]),
    "uk_phone": (UkPhoneRecognizer, [
        ("call +44 7700 900123 now", ["+44 7700 900123"]),
        ("+44 (0)7700 900123 and 07700 900123 and +447700900123", ["+44 (0)7700 900123", "07700 900123", "+447700900123"]),
        ("office 020-7946-0018 or 0113 496 0000", ["020-7946-0018", "0113 496 0000"]),
        ("0044 20 7946 0018 unreachable", ["0044 20 7946 0018"]),
        ("version 0.7700.900123 and order 07700900123456", []),
        ("ts 1718102525 and path /v1/07700900123", []),
        ("uuid 0200c2e4-1d7a-4f0b-9d6e-0123456789ab", []),
    ]),
    "url_credentials": (UrlCredentialsRecognizer, [
        ("connect postgres://app:s3cret@db:5432/x refused", ["app", "s3cret"]),
        ("Could not parse rfc1738 URL from string 'app:s3cretpw@localhost/shop'", ["app", "s3cretpw"]),
        # A login's user name is often its owner's; system accounts stay.
        ("Could not parse rfc1738 URL from string 'wambui:l0ngpass@localhost/shop'", ["wambui", "l0ngpass"]),
        ("postgres://postgres:FakePw1@db/x and mysql://root:FakePw2@db/y", ["FakePw1", "FakePw2"]),
        # The "@" lost: the part that cannot be a host name is the password run into the host.
        ("postgresql://postgres:a#FakePw9xpostgres:5432/affine", ["a#FakePw9xpostgres"]),
        ("postgresql://postgres:db-primary.internal:5432/affine and http://db:8080/x", []),
        ("mailto:jane@example.com and git@github.com:org/repo.git", []),
        ("DATABASE_URL=mysql+pymysql://root:Fake%40Pass1@10.0.0.5/app", ["Fake%40Pass1"]),
        ("amqp://guest:guest@rabbit:5672// down", ["guest"]),
        ("redis://:FakeRedisPw@cache:6379/0 timeout", ["FakeRedisPw"]),  # password with no user
        ("mongodb+srv://svc:N0tReal!@cluster0.example.net/db and HTTPS://Admin:FakePw@EXAMPLE.COM",
         ["svc", "N0tReal!", "FakePw"]),
        ("postgres://app@db:5432/x refused", []),  # a user and no password
        ("https://example.com:8443/path@v2 and git@github.com:org/repo.git", []),
        ("http://localhost:8080/api?next=a:b@c at 10:42:05@host", []),
        ("postgres://app:P@ssw0rd@db:5432/x refused", ["app", "P@ssw0rd"]),  # to the last "@", as urlsplit reads it
    ]),
    "in_phone": (IndiaPhoneRecognizer, [
        ("OTP to +91 98765 43210 failed", ["+91 98765 43210"]),
        ("call +91-98765-43210 and 0091 7012345678", ["+91-98765-43210", "0091 7012345678"]),
        ("msisdn 919876543210 ok; sms 098765 43210 queued", ["919876543210", "098765 43210"]),
        ("bare 9876543210 x", ["9876543210"]),
        ("ts 1718102525 and 5876543210 starts with 5", []),
        ("order 59876543210 and 98765432101 too long", []),
        ("version 9.876543210 and /api/9876543210 and ORD-9876543210", []),
        ("uuid 98765432-10ab-4cde-8f00-0123456789ab", []),
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


def test_every_recognizer_file_has_cases_of_its_own():
    modules = {m.name for m in pkgutil.iter_modules(recognizers.__path__) if not m.name.startswith("_")}
    missing = modules - HELPER_MODULES - CASES.keys()
    assert not missing, f"recognizer files with no entry in CASES: {sorted(missing)}"


@pytest.mark.parametrize(
    ("span", "is_code"),
    [
        ("Omnix.Sales.SaleForm", True),
        ("SaleForm", True),
        ("SQLITE_BUSY", True),
        ("ERROR", True),
        ("user42", True),
        ("Priya K. Sharma", False),
        ("McCarthy", False),
        ("MacDonald", False),
        ("O'Brien", False),
        ("JOHN SMITH", False),
    ],
)
def test_code_tokens_are_told_from_names(span, is_code):
    assert looks_like_code(span) is is_code


@pytest.mark.parametrize(
    ("span", "handle"),
    [("grace_wambui", True), ("mary.atieno", True), ("njeri-kamau", True), ("wanjiru", False), ("user_2", False)],
)
def test_handles_are_two_to_four_name_words_joined(span, handle):
    assert is_handle(span) is handle


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("approved by brian at 16:11; awaiting approval from baraka; last holder was mercy", ["brian", "baraka", "mercy"]),
        # Code's verbs, the commonest words and capitals are not asked about.
        ("thrown by handler; queued by scheduler; approved by the manager; approved by Brian", []),
    ],
)
def test_lower_case_words_after_what_people_do_are_the_candidates_ner_reads_again(text, candidates):
    from scrubbers.recognizers.person_role import lower_case_name_candidates  # noqa: PLC0415

    assert [text[s:e] for s, e in lower_case_name_candidates(text, VOCABULARY)] == candidates
