"""A loopback SMTP server (aiosmtpd) for TailorMail's interop tests.

Every message received is written to OUT/<n>.eml with OUT/<n>.json holding the envelope.
Recipients containing "reject" get 550 5.1.1, those containing "later" get 451 4.2.0.
With --pipelining the server also advertises PIPELINING, refuses senders containing "reject" with
550 5.7.1, answers the end of data of messages to a recipient containing "dotfail" with 554 5.6.0
(storing nothing), and notes in each message's JSON whether the client had already sent more
(the next message's commands) when the message's final dot was read ("pipelined").
Prints "READY <port>" once listening; runs until stdin closes or it is killed.

Options:
  --out DIR          where to write messages (required)
  --starttls         offer STARTTLS with a fresh self-signed certificate for localhost/127.0.0.1,
                     written to DIR/cert.pem, and require it before MAIL
  --auth USER:PASS   require AUTH (PLAIN or LOGIN) with these credentials
  --pipelining       advertise PIPELINING; sender and end-of-data refusals as above
"""
import argparse
import asyncio
import datetime
import ipaddress
import json
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


class Handler:
    def __init__(self, out):
        self.out = out
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 No such user here"
        if "later" in address:
            return "451 4.2.0 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        # Bytes already buffered after the final dot: the client pipelined its next commands.
        pipelined = len(getattr(server._reader, "_buffer", b"")) > 0
        with self.lock:
            self.count += 1
            number = self.count
        base = os.path.join(self.out, "%06d" % number)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None,
                    "authenticated": bool(session.authenticated),
                    "pipelined": pipelined,
                },
                f,
            )
        os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 OK queued as %06d" % number


class PipeliningHandler(Handler):
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if "reject" in address:
            return "550 5.7.1 Sender refused"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any("dotfail" in address for address in envelope.rcpt_tos):
            return "554 5.6.0 Content refused"
        return await super().handle_DATA(server, session, envelope)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--pipelining", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    kwargs = {}
    if args.starttls:
        kwargs["tls_context"] = make_certificate(args.out)
        kwargs["require_starttls"] = True
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == user
                and auth_data.password.decode() == password
            )
            return AuthResult(success=ok, handled=False)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = args.starttls

    port = free_port()
    controller = Controller(
        (PipeliningHandler if args.pipelining else Handler)(args.out), hostname="127.0.0.1", port=port, server_hostname="peer.test",
        enable_SMTPUTF8=True, **kwargs
    )
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
