"""Reference drift figures computed with SciPy, independently of the grid's code.

Usage: drift_reference.py PROFILE_JSON DATA_CSV [TARGET_CLASS]

DATA_CSV is in scikit-learn's layout (a first line "rows,features,names...", then rows of features and a class);
the profile's features are the CSV's first columns, in order. With TARGET_CLASS only rows of that class are taken.
Prints JSON: {"rows": n, "features": {name: {"psi": x, "ks": y}}}.

Binning: a value falls in the first bin whose edge is at least the value; values and edges are compared as float32,
as the grid's models receive them. PSI = sum((a - e) ln(a / e)) with shares floored at 1e-4, computed with
scipy.special.rel_entr as KL(a||e) + KL(e||a). KS is scipy.stats.ks_2samp's statistic between the live bin indices
and a reference sample rebuilt from the profile's fractions and row count.
"""
import json
import sys

import numpy as np
from scipy import special, stats

FLOOR = 1e-4


def main():
    profile = json.load(open(sys.argv[1]))
    data = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
    if len(sys.argv) > 3:
        data = data[data[:, -1] == float(sys.argv[3])]
    out = {"rows": int(data.shape[0]), "features": {}}
    for column, feature in enumerate(profile["features"]):
        edges = np.asarray(feature["edges"], dtype=np.float32)
        reference = np.asarray(feature["fractions"], dtype=np.float64)
        values = data[:, column].astype(np.float32)
        live_bins = np.searchsorted(edges, values, side="left")
        live = np.bincount(live_bins, minlength=len(reference)) / len(values)
        a = np.maximum(live, FLOOR)
        e = np.maximum(reference, FLOOR)
        psi = float(np.sum(special.rel_entr(a, e) + special.rel_entr(e, a)))
        counts = np.rint(reference * profile["rows"]).astype(int)
        reference_bins = np.repeat(np.arange(len(reference)), counts)
        ks = float(stats.ks_2samp(live_bins, reference_bins).statistic)
        out["features"][feature["name"]] = {"psi": psi, "ks": ks}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
