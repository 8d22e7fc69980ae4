#!/usr/bin/python3
#
# Copyright (c) 2026 The HoneySpy authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#

# Labelled corpus for the format-string and overflow detectors.
#
# Usage: /usr/bin/python3 gen_text_corpus.py OUTDIR [SCALE]
# Writes attack-format_string-<n>.bin, attack-overflow-<n>.bin and
# benign-<n>.bin.  Fixed seeds: the same command gives the same bytes,
# so a change in the detection figures is a change in the detectors.
# Needs Debian's python3-pwntools (hence /usr/bin/python3, not a pyenv).

import base64
import gzip
import json
import logging
import os
import random
import string
import struct
import sys
import urllib.parse
import zlib

os.environ.setdefault("PWNLIB_NOTERM", "1")
from pwnlib.context import context          # noqa: E402
from pwnlib.fmtstr import fmtstr_payload    # noqa: E402
from pwnlib.util.cyclic import cyclic       # noqa: E402

# fmtstr_payload warns about paddings glibc rejects; the bytes still are
# what attackers send.  context.log_level does not reach this logger.
logging.getLogger("pwnlib.fmtstr").setLevel(logging.ERROR)


WORDS = ("the quick brown fox jumps over lazy dog report invoice order "
         "shipping account update meeting please find attached thanks "
         "regards server error warning status total price discount sale "
         "customer support ticket release notes version build deploy").split()
HOSTS = ["example.com", "shop.example.org", "api.example.net",
         "mail.example.co.uk", "intranet.local", "10.0.0.7"]
UAS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
       "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
       "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 "
       "Firefox/126.0", "curl/7.88.1", "python-requests/2.31.0",
       "Wget/1.21.3", "Go-http-client/1.1"]


def words(r, n):
    return " ".join(r.choice(WORDS) for _ in range(n))


def b64url(r, n):
    return base64.urlsafe_b64encode(r.randbytes(n)).rstrip(b"=")


def jwt(r):
    hdr = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT"}')
    claims = {"sub": str(r.randrange(10**9)), "name": words(r, 2),
              "scope": words(r, r.randrange(5, 120)),
              "iat": 1700000000 + r.randrange(10**7)}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode())
    return (hdr.rstrip(b"=") + b"." + body.rstrip(b"=") + b"." +
            b64url(r, r.choice([256, 512])))


def pct_text(r):
    """Ordinary prose and logs full of percent signs."""
    lines = [
        "I am 100% sure the build is fine.",
        "Summer sale: 50%-off everything, 20% off shoes!",
        "progress %d%% done" % r.randrange(100),
        "LOG: processed %d items in %s seconds" % (r.randrange(9999),
                                                   r.random()),
        "printf(\"%s: %d\\n\", name, count);",
        "SELECT * FROM users WHERE name LIKE '%" + r.choice(WORDS) + "%';",
        "set PATH=%PATH%;C:\\Tools & echo %USERPROFILE% %APPDATA%",
        "copy %SystemRoot%\\system32\\drivers\\etc\\hosts %TEMP%",
        "date +%Y-%m-%d %H:%M:%S",
        "printf '%s\\n' \"$HOME\"",
        "Hello %name%, your order %order_id% has shipped.",
        "CPU 93% mem 41% disk 77% swap 0%",
        "growth of 5%/year, margin 12%, tax 7.5%",
        "url: /search?q=caf%C3%A9%20cr%C3%A8me&x=%2Fetc%2F",
        "GET /cgi/find?name=%u5F20%u4E09&lang=zh HTTP/1.1",
        "The 4% rule vs 3.5% withdrawal",
        "%d %s",
    ]
    return "\n".join(r.choice(lines) for _ in range(r.randrange(3, 30)))


def http_benign(r):
    host = r.choice(HOSTS)
    path = "/" + "/".join(r.choice(WORDS) for _ in range(r.randrange(1, 6)))
    if r.random() < 0.5:
        # "%20" before a word: "%20notes" parses as "%20n" + "otes".
        path += "/" + urllib.parse.quote(words(r, r.randrange(2, 8)))
    q = {"utm_source": r.choice(["newsletter", "google", "twitter"]),
         "utm_medium": "email", "utm_campaign": words(r, 4),
         "utm_content": words(r, r.randrange(1, 40)),
         "q": r.choice(["café crème", "50% off", "a/b:c?d", "naïve résumé",
                        "100% sure", "C:\\Program Files\\x", words(r, 3)]),
         "fbclid": b64url(r, r.randrange(20, 90)).decode()}
    uri = path + "?" + urllib.parse.urlencode(q)
    method = r.choice(["GET", "GET", "GET", "POST", "HEAD", "PUT",
                       "OPTIONS", "DELETE", "PATCH"])
    hdrs = ["Host: " + host, "User-Agent: " + r.choice(UAS),
            "Accept: text/html,application/xhtml+xml,application/xml;"
            "q=0.9,*/*;q=0.8", "Accept-Language: en-US,en;q=0.5",
            "Accept-Encoding: gzip, deflate, br"]
    cookies = "; ".join("%s=%s" % (r.choice(WORDS) + str(i),
                                   b64url(r, r.randrange(8, 700)).decode())
                        for i in range(r.randrange(1, 14)))
    hdrs.append("Cookie: " + cookies)
    if r.random() < 0.6:
        hdrs.append("Authorization: Bearer " + jwt(r).decode())
    if r.random() < 0.3:
        hdrs.append("Referer: https://%s%s" % (host, uri))
    body = b""
    if method in ("POST", "PUT", "PATCH"):
        if r.random() < 0.5:
            body = json.dumps({"name": words(r, 2), "note": pct_text(r),
                               "items": [r.randrange(1000)
                                         for _ in range(r.randrange(50))],
                               "blob": base64.b64encode(
                                   r.randbytes(r.randrange(2000))).decode()}
                              ).encode()
            hdrs.append("Content-Type: application/json")
        else:
            body = urllib.parse.urlencode({"comment": pct_text(r),
                                           "user": words(r, 1)}).encode()
            hdrs.append("Content-Type: application/x-www-form-urlencoded")
        hdrs.append("Content-Length: %d" % len(body))
    req = ("%s %s HTTP/1.1\r\n" % (method, uri) + "\r\n".join(hdrs) +
           "\r\n\r\n").encode() + body
    return req * r.choice([1, 1, 1, 2])


def b64_lines(data):
    s = base64.b64encode(data)
    return b"\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def smtp_benign(r):
    dom = r.choice(HOSTS)
    frm = "%s.%s@%s" % (r.choice(WORDS), r.choice(WORDS), dom)
    out = ["EHLO client%d.%s" % (r.randrange(99), dom)]
    if r.random() < 0.5:
        out.append("AUTH PLAIN " + base64.b64encode(
            b"\0" + frm.encode() + b"\0" + b64url(r, 12)).decode())
    out.append("MAIL FROM:<%s> SIZE=%d BODY=8BITMIME" % (frm,
                                                         r.randrange(10**6)))
    for _ in range(r.randrange(1, 5)):
        out.append("RCPT TO:<%s@%s>" % (r.choice(WORDS), r.choice(HOSTS)))
    out.append("DATA")
    out += ["From: <%s>" % frm, "To: <x@%s>" % dom,
            "Subject: " + words(r, 5), "Date: Thu, 26 Nov 2026 10:00:00 +0000",
            "Message-Id: <%s@swaks.%s>" % (b64url(r, 12).decode(), dom),
            "X-Mailer: swaks v20201014.0 jetmore.org/john/code/swaks/",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"----=_b\"", "",
            "------=_b", "Content-Type: text/plain", "",
            pct_text(r).replace("\n", "\r\n"), "",
            "------=_b", "Content-Transfer-Encoding: base64", ""]
    att = bytearray(r.randbytes(r.randrange(100, 4000)))
    z = r.randrange(len(att))
    att[z:z + r.randrange(0, 3000)] = bytes(r.randrange(0, 3000))
    msg = "\r\n".join(out).encode() + b"\r\n" + b64_lines(bytes(att))
    msg += b"\r\n------=_b--\r\n.\r\nQUIT\r\n"
    return msg


def ftp_benign(r):
    out = ["USER " + r.choice(["anonymous", "ftp", "alice", "backup_user"]),
           "PASS " + r.choice(["guest@", "anonymous@example.com",
                               b64url(r, 12).decode()]),
           "SYST", "FEAT", "TYPE I", "PWD"]
    for _ in range(r.randrange(1, 10)):
        p = "/" + "/".join(r.choice(WORDS) for _ in range(r.randrange(1, 8)))
        out.append(r.choice(["CWD ", "RETR ", "STOR ", "LIST ", "SIZE ",
                             "MDTM ", "MKD ", "DELE "]) + p)
        out.append(r.choice(["PASV", "EPSV", "PORT 10,0,0,7,%d,%d" %
                             (r.randrange(256), r.randrange(256))]))
    out.append("QUIT")
    return ("\r\n".join(out) + "\r\n").encode()


def png_like(r):
    raw = b"".join(b"\0" + bytes(r.choice([0, 0, 255]) for _ in range(1)) *
                   r.randrange(50, 400) for _ in range(r.randrange(5, 40)))
    ihdr = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    chunk = (lambda t, d: struct.pack(">I", len(d)) + t + d +
             struct.pack(">I", zlib.crc32(t + d)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"tEXt", b"Comment\0" + pct_text(r).encode()) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"zzZZ", raw) +
            chunk(b"IEND", b""))


def jpeg_like(r):
    exif = b"Exif\0\0MM\0*" + bytes(r.randrange(200, 3000)) + b"Canon EOS"
    return (b"\xff\xd8\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif +
            b"\xff\xdb\0\x43\0" + r.randbytes(64) + b"\xff\xda" +
            r.randbytes(r.randrange(1000, 20000)) + b"\xff\xd9")


def tls_like(r):
    pad = bytes(r.randrange(100, 600))
    ext = b"\x00\x15" + struct.pack(">H", len(pad)) + pad
    body = (b"\x03\x03" + r.randbytes(32) + b"\x20" + r.randbytes(32) +
            b"\x00\x20" + r.randbytes(32) + b"\x01\x00" +
            struct.pack(">H", len(ext)) + ext)
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def benign(r, i):
    k = i % 14
    if k in (0, 1, 2):
        return http_benign(r)
    if k in (3, 4):
        return smtp_benign(r)
    if k == 5:
        return ftp_benign(r)
    if k == 6:
        return pct_text(r).encode()
    if k == 7:
        return json.dumps({"id": r.randrange(10**9), "text": pct_text(r),
                           "tags": [words(r, 1) for _ in range(20)],
                           "data": base64.b64encode(bytes(r.randrange(300)) +
                                                    r.randbytes(500)
                                                    ).decode()}).encode()
    if k in (8, 9):
        return r.randbytes(r.choice([16, 100, 1000, 4096, 65536, 262144]))
    if k == 10:
        data = (pct_text(r) * r.randrange(1, 50)).encode()
        # mtime=0: the gzip header must not carry today's date.
        return gzip.compress(data, mtime=0) if r.random() < 0.5 else \
            zlib.compress(data)
    if k == 11:
        return png_like(r) if r.random() < 0.5 else jpeg_like(r)
    if k == 12:
        return tls_like(r)
    data = r.randbytes(r.randrange(100, 30000))
    return b64_lines(data) if r.random() < 0.5 else base64.b64encode(data)


def wrap_field(r, payload, urlenc=False):
    """Put a payload where attackers put it: a field of some protocol."""
    where = r.choice(["raw", "http_path", "http_query", "http_header",
                      "smtp_from", "smtp_rcpt", "smtp_helo", "ftp_user",
                      "ftp_pass", "ftp_site", "ftp_cwd"])
    host = r.choice(HOSTS).encode()
    if where == "http_path":
        p = urllib.parse.quote_from_bytes(payload).encode() if urlenc \
            else payload
        return b"GET /" + p + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n"
    if where == "http_query":
        p = urllib.parse.quote_from_bytes(payload).encode() if urlenc \
            else payload
        return (b"GET /index.php?id=" + p + b"&lang=en HTTP/1.0\r\nHost: " +
                host + b"\r\nUser-Agent: " + r.choice(UAS).encode() +
                b"\r\n\r\n")
    if where == "http_header":
        h = r.choice([b"User-Agent", b"Cookie", b"Referer", b"Host",
                      b"X-Forwarded-For", b"Accept-Language"])
        return (b"GET / HTTP/1.1\r\nHost: " + host + b"\r\n" + h + b": " +
                payload + b"\r\nAccept: */*\r\n\r\n")
    if where == "smtp_from":
        return (b"EHLO x\r\nMAIL FROM:<" + payload + b"@" + host +
                b">\r\nQUIT\r\n")
    if where == "smtp_rcpt":
        return (b"HELO x\r\nMAIL FROM:<a@" + host + b">\r\nRCPT TO:<" +
                payload + b">\r\nQUIT\r\n")
    if where == "smtp_helo":
        return b"HELO " + payload + b"\r\nQUIT\r\n"
    if where == "ftp_user":
        return b"USER " + payload + b"\r\nPASS x\r\n"
    if where == "ftp_pass":
        return b"USER anonymous\r\nPASS " + payload + b"\r\n"
    if where == "ftp_site":
        return b"USER ftp\r\nPASS ftp@\r\nSITE EXEC " + payload + b"\r\n"
    if where == "ftp_cwd":
        return b"USER ftp\r\nPASS ftp@\r\nCWD " + payload + b"\r\n"
    return payload


def attack_fmt(r, i):
    k = i % 8
    if k in (0, 1, 2):
        context.arch = r.choice(["i386", "amd64"])
        size = r.choice(["byte", "short", "int"])
        # A whole int at once needs a small value: glibc gives up on
        # paddings over 2^31.
        top = 2**16 if size == "int" else 2**32
        writes = {}
        for _ in range(r.randrange(1, 4)):
            base = 0x0804a000 if context.arch == "i386" else 0x601000
            writes[base + 8 * r.randrange(64)] = r.randrange(1, top)
        p = fmtstr_payload(r.randrange(1, 40), writes,
                           numbwritten=r.randrange(0, 16), write_size=size)
        return wrap_field(r, p) if k == 2 else p
    if k == 3:
        p = (b"AAAA" + b".".join([r.choice([b"%08x", b"%x", b"%p", b"%lx"])] *
                                 r.randrange(4, 30)))
        if r.random() < 0.5:
            p += b".%n"
        return wrap_field(r, p, urlenc=r.random() < 0.5)
    if k == 4:
        n = r.randrange(1, 60)
        p = r.choice([b"%%%d$n" % n, b"%%%d$hn" % n, b"%%%d$hhn" % n,
                      b"%%%d$s" % n, b"%%%d$x" % n, b"%%%d$lln" % n,
                      b"%%%d$p|%%%d$p" % (n, n + 1)])
        return wrap_field(r, b"x" + p + b"x", urlenc=r.random() < 0.5)
    if k == 5:
        p = r.choice([b"%s", b"%x", b"%p", b"%n", b"%d"]) * r.randrange(4, 50)
        return wrap_field(r, p, urlenc=r.random() < 0.5)
    if k == 6:
        p = b"%" + str(r.randrange(1, 65535)).encode() + b"c%" + \
            str(r.randrange(1, 30)).encode() + b"$hn"
        return wrap_field(r, p, urlenc=r.random() < 0.3)
    p = b"%n" * r.randrange(1, 10)
    if r.random() < 0.3:
        # A wide string for a Windows RPC or SMB path: UTF-16.
        p = r.choice([b"%x" * r.randrange(4, 12) + b"%n", p,
                      b"%s" * r.randrange(4, 20)])
        return (b"\x05\x00\x00\x03\x10\x00\x00\x00" + r.randbytes(16) +
                (b"\\\\srv\\" + p).decode().encode("utf-16le") +
                b"\x00\x00")
    if r.random() < 0.3:
        # Escaped as IIS decodes "%u00XX".
        p = b"".join(b"%%u%04x" % c if c in b"%n" else bytes([c])
                     for c in p)
        return b"GET /scripts/" + p + b" HTTP/1.0\r\n\r\n"
    return wrap_field(r, p)


def attack_ovf(r, i):
    k = i % 10
    n = r.randrange(300, 6000)
    if k in (0, 1):
        fill = r.choice([b"A", b"B", b"\x90", b"a", b"X", b"1", b"C"])
        if k == 1 and r.random() < 0.3:
            # A wide string for a Windows RPC or SMB path: UTF-16.
            return (b"\x05\x00\x00\x03\x10\x00\x00\x00" +
                    r.randbytes(16) + b"\\\x00\\\x00" +
                    (fill + b"\x00") * n + b"\x00\x00")
        return wrap_field(r, fill * n)
    if k == 2:
        # pwntools' default alphabet, or one an exploit writer chose
        alpha = r.choice([None, None, string.ascii_uppercase,
                          string.digits, string.ascii_letters])
        n = r.choice([4, 4, 8])
        size = r.randrange(100, 5000)
        if alpha is None:
            return wrap_field(r, cyclic(size, n=n))
        return wrap_field(r, cyclic(min(size, len(alpha) ** n),
                                    alphabet=alpha.encode(), n=n))
    if k == 3:
        # Linux stack and code, and Windows DLLs (system ones at 0x7..,
        # third-party ones at their default base): after filler, or
        # sprayed alone right where the field starts.
        ret = r.choice([struct.pack("<I", 0xbffff000 + r.randrange(4096)),
                        struct.pack("<I", 0x08048000 + r.randrange(65536)),
                        struct.pack("<Q", 0x7fffffffe000 +
                                    r.randrange(4096)),
                        struct.pack("<I", 0x7c800000 + r.randrange(1 << 20)),
                        struct.pack("<I", 0x71ab0000 + r.randrange(65536)),
                        struct.pack("<I", 0x10010000 + r.randrange(65536))])
        fill = b"A" * r.randrange(64, 2000) if r.random() < 0.5 else b""
        return wrap_field(r, fill + ret * r.randrange(8, 64))
    if k == 4:
        ret = struct.pack("<I", r.randrange(2**32))
        return (b"A" * r.randrange(100, 3000) + ret + b"\x90" *
                r.randrange(256, 1000) + r.randbytes(r.randrange(20, 80)))
    if k == 5:
        pat = bytes(r.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                    for _ in range(r.randrange(2, 9)))
        return wrap_field(r, pat * (n // len(pat)))
    if k == 6:
        # Long field without a single-byte run: the length alone tells.
        blob = bytes(r.choice(b"abcdefghijklmnopqrstuvwxyz")
                     for _ in range(r.randrange(5000, 20000)))
        return r.choice([b"HELO " + blob + b"\r\n",
                         b"MAIL FROM:<" + blob + b"@x>\r\n",
                         b"USER " + blob + b"\r\n",
                         b"GET /" + blob * 2 + b" HTTP/1.1\r\n\r\n",
                         b"GET / HTTP/1.1\r\nX-" + blob + b": 1\r\n\r\n",
                         # bounded header values: a name, a number
                         b"GET / HTTP/1.1\r\nHost: " +
                         blob[:r.randrange(400, 4000)] + b"\r\n\r\n",
                         b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                         b"9" * r.randrange(40, 400) + b"\r\n\r\n"])
    if k == 7:
        return b"A" * r.randrange(40, 200) + b" / HTTP/1.1\r\nHost: x\r\n\r\n"
    if k == 8:
        # Code Red's shape: filler, then words in IIS's "%uXXXX".
        words = b"".join(b"%%u%04x" % r.randrange(65536)
                         for _ in range(r.randrange(8, 40)))
        return (b"GET /" + r.choice([b"default.ida", b"null.ida",
                                     b"scripts/x.idq"]) + b"?" +
                r.choice([b"N", b"X", b"A"]) * r.randrange(0, 240) +
                words + b"=a HTTP/1.0\r\n\r\n")
    return wrap_field(r, b"A" * n + struct.pack("<I", 0xbfffe000 +
                                                  r.randrange(8192)) * 4)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_text_corpus.py OUTDIR [SCALE]")
    out = sys.argv[1]
    scale = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    os.makedirs(out, exist_ok=True)
    for name, fn, count, seed in (("attack-format_string", attack_fmt,
                                   400, 1),
                                  ("attack-overflow", attack_ovf, 450, 2),
                                  ("benign", benign, 1400, 3)):
        r = random.Random(seed)
        for i in range(count * scale):
            with open(os.path.join(out, "%s-%d.bin" % (name, i)), "wb") as f:
                f.write(fn(r, i))


if __name__ == "__main__":
    main()
