"""Builds the shipped word lists of thematic-anonymise from their sources (see README.md).

Run from a folder holding the source files named below; writes first_names.txt,
surnames.txt and places_uk.txt beside them. places_us.txt and common_words.txt are
written by hand.
"""
import csv

def title(name):
    return "-".join(p[:1].upper() + p[1:].lower() for p in name.strip().split("-"))

first = set()
# ONS, England and Wales, top 100 baby names 1904-1994 (every tenth year): ew_hist.csv
for row in csv.DictReader(open("ew_hist.csv")):
    first.add(title(row["name"]))
# US Census Bureau 1990, frequently occurring first names: the 1,500 most common female
# and 1,000 most common male names (files are in frequency order).
for path, keep in (("dist.female.first", 1500), ("dist.male.first", 1000)):
    for line in list(open(path))[:keep]:
        if line.strip():
            first.add(title(line.split()[0]))
# US Social Security Administration, the 1,000 most common names given to girls and to
# boys born in 2010: 2010_SSA_baby_names.csv
for row in csv.DictReader(open("2010_SSA_baby_names.csv", encoding="utf-8-sig")):
    first.add(title(row["Name"]))

surnames = set()
# US Census Bureau 2010, the 1,000 most common surnames: 2010_Census_Surnames.csv
for row in csv.DictReader(open("2010_Census_Surnames.csv", encoding="utf-8-sig")):
    surnames.add(title(row["Name"]))

# Ordnance Survey OS Open Names (via british-placenames places.csv): every city and town
# of England, Scotland and Wales, less towns whose name is an everyday English word.
COMMON = {"Battle", "Church", "Crook", "Deal", "Dollar", "Eye", "Fleet", "Flint", "Grays",
          "Hale", "Holt", "Leek", "Lees", "March", "Mere", "Minster", "Rye", "Sale", "Sandwich",
          "Sandy", "Settle", "Stone", "Street", "Ware", "Wells", "Wick"}
places = set()
for row in csv.DictReader(open("places.csv")):
    if row["type"] in ("City", "Town") and row["name"] not in COMMON:
        places.add(row["name"])

def write(path, header, names):
    with open(path, "w") as f:
        f.write(header)
        for n in sorted(names, key=lambda s: (s.lower(), s)):
            f.write(n + "\n")

write("first_names.txt", "# First names: ONS (OGL v3), US Census Bureau 1990 and SSA 2010 (public domain). See README.md.\n", first)
write("surnames.txt", "# Surnames: US Census Bureau 2010, the 1,000 most common (public domain). See README.md.\n", surnames)
write("places_uk.txt", "# UK cities and towns: OS Open Names (OGL v3) via briang/british-placenames; Northern Ireland added by hand. See README.md.\n", places)
