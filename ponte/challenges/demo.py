"""The challenges of the demo world, drawn from the real programmes: problems that AMA and
LabX in Portugal, Nido's Government Buys Innovation in Belgium and Slovenia's ministry have
brought to companies. Each is written as a problem, never as a solution, and stands at one
stage of the lifecycle — from a draft to an award with its signed pilot contract — and one is
a pre-commercial procurement in phases, whose second phase only the first one's suppliers may
answer. States are reached through the services, so the audit trail and the notifications are
real; only what must lie in the past (deadlines, proposals sent before them, the dates of
decisions) is set directly."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from ponte.accounts.models import User
from ponte.core import attachments
from ponte.organisations.models import Organisation, SectorTag

from . import services
from .models import Challenge, CpvCode, Status, Subscription

# The steps that bring a new draft to each demo state.
STEPS = {
    "draft": [],
    "awaiting_organisation": ["submit"],
    "awaiting_review": ["submit", "approve_for_organisation"],
    "changes_requested": ["submit", "approve_for_organisation", "return_to_author"],
    "approved": ["submit", "approve_for_organisation", "approve"],
    "open": ["submit", "approve_for_organisation", "approve", "publish"],
    "closed": ["submit", "approve_for_organisation", "approve", "publish"],
    "cancelled": ["submit", "approve_for_organisation", "approve", "publish", "cancel"],
}
# Past their deadline: evaluated (see build_evaluations) and, for some, decided.
EVALUATED_STAGES = ("evaluation", "awaiting_decision", "awarded", "not_awarded")
STEPS.update(dict.fromkeys(EVALUATED_STAGES, STEPS["closed"]))

STANDARD_CRITERIA = [
    {"name": "Understanding of the problem and of the people affected", "weight": 30},
    {"name": "Expected impact on the desired outcomes", "weight": 30},
    {"name": "Feasibility within the budget and the time available", "weight": 25},
    {"name": "Openness: reuse, open standards and data protection by design", "weight": 15},
]

CHALLENGES = [
    {
        "stage": "draft",
        "owner": "ama",
        "author": "servant@example.org",
        "admin": "orgadmin@example.org",
        "title": "Citizens abandon the online change-of-address journey halfway",
        "summary": "Four in ten people who start changing their address online give up before the end "
        "and come to a Citizen Shop instead.",
        "context": "Changing one's address touches the citizen card, tax, social security and health "
        "records. The online service was built on top of each of these registers in turn.",
        "problem": "We do not know at which step people give up, nor why. Front-office staff report "
        "that people are unsure whether the change reached every administration.",
        "affected": "People who move house, especially those moving for the first time and older "
        "people; the front-office staff of the Citizen Shops.",
        "desired_outcomes": "Most people who start the journey online finish it online, and know "
        "which administrations have been informed.",
        "sectors": ["digital"],
        "cpv": ["72000000-5"],
        "languages": ["pt-pt", "en"],
        "budget": "18000",
        "weeks": 8,
    },
    {
        "stage": "awaiting_organisation",
        "owner": "labx",
        "author": "servant@example.org",
        "admin": "orgadmin@example.org",
        "title": "Older people cannot book an appointment at a Citizen Shop without help",
        "summary": "Booking a slot at a Citizen Shop has moved online; many people over 70 now depend "
        "on relatives or queue without an appointment.",
        "context": "Since 2020 most Citizen Shops serve by appointment. LabX's fieldwork in three "
        "municipalities found long queues of people without one, most of them over 70.",
        "problem": "The people who most need face-to-face service find it hardest to reach. They give "
        "up, travel twice, or wait for hours without knowing whether they will be seen.",
        "affected": "People over 70, people without a smartphone or internet access, their relatives, "
        "and the staff who turn them away.",
        "desired_outcomes": "Anyone can get an appointment in the way that suits them, and fewer people "
        "leave a Citizen Shop without being served.",
        "constraints": "Must work with the existing appointment system of AMA. Personal data stays in "
        "the EU and is processed under the GDPR.",
        "sectors": ["digital", "social"],
        "cpv": ["72212000-4", "79342300-6"],
        "languages": ["pt-pt"],
        "budget": "25000",
        "weeks": 9,
    },
    {
        "stage": "awaiting_review",
        "owner": "ama",
        "author": "servant@example.org",
        "admin": "orgadmin@example.org",
        "title": "Letters from the administration that people do not understand",
        "summary": "Official letters are written for lawyers; many people call the helpline just to "
        "ask what a letter asks them to do.",
        "context": "AMA's helpline receives about 2,000 calls a week about letters sent by other "
        "administrations. A 2024 sample showed the most common question is “what must I do?”.",
        "problem": "People miss deadlines, pay late fees or lose benefits because the letters they "
        "receive do not say clearly what is expected of them, by when, and what happens otherwise.",
        "affected": "Every resident receiving official letters, in particular people with low "
        "literacy or whose first language is not Portuguese; helpline staff.",
        "desired_outcomes": "Fewer calls asking what a letter means, and fewer missed deadlines.",
        "out_of_scope": "Changing the legal obligations the letters convey.",
        "sectors": ["digital", "social"],
        "cpv": ["79342300-6", "73000000-2"],
        "languages": ["pt-pt", "en"],
        "budget": "30000",
        "weeks": 10,
    },
    {
        "stage": "changes_requested",
        "owner": "labx",
        "author": "servant@example.org",
        "admin": "orgadmin@example.org",
        "title": "Young people do not claim the support they are entitled to",
        "summary": "Many people aged 18 to 25 never claim the grants and allowances they are entitled to.",
        "context": "Support for young people is spread across a dozen programmes run by different "
        "bodies, each with its own eligibility rules.",
        "problem": "We would like a chatbot that tells young people which programmes they qualify for.",
        "affected": "People aged 18 to 25, especially those not in education or employment.",
        "desired_outcomes": "More eligible young people claim the support they are entitled to.",
        "sectors": ["social", "employment"],
        "cpv": ["72212000-4"],
        "languages": ["pt-pt"],
        "budget": "20000",
        "weeks": 9,
        "returned": "The problem section prescribes a solution (a chatbot). Describe what stops young "
        "people from claiming — what you know and what you do not — and let companies propose how "
        "to solve it. Please also say how you will measure take-up.",
    },
    {
        "stage": "approved",
        "owner": "ministry-of-public-administration-si",
        "author": "sponsor@example.org",
        "admin": "admin@example.org",
        "title": "Municipalities cannot compare the energy use of their public buildings",
        "summary": "Slovenian municipalities pay for the energy of schools, halls and offices but cannot "
        "see which buildings waste the most.",
        "context": "Within Partnership for Change, municipalities asked the ministry for help: energy "
        "bills arrive as PDFs from several suppliers and no one compares buildings.",
        "problem": "Without comparable figures, municipalities cannot decide which buildings to "
        "renovate first, nor check whether a renovation worked.",
        "affected": "Municipal energy managers, school heads, and the residents who pay for the waste.",
        "desired_outcomes": "Each municipality sees its buildings' energy use on a comparable basis "
        "and chooses its renovations on evidence.",
        "constraints": "Must work for small municipalities with no IT staff.",
        "sectors": ["energy", "environment"],
        "cpv": ["90711300-7", "72316000-3"],
        "languages": ["sl", "en"],
        "budget": "28000",
        "weeks": 7,
    },
    {
        "stage": "open",
        "owner": "nido",
        "author": "admin@example.org",
        "admin": "admin@example.org",
        "title": "Federal job vacancies reach too few candidates with a disability",
        "summary": "The federal administration aims for 3% of its staff to be people with a disability; "
        "too few of them apply.",
        "context": "A challenge brought to Government Buys Innovation by a federal public service. "
        "Vacancies are published on the federal recruitment site and on job boards.",
        "problem": "Candidates with a disability tell us they do not see the vacancies, do not know "
        "reasonable adjustments are available in selection tests, or assume they will not fit.",
        "affected": "Job seekers with a disability, federal recruiters, and the teams that stay short-staffed.",
        "desired_outcomes": "More applications from candidates with a disability, and more of them "
        "reaching the end of the selection.",
        "constraints": "Selection must stay equal for all candidates, as Belgian law requires.",
        "sectors": ["employment", "social"],
        "cpv": ["79342000-3", "72212000-4"],
        "languages": ["nl", "fr", "en"],
        "budget": "30000",
        "weeks": 5,
        "interests": [("company@example.org", "civic-data-labs"), ("companyadmin@example.org", "civic-data-labs")],
    },
    {
        "stage": "open",
        "owner": "ama",
        "author": "servant@example.org",
        "admin": "orgadmin@example.org",
        "title": "Citizens wait too long at Citizen Shops for simple services",
        "summary": "Renewing a citizen card takes minutes at the counter but can mean two hours of waiting.",
        "context": "Portugal's Citizen Shops gather many administrations under one roof. Waiting times "
        "vary widely between shops and days, and data on them is kept by each administration.",
        "problem": "People cannot plan their visit, staff cannot plan their day, and simple services "
        "wait behind complex ones. We do not know where the waiting comes from.",
        "affected": "The 700,000 people a month who visit a Citizen Shop, and the staff who serve them.",
        "desired_outcomes": "Shorter and more predictable waiting for simple services, measured in every shop.",
        "constraints": "No new hardware at the counters; personal data stays in the EU.",
        "sectors": ["digital"],
        "cpv": ["72316000-3", "72000000-5"],
        "languages": ["pt-pt", "en"],
        "budget": "24000",
        "weeks": 6,
        "interests": [("company@example.org", "civic-data-labs")],
        "documents": [
            (
                "Terms of reference.pdf",
                "Terms of reference: waiting at Citizen Shops. Proposals explain how waiting times would be "
                "measured in every shop, using the queue data each administration already keeps.",
            )
        ],
    },
    {
        "stage": "closed",
        "owner": "ministry-of-public-administration-si",
        "author": "sponsor@example.org",
        "admin": "admin@example.org",
        "title": "Public servants spend days answering the same requests for information",
        "summary": "Requests for public information often ask again for data already published, and "
        "each answer is prepared by hand.",
        "context": "Slovenia's Access to Public Information Act gives everyone the right to ask. "
        "Ministries answer thousands of requests a year within a 20-working-day limit.",
        "problem": "Staff cannot see whether the answer already exists elsewhere in the administration "
        "or in open data, so the same work is done again and deadlines are missed.",
        "affected": "Journalists, researchers and residents who ask, and the public servants who answer.",
        "desired_outcomes": "Faster answers, fewer missed deadlines, and more information published "
        "before anyone has to ask.",
        "sectors": ["digital", "justice"],
        "cpv": ["72212311-2", "73000000-2"],
        "languages": ["sl", "en"],
        "instrument": "innovation_partnership",
        "budget": "150000",
        "weeks": 6,
        "closed_days_ago": 12,
        "interests": [("company@example.org", "civic-data-labs")],
    },
    {
        # Two evaluators at work: the board shows "1 of 2 evaluations done", one recusal, and
        # evaluator@ has one company to declare and one proposal to score.
        "stage": "evaluation",
        "owner": "labx",
        "author": "servant@example.org",
        "admin": "orgadmin@example.org",
        "title": "Patients in rural areas miss hospital appointments for lack of transport",
        "summary": "In Portugal's interior, outpatients miss hospital appointments because no bus runs at the "
        "right time and a taxi costs more than they can pay.",
        "context": "LabX heard this in fieldwork with health centres and municipalities of the interior. "
        "Non-urgent patient transport exists, but only for some conditions and on prescription.",
        "problem": "Patients miss or postpone consultations and exams, waiting lists grow, and hospitals "
        "cannot tell in advance who will not make it. Nobody sees, across municipalities, how patients "
        "travel to hospital.",
        "affected": "Older people and people without a car in low-density municipalities, their families, "
        "and the hospital teams whose slots go unused.",
        "desired_outcomes": "Fewer appointments missed for lack of transport, and municipalities and "
        "hospitals that plan transport together.",
        "constraints": "Health data stays with the hospital; any sharing follows the GDPR and is agreed with "
        "its data protection officer.",
        "sectors": ["health", "mobility"],
        "cpv": ["60130000-8", "72316000-3"],
        "languages": ["pt-pt", "en"],
        "budget": "30000",
        "weeks": 6,
        "closed_days_ago": 9,
        "bids": [
            {
                "company": "ljubljana-mobility",
                "by": "admin@example.org",
                "price": "27500",
                "approach": "Rides on demand, booked by phone or at the health centre and pooled by "
                "appointment time, run with the municipalities' school-transport vehicles between school runs.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [5, 4, 4, 3]),
                    "evaluator2@example.org": ("completed", [4, 5, 4, 3]),
                },
            },
            {
                "company": "civic-data-labs",
                "by": "company@example.org",
                "price": "24000",
                "approach": "Map how patients travel to hospital from anonymised appointment data, then test "
                "reminder calls that offer a pooled ride, in one hospital for three months.",
                "evaluations": {
                    "evaluator@example.org": ("assigned", None),
                    "evaluator2@example.org": ("completed", [4, 4, 3, 5]),
                },
            },
            {
                "company": "lisbon-health-analytics",
                "by": "admin@example.org",
                "price": "29000",
                "approach": "Predict which appointments are at risk of a no-show for lack of transport and "
                "offer those patients a seat on an existing transport run or a teleconsultation.",
                "evaluations": {
                    "evaluator@example.org": (
                        "cleared",
                        {
                            0: (4, "Knows hospital scheduling well and has talked to patients' associations."),
                            1: (None, "Check how patients would actually be offered a seat."),
                        },
                    ),
                    "evaluator2@example.org": (
                        "recused",
                        "I worked at Lisbon Health Analytics until 2024 and know its founders well.",
                    ),
                },
            },
        ],
    },
    {
        # Awarded, with feedback sent to every bidder and the pilot contract signed.
        "stage": "awarded",
        "owner": "ministry-of-public-administration-si",
        "author": "sponsor@example.org",
        "admin": "admin@example.org",
        "title": "Older residents of small municipalities cannot reach their administrative unit",
        "summary": "Renewing an identity card or registering a vehicle means a trip to one of Slovenia's 58 "
        "administrative units; many older residents of small municipalities have no way to get there.",
        "context": "Raised by municipalities in Partnership for Change. In many rural areas public transport "
        "runs only on school days, and only to the regional bus station.",
        "problem": "Older residents depend on relatives or give up, so documents expire and simple matters "
        "take weeks. Staff visiting villages with a mobile office reach few places.",
        "affected": "Residents over 65 without a car in small municipalities, their relatives, and the staff "
        "of the administrative units.",
        "desired_outcomes": "Residents reach their administrative unit when they need to, at a cost their "
        "municipality can sustain.",
        "sectors": ["mobility", "social"],
        "cpv": ["60140000-1", "60130000-8"],
        "languages": ["sl", "en"],
        "budget": "30000",
        "weeks": 6,
        "closed_days_ago": 75,
        "bids": [
            {
                "company": "ljubljana-mobility",
                "by": "admin@example.org",
                "price": "26000",
                "approach": "Rides on demand booked by phone, pooled with the municipalities' transport for "
                "older people, tested in two municipalities around one administrative unit for three months.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [4, 5, 4, 3]),
                    "evaluator2@example.org": ("completed", [5, 4, 4, 4]),
                },
            },
            {
                "company": "civic-data-labs",
                "by": "company@example.org",
                "price": "18500",
                "approach": "An open map of travel times to each administrative unit, and a booking assistant "
                "that gives residents of the same village appointments on the same day.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [4, 3, 3, 5]),
                    "evaluator2@example.org": ("completed", [3, 3, 4, 4]),
                },
            },
        ],
        "outcome": {
            "award": ["ljubljana-mobility"],
            "justification": "Ljubljana Mobility Solutions ranked first on impact and feasibility: its rides "
            "take residents from their door to the counter and reuse vehicles the municipalities already run. "
            "The travel-time map proposed by Civic Data Labs is useful, but would not by itself bring anyone "
            "to the counter during the pilot.",
            "days_ago": 40,
            "contract": {
                "title": "Pilot: rides on demand to the administrative unit for older residents",
                "value": "26000",
                "signed_days_ago": 30,
                "starts_days_ago": 21,
                "weeks": 13,
            },
        },
    },
    {
        # The first phase of a pre-commercial procurement (see PHASES): three of the four
        # suppliers are selected after the solution design, and only they may answer the next
        # phase, the prototype, which is open.
        "stage": "awarded",
        "phase_name": "Solution design",
        "owner": "ministry-of-public-administration-si",
        "author": "sponsor@example.org",
        "admin": "admin@example.org",
        "title": "Residents of small municipalities get no warning before flash floods",
        "summary": "When a torrent rises within an hour, residents of small municipalities learn it from the water "
        "or from a neighbour: warnings cover river basins, not their street.",
        "context": "In August 2023 floods hit most of Slovenia; in many small municipalities, streams that no gauge "
        "measures rose within hours. With the municipalities of Partnership for Change, the ministry chose a "
        "pre-commercial procurement in three phases — solution design, prototype, test — because nothing on the "
        "market warns residents of small catchments, and the risk of the research must be shared with suppliers.",
        "problem": "National forecasts are issued for river basins. Municipalities cannot tell residents which "
        "streets to leave, or when, and civil protection learns of flooding from calls for help. People who "
        "cannot leave on their own are reached last.",
        "affected": "Residents of small municipalities in torrent valleys, above all older and less mobile people; "
        "municipal civil protection and volunteer firefighters.",
        "desired_outcomes": "Residents of the pilot municipalities are warned for their own street early enough to "
        "act, with few false alarms, and those who need help to leave are known and reached first.",
        "constraints": "Builds on the public data of the national environment agency; results, models and data "
        "are open for every municipality; personal data stays in the EU and is processed under the GDPR.",
        "sectors": ["environment", "justice"],
        "cpv": ["73300000-5", "72316000-3"],
        "languages": ["sl", "en"],
        "instrument": "pre_commercial",
        "budget": "90000",
        "weeks": 6,
        "closed_days_ago": 50,
        "bids": [
            {
                "company": "civic-data-labs",
                "by": "company@example.org",
                "price": "29000",
                "approach": "An open model of each torrent built from the environment agency's radar and rain data "
                "and the terrain, which turns a forecast into a warning street by street, sent through the channels "
                "the municipality already uses.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [5, 5, 4, 5]),
                    "evaluator2@example.org": ("completed", [4, 5, 4, 5]),
                },
            },
            {
                "company": "ljubljana-mobility",
                "by": "admin@example.org",
                "price": "28500",
                "approach": "Warnings that come with a ride: residents who cannot leave on their own are registered "
                "with their consent, and a warning books them a seat with the municipality's transport before the "
                "road floods.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [5, 4, 4, 3]),
                    "evaluator2@example.org": ("completed", [4, 4, 4, 4]),
                },
            },
            {
                "company": "lisbon-health-analytics",
                "by": "admin@example.org",
                "price": "27000",
                "approach": "Predict, from the forecast and the home-care rounds, which people cared for at home will "
                "be cut off, so that nurses and civil protection reach them before the water does.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [4, 4, 3, 4]),
                    "evaluator2@example.org": ("completed", [4, 3, 4, 3]),
                },
            },
            {
                "company": "nordgrid-energy",
                "by": "admin@example.org",
                "price": "45000",
                "approach": "Fit every stream of the pilot municipalities with our water-level sensors and raise an "
                "alarm from our control room when a threshold is crossed.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [3, 3, 1, 2]),
                    "evaluator2@example.org": ("completed", [2, 3, 2, 1]),
                },
            },
        ],
        "outcome": {
            "award": ["civic-data-labs", "ljubljana-mobility", "lisbon-health-analytics"],
            "justification": "A pre-commercial procurement keeps several suppliers competing from one phase to the "
            "next. Civic Data Labs, Ljubljana Mobility Solutions and Lisbon Health Analytics ranked first to third: "
            "their designs build on the environment agency's open data and take three different routes — an open "
            "model of the torrents, a warning that comes with a ride, and help sent first to people cared for at "
            "home — which the prototype phase will compare. They are invited to it. NordGrid Energy Systems' design "
            "needs its own sensors on every stream, which the budget of the later phases could not pay for and "
            "which would tie the municipalities to one supplier.",
            "days_ago": 21,
        },
    },
    {
        # Every evaluation complete: the public body decides (servant@ or orgadmin@). The two
        # proposals together exceed the budget ceiling, so at most one can be awarded.
        "stage": "awaiting_decision",
        "owner": "ama",
        "author": "servant@example.org",
        "admin": "orgadmin@example.org",
        "title": "Public forms ask again for data the administration already holds",
        "summary": "People type their address, family details and tax number into form after form, although "
        "another administration already holds them.",
        "context": "Portugal's interoperability platform (iAP) lets administrations exchange data with the "
        "person's consent, and the law sets the once-only principle. Few online services use it yet.",
        "problem": "Every form asks again, people make mistakes when copying, and staff correct them by hand. "
        "We do not know which data is asked for most often, nor which services could reuse it first.",
        "affected": "Everyone who applies for a public service online, and the back-office staff who correct "
        "the forms.",
        "desired_outcomes": "Fewer fields to fill in on the most used forms, and fewer applications returned "
        "for wrong data.",
        "sectors": ["digital"],
        "cpv": ["72212000-4", "72300000-8"],
        "languages": ["pt-pt", "en"],
        "budget": "30000",
        "weeks": 6,
        "closed_days_ago": 20,
        "bids": [
            {
                "company": "civic-data-labs",
                "by": "companyadmin@example.org",
                "price": "26500",
                "approach": "List the fields of the 30 most used forms, match them to what the iAP already "
                "exchanges, and rebuild two forms so they fill in with consent; measure errors before and after.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [5, 4, 4, 5]),
                    "evaluator2@example.org": ("completed", [4, 4, 4, 4]),
                },
            },
            {
                "company": "lisbon-health-analytics",
                "by": "admin@example.org",
                "price": "24000",
                "approach": "A consent service that fetches a person's data once per session and offers it to "
                "any form that asks, tested on one service.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [3, 3, 4, 3]),
                    "evaluator2@example.org": ("completed", [3, 4, 3, 2]),
                },
            },
        ],
    },
    {
        # Evaluated and closed without award, the reason published.
        "stage": "not_awarded",
        "owner": "nido",
        "author": "admin@example.org",
        "admin": "admin@example.org",
        "title": "Federal offices are heated and lit for staff who work from home",
        "summary": "Since hybrid working became the norm, many federal office floors are half empty on most "
        "days, yet heated, cooled and lit as if they were full.",
        "context": "A challenge brought to Government Buys Innovation by a federal public service, with the "
        "Buildings Agency that manages the federal buildings.",
        "problem": "Building systems run on fixed schedules. Nobody knows, floor by floor, how many people will "
        "come in, so energy is spent on empty space.",
        "affected": "The federal administration's energy bill and climate targets, and the staff who would "
        "work on fewer, better-used floors.",
        "desired_outcomes": "Energy use that follows how many people are actually in the building.",
        "constraints": "No personal data on who is in the office; must work with the building management "
        "systems in place.",
        "sectors": ["energy", "environment"],
        "cpv": ["71314200-4", "72316000-3"],
        "languages": ["nl", "fr", "en"],
        "budget": "30000",
        "weeks": 6,
        "closed_days_ago": 60,
        "bids": [
            {
                "company": "nordgrid-energy",
                "by": "admin@example.org",
                "price": "29500",
                "approach": "Replace the floor controllers with our smart-grid controllers and drive heating "
                "and lighting from the desk-booking system.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [3, 3, 1, 2]),
                    "evaluator2@example.org": ("completed", [2, 3, 1, 2]),
                },
            },
            {
                "company": "civic-data-labs",
                "by": "company@example.org",
                "price": "21000",
                "approach": "Estimate how full each floor is from anonymous Wi-Fi counts and suggest weekly "
                "schedules for the existing systems.",
                "evaluations": {
                    "evaluator@example.org": ("completed", [3, 2, 2, 4]),
                    "evaluator2@example.org": ("completed", [2, 2, 2, 3]),
                },
            },
        ],
        "outcome": {
            "close": "Neither proposal can be carried out as offered: one replaces building controllers that "
            "the Buildings Agency's maintenance contracts do not let us touch, and the other relies on Wi-Fi "
            "data that our data protection officer advised against. We will launch the challenge again, with "
            "these constraints stated, once the maintenance contracts are renewed.",
            "days_ago": 30,
        },
    },
    {
        "stage": "cancelled",
        "owner": "nido",
        "author": "admin@example.org",
        "admin": "admin@example.org",
        "title": "Paper invoices still delay payments to small suppliers",
        "summary": "Small suppliers to the federal administration wait weeks longer for payment when "
        "they invoice on paper.",
        "context": "A Government Buys Innovation challenge from a federal public service.",
        "problem": "Paper invoices are scanned, keyed in and routed by hand; a missing purchase order "
        "number can hold a payment for a month.",
        "affected": "Small and medium-sized suppliers, and the accounting teams who process invoices.",
        "desired_outcomes": "Small suppliers are paid within the 30 days the law requires.",
        "sectors": ["tax", "digital"],
        "cpv": ["48440000-4", "72212440-5"],
        "languages": ["nl", "fr"],
        "budget": "22000",
        "weeks": 6,
        "cancelled": "Belgium's e-invoicing obligation between companies and with the federal "
        "administration, in force from 2026, now addresses this problem; the public service will "
        "measure its effect before starting a new procedure.",
    },
]


def _noon(moment):
    """Calls close at noon, local time, as real ones do."""
    return timezone.localtime(moment).replace(hour=12, minute=0, second=0, microsecond=0)


def _sectors(codes):
    return [SectorTag.objects.get_or_create(code=code)[0] for code in codes]


def _advance(challenge, step, spec, people):
    admin = people[spec["admin"]]
    manager = people["manager@example.org"]
    author = people[spec["author"]]
    if step == "submit":
        services.challenge_submit(actor=author, challenge=challenge)
    elif step == "approve_for_organisation":
        services.challenge_approve_for_organisation(actor=admin, challenge=challenge)
    elif step == "return_to_author":
        services.challenge_return_to_author(actor=manager, challenge=challenge, reason=spec["returned"])
    elif step == "approve":
        services.challenge_approve(actor=manager, challenge=challenge, reason="Clear problem, realistic budget.")
    elif step == "publish":
        services.challenge_publish(actor=manager, challenge=challenge)
    elif step == "cancel":
        services.challenge_cancel(actor=admin, challenge=challenge, reason=spec["cancelled"])


def pdf(text: str) -> bytes:
    """A minimal valid PDF of one A4 page showing `text` (ASCII) on one line per sentence."""
    lines = [line.strip() + "." for line in text.split(".") if line.strip()]
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    stream = "BT /F1 11 Tf 56 780 Td 14 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return out


def _build_one(spec, people, organisations, now) -> Challenge:
    author = people[spec["author"]]
    challenge = services.challenge_create(
        actor=author,
        owner=organisations[spec["owner"]],
        title=spec["title"],
        summary=spec["summary"],
        context=spec.get("context", ""),
        problem=spec["problem"],
        affected=spec["affected"],
        desired_outcomes=spec["desired_outcomes"],
        constraints=spec.get("constraints", ""),
        out_of_scope=spec.get("out_of_scope", ""),
        instrument=spec.get("instrument", "low_value"),
        budget_ceiling=Decimal(spec["budget"]),
        deadline=_noon(now + timedelta(weeks=spec["weeks"])),
        languages=spec["languages"],
        phase_name=spec.get("phase_name", ""),
    )
    services.challenge_update(
        actor=author,
        challenge=challenge,
        sectors=_sectors(spec["sectors"]),
        cpv_codes=list(CpvCode.objects.filter(code__in=spec["cpv"])),
        criteria=STANDARD_CRITERIA,
    )
    for name, text in spec.get("documents", []):
        # Attached while a draft, as a public body does; _build_one runs once per challenge.
        attachments.attach(ContentFile(pdf(text), name=name), target=challenge, actor=author)
    for step in STEPS[spec["stage"]]:
        _advance(challenge, step, spec, people)
        challenge.refresh_from_db()
    for email, company_slug in spec.get("interests", []):
        services.interest_express(actor=people[email], challenge=challenge, company=organisations[company_slug])
    if spec["stage"] in ("closed", *EVALUATED_STAGES):
        # The services refuse deadlines in the past: a closed call's dates are set directly.
        days = spec["closed_days_ago"]
        Challenge.objects.filter(pk=challenge.pk).update(
            deadline=_noon(now - timedelta(days=days)),
            published_at=now - timedelta(days=days + 45),
            approved_at=now - timedelta(days=days + 47),
        )
    return challenge


def build_demo(stdout=None) -> None:
    now = timezone.now()
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=_slugs())}

    # company@example.org hears of new challenges in digital government, IT services or about data.
    subscription, created = Subscription.objects.get_or_create(
        user=people["company@example.org"],
        defaults={"cpv_prefixes": ["72000000-5"], "keywords": ["data", "waiting"]},
    )
    if created:
        subscription.sectors.set(_sectors(["digital"]))

    added = 0
    for spec in CHALLENGES:
        if _first_phase(spec, organisations) is not None:
            continue
        _build_one(spec, people, organisations, now)
        added += 1
    if stdout is not None and added:
        stdout.write(f"Challenges: {added} added.")
    build_exchanges(stdout)
    build_evaluations(stdout)
    build_phases(stdout)


def _first_phase(spec, organisations) -> Challenge | None:
    """The challenge a spec of CHALLENGES made: its later phases share its title, not its place."""
    return Challenge.objects.filter(
        owner=organisations[spec["owner"]], title=spec["title"], previous_phase__isnull=True
    ).first()


def _slugs():
    slugs = set()
    for spec in (*CHALLENGES, *PHASES):
        slugs.add(spec["owner"])
        slugs.update(slug for _email, slug in spec.get("interests", []))
        slugs.update(bid["company"] for bid in spec.get("bids", []))
    return slugs


# Questions and proposals ---------------------------------------------------------------

SHOPS = "Citizens wait too long at Citizen Shops for simple services"
REQUESTS = "Public servants spend days answering the same requests for information"


def build_exchanges(stdout=None) -> None:
    """Questions answered in public, one waiting, a sealed proposal on an open call, and the
    proposals a closed call received before its deadline."""

    from . import proposals, questions
    from .models import Proposal, Question

    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    companies = {
        o.slug: o for o in Organisation.objects.filter(slug__in=["civic-data-labs", "lisbon-health-analytics"])
    }
    shops = Challenge.objects.filter(title=SHOPS).first()
    if shops is not None and shops.is_open and not Question.objects.filter(challenge=shops).exists():
        asked = questions.question_ask(
            actor=people["company@example.org"],
            challenge=shops,
            company=companies["civic-data-labs"],
            text="Can proposals use the ticketing data the shops already collect, or only new data?",
        )
        questions.question_answer(
            actor=people["servant@example.org"],
            question=asked,
            answer="Yes: the anonymised ticket logs of the last two years will be shared with the winner.",
        )
        questions.question_ask(
            actor=people["companyadmin@example.org"],
            challenge=shops,
            company=companies["civic-data-labs"],
            text="Is a pilot in a single shop acceptable, or must the solution cover every shop?",
        )
    if shops is not None and shops.is_open and not Proposal.objects.filter(challenge=shops).exists():
        proposals.proposal_submit(
            actor=people["company@example.org"],
            challenge=shops,
            company=companies["civic-data-labs"],
            approach="Measure where the waiting comes from with the existing ticket data, then test booking "
            "windows for simple services in two shops for six weeks.",
            criteria_responses={
                c.pk: "Explained in our approach, with the measures we will report each week."
                for c in shops.criteria.all()
            },
            team="A service designer, a data analyst and a developer, two days a week each.",
            price=Decimal("22500"),
            timeline="Twelve weeks: four to measure, six to test, two to report.",
        )
    requests = Challenge.objects.filter(title=REQUESTS).first()
    if requests is not None and requests.is_closed and not Proposal.objects.filter(challenge=requests).exists():
        # The call closed in the past: its proposals were submitted before the deadline.
        for slug, email, price in [
            ("civic-data-labs", "company@example.org", "120000"),
            ("lisbon-health-analytics", "admin@example.org", "98000"),
        ]:
            Proposal.objects.create(
                challenge=requests,
                company=companies[slug],
                submitted_by=people[email],
                approach="Publish the answers already given as open data and route new requests to them first.",
                criteria_responses=[
                    {"criterion_id": c.pk, "criterion": c.name, "response": "See our approach."}
                    for c in requests.criteria.all()
                ],
                team="Three people for six months.",
                price=Decimal(price),
                timeline="Six months.",
                submitted_at=requests.deadline - timedelta(days=3),
            )


# Evaluation and outcome ----------------------------------------------------------------

# What evaluators write, by criterion (in STANDARD_CRITERIA's order) and level of the score:
# one wording per evaluator, so that two evaluators of one proposal do not say the same.
COMMENTS = [
    {
        "high": (
            "Shows a first-hand grasp of who is affected and why; the fieldwork plan is concrete.",
            "Written from the point of view of the people affected, not of the administration.",
        ),
        "mid": (
            "Understands the problem in general terms; says little about the people hardest to reach.",
            "A fair summary of our description, with few insights of its own.",
        ),
        "low": (
            "Describes a technology rather than the problem; the people affected hardly appear.",
            "Reads the problem as a lack of information, which our description rules out.",
        ),
    },
    {
        "high": (
            "Likely to move the outcome we care about, and says how it will be measured.",
            "The measures of success match our desired outcomes and can be checked within the pilot.",
        ),
        "mid": (
            "Some impact is plausible, but the proposal does not say how much or how it will be measured.",
            "The impact depends on a take-up that the proposal assumes rather than plans for.",
        ),
        "low": (
            "Little reason to expect the outcome to change during the pilot.",
            "The expected benefits are not linked to the desired outcomes.",
        ),
    },
    {
        "high": (
            "A realistic plan: the team, the steps and the price fit the budget and the weeks available.",
            "Reuses what is already in place, which keeps cost and risk low.",
        ),
        "mid": (
            "Feasible, though the timeline leaves no margin for agreeing access to the data.",
            "The price is close to the ceiling for the work described; some steps are vague.",
        ),
        "low": (
            "Depends on changes to systems we do not control; not feasible in the time available.",
            "The plan needs more time and money than the challenge offers.",
        ),
    },
    {
        "high": (
            "Open source and open standards, with personal data kept to the minimum from the start.",
            "Reusable by other administrations; the approach to data protection is convincing.",
        ),
        "mid": (
            "Partly open; the licence of the core component is not stated.",
            "Data protection is addressed, but only in general terms.",
        ),
        "low": (
            "Proprietary and tied to the supplier's platform.",
            "Collects more personal data than the purpose needs.",
        ),
    },
]
EVALUATORS = ["evaluator@example.org", "evaluator2@example.org"]


def _comment(position: int, score: int, evaluator: str) -> str:
    level = "high" if score >= 4 else "mid" if score == 3 else "low"
    return COMMENTS[position][level][EVALUATORS.index(evaluator)]


def build_evaluations(stdout=None) -> None:
    """The proposals that closed calls received, evaluated by the two demo evaluators through
    the services, and the outcome each challenge has reached. A challenge that already has its
    proposals is left as it is."""
    from .models import Proposal

    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=_slugs())}
    done = 0
    for spec in CHALLENGES:
        if "bids" not in spec:
            continue
        challenge = _first_phase(spec, organisations)
        if challenge is None or not challenge.is_closed or Proposal.objects.filter(challenge=challenge).exists():
            continue
        _evaluate(challenge, spec, people, organisations)
        _decide(challenge, spec, people)
        done += 1
    if stdout is not None and done:
        stdout.write(f"Evaluations: {done} challenges evaluated.")


def _evaluate(challenge: Challenge, spec, people, companies) -> None:
    from . import evaluation
    from .models import Proposal

    criteria = list(challenge.criteria.order_by("position"))
    proposals = []
    # The call closed in the past: its proposals were submitted before the deadline.
    for days_before, bid in enumerate(spec["bids"], start=2):
        proposals.append(
            Proposal.objects.create(
                challenge=challenge,
                company=companies[bid["company"]],
                submitted_by=people[bid["by"]],
                approach=bid["approach"],
                criteria_responses=[
                    {"criterion_id": c.pk, "criterion": c.name, "response": "Explained in our approach."}
                    for c in criteria
                ],
                team="A project lead, a service designer and two developers, part-time.",
                price=Decimal(bid["price"]),
                timeline="Twelve weeks: three to prepare, eight to run the pilot, one to report.",
                submitted_at=challenge.deadline - timedelta(days=days_before),
            )
        )
    evaluation.evaluators_assign(
        actor=people["manager@example.org"],
        challenge=challenge,
        proposals=proposals,
        evaluators=[people[email] for email in EVALUATORS],
    )
    for proposal, bid in zip(proposals, spec["bids"], strict=True):
        for email, (state, detail) in bid["evaluations"].items():
            evaluator = people[email]
            one = proposal.evaluations.get(evaluator=evaluator)
            if state == "assigned":
                continue
            if state == "recused":
                evaluation.conflict_declare(actor=evaluator, evaluation=one, has_conflict=True, note=detail)
                continue
            evaluation.conflict_declare(actor=evaluator, evaluation=one, has_conflict=False)
            if state == "cleared":  # a draft: some scores and comments, not all
                scores = {criteria[position].pk: value for position, value in detail.items()}
            else:
                scores = {
                    c.pk: (score, _comment(position, score, email))
                    for position, (c, score) in enumerate(zip(criteria, detail, strict=True))
                }
            evaluation.evaluation_save(actor=evaluator, evaluation=one, scores=scores, complete=state == "completed")


def _decide(challenge: Challenge, spec, people) -> None:
    """The outcome, through the services; then its dates are moved to when it was decided."""
    from . import award as outcome
    from .models import Award, Evaluation, Proposal

    decision = spec.get("outcome")
    if decision is None:
        return
    author = people[spec["author"]]
    now = timezone.now()
    when = now - timedelta(days=decision["days_ago"])
    if "award" in decision:
        chosen = Proposal.objects.filter(challenge=challenge, company__slug__in=decision["award"])
        awards = outcome.challenge_award(
            actor=author, challenge=challenge, proposals=list(chosen), justification=decision["justification"]
        )
        Challenge.objects.filter(pk=challenge.pk).update(awarded_at=when)
        Award.objects.filter(pk__in=[a.pk for a in awards]).update(awarded_at=when)
    else:
        outcome.challenge_close_without_award(actor=author, challenge=challenge, reason=decision["close"])
        Challenge.objects.filter(pk=challenge.pk).update(closed_at=when)
    # The evaluators finished in the days between the deadline and the decision.
    Evaluation.objects.filter(proposal__challenge=challenge, status="completed").update(
        assigned_at=challenge.deadline + timedelta(days=1),
        declared_at=challenge.deadline + timedelta(days=2),
        completed_at=when - timedelta(days=3),
    )
    contract = decision.get("contract")
    if contract is not None:
        today = timezone.localdate()
        start = today - timedelta(days=contract["starts_days_ago"])
        outcome.contract_record(
            actor=author,
            award=Award.objects.get(challenge=challenge),
            title=contract["title"],
            value=contract["value"],
            date_signed=today - timedelta(days=contract["signed_days_ago"]),
            period_start=start,
            period_end=start + timedelta(weeks=contract["weeks"]),
        )


# Phases --------------------------------------------------------------------------------

# The later phases of the demo's series, each prepared by its drafter through the services once
# the phase before is awarded: the problem, sectors, codes and criteria are copied, then the
# phase gets its own budget, deadline, criteria and context, and is reviewed and published.
# Only the suppliers awarded in the phase before may answer it. "Test", the third phase, is left
# for the ministry to prepare once the prototypes are judged.
PHASES = [
    {
        "after": "Residents of small municipalities get no warning before flash floods",
        "phase_name": "Prototype",
        "owner": "ministry-of-public-administration-si",
        "author": "sponsor@example.org",
        "admin": "admin@example.org",
        "context": "The second of three phases of a pre-commercial procurement. Only the three suppliers selected "
        "after the solution design may submit: each builds a prototype of its design and runs it with the "
        "residents and civil protection of two pilot municipalities through the spring storms. The third phase "
        "will test the best prototypes through a whole autumn.",
        "budget": "150000",
        "weeks": 7,
        "criteria": [
            {
                "name": "Quality of the prototype and of its test plan with residents",
                "description": "Who tests it, how often, and what counts as a success.",
                "weight": 35,
            },
            {
                "name": "Expected lead time and accuracy of the warnings",
                "description": "How early residents are warned, and how many warnings are false.",
                "weight": 35,
            },
            {"name": "Cost and feasibility in the two pilot municipalities", "weight": 20},
            {"name": "Openness: reuse, open standards and data protection by design", "weight": 10},
        ],
        "interests": [("company@example.org", "civic-data-labs")],
    },
]


def build_phases(stdout=None) -> None:
    """Each later phase of PHASES whose phase before is awarded and has no next phase yet."""
    from . import queries

    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=_slugs())}
    added = 0
    for spec in PHASES:
        candidates = Challenge.objects.filter(owner=organisations[spec["owner"]], title=spec["after"]).order_by("pk")
        series = queries.phases_of(candidates[0]) if candidates else []
        previous = series[-1] if series else None
        if previous is None or previous.status != Status.AWARDED:
            continue
        if any(phase.phase_name == spec["phase_name"] for phase in series):
            continue  # prepared on an earlier run, and awarded since
        author = people[spec["author"]]
        phase = services.phase_create_next(actor=author, challenge=previous, phase_name=spec["phase_name"])
        services.challenge_update(
            actor=author,
            challenge=phase,
            context=spec["context"],
            budget_ceiling=Decimal(spec["budget"]),
            deadline=_noon(timezone.now() + timedelta(weeks=spec["weeks"])),
            criteria=spec["criteria"],
        )
        for step in STEPS["open"]:
            _advance(phase, step, spec, people)
            phase.refresh_from_db()
        for email, company_slug in spec.get("interests", []):
            services.interest_express(actor=people[email], challenge=phase, company=organisations[company_slug])
        added += 1
    if stdout is not None and added:
        stdout.write(f"Phases: {added} added.")
