"""A generated corpus of realistic SciCat documents (all three PublishedData shapes).

Deterministic for a given seed, so runs are comparable. Used by the benchmarks.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

GIVEN = ["Maja", "Chidi", "Elena", "Jun", "Lucía", "Oleksandr", "Petra", "Anders", "Sam", "Ingrid", "Tomás", "Yuki"]
FAMILY = ["Andersson", "Okafor", "Borisova", "Lee", "García-Pérez", "Yefanov", "Novak", "Larsson", "Bayat", "van der Berg", "Schlepütz", "Tanaka"]
ORGS = ["European Spallation Source ERIC", "Paul Scherrer Institute", "Lund University", "DESY", "MAX IV Laboratory"]
RORS = ["https://ror.org/01wv9cn34", "https://ror.org/03eh3y714", "https://ror.org/012a77v79", "https://ror.org/01js2sh04", None]
WORDS = ("neutron x-ray scattering diffraction tomography lipid nanodisc cathode crystal magnetic thin film "
         "protein powder spectroscopy imaging operando catalyst membrane polymer alloy").split()
TECHNIQUES = [("PaNET01189", "small angle neutron scattering"), ("PaNET01168", "x-ray single crystal diffraction"),
              ("PaNET01102", "tomography")]


def _orcid(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(15)]
    total = 0
    for d in digits:
        total = (total + d) * 2
    check = (12 - total % 11) % 11
    raw = "".join(map(str, digits)) + ("X" if check == 10 else str(check))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def _when(rng: random.Random) -> datetime:
    return datetime(2018, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(8 * 365 * 86400))


def _v4_creator(rng: random.Random) -> dict:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    creator = {"name": f"{family}, {given}", "nameType": "Personal", "givenName": given, "familyName": family}
    if rng.random() < 0.6:
        orcid = _orcid(rng)
        creator["nameIdentifiers"] = [{"nameIdentifier": rng.choice([orcid, "https://orcid.org/" + orcid]),
                                       "nameIdentifierScheme": "ORCID"}]
    org = rng.randrange(len(ORGS))
    aff = {"name": ORGS[org]}
    if RORS[org]:
        aff.update(affiliationIdentifier=RORS[org], affiliationIdentifierScheme="ROR")
    creator["affiliation"] = [aff]
    return creator


def bundle(i: int, rng: random.Random) -> tuple[dict, list[dict], list[dict]]:
    """One PublishedData with its datasets and proposal, in one of the three shapes."""
    doi = f"10.5072/bench.{i:07d}"
    proposal_id = f"P-{i // 3:06d}"
    when = _when(rng)
    pids = [f"20.500.12345/ds-{i:07d}-{k}" for k in range(rng.randint(1, 4))]
    datasets = [{"_id": pid, "pid": pid, "owner": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "orcidOfOwner": _orcid(rng),
                 "proposalIds": [proposal_id], "keywords": [rng.choice(WORDS) for _ in range(2)],
                 "techniques": [dict(zip(("pid", "name"), rng.choice(TECHNIQUES)))], "license": "CC-BY-4.0",
                 "creationTime": when - timedelta(days=30), "instrumentIds": ["ess/loki"], "ownerEmail": "owner@example.org",
                 "updatedAt": when - timedelta(days=1)}
                for pid in pids]
    proposals = [{"_id": proposal_id, "proposalId": proposal_id, "title": _sentence(rng, 8), "isPublished": rng.random() < 0.5,
                  "email": "pi@example.org", "updatedAt": when - timedelta(days=35),
                  "MeasurementPeriodList": [{"instrument": "LoKI", "start": when - timedelta(days=40),
                                             "end": when - timedelta(days=38)}]}]
    shape = i % 3
    if shape == 0:
        pub = {"_id": doi, "doi": doi, "title": _sentence(rng, 12), "abstract": _sentence(rng, 60), "datasetPids": pids,
               "status": "registered", "registeredTime": when, "numberOfFiles": rng.randrange(1, 5000),
               "sizeOfArchive": rng.randrange(10**6, 10**12), "createdAt": when, "updatedAt": when,
               "metadata": {"creators": [_v4_creator(rng) for _ in range(rng.randint(1, 12))],
                            "publisher": {"name": "European Spallation Source ERIC", "publisherIdentifier": RORS[0],
                                          "publisherIdentifierScheme": "ROR"},
                            "publicationYear": when.year, "resourceType": "derived", "landingPage": "doi.ess.eu/detail/",
                            "subjects": [{"subject": rng.choice(WORDS)}],
                            "relatedIdentifiers": [{"relatedIdentifier": f"10.1107/S16005767{i:08d}", "relatedIdentifierType": "DOI",
                                                    "relationType": "IsSupplementTo"}],
                            "fundingReferences": [{"funderName": "European Commission", "funderIdentifier": "https://ror.org/00k4n6c32",
                                                   "funderIdentifierType": "ROR", "awardNumber": "101094459"}]}}
    else:
        names = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(rng.randint(1, 10))] + (["al."] if rng.random() < 0.2 else [])
        pub = {"_id": doi if shape == 1 else f"uuid-{i}", "creator": names, "publisher": rng.choice(["PSI", "DESY", "MAX IV"]),
               "publicationYear": when.year, "title": _sentence(rng, 10), "abstract": _sentence(rng, 50),
               "dataDescription": _sentence(rng, 15), "resourceType": "raw", "pidArray": pids, "status": "registered",
               "registeredTime": when, "affiliation": rng.choice(ORGS), "createdAt": when, "updatedAt": when,
               "relatedPublications": [f"{rng.choice(FAMILY)} et al., J. Synchrotron Rad. (2021) https://doi.org/10.1107/S{i:08d} & more"]}
        if shape == 2:
            pub["doi"] = doi
    return pub, datasets, proposals


def bundles(n: int, seed: int = 42):
    rng = random.Random(seed)
    return [bundle(i, rng) for i in range(n)]
