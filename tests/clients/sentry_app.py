"""A small app that reports through the real, unmodified sentry-sdk, run as its own process by the tests.

It does what a careless app does: sends default PII, sets a user with an email,
tags and contexts with customer data, breadcrumbs, and raises errors whose
messages and local variables hold personal data. The tests check what of it
the collector stored. Usage: sentry_app.py <dsn> <install id> <marker> <release>
"""

from __future__ import annotations

import sys

import sentry_sdk


def main(dsn: str, install_id: str, marker: str, release: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        release=release,
        environment="production",
        send_default_pii=True,
        server_name="wanjiku-kamau-laptop",
        include_local_variables=True,
        include_source_context=True,
        max_breadcrumbs=20,
        auto_session_tracking=False,
    )
    scope = sentry_sdk.get_isolation_scope()
    scope.start_session(session_mode="application")
    sentry_sdk.set_user(
        {"id": install_id, "email": "jane.doe@example.com", "username": "wkamau", "ip_address": "41.90.64.12"}
    )
    sentry_sdk.set_tag("branch", "Westlands")
    sentry_sdk.set_tag("customer", "Achieng Odhiambo")
    sentry_sdk.set_tag("module", "pharmacy")
    sentry_sdk.set_context("customer", {"name": "Achieng Odhiambo", "kra_pin": "A012345678Z"})
    sentry_sdk.set_extra("basket", "Amoxicillin 500mg x2 for Achieng Odhiambo")
    sentry_sdk.add_breadcrumb(category="sale", message="sold to Achieng Odhiambo, till 174379", data={"phone": "0712345678"})

    def charge(customer_name: str, phone: str, amount: str) -> None:
        national_id = "27845112"
        try:
            raise ConnectionError(f"M-Pesa STK push to {phone} timed out")
        except ConnectionError as cause:
            raise RuntimeError(f"{marker}: payment of {amount} failed for {customer_name} (ID {national_id})") from cause

    try:
        charge("Achieng Odhiambo", "0712345678", "KES 1,250.00")
    except RuntimeError as error:
        print(sentry_sdk.capture_exception(error), flush=True)
    sentry_sdk.capture_message(f"{marker} till %s went offline")
    scope.end_session()
    sentry_sdk.flush(timeout=10)


if __name__ == "__main__":
    main(*sys.argv[1:5])
