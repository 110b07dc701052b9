"""Writes the small fixture files of this folder, with their awkward bytes on purpose.

Run `python tests/data/make_fixtures.py` to remake them; the tests read the committed files.
"""
import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write(name: str, header: list[str], rows: list[list[str]], encoding: str, bom: bool = False,
          newline: str = "\n") -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding))


# Curated format: a UTF-8 BOM, an Urdu place name, a bad date (line 3), a negative count (line 4),
# an unknown category (line 5), the same event twice (lines 6-7), a future date (line 8), a blank
# (unknown) death toll, province spellings 'KPK', 'Baluchistan', 'Sind'.
write("curated_awkward.csv",
      "event_date,date_end,date_precision,country,admin1,admin2,location,category,actor,assoc_actor,target,killed,injured,description,source_title,source_url,source_publisher,source_date".split(","),
      [
          ["2014-11-01", "", "month", "PAK", "Punjab", "Khanewal", "خانیوال Khanewal district", "propaganda", "Unidentified IS sympathisers", "", "general public", "", "", "Wall-chalking test row", "t1", "http://example.org/1", "Dawn", "2014-11-05"],
          ["2017-13-01", "", "day", "PAK", "Sindh", "Karachi", "Karachi", "attack", "Islamic State", "", "", "3", "", "Bad month", "t2", "http://example.org/2", "Dawn", "2017-01-05"],
          ["2016-05-02", "", "day", "PAK", "KPK", "Peshawar", "Peshawar", "attack", "Jamaat-ul-Ahrar", "", "police", "-2", "", "Negative toll", "t3", "http://example.org/3", "Dawn", "2016-05-03"],
          ["2016-05-03", "", "day", "PAK", "Baluchistan", "Quetta", "Quetta", "riot", "Unknown", "", "", "", "", "Unknown category", "t4", "http://example.org/4", "Dawn", "2016-05-04"],
          ["2015-01-01", "", "year", "PAK", "", "", "", "allegiance", "Jamaat-ul-Ahrar", "", "", "", "", "Pledge, year only", "t5", "http://example.org/5", "CAPS", "2018-02-05"],
          ["2015-01-01", "", "year", "PAK", "", "", "", "allegiance", "Jamaat-ul-Ahrar", "", "", "", "", "Pledge, year only (again)", "t5", "http://example.org/5", "CAPS", "2018-02-05"],
          ["2099-01-01", "", "day", "PAK", "Sindh", "Jamshoro", "Sehwan", "attack", "Islamic State", "", "", "", "", "Future", "t6", "http://example.org/6", "Dawn", "2099-01-02"],
          ["2017-02-16", "", "day", "PAK", "Sind", "Jamshoro", "Shrine of Lal Shahbaz Qalandar, Sehwan", "attack", "Islamic State (claimed via Amaq)", "", "Sufi shrine visitors", "90", "300", "Sehwan", "t7", "http://example.org/7", "Dawn", "2017-02-17"],
      ], "utf-8", bom=True)

# Suicide-attack format as the original Kaggle releases wrote it: Windows-1252 bytes (line 3),
# weekday dates with typos ('Sturday-Nov-26-2016'), Killed Min > Killed Max (line 3), an impossible
# date (line 5), a latitude out of range (line 6), a row with no coordinates (line 7), CRLF endings.
write("suicide_original_latin1.csv",
      "S#,Date,Islamic Date,Blast Day Type,Holiday Type,Time,City,Latitude,Longitude,Province,Location,Location Category,Location Sensitivity,Open/Closed Space,Influencing Event/Event,Target Type,Targeted Sect if any,Killed Min,Killed Max,Injured Min,Injured Max,No. of Suicide Blasts,Hospital Names,Temperature(C),Temperature(F),Explosive Weight (max kg)".split(","),
      [
          ["1", "Sunday-November 19-1995", "", "", "", "", "Islamabad", "33.718", "73.0718", "Capital", "Egyptian Embassy", "", "", "", "", "Foreigner", "", "14", "15", "", "60", "2", "", "", "", ""],
          ["2", "Sturday-Nov-26-2016", "", "", "", "", "Karachi", "24.9918", "66.9911", "Sindh", "Caf\u00e9 Ren\u00e9", "", "", "", "", "Civilian", "Shia", "9", "4", "", "", "1", "", "", "", ""],
          ["3", "Friday-February 16-2017", "", "", "", "", "Sehwan Town", "26.4243", "67.8617", "Sindh", "Shrine", "", "", "", "", "Religious", "Sunni", "88", "90", "", "", "1", "", "", "", ""],
          ["4", "31/31/2010", "", "", "", "", "Quetta", "30.18", "67.0", "Baluchistan", "Market", "", "", "", "", "Civilian", "", "1", "2", "", "", "1", "", "", "", ""],
          ["5", "1/5/2011", "", "", "", "", "Quetta", "130.18", "67.0", "Baluchistan", "Market", "", "", "", "", "Civilian", "", "1", "2", "", "", "1", "", "", "", ""],
          ["6", "3/15/2011", "", "", "", "", "Khanewal", "", "", "Punjab", "Bazaar", "", "", "", "", "Civilian", "", "", "", "", "", "1", "", "", "", ""],
      ], "cp1252", newline="\r\n")

# Drone-strike format: the 'Total Died Mix' typo, weekday dates, two references in one cell, a row
# without coordinates, and the totals row that ends the real file.
write("drone_small.csv",
      "S#,Date,Time,Location,City,Province,No of Strike,Al-Qaeda,Taliban,Civilians Min,Civilians Max,Foreigners Min,Foreigners Max,Total Died Min,Total Died Mix,Injured Min,Injured Max,Women/Children  ,Special Mention (Site),Comments,References,Longitude,Latitude,Temperature(C),Temperature(F)".split(","),
      [
          ["1", "Friday, June 18, 2004", "22:00", "Near Wana", "South Waziristan", "FATA", "1", "", "1", "0", "4", "", "", "", "5", "", "", "N", "", "Strike on a house", "http://archives.dawn.com/2004/06/19/top1.htm", "69.9", "33.0333", "", ""],
          ["2", "Monday, October 16, 2017", "", "Zero-point", "Lower Kurram Agency", "FATA", "4", "", "5", "", "", "0", "0", "17", "26", "", "", "N", "", "No coordinates", "http://a.example/1; https://b.example/2", "", "", "", ""],
          ["", "", "", "", "", "", "", "49", "662", "1304", "2542", "68", "372", "1943", "3658", "402", "1329", "", "", "", "", "", "", "", ""],
      ], "cp1252")

# Indicator fixture: eleven events whose indicator values are worked out by hand in
# tests/indicators/test_library.py (test data only; not real events).
CURATED_HEADER = "event_date,date_end,date_precision,country,admin1,admin2,location,category,actor,assoc_actor,target,killed,injured,description,source_title,source_url,source_publisher,source_date".split(",")


def event(date, precision, admin1, admin2, category, actor, target="", killed="", injured="", n=0):
    return [date, "", precision, "PAK", admin1, admin2, admin2, category, actor, "", target, killed,
            injured, f"fixture event {n}", "fixture", f"http://example.org/fixture/{n}", "Fixture", date[:4] + "-12-31"]


write("indicator_events.csv", CURATED_HEADER, [
    event("2014-10-16", "day", "Sindh", "Karachi", "propaganda", "IS sympathisers", n=1),
    event("2014-11-01", "month", "Punjab", "Khanewal", "propaganda", "IS sympathisers", n=2),
    event("2015-01-01", "year", "", "", "allegiance", "Jamaat-ul-Ahrar", n=3),
    event("2015-05-13", "day", "Sindh", "Karachi", "attack", "Islamic State", "Ismaili Shi'a bus passengers", "45", "13", n=4),
    event("2016-08-08", "day", "Balochistan", "Quetta", "attack", "Jamaat-ul-Ahrar", "lawyers", "70", "100", n=5),
    event("2016-10-24", "day", "Balochistan", "Quetta", "attack", "Islamic State Khorasan Province", "police cadets", "61", "165", n=6),
    event("2016-11-12", "day", "Balochistan", "Khuzdar", "attack", "Islamic State", "Sufi shrine visitors", "52", "", n=7),
    event("2017-02-16", "day", "Sindh", "Jamshoro", "attack", "Islamic State", "Sufi shrine visitors", "90", "300", n=8),
    event("2017-02-10", "day", "Sindh", "Hyderabad", "recruitment", "Islamic State", "medical student", n=9),
    event("2017-06-02", "day", "Balochistan", "Mastung", "counter_terrorism", "Pakistani security forces", "IS commanders", "12", n=10),
    event("2016-10-05", "day", "Balochistan", "Quetta", "attack", "Islamic State", "Shi'a worshippers", "2", "", n=11),
], "utf-8")

# Hostile text: formulas and markup in event fields must stay text in every export and page.
write("hostile_events.csv", CURATED_HEADER, [
    ["2016-03-01", "", "day", "PAK", "Sindh", "Karachi", "<script>alert(1)</script>", "propaganda",
     "=HYPERLINK(\"http://example.org\",\"click\")", "", "@SUM(A1:A9)", "", "",
     "+cmd|' /C calc'!A0 <img src=x onerror=alert(1)> [link](javascript:alert(1))", "fixture",
     "http://example.org/hostile", "-Fixture", "2016-03-02"],
], "utf-8")

# The briefing note's fixture (tests/indicators/test_brief.py works its sentences out by hand):
# Q4 2018 against Q3 2018 and Q4 2017, with a second dataset (brief_suicide.csv) that covers
# Q4 2017 in part and Q4 2018 not at all.
CURATED = "event_date,date_end,date_precision,country,admin1,admin2,location,category,actor,assoc_actor,target,killed,injured,description,source_title,source_url,source_publisher,source_date".split(",")


def brief_row(n, day, province, district, category, actor, target="", killed=""):
    return [day, "", "day", "PAK", province, district, district, category, actor, "", target, killed, "",
            f"brief event {n}", "fixture", f"http://example.org/brief/{n}", "Fixture", day]


write("brief_events.csv", CURATED, [
    brief_row(1, "2016-05-10", "Balochistan", "Quetta", "attack", "Lashkar-e-Jhangvi", "police", "3"),
    brief_row(2, "2017-11-15", "Sindh", "Karachi", "attack", "Islamic State", "police", "1"),
    brief_row(3, "2018-08-01", "Balochistan", "Quetta", "attack", "Lashkar-e-Jhangvi", "police", "4"),
    brief_row(4, "2018-10-05", "Balochistan", "Mastung", "attack", "Lashkar-e-Jhangvi", "Hazara Shi'a", "10"),
    brief_row(5, "2018-11-11", "Balochistan", "Quetta", "attack", "Lashkar-e-Jhangvi", "police", "2"),
    brief_row(6, "2018-12-01", "Sindh", "Karachi", "attack", "Islamic State", "Christian church", "0"),
    brief_row(7, "2018-11-03", "Sindh", "Karachi", "propaganda", "Islamic State"),
    brief_row(8, "2018-11-20", "Sindh", "Karachi", "propaganda", "Islamic State"),
    brief_row(9, "2018-12-15", "Sindh", "Karachi", "propaganda", "Islamic State"),
    brief_row(10, "2018-10-20", "Sindh", "Hyderabad", "recruitment", "Islamic State"),
    brief_row(11, "2018-12-05", "Sindh", "Hyderabad", "recruitment", "Islamic State"),
    brief_row(12, "2018-11-25", "Khyber Pakhtunkhwa", "", "allegiance", "Jamaat-ul-Ahrar"),
    brief_row(13, "2019-02-10", "Sindh", "Karachi", "propaganda", "Islamic State"),
], "utf-8")
write("brief_suicide.csv",
      "S#,Date,Islamic Date,Blast Day Type,Holiday Type,Time,City,Latitude,Longitude,Province,Location,Location Category,Location Sensitivity,Open/Closed Space,Influencing Event/Event,Target Type,Targeted Sect if any,Killed Min,Killed Max,Injured Min,Injured Max,No. of Suicide Blasts,Hospital Names,Temperature(C),Temperature(F),Explosive Weight (max kg)".split(","),
      [
          ["1", "3/1/2016", "", "", "", "", "Peshawar", "34.0151", "71.5249", "KPK", "Market", "", "", "", "", "Civilian", "", "5", "6", "", "", "1", "", "", "", ""],
          ["2", "12/20/2017", "", "", "", "", "Peshawar", "34.0151", "71.5249", "KPK", "Market", "", "", "", "", "Civilian", "", "7", "8", "", "", "1", "", "", "", ""],
      ], "utf-8")

# UCDP Candidate 2025 cut to 7 columns, as the bundled file (strings quoted, dates YYYY-MM-DD):
# lines 2-5 are real rows of data/raw/ucdp_candidate_2025_7col_pak_afg.csv (line 3: a "Pakistan:
# Government" event whose country is Afghanistan; line 4: one-sided violence by a government;
# line 5: by the TTP); made up: a conflict name the reference table lacks (line 6), a row of
# India (line 7: out of scope), a row without a date (line 8: rejected).
(HERE / "ucdp_candidate_7col_small.csv").write_text(
    '"id","conflict_new_id","conflict_name","country","best","type_of_violence","date"\n'
    '561377,325,"Pakistan: Balochistan","Pakistan",7,1,2025-01-04\n'
    '561722,404,"Pakistan: Government","Afghanistan",2,1,2025-01-18\n'
    '558821,484,"Government of Afghanistan - Civilians","Afghanistan",0,3,2025-01-01\n'
    '566067,530,"TTP - Civilians","Pakistan",0,3,2025-01-27\n'
    '999001,999,"Pakistan: Sindh","Pakistan",1,1,2025-02-01\n'
    '999002,218,"India: Kashmir","India",3,1,2025-05-07\n'
    '999003,325,"Pakistan: Balochistan","Pakistan",2,1,\n', encoding="utf-8")

# UCDP GED rows (the columns of imports/ucdp_ged.csv) for two events of 2025: id 561377 is the
# Candidate event of line 2 above as GED would publish it, placed in Quetta (made up: the GED
# release for 2025 is not out); id 700001 is an event of its own.
GED_2025 = ("id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
            "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
            "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
            "source_date,source_headline,source_original,where_prec,where_coordinates,"
            "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
            "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
            "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob").split(",")


def ged_row(event_id, day, conflict, side_b, where, adm1, adm2, lat, lon, best):
    row = dict.fromkeys(GED_2025, "")
    row.update({"id": event_id, "year": day[:4], "active_year": "1", "code_status": "Clear",
                "type_of_violence": "1", "conflict_name": conflict, "side_a": "Government of Pakistan",
                "side_b": side_b, "where_prec": "1", "where_description": where, "adm_1": adm1,
                "adm_2": adm2, "latitude": lat, "longitude": lon, "country": "Pakistan",
                "country_id": "770", "region": "Asia", "date_prec": "1", "date_start": day,
                "date_end": day, "best": best, "high": best, "low": best})
    return [row[c] for c in GED_2025]


write("ucdp_ged_2025_small.csv", GED_2025, [
    ged_row("561377", "2025-01-04", "Pakistan: Balochistan", "BLA", "Quetta town",
            "Balochistan province", "Quetta district", "30.1798", "66.975", "7"),
    ged_row("700001", "2025-03-02", "Pakistan: Government", "TTP", "Peshawar town",
            "Khyber Pakhtunkhwa province", "Peshawar district", "34.0151", "71.5249", "3"),
], "utf-8")

def militant_rules_ucdp() -> None:
    """UCDP GED rows for the counting rules (tests/indicators/test_militant.py), each a copy of the
    first TTP clash of the bundled GED file (its place and columns) with its sides changed: a
    TTP-army clash, an India-Pakistan clash, a US strike on al-Qaida, a party clash (non-state),
    a TTP attack on civilians (one-sided)."""
    source = HERE.parent.parent / "data" / "raw" / "ucdp_ged_pak_1989_2021_hdx.csv"
    with open(source, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    template = next(r for r in rows[1:] if r["side_b"] == "TTP" and r["type_of_violence"] == "1")
    sides = [("Government of Pakistan", "TTP", 1, "Pakistan: Government"),
             ("Government of India", "Government of Pakistan", 1, "India - Pakistan"),
             ("Government of United States of America", "al-Qaida", 1, "United States of America: al-Qaida"),
             ("MQM", "Supporters of PPP", 2, "MQM - PPP"),
             ("TTP", "Civilians", 3, "TTP - Civilians")]
    out = []
    for i, (a, b, kind, conflict) in enumerate(sides, start=1):
        day = f"2019-05-0{i} 00:00:00.000"
        out.append(dict(template, id=str(900000 + i), side_a=a, side_b=b, type_of_violence=str(kind),
                        conflict_name=conflict, best="2", low="2", high="2", date_start=day,
                        date_end=day, year="2019"))
    header = list(template)
    write("militant_rules_ucdp.csv", header, [[r[c] for c in header] for r in out], "utf-8")


militant_rules_ucdp()
