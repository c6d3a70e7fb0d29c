#!/usr/bin/env python3
"""Derive the project's coding tables from the openly licensed reference data.

    python scripts/build_tables.py [--upstream upstream] [--out service/data]

It reads the vendored upstream sources in ``upstream/`` (see ``upstream/README.md``). The
running service never reads them: it reads the JSON files this script writes into
``service/data/``, each of which records its sources and licences (see
``service/data/README.md``). Re-run after changing ``upstream/`` or this script; a test
checks that the committed tables are what this script produces.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pycountry

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = ROOT / "upstream"

SOURCES = {
    "phoenix": "openeventdata/petrarch2 Phoenix dictionaries (MIT, Open Event Data Alliance)",
    "cameo_labels": "openeventdata/text_to_CAMEO CAMEO_codefile.txt (MIT)",
    "goldstein": "openeventdata/phoenix_pipeline Goldstein values (MIT)",
    "cameo2plover": "openeventdata/PLOVER CAMEO2PLOVER-2021.txt (CC BY-SA 4.0)",
    "plover_manual": "openeventdata/PLOVER PLOVER_MANUAL.tex, PLOVER 2.0 (CC BY-SA 4.0)",
}

PLOVER_TYPES = [
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]  # fmt: skip
# Labels of the PLOVER 0.5/0.8 drafts that the 2.0 manual folds into other types.
OLD_PLOVER_LABELS = {
    "DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT",
    "YIELD": "CONCEDE", "ENGAGE": "COOPERATE", "EXPEL": "COERCE",
}  # fmt: skip
# Where the 2021 crosswalk and the PLOVER 2.0 manual disagree, the manual wins (its event
# definitions and mode lists are the reference); each line says why.
CROSSWALK_FIXES: dict[str, dict[str, Any]] = {
    # Manual, AGREE: "sign or ratify agreements" (the crosswalk files 057 under SUPPORT).
    "057": {"event_type": "AGREE", "mode": None},
    # Manual, SANCTION/discontinue: "International (political or economic) sanctions".
    "163": {"event_type": "SANCTION", "mode": "discontinue"},
    "1631": {"event_type": "SANCTION", "mode": "discontinue"},
    "1632": {"event_type": "SANCTION", "mode": "discontinue"},
    # Manual, SANCTION/convict: being found guilty is a SANCTION mode in 2.0.
    "116": {"event_type": "SANCTION", "mode": "convict"},
    # Manual, ASSAULT modes: "aerial", "targeted" and "destroy" replace the old names.
    "195": {"event_type": "ASSAULT", "mode": "aerial"},
    "185": {"event_type": "ASSAULT", "mode": "targeted"},
    "186": {"event_type": "ASSAULT", "mode": "targeted"},
    "202": {"event_type": "ASSAULT", "mode": "targeted"},
    "1712": {"event_type": "ASSAULT", "mode": "destroy"},
    # Manual, RETREAT/resign: "Official resignation" (no CAMEO code of its own; 0831 is
    # "accede to demands for change in leadership", the nearest).
    "0831": {"event_type": "RETREAT", "mode": "resign"},
    # Manual, COERCE/restrict covers bans on parties and politicians ("ban" is no mode).
    "1722": {"event_type": "COERCE", "mode": "restrict"},
    "132": {"event_type": "THREATEN", "mode": "restrict"},
    # Manual, RETREAT/withdraw: "Retreat from territory or withdraw forces".
    "0874": {"event_type": "RETREAT", "mode": "withdraw"},
}
CONTEXT_NAMES = {"democracy": "pro_democracy", "humanitarian": "human_security"}
QUAD_CLASS = {  # PLOVER quad category -> the 1..4 quad class numbering of GDELT/ICEWS
    "VERBAL COOPERATION": 1, "MATERIAL COOPERATION": 2,
    "VERBAL CONFLICT": 3, "MATERIAL CONFLICT": 4,
}  # fmt: skip


def write(out: Path, name: str, sources: list[str], payload: Any) -> None:
    doc = {
        "generated_by": "scripts/build_tables.py",
        "sources": [SOURCES[s] for s in sources],
        "data": payload,
    }
    path = out / name
    # One record per line keeps the files diffable without the bulk of full indentation.
    path.write_text(
        json.dumps(doc, indent=None, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        + "\n"
    )
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


# ---------------------------------------------------------------- TABARI actor files


def tabari_phrase(raw: str) -> str:
    """``KOREA,_REPUBLIC_OF_`` -> ``korea, republic of``."""
    raw = raw.strip().lstrip("+").strip()
    return re.sub(r"\s+", " ", raw.replace("_", " ")).strip().lower()


def tabari_date(raw: str) -> str | None:
    digits = raw.strip()
    if len(digits) == 8 and digits.isdigit():
        year, rest = int(digits[:4]), digits[4:]
    elif len(digits) == 6 and digits.isdigit():
        yy, rest = int(digits[:2]), digits[2:]
        # TABARI's two-digit years: the dictionaries run to 2014, so 00-30 are 20xx.
        year = 2000 + yy if yy <= 30 else 1900 + yy
    else:
        return None
    month, day = int(rest[:2]), int(rest[2:])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


CODE_RE = re.compile(r"\[([^\]]*)\]")


def parse_role(body: str) -> dict[str, Any] | None:
    parts = body.split()
    if not parts or parts[0].startswith("~") or parts[0] == "---":
        return None
    code, start, end = parts[0].upper(), None, None
    if len(parts) > 1:
        span = parts[1]
        if span.startswith(">"):
            start = tabari_date(span[1:])
        elif span.startswith("<"):
            end = tabari_date(span[1:])
        elif "-" in span:
            a, b = span.split("-", 1)
            start, end = tabari_date(a), tabari_date(b)
    return {"code": code, "start": start, "end": end}


def parse_actor_file(path: Path) -> list[dict[str, Any]]:
    """Entries of a TABARI .actors file: names (primary + synonyms) and dated roles."""
    entries: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        text = line.split("#", 1)[0].rstrip()
        if not text.strip():
            continue
        stripped = text.strip()
        if line[:1] in "\t " and stripped.startswith("["):
            if current is not None:
                for body in CODE_RE.findall(stripped):
                    role = parse_role(body)
                    if role:
                        current["roles"].append(role)
            continue
        if stripped.startswith("+"):
            if current is not None:
                name = tabari_phrase(CODE_RE.sub("", stripped))
                if name:
                    current["names"].append(name)
            continue
        # A new entry: ``NAME_ [CODE]`` or ``NAME_`` with roles on the following lines.
        current = {"names": [tabari_phrase(CODE_RE.sub("", stripped))], "roles": []}
        for body in CODE_RE.findall(stripped):
            role = parse_role(body)
            if role:
                current["roles"].append(role)
        entries.append(current)
    return [e for e in entries if e["roles"] and e["names"][0]]


def build_actors(upstream: Path) -> list[dict[str, Any]]:
    actors: list[dict[str, Any]] = []
    for name in (
        "Phoenix.Countries.actors.txt",
        "Phoenix.International.actors.txt",
        "Phoenix.MilNonState.actors.txt",
    ):
        for entry in parse_actor_file(upstream / "petrarch2" / name):
            names = sorted({n for n in entry["names"] if len(n) > 1})
            if not names:
                continue
            for role in entry["roles"]:
                role["code"] = successor_state(role["code"])
            # A country (or a city standing for one) has only bare country codes, maybe dated
            # (Serbia: YUG, then SCG, then SRB); anything with a sector is a person or group.
            kind = "country" if all(len(r["code"]) == 3 for r in entry["roles"]) else "actor"
            if kind == "country":
                names = sorted(set(names) | plural_demonyms(names))
            roles = [{**r, "code": organisation_code(r["code"], names)} for r in entry["roles"]]
            actors.append({"names": names, "roles": roles, "kind": kind, "file": name})
    actors.extend(
        {"names": names, "roles": [{"code": code, "start": None, "end": None}],
         "kind": "country", "file": "project"}
        for code, names in PROJECT_COUNTRY_NAMES.items()
    )  # fmt: skip
    actors.extend(
        {"names": names, "roles": [{"code": code, "start": None, "end": None}],
         "kind": "actor", "file": "project"}
        for code, names in PROJECT_GROUPS.items()
    )  # fmt: skip
    return actors


# Organisations and armed groups in the news since the Phoenix dictionaries were compiled.
PROJECT_GROUPS = {
    "YEMREB": ["houthis", "houthi", "houthi rebels", "ansar allah"],
    "CODREB": ["m23", "march 23 movement"], "SDNREB": ["rsf", "rapid support forces"],
    "COLREB": ["eln", "national liberation army"], "RUSUAF": ["wagner group", "wagner"],
    "CSTO": ["csto", "collective security treaty organization"], "BRICS": ["brics"],
    "MERCOSUR": ["mercosur"],
}  # fmt: skip


# Abbreviations and names news uses that the Phoenix country dictionary lacks.
PROJECT_COUNTRY_NAMES = {
    "CHN": ["prc", "p.r.c."], "COD": ["drc", "d.r.c."], "TWN": ["roc"], "GBR": ["uk", "britons"],
    "EU": ["eu", "e.u.", "european union", "brussels", "european community", "ec", "eec",
           "european economic community", "european commission"],
    "AU": ["african union", "au"], "APEC": ["apec", "asia-pacific economic cooperation"],
    "WHO": ["who", "world health organization", "world health organisation"],
    "WB": ["world bank"], "GCC": ["gulf cooperation council", "gcc"],
    "SCO": ["shanghai cooperation organisation", "shanghai cooperation organization"],
    "G7": ["g7", "group of seven"], "G20": ["g20", "group of 20"],
    "OSCE": ["osce", "organization for security and co-operation in europe"],
    "IMG": ["islamic state", "daesh", "isil"],
    "SRB": ["serb", "serbs"], "SWE": ["swedish", "swede", "swedes"], "GRC": ["greeks"],
    "RUS": ["chechen", "chechens"], "UZB": ["uzbek", "uzbeks"], "KAZ": ["kazakh", "kazakhs"],
    "AZE": ["azerbaijani", "azerbaijanis", "azeri", "azeris"], "NPL": ["nepali", "nepalis"],
    "ARM": ["armenian", "armenians"], "PHL": ["filipinos"], "BLR": ["belarusian"],
    "XKX": ["kosovar", "kosovars"],
    "PRK": ["democratic people's republic of korea", "north koreans"],
}  # fmt: skip
# Phoenix IGO codes -> the organisation codes the project publishes (longest prefix wins);
# other IGO codes keep their three-letter body.
ORGANISATIONS = {
    "IGOUNOIAE": "IAEA", "IGOUNOHLH": "WHO", "IGOUNO": "UNO", "IGOEUREEC": "EU",
    "IGOWSTNAT": "NATO", "IGOSEAASN": "ASEAN", "IGOAFRAFU": "AU", "IGOAFROAU": "AU",
    "IGOBUSOPC": "OPEC", "IGOBUSIMF": "IMF", "IGOBUSWTO": "WTO", "IGOMEAARL": "LAS",
    "IGOJUDICC": "ICC", "IGOOAS": "OAS", "IGOMOSOIC": "OIC", "IGOWAFWAS": "ECOWAS",
}  # fmt: skip
ORGANISATION_NAMES = {
    "UNO": "United Nations", "EU": "European Union", "NATO": "NATO", "ASEAN": "ASEAN",
    "IAEA": "International Atomic Energy Agency", "AU": "African Union", "OAS":
    "Organization of American States", "OSCE": "OSCE", "GCC": "Gulf Cooperation Council",
    "ECOWAS": "ECOWAS", "SCO": "Shanghai Cooperation Organisation", "LAS": "Arab League",
    "OIC": "Organisation of Islamic Cooperation", "IMF": "International Monetary Fund",
    "WB": "World Bank", "WHO": "World Health Organization", "APEC": "APEC",
    "WTO": "World Trade Organization",
    "ICC": "International Criminal Court", "OPEC": "OPEC", "G7": "G7", "G20": "G20",
    "CSTO": "Collective Security Treaty Organization", "BRICS": "BRICS",
    "MERCOSUR": "Mercosur",
    "IGO": "other intergovernmental organisation", "NGO": "non-governmental organisation",
    "IMG": "armed group operating across borders",
}  # fmt: skip


def organisation_code(code: str, names: list[str]) -> str:
    if not code.startswith("IGO"):
        return code
    if "world bank" in names:
        return "WB"
    for prefix in sorted(ORGANISATIONS, key=len, reverse=True):
        if code.startswith(prefix):
            return ORGANISATIONS[prefix]
    return "IGO"


def successor_state(code: str) -> str:
    """``YUGSRB``/``SCGSRB`` (Serbia inside Yugoslavia) -> ``SRB``: news readers and the
    gold records name the state, not the federation it once belonged to."""
    if len(code) == 6 and code[:3] in FEDERATIONS and pycountry.countries.get(alpha_3=code[3:]):
        return code[3:]
    if len(code) == 6 and code[3:] in TRANSITIONS:
        return code[:3]
    if code[:3] in RENAMED:
        return RENAMED[code[:3]] + code[3:]
    return code


# Phoenix codes for states that ISO 3166 names otherwise (Kosovo: the user-assigned XKX
# that the EU and the World Bank use; East Timor: TLS; Phoenix's INT, transnational militant
# groups, is the project's IMG).
RENAMED = {
    "KSV": "XKX", "TMP": "TLS", "INT": "IMG", "ANG": "AGO",
    # Historical states are published as their successor states, as consumers key on them.
    "SUN": "RUS", "DDR": "DEU", "CSK": "CZE", "YUG": "SRB", "FRY": "SRB", "SCG": "SRB",
    "SRP": "BIH", "KRJ": "HRV",
}  # fmt: skip


# Phoenix marks a state's unrecognised or occupied periods (UKRUNR, IRQOCC): still the state.
TRANSITIONS = {"UNR", "OCC"}


# Yugoslavia (twice), Serbia and Montenegro, the USSR (twice), Czechoslovakia.
FEDERATIONS = {"YUG", "FRY", "SCG", "USR", "SUN", "CSK"}


def plural_demonyms(names: list[str]) -> set[str]:
    """ "Albanian" -> "Albanians", "Israeli" -> "Israelis": people of a country."""
    out = set()
    for name in names:
        if " " in name or len(name) < 4:
            continue
        if name.endswith(("an", "i")) or name in ("turk", "kurd", "serb", "croat", "pole", "czech"):
            out.add(name + ("es" if name.endswith("ch") else "s"))
    return out


# Project-authored additions: generic words for officials that news uses constantly and the
# Phoenix agents file only has inside longer phrases ("customs official").
PROJECT_AGENTS = {
    "official": "GOV", "officials": "GOV", "leader": "GOV", "leaders": "GOV",
    "government": "GOV", "governments": "GOV", "administration": "GOV",
    "foreign ministry": "GOV", "presidential office": "GOV", "spokesperson": "GOV",
    "envoy": "GOV", "envoys": "GOV", "diplomat": "GOV", "diplomats": "GOV",
    "ambassador": "GOV", "delegation": "GOV", "cabinet": "GOV", "parliament": "LEG",
    "lawmakers": "LEG", "army chief": "MIL", "military": "MIL", "troops": "MIL",
    "forces": "MIL", "navy": "MIL", "air force": "MIL",
    # Protesters are civilians unless the text says they are the opposition (PLOVER).
    "protester": "CVL", "protesters": "CVL", "demonstrator": "CVL", "demonstrators": "CVL",
    "crowd": "CVL", "crowds": "CVL", "inhabitants": "CVL", "people": "CVL", "mob": "CVL",
    "hackers": "CRM", "opposition": "OPP", "supporters": "OPP", "peacekeepers": "MIL",
    "peacekeeping troops": "MIL", "fighters": "REB", "militants": "REB",
}  # fmt: skip


def build_agents(upstream: Path) -> dict[str, str]:
    """Agent words -> sector code (``MINISTER [~GOV]`` -> ``minister: GOV``)."""
    macros: dict[str, list[str]] = {}
    agents: dict[str, str] = {}
    for line in (upstream / "petrarch2" / "Phoenix.agents.txt").read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        macro = re.match(r"^(!\w+!)\s*=\s*(.+)$", text)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",")]
            continue
        match = re.match(r"^(.+?)\s*\[~(\w+)\]", text)
        if not match:
            continue
        phrase, code = match.group(1).strip(), match.group(2).upper()
        variants = [phrase]
        for key, words in macros.items():
            if key in phrase:
                variants = [v.replace(key, w) for v in variants for w in words]
        for variant in variants:
            base = tabari_phrase(variant.replace("{", "").replace("}", ""))
            if not base or "!" in base:
                continue
            agents.setdefault(base, code)
            if not variant.endswith("_") and not base.endswith("s"):
                plural = base[:-1] + "ies" if base.endswith("y") else base + "s"
                agents.setdefault(plural, code)
    agents.update(PROJECT_AGENTS)
    # A sector is the primary three-letter code ("GOVMED" is a media ministry: GOV);
    # Phoenix's PPL ("people") is the civilian sector in PLOVER terms.
    agents = {k: {"PPL": "CVL"}.get(v[:3], v[:3]) for k, v in agents.items()}
    return dict(sorted(agents.items()))


def build_cameo(upstream: Path) -> dict[str, Any]:
    labels: dict[str, str] = {}
    for line in (
        (upstream / "cameo" / "CAMEO_codefile.txt").read_text(errors="replace").splitlines()
    ):
        match = re.match(r"^\s*(\d{2,4})\s*[:\t ]\s*(.+?)\s*$", line)
        if match and match.group(1) not in labels:
            labels[match.group(1)] = match.group(2).strip().strip('"')
    goldstein: dict[str, float] = {}
    for line in (upstream / "cameo" / "goldstein_phoenix.tsv").read_text().splitlines()[1:]:
        code, value = line.split("\t")
        goldstein[code.strip()] = float(value)
    plover: dict[str, dict[str, Any]] = {}
    c2p = (upstream / "plover" / "CAMEO2PLOVER-2021.txt").read_text()
    for line in c2p.splitlines():
        match = re.match(r"^(\d{2,4}):\s*([^#]*?)\s*(?:#\s*(.*))?$", line)
        if not match:
            continue
        code, fields, comment = match.group(1), match.group(2), match.group(3)
        parts = [p.strip() for p in fields.split(",")]
        event = OLD_PLOVER_LABELS.get(parts[0].upper(), parts[0].upper())
        if event not in PLOVER_TYPES:
            continue
        mode = parts[1].lower() if len(parts) > 1 and parts[1] else None
        # "crime; corruption" is two contexts; two crosswalk names are not the manual's.
        raw = [c.strip().lower() for p in parts[2:] for c in p.split(";") if c.strip()]
        context = [CONTEXT_NAMES.get(c, c) for c in raw]
        plover[code] = {"event_type": event, "mode": mode, "context": context}
        plover[code].update(CROSSWALK_FIXES.get(code, {}))
        if comment and code not in labels:
            labels[code] = comment.strip()
    table: dict[str, Any] = {}
    for code in sorted(set(labels) | set(plover)):
        mapping = plover.get(code) or plover.get(code[:3]) or plover.get(code[:2])
        if mapping is None:
            continue
        value = goldstein.get(code, goldstein.get(code[:3], goldstein.get(code[:2])))
        table[code] = {
            "label": labels.get(code) or labels.get(code[:3]) or "",
            "goldstein": value,
            **mapping,
        }
    return table


def latex_text(raw: str) -> str:
    raw = re.sub(r"\\(?:txt|plcat|plcon|emph|textit|textbf)\{([^}]*)\}", r"\1", raw)
    return re.sub(
        r"\s+",
        " ",
        raw.replace("\\ldots", "...").replace("``", '"').replace("''", '"').replace("\\", ""),
    ).strip()


def build_plover(upstream: Path) -> dict[str, Any]:
    tex = (upstream / "plover" / "PLOVER_MANUAL.tex").read_text()
    types: dict[str, Any] = {}
    sections = re.split(r"\\section\{", tex)
    for section in sections:
        name = section.split("}", 1)[0].strip()
        if name not in PLOVER_TYPES:
            continue
        quad = re.search(r"Quad category:\s*([A-Z ]+)\}", section)
        recipient = re.search(r"Requires recipient:\s*(Yes|No)", section)
        definition = latex_text(section.split("}", 1)[1].split("\\subsection", 1)[0])
        modes: dict[str, str] = {}
        table = re.search(r"\\caption\{[^}]*modes[^}]*\}.*?\\end\{tabular\}", section, re.S)
        if table is None:
            table = re.search(
                r"begin\{tabular\}.*?\\end\{tabular\}",
                section.split("Supplementary fields", 1)[-1],
                re.S,
            )
        if table:
            for row in table.group(0).split("\\\\"):
                cells = [c.strip() for c in row.split("&")]
                if len(cells) >= 2:
                    key = latex_text(cells[0].split("\\hline")[-1]).strip().lower()
                    if key and key != "name" and re.fullmatch(r"[a-z][a-z_ -]*", key):
                        modes[key.replace(" ", "-")] = latex_text(cells[1])
        quad_name = quad.group(1).strip() if quad else ""
        types[name] = {
            "definition": definition,
            "quad_category": quad_name,
            "quad_class": QUAD_CLASS.get(quad_name),
            "requires_recipient": bool(recipient and recipient.group(1) == "Yes"),
            "modes": modes,
        }
    if "REJECT" in types and not types["REJECT"]["modes"]:
        types["REJECT"]["modes"] = dict(types["REQUEST"]["modes"])  # shared, per the manual
    missing = [t for t in PLOVER_TYPES if t not in types]
    if missing:
        raise SystemExit(f"PLOVER manual parse lost event types: {missing}")
    return {t: types[t] for t in PLOVER_TYPES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", type=Path, default=UPSTREAM, help="upstream sources")
    parser.add_argument("--out", type=Path, default=ROOT / "service" / "data")
    args = parser.parse_args()
    upstream, out = args.upstream, args.out
    out.mkdir(parents=True, exist_ok=True)
    write(out, "actors.json", ["phoenix"], build_actors(upstream))
    write(out, "agents.json", ["phoenix"], build_agents(upstream))
    write(out, "cameo.json", ["cameo_labels", "goldstein", "cameo2plover"], build_cameo(upstream))
    write(out, "plover.json", ["plover_manual"], build_plover(upstream))
    write(out, "organisations.json", ["phoenix"], ORGANISATION_NAMES)


if __name__ == "__main__":
    main()
