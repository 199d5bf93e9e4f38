"""Build the second blind PERSON evaluation set: ``blind_names_2.jsonl`` and ``blind_names_2.md``.

Held out from scrubber tuning: look only at its summary (``blind_names_2.md``) and an
aggregate recall figure, never at its records.

The name pools and the split rule are imported from ``build_blind_names.py`` unchanged
(a token is usable only if ``sha256(token.casefold())`` is odd and the token, and every
run of letters in it, is absent from every ``.py``/``.txt`` file under ``scrubbers/``).
The templates, fillers and name renderings below are new and were written without
reference to the scrubber. Two additions to the pools:

* ``mix:fr_FR+names-dataset:CM`` (West Africa): French given names as used in
  francophone Cameroon (diacritics, hyphens) with Cameroonian surnames;
* a short curated list of real apostrophe names (only the few that pass the split rule),
  used by the ``apos`` rendering; records that use one get ``+curated:apostrophe`` on
  their ``source``.

Every rendering whose letter runs differ from the source tokens (``wkamau``, ``WanjikuK``,
ASCII-folded receipt text, initials ``RK``) must pass the split rule as well; a draw that
does not is redrawn. Every record is validated and the build fails loudly otherwise.

Deterministic: ``.venv/bin/python tests/corpus/build_blind_names_2.py``.
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.corpus.build_blind_names import (  # noqa: E402
    NOT_NAMES,
    REGIONS,
    SOURCES,
    build_pools,
    hash_odd,
    letter_runs,
    scrubber_words,
    token_eligible,
)
from tests.corpus.scoring import check_record  # noqa: E402

OUT_JSONL = HERE / "blind_names_2.jsonl"
OUT_MD = HERE / "blind_names_2.md"
SEED = 20261202
TOTAL = 2000
FR_SOURCE = "mix:fr_FR+names-dataset:CM"

SOURCES2 = {region: list(v) for region, v in SOURCES.items()}
SOURCES2["West Africa"].append(FR_SOURCE)

# Real names with an apostrophe. Almost all such names (O'Brien, D'Souza, Ng'ang'a, Ndung'u, Sa'idu ...)
# fail the split rule because of a one- or two-letter run; these are the few candidates that pass.
# key: source -> (which token it replaces, names)
APOSTROPHE = {
    "faker:en_KE": ("last", ["Mang'oli", "Mung'athia"]),  # Luhya, Meru surnames (Kenya)
    "faker:sw": ("last", ["Mang'oli", "Mung'athia"]),
    "names-dataset:EG": ("first", ["Ra'ed"]),
}

# --------------------------------------------------------------------------- templates
# (app, field, category, template). {P1:form} is a person rendered in a form (see render_name);
# {X:kind} is a filler. Literal braces (JSON, dict reprs) are left alone.
# category: title_ctx (title case with a context word), title_bare (title case, no context word:
# line start, alone in a field, lists, exception message), caps, lower, struct (name inside JSON,
# SQL, CSV, query strings, URL paths, handles, file paths, machine names).
T = [
    # ---------------------------------------------------------------- omnix-pos (Kenya)
    ("omnix-pos", "message", "title_ctx",
     "{X:netts} ERROR [Omnix.Pos.Shift] Till {X:till} could not close: cashier {P1:full} still has {X:n1} suspended sales (ShiftCloseBlockedException)"),
    ("omnix-pos", "message", "title_ctx",
     "Pharmacist on duty {P1:full} tried to dispense a Schedule 2 item without a second signatory; override logged as RX-OVR-{X:n4}"),
    ("omnix-pos", "message", "title_ctx",
     "{X:netts} WARN Omnix.Payroll.Run[{X:thread}] payslip for {P1:full3} skipped: bank branch code missing (period {X:period}, {X:ms})"),
    ("omnix-pos", "message", "title_ctx",
     "M-Pesa callback for sale {X:saleid} arrived {X:sec} late; the sale had already been voided by supervisor {P1:full}"),
    ("omnix-pos", "message", "title_ctx",
     "Receipt reprint requested on behalf of {P1:full} by {P2:first} at till {X:till}; reprint count is now {X:n1} (limit 2)"),
    ("omnix-pos", "message", "title_ctx",
     "Leave request LV-{X:n5} from {P1:full} cannot be routed: line manager {P2:full} is away until {X:date}"),
    ("omnix-pos", "message", "title_ctx",
     "Habari {P1:first}, ripoti ya zamu haikutumwa. Tafadhali wasiliana na IT. (SyncError 0x{X:hex4})"),
    ("omnix-pos", "message", "title_ctx",
     "Label printing aborted: prescription RX{X:n6} written by Dr. {P1:last} for patient {P2:full} has an empty dosage field"),
    ("omnix-pos", "message", "title_ctx",
     "Stock count variance on shelf {X:shelf} signed off by {P1:apos}: expected {X:n2} units, counted {X:n2}"),
    ("omnix-pos", "message", "title_ctx",
     "Payroll adjustment approved by {P1:full} for {P2:full4}: overtime rate mismatch, see ticket HR-{X:n4}"),
    ("omnix-pos", "message", "title_ctx",
     "{P1:first}'s cash drawer was opened {X:n2} times without a sale during shift {X:shiftid} (DrawerAuditRule DA-3)"),
    ("omnix-pos", "message", "title_ctx",
     "Bank reconciliation: deposit slip DS-{X:n6} captured by {P1:init} does not match statement line {X:n3} (diff {X:ms} window)"),
    ("omnix-pos", "message", "title_ctx",
     "Goods received note GRN-{X:n5} from supplier rep {P1:apos} has {X:n1} lines without batch numbers; pharmacy stock not updated"),
    ("omnix-pos", "message", "title_ctx",
     "Dispensing label for {P1:apos} printed twice after a spooler retry (job {X:n3}, {X:ms})"),
    ("omnix-pos", "stack", "title_bare",
     "System.ArgumentException: {P1:full3}\nParameter name: displayName\n   at Omnix.Hr.EmployeeLookup.FindByName(String displayName) in D:\\a\\omnix\\src\\Omnix.Hr\\EmployeeLookup.cs:line {X:n3}\n   at Omnix.Hr.Ui.StaffForm.txtSearch_Leave(Object sender, EventArgs e)"),
    ("omnix-pos", "stack", "title_bare",
     "Omnix.Pos.Loyalty.DuplicateMemberException: {P1:full} / {P2:full}\n   at Omnix.Pos.Loyalty.MemberService.Merge(Guid keep, Guid drop)\n   at Omnix.Pos.Ui.LoyaltyForm.btnMerge_Click(Object sender, EventArgs e)"),
    ("omnix-pos", "message", "title_bare",
     "Z-report {X:n4} footer:\nCounted by\n{P1:full}\nVerified by\n{P2:full}\n(signature pad timeout after {X:sec})"),
    ("omnix-pos", "receipt", "caps",
     "ESC/POS write timeout on COM3 after {X:ms}\n--- buffer ---\nPHARMACY RECEIPT {X:rcpt}\nCASHIER: {P1:upper}\nPATIENT: {P2:uascii}\n--- end ---"),
    ("omnix-pos", "message", "caps",
     "Payslip print preview failed: A generic error occurred in GDI+.\nEMPLOYEE NAME : {P1:ulastfirst}\nDEPARTMENT    : {X:dept}\nPERIOD        : {X:period}"),
    ("omnix-pos", "message", "caps",
     "Card payment declined (RC 05) CARDHOLDER {P1:ucard} TERMINAL {X:tid} AID A0000000031010"),
    ("omnix-pos", "message", "caps",
     "Bank file line {X:n3} rejected by gateway: beneficiary '{P1:surcaps}' must be upper case only (EFT-{X:n3})"),
    ("omnix-pos", "receipt", "caps",
     "Receipt template overflow (42 cols) at line 9:\nSERVED BY {P1:ufirst} ({X:till})\nTHANK YOU FOR SHOPPING WITH US"),
    ("omnix-pos", "message", "lower",
     "sqlite busy: database is locked (5) while user {P1:flast} held a write transaction on omnix_local.db for {X:sec}"),
    ("omnix-pos", "message", "lower",
     "mpesa reversal queued by {P1:lower} for sale {X:saleid}; awaiting approval from {P2:lowerfirst}"),
    ("omnix-pos", "stack", "struct",
     "Microsoft.Data.Sqlite.SqliteException (0x80004005): SQLite Error 19: 'UNIQUE constraint failed: employees.badge_no'.\n   at Microsoft.Data.Sqlite.SqliteException.ThrowExceptionForRC(Int32 rc, sqlite3 db)\n   at Omnix.Hr.Data.EmployeeRepository.Insert(Employee e)\nCommandText: INSERT INTO employees (badge_no, first_name, last_name) VALUES ('{X:badge}', '{P1:sqlfirst}', '{P1:sqllast}')"),
    ("omnix-pos", "message", "struct",
     "Could not save signature image to C:\\Users\\{P1:winuser}\\AppData\\Local\\Omnix\\sig\\{X:guid}.png: DirectoryNotFoundException"),
    ("omnix-pos", "message", "struct",
     "Contract upload failed: \\\\OMNIX-NAS\\Staff\\{P1:full}\\Contracts\\contract_{X:year}.docx (Access is denied. 0x80070005)"),
    ("omnix-pos", "payload", "struct",
     '{"TransactionType":"Pay Bill","TransID":"{X:hex8}","BillRefNumber":"{X:acct}","FirstName":"{P1:ufirst}","MiddleName":"{P1:umiddle}","LastName":"{P1:ulast}","_err":"account not found"}'),
    ("omnix-pos", "message", "struct",
     "Validation failed for EmployeeDto { Id = {X:n4}, FullName = {P1:full}, Branch = {X:branch}, Active = False }: TaxPin is required"),
    ("omnix-pos", "message", "struct",
     "Payroll import row {X:n3}: {X:empno},{P1:last},{P1:first},{X:dept},,KES -> FormatException: Input string was not in a correct format."),
    ("omnix-pos", "message", "struct",
     "Print spooler on {P1:ufirst}-PC rejected job {X:n3} for EPSON TM-T20II (0x0000011b)"),
    ("omnix-pos", "message", "struct",
     "SQLite: UPDATE suppliers SET rep_name = '{P1:sqlapos}' WHERE id = {X:n3}; -- failed: readonly database (8)"),

    # ---------------------------------------------------------------- inventory-web (India)
    ("inventory-web", "message", "title_ctx",
     "ERROR {X:pyts} inventory.transfers: transfer TR-{X:n5} from {X:wh} stuck in 'dispatched'; raised by {P1:full}, receiver {P2:full} never acknowledged"),
    ("inventory-web", "message", "title_ctx",
     "Reorder alert for {X:sku} is assigned to {P1:full}, whose account is deactivated; falling back to {P2:first}"),
    ("inventory-web", "message", "title_ctx",
     "GRN {X:grn} rejected at gate {X:n1}: driver {P1:full3} is not on the approved transporter list ({X:vendor})"),
    ("inventory-web", "message", "title_ctx",
     "Cycle count on {X:date} was signed by {P1:init} and counter-signed by {P2:init}; policy requires a second warehouse"),
    ("inventory-web", "message", "title_ctx",
     "Celery task inventory.tasks.send_po_mail[{X:guid}] retried 3 times: SMTPRecipientsRefused for supplier contact Mr. {P1:last}"),
    ("inventory-web", "message", "title_ctx",
     "Namaste {P1:first} ji, the stock report for {X:wh} could not be generated. Error ref {X:hex8}."),
    ("inventory-web", "stack", "title_ctx",
     "Error: Vendor portal login locked for {P1:full} after 5 attempts\n    at AuthService.login (/app/src/services/auth.js:{X:n3}:{X:n2})\n    at async /app/src/routes/vendor.js:{X:n2}:{X:n2}\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"),
    ("inventory-web", "message", "title_ctx",
     "Purchase return PR-{X:n5} is waiting for approval from {P1:hyphfirst} (Finance) for {X:days} days"),
    ("inventory-web", "message", "title_ctx",
     "{X:pyts} [WARNING] stock.signals: negative stock on {X:sku} at {X:wh} after {P1:full}'s adjustment of -{X:n2} units"),
    ("inventory-web", "message", "title_ctx",
     "Quality hold on batch {X:batch} released by {P1:hyph} without a QC certificate (rule QC-{X:n2})"),
    ("inventory-web", "message", "title_ctx",
     "Supplier KYC pending for {P1:apos}: verification service returned 503 after {X:sec}"),
    ("inventory-web", "stack", "title_bare",
     "Traceback (most recent call last):\n  File \"/srv/app/inventory/views/suppliers.py\", line {X:n3}, in update_contact\n    contact = resolve_contact(request.POST[\"name\"])\n  File \"/srv/app/inventory/services/contacts.py\", line {X:n2}, in resolve_contact\n    raise ContactNotFound(name)\ninventory.errors.ContactNotFound: {P1:full}"),
    ("inventory-web", "message", "title_bare",
     "Dispatch note footer overflowed by {X:n2}px:\n{P1:full3}\nStores In-charge, {X:wh}"),
    ("inventory-web", "message", "title_bare",
     "Approver chain for PO-{X:n5}: {P1:full} -> {P2:full} -> {P3:full} (step 2 timed out after {X:hours} h)"),
    ("inventory-web", "message", "caps",
     "E-way bill generation failed (NIC error 238): consignee name '{P1:upper} TRADERS' does not match GSTIN records"),
    ("inventory-web", "message", "caps",
     "Tally XML import: <LEDGERNAME>{P1:upper3}</LEDGERNAME> exceeds 50 characters after the branch suffix"),
    ("inventory-web", "message", "caps",
     "Delivery challan {X:dc} printed with receiver '{P1:surcaps}' (legacy Dot-matrix template forces caps surname)"),
    ("inventory-web", "message", "lower",
     "[{X:pyts}] WARNING django.security.csrf: Forbidden (CSRF token missing): /stock/adjust/ user={P1:concat}"),
    ("inventory-web", "message", "lower",
     "node[{X:pid}]: socket hang up while pushing stock update; session owner {P1:lower}, retry in {X:sec}"),
    ("inventory-web", "message", "lower",
     "approved by {P1:lowerfirst} at {X:hhmm}, rejected by {P2:lowerfirst} at {X:hhmm}: conflicting decisions on PO-{X:n5}"),
    ("inventory-web", "message", "struct",
     'ERROR:  duplicate key value violates unique constraint "vendor_contacts_email_key"\nDETAIL:  Key (email)=({P1:email}@{X:vdomain}) already exists.\nSTATEMENT:  INSERT INTO vendor_contacts (name, email, vendor_id) VALUES ($1, $2, $3)'),
    ("inventory-web", "request", "struct",
     '{X:ip} - - [{X:clf}] "GET /api/stock/movements/?created_by={P1:dotted}&from={X:date} HTTP/1.1" 500 {X:n4}'),
    ("inventory-web", "request", "struct",
     '"PATCH /api/v2/users/{P1:dotted}/permissions HTTP/1.1" 403 {X:n3} "-" "axios/1.6.8" rt={X:rt}'),
    ("inventory-web", "message", "struct",
     "django.core.exceptions.ValidationError: {'assigned_to': ['Select a valid choice. <User: {P1:flast}> is not one of the available choices.']}"),
    ("inventory-web", "message", "struct",
     "GST portal rejected payload {'buyer': {'legal_name': '{P1:full}', 'trade_name': None}, 'doc_no': '{X:inv}'} with code 2265"),
    ("inventory-web", "message", "struct",
     "django.db.utils.DataError: value too long for type character varying(30)\nSQL: UPDATE \"auth_user\" SET \"first_name\" = %s, \"last_name\" = %s WHERE \"auth_user\".\"id\" = %s\nparams: ('{P1:first}', '{P1:hyphlast}', {X:n4})"),
    ("inventory-web", "message", "struct",
     "bulk_upload.csv line {X:n3}: expected 6 columns, got 7\n> {X:sku},\"{P1:lastfirst}\",{X:n2},{X:wh},{X:date},ok"),
    ("inventory-web", "payload", "struct",
     '{"level":50,"time":{X:epoch},"pid":{X:pid},"hostname":"inv-api-{X:n1}","req":{"method":"POST","url":"/v1/adjustments"},"user":{"id":{X:n4},"name":"{P1:full}"},"msg":"adjustment exceeds tolerance"}'),
    ("inventory-web", "request", "struct",
     "GET /reports/ledger?party={P1:pct}&fy=2024-25 took {X:ms} (slow query threshold 2000ms)"),
    ("inventory-web", "message", "struct",
     "OSError: [Errno 28] No space left on device: '/var/lib/inventory/exports/{P1:under}/stock_{X:date}.xlsx'"),
    ("inventory-web", "message", "struct",
     "pg: UPDATE warehouse_staff SET shift_lead = $1 WHERE wh_code = $2 -- params: [\"{P1:full}\", \"{X:wh}\"] (lock timeout {X:ms})"),

    # ---------------------------------------------------------------- support-chat / iOS (UK)
    ("support-chat", "transcript", "title_ctx",
     "[chat {X:chatid}] system: agent joined: {P1:first} (Returns team)\n[chat {X:chatid}] customer: ok thanks"),
    ("support-chat", "message", "title_ctx",
     "Bot-to-human handoff failed for conversation {X:conv}: no agents in skill group 'Refunds'; last available agent was {P1:full} ({X:min} min ago)"),
    ("support-chat", "transcript", "title_ctx",
     "customer: Hi, can I speak to {P1:first} please? They helped me last week with order {X:ukord}"),
    ("support-chat", "transcript", "title_ctx",
     "agent ({P1:first}): Thanks for bearing with me, {P2:first}. I've raised a replacement for you."),
    ("support-chat", "transcript", "title_ctx",
     "customer: This is the third time I've asked for a callback. Regards, {P1:full}"),
    ("support-chat", "transcript", "title_ctx",
     "customer: the order was for my mum, {P1:full3}, so it needs to go to her address not mine"),
    ("support-chat", "message", "title_ctx",
     "Transcript email bounced: could not deliver chat summary for {P1:full} (550 5.1.1 mailbox unavailable)"),
    ("support-chat", "message", "title_ctx",
     'CSAT response from {P1:first}: 1/5 "agent {P2:first} closed the chat on me"'),
    ("support-chat-ios", "message", "title_ctx",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Chat] handoff accepted by {P1:full} after {X:sec}; queue position was {X:n1}"),
    ("support-chat", "transcript", "title_ctx",
     "agent: Morning {P1:first}! I'm {P2:first} and I'll be looking after you today."),
    ("support-chat", "transcript", "title_ctx",
     "agent: Hi, you're chatting with {P1:split} from the Deliveries team. How can I help?"),
    ("support-chat", "transcript", "title_ctx",
     "agent: I've escalated this to our courier and you'll hear back within 48 hours.\nMany thanks,\n{P1:first} at ShopCo"),
    ("support-chat", "transcript", "title_ctx",
     "customer: fine. just sort it out please\n- {P1:first}"),
    ("support-chat", "transcript", "title_ctx",
     "agent: Welcome back, {P1:hyphfirst}! I can see your last chat was with {P2:full} about a missing parcel."),
    ("support-chat-ios", "message", "title_ctx",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Push] dropping notification 'New message from {P1:full}': app in foreground"),
    ("support-chat", "transcript", "title_ctx",
     "agent: Thanks for waiting, {P1:apos}. Your refund for order {X:ukord} has gone through."),
    ("support-chat", "transcript", "title_bare",
     "[{X:hhmmss}] {P1:full}: hello?? is anyone there\n[{X:hhmmss}] {P2:first} (agent): Hi {P1:first}, sorry for the wait, how can I help?"),
    ("support-chat", "transcript", "title_bare",
     "agent: Could you confirm the name on the order please?\ncustomer: {P1:full}\nagent: Thank you, {P1:first}."),
    ("support-chat-ios", "stack", "title_bare",
     "Fatal error: 'try!' expression unexpectedly raised an error: ShopSupport.MessageMapper.Error.invalidSender(\"{P1:full}\"): file ShopSupport/MessageMapper.swift, line {X:n3}"),
    ("support-chat", "message", "title_bare",
     "Agent roster sync diff: +{P1:full}, +{P2:full}, -{P3:full} (source: WFM export {X:date})"),
    ("support-chat", "message", "title_bare",
     "Canned reply rendered with unresolved token:\n{P1:first},\nthanks for getting in touch about {{order_ref}}."),
    ("support-chat", "transcript", "caps",
     "customer: WHERE IS MY ORDER. I HAVE BEEN WAITING 2 WEEKS\ncustomer: {P1:upper}"),
    ("support-chat", "message", "caps",
     "Address verification failed: name on card '{P1:upper}' does not match account holder '{P1:full}' (AVS N)"),
    ("support-chat", "transcript", "lower",
     "customer: hiya its {P1:lower} again, still no refund??"),
    ("support-chat", "transcript", "lower",
     "[chat {X:chatid}] customer: thanks {P1:lowerfirst} you've been really helpful x"),
    ("support-chat", "transcript", "lower",
     "customer: parcel came damaged, photos attached\nthanks\n{P1:lower}"),
    ("support-chat-ios", "message", "struct",
     "{X:iosts} ShopCo[{X:pid}:{X:thr}] [Auth] keychain item missing for account {P1:dotted}, forcing re-login"),
    ("support-chat-ios", "message", "struct",
     "\u25bf ChatParticipant\n  - id: \"{X:uuid}\"\n  - displayName: \"{P1:full}\"\n  - role: ShopSupport.Role.agent\n  - isOnline: false"),
    ("support-chat-ios", "message", "struct",
     'Error Domain=NSCocoaErrorDomain Code=4865 "No value associated with key sentAt" body={"agent":"{P1:first}","customer":"{P2:full}","text":null}'),
    ("support-chat", "request", "struct",
     "GET /chat/history?customer_first={P1:first}&customer_last={P1:last}&page=2 -> 502 Bad Gateway ({X:ms})"),
    ("support-chat-ios", "message", "struct",
     "Deep link ignored: shopco://support/agent/{P1:kebab}/rate?stars=5 (no route matched)"),
    ("support-chat", "message", "struct",
     "Helpdesk sync: requester {P1:email}@{X:freemail} created as a new user (no match on '{P1:full}')"),
    ("support-chat", "payload", "struct",
     '{"event":"conversation.transferred","from":{"type":"bot"},"to":{"type":"agent","name":"{P1:full}","email":"{P1:email}@shopco.co.uk"},"conversation_id":"{X:conv}"}'),
    ("support-chat", "message", "struct",
     "handoff_ctx={'customer_name': '{P1:first}', 'previous_agent': '{P2:full}', 'sentiment': -0.62, 'topic': 'refund'}"),
    ("support-chat", "message", "struct",
     "Export chats.csv row {X:n4}: {X:conv},{X:date},\"{P1:full}\",\"{P2:full}\",resolved -> UnicodeEncodeError in cp1252 writer"),

    # ---------------------------------------------------------------- time-tracker
    ("time-tracker", "message", "title_ctx",
     "Clock-in rejected for {P1:full}: badge {X:nfc} tapped at {X:site} outside the geofence ({X:metres} m)"),
    ("time-tracker", "message", "title_ctx",
     "Shift SH-{X:n5} left uncovered: {P1:full} called in sick, replacement offered to {P2:first} and {P3:first}"),
    ("time-tracker", "message", "title_ctx",
     "Manager override: {P1:full} edited {P2:full3}'s clock-out from {X:hhmm} to {X:hhmm} (reason: forgot to tap)"),
    ("time-tracker", "message", "title_ctx",
     "Timesheet reminder could not be sent to {P1:hyph}: push token expired (FCM UNREGISTERED)"),
    ("time-tracker", "message", "title_ctx",
     "Overtime for {X:week} needs sign-off by {P1:init}; auto-escalating to {P2:full} in {X:hours} h"),
    ("time-tracker", "message", "title_ctx",
     "Break compliance: {P1:first} worked {X:hrs} h at {X:site} without a 20-minute break"),
    ("time-tracker", "message", "title_ctx",
     'Kiosk display "Goodbye {P1:first}, see you tomorrow" rendered in {X:ms} (slow frame, budget 16 ms)'),
    ("time-tracker", "message", "title_ctx",
     "Holiday request HR-{X:n5} for {P1:full4} overlaps a blackout period set by {P2:last}"),
    ("time-tracker", "stack", "title_bare",
     "System.NullReferenceException: Object reference not set to an instance of an object.\n   at TimeClock.Rota.CellRenderer.Render(RotaRow row) in C:\\src\\TimeClock\\Rota\\CellRenderer.cs:line {X:n2}\nrow owner: {P1:apos}"),
    ("time-tracker", "stack", "title_bare",
     "NfcReaderException: tag {X:nfc} resolved to '{P1:full}' but the badge is revoked\n   at TimeClock.Nfc.BadgeReader.Resolve(Byte[] uid)\n   at TimeClock.Kiosk.ScanPage.OnTagRead(Object sender, TagEventArgs e)"),
    ("time-tracker", "message", "title_bare",
     "Rota export {X:week}\n{P1:lastfirst}\t07:00-15:00\n{P2:lastfirst}\t15:00-23:00\nwarning: 2 rows missing the break column"),
    ("time-tracker", "message", "title_bare",
     "Duplicate punch ignored:\n  {P1:full3}\n  IN {X:hhmm} / IN {X:hhmm} (delta {X:sec})"),
    ("time-tracker", "message", "caps",
     "Badge printer (Zebra ZC300) ribbon low while printing card:\n  {P1:ufirst}\n  {P1:ulast}\n  NIGHT SHIFT / {X:site}"),
    ("time-tracker", "message", "caps",
     "Payroll export header check: row {X:n3} has 'EMPLOYEE: {P1:ulastfirst}' but payroll expects 'Surname, Forename'"),
    ("time-tracker", "message", "lower",
     "shift swap {X:shiftid}: {P1:lowerfirst} <-> {P2:lowerfirst} approved by {P3:lower}"),
    ("time-tracker", "message", "lower",
     "nfc: unknown tag {X:nfc}, last holder was {P1:lowerlast} (badge reissued {X:date})"),
    ("time-tracker", "message", "struct",
     "tt-agent[{X:pid}]: punch sync conflict user={P1:under} device=kiosk-{X:n2} server_ts={X:epoch}"),
    ("time-tracker", "message", "struct",
     "INSERT INTO punches (badge_uid, employee_name, kind, ts) VALUES ('{X:nfc}', '{P1:sql}', 'OUT', '{X:isots}') failed: SQLITE_CONSTRAINT_CHECK"),
    ("time-tracker", "request", "struct",
     "GET /api/timesheets?employee={P1:plus}&week={X:week} 504 Gateway Timeout after {X:sec}"),
    ("time-tracker", "message", "struct",
     "payroll_export.csv:{X:n3}: {X:empno};{P1:first};{P1:last};{X:hrs};{X:hrs} rejected by payroll import (decimal separator)"),
    ("time-tracker", "payload", "struct",
     '{"type":"punch","dir":"in","badge":"{X:nfc}","employee":{"given":"{P1:first}","family":"{P1:last}"},"site":"{X:site}","accuracy_m":{X:n2}}'),
    ("time-tracker", "message", "struct",
     "TimeClock.Sync: cannot open C:\\Users\\{P1:flast}\\OneDrive - ShopCo\\Rota\\{X:week}.xlsx (file is locked by another process)"),
    ("time-tracker", "message", "struct",
     "\\\\TT-FS01\\Staff\\{P1:full}\\Timesheets is not accessible. You might not have permission to use this network resource. (0x80070035)"),
    ("time-tracker", "message", "struct",
     "Badge photo upload failed: s3://tt-badges/{X:siteslug}/{P1:titlejoined}_{X:n4}.jpg 403 AccessDenied"),
    ("time-tracker", "message", "struct",
     "shift_swap {'requested_by': '{P1:full}', 'covering': '{P2:first}', 'shift': 'SH-{X:n5}', 'status': 'pending'} rejected: covering user not rostered"),
]  # fmt: skip

CATEGORIES = ("title_ctx", "title_bare", "caps", "lower", "struct")
PLACEHOLDER = re.compile(r"\{(P\d|X):(\w+)\}")

# --------------------------------------------------------------------------- fillers

BRANCHES = ["Westlands", "Nyali", "Kisumu CBD", "Thika Town", "Kitengela", "Machakos", "Kilimani", "Ruiru"]
WAREHOUSES = ["WH-NAG-01", "WH-LKO-02", "WH-JAI-03", "WH-KOL-01", "WH-SUR-02", "WH-COK-04"]
SITES = ["Swindon DC", "Bristol Store 22", "Crewe Hub", "Glasgow Depot", "Head Office", "Reading Store 8"]
DEPTS = ["DISPENSARY", "STORES", "FINANCE", "FRONT OFFICE", "DELIVERIES"]
VDOMAINS = ["supplier-portal.in", "vendors.example.in", "mail.stockhub.co.in"]
FREEMAIL = ["gmail.com", "outlook.com", "yahoo.co.uk", "icloud.com", "btinternet.com"]


def filler(kind: str, rng: random.Random) -> str:  # noqa: C901 - a plain table of kinds
    r = rng.randint

    def ts(sep: str, frac: str) -> str:
        return f"2025-{r(1, 12):02d}-{r(1, 28):02d}{sep}{r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d}{frac}{r(0, 999):03d}"

    if kind == "netts":
        return ts(" ", ".")
    if kind == "pyts":
        return ts(" ", ",")
    if kind == "iosts":
        return ts(" ", ".") + "+0000"
    if kind == "isots":
        return f"2025-{r(1, 12):02d}-{r(1, 28):02d}T{r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d}Z"
    if kind == "clf":
        mon = rng.choice(["Jan", "Mar", "Jun", "Sep", "Nov"])
        return f"{r(1, 28):02d}/{mon}/2025:{r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d} +0530"
    if kind == "epoch":
        return str(r(1735689600000, 1764547200000))
    if kind == "date":
        return f"2025-{r(1, 12):02d}-{r(1, 28):02d}"
    if kind == "period":
        return f"2025-{r(1, 12):02d}"
    if kind == "year":
        return str(r(2019, 2025))
    if kind == "week":
        return f"2025-W{r(1, 52):02d}"
    if kind == "hhmm":
        return f"{r(5, 23):02d}:{r(0, 59):02d}"
    if kind == "hhmmss":
        return f"{r(8, 21):02d}:{r(0, 59):02d}:{r(0, 59):02d}"
    if kind == "ms":
        return f"{r(15, 40000)} ms"
    if kind == "rt":
        return f"{r(0, 9)}.{r(0, 999):03d}"
    if kind == "sec":
        return f"{r(1, 120)}.{r(0, 9)}s"
    if kind in ("min", "days", "hours"):
        return str(r(2, 72))
    if kind == "hrs":
        return f"{r(6, 14)}.{rng.choice(['0', '25', '5', '75'])}"
    if kind == "metres":
        return str(r(60, 2500))
    if kind.startswith("n") and kind[1:].isdigit():
        d = int(kind[1:])
        return str(r(10 ** (d - 1) if d > 1 else 1, 10**d - 1))
    if kind == "hex4":
        return f"{rng.getrandbits(16):04X}"
    if kind == "hex8":
        return f"{rng.getrandbits(32):08x}"
    if kind == "guid":
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    if kind == "uuid":
        return filler("guid", rng).upper()
    if kind == "thread":
        return str(r(3, 40))
    if kind == "pid":
        return str(r(300, 65000))
    if kind == "thr":
        return f"{rng.getrandbits(24):x}"
    if kind == "till":
        return f"T{r(1, 12):02d}"
    if kind == "tid":
        return f"{rng.choice(['KE', 'OMX'])}{r(100000, 999999)}"
    if kind == "saleid":
        return f"S{r(1, 40):03d}-{r(1, 99999):05d}"
    if kind == "rcpt":
        return f"No. {r(100000, 999999)}"
    if kind == "shiftid":
        return f"SH{r(1000, 9999)}"
    if kind == "shelf":
        return f"{rng.choice('ABCDEFG')}{r(1, 30)}-{r(1, 6)}"
    if kind == "badge":
        return f"BDG-{r(1, 99999):05d}"
    if kind == "empno":
        return f"E{r(1000, 99999)}"
    if kind == "acct":
        return f"INV{r(1000, 99999)}"
    if kind == "branch":
        return rng.choice(BRANCHES)
    if kind == "dept":
        return rng.choice(DEPTS)
    if kind == "wh":
        return rng.choice(WAREHOUSES)
    if kind == "sku":
        return f"SKU-{rng.choice(['PB', 'LT', 'GR', 'HW'])}{r(10000, 99999)}"
    if kind == "batch":
        return f"B{r(24, 25)}{r(1, 12):02d}-{r(100, 999)}"
    if kind == "grn":
        return f"GRN/{rng.choice(['NAG', 'LKO', 'JAI'])}/2025/{r(1, 9999):04d}"
    if kind == "vendor":
        return f"VND-{r(100, 9999)}"
    if kind == "dc":
        return f"DC-{r(10000, 99999)}"
    if kind == "inv":
        return f"INV/25-26/{r(1, 99999):05d}"
    if kind == "vdomain":
        return rng.choice(VDOMAINS)
    if kind == "freemail":
        return rng.choice(FREEMAIL)
    if kind == "ip":
        return f"10.{r(0, 40)}.{r(0, 255)}.{r(1, 254)}"
    if kind == "chatid":
        return f"{rng.getrandbits(36):09x}"
    if kind == "conv":
        return f"conv_{rng.getrandbits(48):012x}"
    if kind == "ukord":
        return f"SC-{r(1000000, 9999999)}"
    if kind == "nfc":
        return ":".join(f"{rng.getrandbits(8):02X}" for _ in range(7))
    if kind == "site":
        return rng.choice(SITES)
    if kind == "siteslug":
        return rng.choice(SITES).lower().replace(" ", "-")
    raise KeyError(kind)


# --------------------------------------------------------------------------- names


class Retry(Exception):
    """This draw cannot be rendered in this form under the split rule: draw again."""


def fold(s: str) -> str:
    """ASCII fold as a handle, a receipt printer or an old payroll file would: drop marks and apostrophes."""
    out = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    out = out.replace("'", "").replace("\u2019", "")
    if not out.isascii():
        raise Retry  # no faithful ASCII form (Devanagari, Tamil, Twi open vowels)
    return out


def is_latin(s: str) -> bool:
    return all("LATIN" in unicodedata.name(c, "") for c in s if c.isalpha())


class Person:
    def __init__(self, first: str, middle: str, middle2: str, last: str, last2: str, apos: tuple[str, str] | None):
        self.first, self.middle, self.middle2, self.last, self.last2 = first, middle, middle2, last, last2
        self.apos = apos  # (which, token) for the apostrophe rendering, or None

    def render(self, form: str) -> tuple[list[tuple[str, str]], list[str]]:
        """([(kind, text)], source tokens). kind is 'name' (one PERSON span) or 'sep'."""
        f, m, m2, la, l2 = self.first, self.middle, self.middle2, self.last, self.last2

        def one(text: str, *tokens: str) -> tuple[list[tuple[str, str]], list[str]]:
            return [("name", text)], list(tokens)

        def handle(sep: str, *parts: str) -> str:
            return sep.join(sep.join(fold(p).lower().split()) for p in parts)

        if form == "full":
            return one(f"{f} {la}", f, la)
        if form == "full3":
            return one(f"{f} {m} {la}", f, m, la)
        if form == "full4":
            return one(f"{f} {m} {m2} {la}", f, m, m2, la)
        if form == "first":
            return one(f, f)
        if form == "middle":
            return one(m, m)
        if form == "last":
            return one(la, la)
        if form in ("hyph", "hyphlast", "hyphfirst"):
            if " " in la + l2 + f + m:
                raise Retry
            if form == "hyphfirst":
                return one(f"{f}-{m} {la}", f, m, la, f"{f}-{m}")
            barrel = f"{la}-{l2}"
            return one(barrel, la, l2, barrel) if form == "hyphlast" else one(f"{f} {barrel}", f, la, l2, barrel)
        if form in ("apos", "sqlapos"):
            if self.apos is None:
                return self.render("hyph" if form == "apos" else "sql")
            which, tok = self.apos
            name = f"{tok} {la}" if which == "first" else f"{f} {tok}"
            toks = [tok, la] if which == "first" else [f, tok]
            return one(name.replace("'", "''") if form == "sqlapos" else name, *toks)
        if form == "sql":
            return one(f"{f} {la}".replace("'", "''"), f, la)
        if form == "sqlfirst":
            return one(f.replace("'", "''"), f)
        if form == "sqllast":
            return one(la.replace("'", "''"), la)
        if form == "init":
            if not (is_latin(f) and is_latin(m)):
                raise Retry
            return one(f"{fold(f)[0].upper()}{fold(m)[0].upper()} {la}", la)
        if form == "surcaps":
            return one(f"{la.upper()} {f}", f, la)
        if form == "upper":
            return one(f"{f} {la}".upper(), f, la)
        if form == "upper3":
            return one(f"{f} {m} {la}".upper(), f, m, la)
        if form == "ufirst":
            return one(f.upper(), f)
        if form == "umiddle":
            return one(m.upper(), m)
        if form == "ulast":
            return one(la.upper(), la)
        if form == "ulastfirst":
            return one(f"{la} {f}".upper(), f, la)
        if form == "ucard":
            return one(f"{la}/{f}".upper(), f, la)
        if form == "uascii":
            return one(fold(f"{f} {la}").upper(), f, la)
        if form == "lower":
            return one(f"{f} {la}".lower(), f, la)
        if form == "lowerfirst":
            return one(f.lower(), f)
        if form == "lowerlast":
            return one(la.lower(), la)
        if form in ("dotted", "email"):
            return one(handle(".", f, la), f, la)
        if form == "under":
            return one(handle("_", f, la), f, la)
        if form == "kebab":
            return one(handle("-", f, la), f, la)
        if form == "concat":
            return one(handle("", f, la), f, la)
        if form == "flast":
            return one(handle("", f)[0] + handle("", la), la)
        if form == "winuser":
            return one(handle("", f).capitalize() + handle("", la)[0].upper(), f)
        if form == "titlejoined":
            return one("".join(w.capitalize() for w in handle(" ", f, la).split()), f, la)
        if form == "plus":
            return one("+".join(f"{f} {la}".split()), f, la)
        if form == "pct":
            if not f"{f}{la}".isascii():
                raise Retry
            return one("%20".join(f"{f} {la}".split()), f, la)
        if form == "lastfirst":
            return [("name", la), ("sep", ", "), ("name", f)], [f, la]
        if form == "split":
            return [("name", f), ("sep", "\n"), ("name", la)], [f, la]
        raise KeyError(form)


FORM_CASE = {
    **dict.fromkeys(["full", "full3", "full4", "first", "middle", "last", "hyph", "hyphlast", "hyphfirst", "apos",
                     "sqlapos", "sql", "sqlfirst", "sqllast", "init", "lastfirst", "split"], "title"),
    **dict.fromkeys(["upper", "upper3", "ufirst", "umiddle", "ulast", "ulastfirst", "ucard", "uascii", "surcaps"], "caps"),
    **dict.fromkeys(["lower", "lowerfirst", "lowerlast"], "lower"),
    **dict.fromkeys(["dotted", "email", "under", "kebab", "concat", "flast", "winuser", "titlejoined", "plus", "pct"],
                    "handle"),
}  # fmt: skip


def build_extra_pools(excluded: frozenset[str], pools: dict) -> None:
    """Add the francophone Cameroon mix: Faker fr_FR given names, names_dataset CM surnames."""
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(SEED)
    firsts = {unicodedata.normalize("NFC", fake.first_name().strip()) for _ in range(4000)}
    ok = sorted(n for n in firsts if n and all(token_eligible(t, excluded) and t.casefold() not in NOT_NAMES
                                               for t in n.split()))  # fmt: skip
    pools[FR_SOURCE] = (ok, pools["names-dataset:CM"][1])


def apostrophe_for(region: str, source: str, excluded: frozenset[str]) -> tuple[str, list[str]] | None:
    entry = APOSTROPHE.get(source)
    if entry is None:
        return None
    which, names = entry
    names = [n for n in names if token_eligible(n, excluded)]
    return (which, names) if names else None


# --------------------------------------------------------------------------- generation


def runs_cf(s: str) -> set[str]:
    return {r.casefold() for r in letter_runs(s)}


def render_record(template: str, persons: dict[str, Person], rng: random.Random, excluded: frozenset[str],
                  fill=filler):  # fmt: skip
    """-> (text, pii spans, expected span texts, source tokens, forms). Raises Retry."""
    out: list[str] = []
    length = 0
    pii, expected, tokens, forms = [], [], [], []
    pos = 0
    for mt in PLACEHOLDER.finditer(template):
        literal = template[pos : mt.start()]
        out.append(literal)
        length += len(literal)
        slot, kind = mt.group(1), mt.group(2)
        if slot == "X":
            value = fill(kind, rng)
            out.append(value)
            length += len(value)
        else:
            pieces, toks = persons[slot].render(kind)
            forms.append(kind)
            tokens.extend(toks)
            for what, piece in pieces:
                if what == "name":
                    pii.append({"start": length, "end": length + len(piece), "label": "PERSON"})
                    expected.append(piece)
                out.append(piece)
                length += len(piece)
        pos = mt.end()
    out.append(template[pos:])
    text = "".join(out)
    # every letter run of a rendered name (jkamau, WanjikuK, BENIGNE, RK) must pass the split rule
    for piece in expected:
        for run in letter_runs(piece):
            if not token_eligible(run, excluded):
                raise Retry
    for tok in tokens:
        if not token_eligible(tok, excluded):
            raise Retry
    # a name token must not also occur outside the labelled spans (it would be an unlabelled occurrence)
    if stray_tokens(text, pii, tokens):
        raise Retry
    return text, pii, expected, tokens, forms


def stray_tokens(text: str, pii: list[dict], tokens: list[str]) -> set[str]:
    masked = list(text)
    for span in pii:
        masked[span["start"] : span["end"]] = " " * (span["end"] - span["start"])
    outside = runs_cf("".join(masked))
    names = set()
    for tok in tokens:
        names |= runs_cf(tok)
        try:
            names |= runs_cf(fold(tok))
        except Retry:
            pass
    return {n for n in names if len(n) > 1} & outside


def draw_person(pool, apos, rng: random.Random, person_cls=Person) -> Person:
    firsts, lasts = pool
    a = None
    if apos is not None:
        a = (apos[0], rng.choice(apos[1]))
    return person_cls(rng.choice(firsts), rng.choice(firsts), rng.choice(firsts), rng.choice(lasts), rng.choice(lasts),
                      a)  # fmt: skip


def slot_tokens(person: Person, slot_forms: list[str]) -> list[str]:
    toks: list[str] = []
    for form in slot_forms:
        try:
            toks.extend(person.render(form)[1])
        except Retry:
            pass
    return toks


def make_persons(template: str, pool, apos, rng: random.Random, person_cls=Person) -> dict[str, Person]:
    """Distinct people: within a record no two people share a name token, nor one person two slots."""
    slot_forms: dict[str, list[str]] = {}
    for slot, form in PLACEHOLDER.findall(template):
        if slot != "X":
            slot_forms.setdefault(slot, []).append(form)
    persons: dict[str, Person] = {}
    used: set[str] = set()
    for slot in sorted(slot_forms):
        for _ in range(200):
            p = draw_person(pool, apos, rng, person_cls)
            toks = set()
            for t in slot_tokens(p, slot_forms[slot]):
                toks.add(t)
            runs = [r for t in toks for r in runs_cf(t)]
            parts = {p.first.casefold(), p.middle.casefold(), p.middle2.casefold(), p.last.casefold(),
                     p.last2.casefold()}  # fmt: skip
            if len(parts) < 5 or set(runs) & used:
                continue
            used.update(runs)
            persons[slot] = p
            break
        else:
            raise Retry
    return persons


def validate(record: dict, expected: list[str], tokens: list[str], excluded: frozenset[str]) -> None:
    """Fail loudly on any malformed record."""
    rid, text = record["id"], record["text"]
    problems = check_record(record)
    if problems:
        raise SystemExit(f"{rid}: {problems}")
    spans = record["pii"]
    if len(spans) != len(expected) or not spans:
        raise SystemExit(f"{rid}: {len(spans)} spans for {len(expected)} names")
    last_end = -1
    for span, want in zip(spans, expected):
        s, e = span["start"], span["end"]
        if not (0 <= s < e <= len(text)):
            raise SystemExit(f"{rid}: span {s}..{e} out of bounds")
        if s < last_end:
            raise SystemExit(f"{rid}: span {s}..{e} overlaps the previous one")
        last_end = e
        if text[s:e] != want:
            raise SystemExit(f"{rid}: span text {text[s:e]!r} != name {want!r}")
        if text[s:e] != text[s:e].strip() or span["label"] != "PERSON":
            raise SystemExit(f"{rid}: span {s}..{e} malformed")
        for run in letter_runs(want):
            if not token_eligible(run, excluded):
                raise SystemExit(f"{rid}: letter run {run!r} of a span violates the split rule")
    for tok in tokens:
        if not token_eligible(tok, excluded) or any(t.casefold() in NOT_NAMES for t in tok.split()):
            raise SystemExit(f"{rid}: name token {tok!r} not eligible")
        if not all(hash_odd(p) for p in letter_runs(tok)):
            raise SystemExit(f"{rid}: name token {tok!r} has an even-hashed run")
    stray = stray_tokens(text, spans, tokens)
    if stray:
        raise SystemExit(f"{rid}: name token(s) {sorted(stray)} occur outside the labelled spans")
    if record["keep"] != []:
        raise SystemExit(f"{rid}: keep must be empty")


def build(templates: list[tuple[str, str, str, str]] = T, seed: int = SEED, total: int = TOTAL, prefix: str = "bn2",
          fill=filler, person_cls=Person, form_case: dict[str, str] = FORM_CASE) -> tuple[list[dict], Counter]:
    """The records and the count of each rendering. The defaults build this set; the third blind set passes
    its own templates, seed, id prefix, fillers and renderings."""
    from wordfreq import zipf_frequency

    T = templates
    if len(T) < 80:
        raise SystemExit(f"only {len(T)} templates")
    if len({t for _, _, _, t in T}) != len(T):
        raise SystemExit("duplicate template")
    for app, _, cat, template in T:
        if cat not in CATEGORIES:
            raise SystemExit(f"bad category {cat}")
        for slot, form in PLACEHOLDER.findall(template):
            if slot != "X" and form not in form_case:
                raise SystemExit(f"unknown form {form} in {template[:40]!r}")

    excluded = scrubber_words()
    pools = build_pools(excluded)
    build_extra_pools(excluded, pools)
    for source, (f, la) in pools.items():
        if len(f) < 3 or len(la) < 3:
            raise SystemExit(f"pool too small for {source}")

    rng = random.Random(seed)
    schedule = [i % len(T) for i in range(total)]
    rng.shuffle(schedule)
    source_turn: Counter = Counter()
    form_counts: Counter = Counter()
    records = []
    for i in range(total):
        app, field, category, template = T[schedule[i]]
        region = REGIONS[i % len(REGIONS)]
        sources = SOURCES2[region]
        start = source_turn[region]
        source_turn[region] += 1
        result = None
        # the region's next source; if its names cannot take this template's forms (native script in a
        # handle, a tiny pool), the following source of the same region
        for k in range(len(sources)):
            source = sources[(start + k) % len(sources)]
            apos = apostrophe_for(region, source, excluded)
            for _ in range(400):
                try:
                    persons = make_persons(template, pools[source], apos, rng, person_cls)
                    result = render_record(template, persons, rng, excluded, fill)
                except Retry:
                    continue
                break
            if result is not None:
                break
        if result is None:
            raise SystemExit(f"record {i + 1}: no source of {region} fits template {template[:60]!r}")
        text, pii, expected, tokens, forms = result
        curated = any(t.casefold() in {n.casefold() for _, ns in APOSTROPHE.values() for n in ns} for t in tokens)
        record = {
            "id": f"{prefix}-{i + 1:04d}",
            "app": app,
            "field": field,
            "text": text,
            "pii": pii,
            "keep": [],
            "region": region,
            "source": source + ("+curated:apostrophe" if curated else ""),
            "common_word": any(zipf_frequency(w, "en") >= 3.0 for t in tokens for w in t.split()),
            "_category": category,
        }
        validate(record, expected, tokens, excluded)
        form_counts.update(forms)
        records.append(record)
    return records, form_counts


def tally_sections(records: list[dict], templates: list, form_counts: Counter, form_case: dict[str, str]) -> list[str]:
    """The summary's counts, shared by every blind set's .md: templates and records per category, then
    PERSON occurrences per rendering case and rendering, and records per region, source, app and field."""
    n = len(records)
    by_cat = Counter(r["_category"] for r in records)
    tmpl_by_cat = Counter(cat for _, _, cat, _ in templates)
    tmpl_by_app = Counter(app for app, _, _, _ in templates)
    case: Counter = Counter()
    for form, count in form_counts.items():
        case[form_case[form]] += count

    def counted(key: str) -> list[str]:
        return [f"- {k}: {v}" for k, v in sorted(Counter(r[key] for r in records).items())]

    by_app = Counter(r["app"] for r in records)
    return [
        *[f"- {c}: {tmpl_by_cat[c]} templates, {by_cat[c]} records ({100 * by_cat[c] / n:.0f}%)" for c in CATEGORIES],
        "",
        "## PERSON occurrences per rendering case",
        "",
        *[f"- {k}: {v}" for k, v in sorted(case.items())],
        "",
        "## PERSON occurrences per rendering",
        "",
        *[f"- {k}: {v}" for k, v in sorted(form_counts.items())],
        "",
        "## Records per region",
        "",
        *counted("region"),
        "",
        "## Records per source",
        "",
        *counted("source"),
        "",
        "## Records (templates) per app",
        "",
        *[f"- {k}: {v} ({tmpl_by_app[k]})" for k, v in sorted(by_app.items())],
        "",
        "## Records per field",
        "",
        *counted("field"),
        "",
    ]


def write_md(records: list[dict], form_counts: Counter, size: int) -> str:
    spans = sum(len(r["pii"]) for r in records)
    common = sum(r["common_word"] for r in records)
    n = len(records)
    lines = [
        "# Blind PERSON evaluation set 2",
        "",
        "Held out from scrubber tuning. Do not read the records or tune against them;",
        "use only its aggregate recall figure.",
        "",
        f"Regenerate (deterministic, seed {SEED}): `.venv/bin/python tests/corpus/build_blind_names_2.py`.",
        "",
        "Split rule (same as `build_blind_names.py`, whose pools and split functions it imports): a name token is",
        "used only if `sha256(token.casefold())` is odd and the token (and every run of letters in it) appears in no",
        "`.py`/`.txt` file under `scrubbers/`; a full name needs all tokens eligible, and every rendering whose letter",
        "runs differ from the tokens (handles such as `jkamau`, ASCII-folded receipt text, joined initials) must pass",
        "too. Sources: Faker locales and `names_dataset` top names, plus French given names with Cameroonian",
        "surnames (`" + FR_SOURCE + "`) and a curated list of the few real apostrophe names that pass the rule.",
        "The templates were written for this set alone (none from the first blind set).",
        "",
        "Record: `{id, app, field, text, pii:[{start,end,label:PERSON}], keep:[], region, source, common_word}`;",
        "`common_word` is true when a name token has English Zipf frequency >= 3.0 (wordfreq).",
        "",
        f"Records: {n} from {len(T)} templates; PERSON spans: {spans}; common_word records: {common};"
        f" JSONL size {size} bytes.",
        "",
        "## Templates and records per form category",
        "",
        "title_ctx: title case after a context word; title_bare: title case with none (line start, alone in a",
        "field, lists, exception message); caps; lower; struct: JSON, SQL, CSV, query strings, URL paths, handles,",
        "file and share paths, machine names.",
        "",
        *tally_sections(records, T, form_counts, FORM_CASE),
    ]
    return "\n".join(lines)


def main() -> None:
    records, form_counts = build()
    data = "".join(
        json.dumps({k: v for k, v in r.items() if not k.startswith("_")}, ensure_ascii=False) + "\n" for r in records
    )
    OUT_JSONL.write_text(data, encoding="utf-8")
    size = OUT_JSONL.stat().st_size
    if size >= 1_500_000:
        raise SystemExit(f"{OUT_JSONL.name} is {size} bytes (limit 1.5 MB)")
    OUT_MD.write_text(write_md(records, form_counts, size), encoding="utf-8")
    print(f"wrote {len(records)} records ({size} bytes) to {OUT_JSONL}")


if __name__ == "__main__":
    main()
