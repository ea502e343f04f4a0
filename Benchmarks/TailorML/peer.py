"""The Python side of Benchmarks/TailorML/run: implicit 0.7.3 ALS and scikit-learn KMeans on the
same files as the Swift side, with the same metric definitions. Prints one JSON object.

  peer.py als TRAIN.csv TEST.csv FACTORS ITERATIONS REGULARIZATION ALPHA K RECOMMEND_USERS [--seeds N]
  peer.py kmeans FEATURES.csv K RESTARTS

implicit takes the confidence matrix itself (it uses c_ui = data, p_ui = 1 where data > 0), so it is
given data = 1 + alpha * weight with its own alpha left at 1.0: the same objective as TailorML's
c = 1 + alpha * w.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp
import threadpoolctl


def als(train_path, test_path, factors, iterations, regularization, alpha, k, recommend_users, seeds=1):
    from implicit.cpu.als import AlternatingLeastSquares

    train = pd.read_csv(train_path, dtype={"user": str, "item": str})
    test = pd.read_csv(test_path, dtype={"user": str, "item": str})
    # Number users and items by first appearance in the training file, as TailorML does.
    user_codes, user_ids = pd.factorize(train["user"])
    item_codes, item_ids = pd.factorize(train["item"])
    n_users, n_items = len(user_ids), len(item_ids)
    weights = sp.csr_matrix((train["weight"].to_numpy(np.float32), (user_codes, item_codes)), shape=(n_users, n_items))
    weights.sum_duplicates()
    confidence = weights.copy()
    confidence.data = (1.0 + alpha * confidence.data).astype(np.float32)

    def make(seed):
        return AlternatingLeastSquares(factors=factors, iterations=iterations, regularization=regularization,
                                       alpha=1.0, random_state=seed, num_threads=0)

    model = make(0)
    with threadpoolctl.threadpool_limits(1, "blas"):
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(confidence, show_progress=False)
        train_seconds, train_cpu = time.perf_counter() - start, time.process_time() - cpu

        users = np.arange(min(recommend_users, n_users))
        start, cpu = time.perf_counter(), time.process_time()
        ids, _ = model.recommend(users, weights[users], N=k, filter_already_liked_items=True)
        recommend_seconds, recommend_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert ids.shape == (len(users), k)

        # Held-out metrics over test users that appear in training.
        user_index = {u: i for i, u in enumerate(user_ids)}
        item_index = {it: i for i, it in enumerate(item_ids)}
        relevant = {}
        for u, it in zip(test["user"], test["item"]):
            if u in user_index:
                relevant.setdefault(user_index[u], set()).add(item_index.get(it, -1 - hash(it) % 1_000_000_007))
        test_users = np.array(sorted(relevant))
        # Quality averaged over `seeds` fits (timings above are from the first); small sets are noisy.
        lists = []
        for seed in range(seeds):
            if seed > 0:
                model = make(seed)
                model.fit(confidence, show_progress=False)
            lists.append(model.recommend(test_users, weights[test_users], N=k, filter_already_liked_items=True)[0])
    discounts = 1.0 / np.log2(np.arange(k) + 2)
    precision = ndcg = average_precision = recall = 0.0
    for u, recs in ((u, recs) for seed_lists in lists for u, recs in zip(test_users, seed_lists)):
        rel = relevant[u]
        hit_flags = np.array([int(i) in rel for i in recs], dtype=float)
        hits = np.cumsum(hit_flags)
        ideal = min(len(rel), k)
        precision += hits[-1] / k
        recall += hits[-1] / len(rel)
        average_precision += float(np.sum(hit_flags * hits / (np.arange(k) + 1))) / ideal
        ndcg += float(np.sum(hit_flags * discounts)) / float(np.sum(discounts[:ideal]))
    n = len(test_users) * seeds
    return {"seeds": seeds, "precision_at_k": precision / n, "ndcg_at_k": ndcg / n, "map_at_k": average_precision / n,
            "recall_at_k": recall / n, "users": len(test_users), "train_seconds": train_seconds, "recommend_seconds": recommend_seconds,
            "train_cpu_seconds": train_cpu, "recommend_cpu_seconds": recommend_cpu,
            "blas": [(i["internal_api"], i.get("architecture")) for i in threadpoolctl.threadpool_info()]}


def kmeans(path, k, restarts):
    from sklearn.cluster import KMeans

    x = pd.read_csv(path).to_numpy(np.float64)
    start, cpu = time.perf_counter(), time.process_time()
    model = KMeans(n_clusters=k, init="k-means++", n_init=restarts, random_state=0).fit(x)
    fit_seconds, fit_cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"inertia": float(model.inertia_), "fit_seconds": fit_seconds, "fit_cpu_seconds": fit_cpu, "iterations": int(model.n_iter_),
            "blas": [(i["internal_api"], i.get("architecture")) for i in threadpoolctl.threadpool_info()]}


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "als":
        seeds = int(args[args.index("--seeds") + 1]) if "--seeds" in args else 1
        result = als(args[0], args[1], int(args[2]), int(args[3]), float(args[4]), float(args[5]), int(args[6]), int(args[7]),
                     seeds)
    elif command == "kmeans":
        result = kmeans(args[0], int(args[1]), int(args[2]))
    else:
        sys.exit("usage: peer.py als|kmeans ...")
    print(json.dumps(result, sort_keys=True))
