"""Each recognizer on values it must find and on look-alikes it must leave alone."""

from __future__ import annotations

import socket

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
]


@pytest.mark.parametrize(("entity", "text"), [(e, t) for e, texts in FOUND.items() for t in texts])
def test_recognizer_finds_and_replaces_with_a_typed_placeholder(text_scrubber, entity, text):
    out = scrub(text_scrubber, text)
    assert f"<{entity}>" in out


@pytest.mark.parametrize("text", KEPT)
def test_technical_text_survives_unchanged(text_scrubber, text):
    assert scrub(text_scrubber, text) == text


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
