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
    while l == f:
        l = r.choice(LAST[reg])
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
        pre = r.choice({"ke": ["2c0f:fe38", "2c0f:fa18", "2c0f:f5c0"], "in": ["2409:4073", "2405:201", "2401:4900"],
                        "uk": ["2a00:23c7", "2a02:c7c", "2001:41d0"]}[ctx["region"]])
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

# Labels given after the corpus is drawn, so that adding them changed no record (the draw picks templates by
# the labels they produce): sale amounts became personal data by policy after the corpus was built, and
# products were labelled as user values before PRODUCT had its own label.
LATE_LABELS = {"amt": "AMOUNT", "product": "PRODUCT"}


def render(tpl: str, r: random.Random, region: str):
    ctx = {"region": region, "memo": {}}
    out, pii, keep, pos, gens = [], [], [], 0, []
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
            if label and not is_keep:
                gens.append(head)
                if head == "phone":
                    gens.append("phone@" + ("ke" if arg == "254" else arg if arg in ("ke", "in", "uk") else region))
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
            if head in LATE_LABELS:
                ctx.setdefault("late", []).append({"start": pos, "end": pos + len(val), "head": head})
        out.append(val)
        pos += len(val)
    out.append(tpl[last:])
    text = "".join(out)
    return text, pii, keep, gens, ctx.get("late", [])


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


# --------------------------------------------------------------------------- stack helpers
def _win_root(r, proj):
    return r.choice([
        "C:\\Users\\«user»\\source\\repos\\Omnix\\@PROJ@\\",
        "C:\\Users\\«user»\\Documents\\Visual Studio 2022\\Projects\\Omnix\\@PROJ@\\",
        "D:\\a\\1\\s\\src\\@PROJ@\\",                      # CI build agent: no PII
        "C:\\BuildAgent\\work\\7f3e21c9\\src\\@PROJ@\\",
        None,                                                     # release build: no file info
    ])


def dn_stack(header, frames):
    """frames: (method, args, file_or_None, project)."""
    def build(r):
        root = _win_root(r, "Omnix")
        lines = [header]
        for meth, args, file, proj in frames:
            if file and root:
                rt = root.replace("@PROJ@", proj)
                lines.append(f"   at «M:{meth}»({args}) in {rt}«F:{file}:line %d»")
            else:
                lines.append(f"   at «M:{meth}»({args})")
        if r.random() < 0.3:
            lines.append("--- End of stack trace from previous location ---")
            lines.append("   at «M:System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw»()")
        return "\n".join(lines)
    return build


SQLITE_FW = [("System.Data.SQLite.SQLite3.Reset", "SQLiteStatement stmt", None, ""),
             ("System.Data.SQLite.SQLite3.Step", "SQLiteStatement stmt", None, ""),
             ("System.Data.SQLite.SQLiteDataReader.NextResult", "", None, ""),
             ("System.Data.SQLite.SQLiteCommand.ExecuteNonQuery", "CommandBehavior behavior", None, "")]
HTTP_FW = [("System.Net.Http.HttpResponseMessage.EnsureSuccessStatusCode", "", None, "")]
WINFORMS_FW = [("System.Windows.Forms.Control.OnClick", "EventArgs e", None, ""),
               ("System.Windows.Forms.Button.OnMouseUp", "MouseEventArgs mevent", None, "")]


def node_stack(header, frames, internal=True):
    """frames: (function, relative path, file)."""
    def build(r):
        root = r.choice(["/app/", "/app/", "/srv/inventory/", "/home/«user»/projects/inventory/",
                         "/Users/«user»/dev/inventory/", "/home/«user»/inventory-web/"])
        lines = [header]
        for fn, rel, file in frames:
            lines.append(f"    at «M:{fn}» ({root}{rel}«F:{file}:%d:%d»)")
        if internal:
            lines.append("    at «M:process.processTicksAndRejections» (node:internal/process/«F:task_queues:95:5»)")
        return "\n".join(lines)
    return build


def py_tb(frames, final):
    """frames: (relpath, file, func, code) ; relpath under project root or 'site:' for site-packages."""
    def build(r):
        root = r.choice(["/srv/support/", "/srv/support/", "/app/", "/home/«user»/support/",
                         "/Users/«user»/code/support-chat/"])
        site = r.choice(["/usr/local/lib/python3.11/site-packages/", root + ".venv/lib/python3.11/site-packages/"])
        lines = ["Traceback (most recent call last):"]
        for rel, file, func, code in frames:
            base = site + rel[5:] if rel.startswith("site:") else root + rel
            lines.append(f'  File "{base}«F:{file}", line %d», in «M:{func}»')
            lines.append(f"    {code}")
        lines.append(final)
        return "\n".join(lines)
    return build


def java_stack(header, frames, caused=None):
    def build(r):
        lines = [header]
        for meth, file in frames:
            lines.append(f"\tat «M:{meth}»(«F:{file}:%d»)")
        if caused:
            lines.append("Caused by: " + caused)
            lines.append("\tat «M:java.base/java.net.Socket.connect»(«F:Socket.java:%d»)")
        lines.append(f"\t... {r.randint(3, 40)} more")
        return "\n".join(lines)
    return build


def electron_stack(header, frames):
    def build(r):
        root = r.choice(["C:\\Users\\«user»\\AppData\\Local\\Programs\\time-tracker\\resources\\app.asar\\dist\\",
                         "/Applications/Time Tracker.app/Contents/Resources/app.asar/dist/",
                         "/Users/«user»/Applications/Time Tracker.app/Contents/Resources/app.asar/dist/",
                         "/opt/TimeTracker/resources/app.asar/dist/"])
        lines = [header]
        for fn, file in frames:
            lines.append(f"    at «M:{fn}» ({root}«F:{file}:%d:%d»)")
        return "\n".join(lines)
    return build


def S(b):
    return ("stack", b)


# --------------------------------------------------------------------------- templates
OMNIX = [
    # ---- sales
    "«E:System.Data.SQLite.SQLiteException» (0x80004005): «C:SQLITE_CONSTRAINT»: UNIQUE constraint failed: customers.phone\nINSERT INTO customers (name, phone, email, kra_pin) VALUES ('«person»', '«phone»', '«email»', '«kra»')",
    "«E:System.Data.SQLite.SQLiteException» (0x80004005): «C:SQLITE_CONSTRAINT»: FOREIGN KEY constraint failed (sale_items.sale_id)",
    "«E:System.Data.SQLite.SQLiteException» (0x800007AF): «C:SQLITE_BUSY»: database is locked after «dur» (module=«MOD:sales»)",
    "Failed to print receipt for customer «person» (sale #«n:6», KES «amt»): printer 'EPSON TM-T20III' offline «C:0x800706BA»",
    "Sale «n:6» saved but loyalty update failed: customer «person|lc» phone «phone» not found",
    '{"event":"sale_failed","customer_name":"«person»","phone":"«phone»","total":"«amt»","items":[{"product":"«product»","qty":2}],"error":"«C:SQLITE_FULL»"}',
    'level=error module=«MOD:sales» op=checkout cashier="«person»" register=2 err="«C:SQLITE_BUSY»: database is locked" elapsed=«dur»',
    "Refund rejected: cashier «first» attempted refund above KES 5,000 without supervisor PIN",
    "Price override by «person» on item '«product»' exceeds 30% limit",
    "Customer «person» (ID «kenid») exceeded credit limit; balance KES «amt» since 2024-03-01",
    "Loyalty redemption failed: customer «person|uc», KRA PIN «kra», points 1200 < 1500",
    "Held sale #«n:5» for «first» expired after «dur»",
    "Credit note for '«product»' could not be issued: original invoice «order» already reversed",
    "SMS receipt to «phone» failed: Africa's Talking «C:HTTP 401» apiKey=«token»",
    "Email receipt to «email» bounced: 550 5.1.1 user unknown",
    "Cashier login failed for user '«first|lc»' from «ip» (attempt 3 of 5)",
    "Customer lookup by phone «phone» returned 2 rows: «person», «person»",
    "Sales summary export to C:\\Users\\«user»\\Desktop\\sales_june.xlsx failed: «E:System.IO.IOException»: The process cannot access the file because it is being used by another process.",
    "«E:System.FormatException»: Input string was not in a correct format. (qty field, module=«MOD:sales»)",
    "«E:System.InvalidOperationException»: Sequence contains no elements (PriceList lookup for branch 3)",
    S(dn_stack("«E:System.NullReferenceException»: Object reference not set to an instance of an object.",
               [("Omnix.Sales.SaleForm.Save", "", "SaleForm.cs", "Omnix.Sales"),
                ("Omnix.Sales.SaleForm.btnPay_Click", "Object sender, EventArgs e", "SaleForm.cs", "Omnix.Sales")] + WINFORMS_FW)),
    S(dn_stack("«E:System.Data.SQLite.SQLiteException» (0x80004005): «C:SQLITE_CONSTRAINT»: NOT NULL constraint failed: sales.cashier_id",
               SQLITE_FW + [("Omnix.Data.SaleRepository.Insert", "Sale sale", "SaleRepository.cs", "Omnix.Data"),
                            ("Omnix.Sales.CheckoutService.Complete", "Cart cart", "CheckoutService.cs", "Omnix.Sales")])),
    S(dn_stack("«E:System.InvalidOperationException»: Customer '«person»' has an outstanding balance of KES «amt»",
               [("Omnix.Sales.CreditPolicy.Ensure", "Customer c", "CreditPolicy.cs", "Omnix.Sales"),
                ("Omnix.Sales.CheckoutService.Complete", "Cart cart", "CheckoutService.cs", "Omnix.Sales")])),
    S(dn_stack("«E:System.ArgumentOutOfRangeException»: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
               [("System.Collections.Generic.List`1.get_Item", "Int32 index", None, ""),
                ("Omnix.Sales.CartGrid.OnCellEndEdit", "Object sender, DataGridViewCellEventArgs e", "CartGrid.cs", "Omnix.Sales")])),
    S(dn_stack("«E:System.Drawing.Printing.InvalidPrinterException»: No printers are installed.",
               [("Omnix.Printing.ReceiptPrinter.Print", "Receipt r", "ReceiptPrinter.cs", "Omnix.Printing"),
                ("Omnix.Sales.SaleForm.PrintReceipt", "", "SaleForm.cs", "Omnix.Sales")])),
    # ---- pharmacy
    "Prescription save failed for patient «person» (ID «kenid»): «E:System.InvalidOperationException»: Dosage is required for «product»",
    "«E:System.Data.SQLite.SQLiteException»: «C:SQLITE_CONSTRAINT»: NOT NULL constraint failed: prescriptions.prescriber_id\nINSERT INTO prescriptions (patient_name, id_number, drug, notes) VALUES ('«person»', '«kenid»', '«product»', '«note»')",
    "Controlled drug register mismatch: «product» balance -2 (module=«MOD:pharmacy»)",
    "SHA claim rejected for member «person|uc» national id «kenid»: «C:HTTP 422» Unprocessable Entity",
    "Batch expiry check found 14 expired items in store 2 (module=«MOD:pharmacy», took «dur»)",
    '{"patient":"«person»","age":34,"phone":"«phone»","allergies":"«note»","error":"«C:VALIDATION_FAILED»"}',
    "Dispense blocked: patient «first|lc» «last|lc» is under 12, «product» not allowed",
    "Pharmacy stock sync failed: «E:System.Net.Http.HttpRequestException»: Response status code does not indicate success: 503 (Service Unavailable).",
    S(dn_stack("«E:System.Collections.Generic.KeyNotFoundException»: The given key 'DRUG-0441' was not present in the dictionary.",
               [("Omnix.Pharmacy.DrugCatalog.Get", "String code", "DrugCatalog.cs", "Omnix.Pharmacy"),
                ("Omnix.Pharmacy.DispenseForm.Confirm", "", "DispenseForm.cs", "Omnix.Pharmacy")] + WINFORMS_FW)),
    S(dn_stack("«E:System.InvalidOperationException»: Patient «person» (ID No «kenid») already has an open dispense",
               [("Omnix.Pharmacy.DispenseService.Open", "Patient p", "DispenseService.cs", "Omnix.Pharmacy"),
                ("Omnix.Pharmacy.DispenseForm.Confirm", "", "DispenseForm.cs", "Omnix.Pharmacy")])),
    # ---- hr / payroll
    "Payroll run 2024-06 failed for employee «person» (ID No. «kenid», KRA PIN «kra»): NSSF tier II amount negative",
    "P9 export error: missing KRA PIN for employee «person|lc»",
    "iTax upload rejected: PIN «kra» does not match name «person|uc»",
    "«E:System.Data.SQLite.SQLiteException»: «C:SQLITE_READONLY»: attempt to write a readonly database\nUPDATE employees SET bank_account='«bacct»', phone='«phone»' WHERE national_id='«kenid»'",
    "Leave request #«n:4» by «person» overlaps existing leave (module=«MOD:hr»)",
    "level=error module=«MOD:hr» action=payslip_email to=«email» status=failed smtp=«C:SMTP 550» took=«dur»",
    "SHIF deduction table not loaded for period 2024-10 (module=«MOD:hr»)",
    "Casual worker «person» B2C payout to «phone» failed: ResultCode «C:2001» initiator information invalid",
    '{"employee":"«person»","id_number":"«kenid»","kra_pin":"«kra»","basic":"«amt»","error":"Housing levy computed negative"}',
    "Payslip PDF for «person» could not be saved to C:\\Users\\«user»\\Documents\\Payslips: «C:0x80070005» Access is denied",
    "HR import row 17: duplicate national ID «kenid» (employees «person» and «person»)",
    "Biometric clock-in from device ZK-K40 rejected for «first»: template not enrolled",
    S(dn_stack("«E:System.NullReferenceException»: Object reference not set to an instance of an object.",
               [("Omnix.Hr.PayrollService.ComputeNet", "Employee e, PayPeriod p", "PayrollService.cs", "Omnix.Hr"),
                ("Omnix.Hr.PayrollService.Run", "PayPeriod p", "PayrollService.cs", "Omnix.Hr"),
                ("Omnix.Hr.PayrollForm.btnRun_Click", "Object sender, EventArgs e", "PayrollForm.cs", "Omnix.Hr")])),
    S(dn_stack("«E:System.OverflowException»: Value was either too large or too small for a Decimal.",
               [("System.Decimal.op_Multiply", "Decimal d1, Decimal d2", None, ""),
                ("Omnix.Hr.Statutory.PayeCalculator.Compute", "Decimal taxable", "PayeCalculator.cs", "Omnix.Hr")])),
    # ---- banking
    "Bank reconciliation failed: statement line for a/c «bacct» amount KES «amt» not matched (module=«MOD:banking»)",
    "Equity API error «C:HTTP 401» for account no «bacct»: invalid signature",
    "Supplier payment to «person» IBAN «iban» rejected: «C:AC04» closed account",
    "Cheque deposit bounced: drawer «person», acct «bacct», cheque no «n:6»",
    '{"beneficiary":"«person»","account_number":"«bacct»","bank_code":"68","amount":"«amt»","note":"«note»","status":"«C:REJECTED»"}',
    "PesaLink transfer timed out after «dur» (module=«MOD:banking»)",
    "Bank feed import: CSV row 118 has 9 columns, expected 11 (module=«MOD:banking»)",
    "Card payment declined («C:05» Do not honour): card «card» exp 08/27 cardholder «person|uc»",
    "PDQ terminal on COM4 not responding («C:ERROR_SEM_TIMEOUT»), retry in «dur»",
    "Card refund failed for PAN «card»: «C:HTTP 502» from acquirer",
    "Standing order to «iban» for «person» skipped: insufficient funds in acct «bacct»",
    "KCB statement parse error: unexpected header 'Value Date' at row 1 (module=«MOD:banking»)",
    S(dn_stack("«E:System.Net.Http.HttpRequestException»: Response status code does not indicate success: 500 (Internal Server Error).",
               HTTP_FW + [("Omnix.Banking.EquityClient.GetStatementAsync", "String accountNo, DateTime from", "EquityClient.cs", "Omnix.Banking"),
                          ("Omnix.Banking.ReconService.MatchAsync", "", "ReconService.cs", "Omnix.Banking")])),
    # ---- inventory
    "Stock adjustment for '«product»' rejected: quantity -5 below zero (module=«MOD:inventory»)",
    "«E:System.Data.SQLite.SQLiteException»: «C:SQLITE_CONSTRAINT»: UNIQUE constraint failed: products.name\nUPDATE products SET name='«product»', price=«n:4» WHERE id=«n:5»",
    "Supplier «person» (phone «phone») delivery note DN-«n:5» missing 3 items",
    "GRN import failed: «C:SQLITE_FULL»: database or disk is full (module=«MOD:inventory»)",
    "Reorder alert email to «email» failed: «E:System.Net.Mail.SmtpException»: Failure sending mail.",
    "Stock take variance for '«product»': counted 12, system 15 (module=«MOD:inventory»)",
    S(dn_stack("«E:System.Data.SQLite.SQLiteException» (0x80004005): «C:SQLITE_IOERR»: disk I/O error",
               SQLITE_FW + [("Omnix.Data.StockRepository.Adjust", "Int32 productId, Decimal qty", "StockRepository.cs", "Omnix.Data"),
                            ("Omnix.Inventory.StockService.Adjust", "Adjustment a", "StockService.cs", "Omnix.Inventory")])),
    # ---- M-Pesa
    'STK push to «phone» for KES «amt» (paybill «paybill», account «accref») failed: {"requestId":"«n:5»-«n:8»-1","errorCode":"«C:500.001.1001»","errorMessage":"Unable to lock subscriber, a transaction is already in process for the current subscriber"}',
    'C2B confirmation rejected: {"TransactionType":"Pay Bill","TransID":"«mcode»","TransTime":"20240610143215","TransAmount":"«amt»","BusinessShortCode":"«paybill»","BillRefNumber":"«accref»","MSISDN":"«phone:254»","FirstName":"«first|uc»","LastName":"«last|uc»"}',
    "Duplicate M-Pesa receipt «mcode» ignored for sale «n:6»",
    "Till «till» confirmation URL returned «C:HTTP 502» after «dur»",
    '{"Body":{"stkCallback":{"MerchantRequestID":"«n:5»-«n:8»-1","CheckoutRequestID":"ws_CO_«n:8»«n:6»","ResultCode":«C:1032»,"ResultDesc":"Request cancelled by user","CallbackMetadata":{"Item":[{"Name":"PhoneNumber","Value":«phone:254»}]}}}}',
    "M-Pesa reversal failed for «mcode»: The initiator is not allowed to initiate this request («C:2001»)",
    "Buy goods till no «till» does not match configured till for branch Kisumu",
    "OAuth token request to Daraja failed: «C:ECONNRESET» after «dur»",
    "Daraja «C:HTTP 400» Bad Request: Invalid Access Token (module=«MOD:sales»)",
    "Payment «mcode» from «person|uc» («phone») KES «amt» could not be matched to any open invoice (acc «accref»)",
    "«E:System.Data.SQLite.SQLiteException»: «C:SQLITE_CONSTRAINT»: UNIQUE constraint failed: mpesa_payments.trans_id\nINSERT INTO mpesa_payments (trans_id, msisdn, first_name, amount) VALUES ('«mcode»', '«phone:254»', '«first|uc»', «n:4»)",
    "STK query ResultCode «C:1037»: DS timeout, user cannot be reached (waited «dur»)",
    "level=warn module=«MOD:sales» event=mpesa_callback trans_id=«mcode» bill_ref=«accref» amount=«amt» latency=«dur»",
    "M-Pesa paybill «paybill» account «accref»: customer «person» paid twice (receipts «mcode», «mcode»)",
    "Lipa na M-Pesa till «till» shortcode mismatch; expected 174379 sandbox in test mode",
    "Daraja callback signature invalid, consumer secret=«token»",
    S(dn_stack("«E:System.Threading.Tasks.TaskCanceledException»: The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.",
               [("Omnix.Payments.Mpesa.DarajaClient.StkPushAsync", "StkRequest req", "DarajaClient.cs", "Omnix.Payments"),
                ("Omnix.Sales.PaymentForm.PayWithMpesaAsync", "", "PaymentForm.cs", "Omnix.Sales")])),
    S(dn_stack("«E:Omnix.Payments.Mpesa.MpesaException»: Callback for «mcode» from «phone» has no matching CheckoutRequestID",
               [("Omnix.Payments.Mpesa.CallbackHandler.Handle", "JObject body", "CallbackHandler.cs", "Omnix.Payments"),
                ("Omnix.Sync.CallbackPoller.PollAsync", "CancellationToken ct", "CallbackPoller.cs", "Omnix.Sync")])),
    # ---- KRA eTIMS
    "eTIMS saveTrnsSalesOsdc failed: resultCd=«C:910» resultMsg='Request parameter error' custTin=«kra» custNm=«person|uc»",
    '{"tin":"«kra»","bhfId":"00","invcNo":«n:5»,"custTin":"«kra»","custNm":"«person»","salesTyCd":"N","rcptTyCd":"S","totItemCnt":3} -> «C:HTTP 500»',
    "eTIMS device not initialised: dvcSrlNo=KRACU0100001234 (resultCd «C:901»)",
    "OSCU sync timeout after «dur»; 37 invoices queued (module=«MOD:sales»)",
    "Invalid buyer PIN «kra» on invoice «order»",
    "eTIMS item classification code missing for '«product»'",
    "VSCU jar exited with code 1: «E:java.net.BindException»: Address already in use (port 8088)",
    "eTIMS selectCodeList resultCd «C:894» Unable to connect to the server; retry in «dur»",
    "KRA PIN checker: «kra» belongs to «person|uc», not to supplier on file",
    S(dn_stack("«E:Omnix.Tax.Etims.EtimsException»: resultCd=«C:999» Unknown error",
               [("Omnix.Tax.Etims.EtimsClient.SendInvoiceAsync", "TrnsSalesSaveWrReq req", "EtimsClient.cs", "Omnix.Tax"),
                ("Omnix.Tax.Etims.InvoiceQueue.FlushAsync", "", "InvoiceQueue.cs", "Omnix.Tax")])),
    # ---- platform / infra
    "«E:System.Data.SQLite.SQLiteException»: «C:SQLITE_NOTADB»: file is not a database\nData Source=C:\\Users\\«user»\\AppData\\Roaming\\Omnix\\omnix.db;Version=3;Password=«pw»;",
    "Cloud sync failed: Server=tcp:omnix-sync.database.windows.net,1433;Initial Catalog=omnix;User ID=omnixsvc;Password=«pw»;Encrypt=True; - «E:System.Data.SqlClient.SqlException»: Login failed for user 'omnixsvc'.",
    "Unhandled exception on Windows «winver», Omnix «ver» (module=«MOD:inventory»)",
    "Update check failed: «E:System.Net.WebException»: The remote name could not be resolved: 'updates.omnixpos.co.ke'",
    "Backup to C:\\Users\\«user»\\OneDrive\\Omnix Backups\\omnix_2024-06-10.db failed: «E:System.IO.IOException»: There is not enough space on the disk. («C:0x80070070»)",
    "Remote support session from «ip» rejected: AnyDesk ID not whitelisted",
    "WhatsApp receipt to «phone» failed: template 'receipt_v2' not approved",
    "«E:System.UnauthorizedAccessException»: Access to the path 'C:\\ProgramData\\Omnix\\logs\\omnix.log' is denied. («C:0x80070005»)",
    "Omnix «ver» failed to start: «E:System.IO.FileNotFoundException»: Could not load file or assembly 'System.Data.SQLite, Version=1.0.118.0'",
    "Sync worker heartbeat missed for «dur»; queue depth 412",
    S(dn_stack("«E:System.IO.IOException»: The process cannot access the file 'omnix.db-journal' because it is being used by another process.",
               [("System.IO.FileStream.ValidateFileHandle", "SafeFileHandle fileHandle", None, ""),
                ("Omnix.Backup.BackupService.CopyDatabase", "String target", "BackupService.cs", "Omnix.Backup"),
                ("Omnix.Backup.BackupService.RunNightly", "", "BackupService.cs", "Omnix.Backup")])),
    S(dn_stack("«E:System.Security.Cryptography.CryptographicException»: The license signature is invalid.",
               [("Omnix.Licensing.LicenseManager.Validate", "String key", "LicenseManager.cs", "Omnix.Licensing"),
                ("Omnix.Program.Main", "String[] args", "Program.cs", "Omnix")])),
]

INVENTORY = [
    S(node_stack("«E:TypeError»: Cannot read properties of undefined (reading 'gstin')",
                 [("InvoiceService.create", "src/services/", "invoice.service.ts"),
                  ("InvoiceController.post", "src/controllers/", "invoice.controller.ts")])),
    'error: duplicate key value violates unique constraint "customers_phone_key"\nDETAIL: Key (phone)=(«phone») already exists.\ncode: «C:23505»',
    'error: null value in column "gstin" of relation "suppliers" violates not-null constraint\nDETAIL: Failing row contains (1182, «person», null, «email», «phone», t).',
    "getaddrinfo «C:ENOTFOUND» inv-db while connecting to postgres://inventory:«pw:url»@inv-db:5432/inventory",
    "GET https://api.stockpilot.in/v1/customers/search?email=«email»&phone=«phone|c» failed with «C:HTTP 500» in «dur»",
    "KYC verification failed for «person»: aadhaar «aadhaar» mismatch (UIDAI «C:K-100»)",
    '[{"code":"invalid_type","expected":"string","received":"undefined","path":["customer","email"],"message":"Required"}]',
    '«E:SequelizeConnectionError»: password authentication failed for user "inventory"',
    "«E:PrismaClientKnownRequestError»: Invalid `prisma.customer.create()` invocation: Unique constraint failed on the fields: (`email`) code «C:P2002» data={ name: \"«person»\", email: \"«email»\" }",
    "Razorpay webhook signature mismatch (key_secret=«token»)",
    '{"level":50,"time":«epoch»,"pid":«n:5»,"hostname":"inv-api-7d9f","reqId":"req-«n:4»","msg":"failed to send OTP to «phone»"}',
    "SMS gateway (MSG91) «C:HTTP 429» for mobile «phone», retry after «dur»",
    "Order «order» shipping label failed: address '«address»' pincode not serviceable",
    "JWT verification failed: «E:TokenExpiredError»: jwt expired, token=«jwt»",
    '«E:AxiosError»: Request failed with status code 401 {"headers":{"Authorization":"Bearer «token»","Content-Type":"application/json"},"url":"/v1/stock","method":"get"}',
    "S3 upload failed: «C:InvalidAccessKeyId» The AWS Access Key Id «aws» does not exist in our records.",
    "«E:Error»: Cannot find module '@/utils/gst'\nRequire stack:\n- /app/dist/server.js",
    '«E:QueryFailedError»: relation "stock_ledger" does not exist (SQLSTATE «C:42P01»)',
    "FATAL: remaining connection slots are reserved for non-replication superuser connections (SQLSTATE «C:53300»)",
    "«E:AxiosError»: Network Error «C:ERR_NETWORK» at XMLHttpRequest.handleError (http://localhost:3000/static/js/«F:bundle.js:%d:%d»)",
    "«E:RangeError»: Maximum call stack size exceeded",
    "«E:KnexTimeoutError»: Knex: Timeout acquiring a connection. The pool is probably full. (after «dur»)",
    "Bank payout to a/c «bacct» IFSC HDFC0001234 failed: beneficiary name mismatch («person»)",
    "Payment gateway: card «card» declined, insufficient funds, customer «email»",
    "Customer import row 58: invalid mobile '«phone»' for «person»",
    "Staff login from new IP «ip» for «email»",
    "deadlock detected (SQLSTATE «C:40P01»): Process 4412 waits for ShareLock on transaction 918273",
    'psql: error: connection to server at "pg-primary.internal", port 5432 failed: FATAL:  password authentication failed for user "app"',
    "Invalid DATABASE_URL postgresql://inv_admin:«pw:url»@inv-db.cluster-c7x.ap-south-1.rds.amazonaws.com:5432/inventory?sslmode=require",
    S(node_stack("Error: read «C:ECONNRESET»",
                 [("TLSWrap.onStreamRead", "node_modules/pg/lib/", "connection.js"),
                  ("StockRepository.reserve", "src/repositories/", "stock.repository.ts")], internal=False)),
    "«C:TS2339»: Property 'qty' does not exist on type 'StockItem'. src/stock/stock.controller.ts(42,17)",
    "Aadhaar-PAN link check: aadhaar «aadhaar» for employee «person» not linked",
    "Product '«product»' (SKU HV-16A-SW) has negative stock -3 at warehouse BLR-2",
    'invalid input syntax for type integer: "«product»" (SQLSTATE «C:22P02»)',
    S(node_stack("«E:ValidationError»: supplier.contact_phone «phone» is not a valid E.164 number",
                 [("SupplierSchema.validate", "src/schemas/", "supplier.schema.ts"),
                  ("SupplierController.update", "src/controllers/", "supplier.controller.ts")])),
    S(node_stack("«E:TypeError»: stock.items.map is not a function",
                 [("StockTable.render", "src/components/", "StockTable.tsx"),
                  ("renderWithHooks", "node_modules/react-dom/cjs/", "react-dom.development.js")], internal=False)),
    "Purchase order «order» emailed to «email» failed: «E:Error»: Invalid login: 535-5.7.8 Username and Password not accepted",
    '{"level":"error","msg":"bulk upsert failed","rows":250,"failed":3,"code":"«C:23503»","duration_ms":«n:4»}',
    "GRN note from «person»: '«note»' exceeds 500 chars",
    "Warehouse transfer «order» blocked: «C:ERR_STOCK_LOCKED» held by job sync-«n:4» for «dur»",
    "UnhandledPromiseRejection: «E:AbortError»: The operation was aborted after «dur»",
    "Redis «C:ECONNREFUSED» on cache-inv.internal:6379 (attempt 5)",
    "GST e-invoice IRN generation failed for buyer «person», mobile «phone», «C:HTTP 400» error 2150: Duplicate IRN",
    "Webhook delivery to https://erp.client.in/hooks/stock?token=«token» failed: «C:ETIMEDOUT»",
]

SUPPORT = [
    S(py_tb([("site:django/core/handlers/", "exception.py", "inner", "response = get_response(request)"),
             ("chat/", "views.py", "post", "order = Order.objects.get(pk=data['order_id'])")],
            "«E:KeyError»: 'order_id'")),
    "Internal Server Error: /api/chat/identify/\n«E:django.db.utils.IntegrityError»: duplicate key value violates unique constraint \"chat_visitor_email_key\"\nDETAIL:  Key (email)=(«email») already exists.",
    "ValidationError on ChatMessage: {'body': ['Ensure this value has at most 2000 characters']}, body='«chat»'",
    "Uncaught «E:TypeError»: Cannot read properties of null (reading 'send')\n    at «M:ChatWidget.sendMessage» (https://cdn.shopkind.co.uk/widget/«F:widget.min.js:1:%d»)",
    "WebSocket connection to 'wss://chat.shopkind.co.uk/ws/conversations/«n:6»/?token=«jwt»' failed",
    "Zendesk sync failed for ticket «n:6»: requester «person» <«email»> «C:HTTP 422»",
    "Stripe error «C:card_declined» for card «card» (customer cus_«hex:14»)",
    "«E:stripe.error.AuthenticationError»: Invalid API Key provided: «sk»",
    "Refund lookup: no order for email=«email» address='«address»'",
    "GET /api/orders/lookup?email=«email»&phone=«phone|c»&name=«first»+«last» «C:HTTP 500» «dur»",
    'Message from «first» («email»): "«chat»" could not be delivered to agent queue',
    'Chat transcript export failed: {"visitor":{"name":"«person»","email":"«email»","ip":"«ip»"},"messages":[{"from":"visitor","message":"«chat»"}]}',
    "«E:django.db.utils.OperationalError»: could not connect to server: Connection timed out",
    "«E:redis.exceptions.ConnectionError»: Error 111 connecting to redis:6379. Connection refused.",
    "«E:celery.exceptions.SoftTimeLimitExceeded»: SoftTimeLimitExceeded() in task chat.tasks.sync_transcripts after «dur»",
    "Direct debit mandate failed for «person»: IBAN «iban:GB» account closed",
    "Message blocked by DLP: customer pasted NI number «nino» into chat «n:6»",
    "«E:ChunkLoadError»: Loading chunk 812 failed. (timeout: https://cdn.shopkind.co.uk/widget/812.3f9a1c.js)",
    "CORS: Origin https://www.shopkind.co.uk not allowed by Access-Control-Allow-Origin («C:ERR_FAILED»)",
    "SMTP 550 5.1.1 <«email»>: Recipient address rejected: User unknown",
    "Twilio SMS to «phone» failed: «C:21211» Invalid 'To' Phone Number",
    "«E:django.core.exceptions.ImproperlyConfigured»: DATABASES['default'] = {'ENGINE': 'django.db.backends.postgresql', 'HOST': 'db', 'USER': 'support', 'PASSWORD': '«pw»'}",
    "«E:botocore.exceptions.ClientError»: An error occurred («C:InvalidAccessKeyId») when calling the PutObject operation; aws_access_key_id=«aws»",
    "Stripe.js: Invalid publishable key «pk» for live mode",
    "Failed to fetch https://api.shopkind.co.uk/v2/chat/identify?email=«email»&name=«first»%20«last»",
    S(py_tb([("support/", "orders.py", "refund", "raise RefundError(f'order {order} not refundable')")],
            "«E:orders.RefundError»: order <Order #«n:6» «person»> not refundable\nLocal vars: order_email='«email»' phone='«phone»'")),
    "Agent «first» closed conversation «n:6» with note '«note»'",
    "«E:django.template.exceptions.TemplateDoesNotExist»: chat/widget_v2.html",
    "«E:ValueError»: invalid literal for int() with base 10: 'undefined'",
    "«E:SyntaxError»: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
    "Address autocomplete failed for '«address»': Loqate «C:HTTP 403»",
    "«E:ValueError»: Could not deserialize key data. Key was:\n«pem»",
    "Rate limit exceeded for «ip:6» (120 requests in 60s)",
    "«C:HTTP 429» Too Many Requests: /api/chat/poll retry-after=«D:30s»",
    S(py_tb([("site:rest_framework/", "views.py", "dispatch", "response = handler(request, *args, **kwargs)"),
             ("chat/api/", "serializers.py", "validate_email", "raise serializers.ValidationError('bad domain')")],
            "«E:rest_framework.exceptions.ValidationError»: {'email': [ErrorDetail(string='bad domain', code='invalid')]}")),
    S(py_tb([("site:django/db/backends/", "utils.py", "_execute", "return self.cursor.execute(sql, params)")],
            "«E:psycopg2.errors.UniqueViolation»: duplicate key value violates unique constraint \"customer_phone_key\"\nDETAIL:  Key (phone)=(«phone») already exists.")),
    S(py_tb([("site:django/core/handlers/", "base.py", "_get_response", "response = wrapped_callback(request, *callback_args, **callback_kwargs)"),
             ("widget/", "consumers.py", "receive_json", "await self.channel_layer.group_send(self.room, content)")],
            "«E:channels.exceptions.ChannelFull»")),
    "Sentry breadcrumb: input#delivery-address changed value='«address»'",
    "Order status webhook from carrier DPD returned «C:HTTP 503» after «dur»",
    "Chat widget «ver» failed to load on Safari 17.4: «E:ReferenceError»: structuredClone is not defined",
    'POST /api/chat/messages 400 {"visitor_id":"«guid»","message":"«chat»","page":"/checkout"}',
    "Payment intent pi_«hex:24» failed: your card «card» was declined (do_not_honor)",
    "Customer «person» (phone «phone») requested GDPR erasure; job failed: «E:ObjectDoesNotExist»",
    "Gift message rejected by profanity filter: '«note»'",
    "«E:FileNotFoundError»: [Errno 2] No such file or directory: '/home/«user»/support/media/exports/transcript_«n:5».csv'",
    "Agent escalation: caller gave NI number «nino» and date of birth; transcript «n:6» quarantined",
    "Uncaught (in promise) «E:DOMException»: The play() request was interrupted by a call to pause().",
    "Klarna session creation failed «C:HTTP 401» with Authorization: Bearer «token»",
]

TRACKER = [
    S(java_stack("«E:java.lang.IllegalStateException»: Timesheet already submitted for employee «person»",
                 [("com.omnix.tracker.timesheet.TimesheetService.submit", "TimesheetService.java"),
                  ("com.omnix.tracker.api.TimesheetResource.post", "TimesheetResource.java")])),
    "Error: «C:ENOENT»: no such file or directory, open 'C:\\Users\\«user»\\AppData\\Roaming\\TimeTracker\\config.json'",
    "Error: «C:EACCES»: permission denied, mkdir '/Users/«user»/Library/Application Support/TimeTracker/screenshots'",
    "Clock-in rejected for «person» (employee no E«n:4»): shift not found",
    "Geofence check failed for «person» at «ip»",
    "Overtime export: NI number «nino» invalid for «person»",
    "Payroll export: national id «kenid» duplicated for employees «person» and «person»",
    "Leave sync: aadhaar «aadhaar» mismatch for «person»",
    "jdbc:postgresql://tracker-db:5432/tracker?user=tracker&password=«pw:url» - «E:org.postgresql.util.PSQLException»: Connection refused («C:08001»)",
    "«E:java.lang.OutOfMemoryError»: Java heap space",
    "«E:java.net.SocketTimeoutException»: Read timed out after «D:30000ms»",
    "GPU process exited unexpectedly: exit_code=«C:-1073740791»",
    "Auto-update: Cannot find latest.yml in the latest release artifacts (https://updates.timetracker.io/download/v3.2.1/latest.yml): «E:HttpError»: «C:404»",
    S(java_stack("«E:java.lang.NullPointerException»: Cannot invoke \"String.length()\" because \"projectCode\" is null",
                 [("com.omnix.tracker.sync.SyncService.push", "SyncService.java"),
                  ("com.omnix.tracker.sync.SyncScheduler.run", "SyncScheduler.java"),
                  ("java.base/java.util.concurrent.ThreadPoolExecutor.runWorker", "ThreadPoolExecutor.java")])),
    "Screenshot upload failed: https://s3.eu-west-2.amazonaws.com/tracker-shots/«n:5»/«hex:16».png?X-Amz-Credential=«aws»%2F20240610%2Feu-west-2%2Fs3%2Faws4_request «C:HTTP 403»",
    "Idle detection: user «email» idle for 47 min, timer paused",
    "Timesheet note too long for «first»: '«note»'",
    "Error invoking remote method 'timer:stop': «E:Error»: No handler registered for 'timer:stop'",
    "Slack notify failed: «C:invalid_auth» token=«token»",
    "«E:com.fasterxml.jackson.databind.exc.MismatchedInputException»: Cannot deserialize value of type `java.time.Duration` from String \"1h30\"",
    "Bank details update for «person»: a/c «bacct» rejected, name mismatch",
    "Mobile pairing code sent to «phone» expired after «dur»",
    S(electron_stack("Uncaught «E:TypeError»: Cannot read properties of undefined (reading 'projectId')",
                     [("Timer.flush", "main.js"), ("IpcMainImpl.<anonymous>", "ipc.js")])),
    S(java_stack("«E:org.springframework.dao.DataIntegrityViolationException»: could not execute statement; constraint [uk_employee_email]; email=«email»",
                 [("org.hibernate.exception.internal.SQLStateConversionDelegate.convert", "SQLStateConversionDelegate.java"),
                  ("com.omnix.tracker.employee.EmployeeService.create", "EmployeeService.java")])),
    S(java_stack("«E:java.io.IOException»: Unable to sync timesheets",
                 [("com.omnix.tracker.sync.HttpUploader.upload", "HttpUploader.java"),
                  ("com.omnix.tracker.sync.SyncService.push", "SyncService.java")],
                 caused="«E:java.net.ConnectException»: Connection refused (Connection refused)")),
    "Electron «ver» renderer crashed (reason=oom, exitCode=-536870904) after «dur»",
    "Weekly report email for «person» <«email»> failed: «C:HTTP 550»",
    "Manager approval pending: «first» «last» submitted 52h for week 23 (limit 48h)",
    "Failed to register global shortcut CommandOrControl+Shift+T on Electron «ver»",
    "Employee «person» KRA PIN «kra» missing from export; ID «kenid»",
    "HMRC RTI submission rejected: NINO «nino» for «person:uk» fails format check",
    "Error: «C:ENOENT»: no such file or directory, open '/home/«user»/.config/TimeTracker/settings.json'",
    "Onboarding form: national insurance number «nino» already registered to another employee",
]

HARD_NEGATIVES = [
    ("omnix-pos", "message", "«C:ERRTIMEOUT» waiting for cash drawer on COM3 after «dur»"),
    ("omnix-pos", "message", "Sync job failed: «C:DBNOTFOUND» (code 4041) after «dur»"),
    ("omnix-pos", "message", "Receipt printer status «C:NOPRINTERS»; spooler state=2, job 118"),
    ("omnix-pos", "message", "Commit «hex:40» introduced regression in «M:Omnix.Sales.CartService.AddItem»"),
    ("inventory-web", "message", "Request «guid» failed with «C:HTTP 504» after «dur»"),
    ("omnix-pos", "message", "Migration 20240315_add_etims_fields failed at schema version «V:2024.03.15»"),
    ("omnix-pos", "message", "JSON parse error at line 1 column 8192 (char 8191) in «F:settings.json:line 1»"),
    ("time-tracker", "message", "Telemetry batch «epoch» dropped: payload 10485760 bytes exceeds 5242880"),
    ("inventory-web", "message", "Port «port» already in use; retrying in «dur»"),
    ("support-chat", "message", "trace_id=«nonluhn» span_id=«hex:16» sampled=1"),
    ("omnix-pos", "message", "Build «V:10.0.19045.3803» / app «V:24.6.1» / schema «V:2024.06.10»"),
    ("omnix-pos", "message", "Barcode «ean» not found in price list (module=«MOD:inventory»)"),
    ("omnix-pos", "message", "SQLite page_size=4096 cache_size=-2000 journal_mode=WAL wal_autocheckpoint=1000 freelist_count=«n:5»"),
    ("omnix-pos", "message", "Timestamp «epoch:s» is before sync cutoff «epoch:s»"),
    ("omnix-pos", "message", "Hash mismatch for omnix-setup-«ver».exe: sha256 «hex:64»"),
    ("inventory-web", "message", "Order «order» stuck in state PENDING for «D:3600s»"),
    ("support-chat", "message", 'ETag W/"«hex:10»" mismatch on /api/chat/config'),
    ("omnix-pos", "message", "Exit code «C:0xC0000005» (ACCESS_VIOLATION) in module ntdll.dll «V:10.0.19041.3636»"),
    ("omnix-pos", "message", "mpesa_callback_queue depth «n:8» exceeds threshold 5000"),
    ("support-chat", "message", "«C:HTTP 413»: request body of 12582912 bytes exceeds limit"),
    ("inventory-web", "message", "Kafka offset «n:12» committed for partition 3 of stock-events"),
    ("omnix-pos", "message", "«C:SYNCFAILED» batch «guid» 0 of 250 rows uploaded"),
    ("time-tracker", "message", "«C:TOKENSTALE» refresh scheduled at «ts»"),
    ("omnix-pos", "message", "«E:System.Data.SQLite.SQLiteException»: near \"WHERE\": syntax error at «F:ReportQuery.cs:line %d», offset 1234567"),
    ("inventory-web", "message", "Build «hex:7» deployed at «ts» (release «V:2024.6.3»)"),
    ("omnix-pos", "message", "eTIMS receipt signature «hex:16» cuSn KRACU0100004321 rcptNo «n:7»"),
    ("support-chat", "message", "«C:BADPAYLOAD» from widget «V:v3.14.2» session «hex:32»"),
    ("time-tracker", "message", "Tracked 123456789 ms across 42 sessions; disk cache 734003200 bytes"),
    ("omnix-pos", "message", "Invoice number INV-2024-000871 z-report 0042 totals reconciled in «dur»"),
    ("inventory-web", "message", "pg pool stats total=20 idle=0 waiting=37 (since «ts»)"),
]


def _extra_gens():
    def g_nonluhn(r, ctx, arg):
        while True:
            s = digits(r, 16)
            if not luhn_ok(s):
                return s

    def g_ean(r, ctx, arg):
        body = "616" + digits(r, 9, False)
        s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
        return body + str((10 - s % 10) % 10)
    GEN["nonluhn"] = (g_nonluhn, None, False)
    GEN["ean"] = (g_ean, None, False)


_extra_gens()


def _norm(app, entries):
    out = []
    for e in entries:
        if isinstance(e, tuple):
            out.append((app, e[0], e[1]))
        else:
            out.append((app, "message", e))
    return out


TEMPLATES = (_norm("omnix-pos", OMNIX) + _norm("inventory-web", INVENTORY) + _norm("support-chat", SUPPORT)
             + _norm("time-tracker", TRACKER))
HARD_NEGATIVE_IDS = set(range(len(TEMPLATES), len(TEMPLATES) + len(HARD_NEGATIVES)))
TEMPLATES += HARD_NEGATIVES

REGION = {"omnix-pos": "ke", "inventory-web": "in", "support-chat": "uk", "time-tracker": None}


def gen_record(r, ti):
    app, field, tpl = TEMPLATES[ti]
    region = REGION[app] or r.choice(["ke", "in", "uk"])
    s = tpl(r) if callable(tpl) else tpl
    text, pii, keep, gens, late = render(s, r, region)
    check(text, pii, keep)
    return {"app": app, "field": field, "text": text, "pii": pii, "keep": keep, "_gens": gens, "_late": late}


def _with_late_labels(rec: dict) -> dict:
    """The record as written: amounts added to its PII spans, products relabelled from USER_VALUE."""
    pii = [p for p in rec["pii"] if not any(p["start"] == s["start"] and p["end"] == s["end"] for s in rec["_late"])]
    pii += [{"start": s["start"], "end": s["end"], "label": LATE_LABELS[s["head"]]} for s in rec["_late"]]
    pii.sort(key=lambda p: p["start"])
    check(rec["text"], pii, rec["keep"])
    return {"id": rec["id"], "app": rec["app"], "field": rec["field"], "text": rec["text"], "pii": pii, "keep": rec["keep"]}


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
            for reg in ([REGION[app]] if REGION[app] else ["ke", "in", "uk"]):
                _, pii, _, gens, _ = render(s, probe, reg)
                ls |= {p["label"] for p in pii} | set(gens)
        labels_of.append(ls)
    clean_t = [i for i, ls in enumerate(labels_of) if not ls and i not in HARD_NEGATIVE_IDS]
    assert all(not labels_of[i] for i in HARD_NEGATIVE_IDS)
    pii_t = [i for i, ls in enumerate(labels_of) if ls]

    for ti in range(len(TEMPLATES)):      # every template at least twice (hard negatives once)
        add(ti)
        if ti not in HARD_NEGATIVE_IDS:
            add(ti)
    targets = {L: 55 for L in PII_LABELS}
    targets["PERSON"] = 220
    # sub-type minimums so that per-format recall is measurable too
    targets.update({"nino": 15, "aadhaar": 15, "kenid": 25, "sk": 10, "pk": 10, "aws": 12, "pem": 10,
                    "jwt": 12, "pw": 15, "token": 10, "phone@in": 20, "phone@uk": 20, "phone@ke": 40,
                    "till": 15, "paybill": 15, "accref": 15})
    while True:
        cnt = Counter(p["label"] for rec in recs for p in rec["pii"])
        cnt.update(g for rec in recs for g in rec["_gens"])
        short = [L for L in targets if cnt[L] < targets[L]]
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
            rec = _with_late_labels({"id": f"e{n:04d}", **recs[i]})
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
    gc = Counter(g for rec in recs for g in rec["_gens"])
    print("pii by generator:", ", ".join(f"{k}={v}" for k, v in sorted(gc.items())))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
