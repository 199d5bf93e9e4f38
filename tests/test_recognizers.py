"""Each recognizer on values it must find and on look-alikes it must leave alone."""

from __future__ import annotations

import socket
import time

import pytest

from scrubbers import TenantPolicy, TextScrubber

POLICY = TenantPolicy()


@pytest.fixture(scope="session")
def text_scrubber() -> TextScrubber:
    return TextScrubber()


def scrub(text_scrubber: TextScrubber, text: str) -> str:
    result = text_scrubber.scrub(text, POLICY)
    assert result.text is not None
    return result.text


FOUND = {
    "KRA_PIN": [
        "KRA PIN A012345678Z rejected by eTIMS",
        "pin=p051234567m invalid",
        "Supplier P000111222Q not registered",
    ],
    "PHONE": [
        "STK push to +254 712 345 678 failed",
        "msisdn 254712345678 timeout",
        "call 0712-345-678 back",
        "customer phone (0712) 345 678",
        "new range 0110 123 456 not supported",
        "phone=+254-110-123-456",
        "OTP to +91 98765 43210 failed",
        "mobile 9876543210 invalid",
        "SMS to +44 7700 900123 failed",
        "call 07700 900123 or +44 (0)7700 900123",
    ],
    "MPESA_TILL": [
        "Buy goods till 512345 rejected",
        "paybill 888880 account 12345678 not found",
        "Till No: 5123456 inactive",
        "M-Pesa 174379 callback failed",
    ],
    "EMAIL": [
        "receipt to wanjiru.kamau@gmail.com bounced",
        "user priya.sharma+shop@example.co.in not found",
    ],
    "PERSON": [
        "Sale voided by cashier Otieno Odhiambo",
        "patient: Achieng Wambui has no allergy record",
        "Refund issued for Peter Kamau at 10:42",
        "customer 'Priya Sharma' exceeded credit",
        "loyalty update failed: customer wanjiru kamau not found",
        "iTax upload rejected: PIN mismatch for name MUTHONI NJOROGE",
        '{"employee":"Venkatesh Iyer","error":"negative levy"}',
        "INSERT INTO patients (name) VALUES ('Siobhan O'Brien')",
        "Leave request by Niamh Fitzgerald overlaps",
        "KYC failed for Priya K. Sharma",
        "Timesheet note too long for Rhys",
    ],
    "MPESA_CODE": [
        "Duplicate M-Pesa receipt QGH7X8Y9Z0 ignored",
        '{"TransID":"SBK2L4M6N8"}',
    ],
    "NATIONAL_ID": [
        "Customer Jane (ID 12345678) over limit",
        "ID No. 2345678 duplicated",
        '{"id_number":"8695825"}',
        "NI number JG 10 37 59 A invalid",
        "nino ab123456c rejected",
    ],
    "SECRET": [
        "Invalid API Key provided: sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "Stripe.js: Invalid publishable key pk_live_51H8abcdefGHIJKLmnop",
        "AWS key AKIAIOSFODNN7EXAMPLE does not exist",
        "jwt expired, token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
        "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "postgres://inventory:hunter2@db:5432/inventory unreachable",
        "Server=tcp:db,1433;User ID=svc;Password=Tr0ub4dor&3;Encrypt=True;",
        "'PASSWORD': 'S3cr3t!'",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
    ],
    "USER_PATH": [
        r"open 'C:\Users\wanjiru\AppData\Roaming\app\config.json'",
        "at /home/priya.s/support/views.py line 3",
        "/Users/jdoe/Library/Application Support/x",
    ],
    "CREDIT_CARD": ["card 4111 1111 1111 1111 declined", "PAN 5500-0000-0000-0004 refused"],
    "IBAN_CODE": ["Direct debit to GB82 WEST 1234 5698 7654 32 failed", "IBAN DE89370400440532013000 closed"],
    "IP_ADDRESS": ["login from 41.90.12.7 blocked", "session from 2c0f:fa18:a20:6c::1 rejected"],
    "BANK_ACCOUNT": ["Bank reconciliation: a/c 0123456789012 not matched", '{"account_number":"1234567890"}'],
    "AADHAAR": ["aadhaar 2345 6789 0124 mismatch"],
    "PAN": ["KYC failed: PAN ABCPK1234F does not match", "pan=AAACB1234C"],
    "GSTIN": ["GSTR-1 upload rejected for 27AAPFU0939F1ZV", "gstin 29AAGCB7383J1Z4 inactive"],
    "UPI_ID": ["Collect request to priya.sharma@okaxis timed out", "VPA 9876543210@ybl invalid"],
    "AMOUNT": [
        "STK push for KES 1,250.00 failed",
        "Ksh 500 short on drawer",
        "change due 500/= not given",
        "refund ₹1,25,000 pending",
        "charge £12.99 declined",
        '{"Amount": 1, "PartyA": 600000}',
        "total=4500.50 mismatch",
    ],
    "PRODUCT": [
        "Price override on item 'Panadol Extra 500mg' exceeds limit",
        "UPDATE products SET price=10 WHERE name='Kimbo 1kg'",
        "Dispensed Amoxicillin 500mg capsules twice",
        "stock for amoxicillin is negative",
        "Dosage is required for Dettol 500ml",
    ],
    "UNKNOWN": [
        "delivery to kiptalamwa estate failed",
        "sync stopped at Gatundu-Kiptalamwa",
    ],
    "ID": ["Barcode 6161234567894 not found", "Epoch 1704067200 is before cutoff", "trace_id=4532015112830367"],
    "USER_VALUE": [
        '{"note":"leave with the watchman","status":"REJECTED"}',
        "Refund lookup: address='12 Baker Street, London'",
        "Gift message rejected by profanity filter: 'see you soon'",
        "GET /api/search?q=blue+jacket failed",
    ],
}

KEPT = [
    "System.NullReferenceException at Omnix.Sales.SaleForm.Save() in SaleForm.cs:line 214",
    "SQLITE_BUSY: database is locked after 1500ms",
    "HRESULT 0x80070005 access denied, HTTP 502 from upstream",
    "Upgrade from 4.2.10 to 4.3.0 failed with ECONNREFUSED",
    "Order 1042 has 3 lines; account locked after 5 attempts",
    "Timeout after 30000 ms on port 5432",
    "Till drawer opened; paybill screen loaded",
    "Build A1234 completed in 2.5 s",
    "Report for Sales module generated",
    "Commit 3f9a1c2b4d5e6f708192a3b4c5d6e7f809112233 introduced regression",
    "ECONNRESET waiting for cash drawer; SYNCFAILED batch; DBNOTFOUND refresh; SIGSEGV",
    "Build 10.0.19045.3803 / app 24.6.1; Could not load 'System.Data.SQLite, Version=1.0.118.0'",
    "consumer offset 505277951765 committed for partition 3",
    "at bundle.js:12:345 in Timer.flush",
    "Visual Studio 2022 on macOS 14.4 with Jenkins",
    "connect ECONNREFUSED 127.0.0.1:5432; retry 10.0.2.2 and 192.168.1.20 then [::1]:5000 and fe80::1",
    "ERROR: duplicate key value violates unique constraint (SQLSTATE 23505) on port 5432",
    "POST /api/v1/orders/callback returned 502",
    "File \"/usr/lib/python3/site-packages/sqlalchemy/engine/base.py\", line 1965, in _exec_single_context",
    "at Module._compile (internal/modules/cjs/loader.js:778:30) in node_modules/@prisma/client/runtime",
    "App\\Http\\Middleware\\Authenticate::handle failed",
    "database/sql.(*Stmt).QueryContext(0x0, 0xcfde00) psycopg2.errors.UniqueViolation PGRST116",
    "password authentication failed for user; Invalid token: jwt malformed",
    "near \"WHERE\": syntax error; KeyError: 'order_id'; template 'receipt_v2' not approved",
    "System.Windows.Forms.Button.OnMouseUp(MouseEventArgs e)",
    "Grace period of 30 days applies; Will retry; Mark as paid",
    "/srv/home/build.log and /users/123/orders",
]


@pytest.mark.parametrize(("entity", "text"), [(e, t) for e, texts in FOUND.items() for t in texts])
def test_recognizer_finds_and_replaces_with_a_typed_placeholder(text_scrubber, entity, text):
    out = scrub(text_scrubber, text)
    assert f"<{entity}>" in out


@pytest.mark.parametrize("text", KEPT)
def test_technical_text_survives_unchanged(text_scrubber, text):
    assert scrub(text_scrubber, text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customer phone (0712) 345 678 failed", "customer phone <PHONE> failed"),
        ("(0712-345678)", "(<PHONE>)"),
        (r"C:\Users\wanjiru.kamau\Desktop\x.xlsx", r"C:\Users\<USER_PATH>\Desktop\x.xlsx"),
        ("postgres://app:s3cret@db:5432/x", "postgres://<USER_VALUE>:<SECRET>@db:5432/x"),
        ("Authorization: Bearer abcdefgh12345678", "Authorization: Bearer <SECRET>"),
        ("GET /x?email=a.b@example.com&phone=0712345678", "GET /x?email=<EMAIL>&phone=<PHONE>"),
        ("customer Wanjiru Kamau paid", "customer <PERSON> paid"),
    ],
)
def test_placeholders_replace_only_the_value(text_scrubber, text, expected):
    assert scrub(text_scrubber, text) == expected


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Branch Kiambaa closed early", "Kiambaa"),  # a place nobody listed
        ("card note reads happy birthday Chepkoech", "Chepkoech"),  # free text a user typed
        ("Sold TUSKERLITE 6PK to walk-in", "TUSKERLITE"),  # a product code no rule knows
        ("rider kipchumba left the order at the gate", "kipchumba"),
        ("cashier: NJAMBI WAIRIMU\nTOTAL DUE", "WAIRIMU"),
    ],
)
def test_a_word_not_known_to_be_safe_never_survives(text_scrubber, text, word):
    assert word not in scrub(text_scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "Payment failed: insufficient funds in account",  # common English
        "Muamala umeshindwa: salio haitoshi",  # common Swahili words
        "Sale failed for Omnix in module pharmacy",  # a tenant's allow term, below
    ],
)
def test_common_words_and_allow_terms_survive(text_scrubber, text):
    policy = TenantPolicy(allow_terms=("Omnix", "Muamala", "umeshindwa", "haitoshi"))
    assert text_scrubber.scrub(text, policy).text == text


def test_a_single_word_ner_calls_a_person_goes_unless_very_common(text_scrubber):
    # The price of failing closed on names nobody listed: a brand NER mistakes for a person goes too.
    assert scrub(text_scrubber, "Kafka offset committed") == "<PERSON> offset committed"
    assert scrub(text_scrubber, "Mark as paid failed") == "Mark as paid failed"


def test_card_number_needs_a_luhn_check_and_an_issuer_prefix(text_scrubber):
    assert "<CREDIT_CARD>" in scrub(text_scrubber, "card 4111111111111111")
    # A Luhn failure or an unknown issuer is no card, though still a bare long number, so an id.
    assert scrub(text_scrubber, "card 4111111111111112") == "card <ID>"
    assert scrub(text_scrubber, "id 9111111111111119") == "id <ID>"


def test_aadhaar_needs_its_checksum_and_run_together_digits_need_context(text_scrubber):
    assert scrub(text_scrubber, "ref 2345 6789 0123") == "ref 2345 6789 0123"  # Verhoeff fails
    assert "<AADHAAR>" in scrub(text_scrubber, "aadhaar 234567890124 mismatch")
    assert scrub(text_scrubber, "offset 234567890124") == "offset 234567890124"


def test_mpesa_code_needs_letters_and_digits_and_exactly_ten_characters(text_scrubber):
    assert scrub(text_scrubber, "ECONNRESET BADPAYLOAD QGH7X8Y9Z0A KRACU0100004321") == (
        "ECONNRESET BADPAYLOAD QGH7X8Y9Z0A KRACU0100004321"
    )


def test_national_id_digits_need_a_context_word(text_scrubber):
    assert scrub(text_scrubber, "order id 12345678 shipped") == "order id <ID> shipped"  # an id, not a national one
    assert scrub(text_scrubber, "national id 12345678 dup") == "national id <NATIONAL_ID> dup"


def test_common_word_names_need_a_second_name_or_a_role(text_scrubber):
    assert scrub(text_scrubber, "Grace period expired") == "Grace period expired"
    assert scrub(text_scrubber, "refund for Grace failed") == "refund for <PERSON> failed"
    assert scrub(text_scrubber, "signed by Grace Hall") == "signed by <PERSON>"


def test_lower_case_names_need_a_role_word(text_scrubber):
    assert scrub(text_scrubber, "sync brian kamau job") == "sync brian kamau job"
    assert scrub(text_scrubber, "patient brian kamau is under 12") == "patient <PERSON> is under 12"


def test_values_under_technical_keys_stay(text_scrubber):
    text = '{"error":"Housing levy computed negative","status":"REJECTED","code":"23503"}'
    assert scrub(text_scrubber, text) == text


def test_secrets_are_redacted_never_hashed(text_scrubber):
    out = scrub(text_scrubber, "apiKey=9f8e7d6c5b4a39281706f5e4d3c2b1a0 rejected")
    assert out == "apiKey=<SECRET> rejected"


def test_truncated_pem_block_is_redacted_to_the_end(text_scrubber):
    out = scrub(text_scrubber, "Key was:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAxyz+/abc\nQWERTY")
    assert out == "Key was:\n<SECRET>"


def test_kra_pin_needs_exactly_nine_digits_between_letters(text_scrubber):
    assert scrub(text_scrubber, "code A01234567Z and B012345678Z and A0123456789Z") == (
        "code A01234567Z and B012345678Z and A0123456789Z"
    )


def test_value_after_context_word_is_replaced_but_context_word_stays(text_scrubber):
    assert scrub(text_scrubber, "till no 512345 offline") == "till no <MPESA_TILL> offline"


def test_tenant_policy_can_disable_an_entity_and_allow_a_term(text_scrubber):
    policy = TenantPolicy(disabled_entities=frozenset({"EMAIL"}), allow_terms=("Otieno Odhiambo",))
    result = text_scrubber.scrub("mail ops@example.com; cashier Otieno Odhiambo", policy)
    assert result.text == "mail ops@example.com; cashier Otieno Odhiambo"


def test_over_long_text_is_dropped_not_returned(text_scrubber):
    result = text_scrubber.scrub("x" * 20_001, POLICY)
    assert result.text is None and result.removed == {"DROPPED": 1}


def test_scrubbing_never_opens_a_network_connection(text_scrubber, monkeypatch):
    # A fault we cannot cause otherwise: make any connection attempt fail loudly.
    def refuse(*args, **kwargs):
        raise AssertionError("network access during scrubbing")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    out = scrub(text_scrubber, "mail wanjiru@example.co.ke, site https://shop.example.co.uk/x")
    assert "<EMAIL>" in out


def test_pathological_inputs_finish_fast_and_never_come_back_raw(text_scrubber):
    inputs = [
        "a" * 19_000 + "@",
        "customer " * 2_000,
        "1 " * 9_000,
        "'" + "x " * 9_000,
        "-----BEGIN KEY-----" + "A" * 19_000,
        "C:\\Users\\" + "a b " * 4_000,
    ]
    started = time.perf_counter()
    results = text_scrubber.scrub_many(inputs, POLICY)
    assert time.perf_counter() - started < 10
    for text, result in zip(inputs, results):
        assert result.text != text or result.removed == {}


def test_rule_phase_over_its_time_budget_drops_the_text():
    scrubber = TextScrubber(rule_budget_s=0.0)
    result = scrubber.scrub("customer Wanjiru Kamau, phone 0712 345 678", POLICY)
    assert result.text is None and result.removed == {"DROPPED": 1}


def test_messages_differing_only_in_digits_never_rerun_ner(text_scrubber):
    before = text_scrubber.ner_texts_run
    first = text_scrubber.scrub("Sale 1042 for customer Wanjiru Kamau failed at till 512345", POLICY)
    after_first = text_scrubber.ner_texts_run
    second = text_scrubber.scrub("Sale 9981 for customer Wanjiru Kamau failed at till 774411", POLICY)
    assert after_first == before + 1 and text_scrubber.ner_texts_run == after_first
    assert first.text == "Sale 1042 for customer <PERSON> failed at till <MPESA_TILL>"
    assert second.text == "Sale 9981 for customer <PERSON> failed at till <MPESA_TILL>"


def test_deny_terms_still_replace_and_allow_terms_still_win(text_scrubber):
    policy = TenantPolicy(deny_terms=("Project Falcon",), allow_terms=("Kamau",))
    out = text_scrubber.scrub("project falcon sync for customer Kamau", policy).text
    assert out == "<REDACTED> sync for customer Kamau"


def test_numbers_of_any_length_share_one_ner_run_and_names_land_in_place(text_scrubber):
    before = text_scrubber.ner_texts_run
    texts = [
        f"Order {order} of {amount} items for customer Otieno Odhiambo failed after {ms}ms at line {line}"
        for order, amount, ms, line in ((7, 120, 5, 12), (10423, 9876, 1500, 2048), (42, 3, 999999, 1))
    ]
    results = [text_scrubber.scrub(text, POLICY).text for text in texts]
    assert text_scrubber.ner_texts_run == before + 1
    for text, out in zip(texts, results):
        assert out == text.replace("Otieno Odhiambo", "<PERSON>")


def test_a_repeated_text_is_scrubbed_by_each_tenants_own_policy(text_scrubber):
    text = "Refund for customer Otieno Odhiambo at till 512345 failed"
    strict = text_scrubber.scrub(text, POLICY).text
    lenient = text_scrubber.scrub(text, TenantPolicy(allow_terms=("Otieno Odhiambo",), disabled_entities=frozenset({"MPESA_TILL"}))).text
    again = text_scrubber.scrub(text, POLICY).text
    assert strict == again == "Refund for customer <PERSON> at till <MPESA_TILL> failed"
    # The till rule switched off, its number is still a bare long number: an id, never stored as sent.
    assert lenient == "Refund for customer Otieno Odhiambo at till <ID> failed"


def test_a_failed_title_case_ner_pass_drops_the_text_and_a_repeat_never_reruns_it():
    scrubber = TextScrubber()
    real_pipe = scrubber._nlp.pipe

    def pipe(texts, **kwargs):
        # A fault we cannot cause otherwise: NER raising, only on the second pass (the word in Title case).
        texts = list(texts)
        if any("Patience" in text for text in texts):
            raise RuntimeError("NER failed")
        return real_pipe(texts, **kwargs)

    scrubber._nlp.pipe = pipe
    result = scrubber.scrub("sale voided by patience at till 4", POLICY)
    assert result.text is None and result.removed == {"DROPPED": 1}
    scrubber._nlp.pipe = real_pipe
    assert scrubber.scrub("sale voided by felix at till 4", POLICY).text == "sale voided by <PERSON> at till 4"
    before = scrubber.ner_texts_run
    assert scrubber.scrub("sale voided by felix at till 7", POLICY).text == "sale voided by <PERSON> at till 7"
    assert scrubber.ner_texts_run == before
