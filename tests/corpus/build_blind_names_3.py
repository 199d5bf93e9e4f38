"""Build the third blind PERSON evaluation set: ``blind_names_3.jsonl`` and ``blind_names_3.md``.

Held out from scrubber tuning: look only at its summary (``blind_names_3.md``) and an
aggregate recall figure, never at its records.

Written 2026-12-04 without reference to the scrubber. Everything except the templates, the
seed and a few fillers and renderings is imported unchanged from ``build_blind_names_2.py``
(which imports its pools and split rule from ``build_blind_names.py``): the name pools
(Faker locales, ``names_dataset`` top names, the francophone Cameroon mix, the curated
apostrophe names), the split rule (a token is usable only if ``sha256(token.casefold())`` is
odd and the token, and every run of letters in it, is absent from every ``.py``/``.txt`` file
under ``scrubbers/``), the per-region source rotation, the redraw-on-violation loop and the
record validation.

The templates below are new (none from the first or second blind set). New renderings:

* ``finit`` (``J. Kamau``) and ``firstinit`` (``Wanjiku K.``), ``ulastinit`` (``KAMAU J``):
  no single letter passes the split rule, so the initial is written but left outside the
  PERSON span; the span is the full given name or surname only;
* ``lastfirstmid`` (``Kamau, Wanjiku Njeri``): two spans, surname and given names;
* ``uascii3``: three-part name ASCII-folded and upper-cased, as a legacy bank or gate-pass
  printer writes it (a draw with no faithful ASCII form is redrawn).

Deterministic for a given content of ``scrubbers/`` (the split rule reads it):
``.venv/bin/python tests/corpus/build_blind_names_3.py``.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.corpus.build_blind_names import letter_runs, scrubber_words, token_eligible
from tests.corpus.build_blind_names_2 import (
    BRANCHES,
    FORM_CASE,
    FR_SOURCE,
    WAREHOUSES,
    Person,
    Retry,
    build,
    filler,
    fold,
    is_latin,
    tally_sections,
)

OUT_JSONL = HERE / "blind_names_3.jsonl"
OUT_MD = HERE / "blind_names_3.md"
SEED = 20261204
TOTAL = 2000
PREFIX = "bn3"

# --------------------------------------------------------------------------- templates
# (app, field, category, template); same conventions as build_blind_names_2.py.
T = [
    # ---------------------------------------------------------------- omnix-pos (Kenya): pharmacy, HR/payroll, banking
    ("omnix-pos", "message", "title_ctx",
     "{X:netts} ERROR [Omnix.Pharmacy.Stock] batch {X:batch} expired on shelf {X:shelf}; last dispensed by {P1:full} at {X:branch} ({X:ms})"),
    ("omnix-pos", "message", "title_ctx",
     "Controlled substances register entry {X:n5} witnessed by {P1:full3} has no PPB registration number (RegisterValidationException)"),
    ("omnix-pos", "message", "title_ctx",
     "M-Pesa STK push for sale {X:saleid} cancelled by user (ResultCode 1032); cashier {P1:first} retried {X:n1} times before switching to cash"),
    ("omnix-pos", "message", "title_ctx",
     "SMS gateway rejected message (status 403 InvalidSenderId): \"Asante {P1:first}! Malipo yako ya KES {X:kes} yamepokelewa. Risiti {X:mpesa}\""),
    ("omnix-pos", "message", "title_ctx",
     "Payroll run {X:period} paused: salary advance of KES {X:kes} for {P1:lastfirst} breaks the one-third rule (PayrollRuleException PR-{X:n3})"),
    ("omnix-pos", "message", "title_ctx",
     "{X:netts} WARN Omnix.Banking.Reconcile[{X:thread}] cheque {X:n6} banked by {P1:init} returned unpaid (R01), customer account put on hold"),
    ("omnix-pos", "message", "title_ctx",
     "Night audit {X:branch}: {P1:full}'s till {X:till} short by KES {X:kes}; supervisor {P2:finit} notified by SMS"),
    ("omnix-pos", "message", "title_ctx",
     "Prescription RX{X:n6} cannot be transferred to {X:branch}: prescriber Dr. {P1:full} has no active licence in the PPB cache (lookup {X:ms})"),
    ("omnix-pos", "message", "title_ctx",
     "Leave balance for {P1:hyph} recalculated: carried-forward days capped at 15 (policy HR-LV-07), {X:n2} days forfeited"),
    ("omnix-pos", "receipt", "title_ctx",
     "Loyalty slip preview (32 cols) wrapped the greeting:\nKaribu tena, {P1:split}!\nPoints earned: {X:n3}"),
    ("omnix-pos", "message", "title_ctx",
     "Shift handover at {X:branch}: {P1:first} passed till {X:till} to {P2:first} with float KES {X:kes}, count differs by {X:n3}"),
    ("omnix-pos", "message", "title_ctx",
     "Refund on sale {X:saleid} authorised by {P1:full} is above the supervisor limit; escalated to branch manager {P2:full3}"),
    ("omnix-pos", "message", "title_ctx",
     "Supplier payment {X:hex8} held: bank name enquiry returned '{P1:full}', payee on file differs (match score {X:n2}%)"),
    ("omnix-pos", "message", "title_ctx",
     "Mfanyakazi {P1:full} hajasajiliwa kwenye kifaa cha alama za vidole (ZK-{X:n4}): FingerprintTemplateMissing"),
    ("omnix-pos", "message", "title_bare",
     "{P1:full} - clock-in from POS terminal {X:till} rejected: terminal is not a registered attendance device"),
    ("omnix-pos", "stack", "title_bare",
     "Omnix.Pharmacy.AllergyConflictException: {P1:full3} (penicillin)\n   at Omnix.Pharmacy.Dispense.CheckAllergies(Patient p, IList`1 items)\n   at Omnix.Pharmacy.Ui.DispenseForm.btnDispense_Click(Object sender, EventArgs e)"),
    ("omnix-pos", "message", "title_bare",
     "End-of-day sign-off {X:date}\n--------------------\n{P1:full}\n{P2:full}\n--------------------\nsignature capture failed (TopazSigPad timeout {X:sec})"),
    ("omnix-pos", "message", "title_bare",
     "Payroll exceptions {X:period}:\n  {P1:full} - no SHA number\n  {P2:full} - bank account closed\n  {P3:full4} - negative net pay"),
    ("omnix-pos", "receipt", "caps",
     "Fiscal printer returned 0x2C (paper end) while printing:\n  OMNIX PHARMACY {X:ubranch}\n  DISPENSED BY: {P1:ufirst}\n  PATIENT     : {P2:upper3}\n  TOTAL KES   {X:kes}"),
    ("omnix-pos", "message", "caps",
     "SHA CLAIM {X:n6} REJECTED: MEMBER NAME {P1:ulastfirst} DOES NOT MATCH REGISTER (CODE SHA-{X:n3})"),
    ("omnix-pos", "message", "caps",
     "EFT FILE PAY{X:n4}.TXT LINE {X:n3}: PAYEE {P1:ulastinit} AMT {X:kes} -- REJECTED: INVALID BRANCH CODE"),
    ("omnix-pos", "message", "caps",
     "Cheque print preview\nPAY: {P1:uascii3}\nKES {X:kes} ONLY\nChequeLayoutException: MICR line offset 2mm"),
    ("omnix-pos", "message", "lower",
     "mpesa c2b validation: bill ref '{P1:lowerfirst}{X:n2}' is not a valid account, rejecting {X:mpesa}"),
    ("omnix-pos", "message", "lower",
     "local sync agent: {P1:lower} signed in offline on {X:till}; {X:n2} sales queued for upload"),
    ("omnix-pos", "message", "lower",
     "patient search 'mama {P1:lowerfirst}' returned 0 rows in {X:ms} (typed at {X:till})"),
    ("omnix-pos", "payload", "struct",
     '{"Body":{"stkCallback":{"MerchantRequestID":"{X:n5}-{X:n8}-1","ResultCode":0,"CallbackMetadata":{"Item":[{"Name":"Amount","Value":{X:n4}},{"Name":"MpesaReceiptNumber","Value":"{X:mpesa}"}]}}},"_customer":"{P1:full}","_err":"sale not found"}'),
    ("omnix-pos", "stack", "struct",
     "System.Data.SqlClient.SqlException (0x80131904): Cannot insert duplicate key row in object 'pharm.Patients' with unique index 'IX_Patients_Name_Dob'. The duplicate key value is ({P1:sql}, {X:date}).\n   at Omnix.Pharmacy.Data.PatientRepository.Add(Patient p)"),
    ("omnix-pos", "message", "struct",
     "Payslip export failed: D:\\OmnixData\\Payroll\\{X:period}\\{P1:under}_payslip.pdf - IOException: The process cannot access the file because it is being used by another process."),
    ("omnix-pos", "message", "struct",
     "Omnix.Sync: machine OMX-{P1:ufirst}-LAPTOP last seen {X:hours} h ago, {X:n3} receipts pending upload"),
    ("omnix-pos", "message", "struct",
     "level=error module=hr.attendance emp={X:empno} name=\"{P1:full}\" device=ZK-{X:n4} err=\"template mismatch\" dur={X:ms}"),
    ("omnix-pos", "message", "struct",
     "Bank statement import line {X:n3}: {X:date};MPESA B2C;{P1:ulastfirst};{X:kes};CR -> duplicate of line {X:n2}"),
    ("omnix-pos", "message", "struct",
     "Crystal Reports: parameter {?StaffName} = '{P1:full}' returned no rows from vw_ShiftSummary (report ShiftZ.rpt, {X:ms})"),
    ("omnix-pos", "request", "struct",
     "POST https://omnix-cloud.example.co.ke/api/hr/staff?search={P1:plus}&branch=NYL -> 500 Internal Server Error ({X:ms})"),
    ("omnix-pos", "message", "struct",
     "C:\\ProgramData\\Omnix\\logs\\{P1:winuser}\\pos-{X:date}.log: There is not enough space on the disk. (0x80070070)"),
    ("omnix-pos", "payload", "struct",
     "<Staff><Id>{X:n4}</Id><Name>{P1:full3}</Name><Dept>{X:dept}</Dept></Staff> failed XSD validation: element 'KraPin' expected"),

    # ---------------------------------------------------------------- inventory-web (India): warehouses, GST, suppliers
    ("inventory-web", "message", "title_ctx",
     "ERROR {X:pyts} gst.einvoice IRN cancellation for {X:inv} refused (error 9999): the invoice was issued by {P1:full} more than 24 hours ago"),
    ("inventory-web", "message", "title_ctx",
     "Supplier onboarding stalled: penny-drop verification for proprietor {P1:full3} returned NAME_MISMATCH (ref {X:hex8})"),
    ("inventory-web", "message", "title_ctx",
     "{X:pyts} [WARNING] warehouse.putaway: {P1:first} scanned {X:n3} cartons into rack {X:shelf} at {X:wh}, {X:n1} labels unreadable"),
    ("inventory-web", "message", "title_ctx",
     "Credit note CN-{X:n5} against {X:inv} raised by {P1:firstinit} exceeds the taxable value of the original invoice"),
    ("inventory-web", "message", "title_ctx",
     "Stock audit {X:wh}: shortfall of {X:n2} units on {X:sku} reported by Mrs. {P1:last}, pending review by {P2:full}"),
    ("inventory-web", "message", "title_ctx",
     "PO-{X:n5} was amended by {P1:full} after the supplier had dispatched the goods (version conflict, etag {X:hex8})"),
    ("inventory-web", "message", "title_ctx",
     "jinja2.exceptions.UndefinedError: 'grn' is undefined while rendering mail line 1: \"Namaskar {P1:first} garu, your delivery at {X:wh} was rejected\""),
    ("inventory-web", "message", "title_ctx",
     "Transporter LR {X:n6} not linked: driver name {P1:full} differs from e-way bill {X:n12}"),
    ("inventory-web", "message", "title_ctx",
     "Delivery at {X:wh} received by {P1:init} on behalf of {P2:full}; POD-{X:n5} has no signature image"),
    ("inventory-web", "message", "title_ctx",
     "Supplier rating job skipped {P1:apos}'s account: no purchase invoices in FY 2024-25"),
    ("inventory-web", "message", "title_ctx",
     "{P1:full}'s login from a new device was blocked by the IP allowlist (org policy OP-{X:n2})"),
    ("inventory-web", "message", "title_ctx",
     "Tally sync: voucher {X:n5} narration 'paid to {P1:full} against bill {X:n4}' exceeds 100 characters"),
    ("inventory-web", "message", "title_ctx",
     "Price change request for {X:sku} pending with {P1:lastfirstmid} since {X:date} (SLA 48 h)"),
    ("inventory-web", "message", "title_ctx",
     "Dispatch manager {P1:hyphfirst} overrode the FEFO rule for batch {X:batch} (reason code OVR-{X:n2})"),
    ("inventory-web", "stack", "title_bare",
     "Traceback (most recent call last):\n  File \"/srv/app/gst/einvoice.py\", line {X:n3}, in build_payload\n    buyer = BuyerDetails.from_party(party)\n  File \"/srv/app/gst/models.py\", line {X:n2}, in from_party\n    raise MissingStateCode(party.name)\ngst.errors.MissingStateCode: {P1:full3}"),
    ("inventory-web", "message", "title_bare",
     "Pickers without a scanner at {X:wh} today: {P1:full}, {P2:full}, {P3:first}"),
    ("inventory-web", "message", "title_bare",
     "{P1:full} - GRN {X:grn} exceeds PO quantity by {X:n2} units (tolerance 2%)"),
    ("inventory-web", "stack", "title_bare",
     "Uncaught (in promise) Error: {P1:full}\n    at SupplierPicker.validate (supplier-picker.tsx:{X:n2}:{X:n2})\n    at HTMLButtonElement.onClick (main.{X:hex8}.js:1:{X:n5})"),
    ("inventory-web", "message", "caps",
     "ICICI CMS payout file line {X:n3}: BENEFICIARY NAME '{P1:uascii3}' CONTAINS INVALID CHARACTERS (CMS-{X:n3})"),
    ("inventory-web", "receipt", "caps",
     "DOT-MATRIX GATE PASS {X:n5}\nDRIVER : {P1:uascii}\nTRUCK  : {X:n2}\nERR: printer buffer overflow at column 81"),
    ("inventory-web", "message", "caps",
     "FoxPro export INVMAST.DBF rec {X:n4}: SMAN_NAME='{P1:ulast} {P1:ufirst}' padded to 30, checksum mismatch"),
    ("inventory-web", "message", "lower",
     "[{X:pyts}] WARNING inventory.search slow query (1.9s) for term \"{P1:lower}\" by user {X:n4}"),
    ("inventory-web", "message", "lower",
     "whatsapp bot: 'hi this is {P1:lowerfirst} from {X:wh} stores, stock not updated' matched no intent (confidence 0.{X:n2})"),
    ("inventory-web", "message", "lower",
     "notify.whatsapp: template po_approved param[0]='{P1:lower}' accepted, delivery pending for {X:sec}"),
    ("inventory-web", "message", "struct",
     'ERROR:  insert or update on table "grn_lines" violates foreign key constraint "grn_lines_received_by_fkey"\nDETAIL:  Key (received_by)=({P1:dotted}) is not present in table "auth_user".'),
    ("inventory-web", "message", "struct",
     "inventory.api ERROR Bad Request: /api/v2/po/{X:n5}/approve/ {'approver': ['{P1:full} cannot approve their own purchase order.']}"),
    ("inventory-web", "payload", "struct",
     '{"ts":"{X:isots}","lvl":"ERROR","svc":"invoice-pdf","invoice":"{X:inv}","prepared_by":"{P1:full}","checked_by":"{P2:lastfirst}","err":"wkhtmltopdf exited with code 1"}'),
    ("inventory-web", "request", "struct",
     "GET /warehouses/{X:whslug}/staff/{P1:kebab}/attendance?month={X:period} 404 ({X:ms})"),
    ("inventory-web", "message", "struct",
     "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: s3://inv-docs-prod/suppliers/{P1:under}/kyc/{X:hex8}.pdf"),
    ("inventory-web", "message", "struct",
     "supplier_import.csv:{X:n3}: \"{P1:full}\",\"{X:wh}\",,\"27\",\"Net 30\" -> gstin column is empty"),
    ("inventory-web", "message", "struct",
     "ts={X:isots} level=warn msg=\"scanner offline\" wh={X:wh} operator={P1:flast} device=ZB-{X:n4}"),
    ("inventory-web", "message", "struct",
     "UPDATE purchase_orders SET approved_by = '{P1:sql}', status = 'APPROVED' WHERE po_no = 'PO-{X:n5}' AND status = 'DRAFT'; -- 0 rows affected"),
    ("inventory-web", "message", "struct",
     "celery beat config error:\n  reminders:\n    owner: {P1:full}\n    cron: '*/15 * * *'\nValueError: cron expression needs 5 fields"),
    ("inventory-web", "message", "struct",
     "JWT rejected: sub=\"usr_{P1:concat}\" aud=inventory-web exp={X:epoch} (signature verification failed)"),

    # ---------------------------------------------------------------- support-chat widget and iOS app (UK)
    ("support-chat", "transcript", "title_ctx",
     "[chat {X:chatid}] agent: Hiya {P1:first}, so sorry your order arrived late. I've refunded the delivery charge of {X:gbp}."),
    ("support-chat", "transcript", "title_ctx",
     "customer: I ordered it for my husband {P1:first} but it's the wrong size\nagent: No problem at all, I'll email a returns label now."),
    ("support-chat", "message", "title_ctx",
     "Refund RF-{X:n6} for order {X:ukord} stuck in pending_finance: approved by team lead {P1:full} but the PSP returned 422"),
    ("support-chat-ios", "message", "title_ctx",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Chat] message from {P1:firstinit} failed to render: NSAttributedString HTML import timed out"),
    ("support-chat", "transcript", "title_ctx",
     "agent: Thanks {P1:first}, I've passed this to my colleague {P2:full} in the warehouse, who'll ring you tomorrow."),
    ("support-chat", "transcript", "title_ctx",
     "customer: apparently my neighbour {P1:full} signed for it but she says she never got it"),
    ("support-chat", "message", "title_ctx",
     "Satisfaction survey to {P1:full} suppressed: customer unsubscribed on {X:date} (campaign {X:hex8})"),
    ("support-chat", "transcript", "title_ctx",
     "agent: Good afternoon, {P1:first}. Just to confirm, you'd like the refund to the card ending {X:n4}?"),
    ("support-chat", "transcript", "title_ctx",
     "customer: Cheers {P1:first}, you're a star. Sorted!"),
    ("support-chat", "transcript", "title_ctx",
     "agent: I've checked the courier's photo and it looks like the parcel was left with {P1:init} next door."),
    ("support-chat-ios", "message", "title_ctx",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Rating] customer rated agent {P1:full} 1 star; comment of {X:n3} chars exceeds 500"),
    ("support-chat", "message", "title_ctx",
     "Chat transferred from {P1:first} to {P2:first} (skill: Payments) lost {X:n1} attachments (S3 CopyObject 404)"),
    ("support-chat", "transcript", "title_ctx",
     "agent: Lovely, that's all done for you. Take care now!\nBest wishes,\n{P1:full3}"),
    ("support-chat", "message", "title_ctx",
     "Supervisor barge-in by {P1:hyph} on {X:conv} failed: agent session already closed"),
    ("support-chat", "transcript", "title_bare",
     "{P1:first} joined the chat\n{P1:first}: Hello! How can I help today?\ncustomer: my discount code isn't working"),
    ("support-chat", "message", "title_bare",
     "Agents idle for more than 10 min at 14:00 UTC:\n- {P1:full}\n- {P2:full}\n- {P3:firstinit}"),
    ("support-chat", "transcript", "title_bare",
     "Transcript export {X:conv}\n{X:hhmmss} {P1:full}\n> where is my parcel\n{X:hhmmss} {P2:first}\n> Let me check that for you."),
    ("support-chat", "stack", "title_bare",
     "ConversationNotFoundException: {P1:full} / {X:conv}\n   at Support.Chat.History.Load(String customer, String conversationId)\n   at Support.Chat.Api.HistoryController.Get(String id)"),
    ("support-chat", "message", "caps",
     "Courier label generation failed (SHIP-{X:n3}): RECIPIENT '{P1:upper}' line 2 exceeds 35 characters after adding C/O"),
    ("support-chat", "transcript", "caps",
     "customer: {P1:ufirst} HERE AGAIN. STILL NO REFUND. THIS IS A JOKE"),
    ("support-chat", "message", "caps",
     "AS/400 order export ORDHDR rec {X:n6}: CUSTNAME={P1:ulastfirst} STATUS=RFND ERR=CPF5029"),
    ("support-chat", "message", "caps",
     "AVS result for {X:ukord}: cardholder {P1:ucard}, response N (no match), order held for review"),
    ("support-chat", "transcript", "lower",
     "customer: its me {P1:lowerfirst} from earlier, the link u sent doesnt work"),
    ("support-chat", "transcript", "lower",
     "customer: can u tell {P1:lowerfirst} in ur warehouse thanks from me and my mum lol"),
    ("support-chat", "message", "lower",
     "[widget] pre-chat form: name '{P1:lower}' accepted, email left blank, routed to Tier 1"),
    ("support-chat", "payload", "struct",
     '{"event":"message.created","conversation_id":"{X:conv}","author":{"role":"customer","display_name":"{P1:full}"},"text_len":{X:n3},"error":"moderation_timeout"}'),
    ("support-chat-ios", "message", "struct",
     "CoreData: error: (1555) UNIQUE constraint failed: ZAGENT.ZHANDLE, value {P1:dotted}, store Support.sqlite"),
    ("support-chat", "request", "struct",
     "POST /api/v1/conversations/{X:conv}/assign?agent={P1:dotted} HTTP/1.1 409 Conflict {X:ms}"),
    ("support-chat", "message", "struct",
     "helpdesk sync: ticket ZD-{X:n6} created with requester_name=\"{P1:full}\" tags=[refund,late_delivery] (422 requester email missing)"),
    ("support-chat-ios", "message", "struct",
     "Failed to load avatar https://cdn.shopco.co.uk/agents/{P1:kebab}.png?w=96 (NSURLErrorDomain -1001)"),
    ("support-chat", "message", "struct",
     "weekly_csat.csv line {X:n3}: {X:date},{X:conv},{P1:first},{P2:lastfirst},2,\"rude\" -> expected 6 columns, got 7"),
    ("support-chat", "message", "struct",
     "chat-router: agent_id=ag_{P1:flast} status=away queue=returns reason=\"max concurrent chats (3)\""),
    ("support-chat-ios", "message", "struct",
     "DecodingError.typeMismatch at [messages][{X:n2}].sender: expected String, found {\"first\":\"{P1:first}\",\"last\":\"{P1:last}\"}"),
    ("support-chat", "message", "struct",
     "Slack alert to #support-escalations failed (ratelimited, retry after {X:sec}): \"@{P1:flast} refund on {X:ukord} over {X:gbp} needs approval\""),
    ("support-chat-ios", "message", "struct",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Store] userDefaults chat.lastAgent = \"{P1:full}\" could not be archived (NSKeyedArchiver)"),

    # ---------------------------------------------------------------- time-tracker: shifts, clock-ins, timesheets
    ("time-tracker", "message", "title_ctx",
     "Clock-out missing for {P1:full} on {X:date}; auto-closed at 23:59 (policy TT-AUTO-2) and flagged for review"),
    ("time-tracker", "message", "title_ctx",
     "Rota publish for {X:week} blocked: {P1:full} is scheduled {X:n2} hours, above the contracted 37.5 (no WTR opt-out on file)"),
    ("time-tracker", "message", "title_ctx",
     "Geofence warning: {P1:first}'s phone reported a position {X:metres} m from {X:site} at clock-in"),
    ("time-tracker", "message", "title_ctx",
     "Timesheet {X:week} approved by {P1:finit} on behalf of {P2:full}, who is on annual leave"),
    ("time-tracker", "message", "title_ctx",
     "Open shift SH-{X:n5} awarded to {P1:full3} by seniority; {X:n1} other bids declined"),
    ("time-tracker", "message", "title_ctx",
     "Fit note uploaded by {P1:full} failed the virus scan (Heuristics.PDF.ObfuscatedObject), file quarantined"),
    ("time-tracker", "message", "title_ctx",
     "Payroll cut-off reminder: manager {P1:lastfirst} still has {X:n2} timesheets waiting for approval"),
    ("time-tracker", "message", "title_ctx",
     "Kiosk greeting 'Morning, {P1:first}!' shown after {X:ms}; face match 0.{X:n2} below threshold, PIN fallback"),
    ("time-tracker", "message", "title_ctx",
     "Annual leave request from {P1:hyphfirst} for {X:date} breaks the team minimum of 3 on site"),
    ("time-tracker", "message", "title_ctx",
     "{P1:full}'s contracted hours changed from 30 to 37.5 by {P2:full}; accrual job {X:hex8} failed"),
    ("time-tracker", "message", "title_ctx",
     "TOIL balance of {P1:init} went negative (-{X:hrs} h) after a shift swap with {P2:first}"),
    ("time-tracker", "message", "title_ctx",
     "Cover request: {P1:first} asked {P2:first}, {P3:first} and {P4:first} to cover nights at {X:site}; nobody accepted in {X:hours} h"),
    ("time-tracker", "message", "title_ctx",
     "SMS send failed (Twilio 21610): \"Hi {P1:first}, your shift on {X:date} at {X:site} now starts at {X:hhmm}. Reply STOP to opt out\""),
    ("time-tracker", "message", "title_ctx",
     "Break started by {P1:full} at {X:hhmm} never ended; supervisor {P2:firstinit} must correct the record"),
    ("time-tracker", "message", "title_bare",
     "{P1:full} (nights, {X:site}) - punch IN {X:hhmm} duplicated by offline kiosk replay"),
    ("time-tracker", "message", "title_bare",
     "Unapproved timesheets {X:week}: {P1:full}; {P2:full3}; {P3:full} - reminder batch {X:hex8} failed"),
    ("time-tracker", "stack", "title_bare",
     "TimeTracker.Domain.ShiftOverlapException: {P1:full} already has shift SH-{X:n5}\n   at TimeTracker.Domain.Rota.Assign(Employee e, Shift s)\n   at TimeTracker.Api.RotaController.Post(AssignShiftRequest req)"),
    ("time-tracker", "message", "title_bare",
     "Rota printout footer overflow:\n\n{P1:full}\nStore Manager, {X:site}"),
    ("time-tracker", "message", "caps",
     "Legacy clock upload line {X:n3}: {X:n6} {P1:ulastinit} IN {X:hhmm} -> badge not mapped"),
    ("time-tracker", "message", "caps",
     "TIMESHEET PDF: EMPLOYEE {P1:upper} / MANAGER {P2:upper} - wkhtmltopdf exit 1 (HostNotFoundError)"),
    ("time-tracker", "message", "caps",
     "Payroll bureau file rejected: SURNAME '{P1:ulast}' and FORENAME '{P1:ufirst}' are swapped (rule PB-{X:n2})"),
    ("time-tracker", "message", "lower",
     "manager note on {X:week}: '{P1:lowerfirst} left early again, pls dock 30 mins' saved without a reason code"),
    ("time-tracker", "message", "lower",
     "kiosk pin login failed 3 times for {P1:lower}, account locked 15 min"),
    ("time-tracker", "message", "lower",
     "slack bot: /clockin from {P1:lowerfirst}{X:n2} in #{X:siteslug} - slack user not linked to an employee"),
    ("time-tracker", "payload", "struct",
     '{"employee_id":"E{X:n5}","name":{"first":"{P1:first}","last":"{P1:last}","preferred":"{P1:middle}"},"shift":"SH-{X:n5}","error":"shift_locked"}'),
    ("time-tracker", "request", "struct",
     "GET /v2/rota?manager={P1:pct}&site={X:siteslug}&week={X:week} 500 ({X:ms}) TypeError: Cannot read properties of null (reading 'shifts')"),
    ("time-tracker", "message", "struct",
     "ERROR 1062 (23000): Duplicate entry '{P1:sql}-{X:date}' for key 'timesheets.uniq_employee_day'"),
    ("time-tracker", "message", "struct",
     "/var/tt/exports/{X:week}/{P1:last}_{P1:first}.csv: write failed (ENOSPC)"),
    ("time-tracker", "message", "struct",
     "tt-sync level=error site={X:siteslug} emp=\"{P1:lastfirst}\" punches=4 err=\"clock skew {X:sec}\""),
    ("time-tracker", "message", "struct",
     "rota_import.csv row {X:n2}: {P1:full},{X:date},07:00,15:00,{X:site},,,\n  ^ expected 6 fields, saw 9"),
    ("time-tracker", "message", "struct",
     "\\\\TT-NAS02\\Payroll\\{X:period}\\Overtime\\{P1:full}.xlsx: The network path was not found. (0x80070035)"),
    ("time-tracker", "message", "struct",
     "Intune: device \"{P1:first}'s iPhone\" ({X:uuid}) is not compliant, time tracker app blocked"),
    ("time-tracker", "request", "struct",
     "POST /api/punch?emp={P1:flast}&type=in&kiosk={X:n2} 401 token expired"),
    ("time-tracker", "message", "struct",
     "ICS feed error for SH-{X:n5}: ATTENDEE;CN={P1:full}:mailto:rota@shopco.example breaks RFC 5545 line folding"),
]  # fmt: skip

# --------------------------------------------------------------------------- fillers and renderings


def filler3(kind: str, rng: random.Random) -> str:
    """The few filler kinds this set adds; every other kind is the second set's filler."""
    r = rng.randint
    if kind == "ubranch":
        return rng.choice(BRANCHES).upper()
    if kind == "whslug":
        return rng.choice(WAREHOUSES).lower()
    if kind == "mpesa":
        return rng.choice("RSTU") + "".join(
            rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(9)
        )
    if kind == "kes":
        return f"{r(50, 48000):,}.{rng.choice(['00', '50'])}"
    if kind == "gbp":
        return f"\u00a3{r(3, 300)}.{r(0, 99):02d}"
    return filler(kind, rng)


class Person3(Person):
    def render(self, form: str) -> tuple[list[tuple[str, str]], list[str]]:
        f, m, la = self.first, self.middle, self.last
        if (
            form == "finit"
        ):  # "J. Kamau": the initial stays outside the span (no single letter passes the split)
            if not is_latin(f):
                raise Retry
            return [("sep", f"{fold(f)[0].upper()}. "), ("name", la)], [la]
        if form == "firstinit":  # "Wanjiku K."
            if not is_latin(la):
                raise Retry
            return [("name", f), ("sep", f" {fold(la)[0].upper()}.")], [f]
        if form == "ulastinit":  # "KAMAU J"
            if not is_latin(f):
                raise Retry
            return [("name", la.upper()), ("sep", f" {fold(f)[0].upper()}")], [la]
        if form == "lastfirstmid":  # "Kamau, Wanjiku Njeri"
            return [("name", la), ("sep", ", "), ("name", f"{f} {m}")], [f, m, la]
        if form == "uascii3":
            return [("name", fold(f"{f} {m} {la}").upper())], [f, m, la]
        return super().render(form)


NEW_FORMS = {
    "finit": "title",
    "firstinit": "title",
    "lastfirstmid": "title",
    "ulastinit": "caps",
    "uascii3": "caps",
}
FORM_CASE3 = {**FORM_CASE, **NEW_FORMS}


# --------------------------------------------------------------------------- summary


def word_set_fingerprint(excluded: frozenset[str]) -> str:
    return hashlib.sha256("\n".join(sorted(excluded)).encode()).hexdigest()[:16]


def write_md(records: list[dict], form_counts: Counter, size: int) -> str:
    spans = sum(len(r["pii"]) for r in records)
    common = sum(r["common_word"] for r in records)
    n = len(records)
    lines = [
        "# Blind PERSON evaluation set 3",
        "",
        "The third blind set. Held out from scrubber tuning: do not read the records or tune against them;",
        "use only its aggregate recall figure. Written 2026-12-04 without reference to the scrubber.",
        "",
        f"Regenerate (deterministic, seed {SEED}): `.venv/bin/python tests/corpus/build_blind_names_3.py`.",
        "",
        "Split rule and name pools imported unchanged from `build_blind_names_2.py` (and through it",
        "`build_blind_names.py`): a name token is used only if `sha256(token.casefold())` is odd and the token (and",
        "every run of letters in it) appears in no `.py`/`.txt` file under `scrubbers/`; every rendering's letter runs",
        "must pass too. Sources: Faker locales, `names_dataset` top names, French given names with Cameroonian",
        "surnames (`"
        + FR_SOURCE
        + "`) and the curated apostrophe names. The split reads `scrubbers/` at build time.",
        "The templates were written for this set alone (none from the first or second blind set). New renderings:",
        "`finit` (`J. Kamau`), `firstinit` (`Wanjiku K.`), `ulastinit` (`KAMAU J`) whose initial is written but",
        "left outside the span (no single letter passes the split), `lastfirstmid`, `uascii3`.",
        "",
        "Record: `{id, app, field, text, pii:[{start,end,label:PERSON}], keep:[], region, source, common_word}`;",
        "`common_word` is true when a name token has English Zipf frequency >= 3.0 (wordfreq).",
        "",
        (
            f"Records: {n} from {len(T)} templates; PERSON spans: {spans}; common_word records: {common};"
            f" JSONL size {size} bytes."
        ),
        "",
        "## Templates and records per form category",
        "",
        "title_ctx: title case after a context word; title_bare: title case with none (line start, alone in a",
        "field, lists, exception message); caps; lower; struct: JSON, SQL, CSV, query strings, URL paths, handles,",
        "file and share paths, machine names, log key=value.",
        "",
        *tally_sections(records, T, form_counts, FORM_CASE3),
    ]
    return "\n".join(lines)


def check_split(records: list[dict], excluded: frozenset[str]) -> int:
    """Letter runs of PERSON spans that break the split rule (must be 0)."""
    return sum(
        not token_eligible(run, excluded)
        for r in records
        for span in r["pii"]
        for run in letter_runs(r["text"][span["start"] : span["end"]])
    )


def main() -> None:
    excluded = scrubber_words()
    records, form_counts = build(T, SEED, TOTAL, PREFIX, filler3, Person3, FORM_CASE3)
    if word_set_fingerprint(scrubber_words()) != word_set_fingerprint(excluded):
        raise SystemExit("scrubbers/ changed during the build; run again")
    if check_split(records, excluded):
        raise SystemExit("split rule violated")
    data = "".join(
        json.dumps(
            {k: v for k, v in r.items() if not k.startswith("_")}, ensure_ascii=False
        )
        + "\n"
        for r in records
    )
    OUT_JSONL.write_text(data, encoding="utf-8")
    size = OUT_JSONL.stat().st_size
    if size >= 1_500_000:
        raise SystemExit(f"{OUT_JSONL.name} is {size} bytes (limit 1.5 MB)")
    OUT_MD.write_text(
        write_md(records, form_counts, size),
        encoding="utf-8",
    )
    print(f"wrote {len(records)} records ({size} bytes) to {OUT_JSONL}")
    print(f"scrubbers/ word-set fingerprint {word_set_fingerprint(excluded)}")


if __name__ == "__main__":
    main()
