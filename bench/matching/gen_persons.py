#!/usr/bin/env python3
"""Generates a labelled synthetic register of Moroccan person records for evaluating duplicate
detection (deterministic for a given seed; Python 3 standard library only).

The register is relatives-heavy on purpose: persons live in households (a woman, her mother,
sisters, daughters, sometimes sons) that share a family name (the mother with probability 0.7),
a town and often a phone, so most hard negatives are exactly the ones clerks fear. Each person is
recorded one to five times, by different units, each with its own habits:
  - script: Arabic, Latin in title case, Latin in capitals (online forms), Tifinagh for Amazigh
    given names in a share of the Arabic-script records;
  - spelling: another common transliteration, rule-based variants (ou/w, ch/sh, k/q, doubled
    consonants, e/a, El glued or not, final e), Arabic hamza/taa marbuta/alef maqsura variants;
  - typing slips, a compound given name cut short, given and family names swapped, the name as
    one full_name in either order;
  - date of birth missing (10%), year only (15%), day and month swapped (4%), a slip in the
    year or day (3%);
  - ID number in half the records of adults (children have none), in several formats, 2% with a
    typing slip;
  - phone missing (20%); her usual number (80%), her other one (14%: her own or the household's)
    or a new one (6%), in every Moroccan format;
  - town missing (15%), in French or Arabic, or another town after a move (4%).
Namesakes occur naturally (common names) and are also injected (a woman given the full name of
someone in another household).

Output: PERSONS.jsonl (the input of `tamkine dedupe`) and TRUTH.tsv (id, entity, household,
role, name script), and optionally a held-out QUERIES.jsonl of intake records for the latency
benchmark (their truth is in TRUTH.tsv too).

  gen_persons.py --records 100000 --seed 2 --out PERSONS.jsonl --truth TRUTH.tsv
"""

import argparse
import bisect
import itertools
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import names as N  # noqa: E402


class Name:
    __slots__ = ("arabic", "latin", "weight", "tifinagh")

    def __init__(self, arabic, latin, weight, tifinagh=None):
        self.arabic = arabic
        self.latin = latin
        self.weight = weight
        self.tifinagh = tifinagh


class Pool:
    """Weighted choice over names."""

    def __init__(self, items):
        self.items = items
        self.cum = list(itertools.accumulate(i.weight for i in items))

    def pick(self, rng):
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def build_pools(rng):
    female = [Name(a, l, w) for a, l, w in N.FEMALE]
    female += [Name(a, l, w, t) for a, t, l, w in N.FEMALE_AMAZIGH]
    male = [Name(a, l, w) for a, l, w in N.MALE]
    family = [Name(a, l, w) for a, l, w in N.FAMILY]
    for spec in N.BEN_BASES:
        ar, la = spec.split(":")
        if ar.startswith("ال"):
            ar_forms = "بن " + ar
        else:
            ar_forms = "بن " + ar
        family.append(Name(ar_forms, ["Ben " + la, "Ben" + la.lower(), "Ben-" + la], 5))
    for spec in N.AIT_BASES:
        ar, la = spec.split(":")
        family.append(Name("آيت " + ar, ["Ait " + la, "Aït " + la, "Ait-" + la], 5))
    for spec in N.OU_BASES:
        ar, la = spec.split(":")
        family.append(Name("أو" + ar, ["Ou" + la.lower(), "Ou " + la], 3))
    # A long tail of rarer family names built on three-letter roots: most Moroccan family names
    # are rare (a register of a million records holds tens of thousands of them). The listed
    # names above carry about half the households, the tail the other half.
    listed = sum(n.weight for n in family)
    tail = synthetic_family_names(rng, 30000)
    scale = listed / sum(n.weight for n in tail)
    for n in tail:
        n.weight *= scale
    family += tail
    return Pool(female), Pool(male), Pool(family)


def synthetic_family_names(rng, count):
    letters = [(a, l) for a, l in N.ROOT_LETTERS if a not in "عوي"]
    out = []
    seen = set()
    while len(out) < count:
        c = rng.sample(letters, 3)
        lat = [rng.choice(x[1]) for x in c]
        ar = [x[0] for x in c]
        kind = rng.randrange(5)
        if kind == 0:  # الكتاني: El Kettani
            arabic = "ال" + ar[0] + ar[1] + "ا" + ar[2] + "ي"
            latin = lat[0] + "e" + lat[1] + "a" + lat[2] + "i"
            spellings = [latin.capitalize(), "El " + latin.capitalize()]
        elif kind == 1:  # لحلو: Lahlou
            arabic = ar[0] + ar[1] + ar[2] + "و"
            latin = lat[0] + "a" + lat[1] + lat[2] + "ou"
            spellings = [latin.capitalize()]
        elif kind == 2:  # الطاهري: Tahiri
            arabic = "ال" + ar[0] + "ا" + ar[1] + ar[2] + "ي"
            latin = lat[0] + "a" + lat[1] + "i" + lat[2] + "i"
            spellings = [latin.capitalize(), "El " + latin.capitalize()]
        elif kind == 3:  # بن + فعيل: Benkabir
            arabic = "بن" + ar[0] + ar[1] + "ي" + ar[2]
            latin = "ben" + lat[0] + "a" + lat[1] + "i" + lat[2]
            spellings = [latin.capitalize(), "Ben " + latin[3:].capitalize()]
        else:  # الشرقاوي: Cherkaoui
            arabic = "ال" + ar[0] + ar[1] + ar[2] + "اوي"
            latin = lat[0] + "e" + lat[1] + lat[2] + "aoui"
            spellings = [latin.capitalize(), "El " + latin.capitalize()]
        if arabic in seen:
            continue
        seen.add(arabic)
        out.append(Name(arabic, spellings, 1.0 / (1 + len(out)) ** 0.5))  # Zipf-like tail
    return out


# --------------------------------------------------------------------------------------------
# Spelling variation


def latin_variant(rng, s):
    """A rule-based variant of a Latin spelling, as another clerk would write it."""
    rules = [
        ("ou", "w"), ("w", "ou"), ("ch", "sh"), ("k", "q"), ("q", "k"), ("dj", "j"),
        ("j", "dj"), ("ss", "s"), ("tt", "t"), ("mm", "m"), ("nn", "n"), ("ll", "l"),
        ("rr", "r"), ("e", "a"), ("a", "e"), ("ï", "i"), ("i", "ï"), ("ou", "o"),
        ("ae", "aa"), ("aa", "ae"), ("y", "i"), ("gh", "r"), ("é", "e"), ("c", "k"),
    ]
    low = s
    for _ in range(1 if rng.random() < 0.7 else 2):
        rng.shuffle(rules)
        for a, b in rules:
            idx = low.find(a, 1)
            if idx > 0 and rng.random() < 0.5:
                low = low[:idx] + b + low[idx + len(a):]
                break
    if rng.random() < 0.15:
        low = low[:-1] if low.endswith("e") else low + "e"
    return low


def el_variant(rng, s):
    """El separate, glued or dropped."""
    if s.startswith("El "):
        r = rng.random()
        if r < 0.3:
            return s[3:]
        if r < 0.5:
            return "El" + s[3:].lower()
        if r < 0.6:
            return "El-" + s[3:]
    return s


def compound_variant(rng, s):
    """Fatima Zahra: hyphenated, glued or spaced."""
    if " " in s and not s.startswith(("El ", "Ben ", "Ait ", "Aït ", "Ou ", "Abd ")):
        r = rng.random()
        if r < 0.25:
            return s.replace(" ", "-")
        if r < 0.4:
            a, b = s.split(" ", 1)
            return a + b.lower()
    return s


ARABIC_SWAPS = {"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ئ": "ي", "ؤ": "و"}
ARABIC_LOOKALIKE = ["بتثني", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق"]
HARAKAT = ["\u064e", "\u0650", "\u064f", "\u0652"]


def arabic_variant(rng, s):
    out = []
    for ch in s:
        if ch in ARABIC_SWAPS and rng.random() < 0.35:
            ch = ARABIC_SWAPS[ch]
        out.append(ch)
        if rng.random() < 0.01 and ch != " ":
            out.append(rng.choice(HARAKAT))
    t = "".join(out)
    if rng.random() < 0.01 and len(t) > 3:
        k = rng.randrange(1, len(t) - 1)
        if t[k] != " " and t[k - 1] != " ":
            t = t[:k] + "ـ" + t[k:]
    if t.startswith("عبد ") and rng.random() < 0.3:
        t = "عبد" + t[4:]
    return t


def typo_latin(rng, s):
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.randrange(4)
    letters = "abcdefghijklmnoprstuz"
    if op == 0:
        return s[:i] + rng.choice(letters) + s[i + 1:]
    if op == 1:
        return s[:i] + s[i + 1:]
    if op == 2:
        return s[:i] + rng.choice(letters) + s[i:]
    return s[:i - 1] + s[i] + s[i - 1] + s[i + 1:]


def typo_arabic(rng, s):
    chars = [i for i, c in enumerate(s) if c != " "]
    if len(chars) < 3:
        return s
    i = rng.choice(chars[1:])
    c = s[i]
    if rng.random() < 0.6:
        for group in ARABIC_LOOKALIKE:
            if c in group and len(group) > 1:
                return s[:i] + rng.choice([x for x in group if x != c]) + s[i + 1:]
    return s[:i] + s[i + 1:]


def case_style(s, style):
    if style == "upper":
        return s.upper()
    return s


# --------------------------------------------------------------------------------------------
# Phones, ID numbers, dates


def render_phone(rng, digits9):
    """digits9: the nine digits after +212."""
    d = digits9
    fmt = rng.randrange(8)
    if fmt == 0:
        return "0" + d
    if fmt == 1:
        x = "0" + d
        return " ".join(x[i:i + 2] for i in range(0, 10, 2))
    if fmt == 2:
        return "+212" + d
    if fmt == 3:
        return "+212 " + d[0] + " " + " ".join(d[i:i + 2] for i in range(1, 9, 2))
    if fmt == 4:
        return "00212" + d
    if fmt == 5:
        x = "0" + d
        return ".".join(x[i:i + 2] for i in range(0, 10, 2))
    if fmt == 6:
        x = "0" + d
        return "-".join(x[i:i + 2] for i in range(0, 10, 2))
    return "212" + d


def new_phone(rng):
    return rng.choice("6667") + "".join(rng.choice("0123456789") for _ in range(8))


CIN_PREFIXES = ["A", "B", "BE", "BK", "BH", "C", "CD", "D", "E", "EE", "F", "G", "H", "I", "J",
                "JA", "JB", "K", "L", "M", "N", "P", "Q", "R", "S", "T", "U", "V", "W", "X",
                "Y", "Z", "AB", "AD", "AE", "BJ", "BL", "CB", "DA", "FA", "GM", "HA", "IA", "JC",
                "JE", "JH", "JM", "KB", "LA", "LB", "MC", "PA", "SH", "UA", "UC", "WA", "ZG"]


def new_cin(rng):
    return rng.choice(CIN_PREFIXES) + str(rng.randrange(10000, 999999))


def render_cin(rng, cin):
    letters = cin.rstrip("0123456789")
    digits = cin[len(letters):]
    r = rng.random()
    if r < 0.6:
        return cin
    if r < 0.75:
        return letters + " " + digits
    if r < 0.85:
        return cin.lower()
    return letters + "-" + digits


def typo_digits(rng, s):
    i = rng.randrange(len(s))
    if s[i].isdigit():
        return s[:i] + str((int(s[i]) + rng.randrange(1, 9)) % 10) + s[i + 1:]
    return s


# --------------------------------------------------------------------------------------------
# Persons and households

REF_YEAR = 2025


class Person:
    __slots__ = ("entity", "household", "role", "given", "given_spelling", "family",
                 "family_spelling", "male", "dob", "cin", "phones", "city")


def pick_spelling(rng, name):
    # The first spelling is the most common.
    k = 0 if rng.random() < 0.6 else rng.randrange(len(name.latin))
    return name.latin[k]


def make_person(rng, ctx, household, role, given, family, family_spelling, year, male=False):
    p = Person()
    p.entity = ctx["next_entity"]
    ctx["next_entity"] += 1
    p.household = household["id"]
    p.role = role
    p.given = given
    p.given_spelling = pick_spelling(rng, given)
    p.family = family
    p.family_spelling = family_spelling
    p.male = male
    month = rng.randrange(1, 13)
    day = rng.randrange(1, 29)
    p.dob = (year, month, day)
    p.cin = new_cin(rng) if REF_YEAR - year >= 18 else None
    p.phones = [household["phone"]]
    if REF_YEAR - year >= 16 and rng.random() < 0.65:
        p.phones.append(new_phone(rng))
    p.city = household["city"]
    return p


def distinct_given(rng, pool, taken):
    for _ in range(50):
        g = pool.pick(rng)
        if g.arabic not in taken:
            taken.add(g.arabic)
            return g
    g = pool.pick(rng)
    taken.add(g.arabic)
    return g


def make_household(rng, ctx, pools, cities):
    female, male, family = pools
    hh = {"id": ctx["next_household"], "phone": new_phone(rng), "city": cities.pick(rng)}
    ctx["next_household"] += 1
    fam = family.pick(rng)
    fam_spelling = pick_spelling(rng, fam)
    people = []
    self_year = REF_YEAR - rng.randrange(18, 56)
    taken = set()
    given = distinct_given(rng, female, taken)
    her = make_person(rng, ctx, hh, "self", given, fam, fam_spelling, self_year)
    people.append(her)
    # Namesake: some women carry exactly the name of a woman in another household.
    if ctx["selves"] and rng.random() < 0.03:
        other = rng.choice(ctx["selves"])
        her.given, her.given_spelling = other.given, other.given_spelling
        her.family, her.family_spelling = other.family, other.family_spelling
    ctx["selves"].append(her)
    if len(ctx["selves"]) > 5000:
        ctx["selves"].pop(rng.randrange(len(ctx["selves"])))
    # Her mother: usually registered under the same family name.
    mother_year = self_year - rng.randrange(18, 41)
    if REF_YEAR - mother_year <= 95:
        if rng.random() < 0.7:
            mf, mfs = her.family, her.family_spelling
        else:
            mf = family.pick(rng)
            mfs = pick_spelling(rng, mf)
        people.append(make_person(rng, ctx, hh, "mother", distinct_given(rng, female, taken), mf,
                                  mfs, mother_year))
    for _ in range(rng.choices([0, 1, 2, 3], [25, 35, 25, 15])[0]):
        y = min(REF_YEAR - 1, max(mother_year + 16, self_year + rng.randrange(-14, 15)))
        people.append(make_person(rng, ctx, hh, "sister", distinct_given(rng, female, taken),
                                  her.family, her.family_spelling, y))
    if REF_YEAR - self_year >= 30:
        for _ in range(rng.choices([0, 1, 2, 3], [30, 30, 25, 15])[0]):
            y = self_year + 18 + rng.randrange(0, REF_YEAR - self_year - 17)
            y = min(y, REF_YEAR - 1)
            if rng.random() < 0.04 and len(people) > 1:
                g = people[1].given  # named after her grandmother
            else:
                g = distinct_given(rng, female, taken)
            people.append(make_person(rng, ctx, hh, "daughter", g, her.family,
                                      her.family_spelling, y))
        if rng.random() < 0.4:
            y = min(REF_YEAR - 1, self_year + 18 + rng.randrange(0, REF_YEAR - self_year - 17))
            people.append(make_person(rng, ctx, hh, "son", distinct_given(rng, male, set()),
                                      her.family, her.family_spelling, y, male=True))
    return people


# --------------------------------------------------------------------------------------------
# Records


def render_name(rng, name, usual, style, part, tifinagh_ok):
    """Returns (text, script) for one name part in one record."""
    if style == "arabic":
        if tifinagh_ok and name.tifinagh and rng.random() < 0.4:
            return name.tifinagh, "tifinagh"
        text = arabic_variant(rng, name.arabic)
        if rng.random() < 0.04:
            text = typo_arabic(rng, text)
        return text, "arabic"
    r = rng.random()
    if r < 0.65:
        text = usual
    elif r < 0.85:
        text = rng.choice(name.latin)
    else:
        text = latin_variant(rng, usual)
    if part == "family":
        text = el_variant(rng, text)
    else:
        text = compound_variant(rng, text)
    if rng.random() < 0.07:
        text = typo_latin(rng, text)
    return case_style(text, style), "latin"


def render_city(rng, city_forms, style):
    arabic = [c for c in city_forms if any("\u0600" <= ch <= "\u06ff" for ch in c)]
    latin = [c for c in city_forms if c not in arabic]
    if style == "arabic" and arabic and rng.random() < 0.7:
        return rng.choice(arabic)
    c = rng.choice(latin) if latin else city_forms[0]
    return c.upper() if style == "upper" else c


def make_record(rng, p, cities):
    style = rng.choices(["arabic", "title", "upper"], [35, 40, 25])[0]
    rec = {}
    g, gscript = render_name(rng, p.given, p.given_spelling, style, "given", True)
    f, fscript = render_name(rng, p.family, p.family_spelling, style, "family", False)
    # A compound given name cut short: "Fatima" for "Fatima Zahra".
    if rng.random() < 0.15 and " " in p.given.arabic and not p.given.arabic.startswith("عبد"):
        g = g.replace("-", " ").split(" ")[0] if style != "arabic" else g.split(" ")[0]
    layout = rng.random()
    if layout < 0.80:
        rec["given_name"], rec["family_name"] = g, f
    elif layout < 0.83:
        rec["given_name"], rec["family_name"] = f, g  # swapped fields
    else:
        if rng.random() < 0.6:
            rec["full_name"] = g + " " + f
        else:
            rec["full_name"] = (f.upper() if style != "arabic" else f) + " " + g
    # Date of birth: missing in one record in ten, an age (year only) in 15%.
    y, m, d = p.dob
    r = rng.random()
    if r < 0.10:
        pass
    elif r < 0.25:
        rec["date_of_birth"] = "%04d" % y
    else:
        if rng.random() < 0.04 and d <= 12 and d != m:
            m, d = d, m
        elif rng.random() < 0.03:
            if rng.random() < 0.5:
                y += rng.choice([-1, 1])
            else:
                d = max(1, min(28, d + rng.choice([-1, 1])))
        rec["date_of_birth"] = "%04d-%02d-%02d" % (y, m, d)
    # ID number: adults only, in half the records.
    if p.cin and rng.random() < 0.5:
        cin = typo_digits(rng, p.cin) if rng.random() < 0.02 else p.cin
        rec["cin"] = render_cin(rng, cin)
    # Phone: missing in one record in five; else her usual number (her own when she has one,
    # the household's otherwise) in 80%, her other number in 14%, a new one in 6%.
    if rng.random() >= 0.20:
        usual, other = (p.phones[1], p.phones[0]) if len(p.phones) > 1 else (p.phones[0], None)
        r = rng.random()
        if r < 0.06:
            ph = new_phone(rng)
        elif r < 0.20 and other:
            ph = other
        else:
            ph = usual
        rec["phone"] = render_phone(rng, ph)
    # Town.
    r = rng.random()
    if r < 0.15:
        pass
    else:
        city = p.city if r < 0.96 else cities.pick(rng)
        rec["city"] = render_city(rng, city.latin, style)
    script = gscript if "given_name" in rec or "full_name" in rec else fscript
    return rec, script


class CityPool(Pool):
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--out", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--queries", type=int, default=0,
                    help="hold this many records out as intake queries")
    ap.add_argument("--queries-out")
    args = ap.parse_args()
    if args.queries and not args.queries_out:
        ap.error("--queries needs --queries-out")

    rng = random.Random(args.seed)
    pools = build_pools(random.Random(1))  # the same name inventory for every seed
    cities = Pool([Name(None, forms, w) for forms, w in N.CITIES])
    ctx = {"next_entity": 0, "next_household": 0, "selves": []}
    copies = [1, 2, 3, 4, 5]
    copy_w = [50, 30, 13, 5, 2]
    records = []  # (record, entity, household, role, script)
    target = args.records + args.queries
    while len(records) < target:
        for p in make_household(rng, ctx, pools, cities):
            for _ in range(rng.choices(copies, copy_w)[0]):
                rec, script = make_record(rng, p, cities)
                records.append((rec, p.entity, p.household, p.role, script))
    del records[target:]
    rng.shuffle(records)
    with open(args.out, "w", encoding="utf-8") as out, \
            open(args.truth, "w", encoding="utf-8") as truth:
        qout = open(args.queries_out, "w", encoding="utf-8") if args.queries else None
        truth.write("id\tentity\thousehold\trole\tscript\n")
        for i, (rec, entity, household, role, script) in enumerate(records):
            rid = "R%07d" % i
            line = json.dumps(dict(id=rid, **rec), ensure_ascii=False)
            dest = qout if i >= args.records else out
            dest.write(line + "\n")
            truth.write("%s\t%d\t%d\t%s\t%s\n" % (rid, entity, household, role, script))
        if qout:
            qout.close()


if __name__ == "__main__":
    main()
