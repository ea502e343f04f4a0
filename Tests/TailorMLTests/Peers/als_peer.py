"""Runs implicit 0.7.3's ALS (conjugate gradient, 3 steps) from given initial factors.

Usage: als_peer.py INPUT.json OUTPUT.json
INPUT: {"users": n, "items": m, "rows": [...], "columns": [...], "confidence": [...],
        "factors": f, "regularization": l, "iterations": k, "user_factors": [[...]], "item_factors": [[...]]}
OUTPUT: {"user_factors": [[...]], "item_factors": [[...]]}
The confidence values are c = 1 + alpha * w (implicit's alpha stays 1.0), TailorML's objective.
"""
import json
import sys

import numpy as np
import scipy.sparse as sp
import threadpoolctl
from implicit.cpu.als import AlternatingLeastSquares

spec = json.load(open(sys.argv[1]))
matrix = sp.csr_matrix(
    (np.array(spec["confidence"], dtype=np.float32), (spec["rows"], spec["columns"])),
    shape=(spec["users"], spec["items"]),
)
model = AlternatingLeastSquares(factors=spec["factors"], regularization=spec["regularization"], alpha=1.0,
                                iterations=spec["iterations"], num_threads=1)
model.user_factors = np.array(spec["user_factors"], dtype=np.float32)
model.item_factors = np.array(spec["item_factors"], dtype=np.float32)
with threadpoolctl.threadpool_limits(1, "blas"):
    model.fit(matrix, show_progress=False)
json.dump({"user_factors": model.user_factors.tolist(), "item_factors": model.item_factors.tolist()}, open(sys.argv[2], "w"))
