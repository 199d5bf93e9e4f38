"""Build the held-out PERSON-name evaluation (tests/corpus/heldout_names.jsonl and .md).

Deterministic (seed 20250301). Run from the repository root:

    .venv/bin/python tests/corpus/build_heldout_names.py

Needs the optional "corpus" extra (faker, names-dataset) and niafaker; the tests
only read the committed JSONL, so nothing here is imported at test time.

Names come from faker locales, names-dataset top names and niafaker's African
locales. A name token is held out (eligible) only if its sha256 parity is 1 and
it is no word of any .py/.txt file under scrubbers/ (person_names.txt included);
a name is used only if every token is eligible. The templates below were written
for this evaluation alone.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import regex
import wordfreq

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.corpus.scoring import check_record  # noqa: E402

SEED = 20250301
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRUBBERS = ROOT / "scrubbers"
OUT_JSONL = HERE / "heldout_names.jsonl"
OUT_MD = HERE / "heldout_names.md"

REGIONS = ("East Africa", "West Africa", "South Asia", "UK/Ireland", "Other")
PER_REGION = 600
FAKER_DRAWS = 6000
ND_FIRST_PER_GENDER = 300
ND_LAST = 400
COMMON_ZIPF = 3.0

# (source kind, code, region, expected script, weight multiplier)
SOURCES = [
    ("faker", "en_KE", "East Africa", "Latin", 1.0),
    ("faker", "sw", "East Africa", "Latin", 1.0),
    ("niafaker", "ke", "East Africa", "Latin", 1.0),
    ("niafaker", "tz", "East Africa", "Latin", 1.0),
    ("niafaker", "ug", "East Africa", "Latin", 1.0),
    ("niafaker", "rw", "East Africa", "Latin", 1.0),
    ("niafaker", "et", "East Africa", "Latin", 1.0),
    ("names-dataset", "BI", "East Africa", "Latin", 0.35),
    ("names-dataset", "ET", "East Africa", "Latin", 0.35),
    ("faker", "en_NG", "West Africa", "Latin", 1.0),
    ("faker", "yo_NG", "West Africa", "Latin", 1.0),
    ("faker", "ig_NG", "West Africa", "Latin", 1.0),
    ("faker", "ha_NG", "West Africa", "Latin", 1.0),
    ("faker", "tw_GH", "West Africa", "Latin", 1.0),
    ("niafaker", "ng", "West Africa", "Latin", 1.0),
    ("niafaker", "gh", "West Africa", "Latin", 1.0),
    ("names-dataset", "NG", "West Africa", "Latin", 1.0),
    ("names-dataset", "GH", "West Africa", "Latin", 1.0),
    ("names-dataset", "BF", "West Africa", "Latin", 1.0),
    ("faker", "en_IN", "South Asia", "Latin", 1.0),
    ("faker", "hi_IN", "South Asia", "Devanagari", 0.5),
    ("faker", "ta_IN", "South Asia", "Tamil", 0.5),
    ("faker", "en_PK", "South Asia", "Latin", 1.0),
    ("names-dataset", "IN", "South Asia", "Latin", 1.0),
    ("names-dataset", "BD", "South Asia", "Latin", 1.0),
    ("faker", "en_GB", "UK/Ireland", "Latin", 1.0),
    ("faker", "en_IE", "UK/Ireland", "Latin", 1.0),
    ("faker", "ga_IE", "UK/Ireland", "Latin", 1.0),
    ("names-dataset", "GB", "UK/Ireland", "Latin", 1.0),
    ("names-dataset", "IE", "UK/Ireland", "Latin", 1.0),
    ("faker", "zu_ZA", "Other", "Latin", 1.0),
    ("niafaker", "za", "Other", "Latin", 1.0),
    ("niafaker", "eg", "Other", "Latin", 1.0),
    ("niafaker", "ma", "Other", "Latin", 1.0),
    ("names-dataset", "ZA", "Other", "Latin", 1.0),
    ("names-dataset", "EG", "Other", "Latin", 1.0),
    ("names-dataset", "US", "Other", "Latin", 1.0),
    ("names-dataset", "MA", "Other", "Latin", 0.5),
    ("names-dataset", "CM", "Other", "Latin", 0.5),
    ("names-dataset", "PH", "Other", "Latin", 0.5),
    ("names-dataset", "MY", "Other", "Latin", 0.5),
    ("names-dataset", "BR", "Other", "Latin", 0.5),
    ("names-dataset", "JM", "Other", "Latin", 0.5),
]
WEIGHT_CAP = 400

# Titles and obvious non-names that names-dataset (scraped display names) lists among top names.
NOT_NAMES = {
    "mr", "mrs", "ms", "miss", "mister", "dr", "prof", "sir", "madam", "madame", "engr", "eng", "hon", "rev",
    "pastor", "alhaji", "alhaja", "chief", "baby", "official", "the", "king", "queen", "prince", "princess",
    "lady", "boy", "girl", "mama", "papa", "mummy", "daddy", "bro", "sis", "junior", "jnr", "snr", "senior",
    "vibes", "textile", "heater", "unruly", "love", "sweet", "angel", "star", "don", "boss", "big", "small",
    "little", "black", "pretty", "cute", "real", "true", "happy", "lucky", "gh", "ng", "bd", "in", "my",
    "de", "da", "do", "dos", "das", "del", "la", "le", "el", "al", "bin", "binti", "ibn", "van", "von",
    "st", "md", "mohd", "muhd", "sk", "mj", "dj", "nd", "kxnq", "nana", "some", "go", "gold", "apple", "sing",
    "angle", "bang", "jam", "forgive", "ab", "ar", "hype", "boo", "ra", "congo", "que", "ak", "demise", "alias",
    "sahara", "bhai", "hajj", "guru", "sri", "abd", "solo", "champion", "devote",
}  # fmt: skip

TOKEN = regex.compile(r"[\p{L}\p{M}]+(?:['\-][\p{L}\p{M}]+)*")
LETTER_RUN = regex.compile(r"[\p{L}\p{M}]+")
SCRIPTS = {
    "Latin": regex.compile(r"^[\p{Latin}\p{M}'\-]+$"),
    "Devanagari": regex.compile(r"^[\p{Devanagari}'\-]+$"),
    "Tamil": regex.compile(r"^[\p{Tamil}'\-]+$"),
}
LATIN_VOWEL = regex.compile(r"[aeiouy]", regex.IGNORECASE)


def parity(word: str) -> int:
    return int(hashlib.sha256(word.casefold().encode()).hexdigest(), 16) % 2


def strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def token_keys(token: str) -> set[str]:
    """Every form of a name token that a gazetteer could hold: the token, its letter runs of 2+ letters,
    and (Latin script) their accent-free spellings; all casefolded."""
    keys = {token.casefold()}
    keys |= {run.casefold() for run in LETTER_RUN.findall(token) if len(run) >= 2}
    if SCRIPTS["Latin"].match(token):
        keys |= {strip_accents(key) for key in list(keys)}
    return keys


# ---------------------------------------------------------------- exclusion set


def scrubber_files() -> list[Path]:
    return sorted(p for p in SCRUBBERS.rglob("*") if p.suffix in (".py", ".txt") and "__pycache__" not in p.parts)


def exclusion_words() -> set[str]:
    """Every word of every .py/.txt file under scrubbers/ (read as text only), casefolded; words are
    letter runs, also split at camelCase humps, with accent-free spellings."""
    words: set[str] = set()
    for path in scrubber_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for run in LETTER_RUN.findall(text):
            pieces = [run] + regex.findall(r"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})", run)
            for piece in pieces:
                words.add(piece.casefold())
                words.add(strip_accents(piece).casefold())
    return words


# ---------------------------------------------------------------- name pools


def clean_part(part: str, script: str, strict: bool) -> str | None:
    """A name part (one or more tokens) normalised, or None if any token is unusable."""
    part = " ".join(unicodedata.normalize("NFC", part).replace("\u2019", "'").split())
    if not part:
        return None
    if script == "Latin" and (part.islower() or part.isupper()):
        part = part.title()
    tokens = part.split(" ")
    for token in tokens:
        if not TOKEN.fullmatch(token):  # digits, dots, symbols, zero-width joiners
            return None
        if sum(1 for c in token if unicodedata.category(c).startswith("L")) < 2:
            return None
        if not SCRIPTS[script].match(token):
            return None
        if strict and (not LATIN_VOWEL.search(strip_accents(token)) or token.casefold() in NOT_NAMES):
            return None
    if tokens[0][0].islower():
        return None
    return part


def faker_pools(locale: str) -> tuple[list[str], list[str]]:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(SEED)
    firsts = {fake.first_name() for _ in range(FAKER_DRAWS)}
    lasts = {fake.last_name() for _ in range(FAKER_DRAWS)}
    return sorted(firsts), sorted(lasts)


def niafaker_pools(locale: str) -> tuple[list[str], list[str]]:
    from niafaker.providers.person import PersonProvider

    data = PersonProvider(locale)._data
    return sorted(set(data["male_first_names"]) | set(data["female_first_names"])), sorted(set(data["last_names"]))


_ND = None


def names_dataset_pools(country: str) -> tuple[list[str], list[str]]:
    global _ND
    if _ND is None:
        from names_dataset import NameDataset

        _ND = NameDataset()  # slow (about 15 s, several GB): loaded once
    firsts = _ND.get_top_names(n=ND_FIRST_PER_GENDER, country_alpha2=country).get(country, {})
    lasts = _ND.get_top_names(n=ND_LAST, use_first_names=False, country_alpha2=country).get(country, [])
    return sorted(set(firsts.get("M", [])) | set(firsts.get("F", []))), sorted(set(lasts))


def source_id(kind: str, code: str) -> str:
    return f"{kind}:{code}"


# ---------------------------------------------------------------- templates
# <<N:form[:case]>> is a name (form f, l, fl, fml; case upper, lower, split), <<M:...>> a second name;
# other <<slots>> are technical filler. Written for this evaluation only.

POS, INV, CHAT, TT = "omnix-pos", "inventory-web", "support-chat", "time-tracker"
TEMPLATES = [
    # Windows point of sale (Kenya): sales, pharmacy, HR, banking
    (POS, "SaleService.Commit failed for customer <<N:fl>>: SqliteException (code 5: database is locked) after <<dur>>"),
    (POS, "Receipt print aborted (PRN-<<code>>)\r\nSOLD TO: <<N:fl:upper>>\r\nLANE <<n>>  TERMINAL POS-<<n2>>"),
    (POS, "SERVED BY: <<N:f:upper>>\r\nRECEIPT #<<order>> REPRINT FAILED: Win32Exception 0x<<hex>>"),
    (POS, "cashier <<N:fl:lower>> closed drawer with variance flag; ShiftCloseValidator returned E-<<code>> in <<dur>>"),
    (POS, "Pharmacy.Dispense: patient <<N:fml>> has no active prescription (RX-<<code>>); NullReferenceException at DispenseForm.btnSave_Click"),
    (POS, "Prescriber override requested by <<N:fl>> for patient <<M:fl>> rejected: PolicyViolation PH-<<code>>"),
    (POS, "HR.Payroll: employee <<N:fl>> skipped - InvalidOperationException: Sequence contains no elements (<<dur>>)"),
    (POS, "Leave request for <<N:f>> overlaps an approved period; LeaveRangeConflict L<<code>> raised by HrLeaveService"),
    (POS, "Banking.Reconcile: statement line matched to supplier <<N:fl>> twice; DuplicateKeyException on ix_recon_line (<<dur>>)"),
    (POS, '{"event":"void","holder":"<<N:fl>>","reason":"E<<code>>","elapsed_ms":<<ms>>}'),
    (POS, "Customer: <<N:fl:split>>\r\nLoyalty lookup timed out after <<dur>> (SocketException 10060)"),
    (POS, "Z-report signed off by <<N:f>> at terminal POS-<<n2>>; FiscalPrinterException: paper end (FP-<<code>>)"),
    (POS, "<<N:f>>'s shift could not be closed: <<exc>> in ShiftService.Close() after <<dur>>"),
    (POS, "Approved by <<N:fl:lower>> | discount override rejected, rule DSC-<<code>>"),
    (POS, "BARCODE SCAN OK / CUST <<N:fl:upper>> / ERR CARD-AUTH <<code>> / RETRY <<n>>"),
    (POS, "Stock transfer from branch <<n>> received by <<N:fml>>, 3 lines mismatched (TRF-<<code>>); DBConcurrencyException"),
    (POS, "patient '<<N:fl>>' allergy list fetch failed: HttpRequestException (504 Gateway Timeout) after <<dur>>"),
    (POS, "Paybill callback: payer <<N:fml:upper>> not matched to any open invoice (CB-<<code>>), will retry in <<dur>>"),
    (POS, "Teller <<N:f>> exceeded float limit; CashLimitException raised in Banking.TellerSession after <<dur>>"),
    (POS, "Unhandled exception in frmCustomerEdit while saving <<N:fl>>: System.Data.SQLite.SQLiteException (0x<<hex>>): constraint failed"),
    # Inventory web app (India)
    (INV, "POST /api/v2/grn failed 422: supplier <<N:fl>> has no tax profile linked (code GRN-<<code>>)"),
    (INV, "Purchase order PO-<<order>> assigned to <<N:fl>> could not be approved: StaleObjectStateException after <<dur>>"),
    (INV, "TypeError: Cannot read properties of undefined (reading 'warehouseId') while rendering row for <<N:fl>>"),
    (INV, "[inventory] stock-adjust job <<guid8>>: approved by <<N:fl:lower>>, 0 rows written (ERR_LOCK_WAIT <<dur>>)"),
    (INV, '{"owner": "<<N:fml>>", "bin": "A-<<n>>-<<n2>>", "status": "REJECTED", "err": "INV-<<code>>"}'),
    (INV, "Dispatch note for driver <<N:f>> not generated: PdfRenderError (font cache miss) in <<dur>>"),
    (INV, "WARN  batch-import: row <<n>>: vendor contact '<<N:fl>>' exceeds column limit, truncated (E<<code>>)"),
    (INV, "audit: <<N:fl>> deleted SKU mapping <<guid8>>; soft-delete flag ignored by ReplicaLagError (<<dur>>)"),
    (INV, "Cycle count for rack R<<n>> reopened; counted by <<N:fl>>, verified by <<M:fl>>; HTTP 409 Conflict"),
    (INV, 'Unhandled promise rejection: ValidationError: "approver" must differ from "<<N:fl>>" (code APR-<<code>>)'),
    (INV, "Mr <<N:l>>'s return request RMA-<<order>> stuck in QC state for <<dur>>; RetryLimitExceeded"),
    (INV, "Goods receipt GRN-<<order>>\nReceived by: <<N:fl:split>>\nError: QuantityMismatchException"),
    (INV, "<<N:fl>> could not sign in to warehouse console WH-<<n>>: AuthError TOKEN_EXPIRED after <<dur>>"),
    (INV, "deadlock detected while updating picker (picker=<<N:f>>); SQLSTATE 40P01 after <<dur>>"),
    (INV, "ReorderJob: escalation mail to <<N:fml>> bounced, SMTPRecipientsRefused 550 (<<dur>>)"),
    # UK e-commerce support chat widget and iOS app
    (CHAT, "Hi <<N:f>>, sorry about the wait! [widget] message delivery failed: WebSocket closed 1006 after <<dur>>"),
    (CHAT, "Agent <<N:fl>> joined chat #<<order>>; transcript upload failed with NSURLErrorDomain -1001"),
    (CHAT, "Hello <<N:fl>>, thanks for getting in touch. (auto-reply T<<n>> rendered with missing variable order_ref)"),
    (CHAT, "Fatal error: ChatViewController.swift:<<line>>: Unexpectedly found nil while unwrapping an Optional value (customer <<N:f>>)"),
    (CHAT, "Transfer to <<N:f>> in Returns queue timed out (<<dur>>); QueueRouterError.noAgentsAvailable"),
    (CHAT, '{"display": "<<N:fl>>", "platform": "ios", "build": "<<ver>>", "error": "PushTokenRegistrationFailed"}'),
    (CHAT, "Thanks <<N:f>>! Your refund is on its way. -- rendered in <<dur>>, CSP violation blocked inline script"),
    (CHAT, "Dear Mrs <<N:l>>, we could not update your delivery slot (SlotServiceError 503, retry in <<dur>>)"),
    (CHAT, 'crash: EXC_BAD_ACCESS KERN_INVALID_ADDRESS in OrderHistoryCell.configure for "<<N:fl>>" (iOS <<ver>>)'),
    (CHAT, "Chat rating submitted by <<N:fl:lower>> rejected: RateLimitError 429 after <<dur>>"),
    (CHAT, "<<N:f>> (customer) wrote while agents were offline; message queued as pending, id <<guid8>>"),
    (CHAT, "Escalated by agent <<N:f>> to supervisor <<M:fl>>: reason ESC-<<code>>, SLA breached by <<dur>>"),
    (CHAT, "Name on card\n<<N:fl:upper>>\ndoes not match billing profile (PaymentSheetError.mismatch)"),
    (CHAT, "Morning <<N:f>> - the courier shows error DLV-<<code>> for your parcel, we're checking now"),
    (CHAT, "WKWebView content process terminated while loading help article for <<N:fml>>; reload #<<n>> in <<dur>>"),
    (CHAT, "hi <<N:f:lower>>, can you try again? the app logged StoreKitError.networkError(<<code>>)"),
    # Staff time tracker
    (TT, "Clock-in rejected for employee <<N:fl>>: geofence check failed (GF-<<code>>, accuracy <<n>>m)"),
    (TT, "Timesheet for <<N:fl>> week <<n2>> locked by payroll export; LockTimeoutException after <<dur>>"),
    (TT, "<<N:f>>'s overtime exceeds the policy cap (<<n>>h); approval routed to <<M:fl>>"),
    (TT, "[sync] punch <<guid8>> from device TT-<<n>> has no owner; last known user <<N:fl:lower>>"),
    (TT, "Shift swap between <<N:f>> and <<M:f>> failed: ConstraintViolation ux_shift_slot (E<<code>>)"),
    (TT, "Break started by <<N:fml>> was never closed; auto-closed after <<dur>> by BreakWatchdog"),
    (TT, '{"by": "<<N:fl>>", "action": "edit_punch", "delta_min": <<n>>, "err": "AUDIT_WRITE_FAILED"}'),
    (TT, "Employee: <<N:fl:split>>\nBadge read error RFID-<<code>> (reader offline <<dur>>)"),
    (TT, "Roster publish: shift assigned to <<N:fl>> conflicts with leave record LV-<<order>>; RosterConflictError"),
    (TT, "NFC TAG <<hex>> -> <<N:fl:upper>> / CLOCK OUT DENIED / CODE <<code>>"),
    (TT, "Manager <<N:l>> approved 3 timesheets, 1 failed: OptimisticLockException (row version <<n>>)"),
    (TT, "<<N:fl>> started a break at <<ts>>; reminder push failed with APNs BadDeviceToken after <<dur>>"),
    (TT, "Export failed at row <<n>>: column 'Hours for <<N:fl>>' contains NaN (ValueError in payroll_export.py:<<line>>)"),
    (TT, "Driver <<N:fl>> checked in at depot <<n>> with no assigned route; RouteLookupError R-<<code>> in <<dur>>"),
    (TT, "Payslip PDF for <<N:fml:upper>> failed: LayoutError (row too tall) after <<dur>>"),
]  # fmt: skip

EXCEPTIONS = ("TimeoutException", "IOException", "SqlException", "InvalidCastException", "ObjectDisposedException",
              "ArgumentNullException", "HttpRequestException", "TaskCanceledException", "DbUpdateException",
              "UnauthorizedAccessException", "FormatException", "KeyNotFoundException")  # fmt: skip
SLOT = regex.compile(r"<<([A-Za-z0-9]+)(?::([a-z]+))?(?::([a-z]+))?>>")


def filler(kind: str, rng: random.Random) -> str:
    if kind == "dur":
        return rng.choice(
            [f"{rng.randint(40, 9999)}ms", f"{rng.randint(1, 59)}.{rng.randint(0, 9)}s", f"{rng.randint(50, 900)} ms",
             f"00:00:{rng.randint(10, 59)}", f"{rng.randint(2, 30)}s"]
        )  # fmt: skip
    if kind == "code":
        return str(rng.randint(100, 9999))
    if kind == "n":
        return str(rng.randint(1, 99))
    if kind == "n2":
        return f"{rng.randint(1, 52):02d}"
    if kind == "ms":
        return str(rng.randint(5, 30000))
    if kind == "order":
        return str(rng.randint(100000, 9999999))
    if kind == "hex":
        return f"{rng.getrandbits(32):08X}"
    if kind == "guid8":
        return f"{rng.getrandbits(32):08x}"
    if kind == "line":
        return str(rng.randint(20, 880))
    if kind == "ver":
        return f"{rng.randint(14, 18)}.{rng.randint(0, 7)}.{rng.randint(0, 3)}"
    if kind == "ts":
        return f"{rng.randint(6, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if kind == "exc":
        return rng.choice(EXCEPTIONS)
    raise KeyError(kind)


def render(template: str, people: dict[str, dict], rng: random.Random) -> tuple[str, list[dict], list[str]]:
    """The text, its PERSON spans, and the name tokens as written."""
    out, spans, tokens, pos = [], [], [], 0

    def emit(piece: str, person: bool = False) -> None:
        nonlocal pos
        if person:
            spans.append({"start": pos, "end": pos + len(piece), "label": "PERSON"})
            tokens.extend(piece.split())
        out.append(piece)
        pos += len(piece)

    last = 0
    for m in SLOT.finditer(template):
        emit(template[last : m.start()])
        slot, form, case = m.group(1), m.group(2), m.group(3)
        if slot in people:
            person = people[slot]
            parts = {"f": [person["first"]], "l": [person["last"]], "fl": [person["first"], person["last"]],
                     "fml": [person["first"], person["middle"], person["last"]]}[form]  # fmt: skip
            if case == "upper":
                parts = [p.upper() for p in parts]
            elif case == "lower":
                parts = [p.lower() for p in parts]
            if case == "split":
                emit(parts[0], person=True)
                emit("\r\n" if "\r\n" in template else "\n")
                emit(" ".join(parts[1:]), person=True)
            else:
                emit(" ".join(parts), person=True)
        else:
            emit(filler(slot, rng))
        last = m.end()
    emit(template[last:])
    return "".join(out), spans, tokens


# ---------------------------------------------------------------- build


class Names:
    """Eligible first and last name parts of one source, handed out round-robin (reshuffled each pass)."""

    def __init__(self, firsts: list[str], lasts: list[str], rng: random.Random):
        self.pools = {"first": list(firsts), "last": list(lasts)}
        self.queues: dict[str, list[str]] = {"first": [], "last": []}
        self.rng = rng

    def take(self, kind: str, avoid: set[str]) -> str:
        for _ in range(len(self.pools[kind]) + 2):
            if not self.queues[kind]:
                self.queues[kind] = self.pools[kind][:]
                self.rng.shuffle(self.queues[kind])
            part = self.queues[kind].pop()
            if part.casefold() not in avoid or len(self.pools[kind]) <= len(avoid):
                return part
        return part


def main() -> None:
    rng = random.Random(SEED)
    excluded_words = exclusion_words()
    stats = Counter()
    token_status: dict[str, str] = {}

    def token_ok(token: str) -> bool:
        folded = token.casefold()
        if folded not in token_status:
            keys = token_keys(token)
            if any(parity(k) == 0 for k in keys):
                token_status[folded] = "split"
            elif keys & excluded_words:
                token_status[folded] = "excluded"
            else:
                token_status[folded] = "eligible"
        return token_status[folded] == "eligible"

    pools: dict[str, Names] = {}
    raw_counts: dict[str, tuple[int, int, int, int]] = {}
    for kind, code, region, script, _ in SOURCES:
        firsts, lasts = {"faker": faker_pools, "niafaker": niafaker_pools, "names-dataset": names_dataset_pools}[kind](code)
        strict = kind == "names-dataset"
        clean_f = sorted({p for p in (clean_part(x, script, strict) for x in firsts) if p})
        clean_l = sorted({p for p in (clean_part(x, script, strict) for x in lasts) if p})
        ok_f = [p for p in clean_f if all([token_ok(t) for t in p.split(" ")])]
        ok_l = [p for p in clean_l if all([token_ok(t) for t in p.split(" ")])]
        raw_counts[source_id(kind, code)] = (len(clean_f), len(clean_l), len(ok_f), len(ok_l))
        if len(ok_f) >= 2 and ok_l:
            pools[source_id(kind, code)] = Names(ok_f, ok_l, random.Random(f"{SEED}:{kind}:{code}"))

    # Records per source: each region's share split by pool size (capped), times the source's multiplier.
    quotas: dict[str, int] = {}
    for region in REGIONS:
        members = [(source_id(k, c), w) for k, c, r, _, w in SOURCES if r == region and source_id(k, c) in pools]
        weights = {sid: w * min(WEIGHT_CAP, len(pools[sid].pools["first"]) + len(pools[sid].pools["last"])) for sid, w in members}
        total = sum(weights.values())
        shares = {sid: PER_REGION * wt / total for sid, wt in weights.items()}
        floor = {sid: int(s) for sid, s in shares.items()}
        rest = PER_REGION - sum(floor.values())
        for sid in sorted(shares, key=lambda s: (floor[s] - shares[s], s))[:rest]:
            floor[sid] += 1
        quotas.update(floor)

    region_of = {source_id(k, c): r for k, c, r, _, _ in SOURCES}
    used_names: set[str] = set()
    records = []
    template_order: list[int] = []
    for region in REGIONS:
        jobs = [sid for sid in sorted(quotas) if region_of[sid] == region for _ in range(quotas[sid])]
        rng.shuffle(jobs)
        for sid in jobs:
            if not template_order:
                template_order = list(range(len(TEMPLATES)))
                rng.shuffle(template_order)
            app, template = TEMPLATES[template_order.pop()]
            names = pools[sid]
            people, avoid = {}, set()
            for slot in ("N", "M"):
                if f"<<{slot}:" not in template:
                    continue
                wants_middle = f"<<{slot}:fml" in template
                for _ in range(50):
                    first = names.take("first", avoid)
                    middle = names.take("first", avoid | {first.casefold()}) if wants_middle else ""
                    last = names.take("last", avoid | {first.casefold()})
                    full = f"{first}|{middle}|{last}".casefold()
                    if full not in used_names and first.casefold() != last.casefold():
                        break
                used_names.add(full)
                avoid |= {first.casefold(), last.casefold()}
                people[slot] = {"first": first, "middle": middle, "last": last}
            text, spans, tokens = render(template, people, rng)
            record = {
                "id": f"hn-{len(records) + 1:04d}",
                "app": app,
                "field": "message",
                "text": text,
                "pii": spans,
                "keep": [],
                "region": region,
                "source": sid,
                "common_word": any(wordfreq.zipf_frequency(t, "en") >= COMMON_ZIPF for t in tokens),
            }
            problems = check_record(record)
            assert not problems, (record, problems)
            for span in spans:  # every evaluated token is held out
                assert all(token_ok(t) for t in text[span["start"] : span["end"]].split()), record
            records.append(record)

    with OUT_JSONL.open("w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    status = Counter(token_status.values())
    write_md(records, raw_counts, pools, status, len(excluded_words))
    print(f"wrote {len(records)} records to {OUT_JSONL.relative_to(ROOT)} ({OUT_JSONL.stat().st_size} bytes)")
    print(f"tokens: {dict(status)}; exclusion words: {len(excluded_words)}")


def write_md(records, raw_counts, pools, status, n_excluded_words) -> None:
    by_region = Counter(r["region"] for r in records)
    by_source = Counter(r["source"] for r in records)
    by_app = Counter(r["app"] for r in records)
    common = Counter((r["region"], r["common_word"]) for r in records)
    spans = sum(len(r["pii"]) for r in records)
    region_of = {source_id(k, c): r for k, c, r, _, _ in SOURCES}
    lines = [
        "# Held-out PERSON names",
        "",
        "`heldout_names.jsonl`: person names the scrubber cannot have seen, in error messages and log lines of the "
        "four apps (omnix-pos, inventory-web, support-chat, time-tracker). Each record is "
        '`{"id","app","field","text","pii":[{start,end,label:"PERSON"}],"keep":[],"region","source","common_word"}`. '
        "A PERSON span covers the whole name as written (first through last token); a name split across lines "
        "has one span per line. `common_word` is true when any name token as written has "
        f"`wordfreq.zipf_frequency(token, 'en') >= {COMMON_ZIPF}` (Grace, Hope, Mark...), so results can be reported "
        "with and without such names. `tests/test_heldout_names.py` asserts PERSON recall >= 0.97 and that the split holds.",
        "",
        "## Regenerate",
        "",
        "`pip install -e '.[corpus]' niafaker==1.0.0`, then `.venv/bin/python tests/corpus/build_heldout_names.py` "
        f"(deterministic, seed {SEED}; loads names-dataset once, about 15 s and several GB of memory). "
        "The generator validates every record with `tests.corpus.scoring.check_record`.",
        "",
        "## Sources",
        "",
        f"- faker 40.63.0 locales: `first_name()`/`last_name()`, {FAKER_DRAWS} seeded draws each, distinct values. "
        "hi_IN and ta_IN give Devanagari and Tamil script (kept, at half weight); the others give Latin-script names of their region.",
        f"- names-dataset 3.3.1: `get_top_names(n={ND_FIRST_PER_GENDER})` first names per gender and "
        f"`get_top_names(n={ND_LAST}, use_first_names=False)` last names per country; Latin script only, each token "
        "needs a vowel, and titles and obvious non-names of its scraped display names (Mr, Md, Prince, Vibes...) are dropped. "
        "It has no Kenya, Uganda, Tanzania or Pakistan.",
        "- niafaker 1.0.0 (PyPI, MIT): its name lists for Kenya, Tanzania, Uganda, Rwanda, Ethiopia, Nigeria, Ghana, "
        "South Africa, Egypt and Morocco (the East African source besides faker's en_KE and sw).",
        "- Tokens shorter than 2 letters, with digits or other symbols, and duplicate names are dropped; every full name "
        "(first middle last) is used once. First, middle and last name of a record come from the same source.",
        "",
        "## The split (held out by token)",
        "",
        "A name token `t` (casefolded) is eligible only if `int(hashlib.sha256(t.casefold().encode()).hexdigest(), 16) % 2 == 1` "
        "and it is no word of `scrubbers/person_names.txt` or of any other `.py`/`.txt` file under `scrubbers/` "
        "(words: letter runs, also split at camelCase, casefolded, with accent-free spellings). The same must hold for "
        "each letter run of 2+ letters inside the token (O'Rafferty: also `rafferty`) and for the accent-free "
        "spelling. A name is evaluated only if all its tokens are eligible.",
        "",
        "**Rule for the scrubber: its gazetteer (or any list or rule) may be extended only with tokens of parity 0**, "
        "so this split stays held out. Regenerating after the scrubber's files change can only drop names (new words "
        "there join the exclusion set); the test `test_no_evaluated_name_token_is_known_to_the_scrubber` fails if a "
        "committed name token shows up under scrubbers/.",
        "",
        f"Distinct candidate tokens: {sum(status.values())}; dropped by parity 0: {status['split']}; parity 1 but in the "
        f"exclusion set ({n_excluded_words} words): {status['excluded']}; eligible: {status['eligible']}.",
        "",
        "## Counts",
        "",
        f"{len(records)} records, {spans} PERSON spans, {len(TEMPLATES)} templates. "
        + ", ".join(f"{app} {n}" for app, n in sorted(by_app.items())) + ".",
        "",
        "| region | records | common_word true | common_word false |",
        "| --- | ---: | ---: | ---: |",
    ]
    for region in REGIONS:
        lines.append(f"| {region} | {by_region[region]} | {common[(region, True)]} | {common[(region, False)]} |")
    lines += [
        "",
        "| source | region | first parts (clean / eligible) | last parts (clean / eligible) | records |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for sid, (cf, cl, ef, el) in raw_counts.items():
        lines.append(f"| {sid} | {region_of[sid]} | {cf} / {ef} | {cl} / {el} | {by_source.get(sid, 0)} |")
    lines.append("")
    OUT_MD.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
