"""Prints the side-by-side table of Benchmarks/TailorML/run from the JSON results in a directory."""
import json
import os
import sys

out = sys.argv[1]


def load(name):
    runs = [json.loads(line) for line in open(os.path.join(out, name)) if line.strip().startswith("{")]
    best = dict(runs[0])
    for key in ("train_seconds", "recommend_seconds", "fit_seconds"):
        if key in best:
            best[key] = min(r[key] for r in runs)  # best of the repeats: the machine is shared
    return best


def ratio(ours, theirs):
    return ours / theirs if theirs else float("nan")


print()
for data in ("retail", "synthetic"):
    ours, peer = load(f"als-{data}-tailor.json"), load(f"als-{data}-implicit.json")
    print(f"ALS on {data}: 64 factors, 15 iterations, regularization 0.1, alpha 5, {ours['users']} test users, "
          f"quality averaged over {ours.get('seeds', 1)} seed(s)")
    print(f"  {'':24}{'TailorML':>12}{'implicit':>12}{'ratio':>9}")
    for key, label in (("precision_at_k", "precision@10"), ("ndcg_at_k", "NDCG@10"), ("map_at_k", "MAP@10"),
                       ("recall_at_k", "recall@10")):
        print(f"  {label:24}{ours[key]:12.5f}{peer[key]:12.5f}{ratio(ours[key], peer[key]):9.3f}")
    print(f"  {'popularity precision@10':24}{ours['popularity_precision_at_k']:12.5f}")
    for key, label in (("train_seconds", "train s"), ("recommend_seconds", "recommend 10k users s")):
        print(f"  {label:24}{ours[key]:12.3f}{peer[key]:12.3f}{ratio(ours[key], peer[key]):9.3f}")
    for key, label in (("train_cpu_seconds", "train CPU s"), ("recommend_cpu_seconds", "recommend CPU s")):
        print(f"  {label:24}{ours[key]:12.3f}{peer[key]:12.3f}{ratio(ours[key], peer[key]):9.3f}")
    print()
ours, peer = load("kmeans-tailor.json"), load("kmeans-sklearn.json")
print("K-means, 200,000 x 8, k=8, k-means++, 10 restarts")
print(f"  {'':24}{'TailorML':>12}{'sklearn':>12}{'ratio':>9}")
print(f"  {'inertia':24}{ours['inertia']:12.1f}{peer['inertia']:12.1f}{ratio(ours['inertia'], peer['inertia']):9.4f}")
print(f"  {'fit s':24}{ours['fit_seconds']:12.3f}{peer['fit_seconds']:12.3f}{ratio(ours['fit_seconds'], peer['fit_seconds']):9.3f}")
print(f"  {'fit CPU s':24}{ours['fit_cpu_seconds']:12.3f}{peer['fit_cpu_seconds']:12.3f}"
      f"{ratio(ours['fit_cpu_seconds'], peer['fit_cpu_seconds']):9.3f}")
print(f"\npeer BLAS: {peer.get('blas')}")
