"""Independent computation of issue 4's seed segments from Segment messages (JSON Lines).

Usage: seed_segments.py MESSAGES.jsonl NOW_ISO8601
Prints a JSON object: segment name -> sorted list of user ids.

Written from the issue's text alone, with the Python standard library only, so that it shares no code
with Tailor:
- a window "in the last N days" is (now - N days, now];
- orders are `Order Completed`; opens and clicks are `Email Opened` / `Email Clicked`;
- activity is any track/page/screen event except Email Sent, Email Delivered, Email Bounced,
  Segment Entered, Segment Exited; Lapsed needs at least one activity ever;
- the cart: `Product Added` adds `quantity` (default 1) at `price` under `product_id`, `Product Removed`
  removes that product, `Order Completed` empties it; value = sum of price x quantity; its age is the
  time since its last add or remove; events are taken in timestamp order (ties by messageId).
Anonymous ids are resolved to user ids through identify calls that carry both.
"""
import json
import sys
from datetime import datetime, timedelta

NOT_ACTIVITY = {"Email Sent", "Email Delivered", "Email Bounced", "Segment Entered", "Segment Exited"}


def parse_time(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def main():
    path, now_text = sys.argv[1], sys.argv[2]
    now = parse_time(now_text)
    messages = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    owner = {}
    for m in messages:
        if m.get("type") == "identify" and m.get("userId") and m.get("anonymousId"):
            owner[m["anonymousId"]] = m["userId"]
    profiles = {}
    for m in messages:
        user = m.get("userId") or owner.get(m.get("anonymousId"))
        if user is None:
            continue
        profiles.setdefault(user, []).append(m)

    def within(t, days):
        return now - timedelta(days=days) < t <= now

    segments = {name: [] for name in [
        "Frequent Buyers", "Engaged but Infrequent", "Lapsed", "Recent Engaged Purchasers",
        "Cart Abandoners over $50", "Repeat Buyers", "New York"]}
    for user, events in profiles.items():
        events.sort(key=lambda m: (parse_time(m["timestamp"]), m["messageId"]))
        orders30 = opens7 = engagement30 = 0
        last_activity = None
        city = None
        cart = {}
        cart_changed = None
        last_order = None
        for m in events:
            t = parse_time(m["timestamp"])
            kind = m.get("type")
            if kind == "identify":
                city = (m.get("traits") or {}).get("city", city)
                continue
            name = m.get("event") if kind == "track" else None
            if kind in ("page", "screen") or (kind == "track" and name not in NOT_ACTIVITY):
                last_activity = t if last_activity is None else max(last_activity, t)
            props = m.get("properties") or {}
            if name == "Order Completed":
                if within(t, 30):
                    orders30 += 1
                cart = {}
                last_order = t
            elif name == "Product Added":
                pid = props.get("product_id")
                if pid is not None:
                    qty, price = float(props.get("quantity", 1)), float(props.get("price", 0))
                    old = cart.get(pid)
                    cart[pid] = (price, qty + (old[1] if old else 0))
                    cart_changed = t
            elif name == "Product Removed":
                pid = props.get("product_id")
                if pid is not None:
                    cart.pop(pid, None)
                    cart_changed = t
            elif name == "Email Opened":
                if within(t, 7):
                    opens7 += 1
                if within(t, 30):
                    engagement30 += 1
            elif name == "Email Clicked":
                if within(t, 30):
                    engagement30 += 1
        value = sum(price * qty for price, qty in cart.values())
        if orders30 > 5:
            segments["Frequent Buyers"].append(user)
        if orders30 > 3:
            segments["Repeat Buyers"].append(user)
        if opens7 > 3 and orders30 < 2:
            segments["Engaged but Infrequent"].append(user)
        if last_activity is not None and not within(last_activity, 60):
            segments["Lapsed"].append(user)
        if orders30 >= 1 and engagement30 >= 3:
            segments["Recent Engaged Purchasers"].append(user)
        if (value > 50 and cart_changed is not None and (last_order is None or last_order < cart_changed)
                and cart_changed <= now - timedelta(hours=1)):
            segments["Cart Abandoners over $50"].append(user)
        if city == "New York":
            segments["New York"].append(user)
    print(json.dumps({k: sorted(v) for k, v in segments.items()}))


if __name__ == "__main__":
    main()
