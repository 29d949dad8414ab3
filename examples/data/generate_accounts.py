#!/usr/bin/env python3
"""Generate a synthetic but realistic portfolio of customer accounts as CSV.

The output feeds the riskscale examples, notebooks and benchmarks: one row per
account, with the SPEC §2 inputs (four risk factors, ``active_days``, ``users``,
``seats``) and a few descriptive columns that are passed through untouched.
Everything here is made up; no real customer or company is described.

Header (exactly)::

    account_id,account_name,industry,region,plan,sensitive_data,org_disruption,
    physical_safety,legal_exposure,active_days,users,seats

Usage::

    python3 generate_accounts.py [--rows N] [--seed S] [--output PATH]
                                 [--invalid-rows K] [--crm-output PATH]
                                 [--crm-rejects K] [--events PATH]

Regenerate the shipped files (from this directory; byte-identical)::

    python3 generate_accounts.py --output accounts.csv \\
        --crm-output crm_accounts.csv
    python3 generate_accounts.py --rows 200 --seed 7 --invalid-rows 6 \\
        --output accounts_with_errors.csv
    python3 generate_accounts.py --output accounts.csv --events events.csv

Model of each column
--------------------
Accounts are drawn one after another from a single pseudo-random stream, so
the first N rows for a seed do not depend on ``--rows``.

``account_id``
    ``ACC-`` and the 1-based row number, zero-padded to six digits.
``industry``
    One of 15 industries (``INDUSTRIES`` below), drawn by portfolio weight:
    software and retail are the most common, hospitality the rarest. The
    industry sets the distributions of every other column.
``account_name``
    A made-up name built from word lists: a place-like word or one or two
    surnames, an industry noun ("Care Partners", "Freight"), and sometimes a
    legal form typical of the region ("GmbH", ", Inc."; none after
    "University", "Credit Union" and the like). Law and consulting
    firms are often "Surname, Surname & Surname LLP"; government accounts are
    "City of ...", "... County" and the like. About one name in thirteen
    contains a comma and one in forty-five a double quote (an abbreviation
    such as ``("SHP")``), so CSV quoting is exercised. Names are unique and
    ASCII.
``region``
    North America, Europe, Asia Pacific, Latin America or Middle East & Africa
    (40/28/17/8/7 %). Europe adds a small uplift to sensitive_data and
    legal_exposure (privacy regulation).
``plan``
    starter, team, business or enterprise, with an industry-specific mix
    (banking and government buy enterprise more often, agencies and
    hospitality starter). The plan drives the account size.
``sensitive_data``, ``org_disruption``, ``physical_safety``, ``legal_exposure``
    Each in [0, 1], rounded to 2 decimals. Logit-normal: the logit of the
    industry's median plus an account-wide shock shared by the four factors
    (how regulated or critical this particular customer is) plus a per-factor
    shock. Healthcare and banking are high on sensitive data and legal
    exposure; manufacturing, energy & utilities and construction on physical
    safety; retail, media and hospitality are low on everything. Larger
    plans add to org_disruption (more people to disrupt). In industries with
    no physical hazard, physical_safety stays close to 0.
``active_days``
    Average active days per user per month, in [0, 31], rounded to 1 decimal.
    Logit-normal around the industry's typical usage (logistics and
    healthcare use the product nearly every working day, construction and
    government now and then); small teams use it a little more often per
    user, large deployments a little less. About 4 % of accounts are dormant (under 1.5
    days), and accounts with no users have 0.
``users``
    Users to onboard, an integer. Log-normal by plan, with its median scaled
    by industry (retail and government deploy widely) and truncated to the
    plan's range by redrawing: starter 1-25 (median 4), team 3-150 (22),
    business 20-2,500 (180), enterprise 150-250,000 (2,200, heavy tail into
    tens of thousands). About 0.4 % of accounts have just signed and have 0.
``seats``
    Licensed seats, an integer. Usually users plus log-normal headroom
    (median 15 %), rounded up to the plan's seat pack (5, 5, 10, 50). Some
    accounts are over-deployed (seats < users: 3 % of starter up to 12 % of
    enterprise accounts with at least 5 users), with seats 80-99 % of users.

Product events (``--events``)
-----------------------------
``--events PATH`` also writes a product-analytics export for the same accounts, one row per
event, header ``account_id,user_id,timestamp,event`` (the column names
``riskscale usage`` and ``riskscale.usage`` read by default). For each account with users,
``min(users, 2 + floor(sqrt(users) / 2))`` users (``usr-<account number>-<k>``) each use
the product on about the account's ``active_days`` distinct days (±2, at least 1) of the 30
days ending on ``EVENTS_AS_OF`` (2026-11-27), once a day or, one day in five, twice; one user
in four also has one to three events in the 30 days before (outside that window). Event
times are spread over the day and written in every SPEC §10 form in turn: a date, a
date-time with ``T`` or a space and no zone (UTC), with a fraction and ``Z``, with the
account's regional offset (``-05:00``, ``+01:00``, ``+05:30``...; the local date may differ
from the UTC date) and epoch seconds. One account id cell in 150 is padded with spaces.
Events come in time order within an account, accounts in file order. The events use their
own stream (seed + 1), so the accounts are the same with or without ``--events``.

All values lie within the SPEC §2 ranges, except the ``--invalid-rows``
rows: K of the N rows, spread evenly through the file, each get one fault, in
this order and then repeating: negative users, active_days 40, sensitive_data
1.3, an empty legal_exposure, "n/a" as users, a negative org_disruption,
"inf" seats, "nan" physical_safety, users 2e10. The valid rows are the same
as without ``--invalid-rows`` for the same seed and row count.

The CRM export (``--crm-output``)
-------------------------------
The same accounts (same ``account_id``, same order) as a Salesforce-style
account export, the raw input of ``examples/policies/crm.json`` (SPEC §9):
``Id, Name, Industry, BillingCountry, Plan__c, Seats__c, Active_Users__c,
Admin_Count__c, Compliance__c, Handles_PII__c, Field_Operations__c,
DAU_MAU_Ratio__c``. Industry is a picklist label ("Technology",
"Transportation", ...); the risk factors become what a CRM holds: a
compliance regime (HIPAA, SOX, GDPR, SOC 2, ISO 27001, None) from
legal_exposure, a PII flag from sensitive_data, a field-operations level from
physical_safety and an admin count from org_disruption and users; usage is
the DAU/MAU ratio (active_days / 30, 3 decimals). Text cells come in mixed
case, with stray spaces and tabs, as typed by hand. The ``--crm-rejects``
rows (default 6, spread evenly) carry one fault each, in this order: an
unknown compliance regime (CMMC), a negative admin count, a DAU/MAU ratio of
1.4, "n/a" active users, an empty DAU/MAU ratio, "lots" seats. The export's
cosmetic draws use their own stream (seed + 1), so ``--output`` is unchanged
by it.

Determinism
-----------
Only ``random.Random(seed).random()`` is used (its Mersenne Twister stream is
stable across Python 3 versions), with our own transforms on top (Box-Muller,
inverse CDF); a set is used for membership tests only, so hash order plays no
part. The CSV is built in memory with ``\\n`` line endings and written as
UTF-8 bytes, so the same arguments give the same bytes with every Python 3.6+
(checked with 3.6 to 3.13). The transforms call ``math.log``/``exp``/``cos``;
a C library whose last bit differs could in principle move a value across a
rounding boundary, which has not been seen.
"""

import argparse
import collections
import csv
import datetime
import io
import math
import random
import sys

HEADER = [
    "account_id", "account_name", "industry", "region", "plan",
    "sensitive_data", "org_disruption", "physical_safety", "legal_exposure",
    "active_days", "users", "seats",
]

DEFAULT_ROWS = 2400
DEFAULT_SEED = 20261127

PLANS = ["starter", "team", "business", "enterprise"]

# Per plan: users log-normal (median, sigma of ln) truncated to [low, high];
# seat pack size; share of over-deployed accounts; logit shift of
# org_disruption and of active_days.
PlanProfile = collections.namedtuple(
    "PlanProfile",
    "users_median users_sigma users_low users_high seat_pack "
    "over_deployed org_shift frequency_shift")
PLAN_PROFILES = {
    "starter": PlanProfile(4, 0.60, 1, 25, 5, 0.03, -0.40, 0.15),
    "team": PlanProfile(22, 0.65, 3, 150, 5, 0.06, -0.15, 0.05),
    "business": PlanProfile(180, 0.75, 20, 2500, 10, 0.09, 0.15, -0.05),
    "enterprise": PlanProfile(2200, 1.00, 150, 250000, 50, 0.12, 0.45, -0.15),
}

# Per industry: portfolio weight (%); medians of the four risk factors; median
# active days; users multiplier; plan mix (starter, team, business,
# enterprise); whether physical hazards exist at all; name nouns.
IndustryProfile = collections.namedtuple(
    "IndustryProfile",
    "weight sensitive org physical legal days size plan_mix hazardous nouns")
INDUSTRIES = collections.OrderedDict([
    ("healthcare", IndustryProfile(
        9, 0.70, 0.35, 0.22, 0.60, 17, 1.2, (20, 30, 30, 20), True,
        ["Health", "Medical Group", "Clinics", "Health System",
         "Care Partners", "Family Practice", "Diagnostics", "Hospital"])),
    ("banking", IndustryProfile(
        6, 0.72, 0.30, 0.02, 0.65, 15, 1.1, (15, 25, 32, 28), False,
        ["Bank", "Savings Bank", "Credit Union", "Bancorp", "Trust",
         "Capital", "Financial"])),
    ("insurance", IndustryProfile(
        5, 0.55, 0.22, 0.02, 0.45, 13, 1.0, (20, 28, 32, 20), False,
        ["Insurance", "Mutual", "Assurance", "Underwriters",
         "Insurance Group", "Re"])),
    ("life_sciences", IndustryProfile(
        3, 0.50, 0.25, 0.20, 0.55, 12, 0.8, (25, 32, 28, 15), True,
        ["Therapeutics", "Biosciences", "Pharma", "Laboratories",
         "Biologics", "Genomics"])),
    ("manufacturing", IndustryProfile(
        10, 0.10, 0.25, 0.35, 0.12, 11, 1.0, (25, 32, 28, 15), True,
        ["Manufacturing", "Industries", "Fabrication", "Precision Parts",
         "Components", "Works", "Plastics", "Machining"])),
    ("energy_utilities", IndustryProfile(
        4, 0.20, 0.32, 0.45, 0.30, 10, 1.1, (18, 27, 32, 23), True,
        ["Energy", "Power", "Utilities", "Water", "Electric Cooperative",
         "Gas & Electric", "Renewables"])),
    ("construction", IndustryProfile(
        5, 0.06, 0.18, 0.40, 0.15, 7, 0.9, (35, 33, 22, 10), True,
        ["Construction", "Builders", "Contracting", "Civil Works",
         "Engineering & Construction", "Homes", "Scaffolding"])),
    ("logistics", IndustryProfile(
        7, 0.10, 0.25, 0.16, 0.10, 19, 1.2, (25, 32, 28, 15), True,
        ["Logistics", "Freight", "Transport", "Shipping", "Distribution",
         "Couriers", "Haulage"])),
    ("retail", IndustryProfile(
        10, 0.12, 0.10, 0.02, 0.06, 12, 1.3, (30, 30, 25, 15), False,
        ["Outfitters", "Market", "Stores", "Goods", "Home & Garden",
         "Boutique", "Supply", "Grocers"])),
    ("software", IndustryProfile(
        14, 0.18, 0.12, 0.01, 0.07, 14, 1.0, (35, 33, 22, 10), False,
        ["Software", "Labs", "Systems", "Cloud", "Analytics", "Digital",
         "Technologies"])),
    ("education", IndustryProfile(
        7, 0.20, 0.10, 0.02, 0.12, 8, 1.2, (28, 32, 28, 12), False,
        ["Academy", "University", "College", "School District", "Learning",
         "Institute"])),
    ("media", IndustryProfile(
        5, 0.06, 0.10, 0.01, 0.08, 11, 0.9, (38, 34, 20, 8), False,
        ["Media", "Studios", "Publishing", "Broadcasting", "Pictures",
         "Press", "Records"])),
    ("government", IndustryProfile(
        5, 0.45, 0.22, 0.05, 0.50, 9, 1.3, (15, 27, 33, 25), False,
        [])),  # government names have their own patterns
    ("professional_services", IndustryProfile(
        8, 0.22, 0.08, 0.01, 0.20, 13, 0.8, (36, 34, 22, 8), False,
        ["Consulting", "Advisors", "Partners", "Associates", "Accountants",
         "Group"])),
    ("hospitality", IndustryProfile(
        2, 0.05, 0.07, 0.03, 0.05, 16, 1.1, (40, 32, 20, 8), False,
        ["Hotels", "Resorts", "Hospitality", "Restaurant Group", "Inns",
         "Catering"])),
])

# Region, weight (%), legal forms used in names.
REGIONS = [
    ("North America", 40, ["Inc.", "LLC", "Corp.", "Co."]),
    ("Europe", 28, ["GmbH", "AG", "B.V.", "S.A.", "Ltd", "plc", "AB", "Oy"]),
    ("Asia Pacific", 17, ["Pty Ltd", "Pte. Ltd.", "K.K.", "Ltd", "Limited"]),
    ("Latin America", 8, ["S.A.", "S.A. de C.V.", "Ltda.", "S.R.L."]),
    ("Middle East & Africa", 7, ["Ltd", "FZ-LLC", "(Pty) Ltd", "W.L.L."]),
]
REGION_LEGAL_UPLIFT = {"Europe": 0.25}  # logit shift, sensitive and legal

# Logit-scale spreads of the risk factors and of usage.
ACCOUNT_RISK_SIGMA = 0.45   # shared by the four factors of one account
FACTOR_RISK_SIGMA = 0.55    # each factor on its own
NO_HAZARD_PHYSICAL_SIGMA = 0.35
FREQUENCY_SIGMA = 0.85
DORMANT_SHARE = 0.04
DORMANT_MAX_DAYS = 1.5
NO_USERS_SHARE = 0.004
HEADROOM_MEDIAN = 0.15
HEADROOM_SIGMA = 0.7
MAX_DAYS = 31.0
MAX_NAME_REDRAWS = 50

PLACES = [
    "Northgate", "Silverbrook", "Cedar Ridge", "Bluewater", "Ironwood",
    "Harborview", "Stonebridge", "Maple Hollow", "Redfern", "Eastlake",
    "Pinecrest", "Brightwater", "Fairhaven", "Westmoor", "Oakridge",
    "Granite Peak", "Lakeshore", "Summitvale", "Riverbend", "Copperfield",
    "Kingsbury", "Ashford", "Millbrook", "Thornbury", "Willowmere",
    "Highcliff", "Sandpiper", "Falconridge", "Elmstead", "Marigold",
    "Larkspur", "Deepwell", "Coldspring", "Juniper", "Ravensworth",
    "Sunhaven", "Glenmore", "Halcyon", "Brookfield", "Windmere",
    "Tidewater", "Amberly", "Norcross", "Clearwater", "Alderton",
    "Quarry Hill", "Seabright", "Kestrel", "Osprey", "Heron Bay",
]
SURNAMES = [
    "Hale", "Whitaker", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak",
    "O'Brien", "Castellano", "Brennan", "Fischer", "Adeyemi", "Marsh",
    "Iyer", "Kowalski", "Delgado", "Haddad", "Sorensen", "Achterberg",
    "Whitfield", "Nakamura", "Petrov", "Quinlan", "Abernathy", "Ferreira",
    "Lachance", "Mbeki", "Vance", "Holloway", "Sato", "Grieve", "Oyelaran",
    "Rasmussen", "Pemberton", "Carvalho", "Ellison", "Varga", "Dunmore",
]
# Nouns that already name the kind of organisation: no legal form after them.
NOUNS_WITHOUT_LEGAL_FORM = {
    "Bancorp", "Credit Union", "Mutual", "Electric Cooperative", "Hospital",
    "Academy", "University", "College", "School District", "Institute",
}
GOVERNMENT_PATTERNS = [
    "City of {place}", "{place} County", "{place} Transit Authority",
    "{place} Port Authority", "{place} Water Board",
    "State Department of Revenue, {place} Office",
    "{place} Municipal Court", "{place} Housing Authority",
]


class Sampler(object):
    """Distributions built on ``random.Random.random()`` alone.

    The library's own ``gauss``/``choices``/``randrange`` are avoided on
    purpose: only the raw stream is guaranteed across Python versions.
    """

    def __init__(self, seed):
        self._rng = random.Random(seed)

    def uniform(self, low=0.0, high=1.0):
        return low + (high - low) * self._rng.random()

    def chance(self, probability):
        return self._rng.random() < probability

    def normal(self):
        # Box-Muller; 1 - u lies in (0, 1], so the log is finite.
        u1 = 1.0 - self._rng.random()
        u2 = self._rng.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def index(self, count):
        return min(int(self._rng.random() * count), count - 1)

    def pick(self, items):
        return items[self.index(len(items))]

    def distinct(self, items, count):
        """``count`` different items, in draw order."""
        chosen = []
        while len(chosen) < count:
            item = self.pick(items)
            if item not in chosen:
                chosen.append(item)
        return chosen

    def weighted_index(self, weights):
        target = self._rng.random() * sum(weights)
        running = 0.0
        for position, weight in enumerate(weights):
            running += weight
            if target < running:
                return position
        return len(weights) - 1


def logit(p):
    return math.log(p / (1.0 - p))


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def draw_risk_factors(sampler, profile, plan, region):
    """Four correlated risk factors in (0, 1), in SPEC §2 column order."""
    plan_profile = PLAN_PROFILES[plan]
    account_shock = ACCOUNT_RISK_SIGMA * sampler.normal()
    uplift = REGION_LEGAL_UPLIFT.get(region, 0.0)
    # (median, logit shift, follows the account-wide shock?)
    factor_models = [
        (profile.sensitive, uplift, True),
        (profile.org, plan_profile.org_shift, True),
        (profile.physical, 0.0, profile.hazardous),
        (profile.legal, uplift, True),
    ]
    factors = []
    for median, shift, follows_account in factor_models:
        noise = sampler.normal()
        if follows_account:
            z = (logit(median) + shift + account_shock
                 + FACTOR_RISK_SIGMA * noise)
        else:
            # Offices, shops and studios: physical danger stays near zero
            # whatever the account's overall criticality.
            z = logit(median) + NO_HAZARD_PHYSICAL_SIGMA * noise
        factors.append(sigmoid(z))
    return factors


def draw_users(sampler, profile, plan):
    plan_profile = PLAN_PROFILES[plan]
    if sampler.chance(NO_USERS_SHARE):
        return 0
    mu = math.log(plan_profile.users_median * profile.size)
    while True:  # truncate by redrawing, so no spikes at the bounds
        users = int(round(math.exp(mu + plan_profile.users_sigma
                                   * sampler.normal())))
        if plan_profile.users_low <= users <= plan_profile.users_high:
            return users


def draw_seats(sampler, plan, users):
    plan_profile = PLAN_PROFILES[plan]
    pack = plan_profile.seat_pack
    if users >= 5 and sampler.chance(plan_profile.over_deployed):
        return int(math.floor(users * sampler.uniform(0.80, 0.99)))
    headroom = HEADROOM_MEDIAN * math.exp(HEADROOM_SIGMA * sampler.normal())
    wanted = max(users * (1.0 + headroom), 1.0)
    return int(math.ceil(wanted / pack - 1e-9)) * pack


def draw_active_days(sampler, profile, plan, users):
    if users == 0:
        return 0.0
    if sampler.chance(DORMANT_SHARE):
        return sampler.uniform(0.0, DORMANT_MAX_DAYS)
    z = (logit(profile.days / MAX_DAYS)
         + PLAN_PROFILES[plan].frequency_shift
         + FREQUENCY_SIGMA * sampler.normal())
    return MAX_DAYS * sigmoid(z)


def initials(words):
    return "".join(w[0] for w in words.replace("&", " ").split()
                   if w[0].isupper())


def draw_name(sampler, industry, profile, forms):
    """A plausible made-up company name; may contain commas and quotes."""
    place = sampler.pick(PLACES)
    if industry == "government":
        return sampler.pick(GOVERNMENT_PATTERNS).format(place=place)
    noun = sampler.pick(profile.nouns)
    style = sampler.uniform()
    if industry == "professional_services" and style < 0.35:
        first, second, third = sampler.distinct(SURNAMES, 3)
        ending = sampler.pick(["LLP", "& Co.", "Partners"])
        if ending == "LLP":
            return "{}, {} & {} LLP".format(first, second, third)
        return "{}, {} {}".format(first, second, ending)
    if style < 0.55:
        stem = place
    elif style < 0.80:
        stem = sampler.pick(SURNAMES)
    elif style < 0.92:
        stem = " & ".join(sampler.distinct(SURNAMES, 2))
    else:
        stem = "{} {}".format(place, sampler.pick(SURNAMES))
    name = "{} {}".format(stem, noun)
    if sampler.chance(0.025):
        return '{} ("{}")'.format(name, initials(name))
    if noun not in NOUNS_WITHOUT_LEGAL_FORM and sampler.chance(0.35):
        form = sampler.pick(forms)
        comma = form in ("Inc.", "LLC", "Ltd") and sampler.chance(0.4)
        name = "{}{} {}".format(name, "," if comma else "", form)
    return name


def generate_accounts(rows, seed):
    """Return ``rows`` valid accounts as lists of strings, in HEADER order."""
    sampler = Sampler(seed)
    industry_names = list(INDUSTRIES)
    industry_weights = [INDUSTRIES[n].weight for n in industry_names]
    region_weights = [r[1] for r in REGIONS]
    used_names = set()
    accounts = []
    for number in range(1, rows + 1):
        industry = industry_names[sampler.weighted_index(industry_weights)]
        profile = INDUSTRIES[industry]
        region, _, forms = REGIONS[sampler.weighted_index(region_weights)]
        plan = PLANS[sampler.weighted_index(profile.plan_mix)]
        name = draw_name(sampler, industry, profile, forms)
        for _ in range(MAX_NAME_REDRAWS):
            if name not in used_names:  # membership only: order never used
                break
            name = draw_name(sampler, industry, profile, forms)
        else:
            name = "{} ({})".format(name, number)
        used_names.add(name)
        factors = draw_risk_factors(sampler, profile, plan, region)
        users = draw_users(sampler, profile, plan)
        seats = draw_seats(sampler, plan, users)
        days = draw_active_days(sampler, profile, plan, users)
        accounts.append(
            ["ACC-{:06d}".format(number), name, industry, region, plan]
            + ["{:.2f}".format(x) for x in factors]
            + ["{:.1f}".format(min(days, MAX_DAYS)), str(users), str(seats)])
    return accounts


# (column, replacement given the valid cell) in the order they are applied.
FAULTS = [
    ("users", lambda value: "-" + value if value != "0" else "-1"),
    ("active_days", lambda value: "40"),
    ("sensitive_data", lambda value: "1.3"),
    ("legal_exposure", lambda value: ""),
    ("users", lambda value: "n/a"),
    ("org_disruption", lambda value: "-0.20"),
    ("seats", lambda value: "inf"),
    ("physical_safety", lambda value: "nan"),
    ("users", lambda value: "2e10"),
]


def generate_previous(accounts, seed):
    """The same portfolio one month earlier (the previous snapshot of `riskscale report --previous`).

    A modest, documented change: the last 1 % of the accounts had not signed yet (new in
    accounts.csv); 12 accounts of the previous month have left (ids ACC-9xxxxx, gone); every 25th
    account had fewer users (growth of 1.5x to 3x since); every 40th used the product on fewer days
    (4 to 8 days fewer); every 60th held less sensitive data or had not taken on its compliance duty
    (legal_exposure 0.3 to 0.5 lower). Everything else is unchanged.
    """
    sampler = random.Random(seed + 1)
    keep = len(accounts) - len(accounts) // 100
    previous = []
    for position, account in enumerate(accounts[:keep]):
        row = list(account)
        if position % 25 == 7:
            users = int(row[10])
            row[10] = str(max(1, int(users / sampler.uniform(1.5, 3.0))))
        if position % 40 == 11:
            row[9] = "{:.1f}".format(max(0.0, float(row[9]) - sampler.uniform(4.0, 8.0)))
        if position % 60 == 23:
            column = 5 if sampler.random() < 0.5 else 8
            row[column] = "{:.2f}".format(max(0.0, float(row[column]) - sampler.uniform(0.3, 0.5)))
        previous.append(row)
    for number in range(12):
        row = list(accounts[(number * 197) % len(accounts)])
        row[0] = "ACC-9{:05d}".format(number + 1)
        row[1] = row[1] + " (left)"
        previous.append(row)
    return previous


def insert_faults(accounts, count):
    """Give ``count`` rows, spread evenly, one SPEC §2 violation each."""
    rows = len(accounts)
    for fault in range(count):
        position = (2 * fault + 1) * rows // (2 * count)
        column, replace = FAULTS[fault % len(FAULTS)]
        cell = HEADER.index(column)
        accounts[position][cell] = replace(accounts[position][cell])
    return accounts


# SPEC §10 sample: the events' window ends here, and its length.
EVENTS_AS_OF = datetime.date(2026, 11, 27)
EVENTS_WINDOW_DAYS = 30
EVENT_NAMES = ["login", "view_dashboard", "open_record", "edit_record", "run_report", "export_csv",
               "share_link", "comment", "search", "upload_file"]
# Offset of each region's typical office time zone, in minutes east of UTC (several per region).
REGION_OFFSETS = {
    "North America": [-300, -360, -480, -240],
    "Europe": [60, 0, 120],
    "Asia Pacific": [540, 330, 480, 600],
    "Latin America": [-180, -300],
    "Middle East & Africa": [180, 240, 120],
}
EPOCH = datetime.datetime(1970, 1, 1)


def format_event_time(sampler, when, offset_minutes, form):
    """``when`` (a naive UTC datetime) written in SPEC §10 form number ``form`` (0-6)."""
    if form == 0:
        return when.strftime("%Y-%m-%d")
    if form == 1:
        return when.strftime("%Y-%m-%dT%H:%M:%S")
    if form == 2:
        return when.strftime("%Y-%m-%d %H:%M:%S")
    if form == 3:
        return when.strftime("%Y-%m-%dT%H:%M:%S") + ".{:03d}Z".format(sampler.index(1000))
    if form == 6:
        return str(int((when - EPOCH).total_seconds()))
    local = when + datetime.timedelta(minutes=offset_minutes)
    sign = "+" if offset_minutes >= 0 else "-"
    zone = "{}{:02d}:{:02d}".format(sign, abs(offset_minutes) // 60, abs(offset_minutes) % 60)
    if form == 4:
        return local.strftime("%Y-%m-%dT%H:%M:%S") + zone
    return local.strftime("%Y-%m-%d %H:%M:%S") + ".{:06d}".format(sampler.index(1000000)) + zone


def generate_events(accounts, seed):
    """Product events for ``accounts`` (rows as from generate_accounts), as lists of strings."""
    sampler = Sampler(seed + 1)
    first_day = EVENTS_AS_OF - datetime.timedelta(days=EVENTS_WINDOW_DAYS - 1)
    events = []
    form = 0
    for row in accounts:
        account_id, region = row[0], row[3]
        users, active_days = int(row[10]), float(row[9])
        if users <= 0:
            continue
        offset = sampler.pick(REGION_OFFSETS[region])
        number = int(account_id[4:])
        account_events = []
        for k in range(min(users, 2 + int(math.sqrt(users) / 2))):
            user_id = "usr-{:06d}-{:04d}".format(number, k + 1)
            days = max(1, min(EVENTS_WINDOW_DAYS, int(round(active_days + sampler.uniform(-2.0, 2.0)))))
            chosen = sorted(sampler.distinct(list(range(EVENTS_WINDOW_DAYS)), days))
            if sampler.chance(0.25):  # earlier use, outside the window
                chosen = sorted(sampler.distinct(list(range(-EVENTS_WINDOW_DAYS, 0)), 1 + sampler.index(3))) + chosen
            for day in chosen:
                for _ in range(2 if sampler.chance(0.2) else 1):
                    # Office hours in the account's zone, as a UTC time.
                    local_seconds = int(sampler.uniform(7.5, 19.0) * 3600)
                    when = datetime.datetime.combine(first_day + datetime.timedelta(days=day), datetime.time()) + \
                        datetime.timedelta(seconds=local_seconds - offset * 60)
                    account_events.append((when, user_id, sampler.pick(EVENT_NAMES)))
        account_events.sort()
        for when, user_id, name in account_events:
            cell = " {} ".format(account_id) if sampler.chance(1 / 150) else account_id
            events.append([cell, user_id, format_event_time(sampler, when, offset, form), name])
            form = (form + 1) % 7
    return events


def events_to_csv_bytes(events):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["account_id", "user_id", "timestamp", "event"])
    writer.writerows(events)
    return buffer.getvalue().encode("utf-8")


def to_csv_bytes(accounts, header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(accounts)
    return buffer.getvalue().encode("utf-8")


# CRM picklist label of each industry (Salesforce's standard Industry values where one fits).
CRM_INDUSTRY = {
    "healthcare": "Healthcare", "banking": "Banking", "insurance": "Insurance",
    "life_sciences": "Biotechnology", "manufacturing": "Manufacturing",
    "energy_utilities": "Utilities", "construction": "Construction",
    "logistics": "Transportation", "retail": "Retail", "software": "Technology",
    "education": "Education", "media": "Media", "government": "Government",
    "professional_services": "Consulting", "hospitality": "Hospitality",
}
CRM_COUNTRIES = {
    "North America": ["United States", "Canada", "US", "USA"],
    "Europe": ["Germany", "France", "United Kingdom", "Netherlands", "Sweden",
               "Spain"],
    "Asia Pacific": ["Australia", "Singapore", "Japan", "India"],
    "Latin America": ["Brazil", "Mexico", "Chile", "Colombia"],
    "Middle East & Africa": ["United Arab Emirates", "South Africa", "Kenya"],
}
# Strict regime first: the one an account of that industry (or region) names.
CRM_STRICT_REGIME = {"healthcare": "HIPAA", "life_sciences": "HIPAA",
                     "banking": "SOX", "insurance": "SOX",
                     "government": "FedRAMP"}
CRM_HEADER = [
    "Id", "Name", "Industry", "BillingCountry", "Plan__c", "Seats__c",
    "Active_Users__c", "Admin_Count__c", "Compliance__c", "Handles_PII__c",
    "Field_Operations__c", "DAU_MAU_Ratio__c",
]
CRM_FAULTS = [
    ("Compliance__c", "CMMC"),
    ("Admin_Count__c", "-2"),
    ("DAU_MAU_Ratio__c", "1.4"),
    ("Active_Users__c", "n/a"),
    ("DAU_MAU_Ratio__c", ""),
    ("Seats__c", "lots"),
]


def hand_typed(sampler, text):
    """``text`` as people type it into a CRM: now and then upper/lower case, padded."""
    style = sampler.uniform()
    if style < 0.08:
        text = text.upper()
    elif style < 0.16:
        text = text.lower()
    pad = sampler.uniform()
    if pad < 0.06:
        text = " " + text
    elif pad < 0.12:
        text = text + " "
    elif pad < 0.14:
        text = text + "\t"
    return text


def crm_row(sampler, account):
    (account_id, name, industry, region, plan, sensitive, org, physical,
     legal, days, users, seats) = account
    sensitive, org, physical, legal = (float(sensitive), float(org),
                                       float(physical), float(legal))
    users_count = int(users)
    if legal >= 0.6:
        regime = CRM_STRICT_REGIME.get(
            industry, "GDPR" if region == "Europe" else "SOC 2")
    elif legal >= 0.35:
        regime = "SOC 2"
    elif legal >= 0.2:
        regime = "ISO 27001"
    else:
        regime = "None"
    pii = sampler.pick(["Yes", "TRUE", "yes"]) if sensitive >= 0.5 else \
        sampler.pick(["No", "FALSE", "no", ""])
    if physical >= 0.6:
        field = "High"
    elif physical >= 0.3:
        field = "Medium"
    elif physical >= 0.1:
        field = "Low"
    else:
        field = "None"
    admins = int(round(org * 40 + math.sqrt(users_count) * org))
    ratio = "{:.3f}".format(float(days) / 30.0)
    return [account_id, name, hand_typed(sampler, CRM_INDUSTRY[industry]),
            sampler.pick(CRM_COUNTRIES[region]), plan, seats, users,
            str(admins), hand_typed(sampler, regime), pii,
            hand_typed(sampler, field), ratio]


def generate_crm(accounts, seed, rejects):
    """The accounts as a CRM export (CRM_HEADER), ``rejects`` of them faulty."""
    sampler = Sampler(seed + 1)
    rows = [crm_row(sampler, account) for account in accounts]
    for fault in range(rejects):
        position = (2 * fault + 1) * len(rows) // (2 * rejects)
        column, value = CRM_FAULTS[fault % len(CRM_FAULTS)]
        rows[position][CRM_HEADER.index(column)] = value
    return rows


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Generate a deterministic synthetic portfolio of "
                    "customer accounts for riskscale (CSV).")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS,
                        help="number of accounts (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="random seed (default %(default)s)")
    parser.add_argument("--output", default="-",
                        help="output file, '-' for stdout (default)")
    parser.add_argument("--events", default=None,
                        help="also write product events for the accounts to this file "
                             "(SPEC §10 input of riskscale usage)")
    parser.add_argument("--invalid-rows", type=int, default=0,
                        help="rows to make deliberately invalid, spread "
                             "through the file (default 0)")
    parser.add_argument("--crm-output",
                        help="also write the accounts as a CRM export here")
    parser.add_argument("--previous-output",
                        help="also write the previous month's snapshot of the accounts here")
    parser.add_argument("--crm-rejects", type=int, default=6,
                        help="faulty rows in the CRM export (default "
                             "%(default)s)")
    args = parser.parse_args(argv)
    if not 0 <= args.crm_rejects <= args.rows:
        parser.error("--crm-rejects must be in [0, --rows], got {}".format(
            args.crm_rejects))
    if args.rows < 0:
        parser.error("--rows must be >= 0, got {}".format(args.rows))
    if not 0 <= args.invalid_rows <= args.rows:
        parser.error("--invalid-rows must be in [0, --rows], got {}".format(
            args.invalid_rows))
    return args


def main(argv=None):
    args = parse_args(argv)
    valid = generate_accounts(args.rows, args.seed)
    if args.crm_output:
        crm = generate_crm(valid, args.seed, args.crm_rejects)
        with open(args.crm_output, "wb") as handle:
            handle.write(to_csv_bytes(crm, CRM_HEADER))
    if args.previous_output:
        with open(args.previous_output, "wb") as handle:
            handle.write(to_csv_bytes(generate_previous(valid, args.seed)))
    accounts = insert_faults([list(a) for a in valid], args.invalid_rows)
    data = to_csv_bytes(accounts)
    if args.output == "-":
        sys.stdout.flush()
        getattr(sys.stdout, "buffer", sys.stdout).write(data)
        sys.stdout.flush()
    else:
        with open(args.output, "wb") as handle:
            handle.write(data)
    if args.events:
        with open(args.events, "wb") as handle:
            handle.write(events_to_csv_bytes(generate_events(accounts, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
