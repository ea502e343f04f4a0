"""Parses a message with Python's email package and prints what TailorMail's tests check, as JSON.

Usage: inspect_message.py FILE [--dkim-txt TXT]
With --dkim-txt, dkimpy verifies the DKIM signature, the public key supplied directly (no DNS).
"""
import argparse
import email
import email.policy
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--dkim-txt")
    args = parser.parse_args()
    raw = open(args.file, "rb").read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    result = {
        "subject": str(message["subject"]),
        "from": str(message["from"]),
        "from_addresses": [a.addr_spec for a in message["from"].addresses],
        "from_names": [a.display_name for a in message["from"].addresses],
        "to": [a.addr_spec for a in message["to"].addresses] if message["to"] else [],
        "to_names": [a.display_name for a in message["to"].addresses] if message["to"] else [],
        "cc": [a.addr_spec for a in message["cc"].addresses] if message["cc"] else [],
        "bcc_present": message["bcc"] is not None,
        "message_id": str(message["message-id"]),
        "date": message["date"].datetime.isoformat() if message["date"] else None,
        "list_unsubscribe": str(message["list-unsubscribe"]) if message["list-unsubscribe"] else None,
        "list_unsubscribe_post": str(message["list-unsubscribe-post"]) if message["list-unsubscribe-post"] else None,
        "content_type": message.get_content_type(),
        "defects": [type(d).__name__ for d in message.defects],
        "header_names": list(message.keys()),
        "max_line": max((len(line) for line in raw.split(b"\r\n")), default=0),
        "parts": [],
    }
    for part in message.walk():
        entry = {"type": part.get_content_type(), "defects": [type(d).__name__ for d in part.defects]}
        if not part.is_multipart():
            if part.get_content_maintype() == "text":
                entry["text"] = part.get_content()
            else:
                entry["size"] = len(part.get_payload(decode=True))
                entry["bytes_sum"] = sum(part.get_payload(decode=True)) % 65536
            entry["filename"] = part.get_filename()
            entry["content_id"] = part["content-id"]
            entry["disposition"] = part.get_content_disposition()
        result["parts"].append(entry)
    if args.dkim_txt is not None:
        import dkim

        txt = args.dkim_txt.encode()

        def dnsfunc(name, timeout=5):
            return txt

        verifier = dkim.DKIM(raw)
        result["dkim"] = bool(verifier.verify(dnsfunc=dnsfunc))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
