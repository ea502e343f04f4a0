"""Sends identify and track calls to Tailor with the official Segment Python library, unchanged.

Usage: segment_client.py HOST WRITE_KEY COUNT [--gzip]
Prints one JSON object: the message ids it sent and the errors the library reported.
"""
import json
import sys

from segment.analytics.client import Client

host, write_key, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
errors = []
client = Client(write_key=write_key, host=host, gzip="--gzip" in sys.argv, max_retries=6, upload_size=20,
                on_error=lambda e, batch: errors.append(str(e)))
sent = []
for i in range(count):
    user = "seg-user-%d" % (i % 5)
    if i < 5:
        mid = "seg-identify-%d" % i
        client.identify(user, {"email": "%s@example.com" % user, "plan": "pro", "city": "New York"}, message_id=mid)
    else:
        mid = "seg-track-%d" % i
        client.track(user, "Product Viewed", {"product_id": "sku-%d" % i, "price": 9.5}, message_id=mid)
    sent.append(mid)
client.flush()
client.shutdown()
print(json.dumps({"sent": sent, "errors": errors}))
