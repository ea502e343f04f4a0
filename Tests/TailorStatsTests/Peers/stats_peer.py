"""scipy reference values for the TailorStats interop tests.

Usage: stats_peer.py
Prints one JSON object on standard output: for each function compared, a list of cases, each the inputs
followed by scipy's result. Non-finite results are left out (JSON has no infinity); the Swift test checks
those edges on its own.
"""
import json
import math
import warnings

import numpy as np
from scipy import stats

PROBABILITIES = [
    1e-300, 1e-250, 1e-200, 1e-150, 1e-100, 1e-50, 1e-30, 1e-20, 1e-15, 1e-10, 1e-7, 1e-5, 1e-3, 0.01, 0.025,
    0.05, 0.1, 0.2, 0.24, 0.25, 0.3, 0.4, 0.45, 0.49, 0.4999999, 0.5, 0.5000001, 0.51, 0.6, 0.75, 0.8, 0.9,
    0.95, 0.975, 0.99, 0.999, 1 - 1e-5, 1 - 1e-10, 1 - 1e-15,
]
NORMAL_POINTS = [
    -37.5, -35, -30, -25, -20, -15, -10, -8.3, -6, -5, -4, -3, -2, -1.96, -1.7320508, -1.7320509, -1.5, -1,
    -0.5, -0.1, -1e-3, -1e-10, 0, 1e-10, 1e-3, 0.3, 1, 1.7, 1.75, 2.5, 3.5, 5, 7, 8, 8.2,
]
T_DEGREES = [0.05, 0.1, 0.5, 1, 1.5, 2, 3, 4.7, 10, 29.5, 100, 1000, 1e5, 1e8, 1e12]
T_POINTS = [
    -1e150, -1e30, -1e10, -1e4, -300, -100, -30, -10, -5, -2.5, -1.7, -1, -0.3, -1e-3, -1e-8, 0, 1e-8, 0.2, 1,
    1.7, 2, 3, 6, 10, 40,
]
CHI2_DEGREES = [0.05, 0.1, 0.5, 1, 2, 3, 5.5, 10, 50, 100, 1000, 1e4, 1e5, 1e6]
CHI2_POINTS = [
    1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.01, 0.1, 0.5, 1, 2, 3.84, 5, 10, 20, 50, 100, 200, 500, 900, 1000,
    1100, 1200, 1400, 9500, 1e4, 1.05e4, 1.2e4, 9.9e4, 1e5, 1.01e5, 9.95e5, 1e6, 1.004e6, 1.1e6,
]


def finite(value):
    return value is not None and math.isfinite(value)


def keep(rows):
    return [row for row in rows if finite(row[-1])]


# The zero-variance sample below makes scipy warn on stderr; the numbers are still exact.
warnings.simplefilter("ignore", RuntimeWarning)

out = {}
out["norm_cdf"] = keep([[x, float(stats.norm.cdf(x))] for x in NORMAL_POINTS])
out["norm_sf"] = keep([[x, float(stats.norm.sf(x))] for x in NORMAL_POINTS])
out["norm_ppf"] = keep([[p, float(stats.norm.ppf(p))] for p in PROBABILITIES])
out["t_cdf"] = keep([[x, df, float(stats.t.cdf(x, df))] for df in T_DEGREES for x in T_POINTS])
out["t_ppf"] = keep([[p, df, float(stats.t.ppf(p, df))] for df in T_DEGREES for p in PROBABILITIES])
out["chi2_cdf"] = keep([[x, df, float(stats.chi2.cdf(x, df))] for df in CHI2_DEGREES for x in CHI2_POINTS])
out["chi2_sf"] = keep([[x, df, float(stats.chi2.sf(x, df))] for df in CHI2_DEGREES for x in CHI2_POINTS])
out["chi2_ppf"] = keep([[p, df, float(stats.chi2.ppf(p, df))] for df in CHI2_DEGREES for p in PROBABILITIES])

tables = [
    [[10, 20], [30, 40]],
    [[56, 14], [48, 32]],
    [[1, 0], [0, 1]],
    [[120, 80, 40], [100, 110, 60]],
    [[5, 9, 13, 2], [7, 3, 8, 11], [12, 6, 1, 4]],
    [[1000000, 1001000], [998000, 1003000]],
    [[3000, 10], [2800, 400]],
    [[1, 1, 1], [1, 1, 1]],
]
out["chi2_contingency"] = []
for table in tables:
    result = stats.chi2_contingency(np.array(table), correction=False)
    out["chi2_contingency"].append({
        "table": table, "chi2": float(result.statistic), "dof": int(result.dof), "p": float(result.pvalue),
        "expected": result.expected_freq.tolist(),
    })

rng = np.random.default_rng(20240611)
samples = [
    (rng.normal(10, 2, 30).tolist(), rng.normal(11, 5, 45).tolist()),
    (rng.normal(0, 1, 2).tolist(), rng.normal(0.5, 1, 3).tolist()),
    (rng.exponential(3, 500).tolist(), rng.exponential(3.3, 700).tolist()),
    (rng.normal(100, 1, 1000).tolist(), rng.normal(101, 30, 12).tolist()),
    ([1.0, 2, 3, 4, 5], [6.0, 7, 8, 9, 10, 11]),
    ([5.0, 5, 5, 5], [1.0, 2, 3]),
]
out["ttest_welch"] = []
for a, b in samples:
    # scipy's statistic is mean(a) − mean(b); TailorStats reports b − a, so the sign is flipped in the test.
    result = stats.ttest_ind(a, b, equal_var=False)
    interval = result.confidence_interval(0.95)
    out["ttest_welch"].append({
        "a": a, "b": b, "t": float(result.statistic), "df": float(result.df), "p": float(result.pvalue),
        "low": float(interval.low), "high": float(interval.high),
    })

goodness = [
    ([5000, 5100], None),
    ([50123, 49877], None),
    ([1000, 1100, 950], None),
    ([900, 2100], [0.3, 0.7]),
    ([10, 0, 0], None),
    ([40000, 60500], [2, 3]),
]
out["chisquare"] = []
for observed, weights in goodness:
    total = sum(observed)
    expected = None if weights is None else [total * w / sum(weights) for w in weights]
    result = stats.chisquare(observed, expected)
    out["chisquare"].append({
        "observed": observed, "weights": weights, "chi2": float(result.statistic), "p": float(result.pvalue),
    })

out["wilson"] = []
for successes, trials in [(0, 1), (0, 20), (1, 29), (15, 148), (81, 263), (29, 29), (500, 1000), (3, 100000)]:
    for level in (0.9, 0.95, 0.99):
        interval = stats.binomtest(successes, trials).proportion_ci(confidence_level=level, method="wilson")
        out["wilson"].append([successes, trials, level, float(interval.low), float(interval.high)])

print(json.dumps(out, allow_nan=False))
