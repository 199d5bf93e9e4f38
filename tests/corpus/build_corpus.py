#!/usr/bin/env python3
"""Deterministic generator for the labelled error-log corpus (tests/corpus/error_logs.jsonl).

Stdlib only.  Run:  python tests/corpus/build_corpus.py

Templates are strings (or callables returning strings) in a tiny DSL.  Placeholders are
written «name», «name:arg» or «name:arg|mod»:

  * lower-case names are value generators (see GEN below); PII generators record a `pii`
    span, technical generators (ver, dur, mod, winver) record a `keep` span, the rest
    (n, amt, guid, hex, ts, ...) emit unlabelled text;
  * upper-case names are keep literals: «E:..» EXCEPTION, «M:..» METHOD, «F:..» FILE_LINE,
    «C:..» ERROR_CODE, «V:..» VERSION, «D:..» DURATION, «MOD:..» MODULE.  "%d" inside a
    literal is replaced by a random line/column number.

Offsets are computed by the renderer while it concatenates pieces; nothing is hand-counted.
"""
from __future__ import annotations

import base64
import json
import os
import random
import re
import string
from collections import Counter

SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "error_logs.jsonl")

PII_LABELS = ["PERSON", "USER_PATH", "KRA_PIN", "PHONE", "MPESA_TILL", "MPESA_CODE",
              "NATIONAL_ID", "EMAIL", "CREDIT_CARD", "IBAN", "BANK_ACCOUNT", "IP_ADDRESS",
              "SECRET", "USER_VALUE"]
KEEP_KINDS = {"E": "EXCEPTION", "M": "METHOD", "F": "FILE_LINE", "C": "ERROR_CODE",
              "V": "VERSION", "D": "DURATION", "MOD": "MODULE"}

# --------------------------------------------------------------------------- name lists
KE_FIRST = ["Wanjiru", "Achieng", "Njeri", "Nyambura", "Chebet", "Atieno", "Akinyi", "Wambui",
            "Wairimu", "Mumbua", "Nduku", "Jepkosgei", "Moraa", "Kerubo", "Auma", "Faith",
            "Grace", "Mercy", "Brian", "Kevin", "Dennis", "Collins", "Peter", "Joseph",
            "Samuel", "Amina", "Fatuma", "Halima", "Kiprotich", "Otieno", "Omondi", "Mutua",
            "Wafula", "Kibet", "Baraka", "Juma", "Zawadi", "Mwende", "Kanini", "Cherono",
            "Nekesa", "Wekesa", "Kamande", "Muthoni"]
KE_LAST = ["Kamau", "Otieno", "Odhiambo", "Mwangi", "Kiprotich", "Chebet", "Njoroge", "Mutua",
           "Wafula", "Nyambura", "Omondi", "Ochieng", "Kariuki", "Wekesa", "Barasa", "Kimani",
           "Githinji", "Karanja", "Maina", "Macharia", "Nyaga", "Mugo", "Kiplagat", "Rotich",
           "Koech", "Langat", "Cheruiyot", "Onyango", "Okoth", "Simiyu", "Mohamed", "Hassan",
           "Mwakio", "Kahindi", "Nzioka", "Musyoka", "Kilonzo", "Ndungu", "Achieng", "Wanjala"]
IN_FIRST = ["Priya", "Rajesh", "Ananya", "Venkatesh", "Arjun", "Aarav", "Vivek", "Sanjay",
            "Deepika", "Kavya", "Lakshmi", "Suresh", "Ramesh", "Meera", "Pooja", "Rohan",
            "Aditya", "Neha", "Sneha", "Karthik", "Harish", "Divya", "Anil", "Sunita", "Manoj",
            "Gaurav", "Ishaan", "Farhan", "Zoya", "Gurpreet", "Harpreet", "Abhishek", "Shreya",
            "Nandini", "Sai", "Lalitha"]
IN_LAST = ["Sharma", "Kumar", "Iyer", "Subramanian", "Patel", "Reddy", "Nair", "Gupta", "Singh",
           "Verma", "Mehta", "Joshi", "Rao", "Pillai", "Menon", "Chatterjee", "Banerjee",
           "Mukherjee", "Desai", "Kulkarni", "Agarwal", "Bhat", "Krishnan", "Naidu",
           "Choudhary", "Malhotra", "Kapoor", "Khan", "Shetty", "Ghosh", "Srinivasan", "Das"]
UK_FIRST = ["Oliver", "Siobhan", "Charlotte", "George", "Harry", "Jack", "Amelia", "Olivia",
            "Isla", "Emily", "Thomas", "James", "William", "Sophie", "Chloe", "Megan", "Rhys",
            "Gareth", "Eilidh", "Callum", "Fiona", "Niamh", "Aoife", "Declan", "Hannah", "Lucy",
            "Matthew", "Ruth", "Imogen", "Freddie", "Alfie", "Bethan"]
UK_LAST = ["Smith", "O'Brien", "Davies", "Jones", "Williams", "Taylor", "Brown", "Evans",
           "Wilson", "Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker",
           "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis", "Martin",
           "Jackson", "Clarke", "MacDonald", "Campbell", "Murphy", "Kelly", "McCarthy",
           "Fitzgerald", "Ahmed", "Begum"]
FIRST = {"ke": KE_FIRST, "in": IN_FIRST, "uk": UK_FIRST}
LAST = {"ke": KE_LAST, "in": IN_LAST, "uk": UK_LAST}

PRODUCTS = {
    "ke": ["Panadol Extra 500mg", "Unga Jogoo 2kg", "Amoxil 250mg caps", "Brookside Milk 500ml",
           "Kimbo 1kg", "Omo Multi-Active 1kg", "Royco Mchuzi Mix 200g", "Ketepa Pride 100 bags",
           "Indomie Chicken 70g", "Blue Band 500g", "Coartem 80/480 tabs", "Mara Moja 20 tabs",
           "Cetamol 500mg", "Menengai bar soap 800g", "Ndovu Maize Meal 2kg", "Pishori rice 5kg",
           "Flucloxacillin 250mg", "Mumias Sugar 1kg", "Kasuku cooking fat 1kg",
           "Always Ultra pads", "Dettol 500ml", "Safaricom Neon Ray phone"],
    "in": ["Tata Salt 1kg", "Aashirvaad Atta 5kg", "Parle-G 800g", "Amul Butter 500g",
           "Fevicol SH 1kg", "Havells 16A switch", "Bosch GSB 500W drill", "Asian Paints Apex 10L",
           "Crompton ceiling fan 1200mm", "Finolex wire 1.5 sq mm 90m", "Ultratech cement 50kg",
           "Saffola Gold 5L", "Surf Excel 2kg", "Anchor modular plate 6M"],
    "uk": ["Oak bedside table (grey)", "Men's waterproof jacket size L", "Le Creuset casserole 24cm",
           "Kids wellies size 11", "Linen duvet cover king", "Cashmere scarf - navy",
           "Bamboo chopping board set", "Running shoes UK 9", "Ceramic table lamp",
           "Wool blend coat (camel) 12"],
}
NOTES = ["deliver after 5pm, gate B", "customer will pay balance on Friday", "mteja atalipa kesho",
         "gave 200 bob change", "allergic to penicillin", "repeat prescription, 2 weeks",
         "wrap as gift please", "leave with the watchman", "paid half cash half mpesa",
         "do not call before 9am", "bring receipt for warranty", "prefers generic brand",
         "complained about expired stock", "salary advance approved by manager",
         "left early - sick child", "worked Saturday to cover shift"]
ADDRESSES = {
    "ke": ["Kimathi Street, Nairobi", "House 14, Kahawa West", "Plot 22, Nyali Road, Mombasa",
           "Biashara St, Kisumu", "Apt 5B, Riverside Drive, Westlands", "Kenol Estate, Murang'a"],
    "in": ["#45, 3rd Cross, Indiranagar, Bengaluru 560038",
           "B-204, Sai Residency, Andheri East, Mumbai 400069",
           "12/3 Anna Salai, Chennai 600002", "H.No 8-2-293, Banjara Hills, Hyderabad 500034"],
    "uk": ["12 Baker Street, London NW1 6XE", "Flat 3, 21 Leith Walk, Edinburgh EH6 8LN",
           "7 Queen's Road, Bristol BS8 1QU", "44 Canal Street, Manchester M1 3HE",
           "Ty Gwyn, 9 Heol y Coed, Cardiff CF14 6HS"],
}
CHATS = ["my parcel never arrived and I want a refund", "I was charged twice for the same order",
         "can I change the delivery address?", "where is my order?? it's been 2 weeks",
         "the jacket is too small, how do I return it", "discount code isn't working at checkout",
         "hello is anyone there", "the courier left it outside in the rain",
         "I need this before my daughter's birthday on saturday",
         "why was my card declined, it works everywhere else",
         "please cancel the order, bought by mistake", "item arrived damaged, box crushed"]
PASSWORDS = ["S3cr3t!", "Omnix@2024", "Nairobi#2023", "P@ssw0rd123", "kamau1985",
             "Welcome1!", "changeme123", "Tr0ub4dor&3", "mpesa_2024!", "Summer2023*"]

ALNUM_UP = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits


# --------------------------------------------------------------------------- value helpers
def luhn_complete(prefix: str, length: int, r: random.Random) -> str:
    body = prefix + "".join(r.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # positions that get doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def luhn_ok(num: str) -> bool:
    digits = [int(c) for c in num if c.isdigit()]
    s = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return s % 10 == 0


def iban_make(country: str, bban: str) -> str:
    rearr = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in rearr)
    check = 98 - int(num) % 97
    return f"{country}{check:02d}{bban}"


def iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "")
    rearr = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rearr)) % 97 == 1


_VD = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
       [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
       [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
       [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_VP = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
       [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
       [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
_VINV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_digit(num: str) -> str:
    c = 0
    for i, ch in enumerate(reversed(num)):
        c = _VD[c][_VP[(i + 1) % 8][int(ch)]]
    return str(_VINV[c])


def digits(r, n, first_nonzero=True):
    s = "".join(r.choice(string.digits) for _ in range(n))
    if first_nonzero and s[0] == "0":
        s = r.choice("123456789") + s[1:]
    return s


def b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


# --------------------------------------------------------------------------- generators
# Each generator: fn(r, ctx, arg) -> str.  ctx holds the record's region and memo.
def g_first(r, ctx, arg):
    return r.choice(FIRST[arg or ctx["region"]])


def g_last(r, ctx, arg):
    return r.choice(LAST[arg or ctx["region"]])


def g_person(r, ctx, arg):
    reg = arg or ctx["region"]
    f, l = r.choice(FIRST[reg]), r.choice(LAST[reg])
    if reg == "ke" and r.random() < 0.12:
        return f"{f} {r.choice(KE_FIRST)} {l}"   # three-part Kenyan names
    if reg == "in" and r.random() < 0.12:
        return f"{f} {r.choice('ABCDKMRS')}. {l}"
    return f"{f} {l}"


def g_user(r, ctx, arg):
    if "user" not in ctx["memo"]:
        reg = ctx["region"]
        f, l = r.choice(FIRST[reg]).lower(), r.choice(LAST[reg]).lower().replace("'", "")
        ctx["memo"]["user"] = r.choice([f, f, f, f"{f}.{l}", f"{f[0]}{l}", f"{f}{l[0]}"])
    return ctx["memo"]["user"]


def g_kra(r, ctx, arg):
    v = r.choice("AP") + digits(r, 9, False) + r.choice(string.ascii_uppercase)
    return v.lower() if r.random() < 0.2 else v


def g_phone(r, ctx, arg):
    reg = "ke" if arg == "254" else (arg if arg in ("ke", "in", "uk") else ctx["region"])
    if reg == "ke":
        pre = r.choice(["7" + digits(r, 2, False), "11" + r.choice("0123"), "10" + r.choice("0123")])
        rest = digits(r, 6, False)
        if arg == "254":
            return "254" + pre + rest
        fmts = [f"+254 {pre} {rest[:3]} {rest[3:]}", f"+254{pre}{rest}", f"254{pre}{rest}",
                f"0{pre}{rest}", f"0{pre} {rest[:3]} {rest[3:]}", f"(0{pre}) {rest[:3]}-{rest[3:]}",
                f"0{pre}-{rest}", f"0{pre}-{rest[:3]}-{rest[3:]}", f"+254-{pre}-{rest}"]
        return r.choice(fmts)
    if reg == "in":
        n = r.choice("6789") + digits(r, 9, False)
        return r.choice([f"+91 {n[:5]} {n[5:]}", f"+91{n}", n, f"+91-{n[:5]}-{n[5:]}",
                         f"0{n[:5]} {n[5:]}", f"91{n}"])
    n = "7" + r.choice("456789") + digits(r, 8, False)
    return r.choice([f"+44 {n[:4]} {n[4:]}", f"0{n[:4]} {n[4:]}", f"+44{n}", f"0{n}",
                     f"+44 (0){n[:4]} {n[4:]}", f"+44 {n[:4]} {n[4:7]} {n[7:]}"])


def g_till(r, ctx, arg):
    return digits(r, r.choice([5, 6, 6, 7]))


def g_paybill(r, ctx, arg):
    return r.choice(["522522", "247247", "400200", "888880", "303030"]) if r.random() < 0.3 \
        else digits(r, r.choice([5, 6, 6, 7]))


def g_accref(r, ctx, arg):
    L = string.ascii_uppercase
    return r.choice([
        lambda: "".join(r.choice(L) for _ in range(2)) + digits(r, 4),
        lambda: "SHOP" + digits(r, 3),
        lambda: "A" + digits(r, 5) + r.choice(L),
        lambda: r.choice(KE_LAST).upper() + digits(r, 2),
        lambda: "HSE" + digits(r, 2) + r.choice(L),
    ])()


def g_mcode(r, ctx, arg):
    while True:
        s = r.choice("QRSTUP") + "".join(r.choice(ALNUM_UP) for _ in range(9))
        nd = sum(c.isdigit() for c in s)
        if 2 <= nd <= 6:
            return s


def g_kenid(r, ctx, arg):
    return digits(r, r.choice([7, 8, 8, 8]))


def g_aadhaar(r, ctx, arg):
    base = r.choice("23456789") + digits(r, 10, False)
    n = base + verhoeff_digit(base)
    return r.choice([f"{n[:4]} {n[4:8]} {n[8:]}", n, f"{n[:4]}-{n[4:8]}-{n[8:]}"])


def g_nino(r, ctx, arg):
    a = r.choice("ABCEGHJKLMNPRSTWXYZ") + r.choice("ABCEGHJKLMNPRSTWXYZ")
    d = digits(r, 6, False)
    s = r.choice("ABCD")
    return r.choice([f"{a}{d}{s}", f"{a} {d[:2]} {d[2:4]} {d[4:]} {s}", f"{a}{d}{s}".lower()
                     if r.random() < 0.2 else f"{a}{d}{s}"])


def g_email(r, ctx, arg):
    reg = arg or ctx["region"]
    f = r.choice(FIRST[reg]).lower()
    l = r.choice(LAST[reg]).lower().replace("'", "")
    dom = {"ke": ["gmail.com", "yahoo.com", "outlook.com", "omnixpos.co.ke", "students.uonbi.ac.ke"],
           "in": ["gmail.com", "rediffmail.com", "yahoo.co.in", "outlook.in"],
           "uk": ["gmail.com", "btinternet.com", "hotmail.co.uk", "outlook.com", "sky.com"]}[reg]
    local = r.choice([f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}.{l}{r.randint(1, 99)}", f"{f}_{l}"])
    return f"{local}@{r.choice(dom)}"


def g_card(r, ctx, arg):
    n = luhn_complete(r.choice(["4", "4", "51", "52", "53", "54", "55"]), 16, r)
    assert luhn_ok(n)
    return r.choice([n, n, " ".join(n[i:i + 4] for i in range(0, 16, 4)),
                     "-".join(n[i:i + 4] for i in range(0, 16, 4))])


def g_iban(r, ctx, arg):
    country = arg or r.choice(["GB", "GB", "GB", "DE"])
    if country == "GB":
        bban = r.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL", "NAIA"]) + digits(r, 6, False) + digits(r, 8, False)
    else:
        bban = digits(r, 8) + digits(r, 10, False)
    ib = iban_make(country, bban)
    assert iban_ok(ib)
    return ib if r.random() < 0.6 else " ".join(ib[i:i + 4] for i in range(0, len(ib), 4))


def g_bacct(r, ctx, arg):
    return r.choice([digits(r, r.randint(10, 14)), "0" + digits(r, r.randint(9, 13), False)])


def g_ip(r, ctx, arg):
    if arg == "6" or (arg is None and r.random() < 0.3):
        pre = r.choice(["2c0f:fe38", "2001:41d0", "2409:4073", "2a00:23c7", "2c0f:fa18", "2405:201"])
        groups = [format(r.randint(0, 0xffff), "x") for _ in range(r.choice([2, 4, 6]))]
        return pre + ":" + ":".join(groups) if len(groups) == 6 else pre + ":" + ":".join(groups) + "::" + format(r.randint(1, 0xfff), "x")
    reg = ctx["region"]
    firsts = {"ke": ["41.90", "105.160", "197.232", "102.68", "154.159"],
              "in": ["49.36", "106.51", "117.96", "157.49", "223.190"],
              "uk": ["81.2", "86.128", "92.40", "82.132", "31.94"]}[reg]
    return f"{r.choice(firsts)}.{r.randint(1, 254)}.{r.randint(1, 254)}"


def g_sk(r, ctx, arg):
    return "sk_live_" + "".join(r.choice(ALNUM) for _ in range(24))


def g_pk(r, ctx, arg):
    return "pk_live_" + "".join(r.choice(ALNUM) for _ in range(24))


def g_aws(r, ctx, arg):
    return "AKIA" + "".join(r.choice(string.ascii_uppercase + "234567") for _ in range(16))


def g_jwt(r, ctx, arg):
    hdr = b64url(json.dumps({"alg": r.choice(["HS256", "RS256"]), "typ": "JWT"}, separators=(",", ":")).encode())
    pl = b64url(json.dumps({"sub": str(r.randint(1000, 99999)), "iat": 1700000000 + r.randint(0, 30000000),
                            "scope": r.choice(["pos", "api", "chat"])}, separators=(",", ":")).encode())
    sig = b64url(bytes(r.randrange(256) for _ in range(32)))
    return f"{hdr}.{pl}.{sig}"


def g_token(r, ctx, arg):
    return g_jwt(r, ctx, arg) if r.random() < 0.4 else "".join(r.choice(ALNUM) for _ in range(r.choice([32, 40, 43])))


def g_pw(r, ctx, arg):
    if r.random() < 0.5:
        p = r.choice(PASSWORDS)
    else:
        p = "".join(r.choice(ALNUM) for _ in range(r.randint(10, 18)))
    if arg == "url":
        p = p.replace("@", "").replace("#", "").replace("&", "") or "x9Kq2"
    return p


def g_pem(r, ctx, arg):
    kind = r.choice(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"])
    lines = [base64.b64encode(bytes(r.randrange(256) for _ in range(48))).decode() for _ in range(r.randint(2, 4))]
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"


def g_product(r, ctx, arg):
    return r.choice(PRODUCTS[arg or ctx["region"]])


def g_note(r, ctx, arg):
    return r.choice(NOTES)


def g_address(r, ctx, arg):
    return r.choice(ADDRESSES[arg or ctx["region"]])


def g_chat(r, ctx, arg):
    return r.choice(CHATS)


# technical / unlabelled helpers
def g_n(r, ctx, arg):
    return str(r.randint(1, 10 ** int(arg) - 1)) if arg else str(r.randint(1, 9999))


def g_amt(r, ctx, arg):
    return f"{r.randint(20, 45000):,}.{r.choice(['00', '00', '50', '25'])}"


def g_guid(r, ctx, arg):
    h = "".join(r.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{r.choice('89ab')}{h[17:20]}-{h[20:]}"


def g_hex(r, ctx, arg):
    return "".join(r.choice("0123456789abcdef") for _ in range(int(arg or 40)))


def g_ts(r, ctx, arg):
    return (f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:"
            f"{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}Z")


def g_epoch(r, ctx, arg):
    return str(1704067200000 + r.randint(0, 31_000_000_000)) if arg != "s" else str(1704067200 + r.randint(0, 31_000_000))


def g_port(r, ctx, arg):
    return str(r.choice([5432, 3306, 6379, 8080, 443, 8443, 9200, 5672, 27017, 1433]))


def g_order(r, ctx, arg):
    return r.choice(["ORD", "SO", "INV", "PO"]) + "-" + str(r.randint(2022, 2025)) + "-" + digits(r, 6, False)


def g_ver(r, ctx, arg):
    return r.choice([f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 30)}",
                     f"v{r.randint(1, 5)}.{r.randint(0, 12)}.{r.randint(0, 9)}",
                     f"v{r.randint(1, 4)}.{r.randint(0, 9)}.{r.randint(0, 9)}-beta.{r.randint(1, 5)}",
                     f"{r.randint(2, 8)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(100, 9999)}"])


def g_winver(r, ctx, arg):
    return r.choice(["10.0.19045", "10.0.22631", "10.0.19044", "10.0.22621", "6.1.7601"])


def g_dur(r, ctx, arg):
    return r.choice([f"{r.randint(50, 30000)}ms", f"{r.randint(1, 120)}s", f"{r.randint(1, 9)}.{r.randint(0, 9)} s",
                     f"{r.randint(100, 9000)} ms", f"00:00:{r.randint(10, 59)}"])


def g_mod(r, ctx, arg):
    return r.choice(["sales", "pharmacy", "hr", "banking", "inventory"])


GEN = {  # name -> (fn, label or None, is_keep)
    "person": (g_person, "PERSON", False), "first": (g_first, "PERSON", False),
    "last": (g_last, "PERSON", False), "user": (g_user, "USER_PATH", False),
    "kra": (g_kra, "KRA_PIN", False), "phone": (g_phone, "PHONE", False),
    "till": (g_till, "MPESA_TILL", False), "paybill": (g_paybill, "MPESA_TILL", False),
    "accref": (g_accref, "MPESA_TILL", False), "mcode": (g_mcode, "MPESA_CODE", False),
    "kenid": (g_kenid, "NATIONAL_ID", False), "aadhaar": (g_aadhaar, "NATIONAL_ID", False),
    "nino": (g_nino, "NATIONAL_ID", False), "email": (g_email, "EMAIL", False),
    "card": (g_card, "CREDIT_CARD", False), "iban": (g_iban, "IBAN", False),
    "bacct": (g_bacct, "BANK_ACCOUNT", False), "ip": (g_ip, "IP_ADDRESS", False),
    "sk": (g_sk, "SECRET", False), "pk": (g_pk, "SECRET", False), "aws": (g_aws, "SECRET", False),
    "jwt": (g_jwt, "SECRET", False), "token": (g_token, "SECRET", False), "pw": (g_pw, "SECRET", False),
    "pem": (g_pem, "SECRET", False), "product": (g_product, "USER_VALUE", False),
    "note": (g_note, "USER_VALUE", False), "address": (g_address, "USER_VALUE", False),
    "chat": (g_chat, "USER_VALUE", False),
    "n": (g_n, None, False), "amt": (g_amt, None, False), "guid": (g_guid, None, False),
    "hex": (g_hex, None, False), "ts": (g_ts, None, False), "epoch": (g_epoch, None, False),
    "port": (g_port, None, False), "order": (g_order, None, False),
    "ver": (g_ver, "VERSION", True), "winver": (g_winver, "VERSION", True),
    "dur": (g_dur, "DURATION", True), "mod": (g_mod, "MODULE", True),
}

PH = re.compile(r"«([^«»]+)»")


def render(tpl: str, r: random.Random, region: str):
    ctx = {"region": region, "memo": {}}
    out, pii, keep, pos = [], [], [], 0
    last = 0
    for m in PH.finditer(tpl):
        lit = tpl[last:m.start()]
        out.append(lit)
        pos += len(lit)
        last = m.end()
        spec = m.group(1)
        head, _, rest = spec.partition(":")
        if head in KEEP_KINDS:
            val = re.sub(r"%d", lambda _: str(r.randint(12, 980)), rest)
            keep.append({"start": pos, "end": pos + len(val), "kind": KEEP_KINDS[head]})
        else:
            arg, _, mod = (rest or "").partition("|")
            if "|" in head:
                head, _, mod = head.partition("|")
            fn, label, is_keep = GEN[head]
            val = fn(r, ctx, arg or None)
            if mod == "lc":
                val = val.lower()
            elif mod == "uc":
                val = val.upper()
            elif mod == "c":  # compact: digits and leading + only (for URLs)
                val = re.sub(r"[^\d+]", "", val)
            if label and is_keep:
                keep.append({"start": pos, "end": pos + len(val), "kind": label})
            elif label:
                pii.append({"start": pos, "end": pos + len(val), "label": label})
        out.append(val)
        pos += len(val)
    out.append(tpl[last:])
    text = "".join(out)
    return text, pii, keep


def check(text, pii, keep):
    def ov(a, b):
        return a["start"] < b["end"] and b["start"] < a["end"]
    for s in pii + keep:
        assert 0 <= s["start"] < s["end"] <= len(text), (s, text)
        assert text[s["start"]:s["end"]].strip() == text[s["start"]:s["end"]], (s, text)
    for i, a in enumerate(pii):
        for b in pii[i + 1:]:
            assert not ov(a, b), (a, b, text)
        for k in keep:
            assert not ov(a, k), (a, k, text)
    for s in pii:
        v = text[s["start"]:s["end"]]
        if s["label"] == "CREDIT_CARD":
            assert luhn_ok(v), v
        if s["label"] == "IBAN":
            assert iban_ok(v), v


# @@TEMPLATES@@

REGION = {"omnix-pos": "ke", "inventory-web": "in", "support-chat": "uk", "time-tracker": None}


def gen_record(r, ti):
    app, field, tpl = TEMPLATES[ti]
    region = REGION[app] or r.choice(["ke", "in", "uk"])
    s = tpl(r) if callable(tpl) else tpl
    text, pii, keep = render(s, r, region)
    check(text, pii, keep)
    return {"app": app, "field": field, "text": text, "pii": pii, "keep": keep}


def main():
    r = random.Random(SEED)
    recs, seen, tmpl_of = [], set(), []

    def add(ti, tries=20):
        for _ in range(tries):
            rec = gen_record(r, ti)
            if rec["text"] not in seen:
                seen.add(rec["text"])
                recs.append(rec)
                tmpl_of.append(ti)
                return rec
        return None

    # which labels can each template produce (probe with a separate RNG)
    probe = random.Random(1)
    labels_of = []
    for ti in range(len(TEMPLATES)):
        ls = set()
        for _ in range(6):
            app, field, tpl = TEMPLATES[ti]
            s = tpl(probe) if callable(tpl) else tpl
            _, pii, _ = render(s, probe, REGION[app] or "ke")
            ls |= {p["label"] for p in pii}
        labels_of.append(ls)
    clean_t = [i for i, ls in enumerate(labels_of) if not ls]
    pii_t = [i for i, ls in enumerate(labels_of) if ls]

    for ti in range(len(TEMPLATES)):      # every template at least twice
        add(ti)
        add(ti)
    targets = {L: 55 for L in PII_LABELS}
    targets["PERSON"] = 220
    while True:
        cnt = Counter(p["label"] for rec in recs for p in rec["pii"])
        short = [L for L in PII_LABELS if cnt[L] < targets[L]]
        if not short:
            break
        L = short[0]
        add(r.choice([i for i in pii_t if L in labels_of[i]]))
    hn_count = lambda: sum(1 for t in tmpl_of if t in HARD_NEGATIVE_IDS)  # noqa: E731
    while hn_count() < 45:
        add(r.choice(sorted(HARD_NEGATIVE_IDS)))
    TOTAL = 720
    while len(recs) < TOTAL or sum(1 for x in recs if not x["pii"]) / len(recs) < 0.40:
        clean_frac = sum(1 for x in recs if not x["pii"]) / len(recs)
        add(r.choice(clean_t if clean_frac < 0.42 else pii_t))

    order = list(range(len(recs)))
    r.shuffle(order)
    with open(OUT, "w", encoding="utf-8") as fh:
        for n, i in enumerate(order, 1):
            rec = {"id": f"e{n:04d}", **recs[i]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    cnt = Counter(p["label"] for rec in recs for p in rec["pii"])
    kc = Counter(k["kind"] for rec in recs for k in rec["keep"])
    apps = Counter(rec["app"] for rec in recs)
    used = len(set(tmpl_of))
    print(f"records: {len(recs)}  templates: {len(TEMPLATES)} (used {used})  "
          f"no-PII records: {sum(1 for x in recs if not x['pii'])}  hard negatives: {hn_count()}")
    print("apps:", dict(sorted(apps.items())))
    print("fields:", dict(Counter(rec["field"] for rec in recs)))
    print(f"pii spans: {sum(cnt.values())}", ", ".join(f"{L}={cnt[L]}" for L in PII_LABELS))
    print(f"keep spans: {sum(kc.values())}", ", ".join(f"{k}={kc[k]}" for k in KEEP_KINDS.values()))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
