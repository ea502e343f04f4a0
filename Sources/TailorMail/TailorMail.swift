// MIME, DKIM, SMTP and the file sink. See docs/MAIL.md.
