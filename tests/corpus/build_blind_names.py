"""Build the blind PERSON evaluation set: ``blind_names.jsonl`` and ``blind_names.md``.

This set is held out from scrubber tuning: look at its summary (``blind_names.md``)
and its single recall figure, not at its records.

Names come from Faker locales and from ``names_dataset``. A name token is usable
only if it is on the odd side of the sha256 split and is absent from every word
list the scrubber ships (every run of letters in any ``.py``/``.txt`` file under
``scrubbers/``). Names are rendered into templates of error messages and log
lines from four apps (a Kenyan point-of-sale, an Indian inventory web app, a UK
support chat widget and its iOS app, a staff time tracker).

Deterministic: ``.venv/bin/python tests/corpus/build_blind_names.py``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRUBBERS = ROOT / "scrubbers"
OUT_JSONL = HERE / "blind_names.jsonl"
OUT_MD = HERE / "blind_names.md"
SEED = 20261201
TOTAL = 2000

WORD = re.compile(r"[^\W\d_]+")

REGIONS = ("East Africa", "West Africa", "South Asia", "UK/Ireland", "Other")
SOURCES = {
    "East Africa": ["faker:en_KE", "faker:sw", "faker:en_KE", "names-dataset:ET", "names-dataset:BI",
                    "names-dataset:DJ", "names-dataset:SD"],
    "West Africa": ["faker:en_NG", "faker:yo_NG", "faker:ig_NG", "faker:ha_NG", "faker:tw_GH",
                    "names-dataset:NG", "names-dataset:GH", "names-dataset:CM", "names-dataset:BF"],
    "South Asia": ["faker:en_IN", "faker:hi_IN", "faker:ta_IN", "faker:en_PK", "names-dataset:IN",
                   "names-dataset:BD", "faker:en_PK"],
    "UK/Ireland": ["faker:en_GB", "faker:en_IE", "faker:ga_IE", "names-dataset:GB", "names-dataset:IE"],
    "Other": ["faker:zu_ZA", "names-dataset:ZA", "names-dataset:EG", "names-dataset:US", "names-dataset:BW",
              "names-dataset:NA", "names-dataset:JM", "names-dataset:PH", "names-dataset:MY"],
}  # fmt: skip


# --------------------------------------------------------------------------- split rule


def letter_runs(text: str) -> list[str]:
    """Runs of letters, combining marks kept inside the run (so Devanagari/Tamil words stay whole)."""
    runs, cur = [], []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "L" or (cat[0] == "M" and cur):
            cur.append(ch)
        elif cur:
            runs.append("".join(cur))
            cur = []
    if cur:
        runs.append("".join(cur))
    return runs


def hash_odd(token: str) -> bool:
    return int(hashlib.sha256(token.casefold().encode()).hexdigest(), 16) % 2 == 1


def scrubber_words(folder: Path = SCRUBBERS) -> frozenset[str]:
    """Every word of letters in any .py/.txt file under ``scrubbers/``, casefolded (read as plain text)."""
    words: set[str] = set()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            words.update(w.casefold() for w in WORD.findall(text))
            words.update(w.casefold() for w in letter_runs(text))
    return frozenset(words)


def token_eligible(token: str, excluded: frozenset[str]) -> bool:
    """The token and each run of letters inside it is odd-hashed and in no scrubber word list."""
    pieces = letter_runs(token)
    if not pieces or not hash_odd(token) or token.casefold() in excluded:
        return False
    return all(hash_odd(p) and p.casefold() not in excluded for p in pieces)


# --------------------------------------------------------------------------- name pools

ND_TOKEN = re.compile(r"^[A-Z][a-z]{2,}(?:['-][A-Z]?[a-z]{2,})?$")
# names_dataset is scraped from profiles: drop tokens that are plainly not names (particles, titles,
# places, junk); Faker's en_PK list has a few of the same kind.
NOT_NAMES = frozenset("""
mis miss mrs wad abd mhd lna mcn qlf eng final preferable moustache odg wiz zif nci bling hype cool den del
sta que eye hik demise image chop bench denmark namibia congo afar links boy sing bhai baby darling heart she
gen mas wak xii some holy chic tele waa fod unruly nickel sparta spartan ambitious unique mastermind maps mash
dicks oats bone honourable anointed hajj forgive bless maa cee bae bang sky rails etz eds ems rap nyl yaj myk
jelly gie ces uno ton benz hershey mundo lone kef mad man nail ibn abo jat
""".split())


def build_pools(excluded: frozenset[str]) -> dict[str, tuple[list[str], list[str]]]:
    """source -> (eligible first names, eligible last names), sorted."""
    from faker import Faker
    from names_dataset import NameDataset

    pools: dict[str, tuple[list[str], list[str]]] = {}
    wanted = sorted({s for v in SOURCES.values() for s in v})

    def ok(name: str) -> bool:
        return all(token_eligible(t, excluded) and t.casefold() not in NOT_NAMES for t in name.split())

    for source in wanted:
        kind, code = source.split(":")
        if kind != "faker":
            continue
        fake = Faker(code)
        fake.seed_instance(SEED)
        firsts, lasts = set(), set()
        for _ in range(4000):
            firsts.add(unicodedata.normalize("NFC", fake.first_name().strip()))
            lasts.add(unicodedata.normalize("NFC", fake.last_name().strip()))
        pools[source] = (sorted(n for n in firsts if n and ok(n)), sorted(n for n in lasts if n and ok(n)))

    nd = NameDataset()  # slow: load once
    for source in wanted:
        kind, code = source.split(":")
        if kind != "names-dataset":
            continue
        top = nd.get_top_names(n=400, country_alpha2=code).get(code, {})
        firsts = {t for names in top.values() for name in names for t in name.split()}
        lasts = {t for name in nd.get_top_names(n=400, country_alpha2=code, use_first_names=False).get(code, [])
                 for t in name.split()}  # fmt: skip

        def keep(t: str) -> bool:
            return bool(ND_TOKEN.match(t)) and t.casefold() not in NOT_NAMES and token_eligible(t, excluded)

        pools[source] = (sorted(t for t in firsts if keep(t)), sorted(t for t in lasts if keep(t)))
    for source, (f, last) in pools.items():
        if len(f) < 3 or len(last) < 3:
            raise SystemExit(f"pool too small for {source}: {len(f)} first, {len(last)} last")
    return pools


class Person:
    def __init__(self, first: str, middle: str, last: str):
        self.first, self.middle, self.last = first, middle, last

    def tokens(self, form: str) -> list[str]:
        base = {"first": [self.first], "lowerfirst": [self.first], "ufirst": [self.first],
                "last": [self.last], "ulast": [self.last], "lastplus": [self.last]}.get(form)  # fmt: skip
        if base is None:
            base = [self.first, self.middle, self.last] if form in ("fullmid", "ufullmid") else [self.first, self.last]
        return [t for part in base for t in part.split()]

    def render(self, form: str) -> list[str]:
        """The name as written: one string per line."""
        f, m, la = self.first, self.middle, self.last
        full = f"{f} {la}"
        ascii_ok = full.isascii()

        def sep(s: str, ch: str) -> str:
            return ch.join(s.split())

        table = {
            "full": full,
            "fullmid": f"{f} {m} {la}",
            "ufullmid": f"{f} {m} {la}".upper(),
            "first": f,
            "last": la,
            "upper": full.upper(),
            "lower": full.lower(),
            "lowerfirst": f.lower(),
            "ufirst": f.upper(),
            "ulast": la.upper(),
            "lastfirst": f"{la}, {f}",
            "ulastfirst": f"{la} {f}".upper(),
            "ucardholder": f"{sep(la, ' ')}/{f}".upper(),
            "dotted": sep(full.lower(), "."),
            "under": sep(full.lower(), "_"),
            "kebab": sep(full.lower(), "-"),
            "plus": sep(full, "+"),
            "pct": sep(full, "%20") if ascii_ok else sep(full, "+"),
            "lastplus": sep(la, "+"),
            "sql": full.replace("'", "''"),
        }
        return [f, la] if form == "fullsplit" else [table[form]]


# --------------------------------------------------------------------------- templates

# {P1:form} is a person; {X:kind} is a filler. Literal braces (JSON) are left alone.
T = [
    # (1) Kenyan point-of-sale: pharmacy, HR, banking (M-Pesa, KRA eTIMS, payroll)
    ("omnix-pos", "{X:wts} [ERR] Omnix.Pharmacy.DispenseService: controlled-drug override refused for pharmacist {P1:full} (code {X:perr}) after {X:ms}"),
    ("omnix-pos", "{X:wts} [WRN] Omnix.Payments.Mpesa: STK push to customer {P1:full} timed out, retry 2/3 in {X:sec}"),
    ("omnix-pos", "{P1:full} signed in on POS-{X:n2} at {X:branch} branch; opening float KES {X:amt}"),
    ("omnix-pos", "System.InvalidOperationException: Payroll line for '{P1:fullmid}' has no tax PIN on file\n   at Omnix.HR.Payroll.PayslipBuilder.Build(Int32 period) in C:\\build\\Omnix.HR\\PayslipBuilder.cs:line {X:n3}"),
    ("omnix-pos", "RECEIPT PRINT FAILED (PrinterOfflineException)\n  SERVED BY : {P1:upper}\n  PATIENT   : {P2:upper}\n  TOTAL KES  {X:amt}"),
    ("omnix-pos", "KRA eTIMS signing rejected (ETIMS-{X:n4}), buyer name wrapped on invoice {X:kinv}:\nBUYER {P1:ufirst}\n{P1:ulast}\nITEMS 3  VAT 16%"),
    ("omnix-pos", "SqlException (0x80131904): Violation of UNIQUE KEY constraint 'UQ_Staff_Badge'. Statement: INSERT INTO hr.Staff (BadgeNo, FullName, Branch) VALUES ('B{X:n4}', N'{P1:sql}', '{X:branch}')"),
    ("omnix-pos", "Could not write payslip to \\\\OMX-FS01\\HR$\\Payslips\\{X:yyyymm}\\{P1:full}.pdf: Access is denied. (0x80070005)"),
    ("omnix-pos", '{"lvl":"error","mod":"banking.recon","msg":"unmatched deposit","teller":"{P1:full}","batch":"{X:hex8}","elapsed_ms":{X:n3}}'),
    ("omnix-pos", 'evt=shift_close lane=4 cashier={P1:lowerfirst} supervisor="{P2:full}" variance=-{X:amt} dur={X:dur}'),
    ("omnix-pos", "Pharmacy queue: {P1:first}'s prescription #{X:n5} on hold, prescriber Dr {P2:full} not found in PPB register (lookup {X:ms})"),
    ("omnix-pos", "Leave approval chain broken at step 2: approvers=[{P1:full}, {P2:full}, {P3:full}] NullReferenceException in LeaveWorkflow.Advance()"),
    ("omnix-pos", "Omnix.HR.Exceptions.EmployeeNotFoundException: {P1:fullmid}\n   at Omnix.HR.Directory.Resolve(String displayName)"),
    ("omnix-pos", 'M-Pesa C2B confirmation name mismatch: expected "{P1:ufullmid}" received "{P1:ulastfirst}" score=0.{X:n2} action=manual_review'),
    ("omnix-pos", "Payroll run {X:yyyymm}: NSSF deduction computed negative for {P1:lastfirst} (emp {X:empno}), run halted after {X:sec}"),
    ("omnix-pos", "EFT batch rejected by bank gateway (EFT-{X:n3}): beneficiary name '{P1:ucardholder}' exceeds 35 characters after padding"),
    # (2) Indian inventory web app: GST invoices, suppliers, warehouses
    ("inventory-web", "ERROR {X:pyts} invoices.gst Failed to generate e-invoice {X:inv}: supplier contact {P1:full} missing place of supply (IRP {X:irp})"),
    ("inventory-web", 'django.db.utils.IntegrityError: duplicate key value violates unique constraint "suppliers_contact_uniq"\nDETAIL: <SupplierContact pk={X:n4} name=\'{P1:full}\' role=\'accounts\' warehouse=\'{X:wh}\'>'),
    ("inventory-web", "GET /api/v1/suppliers/search?contact={P1:plus}&state=27 500 Internal Server Error ({X:ms})"),
    ("inventory-web", "WARN [warehouse-sync] {X:wh}: stock transfer ST-{X:n5} approved by {P1:lower} but dispatcher {P2:lower} is marked inactive"),
    ("inventory-web", "FileNotFoundError: [Errno 2] No such file or directory: '/srv/inventory/media/grn/{X:wh}/{P1:dotted}/GRN-{X:n5}.pdf'"),
    ("inventory-web", '{"level":"warn","service":"po-service","event":"po.approval.pending","po":"PO-{X:n5}","requested_by":{"id":{X:n4},"display":"{P1:full}"},"pending_with":"{P2:first}","age_h":{X:n2}}'),
    ("inventory-web", "{P1:full}'s purchase order PO-{X:n5} exceeds the supplier credit limit by Rs {X:amt}"),
    ("inventory-web", 'psycopg2.errors.NotNullViolation: null value in column "gstin" of relation "suppliers"\nSQL: UPDATE suppliers SET contact_name = \'{P1:sql}\', gstin = NULL WHERE id = {X:n4}'),
    ("inventory-web", 'Tally export aborted after {X:sec}: ledger "{P1:fullmid} (Sundry Creditor)" already exists in company books'),
    ("inventory-web", "PDF render error on line 14 of {X:inv}:\n  BILL TO : {P1:upper}\n  ATTN    : {P2:upper} / Stores\nreportlab.platypus.doctemplate.LayoutError: Flowable too large"),
    ("inventory-web", "TypeError: Cannot read properties of undefined (reading 'hsn')\n    at mapLine (invoice.js:212:17)\ninvoice drafted by {P1:first} for {P2:full}"),
    ("inventory-web", 'audit action=stock_adjust qty=-12 sku={X:sku} user={P1:under} reason="damaged in transit" took={X:ms}'),
    ("inventory-web", "[{X:pyts}] warehouse.picklist WARNING picker {P1:first} ({X:empno}) idle {X:n2} min at bin {X:bin}"),
    # (3) UK e-commerce support chat widget and its iOS app
    ("support-chat", "[transcript {X:chat}] agent: Hi {P1:first}, thanks for waiting. I can see order {X:ukord} left our warehouse yesterday."),
    ("support-chat", "[transcript {X:chat}] agent: Is there anything else I can help with today?\ncustomer: no that's all thanks\nagent: Lovely, have a good evening!\nCheers,\n{P1:first}"),
    ("support-chat", "[transcript {X:chat}] customer: hi my name is {P1:lower} and my parcel never turned up"),
    ("support-chat", 'handover queue=returns from_agent="{P1:full}" to_agent="{P2:full}" wait={X:sec} reason=skill_mismatch'),
    ("support-chat", "OrderLookup failed: GET https://api.shop-example.co.uk/v3/orders?surname={P1:lastplus}&ref={X:ukord} -> 404 in {X:ms}"),
    ("support-chat-ios", "{X:iosts} ShopSupport[{X:n4}:{X:n5}] [ChatKit] Failed to decode message from {P1:full}: keyNotFound(CodingKeys(stringValue: \"sentAt\"))"),
    ("support-chat-ios", "Fatal error: Unexpectedly found nil while unwrapping an Optional value: file ConversationViewController.swift, line {X:n3} (agentName={P1:first})"),
    ("support-chat", '{"type":"chat.assign","conversation":"{X:guid}","agent":{"name":"{P1:fullmid}","team":"Tier 2"},"customer":{"displayName":"{P2:first}"},"latency_ms":{X:n3}}'),
    ("support-chat", 'Customer profile merge conflict: "{P1:full}" vs "{P1:lastfirst}" (account {X:n6})'),
    ("support-chat", "Queue roster at 19:00: {P1:first}, {P2:first} and {P3:first} online; {P4:first} on break until 19:30"),
    ("support-chat", "[transcript {X:chat}] agent: I've checked with {P1:first}'s team in returns and the refund was issued on Tuesday."),
    ("support-chat-ios", "APNs delivery failed for token {X:hex16}: BadDeviceToken (user {P1:full}, conversation {X:n6})"),
    ("support-chat", "[transcript {X:chat}] customer: Hello, this is {P1:fullmid} again, I spoke to {P2:first} earlier about my damaged kettle"),
    ("support-chat", "[transcript {X:chat}] agent: Sorry again for the mix-up.\nKind regards,\n{P1:full}\nCustomer Care Team"),
    ("support-chat", '[widget] bubble text wrapped at 40 cols: "Please send the receipt to {P1:first}\n{P1:last} at the billing address"'),
    ("support-chat", "ChatWidget: typing indicator stuck for {P1:full}, WebSocket closed with code 1006 after {X:sec}"),
    ("support-chat-ios", "Universal link not handled: shopapp://chat/start?name={P1:pct}&topic=returns (ChatRouter.swift:{X:n2})"),
    ("support-chat-ios", "{X:iosts} ShopSupport[{X:n4}:{X:n5}] [Handover] {P1:lowerfirst} -> {P2:lowerfirst} accepted in {X:ms}, transcript {X:chat} attached"),
    # (4) staff time tracker: shifts, timesheets, approvals
    ("time-tracker", "Timesheet {X:week} for {P1:full} rejected by {P2:full}: 3 entries overlap (total {X:hrs}h)"),
    ("time-tracker", "{P1:first} clocked in at 06:41 but shift SH-{X:n5} starts 07:00, early clock-in rule TT-{X:n3} applied"),
    ("time-tracker", 'import row {X:n3}: "{P1:lastfirst}",2025-03-10,07:00,15:30,{X:hrs} -> ValueError: break minutes missing'),
    ("time-tracker", "PermissionError: [Errno 13] Permission denied: '/data/exports/timesheets/{X:yyyymm}/{P1:kebab}-timesheet.xlsx'"),
    ("time-tracker", "PATCH /approvals/{X:n5}?approver={P1:dotted}&action=approve 409 Conflict ({X:ms})"),
    ("time-tracker", 'shift_swap_request from="{P1:full}" to="{P2:full}" shift=SH-{X:n5} status=pending_manager manager={P3:first}'),
    ("time-tracker", "sqlalchemy.exc.IntegrityError: (psycopg2.errors.ForeignKeyViolation) [SQL: INSERT INTO approvals (timesheet_id, approver_name) VALUES (%(timesheet_id)s, %(approver_name)s)] [parameters: {'timesheet_id': {X:n5}, 'approver_name': '{P1:full}'}]"),
    ("time-tracker", "overtime alert: {P1:lower} logged {X:hrs}h this week (limit 48h), notifying {P2:lower}"),
    ("time-tracker", "Approval reminder sent to {P1:fullmid} for 4 pending timesheets (oldest {X:n1} days)"),
    ("time-tracker", "ShiftConflictError({P1:full}): overlapping shifts SH-{X:n5} and SH-{X:n5}"),
    ("time-tracker", '{"punch":"out","employee":"{P1:upper}","site":"{X:site}","device":"TT-{X:n4}","drift_s":{X:n2}}'),
    ("time-tracker", "Shift handover note from {P1:fullsplit} could not be saved: MaxLengthExceeded (2048)"),
]  # fmt: skip

PLACEHOLDER = re.compile(r"\{(P\d|X):(\w+)\}")

BRANCHES = ["Westlands", "Nyali", "Thika Road", "Kisumu CBD", "Eldoret", "Nakuru East", "Karen", "Ngong Road"]
WAREHOUSES = ["WH-PNQ-02", "WH-BLR-01", "WH-DEL-04", "WH-MAA-03", "WH-AMD-01", "WH-HYD-02"]
SITES = ["Leeds DC", "Milton Keynes", "Store 114", "Depot 7", "Head Office", "Night Ops"]


def filler(kind: str, rng: random.Random) -> str:
    r = rng.randint
    if kind == "wts":
        return f"2025-{r(1, 12):02d}-{r(1, 28):02d} {r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d}.{r(0, 999):03d}"
    if kind == "pyts":
        return f"2025-{r(1, 12):02d}-{r(1, 28):02d} {r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d},{r(0, 999):03d}"
    if kind == "iosts":
        return f"2025-{r(1, 12):02d}-{r(1, 28):02d} {r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d}.{r(0, 999):03d}"
    if kind == "ms":
        return f"{r(12, 30000)}ms"
    if kind == "sec":
        return f"{r(1, 90)}.{r(0, 9)}s"
    if kind == "dur":
        return f"00:{r(0, 59):02d}:{r(0, 59):02d}.{r(0, 999):03d}"
    if kind == "perr":
        return f"PH-{r(100, 999)}"
    if kind == "irp":
        return str(rng.choice([2150, 2172, 2211, 2240, 3028, 3039]))
    if kind.startswith("n") and kind[1:].isdigit():
        d = int(kind[1:])
        return str(r(10 ** (d - 1) if d > 1 else 1, 10**d - 1))
    if kind == "amt":
        return f"{r(1, 98):d},{r(0, 999):03d}.{rng.choice(['00', '50', '75', '20'])}"
    if kind == "branch":
        return rng.choice(BRANCHES)
    if kind == "wh":
        return rng.choice(WAREHOUSES)
    if kind == "site":
        return rng.choice(SITES)
    if kind == "yyyymm":
        return f"2025-{r(1, 12):02d}"
    if kind == "week":
        return f"2025-W{r(1, 52):02d}"
    if kind == "hrs":
        return f"{r(20, 61)}.{rng.choice(['0', '25', '5', '75'])}"
    if kind == "empno":
        return f"EMP{r(100, 9999):04d}"
    if kind == "hex8":
        return f"{rng.getrandbits(32):08x}"
    if kind == "hex16":
        return f"{rng.getrandbits(64):016x}"
    if kind == "guid":
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    if kind == "inv":
        return f"INV/24-25/{r(1, 99999):05d}"
    if kind == "kinv":
        return f"KRAMW{r(10**9, 10**10 - 1)}"
    if kind == "sku":
        return f"SKU-{rng.choice(['AX', 'BT', 'CF', 'DL'])}-{r(1000, 9999)}"
    if kind == "bin":
        return f"{rng.choice('ABCDEF')}{r(1, 40):02d}-{r(1, 9)}"
    if kind == "chat":
        return f"c_{rng.getrandbits(40):010x}"
    if kind == "ukord":
        return f"UK{r(1000000, 9999999)}"
    raise KeyError(kind)


# --------------------------------------------------------------------------- generation


def render(template: str, persons: dict[str, Person], rng: random.Random) -> tuple[str, list[dict], list[str]]:
    out, pii, tokens, pos = [], [], [], 0
    length = 0
    for m in PLACEHOLDER.finditer(template):
        literal = template[pos : m.start()]
        out.append(literal)
        length += len(literal)
        slot, kind = m.group(1), m.group(2)
        if slot == "X":
            value = filler(kind, rng)
            out.append(value)
            length += len(value)
        else:
            person = persons[slot]
            lines = person.render(kind)
            tokens.extend(person.tokens(kind))
            for i, line in enumerate(lines):
                if i:
                    out.append("\n")
                    length += 1
                pii.append({"start": length, "end": length + len(line), "label": "PERSON"})
                out.append(line)
                length += len(line)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), pii, tokens


def make_person(pool: tuple[list[str], list[str]], rng: random.Random, used: set[str]) -> Person:
    firsts, lasts = pool
    for _ in range(200):
        first, middle, last = rng.choice(firsts), rng.choice(firsts), rng.choice(lasts)
        words = f"{first} {last}".split()
        toks = {t.casefold() for t in words}
        if len(toks) < len(words) or toks & used or {t.casefold() for t in middle.split()} & toks:
            continue
        used.update(toks)  # distinct people in one record share no first/last token
        return Person(first, middle, last)
    raise RuntimeError("could not draw distinct names")


def build() -> list[dict]:
    from wordfreq import zipf_frequency

    from tests.corpus.scoring import check_record

    excluded = scrubber_words()
    pools = build_pools(excluded)
    rng = random.Random(SEED)
    source_turn = Counter()
    records = []
    for i in range(TOTAL):
        app, template = T[i % len(T)]
        region = REGIONS[i % len(REGIONS)]
        sources = SOURCES[region]
        source = sources[source_turn[region] % len(sources)]
        source_turn[region] += 1
        used: set[str] = set()
        slots = sorted({s for s, _ in PLACEHOLDER.findall(template) if s != "X"})
        persons = {slot: make_person(pools[source], rng, used) for slot in slots}
        text, pii, tokens = render(template, persons, rng)
        record = {
            "id": f"bn-{i + 1:04d}",
            "app": app,
            "field": "message",
            "text": text,
            "pii": pii,
            "keep": [],
            "region": region,
            "source": source,
            "common_word": any(zipf_frequency(t, "en") >= 3.0 for t in tokens),
        }
        problems = check_record(record)
        if problems:
            raise SystemExit(f"{record['id']}: {problems}")
        for span in pii:
            for piece in letter_runs(text[span["start"] : span["end"]]):
                if not hash_odd(piece) or piece.casefold() in excluded:
                    raise SystemExit(f"{record['id']}: split violated by a span piece")
        records.append(record)
    return records


def write_md(records: list[dict], size: int) -> str:
    by_region = Counter(r["region"] for r in records)
    by_source = Counter(r["source"] for r in records)
    by_app = Counter(r["app"] for r in records)
    spans = sum(len(r["pii"]) for r in records)
    common = sum(r["common_word"] for r in records)
    lines = [
        "# Blind PERSON evaluation set",
        "",
        "Held out from scrubber tuning. Do not read the records or tune against them;",
        "use only the single recall figure from `tests/test_blind_names.py`.",
        "",
        f"Regenerate (deterministic, seed {SEED}): `.venv/bin/python tests/corpus/build_blind_names.py`.",
        "",
        "Split rule: a name token is used only if `sha256(token.casefold())` is odd and the token (and every",
        "run of letters in it) appears in no `.py`/`.txt` file under `scrubbers/`; a full name needs all tokens",
        "eligible. Sources: Faker locales and `names_dataset` top names.",
        "",
        "Record: `{id, app, field, text, pii:[{start,end,label:PERSON}], keep:[], region, source, common_word}`;",
        "`common_word` is true when a name token has English Zipf frequency >= 3.0 (wordfreq).",
        "",
        f"Records: {len(records)} from {len(T)} templates; PERSON spans: {spans}; common_word records: {common};"
        f" JSONL size {size} bytes.",
        "",
        "## Records per region",
        "",
        *[f"- {k}: {v}" for k, v in sorted(by_region.items())],
        "",
        "## Records per source",
        "",
        *[f"- {k}: {v}" for k, v in sorted(by_source.items())],
        "",
        "## Records per app",
        "",
        *[f"- {k}: {v}" for k, v in sorted(by_app.items())],
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    records = build()
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    OUT_JSONL.write_text(data, encoding="utf-8")
    size = OUT_JSONL.stat().st_size
    if size >= 1_500_000:
        raise SystemExit(f"{OUT_JSONL.name} is {size} bytes (limit 1.5 MB)")
    OUT_MD.write_text(write_md(records, size), encoding="utf-8")
    print(f"wrote {len(records)} records ({size} bytes) to {OUT_JSONL}")


if __name__ == "__main__":
    main()
