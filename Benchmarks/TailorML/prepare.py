"""Builds the benchmark data sets deterministically into OUT_DIR.

  retail/train.csv, retail/test.csv   orders from shared/data/online-retail-sample, split by time
  synthetic/train.csv, synthetic/test.csv   50,000 users x 10,000 items, ~900,000 interactions
  kmeans.csv                          200,000 x 8 features

Every file is user,item,weight (ALS) or f0..f7 (k-means). Both sides of the benchmark read the
same files, so they see the same data and split.
"""
import os
import sys

import numpy as np
import pandas as pd

out, shared = sys.argv[1], sys.argv[2]


def time_split(frame, fraction=0.2):
    """Interactions before the (1 - fraction) time quantile train; later ones test, minus pairs seen in training."""
    cutoff = frame["time"].quantile(1 - fraction, interpolation="lower")
    train = frame[frame["time"] < cutoff]
    test = frame[frame["time"] >= cutoff]
    train = train.groupby(["user", "item"], sort=False, as_index=False)["weight"].sum()
    test = test.groupby(["user", "item"], sort=False, as_index=False)["weight"].sum()
    known = set(zip(train["user"], train["item"]))
    test = test[[pair not in known for pair in zip(test["user"], test["item"])]]
    return train, test


def write(name, train, test):
    os.makedirs(os.path.join(out, name), exist_ok=True)
    train[["user", "item", "weight"]].to_csv(os.path.join(out, name, "train.csv"), index=False)
    test[["user", "item", "weight"]].to_csv(os.path.join(out, name, "test.csv"), index=False)
    print(f"{name}: train {len(train)} interactions, {train['user'].nunique()} users, "
          f"{train['item'].nunique()} items; test {len(test)} interactions, {test['user'].nunique()} users")


# (a) Online retail orders: one interaction per order line of a known customer, weight = order lines.
retail = pd.read_csv(os.path.join(shared, "online-retail-sample", "online_retail_sample.csv"), dtype=str)
retail = retail[(retail["CustomerID"] != "NA") & ~retail["InvoiceNo"].str.startswith("C")]
retail = retail[retail["Quantity"].astype(float) > 0]
frame = pd.DataFrame({
    "user": "c" + retail["CustomerID"],
    "item": "s" + retail["StockCode"],
    "weight": 1.0,
    "time": pd.to_datetime(retail["InvoiceDate"]).astype("int64") // 10**9,
})
write("retail", *time_split(frame))

# (b) Synthetic power-law interactions with taste groups.
rng = np.random.default_rng(20261122)
users, items, groups = 50_000, 10_000, 40
item_group = rng.permutation(np.arange(items) % groups)
popularity = 1.0 / (rng.permutation(items) + 10.0) ** 0.9
activity = np.minimum(np.floor(8.7 * (1 - rng.random(users)) ** (-1 / 1.6)), 3000).astype(np.int64)
user_group = rng.integers(0, groups, users)
rows, cols = [], []
global_p = popularity / popularity.sum()
for g in range(groups):
    members = np.flatnonzero(user_group == g)
    counts = activity[members]
    total = int(counts.sum())
    in_group = np.flatnonzero(item_group == g)
    group_p = popularity[in_group] / popularity[in_group].sum()
    choose_group = rng.random(total) < 0.7
    picks = np.where(choose_group, rng.choice(in_group, total, p=group_p), rng.choice(items, total, p=global_p))
    rows.append(np.repeat(members, counts))
    cols.append(picks)
rows = np.concatenate(rows)
cols = np.concatenate(cols)
frame = pd.DataFrame({"user": rows, "item": cols, "weight": 1.0, "time": rng.random(len(rows))})
frame = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
frame["user"] = "u" + frame["user"].astype(str)
frame["item"] = "i" + frame["item"].astype(str)
print(f"synthetic: {len(frame)} raw interactions, {frame.groupby(['user', 'item']).ngroups} distinct pairs")
write("synthetic", *time_split(frame))

# (c) k-means features: 200,000 x 8, eight overlapping Gaussian clusters with skewed sizes.
centres = rng.normal(0, 3, (8, 8))
sizes = rng.multinomial(200_000, np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03]))
features = np.concatenate([rng.normal(c, 1.5, (n, 8)) for c, n in zip(centres, sizes)])
features = features[rng.permutation(len(features))]
np.savetxt(os.path.join(out, "kmeans.csv"), features, delimiter=",", fmt="%.6f",
           header=",".join(f"f{j}" for j in range(8)), comments="")
print("kmeans: 200000 x 8")
