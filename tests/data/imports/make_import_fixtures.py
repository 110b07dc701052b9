"""Writes the import fixtures of tests/data/imports/ and the bad-file corpus of tests/data/bad/.

The headers are the datasets' published column lists (see ../shared/FORMATS.md as copied into the
README); the rows are made up for the tests, with the awkward cases on purpose. Places use real
coordinates of real towns so that they land in known districts: Peshawar, Quetta, Karachi,
Jalalabad (Nangarhar), Kabul. Run `python tests/data/imports/make_import_fixtures.py` to remake
them; the tests read the committed files.
"""
import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE.parent / "bad"

PESHAWAR, QUETTA, KARACHI = ("34.0151", "71.5249"), ("30.1798", "66.975"), ("24.8607", "67.0011")
JALALABAD, KABUL = ("34.4265", "70.4515"), ("34.5553", "69.2075")

ACLED = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
         "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
         "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
         "source_scale,notes,fatalities,tags,timestamp").split(",")
ACLED_2019 = ("data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,"
              "event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
              "interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,"
              "geo_precision,source,source_scale,notes,fatalities,timestamp,iso3").split(",")
ACLED_OLD = ("GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,"
             "ACTOR1,ALLY_ACTOR_1,INTER1,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,LOCATION,"
             "LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES").split(",")
GTD = ("eventid,iyear,imonth,iday,approxdate,extended,resolution,country,country_txt,region,"
       "region_txt,provstate,city,latitude,longitude,specificity,vicinity,location,summary,crit1,"
       "crit2,crit3,doubtterr,multiple,success,suicide,attacktype1,attacktype1_txt,targtype1,"
       "targtype1_txt,targsubtype1,targsubtype1_txt,corp1,target1,natlty1,natlty1_txt,gname,"
       "gsubname,gname2,gname3,guncertain1,claimed,weaptype1,weaptype1_txt,nkill,nkillus,nkillter,"
       "nwound,nwoundus,nwoundte,property,propextent,propextent_txt,propvalue,ishostkid,nhostkid,"
       "scite1,scite2,scite3,dbsource,INT_LOG,INT_IDEO,INT_MISC,INT_ANY,related").split(",")
UCDP = ("id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
        "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
        "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
        "source_date,source_headline,source_original,where_prec,where_coordinates,"
        "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
        "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
        "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob").split(",")


def row(header, **values):
    return [str(values.get(h.lower(), "")) for h in header]


def csv_bytes(header, rows, encoding="utf-8", bom=False, newline="\n", trailing=()):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(header)
    for i, r in enumerate(rows):
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow(r)  # quotes cells holding \r or \n
        buf.write(line.getvalue()[:-2] + ("," if i in trailing else "") + newline)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding)


def acled(**kw):
    base = dict(time_precision="1", disorder_type="Political violence", year="2023",
                iso="586", region="Southern Asia", country="Pakistan", geo_precision="1",
                source="Dawn", source_scale="National", fatalities="0", timestamp="1700000000")
    return {**base, **kw}


ACLED_ROWS = [
    acled(event_id_cnty="PAK1001", event_date="30 January 2023", event_type="Explosions/Remote violence",
          sub_event_type="Suicide bomb", actor1="Islamic State Khorasan Province", inter1="Rebel group",
          actor2="Police Forces of Pakistan (2018-)", inter2="State forces",
          interaction="Rebel group-State forces", admin1="Khyber Pakhtunkhwa", admin2="Peshawar",
          location="Peshawar", latitude=PESHAWAR[0], longitude=PESHAWAR[1], fatalities="84",
          notes="Suicide bombing in a mosque in the police lines.\nClaimed by a faction."),
    acled(event_id_cnty="AFG2001", event_date="16 May 2023", event_type="Explosions/Remote violence",
          sub_event_type="Air/drone strike", actor1="Military Forces of the United States",
          inter1="External/Other forces", actor2="Islamic State Khorasan Province", iso="4",
          country="Afghanistan", admin1="Nangarhar", admin2="Jalalabad", location="Jalalabad",
          latitude=JALALABAD[0], longitude=JALALABAD[1], fatalities="3", notes="Drone strike."),
    acled(event_id_cnty="PAK1002", event_date="2023-02-01", event_type="Protests",
          sub_event_type="Peaceful protest", actor1="Protesters (Pakistan)", inter1="Protesters",
          admin1="Sindh", admin2="Karachi", location="Karachi", latitude=KARACHI[0],
          longitude=KARACHI[1], notes="A march."),
    acled(event_id_cnty="IND3001", event_date="2023-02-02", event_type="Battles",
          sub_event_type="Armed clash", actor1="Military Forces of India (2014-)",
          inter1="State forces", iso="356", country="India", admin1="Punjab", location="Amritsar",
          latitude="31.634", longitude="74.8723", notes="Outside the region."),
    acled(event_id_cnty="PAK1003", event_date="2023-02-30", event_type="Battles",
          sub_event_type="Armed clash", actor1="Tehrik-i-Taliban Pakistan (TTP)", inter1="Rebel group",
          admin1="Balochistan", admin2="Quetta", location="Quetta", latitude=QUETTA[0],
          longitude=QUETTA[1], notes="Impossible date."),
    acled(event_id_cnty="PAK1004", event_date="2023-03-04", event_type="Battles",
          sub_event_type="Armed clash", actor1="Military Forces of Pakistan (2018-)",
          inter1="State forces", actor2="Tehrik-i-Taliban Pakistan (TTP)", inter2="Rebel group",
          admin1="Balochistan", admin2="Quetta", location="Quetta", latitude=QUETTA[0],
          longitude=QUETTA[1], fatalities="-3", notes="Negative toll."),
    acled(event_id_cnty="PAK1005", event_date="2023-03-05", event_type="Battles",
          sub_event_type="Armed clash", actor1="Military Forces of Pakistan (2018-)",
          inter1="State forces", actor2="Tehrik-i-Taliban Pakistan (TTP)", inter2="Rebel group",
          admin1="Balochistan", admin2="Quetta", location="Quetta", latitude=QUETTA[0],
          longitude=QUETTA[1], fatalities="4", geo_precision="3", time_precision="2",
          notes="Clash near Quetta."),
    acled(event_id_cnty="PAK1001", event_date="30 January 2023", event_type="Explosions/Remote violence",
          sub_event_type="Suicide bomb", actor1="Islamic State Khorasan Province", inter1="Rebel group",
          admin1="Khyber Pakhtunkhwa", admin2="Peshawar", location="Peshawar",
          latitude=PESHAWAR[0], longitude=PESHAWAR[1], fatalities="84", notes="The same row again."),
]


def acled_2019(**kw):
    base = dict(iso="586", year="2019", time_precision="1", region="Southern Asia",
                country="Pakistan", geo_precision="1", source="Dawn", source_scale="National",
                fatalities="0", timestamp="1560000000", iso3="PAK")
    return {**base, **kw}


ACLED_2019_ROWS = [
    acled_2019(data_id="1", event_id_cnty="PAK50", event_id_no_cnty="50", event_date="01-January-2019",
               event_type="Violence against civilians", sub_event_type="Attack",
               actor1="Unidentified Armed Group (Pakistan)", inter1="3", actor2="Civilians (Pakistan)",
               inter2="7", interaction="37", admin1="Sindh", admin2="Karachi", location="Karachi",
               latitude=KARACHI[0], longitude=KARACHI[1], fatalities="1", notes="Shooting."),
    acled_2019(data_id="2", event_id_cnty="PAK51", event_id_no_cnty="51", event_date="02-January-2019",
               event_type="Battles", sub_event_type="Armed clash",
               actor1="Military Forces of Pakistan (2018-)", inter1="1",
               actor2="TTP: Tehreek-i-Taliban Pakistan", inter2="2", interaction="12",
               admin1="Khyber Pakhtunkhwa", admin2="Peshawar", location="Peshawar",
               latitude=PESHAWAR[0], longitude=PESHAWAR[1], fatalities="2", notes="Raid."),
    acled_2019(data_id="3", event_id_cnty="PAK52", event_id_no_cnty="52", event_date="03-January-2019",
               event_type="Explosions/Remote violence", sub_event_type="Remote explosive/landmine/IED",
               actor1="Jamaat-ul-Ahrar", inter1="2", admin1="Baluchistan", admin2="Quetta",
               location="Quetta", latitude=QUETTA[0], longitude=QUETTA[1], fatalities="5",
               notes="IED."),
]

ACLED_OLD_ROWS = [
    dict(gwno="770", event_id_cnty="1PAK", event_id_no_cnty="1", event_date="9-May-20", year="2020",
         time_precision="1", event_type="Remote violence", actor1="Islamic State (Pakistan)",
         ally_actor_1="", inter1="3", interaction="37", country="Pakistan", admin1="NWFP",
         admin2="Peshawar", location="Peshawar", latitude=PESHAWAR[0], longitude=PESHAWAR[1],
         geo_precision="1", source="Dawn", notes="Old layout.", fatalities="2"),
    dict(gwno="770", event_id_cnty="2PAK", event_id_no_cnty="2", event_date="5-Aug-20", year="2020",
         time_precision="3", event_type="Violence against civilians", actor1="Unidentified Armed Group",
         ally_actor_1="Daesh", inter1="3", interaction="37", country="Pakistan", admin1="Sind",
         admin2="Karachi", location="Karachi", latitude=KARACHI[0], longitude=KARACHI[1],
         geo_precision="2", source="Dawn", notes="Old layout, month only.", fatalities=""),
]

API_ROWS = [
    {**{h: "" for h in ACLED}, **acled(
        event_id_cnty="AFG9001", event_date="2023-01-31", event_type="Explosions/Remote violence",
        sub_event_type="Suicide bomb", actor1="Islamic State (Afghanistan)", inter1="2",
        iso="4", country="Afghanistan", admin1="Kabul", admin2="Kabul", location="Kabul",
        latitude=KABUL[0], longitude=KABUL[1], fatalities="20", notes="API row.")},
    {**{h: "" for h in ACLED}, **acled(
        event_id_cnty="PAK9002", event_date="2023-02-01", event_type="Battles",
        sub_event_type="Armed clash", actor1="Tehrik-i-Taliban Pakistan (TTP)", inter1="2",
        admin1="Sindh", admin2="Karachi", location="Karachi", latitude=KARACHI[0],
        longitude=KARACHI[1], fatalities="1", notes="API row 2.")},
]


def gtd(**kw):
    base = dict(extended="0", country="153", country_txt="Pakistan", region="6",
                region_txt="South Asia", crit1="1", crit2="1", crit3="1", doubtterr="0",
                multiple="0", success="1", suicide="0", attacktype1="3",
                attacktype1_txt="Bombing/Explosion", targtype1="14",
                targtype1_txt="Private Citizens & Property", natlty1="153", natlty1_txt="Pakistan",
                gname="Unknown", guncertain1="0", weaptype1="6", weaptype1_txt="Explosives",
                property="-9", ishostkid="0", dbsource="START Primary Collection",
                int_log="-9", int_ideo="-9", int_misc="0", int_any="-9")
    return {**base, **kw}


GTD_ROWS = [
    gtd(eventid="201501300001", iyear="2015", imonth="1", iday="30", provstate="Khyber Pakhtunkhwa",
        city="Peshawar", latitude=PESHAWAR[0], longitude=PESHAWAR[1], specificity="1",
        summary="01/30/2015: An explosive device detonated near a caf\u00e9 in Peshawar.",
        gname="Khorasan Chapter of the Islamic State", target1="Caf\u00e9 patrons", nkill="3",
        nwound="", scite1="\u00ab Dawn \u00bb, January 30, 2015"),
    gtd(eventid="201502000001", iyear="2015", imonth="2", iday="0", provstate="North-West Frontier Province",
        city="Peshawar", latitude=PESHAWAR[0], longitude=PESHAWAR[1], specificity="1",
        summary="February 2015: day unknown.", gname="Tehrik-i-Taliban Pakistan (TTP)", nkill="",
        nwound="2"),
    gtd(eventid="201500000001", iyear="2015", imonth="0", iday="0", provstate="Bolochistan",
        city="Unknown", latitude="28.5", longitude="65.5", specificity="4",
        summary="2015: month unknown; the point is the province centroid.",
        gname="Jaish-e-Khorasan (JeK)", nkill="1", nwound="0"),
    gtd(eventid="201503010001", iyear="2015", imonth="3", iday="1", provstate="SIndh", city="Karachi",
        latitude=KARACHI[0], longitude=KARACHI[1], specificity="1", attacktype1="2",
        attacktype1_txt="Armed Assault", summary="Armed assault.", gname="Jamaat-ul-Ahrar",
        gname2="Tehrik-i-Taliban Pakistan (TTP)", nkill="-99", nwound="4"),
    gtd(eventid="201503020001", iyear="2015", imonth="3", iday="2", country="92", country_txt="India",
        provstate="Punjab", city="Amritsar", latitude="31.634", longitude="74.8723",
        specificity="1", summary="Outside the region.", nkill="0", nwound="0"),
    gtd(eventid="201504310001", iyear="2015", imonth="4", iday="31", provstate="Sindh",
        city="Karachi", latitude=KARACHI[0], longitude=KARACHI[1], specificity="1",
        summary="April has 30 days.", nkill="0", nwound="0"),
]


def ucdp(**kw):
    base = dict(year="2015", active_year="1", code_status="Clear", conflict_name="Pakistan: Government",
                number_of_sources="1", source_office="Dawn", where_coordinates="", geom_wkt="",
                priogrid_gid="", country="Pakistan", country_id="770", region="Asia",
                event_clarity="1", deaths_a="0", deaths_b="0", deaths_civilians="0",
                deaths_unknown="0", gwnoa="770", gwnob="")
    return {**base, **kw}


UCDP_ROWS = [
    ucdp(id="101", relid="PAK-2015-1-1", type_of_violence="1", side_a="Government of Pakistan",
         side_b="TTP", source_article="Dawn, 2015-03-10, \"Clash\nin Quetta\"",
         source_headline="Clash in Quetta", where_prec="1", where_description="Quetta town",
         adm_1="Balochistan province", adm_2="Quetta district", latitude=QUETTA[0],
         longitude=QUETTA[1], date_prec="1", date_start="2015-03-10", date_end="2015-03-10",
         best="5", high="7", low="4"),
    ucdp(id="102", relid="PAK-2015-1-2", type_of_violence="3", side_a="IS",
         side_b="Civilians", source_headline="Attack in Karachi", where_prec="2",
         where_description="Karachi", adm_1="Sindh province", adm_2="Karachi district",
         latitude=KARACHI[0], longitude=KARACHI[1], date_prec="1", date_start="2015-05-13",
         date_end="2015-05-13", best="45", high="46", low="43"),
    ucdp(id="103", relid="PAK-2015-1-3", type_of_violence="3", side_a="Government of Pakistan",
         side_b="Civilians", where_prec="4", where_description="Khyber Pakhtunkhwa",
         adm_1="Khyber Pakhtunkhwa province", latitude="34.5", longitude="72.0", date_prec="1",
         date_start="2015-06-01", date_end="2015-06-01", best="1", high="1", low="1"),
    ucdp(id="104", relid="PAK-2015-1-4", type_of_violence="1",
         side_a="Government of United States of America", side_b="al-Qaida",
         where_prec="3", where_description="Peshawar district", adm_1="Khyber Pakhtunkhwa province",
         adm_2="Peshawar district", latitude=PESHAWAR[0], longitude=PESHAWAR[1], date_prec="2",
         date_start="2015-07-01", date_end="2015-07-03", best="2", high="3", low="2"),
    ucdp(id="105", relid="PAK-2015-1-5", type_of_violence="2", side_a="TTP", side_b="Lashkar-e-Islam",
         where_prec="6", where_description="Pakistan", latitude="30.0", longitude="70.0",
         date_prec="5", date_start="2015-01-01", date_end="2015-12-31", best="", high="", low=""),
]

HXL = {"id": "#id", "year": "#date+year", "latitude": "#geo+lat", "longitude": "#geo+lon",
       "country": "#country+name", "best_est": "#affected+killed"}


# Real conventions (../shared/FORMATS.md): GTD written from R (`NA` for unknown, fractional nkill /
# nwound that split a multi-part attack's deaths, coordinates NA), UTF-8.
GTD_R_ROWS = [
    gtd(eventid="201601010001", iyear="2016", imonth="1", iday="1", provstate="Khyber Pakhtunkhwa",
        city="Peshawar", latitude=PESHAWAR[0], longitude=PESHAWAR[1], specificity="1",
        summary="Part 1 of a multi-part attack.\nDeaths split across the parts.",
        gname="Khorasan Chapter of the Islamic State", nkill="0.25", nwound="1.5", related="201601010002"),
    gtd(eventid="201601010002", iyear="2016", imonth="1", iday="1", provstate="Khyber Pakhtunkhwa",
        city="Peshawar", latitude=PESHAWAR[0], longitude=PESHAWAR[1], specificity="1",
        summary="Part 2.", gname="Khorasan Chapter of the Islamic State", nkill="0.25", nwound="1.5"),
    gtd(eventid="201602030001", iyear="2016", imonth="2", iday="3", provstate="Balochistan",
        city="Quetta", latitude=QUETTA[0], longitude=QUETTA[1], specificity="1",
        summary="Unknown toll.", gname="Tehrik-i-Taliban Pakistan (TTP)", nkill="NA", nwound="NA"),
    gtd(eventid="201603040001", iyear="2016", imonth="3", iday="4", provstate="Sindh",
        city="Karachi", latitude="NA", longitude="NA", specificity="1",
        summary="Coordinates NA.", gname="Unknown", nkill="53.5", nwound="0.33"),
    gtd(eventid="201704050001", iyear="2017", imonth="4", iday="5", provstate="Sindh",
        city="Karachi", latitude=KARACHI[0], longitude=KARACHI[1], specificity="2",
        summary="A whole number.", gname="Lashkar-e-Jhangvi", nkill="3", nwound="NA"),
    gtd(eventid="201705060001", iyear="2017", imonth="5", iday="6", provstate="Balochistan",
        city="Quetta", latitude=QUETTA[0], longitude=QUETTA[1], specificity="1",
        summary="inf in a count cell.", gname="Unknown", nkill="inf", nwound="3.75"),
]

# An ACLED export of South Asia (the export tool's date style): protests, strategic developments,
# state violence against civilians and battles beside attacks, and rows of other countries.
ACLED_SOUTH_ASIA_ROWS = [
    acled(event_id_cnty="PAK3001", event_date="16 May 2025", year="2025", event_type="Protests",
          sub_event_type="Peaceful protest", actor1="Protesters (Pakistan)", inter1="Protesters",
          admin1="Sindh", admin2="Karachi", location="Karachi", latitude=KARACHI[0],
          longitude=KARACHI[1], fatalities="0", notes="Protest."),
    acled(event_id_cnty="PAK3002", event_date="17 May 2025", year="2025",
          event_type="Strategic developments", sub_event_type="Change to group/activity",
          actor1="Islamic State Khorasan Province (ISKP)", inter1="Rebel group", admin1="Khyber Pakhtunkhwa",
          admin2="Peshawar", location="Peshawar", latitude=PESHAWAR[0], longitude=PESHAWAR[1],
          fatalities="0", notes="ISKP announces a new wilayah."),
    acled(event_id_cnty="PAK3003", event_date="18 May 2025", year="2025",
          event_type="Strategic developments", sub_event_type="Agreement",
          actor1="Military Forces of Pakistan (2018-)", inter1="State forces", admin1="Balochistan",
          admin2="Quetta", location="Quetta", latitude=QUETTA[0], longitude=QUETTA[1],
          fatalities="0", notes="Ceasefire agreement."),
    acled(event_id_cnty="PAK3004", event_date="19 May 2025", year="2025",
          event_type="Violence against civilians", sub_event_type="Attack",
          actor1="Police Forces of Pakistan (2018-)", inter1="State forces", admin1="Sindh",
          admin2="Karachi", location="Karachi", latitude=KARACHI[0], longitude=KARACHI[1],
          fatalities="2", notes="Police fire on civilians."),
    acled(event_id_cnty="PAK3005", event_date="20 May 2024", year="2024", event_type="Battles",
          sub_event_type="Armed clash", actor1="Military Forces of Pakistan (2018-)",
          inter1="State forces", actor2="Tehrik-i-Taliban Pakistan (TTP)", admin1="Khyber Pakhtunkhwa",
          admin2="Peshawar", location="Peshawar", latitude=PESHAWAR[0], longitude=PESHAWAR[1],
          fatalities="7", notes="Clash."),
    acled(event_id_cnty="PAK3006", event_date="21 May 2024", year="2024",
          event_type="Explosions/Remote violence", sub_event_type="Suicide bomb",
          actor1="Tehrik-i-Taliban Pakistan (TTP)", inter1="Rebel group", admin1="Balochistan",
          admin2="Quetta", location="Quetta", latitude=QUETTA[0], longitude=QUETTA[1],
          fatalities="12", notes="Suicide bombing."),
    acled(event_id_cnty="AFG3007", event_date="22 May 2024", year="2024", iso="4",
          country="Afghanistan", event_type="Strategic developments",
          sub_event_type="Headquarters or base established", actor1="Islamic State Khorasan Province (ISKP)",
          inter1="Rebel group", admin1="Nangarhar", location="Jalalabad", latitude=JALALABAD[0],
          longitude=JALALABAD[1], fatalities="0", notes="Base established."),
    acled(event_id_cnty="IND3008", event_date="23 May 2024", year="2024", iso="356", country="India",
          event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (India)",
          inter1="Protesters", location="Delhi", latitude="28.6", longitude="77.2", fatalities="0"),
    acled(event_id_cnty="BGD3009", event_date="24 May 2024", year="2024", iso="50", country="Bangladesh",
          event_type="Riots", sub_event_type="Mob violence", actor1="Rioters (Bangladesh)",
          inter1="Rioters", location="Dhaka", latitude="23.8", longitude="90.4", fatalities="1"),
    acled(event_id_cnty="IND3010", event_date="25 May 2024", year="2024", iso="356", country="India",
          event_type="Battles", sub_event_type="Armed clash", actor1="Military Forces of India (2014-)",
          inter1="State forces", location="Srinagar", latitude="34.08", longitude="74.8", fatalities="2"),
]

# A UCDP GED extract as real releases are: best outside [low, high], low > high.
UCDP_RELEASE_ROWS = [
    ucdp(id="201", relid="PAK-2016-1-1", type_of_violence="3", side_a="TTP", side_b="Civilians",
         where_prec="1", where_description="Quetta", adm_1="Balochistan province",
         adm_2="Quetta district", latitude=QUETTA[0], longitude=QUETTA[1], date_prec="1",
         date_start="2016-08-08", date_end="2016-08-08", year="2016", best="74", high="70", low="72"),
    ucdp(id="202", relid="PAK-2016-1-2", type_of_violence="1", side_a="Government of Pakistan",
         side_b="TTP", where_prec="2", where_description="Peshawar", adm_1="Khyber Pakhtunkhwa province",
         adm_2="Peshawar district", latitude=PESHAWAR[0], longitude=PESHAWAR[1], date_prec="1",
         date_start="2016-09-02", date_end="2016-09-02", year="2016", best="3", high="5", low="4"),
    ucdp(id="203", relid="PAK-2017-1-1", type_of_violence="3", side_a="IS", side_b="Civilians",
         where_prec="1", where_description="Sehwan", adm_1="Sindh province", adm_2="Jamshoro district",
         latitude="26.4243", longitude="67.8617", date_prec="1", date_start="2017-02-16",
         date_end="2017-02-16", year="2017", best="90", high="91", low="88"),
]

# Points across the border (the district layer's simplified border; UCDP's point a little off):
# 301 is UCDP GED 187761 as published (Imal Khel post, North Waziristan: the point lies in
# Barmal, Paktika); 302 names no district; 303 is an Afghan event whose point lies in Khyber
# Agency; 304 a point in Peshawar (no disagreement); 305 names a village, not a district.
UCDP_BORDER_ROWS = [
    ucdp(id="301", relid="USA-2003-1-360-5", type_of_violence="1", year="2003",
         side_a="Government of United States of America", side_b="al-Qaida", where_prec="1",
         where_description="Imal Khel post in the Lawara Mandi area of the North Waziristan tribal "
                           "region", adm_1="Federally Administered Tribal Areas",
         adm_2="North Waziristan", latitude="32.851850", longitude="69.476420", date_prec="1",
         date_start="2003-08-11", date_end="2003-08-11", best="2", high="2", low="2"),
    ucdp(id="302", relid="PAK-2010-1-1", type_of_violence="1", year="2010",
         side_a="Government of Pakistan", side_b="TTP", where_prec="1",
         where_description="a border post", adm_1="Federally Administered Tribal Areas",
         latitude="33.34", longitude="69.92", date_prec="1", date_start="2010-04-02",
         date_end="2010-04-02", best="3", high="3", low="3"),
    ucdp(id="303", relid="AFG-2011-1-1", type_of_violence="1", year="2011", country="Afghanistan",
         country_id="700", conflict_name="Afghanistan: Government", gwnoa="700",
         side_a="Government of Afghanistan", side_b="Taleban", where_prec="1",
         where_description="near Jalalabad", adm_1="Nangarhar province", adm_2="Jalalabad district",
         latitude="34.1", longitude="71.1", date_prec="1", date_start="2011-06-05",
         date_end="2011-06-05", best="4", high="5", low="4"),
    ucdp(id="304", relid="PAK-2012-1-1", type_of_violence="3", year="2012", side_a="TTP",
         side_b="Civilians", where_prec="1", where_description="Peshawar",
         adm_1="Khyber Pakhtunkhwa province", adm_2="Peshawar district", latitude=PESHAWAR[0],
         longitude=PESHAWAR[1], date_prec="1", date_start="2012-09-09", date_end="2012-09-09",
         best="6", high="6", low="6"),
    ucdp(id="305", relid="PAK-2013-1-1", type_of_violence="1", year="2013",
         side_a="Government of Pakistan", side_b="TTP", where_prec="1",
         where_description="Datta Khel", adm_1="Federally Administered Tribal Areas",
         adm_2="Datta Khel", latitude="33.2", longitude="69.85", date_prec="1",
         date_start="2013-03-03", date_end="2013-03-03", best="1", high="1", low="1"),
]


def template_rows():
    from etl.sources.template import COLUMNS
    rows = [
        dict(event_id="t1", event_date="2016-08-08", date_precision="day", country="PAK",
             admin1="Balochistan", admin2="Quetta", location="Civil Hospital, Quetta",
             category="attack", actor="Jamaat-ul-Ahrar", target="Lawyers", fatalities="70",
             injured="112", description="Made-up template row.", source_name="Dawn",
             source_url="http://example.org/t1", source_date="2016-08-09"),
        dict(event_date="2016-09-01", date_precision="month", country="AFG", admin1="Nangarhar",
             location="Jalalabad", latitude=JALALABAD[0], longitude=JALALABAD[1],
             category="recruitment", actor="ISKP", description="Made-up template row 2.",
             source_name="Reuters"),
        dict(event_date="2099-01-01", country="PAK", category="attack", source_name="Dawn",
             description="Future date."),
    ]
    return list(COLUMNS), [[r.get(c, "") for c in COLUMNS] for r in rows]


def main():
    (HERE / "acled_export_bom.csv").write_bytes(
        csv_bytes(ACLED, [row(ACLED, **r) for r in ACLED_ROWS], bom=True))
    (HERE / "acled_2019_numeric_inter.csv").write_bytes(
        csv_bytes(ACLED_2019, [row(ACLED_2019, **r) for r in ACLED_2019_ROWS]))
    (HERE / "acled_old_uppercase.csv").write_bytes(
        csv_bytes(ACLED_OLD, [row(ACLED_OLD, **r) for r in ACLED_OLD_ROWS], newline="\r\n"))
    (HERE / "acled_api.json").write_text(json.dumps(
        {"status": 200, "success": True, "count": len(API_ROWS), "data": API_ROWS}, indent=1))
    gtd_rows = [row(GTD, **r) for r in GTD_ROWS]
    (HERE / "gtd_latin1.csv").write_bytes(csv_bytes(GTD, gtd_rows, encoding="latin-1"))
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(GTD)
    for r in gtd_rows:
        sheet.append([int(v) if v.lstrip("-").isdigit() else (float(v) if v.replace(".", "", 1)
                      .lstrip("-").isdigit() else v) for v in r])
    import datetime
    book.properties.created = book.properties.modified = datetime.datetime(2024, 1, 1)
    book.save(HERE / "gtd.xlsx")
    (HERE / "ucdp_ged.csv").write_bytes(
        csv_bytes(UCDP, [row(UCDP, **r) for r in UCDP_ROWS], trailing=(1,)))
    hdx = [h.replace("best", "best_est").replace("high", "high_est").replace("low", "low_est")
           if h in ("best", "high", "low") else h for h in UCDP]
    hdx_rows = [[HXL.get(h, "") for h in hdx]]
    for r in UCDP_ROWS[:2]:
        r = {**r, "best_est": r["best"], "high_est": r["high"], "low_est": r["low"],
             "active_year": "True", "date_start": r["date_start"] + " 00:00:00.000",
             "date_end": r["date_end"] + " 00:00:00.000"}
        hdx_rows.append(row(hdx, **r))
    (HERE / "ucdp_hdx.csv").write_bytes(csv_bytes(hdx, hdx_rows))
    header, rows = template_rows()
    (HERE / "template_events.csv").write_bytes(csv_bytes(header, rows))
    (HERE / "gtd_r_export.csv").write_bytes(csv_bytes(GTD, [row(GTD, **r) for r in GTD_R_ROWS]))
    (HERE / "acled_south_asia.csv").write_bytes(
        csv_bytes(ACLED, [row(ACLED, **r) for r in ACLED_SOUTH_ASIA_ROWS]))
    (HERE / "ucdp_release_inconsistent.csv").write_bytes(
        csv_bytes(UCDP, [row(UCDP, **r) for r in UCDP_RELEASE_ROWS]))
    (HERE / "ucdp_border.csv").write_bytes(
        csv_bytes(UCDP, [row(UCDP, **r) for r in UCDP_BORDER_ROWS]))
    suicide = ("S#,Date,City,Province,Latitude,Longitude,Location,Target Type,Targeted Sect if any,"
               "Killed Min,Killed Max,Injured Min,Injured Max\n"
               "901,Friday-Jan 29-2016,Razmak,FATA,32.69,69.86,Razmak town\x90s bazaar,Military,,4,6,2,3\n"
               "902,Sunday-Feb 7-2016,Quetta,Baluchistan,30.18,67.0,Caf\xe9 Quetta,Civilian,Shia,9,9,10,12\n")
    (HERE / "suicide_release_stray_byte.csv").write_bytes(suicide.encode("latin-1"))
    write_bad()


# The bad-file corpus: (file name, bytes, expected). The expected messages live in
# tests/data/bad/expected.csv: kind = file (the import fails with exactly this message) or row
# (the file imports and this exact reason is among its rejects) or summary (a summary line).
def write_bad():
    BAD.mkdir(exist_ok=True)
    one = lambda **kw: csv_bytes(ACLED, [row(ACLED, **acled(**{**dict(  # noqa: E731
        event_id_cnty="PAK1", event_date="2023-01-31", event_type="Battles",
        sub_event_type="Armed clash", actor1="Tehrik-i-Taliban Pakistan (TTP)", inter1="2",
        admin1="Sindh", admin2="Karachi", location="Karachi", latitude=KARACHI[0],
        longitude=KARACHI[1], notes="x"), **kw}))])
    files = {
        "empty.csv": b"",
        "blank_lines.csv": b"\n \r\n\n",
        "binary.csv": bytes(range(256)) * 4,
        "utf16.csv": "event_id_cnty,event_date\nPAK1,2023-01-01\n".encode("utf-16"),
        "unknown_header.csv": b"name,when,where\nx,2020-01-01,Quetta\n",
        "header_only.csv": (",".join(ACLED) + "\n").encode(),
        "broken.json": b'{"status": 200, "data": [{"event_id_cnty": "PAK1",',
        "no_data.json": b'{"status": 200, "success": true}',
        "empty_api.json": b'{"status": 200, "success": true, "count": 0, "data": []}',
        "fake.xlsx": b"PK\x03\x04 this is not a workbook",
        "big.csv": (",".join(ACLED) + "\n").encode() + b"x," * 600,
        "acled_as_gtd.csv": one(),
        "acled_bad_date.csv": one(event_date="2023-02-30"),
        "acled_bad_latitude.csv": one(latitude="123.5"),
        "acled_outside_region.csv": one(country="India", iso="356"),
        "acled_point_outside_region.csv": one(latitude="48.8566", longitude="2.3522"),
        "acled_negative_fatalities.csv": one(fatalities="-3"),
        "acled_protest.csv": one(event_type="Protests", sub_event_type="Peaceful protest",
                                 inter1="Protesters"),
        "acled_bad_precision.csv": one(geo_precision="9"),
        "acled_duplicate_ids.csv": csv_bytes(ACLED, [row(ACLED, **acled(
            event_id_cnty="PAK7", event_date="2023-01-31", event_type="Battles",
            sub_event_type="Armed clash", actor1="TTP", inter1="2", latitude=KARACHI[0],
            longitude=KARACHI[1]))] * 2),
        "gtd_bad_month.csv": csv_bytes(GTD, [row(GTD, **gtd(
            eventid="201513000001", iyear="2015", imonth="13", iday="0", provstate="Sindh",
            city="Karachi", latitude=KARACHI[0], longitude=KARACHI[1], specificity="1",
            nkill="1"))], encoding="latin-1"),
        "ucdp_extra_field.csv": csv_bytes(UCDP, [row(UCDP, **UCDP_ROWS[0]) + ["surplus"]]),
        "template_future.csv": csv_bytes(*template_rows()),
    }
    for name, data in files.items():
        (BAD / name).write_bytes(data)


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(HERE.parents[2]))
    main()
