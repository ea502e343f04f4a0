"""scikit-learn KMeans on a CSV of numeric columns (header row); prints the inertia as JSON.

Usage: kmeans_peer.py FILE.csv K [--standardize]
Runs KMeans(n_clusters=K, init="k-means++", n_init=10, random_state=0), as TailorML's interop test
compares against.
"""
import json
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

path, k = sys.argv[1], int(sys.argv[2])
x = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
if "--standardize" in sys.argv:
    x = StandardScaler().fit_transform(x)
model = KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=0).fit(x)
print(json.dumps({"inertia": float(model.inertia_), "iterations": int(model.n_iter_)}))
