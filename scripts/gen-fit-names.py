#!/usr/bin/env python3
"""Regenerate crates/slowburn-formats/src/fit/names.rs from the FIT profile shipped in
Garmin's Python SDK (`pip install garmin-fit-sdk`). Usage:
    python3 scripts/gen-fit-names.py > crates/slowburn-formats/src/fit/names.rs
"""
from garmin_fit_sdk.profile import Profile

t = Profile["types"]
v = Profile["version"]
print("//! Names of FIT enum values, generated from the FIT profile %d.%d (`scripts/gen-fit-names.py`)." % (v["major"], v["minor"]))
print("//! Only the types slowburn shows to people: file types, sports, sub-sports, manufacturers, Garmin products.")
print("// Generated table; do not edit by hand.")
print()


def emit(name, typ, rust_ty):
    items = sorted((int(k), n) for k, n in t[typ].items())
    print("/// Name of a FIT `%s` value, if the profile knows it." % typ)
    print("#[must_use]")
    print("pub fn %s(value: %s) -> Option<&'static str> {" % (name, rust_ty))
    print("    Some(match value {")
    for k, n in items:
        print('        %d => "%s",' % (k, n))
    print("        _ => return None,")
    print("    })")
    print("}")
    print()


emit("file_type", "file", "u8")
emit("sport", "sport", "u8")
emit("sub_sport", "sub_sport", "u8")
emit("manufacturer", "manufacturer", "u16")
emit("garmin_product", "garmin_product", "u16")
