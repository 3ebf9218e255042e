"""A labelled set for matchmaking: challenges whose relevant solutions are known, to measure
the ranking (bench/matching.py) and to fill the catalogue at scale (`generate`).

How the set is built
--------------------
Twenty topics of public-sector problems (appointments at public counters, unclear official
letters, the energy use of public buildings, benefit take-up, potholes, waste collection,
school dropout, language barriers, flooding, court backlogs, paper invoices, loneliness of
older people, parking, hospital beds, job matching, school food waste, air quality, social
housing repairs, cyber attacks on municipalities, rural transport). Each topic has two
hand-written vocabularies:

- the **buyer's**: how a public body describes the problem (titles, sentences about what
  goes wrong, who is affected, desired outcomes), never naming a solution;
- the **vendors'**: how companies describe what they sell for it, in their own jargon
  ("older people cannot get an appointment" against "visitors reserve a time slot"; "pupils
  leave school" against "student retention").

A few words are shared by both sides, as in real life (appointment, invoice, repairs, bed),
most are not. Three challenges per topic (60 in all) are written from the buyer's
vocabulary plus sentences every public body writes ("staff spend their time…", "we hold a
lot of data…"); four published solutions per topic from the vendors' vocabulary plus
sentences every vendor writes ("hosted in the EU", "open APIs", "dashboard with real-time
data"), and in three descriptions out of ten one sentence in the buyer's words. A fifth
solution per topic is not published (draft, waiting for screening or returned): it must
never be recommended. Sixty distractor solutions come from twenty generic or near-miss
products (participation platform, desk booking, fleet telematics, electronic health record,
court transcription…), which share the generic words and often a sector or an IT CPV code
with the challenges. Each topic also has a closed or cancelled challenge that must never be
recommended to a company.

Sectors and CPV codes are realistic and noisy: a challenge has its topic's sector in 85% of
cases (otherwise only "digital"), sometimes "digital" as well, its topic's buyer CPV code
unless it has none (15%), and a generic IT code in 35% of cases. A solution has its topic's
sector in 60% of cases and "digital" in 60%; its CPV code is the one vendors use (often in
another division than the buyer's), the buyer's in 25% of cases, or only a generic IT code.

The labels: the relevant solutions of a challenge are the published solutions of its topic;
the relevant challenges of a company are the open challenges of the topics of its published
solutions. Everything follows from the seed: the same seed builds the same set.

What it does and does not prove
-------------------------------
It shows that the ranker, through its whole pipeline (search-index retrieval, capped pools,
re-ranking), finds solutions that are described in other words than the problem, and is not
fooled by words every text shares, better than counting shared words. It does not prove the
ranking is good on real text: the vocabularies are hand-written, the noise levels were chosen
by hand, the sentences repeat within a topic, the text is English only, and sectors and CPV
codes follow the topic by construction. The topics are disjoint, so the labels are cleaner
than real relevance, which is graded and disputed.

Where the labels are: `build_labelled_set()` returns them (bench/matching.py uses that);
`python -m ponte generate` writes them to var/matching-labels.json, with the topic of each
solution of the catalogue it adds at scale. They follow from the seed and the number of sets
already in the database: a fresh database with the same seed gets the same set.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from ponte.accounts.models import User
from ponte.organisations.models import Kind, Membership, Organisation, Role, SectorTag, Tier
from ponte.solutions.models import Solution
from ponte.solutions.models import Status as SolutionStatus

from .models import Challenge, Criterion, Instrument, Status

GENERIC_IT = ("72212000-4", "48000000-8", "72000000-5")
UNPUBLISHED = (SolutionStatus.DRAFT, SolutionStatus.SUBMITTED, SolutionStatus.RETURNED)
# Synthetic solutions added to the catalogue at each scale of `generate`, unlabelled.
CATALOGUE = {"S": 500, "M": 3_000, "L": 10_000}
BATCH = 2_000


@dataclass(frozen=True)
class Topic:
    key: str
    sector: str
    buyer_cpv: tuple[str, ...]
    vendor_cpv: tuple[str, ...]
    places: tuple[str, ...]
    titles: tuple[str, ...]  # the buyer's, with {place}
    buyer: tuple[str, ...]  # the buyer's sentences
    affected: tuple[str, ...]
    outcomes: tuple[str, ...]
    offers: tuple[str, ...]  # the vendors' solution titles
    vendor: tuple[str, ...]  # the vendors' sentences


TOPICS = (
    Topic(
        "appointments",
        "social",
        ("79342300-6",),
        ("48332000-4",),
        ("citizen shop", "town hall", "tax office", "social security office", "registry office"),
        (
            "Older residents cannot get an appointment at the {place}",
            "People queue for hours at the {place} without knowing if they will be seen",
            "Booking a visit to the {place} is too hard for people without a smartphone",
        ),
        (
            "Since visits moved online, many older people cannot get an appointment at the front desk.",
            "People arrive early and queue outside, and some are sent home without being seen.",
            "Relatives take a day off work to book a slot for their parents.",
            "Front-desk staff spend their mornings turning people away.",
            "Phone lines are busy and the waiting list grows every week.",
            "People who do not come to their appointment are not replaced, so slots stay empty while others wait.",
            "Nobody knows in advance how many people will come on a given day.",
        ),
        ("People over 70 and people without internet access.", "Front-desk staff and the relatives who help."),
        (
            "Anyone can get an appointment in the way that suits them.",
            "Fewer people leave the front desk without being seen, with shorter queues and fewer empty slots.",
        ),
        (
            "Omnichannel scheduling for public counters",
            "Visitor flow and ticketing system",
            "Reservation engine with phone and kiosk booking",
            "Queue management with SMS reminders",
            "Calendar booking assistant for service desks",
        ),
        (
            "Our scheduling engine lets visitors reserve a time slot online, by phone or at a kiosk.",
            "Automatic SMS and voice reminders cut no-shows, and freed slots are offered to the next person.",
            "A ticketing display calls visitors in order and shows the expected wait.",
            "Clerks see a live calendar of reservations and walk-ins for every counter.",
            "Assisted booking lets a clerk or a relative reserve on someone's behalf.",
            "Forecasts of visitor flow help plan how many counters to open.",
        ),
    ),
    Topic(
        "letters",
        "social",
        ("79342300-6", "79822500-7"),
        ("48000000-8", "72212000-4"),
        ("tax office", "pensions service", "social security office", "municipality"),
        (
            "People do not understand the letters the {place} sends",
            "Residents miss deadlines because letters from the {place} are unclear",
            "Calls to the {place} helpline are mostly about what a letter means",
        ),
        (
            "Official letters are written in legal language that many people cannot follow.",
            "People call the helpline only to ask what a letter expects them to do.",
            "Many miss a deadline, pay a late fee or lose a benefit because the letter was unclear.",
            "Each department writes its own letters and nobody checks them before they are sent.",
            "People with low literacy, or whose first language is another, struggle most.",
            "Letters rarely say by when a reply is needed and what happens otherwise.",
        ),
        (
            "Every resident who receives official letters, in particular people with low literacy.",
            "Helpline staff.",
        ),
        ("Fewer calls asking what a letter means.", "Fewer missed deadlines and late fees."),
        (
            "Plain-language writing assistant",
            "Readability checker for correspondence",
            "Template library for clear public communication",
            "Accessible document generator",
            "Clarity scoring for notices and forms",
        ),
        (
            "Our writing assistant flags jargon, long sentences and passive voice as civil servants draft.",
            "Each notice gets a readability score and suggestions in plain wording.",
            "A shared template library keeps correspondence consistent across departments.",
            "Generated documents follow accessibility guidelines and can be read aloud.",
            "Tested with readers with low literacy to make sure the message comes across.",
            "Calls to action (what to do, by when) are checked automatically in every notice.",
        ),
    ),
    Topic(
        "energy",
        "energy",
        ("71314300-5", "90711300-7"),
        ("38551000-2", "71314000-2"),
        ("schools", "sports halls", "public buildings", "libraries", "administrative offices"),
        (
            "We cannot see which of our {place} waste energy",
            "Heating bills of our {place} keep rising and nobody knows why",
            "The municipality cannot compare the energy use of its {place}",
        ),
        (
            "Energy bills arrive as PDFs from several suppliers and nobody compares them.",
            "Some buildings are heated at night and at weekends when they are empty.",
            "We do not know which buildings to renovate first, nor whether a renovation worked.",
            "The caretaker reads the meters by hand once a month, when he remembers.",
            "Heating and electricity costs have doubled in two years.",
            "Our climate plan promises lower emissions, but we cannot measure them building by building.",
        ),
        ("Municipal energy managers, school heads and caretakers.", "The taxpayers who pay for the waste."),
        (
            "Each building's energy use is known and comparable.",
            "Renovations are chosen on evidence and their savings are verified.",
        ),
        (
            "Smart metering and consumption analytics",
            "Building energy monitoring platform",
            "IoT sensors for heating optimisation",
            "Energy dashboard for public estates",
            "Automated meter reading service",
        ),
        (
            "Clip-on smart meters stream electricity, gas and heat consumption every fifteen minutes.",
            "Benchmarking ranks each site by kWh per square metre against similar sites.",
            "Anomaly detection spots heating left on out of hours and alerts the facility manager.",
            "Measurement and verification reports prove the savings of every retrofit.",
            "Wireless temperature sensors and smart thermostats cut consumption without works.",
            "Carbon accounting turns consumption into emissions for climate reporting.",
        ),
    ),
    Topic(
        "benefits",
        "social",
        ("85312000-9", "85310000-5"),
        ("48000000-8", "72212000-4"),
        ("housing allowance", "child benefit", "energy allowance", "study grant", "social tariff"),
        (
            "Families do not claim the {place} they are entitled to",
            "Young people never apply for the {place}",
            "Too few eligible households receive the {place}",
        ),
        (
            "Many households that are entitled to support never claim it.",
            "The rules of each allowance are spread over a dozen programmes and websites.",
            "People do not know they qualify, or give up when the form asks for documents they do not have.",
            "We already hold most of the information needed to decide who is entitled.",
            "Take-up is lowest among the people who need the support most.",
            "Social workers lose time checking by hand who may receive what.",
        ),
        ("Low-income families, young people and people with disabilities.", "Social workers."),
        (
            "More eligible people receive the support they are entitled to.",
            "Less time spent checking entitlement by hand.",
        ),
        (
            "Benefits eligibility engine",
            "Rules-as-code calculator for entitlements",
            "Proactive outreach and automatic granting",
            "Entitlement checker for caseworkers",
            "Means-testing simulator",
        ),
        (
            "Our rules engine encodes the legislation and computes each person's entitlements.",
            "A public calculator answers in minutes which allowances a household qualifies for.",
            "Data already held by the administration pre-fills the application.",
            "Proactive outreach contacts citizens who are likely eligible but have not applied.",
            "Caseworkers get one screen with every entitlement and the evidence behind it.",
            "Changes in legislation are modelled before they take effect.",
        ),
    ),
    Topic(
        "roads",
        "mobility",
        ("45233141-9", "71631000-0"),
        ("71311000-1", "72316000-3"),
        ("the town", "the city centre", "the villages", "the district"),
        (
            "Residents complain about holes in the roads of {place}",
            "Damaged streets in {place} are repaired too late",
            "We do not know the state of the local roads in {place}",
        ),
        (
            "Residents report potholes by phone and e-mail, and the reports get lost.",
            "Inspectors drive every street once a year and note damage on paper.",
            "Small cracks become deep holes before anyone repairs them.",
            "Cyclists fall and drivers claim compensation for broken wheels.",
            "The maintenance budget is spent on the streets whose residents complain loudest.",
            "We cannot plan resurfacing for the coming years.",
        ),
        ("Cyclists, drivers and pedestrians.", "The road maintenance team."),
        (
            "Damage is found and repaired before it becomes dangerous.",
            "The maintenance budget goes where the roads are worst.",
        ),
        (
            "AI pavement condition survey",
            "Road asset management system",
            "Vehicle-mounted camera inspection",
            "Pothole detection from dashcam footage",
            "Predictive maintenance for road networks",
        ),
        (
            "Cameras mounted on refuse trucks and buses scan the pavement as they drive.",
            "Computer vision detects cracks, potholes and worn markings and grades their severity.",
            "Every defect is geolocated on a map of the road network.",
            "Deterioration models predict which segments will fail and when.",
            "A multi-year resurfacing plan optimises the maintenance budget.",
            "Work orders go straight to the crews and are closed with a photo.",
        ),
    ),
    Topic(
        "waste",
        "environment",
        ("90511000-2", "34928480-6"),
        ("90500000-2", "38431000-5"),
        ("the old town", "the suburbs", "the city", "the tourist district"),
        (
            "Bins overflow in {place} while trucks empty half-full ones",
            "Rubbish collection rounds in {place} do not fit what residents throw away",
            "Street litter bins in {place} are always full at weekends",
        ),
        (
            "Some bins overflow before collection while trucks drive to empty ones that are half full.",
            "Collection rounds have not changed in ten years.",
            "Residents send photos of rubbish piling up next to full containers.",
            "Fuel costs and lorry traffic in narrow streets keep rising.",
            "We do not know how much each neighbourhood throws away.",
            "Recycling rates are falling in the blocks of flats.",
        ),
        ("Residents, especially in dense neighbourhoods.", "Collection crews."),
        ("No overflowing bins and fewer wasted trips.", "Higher recycling rates."),
        (
            "Fill-level sensors for containers",
            "Dynamic route optimisation for collection fleets",
            "Smart waste management platform",
            "Pay-as-you-throw chip registration",
            "Recycling analytics by district",
        ),
        (
            "Ultrasonic fill-level sensors report how full each container is several times a day.",
            "Routes are optimised daily so vehicles only visit containers that need emptying.",
            "Fleet telematics track mileage, fuel and missed pick-ups.",
            "RFID chips identify each household's bin and weigh what it contains.",
            "Dashboards show tonnage and recycling rates per district.",
            "Fewer kilometres driven means lower emissions and less noise.",
        ),
    ),
    Topic(
        "dropout",
        "education",
        ("80000000-4",),
        ("48190000-6", "72316000-3"),
        ("vocational schools", "secondary schools", "our schools", "the region's schools"),
        (
            "Pupils drop out of {place} without anyone noticing in time",
            "Absences pile up in {place} before anyone reacts",
            "Too many teenagers leave {place} without a diploma",
        ),
        (
            "Pupils who leave school early often missed many lessons in the months before.",
            "Teachers note absences, but nobody looks at them across subjects and years.",
            "By the time the school reacts, the pupil has already stopped coming.",
            "Families are called only when absences reach the legal limit.",
            "School counsellors have hundreds of pupils each.",
            "Most dropouts happen in the first year after changing school.",
        ),
        ("Teenagers at risk of leaving school, and their families.", "Teachers and school counsellors."),
        ("Pupils at risk are noticed early and get help.", "Fewer pupils leave school without a diploma."),
        (
            "Early-warning analytics for student retention",
            "Attendance tracking app",
            "Learning analytics dashboard",
            "Mentoring platform for at-risk students",
            "Student engagement monitoring",
        ),
        (
            "Our early-warning system combines attendance, grades and behaviour to flag students at risk.",
            "Teachers record attendance in seconds on a phone, and parents are notified the same day.",
            "Learning analytics show engagement trends per class and per student.",
            "Mentors are matched with students who need support, and follow-up is tracked.",
            "Predictive models are explained, audited and checked for bias.",
            "It integrates with the school information system.",
        ),
    ),
    Topic(
        "language",
        "social",
        ("79540000-1",),
        ("79530000-8", "48000000-8"),
        ("front desk", "job centre", "housing office", "health centre"),
        (
            "People who do not speak the language cannot be helped at the {place}",
            "Staff at the {place} cannot talk with newcomers",
            "Residents miss services at the {place} because nobody speaks their language",
        ),
        (
            "Many newcomers do not speak the national language when they arrive.",
            "Staff use gestures, or ask children to translate for their parents.",
            "Getting an interpreter takes days, so meetings are postponed.",
            "Important information about rights and obligations is misunderstood.",
            "Leaflets exist in two languages only.",
            "Misunderstandings lead to mistakes in files and repeated visits.",
        ),
        ("Newcomers, refugees and people who speak another language.", "Front-line staff."),
        (
            "Everyone understands and is understood at the front desk.",
            "No more children translating for their parents.",
        ),
        (
            "On-demand remote interpreting",
            "Machine translation for public services",
            "Video interpreting platform",
            "Multilingual content translation service",
            "Speech-to-speech translation kiosk",
        ),
        (
            "Certified interpreters in 80 languages join by video or phone within a minute.",
            "Neural machine translation renders documents and web pages in seconds, with human review.",
            "A speech-to-speech kiosk lets a clerk and a visitor hold a conversation in two languages.",
            "Glossaries keep legal terms consistent across translations.",
            "Usage reports show which languages are requested and when.",
            "Interpreters are vetted and bound by confidentiality.",
        ),
    ),
    Topic(
        "flooding",
        "environment",
        ("45246000-3", "90713000-8"),
        ("90711500-9", "38290000-4"),
        ("the lower town", "the riverside district", "the village", "the old port"),
        (
            "Streets in {place} flood after every heavy rain",
            "Residents of {place} get no warning before the river overflows",
            "Cellars in {place} fill with water after storms",
        ),
        (
            "Heavy rain turns low streets into rivers within an hour.",
            "The river overflowed twice last year and residents had no warning.",
            "Drains are blocked with leaves and nobody knows which ones.",
            "Cellars and ground floors fill with water, and insurers refuse new policies.",
            "Emergency teams learn of a flooded street from social media.",
            "Storms are becoming more frequent with climate change.",
        ),
        ("Residents of low-lying neighbourhoods and shop owners.", "Emergency services."),
        (
            "Residents are warned before water reaches their homes.",
            "Blocked drains are cleared before storms.",
        ),
        (
            "Water level sensors and flood early warning",
            "Hydrological modelling and nowcasting",
            "Smart drainage monitoring",
            "Flood risk mapping",
            "Rainfall radar alerts for municipalities",
        ),
        (
            "Radar water-level sensors on bridges and in sewers report every minute over LoRaWAN.",
            "Hydrological models combine rainfall forecasts and sensor data to predict inundation hours ahead.",
            "Alerts reach people by SMS and cell broadcast in the areas at risk.",
            "Gully sensors detect blockages so crews clean the right drains.",
            "High-resolution flood maps show which buildings are exposed.",
            "Emergency teams see a live map of water levels.",
        ),
    ),
    Topic(
        "courts",
        "justice",
        ("75231000-4",),
        ("48000000-8", "72212311-2"),
        ("district court", "labour court", "administrative court", "court of appeal"),
        (
            "Cases wait years before the {place} hears them",
            "Files at the {place} still move on paper",
            "Hearings at the {place} are postponed because documents are missing",
        ),
        (
            "Cases wait more than two years before a first hearing.",
            "Files travel on paper between the registry, judges and lawyers.",
            "Hearings are postponed because a document did not arrive in time.",
            "Clerks spend their days copying, stamping and posting documents.",
            "Nobody can say how long a given case will take.",
            "Parties call the registry to ask where their case stands.",
        ),
        ("People and companies waiting for a judgment.", "Judges, clerks and lawyers."),
        (
            "Cases are heard sooner and fewer hearings are postponed.",
            "Parties can follow their case online.",
        ),
        (
            "Digital case management for courts",
            "E-filing portal for lawyers",
            "Hearing scheduling and workflow automation",
            "Court analytics and backlog forecasting",
            "Secure document exchange for judicial bodies",
        ),
        (
            "Our case management system keeps the whole file digital, from filing to judgment.",
            "Lawyers submit pleadings and evidence through a secure e-filing portal.",
            "Workflow rules route each file to the right clerk and judge automatically.",
            "Scheduling finds hearing dates when every party and room is available.",
            "Backlog dashboards forecast throughput and flag stalled proceedings.",
            "Parties follow the status of their proceedings online.",
        ),
    ),
    Topic(
        "invoices",
        "tax",
        ("79200000-6",),
        ("48440000-4", "72212440-5"),
        ("finance department", "tax office", "municipality", "regional government"),
        (
            "Staff of the {place} type paper invoices into the accounts by hand",
            "Suppliers of the {place} are paid months late",
            "Paper forms are keyed in twice at the {place}",
        ),
        (
            "Thousands of supplier invoices arrive on paper or as PDFs every month.",
            "Staff type every amount and reference into the accounting system by hand.",
            "Typing errors lead to wrong payments and long corrections.",
            "Suppliers complain that they are paid months late.",
            "The same paper forms are keyed in again by each department.",
            "The law now requires us to accept electronic invoices.",
        ),
        ("Suppliers, many of them small businesses.", "Accounts staff."),
        ("Invoices are paid on time and without errors.", "Nobody types an invoice by hand any more."),
        (
            "Intelligent document capture (OCR)",
            "E-invoicing gateway (Peppol)",
            "Accounts payable automation",
            "Data extraction from scanned forms",
            "Purchase-to-pay workflow",
        ),
        (
            "Optical character recognition extracts supplier, amounts and VAT from scanned documents.",
            "A Peppol access point receives structured e-invoices directly into your ERP.",
            "Three-way matching checks each invoice against the order and the delivery.",
            "Approval workflows route exceptions to the right budget holder.",
            "Machine learning improves extraction accuracy with every correction.",
            "Payment runs are scheduled so no invoice misses its due date.",
        ),
    ),
    Topic(
        "loneliness",
        "health",
        ("85312000-9", "85323000-9"),
        ("85310000-5", "48180000-3"),
        ("the town", "rural villages", "the city", "the district"),
        (
            "Older people living alone in {place} are isolated",
            "Nobody notices when an older neighbour in {place} stops going out",
            "Loneliness among older residents of {place} is rising",
        ),
        (
            "More and more older people live alone, far from their children.",
            "Some see nobody for days, and their health declines quietly.",
            "Home-care workers have fifteen minutes per visit and no time to talk.",
            "Neighbours would help, but do not know who needs it.",
            "Falls at home are discovered hours later.",
            "Community centres struggle to reach the people who never come.",
        ),
        ("Older people living alone.", "Home-care workers, neighbours and families."),
        (
            "Fewer older people feel lonely.",
            "Someone notices quickly when an older person needs help.",
        ),
        (
            "Befriending and volunteer matching platform",
            "Telecare alarms with fall detection",
            "Social prescribing software",
            "Video calls made simple for seniors",
            "Community activity finder for elderly people",
        ),
        (
            "Our platform matches volunteers with seniors for weekly visits and phone calls.",
            "A wearable alarm detects falls and calls a responder automatically.",
            "GPs and link workers prescribe social activities and follow up.",
            "A tablet with one button lets elderly users join video calls with family.",
            "Passive sensors learn daily routines and alert carers to unusual inactivity.",
            "Local clubs and activities are listed in one place for carers to find.",
        ),
    ),
    Topic(
        "parking",
        "mobility",
        ("98351000-8",),
        ("34996000-5", "48000000-8"),
        ("the centre", "the old town", "the station district", "the shopping streets"),
        (
            "Drivers circle for ages looking for a parking space in {place}",
            "Delivery vans park on cycle lanes in {place}",
            "Nobody knows how full the car parks of {place} are",
        ),
        (
            "Drivers circle the centre looking for a free space, adding to congestion.",
            "Delivery vans stop on cycle lanes and pavements because loading bays are taken.",
            "Car parks on the edge of town stay half empty.",
            "Residents cannot park near their homes in the evening.",
            "Wardens patrol at random and cannot cover every street.",
            "Traffic and pollution in the centre keep rising.",
        ),
        ("Drivers, cyclists, delivery drivers and residents.", "Parking wardens."),
        ("Less traffic searching for a space.", "Loading bays free for deliveries."),
        (
            "In-ground parking occupancy sensors",
            "Parking guidance app and signs",
            "Smart loading bay booking",
            "Camera-based kerbside analytics",
            "Dynamic pricing for on-street parking",
        ),
        (
            "Wireless in-ground sensors detect whether each bay is occupied in real time.",
            "An app and variable message signs guide motorists to the nearest available bay.",
            "Couriers book a loading slot at the kerb for their deliveries.",
            "Cameras count vehicles and measure kerbside use without storing faces.",
            "Prices adjust by demand to keep some bays free on every street.",
            "Enforcement officers see which bays overstay.",
        ),
    ),
    Topic(
        "hospital",
        "health",
        ("85110000-3",),
        ("48814000-7", "48180000-3"),
        ("university hospital", "regional hospital", "general hospital", "children's hospital"),
        (
            "Patients wait on trolleys for a bed at the {place}",
            "Emergency patients at the {place} wait hours to be admitted",
            "Discharges at the {place} happen late in the day and block beds",
        ),
        (
            "Patients wait on trolleys in corridors until a bed frees up on a ward.",
            "Nurses phone round the wards to find an empty bed.",
            "Most discharges happen in the late afternoon, so morning admissions wait.",
            "Planned operations are cancelled when there is no bed after surgery.",
            "Nobody has a live view of which beds are free.",
            "Ambulances queue outside the emergency department.",
        ),
        ("Patients and their families.", "Nurses, doctors and bed managers."),
        (
            "Patients are admitted to a bed without waiting in corridors.",
            "Fewer cancelled operations.",
        ),
        (
            "Real-time bed management system",
            "Patient flow command centre",
            "Discharge planning software",
            "Capacity forecasting for hospitals",
            "Electronic bed board",
        ),
        (
            "An electronic bed board shows every bed's status across the hospital in real time.",
            "Patient flow analytics predict admissions and discharges for the next 48 hours.",
            "Discharge planning starts on admission, with tasks tracked for every clinician.",
            "Porters and cleaners are dispatched automatically when a bed is vacated.",
            "A command centre gives managers one view of capacity across sites.",
            "It integrates with the electronic patient record.",
        ),
    ),
    Topic(
        "jobs",
        "employment",
        ("79611000-0",),
        ("79600000-0", "48000000-8"),
        ("the region", "the city", "the valley", "the province"),
        (
            "Job seekers in {place} are not matched with the vacancies employers cannot fill",
            "Unemployed people in {place} wait months for a suitable offer",
            "Employers in {place} cannot find staff while many look for work",
        ),
        (
            "Employers cannot fill vacancies while many people in the region look for work.",
            "Counsellors match people to offers by hand, from what they remember.",
            "People's skills are recorded as job titles that say little.",
            "Job seekers wait months before their first interview.",
            "Adults who lost their job often do not know which training would help them back.",
            "Employers find the public employment service slow.",
        ),
        ("Job seekers, especially the long-term unemployed.", "Employers and employment counsellors."),
        ("Job seekers get suitable offers sooner.", "Vacancies are filled faster."),
        (
            "Skills-based job matching engine",
            "Competence profiling and CV parsing",
            "Labour market intelligence dashboard",
            "Reskilling recommendations",
            "Recruitment marketplace for public employment services",
        ),
        (
            "Our matching engine compares candidates' competences with the requirements of each position.",
            "CV parsing turns a résumé into a structured skills profile using the ESCO taxonomy.",
            "Recommendations suggest short training courses that close a candidate's skills gap.",
            "Labour market intelligence shows demand for each occupation by region.",
            "Recruiters publish positions and shortlist candidates in one place.",
            "Candidates see why a position was suggested.",
        ),
    ),
    Topic(
        "school_food",
        "education",
        ("55523100-3",),
        ("55520000-1", "48000000-8"),
        ("primary schools", "secondary schools", "the city's schools", "village schools"),
        (
            "Canteens of {place} throw away a third of the meals they cook",
            "Food waste in the canteens of {place} keeps growing",
            "Canteens of {place} cook too much because they do not know how many pupils will eat",
        ),
        (
            "Canteens cook for every pupil enrolled, though many do not eat at school on a given day.",
            "A third of the food cooked is thrown away.",
            "Children leave vegetables on their plates.",
            "Cooks have no figures on what is eaten and what is wasted.",
            "Food prices have risen and the meal budget has not.",
            "Leftovers cannot be given away under the hygiene rules.",
        ),
        ("Pupils, cooks and school heads.", "Parents who pay for meals."),
        ("Less food thrown away, and the same budget goes further.", "Children eat better."),
        (
            "Meal ordering and attendance forecasting for catering",
            "Plate waste measurement with smart scales",
            "Menu planning software for kitchens",
            "Pre-ordering app for school lunches",
            "Kitchen production planning",
        ),
        (
            "Parents pre-order lunches in an app, so kitchens know the numbers a day ahead.",
            "Smart scales and cameras weigh plate waste by dish.",
            "Menu planning balances nutrition, cost and what children actually eat.",
            "Production planning tells the kitchen how many portions to prepare.",
            "Reports show food cost per portion and waste trends.",
            "Surplus food is redistributed to charities within the rules.",
        ),
    ),
    Topic(
        "air",
        "environment",
        ("90731400-4",),
        ("38430000-8", "90731000-0"),
        ("primary schools", "the ring road", "the city centre", "the industrial zone"),
        (
            "Parents worry about air pollution near {place}",
            "One air quality station cannot tell us what people breathe near {place}",
            "Residents near {place} breathe polluted air",
        ),
        (
            "The city has a single official station to measure pollution.",
            "Parents ask whether the air outside the school gate is safe at drop-off time.",
            "Traffic jams at rush hour fill the streets with exhaust fumes.",
            "We cannot tell whether the low-emission zone has made any difference.",
            "Asthma cases among children are rising.",
            "Residents send us readings from cheap devices we cannot trust.",
        ),
        ("Children, older people and people with asthma.", "Residents near busy roads."),
        (
            "Everyone knows the air quality where they live and where their children study.",
            "The effect of traffic measures on pollution is measured.",
        ),
        (
            "Low-cost air quality sensor network",
            "Pollution dispersion modelling",
            "Air quality data platform and open API",
            "Calibrated NO2 and particulate monitors",
            "Citizen science air monitoring kits",
        ),
        (
            "A dense network of calibrated sensors measures NO2, PM2.5 and PM10 every minute.",
            "Dispersion models map concentrations street by street.",
            "Sensors are co-located with reference stations and corrected by machine learning.",
            "An open API publishes the measurements for apps and researchers.",
            "Alerts warn schools when levels exceed WHO guidelines.",
            "Kits let residents collect trustworthy data.",
        ),
    ),
    Topic(
        "housing_repairs",
        "housing",
        ("50700000-2", "70330000-3"),
        ("48000000-8", "38431000-5"),
        ("social housing", "council flats", "the housing association's homes", "public housing"),
        (
            "Tenants of {place} wait months for repairs",
            "Damp and mould in {place} go unrepaired",
            "Repair requests from tenants of {place} get lost",
        ),
        (
            "Tenants report a broken boiler or a leak and wait months for a repair.",
            "Requests come by phone, letter and e-mail, and some are never recorded.",
            "Damp and mould spread while the repair waits.",
            "Contractors arrive without the right part and have to come back.",
            "We do not know the condition of our housing stock.",
            "Complaints to the ombudsman have tripled.",
        ),
        (
            "Tenants of social housing, many of them families with children.",
            "Housing officers and contractors.",
        ),
        ("Repairs are done right the first time, within weeks.", "The condition of every home is known."),
        (
            "Repairs management and work-order software",
            "Tenant self-service portal",
            "Damp and humidity sensors for homes",
            "Asset condition surveys with mobile app",
            "Field service scheduling for maintenance crews",
        ),
        (
            "Tenants log repairs with photos in a self-service portal and track progress.",
            "Work orders are scheduled to the right trade with the right parts on the van.",
            "Humidity and temperature sensors warn of condensation before mould appears.",
            "Surveyors record stock condition on a tablet, room by room.",
            "Contractor performance is measured on first-time fix rates.",
            "Landlords see compliance with repair timescales at a glance.",
        ),
    ),
    Topic(
        "cyber",
        "digital",
        ("72150000-1",),
        ("48730000-4", "72611000-6"),
        ("our municipality", "the county", "small municipalities", "the city"),
        (
            "{place} cannot detect a cyber attack in time",
            "Ransomware could stop the services of {place} for weeks",
            "Nobody watches over the IT security of {place}",
        ),
        (
            "A neighbouring municipality was hit by ransomware and its services stopped for weeks.",
            "We have two IT staff and nobody watches the network at night.",
            "Staff click on phishing e-mails every month.",
            "We do not know which of our systems are out of date.",
            "Backups have never been tested.",
            "The new directive requires us to report incidents within 24 hours.",
        ),
        ("Every resident who depends on municipal services.", "IT staff and all employees."),
        (
            "Attacks are detected and stopped before they spread.",
            "We meet the directive's duty to report incidents.",
        ),
        (
            "Managed security operations centre (SOC)",
            "Endpoint detection and response",
            "Phishing awareness training",
            "Vulnerability scanning and patch management",
            "Immutable backup and recovery",
        ),
        (
            "Our analysts monitor your logs around the clock from a 24/7 security operations centre.",
            "Endpoint detection and response isolates infected devices automatically.",
            "Simulated phishing campaigns and short courses train employees.",
            "Continuous vulnerability scanning shows unpatched systems and prioritises fixes.",
            "Immutable backups and tested recovery plans restore services within hours.",
            "Incident reports are prepared in the format regulators require.",
        ),
    ),
    Topic(
        "rural_transport",
        "mobility",
        ("60112000-6",),
        ("48813000-0", "72212000-4"),
        ("the market town", "the county town", "the valley", "the regional capital"),
        (
            "Villages around {place} have a bus twice a day",
            "Older people near {place} cannot get to the doctor without a car",
            "Empty buses run around {place} while people cannot travel when they need to",
        ),
        (
            "Rural bus lines run twice a day, often nearly empty.",
            "People without a car cannot reach the doctor, the shops or a job in town.",
            "Young people depend on their parents to go anywhere.",
            "Subsidies per passenger on rural lines keep rising.",
            "Taxis are too expensive for most residents.",
            "School buses run empty for most of the day.",
        ),
        (
            "Rural residents without a car, especially older people and teenagers.",
            "The transport authority.",
        ),
        ("Rural residents can travel when they need to.", "A lower cost per passenger."),
        (
            "Demand-responsive transport platform",
            "On-demand ride pooling software",
            "Mobility-as-a-service app",
            "Dial-a-ride booking and dispatch",
            "Microtransit routing engine",
        ),
        (
            "Riders book a trip by app or phone, and minibuses pool passengers on dynamic routes.",
            "The routing engine combines requests in real time to minimise detours.",
            "Mobility-as-a-service brings bus, train, taxi and bike into one journey planner and ticket.",
            "Dispatchers see every vehicle and booking on one screen.",
            "Operators cut the cost per trip by replacing fixed lines with on-demand service.",
            "Accessible vehicles and phone booking serve people without smartphones.",
        ),
    ),
)

# What every public body writes, whatever the problem.
BUYER_CONTEXT = (
    "The service has grown piece by piece over the years, and no one has looked at it as a whole.",
    "Staff do their best, but much of their time goes on work that adds little for residents.",
    "Residents tell us the public service is slow and hard to follow.",
    "We hold a lot of data, but it sits in separate systems.",
    "The number of requests has grown faster than the staff who handle them.",
    "We want a digital service that works for everyone, online and offline.",
    "Several departments are involved and each sees only its own part.",
)
BUYER_OUTCOMES = (
    "Residents get a better public service, and staff spend their time where it matters.",
    "We can show with data that the service has improved within a year.",
)
BUYER_CONSTRAINTS = (
    "Personal data stays in the EU and is processed under the GDPR.",
    "It must work with our existing systems.",
    "It must be usable by people with disabilities (WCAG 2.1 AA).",
)
# What every vendor writes, whatever it sells.
VENDOR_GENERIC = (
    "Our platform is hosted in the EU and compliant with the GDPR.",
    "Open APIs connect it to the systems public services already use.",
    "Staff get a dashboard with real-time data and reports.",
    "Deployed in weeks, with training and support for your staff.",
    "Built on open-source software and open standards.",
    "Designed with citizens and public servants, and accessible to everyone.",
    "Our team has worked with public sector clients for over ten years.",
)
# Generic products and near misses: relevant to none of the topics.
DISTRACTORS = (
    (
        "Citizen participation platform",
        "Residents propose ideas, vote on participatory budgets and comment on plans.",
        "Moderators publish the results and explain the decisions taken.",
        ("digital",),
        ("48000000-8", "72212000-4"),
    ),
    (
        "Digital identity wallet",
        "Citizens prove who they are with a wallet on their phone.",
        "Qualified electronic signatures make documents legally binding.",
        ("digital",),
        ("48730000-4",),
    ),
    (
        "Low-code forms builder",
        "Civil servants build online forms without programmers.",
        "Submissions flow into a case list with statuses.",
        ("digital",),
        ("48000000-8", "72212000-4"),
    ),
    (
        "Open data portal",
        "Publish datasets with metadata in the DCAT standard.",
        "Developers query every dataset through an API.",
        ("digital",),
        ("72322000-8", "48610000-7"),
    ),
    (
        "Virtual assistant for public service questions",
        "A chatbot answers frequent questions around the clock.",
        "It hands over to a human agent when it cannot help.",
        ("digital", "social"),
        ("48000000-8", "79342300-6"),
    ),
    (
        "Meeting room and desk booking",
        "Employees reserve desks and meeting rooms from their calendar.",
        "Occupancy reports help right-size office space.",
        ("digital",),
        ("48332000-4",),
    ),
    (
        "Fleet telematics for municipal vehicles",
        "GPS trackers report vehicle location, mileage and driving style.",
        "Maintenance is planned from engine diagnostics.",
        ("mobility",),
        ("32441000-6", "48000000-8"),
    ),
    (
        "HR and payroll suite for local government",
        "Payroll, leave and timesheets in one system.",
        "Managers approve requests on their phone.",
        ("digital",),
        ("48000000-8", "72212000-4"),
    ),
    (
        "Website content management for councils",
        "Editors publish accessible web pages and news.",
        "Templates follow the national design system.",
        ("digital",),
        ("48783000-0", "72212000-4"),
    ),
    (
        "Survey and feedback tool",
        "Collect feedback from residents after each contact.",
        "Sentiment analysis sorts comments by theme.",
        ("digital",),
        ("79311000-7", "72316000-3"),
    ),
    (
        "GIS mapping platform",
        "Layers of spatial data on one interactive map.",
        "Field staff collect geolocated observations on a tablet.",
        ("digital", "environment"),
        ("38221000-0", "72316000-3"),
    ),
    (
        "Business intelligence dashboards",
        "Connect any data source and build dashboards without code.",
        "Key performance indicators for managers, refreshed daily.",
        ("digital",),
        ("72316000-3", "48000000-8"),
    ),
    (
        "E-tendering platform",
        "Publish calls for tender and receive bids electronically.",
        "Evaluation committees score bids online.",
        ("digital",),
        ("48000000-8",),
    ),
    (
        "Electronic health record",
        "Clinicians record consultations, prescriptions and test results.",
        "Patients read their record online.",
        ("health",),
        ("48814000-7", "48180000-3"),
    ),
    (
        "Learning management system",
        "Teachers publish courses, assignments and quizzes online.",
        "Grades flow to the school information system.",
        ("education",),
        ("48190000-6", "80420000-4"),
    ),
    (
        "Energy procurement advisory",
        "We tender electricity and gas supply contracts for public bodies.",
        "Fixed-price contracts protect budgets from market swings.",
        ("energy",),
        ("71314000-2", "79410000-1"),
    ),
    (
        "Grant management software",
        "Funders manage calls, applications, assessment and payments of grants.",
        "Applicants follow their grant online.",
        ("social",),
        ("48000000-8",),
    ),
    (
        "Smart street lighting",
        "LED streetlights dim when streets are empty and report faults.",
        "Lighting nodes host other city sensors.",
        ("energy", "mobility"),
        ("31682210-5",),
    ),
    (
        "Court transcription service",
        "Audio recordings of hearings are transcribed within a day.",
        "Speaker identification and timestamps are included.",
        ("justice",),
        ("79540000-1",),
    ),
    (
        "Tourism visitor app",
        "Visitors discover sights, events and walking routes.",
        "Museums sell tickets in the app.",
        ("culture",),
        ("48000000-8", "79342000-3"),
    ),
)
BRANDS = (
    "Nordlys",
    "Civic",
    "Blue Harbour",
    "Atlas",
    "Brightpath",
    "Lumen",
    "Kestrel",
    "Meridian",
    "Oakwise",
    "Tessera",
    "Vela",
    "Corvid",
    "Halden",
    "Iris",
    "Juniper",
    "Alder",
    "Quill",
    "Sable",
    "Tamar",
    "Wren",
)
SUFFIXES = ("Systems", "Analytics", "Labs", "Technologies", "Solutions", "Digital", "Software", "Services")
BODIES = (
    "Ministry of Social Affairs",
    "Ministry of Health",
    "Ministry of Education",
    "Ministry of Justice",
    "Ministry of Finance",
    "Ministry of Environment",
    "City of Riverside",
    "Municipality of Oakvale",
)
CRITERIA = (("Understanding of the problem", 40), ("Expected impact", 35), ("Feasibility and cost", 25))


@dataclass
class LabelledSet:
    """What the builder made and the labels: {challenge pk: relevant solution pks} and
    {company pk: relevant open challenge pks}."""

    challenges: dict[int, set[int]] = field(default_factory=dict)
    companies: dict[int, set[int]] = field(default_factory=dict)
    topic_of_challenge: dict[int, str] = field(default_factory=dict)
    topic_of_solution: dict[int, str] = field(default_factory=dict)
    closed_challenges: list[int] = field(default_factory=list)
    unpublished_solutions: list[int] = field(default_factory=list)
    owner_members: dict[int, int] = field(default_factory=dict)  # public body pk → a member's pk
    company_members: dict[int, int] = field(default_factory=dict)  # company pk → a member's pk

    def as_json(self) -> dict:
        return {
            "challenges": {str(k): sorted(v) for k, v in self.challenges.items()},
            "companies": {str(k): sorted(v) for k, v in self.companies.items()},
            "topic_of_challenge": {str(k): v for k, v in self.topic_of_challenge.items()},
            "topic_of_solution": {str(k): v for k, v in self.topic_of_solution.items()},
            "closed_challenges": self.closed_challenges,
            "unpublished_solutions": self.unpublished_solutions,
        }


def _sample(rng: random.Random, items, k: int) -> list:
    return rng.sample(list(items), k=min(k, len(items)))


def _challenge_fields(rng: random.Random, topic: Topic, title: str) -> dict:
    buyer = _sample(rng, topic.buyer, 5)
    title = title.format(place=rng.choice(topic.places))
    return {
        "title": (title[0].upper() + title[1:])[:200],
        "summary": buyer[0],
        "context": " ".join([rng.choice(BUYER_CONTEXT), buyer[1]]),
        "problem": " ".join([*buyer[2:], rng.choice(BUYER_CONTEXT)]),
        "affected": rng.choice(topic.affected),
        "desired_outcomes": " ".join(
            [rng.choice(topic.outcomes), *([rng.choice(BUYER_OUTCOMES)] if rng.random() < 0.5 else [])]
        ),
        "constraints": rng.choice(BUYER_CONSTRAINTS),
    }


def _challenge_classification(rng: random.Random, topic: Topic) -> tuple[list[str], list[str]]:
    sectors = [topic.sector] if rng.random() < 0.85 else ["digital"]
    if rng.random() < 0.3:
        sectors.append("digital")
    cpv = [] if rng.random() < 0.15 else [rng.choice(topic.buyer_cpv)]
    if rng.random() < 0.35:
        cpv.append(rng.choice(GENERIC_IT))
    return sorted(set(sectors)), sorted(set(cpv))


def _solution_fields(rng: random.Random, topic: Topic, title: str) -> dict:
    vendor = _sample(rng, topic.vendor, 4)
    description = [*vendor[1:], *_sample(rng, VENDOR_GENERIC, 2)]
    if rng.random() < 0.3:  # vendors sometimes describe the problem in the buyer's words
        description.insert(0, rng.choice(topic.buyer))
    return {"title": title, "summary": vendor[0], "description": " ".join(description)}


def _solution_classification(rng: random.Random, topic: Topic) -> tuple[list[str], list[str]]:
    sectors = [topic.sector] if rng.random() < 0.6 else []
    if rng.random() < 0.6 or not sectors:
        sectors.append("digital")
    draw = rng.random()
    if draw < 0.5:
        cpv = [rng.choice(topic.vendor_cpv)]
    elif draw < 0.75:
        cpv = [rng.choice(topic.buyer_cpv)]
    else:
        cpv = [rng.choice(GENERIC_IT)]
    return sorted(set(sectors)), cpv


def _distractor_fields(rng: random.Random, spec) -> dict:
    title, first, second, _sectors, _cpv = spec
    return {
        "title": title,
        "summary": first,
        "description": " ".join([second, *_sample(rng, VENDOR_GENERIC, 3)]),
    }


class _Writer:
    """Creates organisations, people, challenges and solutions in bulk, with their links."""

    def __init__(self, rng: random.Random, tag: str):
        self.rng = rng
        self.tag = tag
        self.now = timezone.now()
        self.password = make_password(None)
        self.sectors = {tag.pk for tag in SectorTag.objects.all()}
        self.people = 0

    def person(self, organisation: Organisation, role: str = Role.MEMBER) -> User:
        self.people += 1
        user = User.objects.create(
            email=f"{self.tag}-{self.people}@example.net", name=f"Matching person {self.people}", password=self.password
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    def organisation(self, kind: str, name: str, sectors=()) -> Organisation:
        n = Organisation.objects.filter(slug__startswith=f"{self.tag}-").count()
        organisation = Organisation.objects.create(
            kind=kind,
            name=name,
            slug=f"{self.tag}-{n}",
            country=self.rng.choice(["BE", "PT", "SI", "NL", "FR"]),
            tier=Tier.MINISTRY if kind == Kind.PUBLIC_BODY else "",
            level_of_government="national" if kind == Kind.PUBLIC_BODY else "",
            registration_number=f"{self.tag.upper()}{n:06d}" if kind == Kind.COMPANY else "",
            is_sme=kind == Kind.COMPANY,
            status="verified",
            verified_at=self.now,
        )
        organisation.sectors.set([s for s in sectors if s in self.sectors])
        return organisation

    def challenges(self, specs: list[dict]) -> list[Challenge]:
        rows = []
        for spec in specs:
            state = spec.pop("state")
            published = self.now - timedelta(days=self.rng.randrange(3, 40))
            if state == "closed":
                deadline = self.now - timedelta(days=self.rng.randrange(1, 30))
            else:
                deadline = self.now + timedelta(days=self.rng.randrange(10, 90))
            rows.append(
                Challenge(
                    **{k: v for k, v in spec.items() if k not in ("sectors", "cpv")},
                    languages=["en"],
                    instrument=Instrument.LOW_VALUE,
                    budget_ceiling=Decimal(self.rng.randrange(10, 31) * 1000),
                    deadline=deadline,
                    status=Status.CANCELLED if state == "cancelled" else Status.PUBLISHED,
                    submitted_at=published - timedelta(days=10),
                    organisation_approved_at=published - timedelta(days=8),
                    approved_at=published - timedelta(days=2),
                    published_at=published,
                    cancelled_at=self.now - timedelta(days=1) if state == "cancelled" else None,
                    cancellation_reason="The need disappeared." if state == "cancelled" else "",
                )
            )
        created = Challenge.objects.bulk_create(rows)
        self._links(Challenge, created, specs)
        Criterion.objects.bulk_create(
            Criterion(challenge=c, name=name, weight=weight, position=i)
            for c in created
            for i, (name, weight) in enumerate(CRITERIA)
        )
        return created

    def solutions(self, specs: list[dict]) -> list[Solution]:
        rows = []
        for spec in specs:
            status = spec.pop("status")
            submitted = self.now - timedelta(days=self.rng.randrange(5, 300))
            rows.append(
                Solution(
                    **{k: v for k, v in spec.items() if k not in ("sectors", "cpv")},
                    trl=self.rng.randrange(4, 10),
                    status=status,
                    submitted_at=None if status == SolutionStatus.DRAFT else submitted,
                    published_at=submitted + timedelta(days=2) if status == SolutionStatus.PUBLISHED else None,
                    returned_at=submitted + timedelta(days=2) if status == SolutionStatus.RETURNED else None,
                    return_reason="Say what the solution does." if status == SolutionStatus.RETURNED else "",
                )
            )
        created = Solution.objects.bulk_create(rows, batch_size=BATCH)
        self._links(Solution, created, specs)
        return created

    def _links(self, model, created, specs) -> None:
        owner = model._meta.model_name + "_id"
        model.sectors.through.objects.bulk_create(
            [
                model.sectors.through(**{owner: obj.pk, "sectortag_id": code})
                for obj, spec in zip(created, specs, strict=True)
                for code in spec["sectors"]
                if code in self.sectors
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        model.cpv_codes.through.objects.bulk_create(
            [
                model.cpv_codes.through(**{owner: obj.pk, "cpvcode_id": code})
                for obj, spec in zip(created, specs, strict=True)
                for code in spec["cpv"]
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )


def _company_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(BRANDS)} {rng.choice(SUFFIXES)}"
        if name not in used:
            used.add(name)
            return name
        name = f"{name} {len(used)}"
        if name not in used:
            used.add(name)
            return name


def build_labelled_set(*, seed: int = 2026, per_topic: int = 3, index: bool = True) -> LabelledSet:
    """Build the labelled set (60 open challenges with the default three per topic) and
    return its labels. `index` writes the new public items into the search index, as a
    service would (bulk creation sends no signals)."""
    run = Organisation.objects.filter(slug__startswith=f"matching-{seed}-").count()
    rng = random.Random(f"ponte-matching-{seed}-{run}")
    writer = _Writer(rng, f"matching-{seed}-{run}")
    labelled = LabelledSet()

    bodies = []
    for name in BODIES:
        body = writer.organisation(Kind.PUBLIC_BODY, name)
        member = writer.person(body, Role.ADMIN)
        bodies.append((body, member))
        labelled.owner_members[body.pk] = member.pk

    # Challenges: `per_topic` open ones per topic, and a closed or cancelled one.
    specs, topics_of_specs = [], []
    for topic in TOPICS:
        titles = _sample(rng, topic.titles, len(topic.titles))
        for i in range(per_topic + 1):
            body, member = rng.choice(bodies)
            fields = _challenge_fields(rng, topic, titles[i % len(titles)])
            sectors, cpv = _challenge_classification(rng, topic)
            state = "open" if i < per_topic else rng.choice(["closed", "closed", "cancelled"])
            specs.append({**fields, "owner": body, "author": member, "sectors": sectors, "cpv": cpv, "state": state})
            topics_of_specs.append((topic.key, state))
    challenges = writer.challenges(specs)
    open_by_topic: dict[str, set[int]] = {}
    for challenge, (topic_key, state) in zip(challenges, topics_of_specs, strict=True):
        if state == "open":
            labelled.topic_of_challenge[challenge.pk] = topic_key
            open_by_topic.setdefault(topic_key, set()).add(challenge.pk)
        else:
            labelled.closed_challenges.append(challenge.pk)

    # Companies and solutions: per topic, four published and one unpublished solution from
    # three companies; twenty generic companies with three distractors each. Created in a
    # shuffled order so that keys say nothing of relevance.
    names: set[str] = set()
    solution_specs = []
    for topic in TOPICS:
        offers = _sample(rng, topic.offers, 5)
        firms = []
        for _ in range(3):
            sectors = [topic.sector] if rng.random() < 0.7 else ["digital"]
            company = writer.organisation(Kind.COMPANY, _company_name(rng, names), sectors)
            labelled.company_members[company.pk] = writer.person(company).pk
            firms.append(company)
        owners = [firms[0], firms[0], firms[1], firms[2], firms[1]]
        for j, offer in enumerate(offers):
            sectors, cpv = _solution_classification(rng, topic)
            status = SolutionStatus.PUBLISHED if j < 4 else rng.choice(UNPUBLISHED)
            solution_specs.append(
                (
                    topic.key,
                    {
                        **_solution_fields(rng, topic, offer),
                        "company": owners[j],
                        "sectors": sectors,
                        "cpv": cpv,
                        "status": status,
                    },
                )
            )
    generic = []
    for _ in range(20):
        company = writer.organisation(Kind.COMPANY, _company_name(rng, names), ["digital"])
        labelled.company_members[company.pk] = writer.person(company).pk
        generic.append(company)
    for n, spec in enumerate(DISTRACTORS * 3):
        solution_specs.append(
            (
                None,
                {
                    **_distractor_fields(rng, spec),
                    "company": generic[(n + 7 * (n // len(DISTRACTORS))) % len(generic)],
                    "sectors": list(spec[3]),
                    "cpv": [rng.choice(spec[4])],
                    "status": SolutionStatus.PUBLISHED,
                },
            )
        )
    rng.shuffle(solution_specs)
    solutions = writer.solutions([spec for _topic, spec in solution_specs])

    topics_of_company: dict[int, set[str]] = {}
    for solution, (topic_key, _spec) in zip(solutions, solution_specs, strict=True):
        if solution.status != SolutionStatus.PUBLISHED:
            labelled.unpublished_solutions.append(solution.pk)
            continue
        if topic_key is None:
            continue
        labelled.topic_of_solution[solution.pk] = topic_key
        topics_of_company.setdefault(solution.company_id, set()).add(topic_key)
    for challenge_pk, topic_key in labelled.topic_of_challenge.items():
        labelled.challenges[challenge_pk] = {pk for pk, key in labelled.topic_of_solution.items() if key == topic_key}
    for company_pk, topic_keys in topics_of_company.items():
        labelled.companies[company_pk] = set().union(*(open_by_topic.get(key, set()) for key in topic_keys))

    if index:
        from ponte.core import search

        for obj in [*challenges, *solutions]:
            search.index_object(obj)
    return labelled


def build_catalogue(count: int, *, seed: int = 2026, progress=None) -> dict[int, str | None]:
    """`count` more published solutions from the same vocabularies: the catalogue at
    national scale. Returns each one's topic (None for a distractor). Not indexed here:
    `generate` rebuilds the search index at the end."""
    run = Organisation.objects.filter(slug__startswith=f"catalogue-{seed}-").count()
    rng = random.Random(f"ponte-matching-catalogue-{seed}-{run}")
    writer = _Writer(rng, f"catalogue-{seed}-{run}")
    names: set[str] = set(Organisation.objects.filter(kind=Kind.COMPANY).values_list("name", flat=True))
    companies = [
        writer.organisation(Kind.COMPANY, f"{_company_name(rng, names)} {i}", ["digital"])
        for i in range(max(1, count // 10))
    ]
    bar = progress(total=count, desc="catalogue of solutions") if progress else None
    topics: dict[int, str | None] = {}
    for start in range(0, count, BATCH):
        specs, keys = [], []
        for i in range(start, min(start + BATCH, count)):
            company = companies[i % len(companies)]
            if rng.random() < 0.7:
                topic = rng.choice(TOPICS)
                sectors, cpv = _solution_classification(rng, topic)
                fields = _solution_fields(rng, topic, rng.choice(topic.offers))
                keys.append(topic.key)
            else:
                spec = rng.choice(DISTRACTORS)
                sectors, cpv = list(spec[3]), [rng.choice(spec[4])]
                fields = _distractor_fields(rng, spec)
                keys.append(None)
            specs.append(
                {**fields, "company": company, "sectors": sectors, "cpv": cpv, "status": SolutionStatus.PUBLISHED}
            )
        for solution, key in zip(writer.solutions(specs), keys, strict=True):
            topics[solution.pk] = key
        if bar:
            bar.update(len(specs))
    if bar:
        bar.close()
    return topics


def build(scale: str, progress) -> None:
    """The `generate` builder: a labelled set at every scale and a catalogue of solutions at
    the scale's size; the labels, and the topic of each catalogue solution, are written to
    var/matching-labels.json."""
    labelled = build_labelled_set(index=False)
    catalogue = build_catalogue(CATALOGUE[scale], progress=progress)
    labels = labelled.as_json()
    labels["catalogue_topics"] = {str(pk): topic for pk, topic in catalogue.items()}
    path = settings.VAR_DIR / "matching-labels.json"
    path.write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")
