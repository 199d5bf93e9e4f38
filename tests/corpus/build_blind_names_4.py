"""Build the fourth blind PERSON evaluation set: ``blind_names_4.jsonl`` and ``blind_names_4.md``.

Held out from scrubber tuning: look only at its summary (``blind_names_4.md``) and an
aggregate recall figure, never at its records.

Written 2026-12-04 without reference to the scrubber. Everything except the templates, the
seed and one filler is imported unchanged from ``build_blind_names_3.py`` (renderings and
fillers), ``build_blind_names_2.py`` (generation, validation, the francophone Cameroon mix,
the curated apostrophe names) and ``build_blind_names.py`` (name pools and the split rule: a
token is usable only if ``sha256(token.casefold())`` is odd and the token, and every run of
letters in it, is absent from every ``.py``/``.txt`` file under ``scrubbers/``).

The templates below are new (none from the first, second or third blind set): log lines,
exception and stack-trace messages, audit trails, API error bodies, webhook payloads, CSV/TSV
exports, SQL, YAML, XML, protobuf text, GraphQL errors, syslog, Windows event log, EDI
segments, vCard, iCal, e-mail headers without addresses and SMS texts, some in Swahili and
Hinglish. No new name renderings; one new filler (``sysl``, a syslog timestamp).

Deterministic for a given content of ``scrubbers/`` (the split rule reads it):
``.venv/bin/python tests/corpus/build_blind_names_4.py``.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.corpus.build_blind_names import scrubber_words  # noqa: E402
from tests.corpus.build_blind_names_2 import FR_SOURCE, build, tally_sections  # noqa: E402
from tests.corpus.build_blind_names_3 import (  # noqa: E402
    FORM_CASE3,
    Person3,
    check_split,
    filler3,
    word_set_fingerprint,
)

OUT_JSONL = HERE / "blind_names_4.jsonl"
OUT_MD = HERE / "blind_names_4.md"
SEED = 20261205
TOTAL = 2000
PREFIX = "bn4"

# --------------------------------------------------------------------------- templates
# (app, field, category, template); same conventions as build_blind_names_2.py.
T = [
    # ---------------------------------------------------------------- omnix-pos (Kenya): pharmacy, HR/payroll, banking
    ("omnix-pos", "message", "title_ctx",
     "{X:netts} [ERR] Omnix.Banking.Transfer: RTGS to beneficiary {P1:full} rejected by bank (AC04 account closed); batch {X:hex8} rolled back after {X:ms}"),
    ("omnix-pos", "message", "title_ctx",
     "Final dues for deceased employee {P1:full3} on hold: next of kin {P2:full} has not uploaded the burial permit (HR-ND-{X:n3})"),
    ("omnix-pos", "message", "title_ctx",
     "Malipo ya mshahara ya {P1:full} yamekataliwa na benki: jina halilingani na akaunti (ref {X:hex8}, {X:period})"),
    ("omnix-pos", "message", "title_ctx",
     "M-Pesa B2C payout {X:mpesa} to {P1:full} reversed (ResultCode 2001: the initiator information is invalid); retry queued for {X:hhmm}"),
    ("omnix-pos", "message", "title_ctx",
     "Prescription RX{X:n6} dispensed on behalf of {P1:full} to guardian {P2:first} at {X:branch}; patient is under 12 and no ID was captured"),
    ("omnix-pos", "message", "title_ctx",
     "Staff advance SA-{X:n4} blocked: guarantor {P1:full} already guarantees {X:n1} open advances (policy HR-GT-3)"),
    ("omnix-pos", "message", "title_ctx",
     "Onboarding checklist for {P1:lastfirstmid} ({X:empno}) stuck at step 4: no emergency contact recorded"),
    ("omnix-pos", "message", "title_ctx",
     "Till {X:till} at {X:branch} reassigned from {P1:first} to {P2:first} mid-shift; {X:n1} open sales moved, float recount pending"),
    ("omnix-pos", "message", "title_ctx",
     "SMS status UNDELIVERED after {X:sec}: \"Pole {P1:first}, muamala wako wa KES {X:kes} haukukamilika. Tafadhali jaribu tena.\""),
    ("omnix-pos", "message", "title_ctx",
     "Controlled-drug stock take at {X:branch} counted by {P1:finit} with witness {P2:full}: morphine 10mg variance -{X:n1} ampoules"),
    ("omnix-pos", "message", "title_ctx",
     "Insurance pre-authorisation PA-{X:n6} for principal member {P1:full} denied: dependant {P2:first} is not on the scheme (code {X:n3})"),
    ("omnix-pos", "message", "title_ctx",
     "Cash-in-transit pickup at {X:branch} signed by {P1:full3} at {X:hhmm}; bag seal {X:n6} does not match the manifest"),
    ("omnix-pos", "message", "title_ctx",
     "Payroll {X:period}: {P1:hyph}'s HELB deduction of KES {X:kes} exceeds net pay, deferred to next period"),
    ("omnix-pos", "message", "title_bare",
     "{P1:full3}\nStaff No: {X:empno}\nBranch: {X:branch}\n-- badge print failed: Evolis Primacy ribbon not detected"),
    ("omnix-pos", "stack", "title_bare",
     "Omnix.Banking.PayeeNameMismatchException: {P1:full} != {P2:full}\n   at Omnix.Banking.Eft.PayeeValidator.Validate(Payee expected, BankEnquiryResult actual)\n   at Omnix.Banking.Eft.BatchBuilder.Add(PaymentLine line)"),
    ("omnix-pos", "message", "title_bare",
     "Next of kin import {X:date}:\n{P1:full} | spouse\n{P2:full} | child\n{P3:full} | sibling\n-- {X:n1} rows without a relation code"),
    ("omnix-pos", "message", "title_bare",
     "{P1:full}, {P2:full} - both rostered as pharmacist-in-charge at {X:branch} on {X:date}; roster publish aborted"),
    ("omnix-pos", "message", "caps",
     "BULK UPLOAD REJECT {X:date}\nREC {X:n4} BENEFICIARY: {P1:uascii3}\nREASON: NAME EXCEEDS 30 CHARS"),
    ("omnix-pos", "receipt", "caps",
     "Thermal printer dump (TM-m30):\nKARIBU OMNIX {X:ubranch}\nMHUDUMU: {P1:ufirst}\nMTEJA: {P2:upper}\n*** PAPER JAM ***"),
    ("omnix-pos", "message", "caps",
     "SWIFT MT103 field 59 rejected:\n:59:/{X:n12}\n{P1:ulastfirst}\nNAIROBI KE\n(line 2: invalid character for X character set)"),
    ("omnix-pos", "message", "caps",
     "CHEQUE REGISTER NO {X:n6} PAYEE {P1:surcaps} STATUS STOPPED BY {P2:ulast}"),
    ("omnix-pos", "message", "lower",
     "pos-agent: user '{P1:lower}' opened the cash drawer with F9 outside a sale on {X:till} ({X:branch})"),
    ("omnix-pos", "message", "lower",
     "mpesa c2b: account ref '{P1:lowerlast}' matches {X:n1} customers, parking {X:mpesa} in suspense"),
    ("omnix-pos", "message", "struct",
     "Log Name: Application\nSource: OmnixPOS\nEvent ID: 1026\nLevel: Error\nUser: OMNIX\\{P1:winuser}\nDescription: Application: Omnix.Pos.exe\nException Info: System.IO.IOException: The device is not ready."),
    ("omnix-pos", "message", "struct",
     "payroll.yaml line {X:n2}: mapping values are not allowed here\n  - employee: {P1:full}\n    bank: {X:n2}-{X:n3}\n    beneficiary: {P2:full}: spouse"),
    ("omnix-pos", "payload", "struct",
     "<Payment><Beneficiary><Name>{P1:upper}</Name><Acc>{X:n12}</Acc></Beneficiary><Nominee>{P2:full}</Nominee></Payment> -- XmlException: Unexpected end of file has occurred."),
    ("omnix-pos", "message", "struct",
     "INSERT INTO hr.NextOfKin (EmpNo, KinName, Relation) VALUES ('{X:empno}', N'{P1:sql}', 'Mother') -- Msg 8152, Level 16: String or binary data would be truncated."),
    ("omnix-pos", "message", "struct",
     "EFT_{X:period}.csv line {X:n3}: \"{X:n12}\",\"{P1:ulastfirst}\",\"{X:kes}\",\"SALARY\" -> amount has a thousands separator"),
    ("omnix-pos", "message", "struct",
     "ts={X:isots} app=omnix-pos mod=pharmacy.dispense pharmacist={P1:flast} rx=RX{X:n6} err=\"interaction check service unavailable\""),
    ("omnix-pos", "request", "struct",
     "GET /api/banking/payees?name={P1:pct}&bank=68 -> 504 Gateway Timeout ({X:ms})"),
    ("omnix-pos", "message", "struct",
     "Could not load fingerprint template C:\\Omnix\\Biometrics\\{X:till}\\{P1:under}.fpt (FileFormatException: bad header)"),
    ("omnix-pos", "payload", "struct",
     '{"Result":{"ResultType":0,"ResultCode":1,"ResultDesc":"The balance is insufficient for the transaction.","ReceiverPartyPublicName":"{X:n3}****{X:n3} - {P1:upper}","TransactionAmount":{X:n4}}}'),
    ("omnix-pos", "message", "struct",
     "omnix.sync.v1.StaffRecord text parse error at 6:1: expected \"}\"\nstaff {\n  id: {X:n4}\n  display_name: \"{P1:full}\"\n  role: CASHIER\n"),

    # ---------------------------------------------------------------- inventory-web (India): warehouses, GST, suppliers
    ("inventory-web", "message", "title_ctx",
     "E-way bill {X:n12} extension refused (NIC 367): vehicle breakdown declared by transporter contact {P1:full} after validity expired"),
    ("inventory-web", "message", "title_ctx",
     "{X:pyts} ERROR purchase.approval PO-{X:n5} escalated to {P1:full} after {X:hours} h with no action from {P2:first}"),
    ("inventory-web", "message", "title_ctx",
     "Picker {P1:first} short-picked {X:n2} units of {X:sku} at {X:wh}; wave {X:n4} re-released to {P2:first}"),
    ("inventory-web", "message", "title_ctx",
     "Bhai {P1:first}, GRN {X:grn} abhi tak approve nahi hua, supplier baar baar call kar raha hai -- comment saved, push failed (FCM 404)"),
    ("inventory-web", "message", "title_ctx",
     "Debit note DN-{X:n5} raised per {P1:full}'s instructions could not be posted: GSTR-2B shows the supplier invoice as not filed"),
    ("inventory-web", "message", "title_ctx",
     "Goods returned c/o {P1:full}, {X:wh} dispatch desk; RTV-{X:n5} has no transporter document number"),
    ("inventory-web", "message", "title_ctx",
     "Attn {P1:full3}: supplier payment of Rs {X:n6} is on hold because the TDS 194Q threshold was crossed this FY"),
    ("inventory-web", "message", "title_ctx",
     "Stock transfer note STN-{X:n5} reassigned from {P1:full} to {P2:full}, but the old assignee still holds the pick lock"),
    ("inventory-web", "message", "title_ctx",
     "Driver {P1:full} ne POD upload kiya, lekin photo blurry hai (OCR confidence 0.{X:n2}); challan {X:dc} pending verification"),
    ("inventory-web", "message", "title_ctx",
     "Invoice {X:inv} mail (cc: {P1:full}, {P2:full}) bounced: 552 message size exceeds fixed limit"),
    ("inventory-web", "message", "title_ctx",
     "Ledger reconciliation for Shri {P1:full} ({X:vendor}) differs by Rs {X:n5} from the Tally closing balance"),
    ("inventory-web", "message", "title_ctx",
     "Cycle count task assigned to {P1:firstinit} at {X:wh} expired; bin {X:shelf} was counted by {P2:hyphfirst} instead"),
    ("inventory-web", "message", "title_ctx",
     "Rider {P1:first} marked challan {X:dc} delivered {X:metres} m away from the drop pin; geo-audit flag raised"),
    ("inventory-web", "stack", "title_bare",
     "UnhandledPromiseRejection: ValidationError: {P1:full} is not an active transporter contact\n    at validateTransporter (/app/dist/ewaybill/validate.js:{X:n2}:{X:n2})\n    at async generateEwb (/app/dist/ewaybill/index.js:{X:n3}:{X:n2})"),
    ("inventory-web", "message", "title_bare",
     "Night shift loaders, {X:wh}:\n1. {P1:full}\n2. {P2:full}\n3. {P3:full}\n(export truncated by xlsxwriter)"),
    ("inventory-web", "message", "title_bare",
     "{P1:full} and {P2:full} approved credit note CN-{X:n5} within {X:sec} of each other; duplicate posting prevented"),
    ("inventory-web", "message", "title_bare",
     "E-invoice QR page overflow:\n\n{P1:full3}\nAuthorised Signatory\n{X:wh}"),
    ("inventory-web", "message", "caps",
     "EDI 856 rejected: N1*SF*{P1:upper}~ element N102 too long (AK4*2*93*4~)"),
    ("inventory-web", "receipt", "caps",
     "LORRY RECEIPT {X:n6} (CONSIGNOR COPY)\nDRIVER NAME: {P1:uascii}\nCLEANER: {P2:ufirst}\nERR: PRN spool size 0"),
    ("inventory-web", "message", "caps",
     "EDIFACT DESADV rejected: NAD+DP+++{P1:ulastfirst}' party name belongs in C080, not C058"),
    ("inventory-web", "message", "lower",
     "[{X:pyts}] INFO chatops: '@{P1:lowerfirst} stock check karo {X:sku} ka' -> command not recognised"),
    ("inventory-web", "message", "lower",
     "autocomplete cache miss for transporter '{P1:lower}' ({X:ms}), falling back to trigram search"),
    ("inventory-web", "message", "lower",
     "sms inbound: 'main {P1:lowerfirst} bol raha hu, truck gate pe khada hai' -> unparsed, forwarded to {X:wh} desk"),
    ("inventory-web", "payload", "struct",
     '{"errors":[{"message":"Supplier contact \\"{P1:full}\\" is already linked to vendor {X:vendor}","path":["linkContact"],"extensions":{"code":"CONFLICT"}}],"data":null}'),
    ("inventory-web", "message", "struct",
     "SELECT id, vehicle_no FROM eway_bills WHERE driver_name ILIKE '%{P1:sqllast}%' AND status = 'ACTIVE';\nERROR:  canceling statement due to statement timeout"),
    ("inventory-web", "message", "struct",
     "transporters_{X:period}.tsv:{X:n3}: {X:vendor}\t{P1:full}\t{X:n2}\tACTIVE\t\t -> too many fields (expected 4)"),
    ("inventory-web", "message", "struct",
     "level=error ts={X:isots} caller=ewaybill/client.go:{X:n3} msg=\"generate failed\" transporter_id={X:n5} driver=\"{P1:full}\" nic_code=238"),
    ("inventory-web", "message", "struct",
     "fixtures/warehouses.yaml: found duplicate key 'incharge' at line {X:n2}\n- code: {X:wh}\n  incharge: {P1:full}\n  incharge: {P2:full}"),
    ("inventory-web", "request", "struct",
     "DELETE /api/v1/pickers/{P1:dotted}/assignments/{X:n5} 423 Locked ({X:ms})"),
    ("inventory-web", "message", "struct",
     "KeyError: 'hsn_code'\nlocals: line={'item': '{X:sku}', 'qty': {X:n2}, 'prepared_by': '{P1:full}', 'approved_by': '{P2:lastfirst}'}"),
    ("inventory-web", "payload", "struct",
     '{"task":"notify.sms","args":["{P1:first}",{X:n5}],"kwargs":{"lang":"hi"},"exc":"ProviderError: DLT template mismatch"}'),
    ("inventory-web", "payload", "struct",
     "<BuyerDtls><LglNm>{P1:full3}</LglNm><Stcd>27</Stcd></BuyerDtls> -- IRP error 2283: pincode does not belong to the state"),
    ("inventory-web", "message", "struct",
     "PIL.UnidentifiedImageError: cannot identify image file '/srv/media/pod/{X:whslug}/{X:date}/{P1:kebab}-signature.jpg'"),

    # ---------------------------------------------------------------- support-chat widget and iOS app (UK)
    ("support-chat", "transcript", "title_ctx",
     "[chat {X:chatid}] agent: I'm really sorry, {P1:first}. I've escalated this to {P2:full} on our Resolutions team."),
    ("support-chat", "transcript", "title_ctx",
     "customer: I'm messaging on behalf of my dad, {P1:full}, he can't use the app\nagent: That's fine, can you confirm the order number?"),
    ("support-chat", "message", "title_ctx",
     "Courier event 013 for {X:ukord}: 'Delivered - left with neighbour at no. {X:n2}, signed {P1:last}'"),
    ("support-chat", "message", "title_ctx",
     "Review moderation: 1-star review by {P1:firstinit} names staff member {P2:first}; held for manual approval (policy RV-{X:n1})"),
    ("support-chat", "message", "title_ctx",
     "Slack post failed (user_not_in_channel): \"@{P1:first} can you pick up {X:conv}? customer is asking for a manager\""),
    ("support-chat", "transcript", "title_ctx",
     "agent: Hiya {P1:first}, it's {P2:first} again. Good news, the replacement is out for delivery today."),
    ("support-chat", "message", "title_ctx",
     "Refund of {X:gbp} to {P1:full} for {X:ukord} refused by the PSP (Transaction Not Permitted); ticket reopened"),
    ("support-chat", "transcript", "title_ctx",
     "customer: my partner {P1:first} ordered it on my account, can you move it into her name?"),
    ("support-chat", "message", "title_ctx",
     "Chat {X:conv} reassigned from {P1:full} to {P2:full} by supervisor {P3:finit} (reason: shift end)"),
    ("support-chat-ios", "message", "title_ctx",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Voice] call with agent {P1:full} dropped: AVAudioSession interruption began"),
    ("support-chat", "message", "title_ctx",
     "Complaint CMP-{X:n5}: customer says the courier driver {P1:first} threw the parcel over the gate; photo attached"),
    ("support-chat", "transcript", "title_ctx",
     "agent: Lovely to speak to you, Mrs {P1:last}. I'll pop a note on the account so the next person knows."),
    ("support-chat-ios", "message", "title_ctx",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Review] SKStoreReviewController prompt suppressed for {P1:first}: already shown 3 times this year"),
    ("support-chat", "transcript", "title_bare",
     "{P1:full} left the conversation\n{P2:full} joined the conversation\nsystem: transcript {X:conv} not emailed (SES throttling)"),
    ("support-chat", "message", "title_bare",
     "Returns queue, WFM snapshot {X:hhmm}:\n{P1:full}\n{P2:full}\n{P3:full}"),
    ("support-chat", "stack", "title_bare",
     "Support.Refunds.RefundLimitExceededException: {P1:full} requested {X:gbp} (limit \u00a350.00)\n   at Support.Refunds.Policy.Check(Agent agent, Decimal amount)\n   at Support.Refunds.Api.RefundController.Post(RefundRequest req)"),
    ("support-chat-ios", "stack", "title_bare",
     "Assertion failed: {P1:full} has no avatar colour assigned: file ShopSupport/AvatarPalette.swift, line {X:n3}"),
    ("support-chat", "message", "caps",
     "LABEL API 400: DELIVERY NAME '{P1:upper}' PLUS 'C/O {P2:upper}' EXCEEDS 35 CHARACTERS"),
    ("support-chat", "transcript", "caps",
     "customer: I WANT TO SPEAK TO {P1:ufirst} NOT A BOT"),
    ("support-chat", "message", "caps",
     "Returns desk slip\nCUSTOMER: {P1:upper3}\nORDER: {X:ukord}\n-- PDF rendered blank (pdfkit timeout after {X:sec})"),
    ("support-chat", "transcript", "lower",
     "customer: hiya im {P1:lowerfirst}'s mum, she ordered the trainers on my card"),
    ("support-chat-ios", "message", "lower",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Search] order search \"{P1:lower}\" returned 0 results"),
    ("support-chat", "transcript", "lower",
     "customer: the courier guy said his name was {P1:lowerfirst} if that helps"),
    ("support-chat", "payload", "struct",
     '{"type":"review.created","data":{"rating":1,"reviewer":"{P1:firstinit}","mentions":["{P2:first}"],"order":"{X:ukord}"},"error":"signature_mismatch"}'),
    ("support-chat-ios", "message", "struct",
     "NSInvalidArgumentException: -[__NSCFString objectForKey:]: unrecognized selector sent to instance; userInfo = {\n    agentName = \"{P1:full}\";\n    queue = returns;\n}"),
    ("support-chat", "message", "struct",
     "vCard import failed at line 3:\nBEGIN:VCARD\nVERSION:3.0\nN:{P1:last};{P1:first};;;\nFN:{P1:full}\nEND:VCARD"),
    ("support-chat", "message", "struct",
     "From: {P1:full}\nTo: Refunds Team\nSubject: Re: [{X:conv}] parcel never arrived\nX-Mailer: iPhone Mail\n-- inbound parse: no text/plain part"),
    ("support-chat", "message", "struct",
     "refunds_{X:date}.csv:{X:n3}: {X:ukord};{X:gbp};\"{P1:lastfirst}\";approved_by={P2:flast} -> mixed delimiters"),
    ("support-chat", "request", "struct",
     "GET /v2/reviews?reviewer={P1:plus}&min_rating=1 429 Too Many Requests (retry-after {X:sec})"),
    ("support-chat-ios", "message", "struct",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Network] GraphQL error: {\"message\":\"Agent '{P1:dotted}' not found\",\"locations\":[{\"line\":2,\"column\":3}]}"),
    ("support-chat", "payload", "struct",
     "<courierEvent><tracking>{X:n12}</tracking><signatory>{P1:full}</signatory><status>DLV</status></courierEvent> -- SAXParseException: Content is not allowed in prolog."),
    ("support-chat", "stack", "struct",
     "TypeError: Cannot read properties of undefined (reading 'avatarUrl')\n    at renderAgent (widget.{X:hex8}.js:1:{X:n5})\nstate.agent = {name: \"{P1:full}\", online: true, team: \"returns\"}"),

    # ---------------------------------------------------------------- time-tracker: shifts, clock-ins, timesheets, leave
    ("time-tracker", "message", "title_ctx",
     "Clock-in by {P1:full} at {X:site} was {X:min} min before the shift; manager {P2:full} must approve the early start"),
    ("time-tracker", "message", "title_ctx",
     "Bereavement leave LV-{X:n5} for {P1:full} approved per {P2:full}; payroll code for compassionate leave not mapped"),
    ("time-tracker", "message", "title_ctx",
     "Owner: {P1:full}\nTimesheet export {X:week} contains {X:n2} unapproved entries (TT-EXP-{X:n2})"),
    ("time-tracker", "message", "title_ctx",
     "Shift SH-{X:n5} swapped: {P1:first} now covers {P2:first}'s late; audit entry AE-{X:n6} has no approver"),
    ("time-tracker", "message", "title_ctx",
     "Witness statement from {P1:full3} attached to incident INC-{X:n4} at {X:site} exceeds the 10 MB upload limit"),
    ("time-tracker", "message", "title_ctx",
     "SMTP 421 (try again later) for: \"Dear {P1:first}, your timesheet for {X:week} was returned by {P2:finit}. Please add your break times.\""),
    ("time-tracker", "message", "title_ctx",
     "Reference request for former employee {P1:full}: referee {P2:full} has not replied in {X:days} days"),
    ("time-tracker", "message", "title_ctx",
     "Manager {P1:lastfirst} approved {X:n2} h of overtime on their own timesheet; self-approval blocked (policy TT-SA-1)"),
    ("time-tracker", "message", "title_ctx",
     "Bradford factor {X:n3} reached for {P1:full}; return-to-work meeting with {P2:first} not booked"),
    ("time-tracker", "message", "title_ctx",
     "cc: {P1:full}, {P2:full}\nRota change notice for {X:site} bounced (452 mailbox full)"),
    ("time-tracker", "message", "title_ctx",
     "Agency worker {P1:full} clocked in with a temporary PIN at {X:site}; agency record AGY-{X:n4} has expired"),
    ("time-tracker", "message", "title_ctx",
     "Night shift at {X:site} opened below first-aid cover: {P1:first} absent, {P2:first} covering, {P3:first} off sick"),
    ("time-tracker", "message", "title_ctx",
     "Payroll query from {P1:full} ('my overtime for {X:week} is missing') assigned to {P2:hyphfirst}, SLA 3 days"),
    ("time-tracker", "stack", "title_bare",
     "java.lang.IllegalStateException: {P1:full} already has an open break\n\tat com.shopco.tt.kiosk.BreakViewModel.start(BreakViewModel.kt:{X:n2})\n\tat com.shopco.tt.kiosk.KioskActivity.onBreakTapped(KioskActivity.kt:{X:n3})"),
    ("time-tracker", "message", "title_bare",
     "{P1:full}\t{X:hhmm}\t--:--\tMISSING OUT\n{P2:full}\t{X:hhmm}\t{X:hhmm}\tOK\n-- punch report {X:date} truncated at 2 rows"),
    ("time-tracker", "message", "title_bare",
     "Leavers this month: {P1:full}, {P2:full3} - kiosk PINs not revoked (job {X:hex8} failed)"),
    ("time-tracker", "message", "title_bare",
     "{P1:full} \u00b7 Warehouse Operative \u00b7 {X:site}\nbadge preview rendered at 0 dpi (UnknownImageFormatException)"),
    ("time-tracker", "message", "caps",
     "PAYROLL IMPORT ERR 117: EMPLOYEE {P1:ulastinit} / NI NUMBER BLANK / HOURS {X:hrs}"),
    ("time-tracker", "message", "caps",
     "TERMINAL TT-{X:n2}: BADGE {X:n6} {P1:upper} REJECTED - OUTSIDE SCHEDULE WINDOW"),
    ("time-tracker", "message", "caps",
     "FIRE ROLL CALL {X:hhmm}\nUNACCOUNTED: {P1:upper}\nUNACCOUNTED: {P2:upper}\n(print failed, shown on screen)"),
    ("time-tracker", "message", "lower",
     "teams bot: '{P1:lowerfirst} is covering for me tmrw can u update the rota' -> intent=swap_request confidence 0.{X:n2}, no shift matched"),
    ("time-tracker", "message", "lower",
     "kiosk-{X:n2}: face enrolment failed for {P1:lower} (no face detected in 5 frames)"),
    ("time-tracker", "message", "struct",
     "icalendar parse error (DTSTART):\nBEGIN:VEVENT\nSUMMARY:Late shift - {P1:full}\nORGANIZER;CN={P2:full}:mailto:noreply-rota@shopco.example\nDTSTART:2025{X:n4}T140000\nEND:VEVENT"),
    ("time-tracker", "message", "struct",
     "{X:sysl} kiosk-{X:n2} ttkiosk[{X:pid}]: punch rejected emp_name=\"{P1:full}\" reason=pin_locked attempts=3"),
    ("time-tracker", "payload", "struct",
     '{"leave":{"id":"LV-{X:n5}","type":"bereavement","employee":"{P1:full}","relation_of_deceased":"grandparent","approver":{"name":"{P2:full}"}},"error":"calendar_conflict"}'),
    ("time-tracker", "message", "struct",
     "pydantic_core._pydantic_core.ValidationError: 1 validation error for Timesheet\nmanager_name\n  String should have at most 40 characters [type=string_too_long, input_value='{P1:full4}', input_type=str]"),
    ("time-tracker", "message", "struct",
     "UPDATE shifts SET assignee = '{P1:sql}' WHERE id = {X:n5} AND assignee = '{P2:sql}';\nERROR:  deadlock detected (SQLSTATE 40P01)"),
    ("time-tracker", "request", "struct",
     "PUT /api/v3/employees/{P1:kebab}/emergency-contact 422 {\"errors\":{\"relationship\":[\"is required\"]}}"),
    ("time-tracker", "message", "struct",
     "EventID 7031: The TimeClock Sync Service service terminated unexpectedly (account SHOPCO\\{P1:flast}). It has done this {X:n1} time(s)."),
    ("time-tracker", "message", "struct",
     "absence_{X:period}.csv row {X:n3}: {X:empno},\"{P1:last}\",\"{P1:first}\",SICK,{X:date},{X:date},\"emergency contact {P2:full}\" -> unexpected column 7"),
    ("time-tracker", "message", "struct",
     "time=\"{X:isots}\" level=warning msg=\"geofence miss\" employee={P1:concat} site={X:siteslug} distance_m={X:metres}"),
    ("time-tracker", "message", "struct",
     "rpc error: code = InvalidArgument desc = clockin.v1.PunchRequest.employee_display_name: value length must be at most 32 runes (got \"{P1:full3}\")"),
]  # fmt: skip

# --------------------------------------------------------------------------- fillers

SYSLOG_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def filler4(kind: str, rng: random.Random) -> str:
    """The one filler kind this set adds; every other kind is the third set's filler."""
    r = rng.randint
    if kind == "sysl":  # RFC 3164 timestamp, day padded with a space
        return f"{rng.choice(SYSLOG_MONTHS)} {r(1, 28):2d} {r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d}"
    return filler3(kind, rng)


# --------------------------------------------------------------------------- summary


def write_md(records: list[dict], form_counts: Counter, size: int) -> str:
    spans = sum(len(r["pii"]) for r in records)
    common = sum(r["common_word"] for r in records)
    n = len(records)
    lines = [
        "# Blind PERSON evaluation set 4",
        "",
        "The fourth blind set. Held out from scrubber tuning: do not read the records or tune against them;",
        "use only its aggregate recall figure. Written 2026-12-04 without reference to the scrubber.",
        "",
        f"Regenerate (deterministic, seed {SEED}): `.venv/bin/python tests/corpus/build_blind_names_4.py`.",
        "",
        "Split rule, name pools and renderings imported unchanged from `build_blind_names_3.py`,",
        "`build_blind_names_2.py` and `build_blind_names.py`: a name token is used only if `sha256(token.casefold())`",
        "is odd and the token (and every run of letters in it) appears in no `.py`/`.txt` file under `scrubbers/`;",
        "every rendering's letter runs must pass too. Sources: Faker locales, `names_dataset` top names, French given",
        "names with Cameroonian surnames (`"
        + FR_SOURCE
        + "`) and the curated apostrophe names. The split reads `scrubbers/` at build time.",
        "The templates were written for this set alone (none from the first, second or third blind set): log lines,",
        "exception messages, audit trails, API error bodies, webhooks, CSV/TSV, SQL, YAML, XML, protobuf text,",
        "GraphQL errors, syslog, Windows event log, EDI segments, vCard, iCal, mail headers, SMS; some Swahili and",
        "Hinglish. No new renderings.",
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
        "field, lists, exception message); caps; lower; struct: JSON, XML, YAML, SQL, CSV/TSV, query strings, URL",
        "paths, handles, file paths, log key=value, vCard/iCal, mail headers, event logs.",
        "",
        *tally_sections(records, T, form_counts, FORM_CASE3),
    ]
    return "\n".join(lines)


def main() -> None:
    for _attempt in range(3):
        excluded = scrubber_words()
        records, form_counts = build(T, SEED, TOTAL, PREFIX, filler4, Person3, FORM_CASE3)
        if word_set_fingerprint(scrubber_words()) == word_set_fingerprint(excluded):
            break
        print("scrubbers/ changed during the build; building again", file=sys.stderr)
    else:
        raise SystemExit("scrubbers/ kept changing during the build; run again later")
    if check_split(records, excluded):
        raise SystemExit("split rule violated")
    data = "".join(
        json.dumps({k: v for k, v in r.items() if not k.startswith("_")}, ensure_ascii=False) + "\n"
        for r in records
    )
    OUT_JSONL.write_text(data, encoding="utf-8")
    size = OUT_JSONL.stat().st_size
    if size >= 1_500_000:
        raise SystemExit(f"{OUT_JSONL.name} is {size} bytes (limit 1.5 MB)")
    OUT_MD.write_text(write_md(records, form_counts, size), encoding="utf-8")
    print(f"wrote {len(records)} records ({size} bytes) to {OUT_JSONL}")
    print(f"scrubbers/ word-set fingerprint {word_set_fingerprint(excluded)}")


if __name__ == "__main__":
    main()
