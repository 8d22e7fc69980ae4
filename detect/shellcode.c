/*
 * Copyright (c) 2026 The HoneySpy authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/* x86 and x86-64 shellcode detection by bounded emulation of candidates. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "detect.h"

#define SC_BASE		0x10000000ULL	/* guest address of the window */
#define SC_STEPS	100000	/* steps when the limits give none */
#define SC_STACK	0x20000000ULL
#define SC_BUILT	0x30000000ULL	/* code built on the stack, run here */
#define SC_PAGE		4096ULL
#define SC_BUILTMAX	(4 * SC_PAGE)
#define SC_STACKMAX	(64 * 1024)
#define SC_SLEDMIN	64	/* bytes of sled that are a finding alone */
#define SC_SLEDCAND	8	/* bytes of sled whose end is worth a try */
#define SC_MAXCAND	64
#define SC_BACKSCAN	128	/* bytes searched before a syscall site */
#define SC_GETPCBACK	32	/* bytes searched before a GetPC site */
#define SC_DELIMSTARTS	8	/* starts after field ends, per site */
#define SC_FPUBACK	16	/* bytes before fnstenv for its FPU insn */
#define SC_PEBNEXT	16	/* bytes after a PEB read for the next step */
#define SC_TRIES	32	/* restarts past faults per candidate */
#define SC_MAXFIND	32
#define SC_NINSN	8	/* instructions quoted in df_disasm */
#define SC_LONGRUN	500	/* steps that count as a long clean run */
#define SC_PRINTMIN	80	/* printable bytes that may be encoded code */
#define SC_PRINTCAND	8	/* starts tried in printable runs, in all */
#define SC_PRINTFIELDS	4	/* of them after delimiters, per run */
#define SC_BUILTMIN	16	/* bytes pushed that may be built code */
#define SC_BASEDSTEPS	8000	/* steps for each stage of a printable run */

#define GETPC_CALL	0x01
#define GETPC_FPU	0x02
#define GETPC_RIP	0x04

#define CAND_SYS32	0x01
#define CAND_SYS64	0x02
#define CAND_GETPC	0x04
#define CAND_SLED	0x08
#define CAND_RIP	0x10
#define CAND_BASED	0x20	/* printable code that knows its address */
#define CAND_STR32	0x40	/* a string pushed four bytes at a time */

enum sc_chk {
	CHK_NONE,	/* any arguments; weak evidence */
	CHK_FDBUF,	/* small fd, readable buffer; weak evidence */
	CHK_PATH,	/* first argument is a path */
	CHK_PATH2,	/* second argument is a path */
	CHK_SOCKET,
	CHK_SOCKADDR,	/* second argument is a socket address */
	CHK_SOCKETCALL,
	CHK_DUP2,
	CHK_PROT,	/* mmap, mprotect: strong for executable memory */
	CHK_PROBE	/* access, sigaction: strong probing page by page */
};

struct sc_sys {
	unsigned int	 nr;
	const char	*name;
	enum sc_chk	 chk;
	int		 strong;
	int		 last;	/* the process is gone or replaced */
};

/*
 * Only the calls that shellcode makes.  Random bytes reach an int 0x80 now
 * and then, so a call counts only if its arguments look like what an
 * attacker passes, and the weak ones need more evidence besides.
 */
static const struct sc_sys sys32[] = {
	{ 1, "exit", CHK_NONE, 0, 1 },
	{ 2, "fork", CHK_NONE, 0, 0 },
	{ 3, "read", CHK_FDBUF, 0, 0 },
	{ 4, "write", CHK_FDBUF, 0, 0 },
	{ 5, "open", CHK_PATH, 1, 0 },
	{ 6, "close", CHK_NONE, 0, 0 },
	{ 11, "execve", CHK_PATH, 1, 1 },
	{ 23, "setuid", CHK_NONE, 0, 0 },
	{ 33, "access", CHK_PROBE, 0, 0 },
	{ 37, "kill", CHK_NONE, 0, 0 },
	{ 41, "dup", CHK_NONE, 0, 0 },
	{ 63, "dup2", CHK_DUP2, 0, 0 },
	{ 67, "sigaction", CHK_PROBE, 0, 0 },
	{ 70, "setreuid", CHK_NONE, 0, 0 },
	{ 90, "mmap", CHK_NONE, 0, 0 },
	{ 102, "socketcall", CHK_SOCKETCALL, 1, 0 },
	{ 125, "mprotect", CHK_PROT, 0, 0 },
	{ 162, "nanosleep", CHK_NONE, 0, 0 },
	{ 174, "rt_sigaction", CHK_PROBE, 0, 0 },
	{ 187, "sendfile", CHK_NONE, 0, 0 },
	{ 190, "vfork", CHK_NONE, 0, 0 },
	{ 192, "mmap2", CHK_PROT, 0, 0 },
	{ 203, "setreuid32", CHK_NONE, 0, 0 },
	{ 213, "setuid32", CHK_NONE, 0, 0 },
	{ 252, "exit_group", CHK_NONE, 0, 1 },
	{ 295, "openat", CHK_PATH2, 1, 0 },
	{ 330, "dup3", CHK_DUP2, 0, 0 },
	{ 359, "socket", CHK_SOCKET, 1, 0 },
	{ 361, "bind", CHK_SOCKADDR, 1, 0 },
	{ 362, "connect", CHK_SOCKADDR, 1, 0 },
	{ 363, "listen", CHK_NONE, 0, 0 },
	{ 364, "accept4", CHK_NONE, 0, 0 },
};

/* Windows' old system call gate, as egg hunters use it. */
static const struct sc_sys sys_int2e = { 0x2e, "int 0x2e", CHK_PROBE, 0, 0 };

static const struct sc_sys sys64[] = {
	{ 0, "read", CHK_FDBUF, 0, 0 },
	{ 1, "write", CHK_FDBUF, 0, 0 },
	{ 2, "open", CHK_PATH, 1, 0 },
	{ 3, "close", CHK_NONE, 0, 0 },
	{ 9, "mmap", CHK_PROT, 0, 0 },
	{ 10, "mprotect", CHK_PROT, 0, 0 },
	{ 13, "rt_sigaction", CHK_PROBE, 0, 0 },
	{ 21, "access", CHK_PROBE, 0, 0 },
	{ 32, "dup", CHK_NONE, 0, 0 },
	{ 33, "dup2", CHK_DUP2, 0, 0 },
	{ 40, "sendfile", CHK_NONE, 0, 0 },
	{ 41, "socket", CHK_SOCKET, 1, 0 },
	{ 42, "connect", CHK_SOCKADDR, 1, 0 },
	{ 43, "accept", CHK_NONE, 0, 0 },
	{ 49, "bind", CHK_SOCKADDR, 1, 0 },
	{ 50, "listen", CHK_NONE, 0, 0 },
	{ 57, "fork", CHK_NONE, 0, 0 },
	{ 58, "vfork", CHK_NONE, 0, 0 },
	{ 59, "execve", CHK_PATH, 1, 1 },
	{ 60, "exit", CHK_NONE, 0, 1 },
	{ 62, "kill", CHK_NONE, 0, 0 },
	{ 105, "setuid", CHK_NONE, 0, 0 },
	{ 113, "setreuid", CHK_NONE, 0, 0 },
	{ 231, "exit_group", CHK_NONE, 0, 1 },
	{ 257, "openat", CHK_PATH2, 1, 0 },
	{ 288, "accept4", CHK_NONE, 0, 0 },
	{ 292, "dup3", CHK_DUP2, 0, 0 },
};

/* What one emulation run saw; the hooks fill it in. */
struct sc_run {
	const struct sc_sys	*best;		/* most telling syscall */
	uint64_t		 steps;
	uint64_t		 maxsteps;
	uint64_t		 lo, hi;	/* executed window bytes */
	uint64_t		 wlo, whi;	/* written window bytes */
	uint64_t		 slo, shi;	/* written stack bytes */
	uint64_t		 lastpc;
	uint64_t		 callsp;
	uint64_t		 fpupc;		/* last x87 instruction */
	uint64_t		 envpatch;	/* where fnstenv put FPU IP */
	unsigned int		 nwrites;
	unsigned int		 selfexec;
	unsigned int		 nsys;
	unsigned int		 nstrong;
	int			 beststrong;
	uint64_t		 probenr, probeaddr;
	unsigned int		 probes;
	int			 egghunt;	/* probed page by page */
	int			 execmem;	/* mapped executable memory */
	uint64_t		 winapi;	/* called into a Windows DLL */
	char			 winarg[24];	/* the text it passed */
	int			 getpc;
	int			 fpu;
	int			 fault;
	int			 exhausted;
};

struct sc_emu {
	uc_engine		*uc;
	uc_context		*ctx0;
	int			 is64;
	uint64_t		 maplen;	/* window mapping */
	uint64_t		 stacklen;
	size_t			 wstart, wlen;	/* loaded buffer slice */
	int			 loaded;
	int			 stackdirty;
	struct sc_run		 run;
};

struct sc_find {
	size_t			 off, end;
	size_t			 entry;
	int			 conf;
	int			 is64;
	int			 sled;		/* sled only, no code */
	char			 desc[DETECT_DESCLEN];
};

struct sc_cand {
	size_t			 off;
	size_t			 site;
	int			 flags;
};

struct sc_state {
	const uint8_t		*buf;
	size_t			 len;
	uint64_t		 memory;
	uint64_t		 stepsleft;
	uint64_t		 percand;
	csh			 cs[2];
	int			 csok[2];
	cs_insn			*insn[2];
	uint8_t			*zero;		/* stack image */
	struct sc_cand		 cand[SC_MAXCAND];
	size_t			 ncand;
	struct sc_find		 find[SC_MAXFIND];
	size_t			 nfind;
};

static int
sc_getsp(uc_engine *uc, int is64, uint64_t *sp)
{
	*sp = 0;
	if (uc_reg_read(uc, is64 ? UC_X86_REG_RSP : UC_X86_REG_ESP, sp) !=
	    UC_ERR_OK)
		return (-1);
	if (!is64)
		*sp &= 0xffffffffULL;
	return (0);
}

/* The instruction hook: counting, coverage and GetPC idioms. */
static void
sc_hook_code(uc_engine *uc, uint64_t addr, uint32_t size, void *arg)
{
	struct sc_emu	*e = arg;
	struct sc_run	*r = &e->run;
	uint8_t		 ib[16];
	uint64_t	 sp;
	uint32_t	 v32;
	size_t		 i, n;

	/*
	 * The emulator does not track the x87 instruction pointer for every
	 * instruction, so the environment that fnstenv just stored gets the
	 * address the hardware would have put there.
	 */
	if (r->envpatch != 0) {
		v32 = (uint32_t)r->fpupc;
		(void)uc_mem_write(uc, r->envpatch, &v32, sizeof(v32));
		r->envpatch = 0;
		e->stackdirty = 1;
	}
	r->lastpc = addr;
	if (++r->steps > r->maxsteps) {
		r->exhausted = 1;
		(void)uc_emu_stop(uc);
		return;
	}
	if (addr >= SC_BASE && addr < SC_BASE + e->wlen) {
		if (addr < r->lo)
			r->lo = addr;
		if (addr + size > r->hi)
			r->hi = addr + size;
	}
	if (r->nwrites > 0 && addr < r->whi && addr + size > r->wlo)
		r->selfexec++;

	n = size < sizeof(ib) ? size : sizeof(ib);
	if (n == 0 || uc_mem_read(uc, addr, ib, n) != UC_ERR_OK)
		return;
	for (i = 0; i < n; i++) {
		if (ib[i] == 0x66 || ib[i] == 0x67 || ib[i] == 0xf2 ||
		    ib[i] == 0xf3 || ib[i] == 0x9b)
			continue;
		if (e->is64 && (ib[i] & 0xf0) == 0x40 && i + 1 < n) {
			/* lea reg, [rip + disp32] hands over the PC. */
			if (ib[i + 1] == 0x8d && i + 2 < n &&
			    (ib[i + 2] & 0xc7) == 0x05)
				r->getpc |= GETPC_RIP;
			continue;
		}
		break;
	}
	if (i >= n)
		return;
	if (ib[i] == 0xe8) {
		/* The return address lands here; popping it is GetPC. */
		if (sc_getsp(uc, e->is64, &sp) == 0)
			r->callsp = sp - (e->is64 ? 8 : 4);
	} else if (ib[i] >= 0x58 && ib[i] <= 0x5f) {
		if (r->callsp != 0 && sc_getsp(uc, e->is64, &sp) == 0 &&
		    sp == r->callsp)
			r->getpc |= GETPC_CALL;
	} else if (ib[i] == 0x8b && i + 2 < n && (ib[i + 1] & 0xc7) == 0x04 &&
	    ib[i + 2] == 0x24) {
		if (r->callsp != 0 && sc_getsp(uc, e->is64, &sp) == 0 &&
		    sp == r->callsp)
			r->getpc |= GETPC_CALL;
	} else if (ib[i] >= 0xd8 && ib[i] <= 0xdf && i + 1 < n) {
		/* fnstenv/fnsave store the last FPU instruction's address. */
		if ((ib[i] == 0xd9 || ib[i] == 0xdd) &&
		    ((ib[i + 1] >> 3) & 7) == 6 && (ib[i + 1] >> 6) != 3) {
			if (!r->fpu)
				return;
			r->getpc |= GETPC_FPU;
			if (i + 2 < n && ib[i + 2] == 0x24 &&
			    (ib[i + 1] == 0x34 ||
			    (ib[i + 1] == 0x74 && i + 3 < n)) &&
			    sc_getsp(uc, e->is64, &sp) == 0)
				r->envpatch = sp + 12 + (ib[i + 1] == 0x74 ?
				    (uint64_t)(int64_t)(int8_t)ib[i + 3] : 0);
		} else {
			r->fpu = 1;
			r->fpupc = addr;
		}
	}
}

static void
sc_hook_stack(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
    int64_t value, void *arg)
{
	struct sc_emu	*e = arg;
	struct sc_run	*r = &e->run;

	(void)uc;
	(void)type;
	(void)value;
	e->stackdirty = 1;
	if (size <= 0)
		return;
	if (r->shi == 0 || addr < r->slo)
		r->slo = addr;
	if (addr + (uint64_t)size > r->shi)
		r->shi = addr + (uint64_t)size;
}

static void
sc_hook_write(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
    int64_t value, void *arg)
{
	struct sc_emu	*e = arg;
	struct sc_run	*r = &e->run;

	(void)uc;
	(void)type;
	(void)value;
	if (size <= 0)
		return;
	if (r->nwrites == 0 || addr < r->wlo)
		r->wlo = addr;
	if (r->nwrites == 0 || addr + (uint64_t)size > r->whi)
		r->whi = addr + (uint64_t)size;
	r->nwrites++;
}

/*
 * Code that jumps to an address in Windows' system DLLs (0x60000000 to
 * 0x7fffffff: kernel32, ntdll, user32, ws2_32 and the rest on XP and
 * 2003) with a pointer among its first arguments to text it pushed, or
 * to text in itself once it knows its address: an API called by its
 * hard-coded address, as in WinExec("calc.exe") payloads written for
 * one service pack.
 */
static void
sc_winapi(uc_engine *uc, struct sc_emu *e, uint64_t addr)
{
	struct sc_run	*r = &e->run;
	uint32_t	 sp = 0, ptr;
	uint8_t		 t[sizeof(r->winarg) - 1];
	uint64_t	 end;
	size_t		 k, n, avail;

	if (addr < 0x60000000ULL || addr > 0x7fffffffULL ||
	    uc_reg_read(uc, UC_X86_REG_ESP, &sp) != UC_ERR_OK)
		return;
	for (k = 0; k < 4; k++) {
		if (uc_mem_read(uc, (uint64_t)sp + 4 * k, &ptr, 4) !=
		    UC_ERR_OK)
			continue;
		if (ptr >= r->slo && ptr < r->shi)
			end = r->shi;
		else if (r->getpc && ptr >= SC_BASE && ptr < SC_BASE +
		    e->maplen)
			end = SC_BASE + e->maplen;
		else
			continue;
		avail = end - ptr < sizeof(t) ? (size_t)(end - ptr) :
		    sizeof(t);
		if (uc_mem_read(uc, ptr, t, avail) != UC_ERR_OK)
			continue;
		for (n = 0; n < avail && t[n] >= 0x20 && t[n] < 0x7f; n++)
			;
		/* text, ended by a NUL or longer than we quote */
		if (n < 3 || (n < avail && t[n] != '\0') ||
		    (n == avail && avail < sizeof(t)))
			continue;
		memcpy(r->winarg, t, n);
		r->winarg[n] = '\0';
		r->winapi = addr;
		return;
	}
}

/* A call or jump through a register ("call ebx") within 8 bytes. */
static int
sc_callreg(const uint8_t *b, size_t len)
{
	size_t	 i;

	for (i = 0; i + 1 < len && i < 8; i++)
		if (b[i] == 0xff && ((b[i + 1] & 0xf8) == 0xd0 ||
		    (b[i + 1] & 0xf8) == 0xe0))
			return (1);
	return (0);
}

/* Nothing is mapped on demand: an access outside the maps ends the run. */
static bool
sc_hook_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
    int64_t value, void *arg)
{
	struct sc_emu	*e = arg;

	(void)size;
	(void)value;
	if (type == UC_MEM_FETCH_UNMAPPED && !e->is64)
		sc_winapi(uc, e, addr);
	e->run.fault = 1;
	return (false);
}

static int
sc_readable(uc_engine *uc, uint64_t addr, size_t n)
{
	uint8_t	 b[32];

	if (n > sizeof(b))
		n = sizeof(b);
	return (addr != 0 && uc_mem_read(uc, addr, b, n) == UC_ERR_OK);
}

/* A path: a short NUL-terminated printable string with a slash in it. */
static int
sc_pathok(uc_engine *uc, uint64_t addr)
{
	uint8_t	 c;
	size_t	 i;
	int	 slash = 0;

	if (addr == 0)
		return (0);
	for (i = 0; i < 256; i++) {
		if (uc_mem_read(uc, addr + i, &c, 1) != UC_ERR_OK)
			return (0);
		if (c == '\0')
			return (slash && i >= 2);
		if (c < 0x20 || c > 0x7e)
			return (0);
		if (c == '/')
			slash = 1;
	}
	return (0);
}

static int
sc_sockaddrok(uc_engine *uc, uint64_t addr)
{
	uint16_t	 fam;

	if (addr == 0 || uc_mem_read(uc, addr, &fam, 2) != UC_ERR_OK)
		return (0);
	return (fam == 1 || fam == 2 || fam == 10);
}

static int
sc_argsok(uc_engine *uc, const struct sc_sys *s, uint64_t a1, uint64_t a2,
    uint64_t a3)
{
	uint32_t	 v[3];

	switch (s->chk) {
	case CHK_NONE:
		return (1);
	case CHK_FDBUF:
		return (a1 < 1024 && a3 <= 0x100000 && sc_readable(uc, a2, 1));
	case CHK_PATH:
		return (sc_pathok(uc, a1));
	case CHK_PATH2:
		return (sc_pathok(uc, a2));
	case CHK_SOCKET:
		return ((a1 == 2 || a1 == 10 || a1 == 1) &&
		    ((a2 & 0xf) >= 1 && (a2 & 0xf) <= 3));
	case CHK_SOCKADDR:
		return (a1 < 1024 && sc_sockaddrok(uc, a2));
	case CHK_SOCKETCALL:
		if (a1 < 1 || a1 > 20 || a2 == 0 ||
		    uc_mem_read(uc, a2, v, sizeof(v)) != UC_ERR_OK)
			return (0);
		/* socket(2) and connect(2)/bind(2) arguments checked too. */
		if (a1 == 1)
			return ((v[0] == 2 || v[0] == 10 || v[0] == 1) &&
			    (v[1] & 0xf) >= 1 && (v[1] & 0xf) <= 3);
		if (a1 == 2 || a1 == 3)
			return (v[0] < 1024 && sc_sockaddrok(uc, v[1]));
		return (v[0] < 1024);
	case CHK_DUP2:
		return (a1 < 1024 && a2 <= 2);
	case CHK_PROT:
	case CHK_PROBE:
		return (1);
	}
	return (0);
}

/*
 * An egg hunter asks the kernel about one address after another, a page
 * (or a few bytes) further each time, to find where its second stage
 * lies without faulting: three such calls in a row are evidence.  The
 * answer is "no such memory" (EFAULT; STATUS_ACCESS_VIOLATION through
 * int 0x2e), so that it goes on.
 */
static int
sc_probe(struct sc_run *r, uint64_t nr, uint64_t addr)
{
	if (r->probes > 0 && nr == r->probenr && addr > r->probeaddr &&
	    addr - r->probeaddr <= SC_PAGE)
		r->probes++;
	else
		r->probes = 1;
	r->probenr = nr;
	r->probeaddr = addr;
	if (r->probes < 3)
		return (0);
	r->egghunt = 1;
	return (1);
}

/* Counts a judged call and keeps the most telling one. */
static void
sc_count(struct sc_run *r, const struct sc_sys *s, int strong)
{
	r->nsys++;
	if (strong)
		r->nstrong++;
	if (r->best == NULL || (strong && !r->beststrong) ||
	    (s->last && strong)) {
		r->best = s;
		r->beststrong = strong;
	}
}

/* A system call: judge it, fake a result, and go on unless it was final. */
static void
sc_syscall(struct sc_emu *e, int abi64)
{
	struct sc_run		*r = &e->run;
	uc_engine		*uc = e->uc;
	const struct sc_sys	*tab, *s = NULL;
	uint64_t		 nr = 0, a1 = 0, a2 = 0, a3 = 0, ret = 0,
				 flags = 0;
	size_t			 i, ntab;
	int			 rn, r1, r2, r3, strong;

	if (abi64) {
		tab = sys64;
		ntab = sizeof(sys64) / sizeof(sys64[0]);
		rn = UC_X86_REG_RAX;
		r1 = UC_X86_REG_RDI;
		r2 = UC_X86_REG_RSI;
		r3 = UC_X86_REG_RDX;
	} else {
		tab = sys32;
		ntab = sizeof(sys32) / sizeof(sys32[0]);
		rn = UC_X86_REG_EAX;
		r1 = UC_X86_REG_EBX;
		r2 = UC_X86_REG_ECX;
		r3 = UC_X86_REG_EDX;
	}
	if (uc_reg_read(uc, rn, &nr) != UC_ERR_OK ||
	    uc_reg_read(uc, r1, &a1) != UC_ERR_OK ||
	    uc_reg_read(uc, r2, &a2) != UC_ERR_OK ||
	    uc_reg_read(uc, r3, &a3) != UC_ERR_OK)
		goto stop;
	if (!abi64 || !e->is64) {
		nr &= 0xffffffffULL;
		a1 &= 0xffffffffULL;
		a2 &= 0xffffffffULL;
		a3 &= 0xffffffffULL;
	}
	for (i = 0; i < ntab; i++)
		if (tab[i].nr == nr) {
			s = &tab[i];
			break;
		}
	if (s == NULL || !sc_argsok(uc, s, a1, a2, a3)) {
		/* Junk that happens to trap; later code may still be real. */
		r->fault = 1;
		goto stop;
	}
	strong = s->strong;
	if (s->chk == CHK_PROT) {
		/* anonymous memory to run code in: a stager's first step */
		if (uc_reg_read(uc, abi64 ? UC_X86_REG_R10 : UC_X86_REG_ESI,
		    &flags) != UC_ERR_OK)
			goto stop;
		if ((a3 & 4) != 0 && a2 > 0 && a2 <= 0x1000000 &&
		    (strcmp(s->name, "mprotect") == 0 || (flags & 0x20))) {
			strong = 1;
			r->execmem = 1;
		}
		if (strcmp(s->name, "mprotect") != 0)
			ret = SC_STACK;
	} else if (s->chk == CHK_FDBUF && strcmp(s->name, "write") == 0 &&
	    a3 >= 4 && a2 >= r->slo && a2 + a3 <= r->shi) {
		/* text it built on the stack, written out: echo */
		strong = 1;
	} else if (s->chk == CHK_PROBE) {
		/* programs make these calls too: only a hunt counts */
		strong = sc_probe(r, nr, strcmp(s->name, "access") == 0 ?
		    a1 : a2);
		ret = (uint64_t)-14;
		if (!strong) {
			if (uc_reg_write(uc, rn, &ret) != UC_ERR_OK)
				goto stop;
			return;
		}
	}
	sc_count(r, s, strong);
	if (s->last)
		goto stop;
	/* Descriptors as a kernel would hand them out keep loops going. */
	if (strcmp(s->name, "socket") == 0 || strcmp(s->name, "accept") == 0 ||
	    strcmp(s->name, "accept4") == 0 ||
	    (strcmp(s->name, "socketcall") == 0 && (a1 == 1 || a1 == 5)))
		ret = 3;
	if (uc_reg_write(uc, rn, &ret) != UC_ERR_OK)
		goto stop;
	return;
 stop:
	(void)uc_emu_stop(uc);
}

static void
sc_hook_intr(uc_engine *uc, uint32_t intno, void *arg)
{
	struct sc_emu	*e = arg;

	uint64_t	 nr = 0, addr = 0, ret = 0xc0000005;
	int		 strong;

	if (intno == 0x80) {
		sc_syscall(e, 0);
		return;
	}
	/* Windows' old gate counts only as an egg hunter's probe. */
	if (intno == 0x2e && uc_reg_read(uc, UC_X86_REG_EAX, &nr) ==
	    UC_ERR_OK && uc_reg_read(uc, UC_X86_REG_EDX, &addr) ==
	    UC_ERR_OK && uc_reg_write(uc, UC_X86_REG_EAX, &ret) ==
	    UC_ERR_OK) {
		/* only a hunt counts: one alone is junk that traps */
		if ((strong = sc_probe(&e->run, nr & 0xffff,
		    addr & 0xffffffff)))
			sc_count(&e->run, &sys_int2e, strong);
		return;
	}
	/* Any other trap is a fault as far as shellcode goes. */
	e->run.fault = 1;
	(void)uc_emu_stop(uc);
}

static void
sc_hook_syscall(uc_engine *uc, void *arg)
{
	struct sc_emu	*e = arg;

	(void)uc;
	sc_syscall(e, 1);
}

static void
sc_hook_sysenter(uc_engine *uc, void *arg)
{
	struct sc_emu	*e = arg;

	(void)uc;
	sc_syscall(e, 0);
}

static void
sc_emu_close(struct sc_emu *e)
{
	if (e->ctx0 != NULL)
		(void)uc_context_free(e->ctx0);
	if (e->uc != NULL)
		(void)uc_close(e->uc);
	memset(e, 0, sizeof(*e));
}

/* One engine, its two maps and hooks; memory stays within st->memory. */
static int
sc_emu_open(struct sc_state *st, struct sc_emu *e, int is64)
{
	uc_hook		 h;
	uint64_t	 sp, want;

	memset(e, 0, sizeof(*e));
	e->is64 = is64;
	e->stacklen = (st->memory / 4) & ~(SC_PAGE - 1);
	if (e->stacklen > SC_STACKMAX)
		e->stacklen = SC_STACKMAX;
	if (e->stacklen < 2 * SC_PAGE)
		e->stacklen = 2 * SC_PAGE;
	e->maplen = SC_PAGE;
	if (st->memory > e->stacklen + SC_BUILTMAX + SC_PAGE)
		e->maplen = (st->memory - e->stacklen - SC_BUILTMAX) &
		    ~(SC_PAGE - 1);
	want = ((uint64_t)st->len + SC_PAGE - 1) & ~(SC_PAGE - 1);
	if (want < SC_PAGE)
		want = SC_PAGE;
	if (e->maplen > want)
		e->maplen = want;

	if (uc_open(UC_ARCH_X86, is64 ? UC_MODE_64 : UC_MODE_32, &e->uc) !=
	    UC_ERR_OK) {
		e->uc = NULL;
		return (-1);
	}
	if (uc_mem_map(e->uc, SC_BASE, e->maplen, UC_PROT_ALL) != UC_ERR_OK ||
	    uc_mem_map(e->uc, SC_STACK, e->stacklen, UC_PROT_ALL) != UC_ERR_OK ||
	    uc_mem_map(e->uc, SC_BUILT, SC_BUILTMAX, UC_PROT_ALL) != UC_ERR_OK)
		goto fail;
	if (uc_hook_add(e->uc, &h, UC_HOOK_CODE, (void *)sc_hook_code, e,
	    1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_MEM_WRITE, (void *)sc_hook_write, e,
	    SC_BASE, SC_BASE + e->maplen - 1) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_MEM_WRITE, (void *)sc_hook_stack, e,
	    SC_STACK, SC_STACK + e->stacklen - 1) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_MEM_INVALID,
	    (void *)sc_hook_invalid, e, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_INTR, (void *)sc_hook_intr, e,
	    1, 0) != UC_ERR_OK)
		goto fail;
	if (is64) {
		if (uc_hook_add(e->uc, &h, UC_HOOK_INSN,
		    (void *)sc_hook_syscall, e, 1, 0, UC_X86_INS_SYSCALL) !=
		    UC_ERR_OK)
			goto fail;
	} else {
		if (uc_hook_add(e->uc, &h, UC_HOOK_INSN,
		    (void *)sc_hook_sysenter, e, 1, 0, UC_X86_INS_SYSENTER) !=
		    UC_ERR_OK)
			goto fail;
	}
	/* Registers start at zero; the stack pointer sits inside its map. */
	sp = SC_STACK + e->stacklen - e->stacklen / 4;
	if (uc_reg_write(e->uc, is64 ? UC_X86_REG_RSP : UC_X86_REG_ESP, &sp) !=
	    UC_ERR_OK)
		goto fail;
	if (uc_context_alloc(e->uc, &e->ctx0) != UC_ERR_OK) {
		e->ctx0 = NULL;
		goto fail;
	}
	if (uc_context_save(e->uc, e->ctx0) != UC_ERR_OK)
		goto fail;
	return (0);
 fail:
	sc_emu_close(e);
	return (-1);
}

/* Loads the buffer slice around off, unless it is there and unchanged. */
static int
sc_emu_load(struct sc_state *st, struct sc_emu *e, size_t off)
{
	size_t	 start, wlen;

	wlen = st->len < e->maplen ? st->len : (size_t)e->maplen;
	start = 0;
	if (st->len > wlen) {
		start = off > wlen / 4 ? off - wlen / 4 : 0;
		if (start + wlen > st->len)
			start = st->len - wlen;
	}
	if (e->loaded && start == e->wstart && wlen == e->wlen)
		return (0);
	e->loaded = 0;
	if (uc_mem_write(e->uc, SC_BASE, st->buf + start, wlen) != UC_ERR_OK)
		return (-1);
	if (wlen < e->maplen && uc_mem_write(e->uc, SC_BASE + wlen, st->zero,
	    e->maplen - wlen > e->stacklen ? e->stacklen : e->maplen - wlen) !=
	    UC_ERR_OK)
		return (-1);
	if (uc_ctl_remove_cache(e->uc, SC_BASE, SC_BASE + e->maplen) !=
	    UC_ERR_OK)
		return (-1);
	e->wstart = start;
	e->wlen = wlen;
	e->loaded = 1;
	return (0);
}

/*
 * Undoes self-modification, as the next try must see the input: only
 * the bytes written, and only their translations, as the rest of the
 * window and what the emulator made of it are still good.
 */
static int
sc_emu_undo(struct sc_state *st, struct sc_emu *e)
{
	struct sc_run	*r = &e->run;
	size_t		 a, b, n;

	if (r->nwrites == 0)
		return (0);
	a = r->wlo > SC_BASE ? (size_t)(r->wlo - SC_BASE) : 0;
	b = r->whi > SC_BASE ? (size_t)(r->whi - SC_BASE) : 0;
	if (b > e->maplen)
		b = e->maplen;
	if (a >= b)
		return (0);
	e->loaded = 0;
	if (a < e->wlen) {
		n = (b < e->wlen ? b : e->wlen) - a;
		if (uc_mem_write(e->uc, SC_BASE + a, st->buf + e->wstart + a,
		    n) != UC_ERR_OK)
			return (-1);
		a += n;
	}
	for (; a < b; a += n) {
		n = b - a > SC_STACKMAX ? SC_STACKMAX : b - a;
		if (uc_mem_write(e->uc, SC_BASE + a, st->zero, n) != UC_ERR_OK)
			return (-1);
	}
	if (uc_ctl_remove_cache(e->uc, r->wlo, r->whi) != UC_ERR_OK)
		return (-1);
	e->loaded = 1;
	return (0);
}

/*
 * One run from buffer offset off.  Returns -1 on an engine error, else 0
 * with e->run describing what happened.
 */
static int
sc_emu_run(struct sc_state *st, struct sc_emu *e, size_t off, int based)
{
	static const int gpr[] = {
		UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
		UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI
	};
	struct sc_run	*r = &e->run;
	uint64_t	 begin, budget;
	size_t		 i;

	if (sc_emu_load(st, e, off) == -1)
		return (-1);
	memset(r, 0, sizeof(*r));
	if (off < e->wstart || off >= e->wstart + e->wlen)
		return (0);
	budget = st->percand < st->stepsleft ? st->percand : st->stepsleft;
	if (based && budget > SC_BASEDSTEPS)
		budget = SC_BASEDSTEPS;
	if (budget == 0)
		return (0);
	r->maxsteps = budget;
	r->lo = UINT64_MAX;
	if (uc_context_restore(e->uc, e->ctx0) != UC_ERR_OK)
		return (-1);
	if (e->stackdirty) {
		if (uc_mem_write(e->uc, SC_STACK, st->zero, e->stacklen) !=
		    UC_ERR_OK)
			return (-1);
		e->stackdirty = 0;
	}
	begin = SC_BASE + (off - e->wstart);
	/*
	 * Printable encoders take their own address from the register the
	 * exploit jumped through: every one but the stack pointer holds it.
	 */
	for (i = 0; based && i < sizeof(gpr) / sizeof(gpr[0]); i++)
		if (uc_reg_write(e->uc, gpr[i], &begin) != UC_ERR_OK)
			return (-1);
	/* Errors here are the payload's faults, not ours. */
	if (uc_emu_start(e->uc, begin, 0, 0, budget + 1) != UC_ERR_OK)
		r->fault = 1;
	st->stepsleft -= r->steps > st->stepsleft ? st->stepsleft : r->steps;
	/* a printable run's caller may go on in this memory, then undoes */
	return (based ? 0 : sc_emu_undo(st, e));
}

/* printable, "; "-separated disassembly of the first few instructions. */
static void
sc_disasm(struct sc_state *st, int is64, size_t off, char *out, size_t outlen)
{
	const uint8_t	*p;
	cs_insn		*in = st->insn[is64];
	size_t		 n, used = 0, k, i;
	uint64_t	 a;
	char		 line[200];
	int		 cnt = 0, w;

	out[0] = '\0';
	if (!st->csok[is64] || off >= st->len)
		return;
	p = st->buf + off;
	n = st->len - off;
	a = off;
	while (cnt < SC_NINSN && cs_disasm_iter(st->cs[is64], &p, &n, &a, in)) {
		w = snprintf(line, sizeof(line), "%s%s%s%s", cnt ? "; " : "",
		    in->mnemonic, in->op_str[0] ? " " : "", in->op_str);
		if (w < 0)
			break;
		k = strlen(line);
		for (i = 0; i < k; i++)
			if ((unsigned char)line[i] < 0x20 ||
			    (unsigned char)line[i] > 0x7e)
				line[i] = '?';
		if (used + k + 1 > outlen)
			break;
		memcpy(out + used, line, k + 1);
		used += k;
		cnt++;
	}
}

/*
 * Does linear disassembly from s land exactly on site?  Only such starts
 * can be the code that leads to the site.
 */
static int
sc_aligned(struct sc_state *st, int is64, size_t s, size_t site)
{
	const uint8_t	*p = st->buf + s;
	size_t		 n = site - s;
	uint64_t	 a = s;

	while (n > 0)
		if (!cs_disasm_iter(st->cs[is64], &p, &n, &a, st->insn[is64]))
			return (0);
	return (1);
}

static size_t
sc_earliest(struct sc_state *st, int is64, size_t site, size_t back)
{
	size_t	 d;

	if (!st->csok[is64])
		return (site);
	if (back > site)
		back = site;
	for (d = back; d > 0; d--)
		if (sc_aligned(st, is64, site - d, site))
			return (site - d);
	return (site);
}

static int
sc_insnlen(struct sc_state *st, int is64, size_t off)
{
	const uint8_t	*p = st->buf + off;
	size_t		 n = st->len - off;
	uint64_t	 a = off;

	if (!st->csok[is64] || off >= st->len ||
	    !cs_disasm_iter(st->cs[is64], &p, &n, &a, st->insn[is64]))
		return (1);
	return ((int)st->insn[is64]->size);
}

static const char *
sc_getpcname(int g)
{
	if (g & GETPC_FPU)
		return ("fnstenv GetPC");
	if (g & GETPC_CALL)
		return ("call/pop GetPC");
	if (g & GETPC_RIP)
		return ("rip-relative GetPC");
	return ("");
}

/* Judges a finished run; 0 if it shows nothing. */
static int
sc_judge(struct sc_emu *e, char *desc, size_t desclen)
{
	struct sc_run	*r = &e->run;
	int		 getpc, decode, conf = 0;
	char		 q[sizeof(r->winarg) * 4 + 1];

	getpc = r->getpc != 0;
	decode = r->selfexec > 0 && r->nwrites >= 4;
	if (r->winapi != 0 && r->nstrong == 0) {
		detect_quote((const uint8_t *)r->winarg, strlen(r->winarg), q,
		    sizeof(q));
		(void)snprintf(desc, desclen, "call to 0x%08llx in Windows' "
		    "DLLs, passing \"%s\"%s%s%s",
		    (unsigned long long)r->winapi, q,
		    strlen(r->winarg) == sizeof(r->winarg) - 1 ? "..." : "",
		    getpc ? ", after " : "",
		    getpc ? sc_getpcname(r->getpc) : "");
		return ((getpc || decode) ? 90 : 75);
	}
	if (r->nstrong > 0)
		conf = (getpc || decode) ? 90 : 75;
	else if (r->nsys >= 2)
		conf = (getpc || decode) ? 75 : 60;
	else if (r->nsys == 1 && (getpc || decode))
		conf = 60;
	else if (decode && getpc)
		conf = 60;
	else if (getpc && !r->fault && r->steps >= SC_LONGRUN)
		conf = 35;
	if (conf == 0)
		return (0);
	if (r->nsys > 0)
		(void)snprintf(desc, desclen, "%s syscall reached%s%s%s%s%s",
		    r->best->name, getpc ? " after " : "",
		    getpc ? sc_getpcname(r->getpc) : "",
		    decode ? (getpc ? ", " : " after ") : "",
		    decode ? "self-decoding loop" : "",
		    r->egghunt ? " (an egg hunter probing memory)" :
		    r->execmem ? " (asks for executable memory)" : "");
	else if (decode)
		(void)snprintf(desc, desclen, "%s then self-decoding loop",
		    sc_getpcname(r->getpc));
	else
		(void)snprintf(desc, desclen, "%s and %llu instructions "
		    "without a fault", sc_getpcname(r->getpc),
		    (unsigned long long)r->steps);
	return (conf);
}

static void
sc_addfind(struct sc_state *st, size_t off, size_t end, size_t entry,
    int conf, int is64, int sled, const char *desc)
{
	struct sc_find	*f;

	if (st->nfind >= SC_MAXFIND)
		return;
	f = &st->find[st->nfind++];
	f->off = off;
	f->end = end > off ? end : off + 1;
	f->entry = entry;
	f->conf = conf;
	f->is64 = is64;
	f->sled = sled;
	(void)strlcpy(f->desc, desc, sizeof(f->desc));
}

static int
sc_covered(struct sc_state *st, size_t off)
{
	size_t	 i;

	for (i = 0; i < st->nfind; i++)
		if (!st->find[i].sled && off >= st->find[i].off &&
		    off < st->find[i].end)
			return (1);
	return (0);
}

/*
 * Windows shellcode finds its libraries through the PEB, fs:[0x30] in
 * 32-bit code and gs:[0x60] in 64-bit, and goes straight on to the
 * loader's data at PEB+0x0c (PEB+0x18): "mov edx, fs:[eax+0x30]; mov
 * edx, [edx+0x0c]".  Is P such a read, followed within a few bytes by
 * that step through the register it loaded?  Our emulator has no TEB,
 * so the read is where such code faults.
 */
static int
sc_pebread(const uint8_t *p, size_t n, int is64)
{
	size_t		 i = 1, want = is64 ? 0x60 : 0x30, end;
	uint32_t	 disp = 0;
	uint8_t		 modrm, mod, rm, reg, ldr = is64 ? 0x18 : 0x0c;
	int		 rexr = 0;

	if (n < 4 || p[0] != (is64 ? 0x65 : 0x64))
		return (0);
	if (is64 && (p[i] & 0xf8) == 0x48)
		rexr = (p[i++] & 0x04) != 0;
	if (p[i] == 0xa1) {			/* mov eax, seg:[moffs] */
		if (i + 5 > n || p[i + 1] != want || p[i + 2] != 0 ||
		    p[i + 3] != 0 || p[i + 4] != 0)
			return (0);
		reg = 0;
		end = i + (is64 ? 9 : 5);
		goto next;
	}
	if (p[i] != 0x8b || ++i >= n)		/* mov r, seg:[r/m] */
		return (0);
	modrm = p[i++];
	mod = modrm >> 6;
	rm = modrm & 7;
	reg = (modrm >> 3) & 7;
	if (mod == 3)
		return (0);
	if (rm == 4) {				/* SIB */
		if (i >= n)
			return (0);
		if ((p[i++] & 7) == 5 && mod == 0)
			mod = 2;		/* no base: disp32 */
	} else if (rm == 5 && mod == 0) {
		if (is64)
			return (0);		/* rip-relative */
		mod = 2;
	}
	if (mod == 1 && i < n) {
		disp = p[i];
		end = i + 1;
	} else if (mod == 2 && i + 4 <= n) {
		disp = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
		    (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
		end = i + 4;
	} else
		return (0);
	if (disp != want)
		return (0);
 next:
	/* "mov r, [reg + Ldr]" in the next few bytes */
	for (i = end; i + 3 <= n && i < end + SC_PEBNEXT; i++) {
		if (is64) {
			if ((p[i] & 0xf8) != 0x48 || ((p[i] & 1) != rexr) ||
			    i + 4 > n)
				continue;
			if (p[i + 1] == 0x8b && (p[i + 2] & 0xc7) ==
			    (0x40 | reg) && p[i + 3] == ldr)
				return (1);
		} else if (p[i] == 0x8b && (p[i + 1] & 0xc7) == (0x40 | reg) &&
		    p[i + 2] == ldr)
			return (1);
	}
	return (0);
}

/*
 * Windows code with no GetPC and no PEB walk (Slammer) calls through the
 * import table of the program it broke into, and first writes the names
 * it asks for on the stack: "push 'dll.'; push '23le'; push 'nrek'".
 * Text run as code pushes four bytes of itself at a time, in reverse
 * order, so it does not spell these.  Are two of them, or a library's
 * name, in what the run wrote to the stack?
 */
static const char *const sc_winnames[] = {
	/* libraries first: one is enough */
	"kernel32", "ws2_32", "wsock32", "urlmon", "wininet", "msvcrt",
	"advapi32", "user32", "ntdll",
	"LoadLibrary", "GetProcAddress", "GetTickCount", "WinExec",
	"CreateProcess", "URLDownloadToFile", "WSAStartup", "WSASocket",
	"VirtualAlloc", "VirtualProtect", "ExitProcess", "ExitThread",
	"socket", "sendto", "connect", "cmd.exe"
};
#define SC_WINLIBS	9
#define SC_WINSTACK	4096	/* bytes of written stack searched */

static int
sc_winnames_found(struct sc_emu *e, char *desc, size_t desclen)
{
	struct sc_run	*r = &e->run;
	uint8_t		 b[SC_WINSTACK];
	const char	*hit[2] = { NULL, NULL };
	uint64_t	 lo;
	size_t		 n, i, j, k, w;
	int		 nhit = 0, lib = 0;

	if (r->shi <= r->slo || r->steps < 8)
		return (0);
	lo = r->shi - r->slo > sizeof(b) ? r->shi - sizeof(b) : r->slo;
	n = (size_t)(r->shi - lo);
	if (uc_mem_read(e->uc, lo, b, n) != UC_ERR_OK)
		return (0);
	for (k = 0; k < sizeof(sc_winnames) / sizeof(sc_winnames[0]); k++) {
		w = strlen(sc_winnames[k]);
		for (i = 0; i + w <= n; i++) {
			for (j = 0; j < w; j++)
				if ((b[i + j] | 0x20) !=
				    (sc_winnames[k][j] | 0x20))
					break;
			if (j == w)
				break;
		}
		if (i + w > n)
			continue;
		if (nhit < 2)
			hit[nhit] = sc_winnames[k];
		nhit++;
		if (k < SC_WINLIBS)
			lib = 1;
	}
	if (nhit < 2 && !lib)
		return (0);
	(void)snprintf(desc, desclen, "Windows names built on the stack "
	    "(%s%s%s)", hit[0], hit[1] != NULL ? ", " : "",
	    hit[1] != NULL ? hit[1] : "");
	return (1);
}

/* A finding for the run that started at OFF, over the bytes it ran. */
static void
sc_found(struct sc_state *st, struct sc_emu *e, size_t off, int conf,
    const char *desc)
{
	struct sc_run	*r = &e->run;
	size_t		 lo = off, hi = off + 1;

	if (r->lo != UINT64_MAX) {
		if (e->wstart + (r->lo - SC_BASE) < lo)
			lo = e->wstart + (size_t)(r->lo - SC_BASE);
		hi = e->wstart + (size_t)(r->hi - SC_BASE);
	}
	sc_addfind(st, lo, hi, off, conf, e->is64, 0, desc);
}

/*
 * Emulates one candidate, restarting past each fault a few times: junk
 * before the payload (a protocol verb, padding) faults and must not hide
 * the code behind it.  Returns 1 on a finding, 0 if none, -1 on error.
 */
static int
sc_try(struct sc_state *st, struct sc_emu *e, const struct sc_cand *c)
{
	struct sc_run	*r = &e->run;
	char		 desc[DETECT_DESCLEN];
	size_t		 off = c->off, fpc;
	int		 tries, conf;

	for (tries = 0; tries < SC_TRIES && st->stepsleft > 0; tries++) {
		if (sc_covered(st, off))
			return (0);
		if (sc_emu_run(st, e, off, 0) == -1)
			return (-1);
		if ((conf = sc_judge(e, desc, sizeof(desc))) > 0) {
			sc_found(st, e, off, conf, desc);
			return (1);
		}
		if (sc_winnames_found(e, desc, sizeof(desc))) {
			sc_found(st, e, off, 70, desc);
			return (1);
		}
		fpc = SIZE_MAX;
		if (r->fault && r->lastpc >= SC_BASE &&
		    r->lastpc < SC_BASE + e->wlen)
			fpc = e->wstart + (size_t)(r->lastpc - SC_BASE);
		/* after code of its own: four bytes alone are no payload */
		if (fpc != SIZE_MAX && (r->getpc || r->steps >= 2) &&
		    sc_pebread(st->buf + fpc, st->len - fpc, e->is64)) {
			(void)snprintf(desc, sizeof(desc), "Windows PEB lookup "
			    "(%s)%s%s", e->is64 ? "gs:[0x60]" : "fs:[0x30]",
			    r->getpc ? " after " : "",
			    r->getpc ? sc_getpcname(r->getpc) : "");
			sc_found(st, e, off, r->getpc ? 80 : 65, desc);
			return (1);
		}
		/*
		 * A run that faulted in the junk goes on past the fault.
		 * One that left without a fault took a branch the junk made
		 * ("q=" is jno +0x3d): go on from the next instruction, which
		 * still lands on the site.
		 */
		if (fpc != SIZE_MAX && fpc >= off && fpc < c->site)
			off = fpc + (size_t)sc_insnlen(st, e->is64, fpc);
		else if (off < c->site)
			off += (size_t)sc_insnlen(st, e->is64, off);
		else
			return (0);
		if (off > c->site)
			return (0);
	}
	return (0);
}

/*
 * A printable run from OFF, with its address in every register.  Text
 * run that way writes into itself and falls into what it wrote all the
 * time, so only a system call that passes its checks (a path, a socket
 * address) counts: what the decoder built is then shellcode.
 */
static int
sc_try_based(struct sc_state *st, struct sc_emu *e, size_t off)
{
	struct sc_run	*r = &e->run;
	char		 desc[DETECT_DESCLEN];
	uint8_t		 code[SC_BUILTMAX];
	uint64_t	 sp, budget, n;
	int		 built = 0;

	if (sc_covered(st, off))
		return (0);
	if (sc_emu_run(st, e, off, 1) == -1)
		return (-1);
	/*
	 * Encoders that only push (pwntools' ascii_shellcode) build the
	 * code on the stack, and the exploit's layout or a "jmp esp" takes
	 * it there: run what was built, registers and stack as they are.
	 * From a copy: libunicorn 2.0.1 leaks memory each time code writes
	 * to the page it runs from, and code on the stack always does.
	 */
	if (r->nstrong == 0 && sc_getsp(e->uc, 0, &sp) == 0 &&
	    sp >= r->slo && sp + SC_BUILTMIN <= r->shi &&
	    (budget = st->stepsleft < SC_BASEDSTEPS ? st->stepsleft :
	    SC_BASEDSTEPS) > 0) {
		n = r->shi - sp > sizeof(code) ? sizeof(code) : r->shi - sp;
		memset(code + n, 0, sizeof(code) - n);
		if (uc_mem_read(e->uc, sp, code, n) != UC_ERR_OK ||
		    uc_mem_write(e->uc, SC_BUILT, code, sizeof(code)) !=
		    UC_ERR_OK || uc_ctl_remove_cache(e->uc, SC_BUILT,
		    SC_BUILT + sizeof(code)) != UC_ERR_OK)
			return (-1);
		built = 1;
		r->fault = 0;
		r->maxsteps = r->steps + budget;
		budget = r->steps;
		if (uc_emu_start(e->uc, SC_BUILT, 0, 0, r->maxsteps - r->steps +
		    1) != UC_ERR_OK)
			r->fault = 1;
		budget = r->steps - budget;
		st->stepsleft -= budget > st->stepsleft ? st->stepsleft :
		    budget;
	}
	if (sc_emu_undo(st, e) == -1)
		return (-1);
	if (r->nstrong == 0)
		return (0);
	(void)snprintf(desc, sizeof(desc), "%s syscall reached by printable "
	    "code%s", r->best->name, built ? " that built it on the stack" :
	    r->selfexec > 0 && r->nwrites >= 4 ? " that decodes itself" : "");
	sc_found(st, e, off, built || r->selfexec > 0 ? 85 : 75, desc);
	return (1);
}

static void
sc_addcand(struct sc_state *st, size_t off, size_t site, int flags)
{
	size_t	 i;

	for (i = 0; i < st->ncand; i++)
		if (st->cand[i].off == off) {
			st->cand[i].flags |= flags;
			if (site > st->cand[i].site)
				st->cand[i].site = site;
			return;
		}
	if (st->ncand >= SC_MAXCAND)
		return;
	st->cand[st->ncand].off = off;
	st->cand[st->ncand].site = site;
	st->cand[st->ncand].flags = flags;
	st->ncand++;
}

/* One-byte instructions that change nothing a payload relies on. */
static int
sc_nopbyte(uint8_t b, int *printable)
{
	*printable = 0;
	switch (b) {
	case 0x90: case 0x91: case 0x92: case 0x93: case 0x95: case 0x96:
	case 0x97: case 0x98: case 0x99: case 0x9b: case 0x9e: case 0x9f:
	case 0xd6: case 0xf5: case 0xf8: case 0xf9: case 0xfc: case 0xfd:
		return (1);
	}
	/* inc/dec/push/pop and BCD adjustments: also what letters decode as. */
	if ((b >= 0x40 && b <= 0x5f && b != 0x5c) || b == 0x27 || b == 0x2f ||
	    b == 0x37 || b == 0x3f) {
		*printable = 1;
		return (1);
	}
	return (0);
}

/*
 * Where a payload sent inside a protocol may start: the earliest start
 * that lands on the site, and, as x86 code falls into step with any
 * start after a few bytes, each aligned start right after a byte that
 * ends a field ("pass=", "?q=", "GET /").  The earliest alone can be
 * text whose own instructions branch away from the payload.
 */
static void
sc_addstarts(struct sc_state *st, int is64, size_t site, size_t back,
    int flags)
{
	static const char	 delim[] = " \t\r\n=&?:;,/<>\"'()[]{}|";
	size_t			 d, s;
	int			 n = 0;

	/* a full table takes no more: no need to look for any */
	if (st->ncand >= SC_MAXCAND)
		return;
	sc_addcand(st, sc_earliest(st, is64, site, back), site, flags);
	if (!st->csok[is64])
		return;
	if (back > site)
		back = site;
	/* the nearest first: far back, fields of the protocol abound */
	for (d = 1; d <= back && n < SC_DELIMSTARTS; d++) {
		s = site - d;
		if (s == 0 || (st->buf[s - 1] != '\0' &&
		    strchr(delim, st->buf[s - 1]) == NULL))
			continue;
		if (sc_aligned(st, is64, s, site)) {
			sc_addcand(st, s, site, flags);
			n++;
		}
	}
}

/* An x87 instruction on registers in the few bytes before OFF. */
static int
sc_fpubefore(const uint8_t *b, size_t off)
{
	size_t	 i;

	for (i = off > SC_FPUBACK ? off - SC_FPUBACK : 0; i + 1 < off; i++)
		if (b[i] >= 0xd8 && b[i] <= 0xdf && b[i + 1] >= 0xc0)
			return (1);
	return (0);
}

/*
 * Three "push imm32" in a row whose immediates are a name in ASCII, NUL
 * padded: code writing a string on the stack (see sc_winnames).
 */
static int
sc_pushstr(const uint8_t *p)
{
	int	 i, j, alpha = 0;

	for (i = 0; i < 15; i += 5) {
		if (p[i] != 0x68)
			return (0);
		for (j = 1; j < 5; j++) {
			if ((p[i + j] | 0x20) >= 'a' && (p[i + j] | 0x20) <= 'z')
				alpha++;
			else if (p[i + j] != '\0' && (p[i + j] < 0x21 ||
			    p[i + j] > 0x7e))
				return (0);
		}
	}
	return (alpha >= 8);
}

/*
 * Printable encoders (alphanumeric ones, pwntools' ascii_shellcode) have
 * no GetPC, system call or sled in their bytes: try each long run of
 * printable bytes from its start, and from after the first few field
 * delimiters in it that leave a long enough rest ("GET /x?q=PYIIII...":
 * the payload's own bytes come after the protocol's).
 */
static void
sc_scanprint(struct sc_state *st)
{
	static const char	 delim[] = "=&?:;,/<>\"'()[]{}|";
	const uint8_t		*b = st->buf;
	size_t			 i, s, e, n = 0;
	int			 k;

	for (s = 0; s < st->len && n < SC_PRINTCAND; s = e + 1) {
		while (s < st->len && (b[s] <= 0x20 || b[s] >= 0x7f))
			s++;
		for (e = s; e < st->len && b[e] > 0x20 && b[e] < 0x7f; e++)
			continue;
		if (e - s < SC_PRINTMIN)
			continue;
		sc_addcand(st, s, s, CAND_BASED);
		n++;
		for (i = s + 1, k = 0; i + SC_PRINTMIN <= e &&
		    k < SC_PRINTFIELDS && n < SC_PRINTCAND; i++)
			if (strchr(delim, b[i - 1]) != NULL) {
				sc_addcand(st, i, i, CAND_BASED);
				n++;
				k++;
			}
	}
}

/*
 * Sleds, and the places a payload probably starts.  A sled must be made
 * mostly of non-printable no-ops so that text, whose letters are inc/dec/
 * push/pop in 32-bit code, never counts as one.
 */
static void
sc_scan(struct sc_state *st)
{
	const uint8_t	*b = st->buf;
	size_t		 i, run = 0, nprint = 0, len = st->len;
	int32_t		 rel;
	int		 pr;
	char		 desc[DETECT_DESCLEN];

	/* GetPC idioms first: they are the most telling. */
	for (i = 0; i + 5 <= len; i++) {
		if (b[i] == 0xe8) {
			rel = (int32_t)((uint32_t)b[i + 1] |
			    (uint32_t)b[i + 2] << 8 | (uint32_t)b[i + 3] << 16 |
			    (uint32_t)b[i + 4] << 24);
			if (rel >= -1024 && rel <= 1024 &&
			    (rel >= 0 || (size_t)-rel <= i + 5)) {
				sc_addstarts(st, 0, i, SC_GETPCBACK,
				    CAND_GETPC);
				sc_addcand(st, i, i, CAND_GETPC);
			}
		} else if (b[i] == 0xd9 && (((b[i + 1] == 0x74 ||
		    b[i + 1] == 0x34) && b[i + 2] == 0x24) ||
		    ((b[i + 1] & 0x38) == 0x30 && (b[i + 1] & 0xc0) != 0xc0 &&
		    sc_fpubefore(b, i)))) {
			/*
			 * fnstenv to memory, the FPU's GetPC: [esp-0xc] as
			 * shikata_ga_nai writes it, and below any other
			 * register, as alpha_mixed does, once an FPU
			 * instruction has run to leave its address there.
			 */
			sc_addstarts(st, 0, i, SC_GETPCBACK, CAND_GETPC);
		} else if ((b[i] == 0x48 || b[i] == 0x4c) && b[i + 1] == 0x8d &&
		    (b[i + 2] & 0xc7) == 0x05 && i + 7 <= len &&
		    (b[i + 6] == 0 || b[i + 6] == 0xff) &&
		    b[i + 5] == b[i + 6]) {
			sc_addstarts(st, 1, i, SC_GETPCBACK, CAND_RIP);
		}
	}
	for (i = 0; i + 15 <= len; i++)
		if (sc_pushstr(b + i))
			sc_addstarts(st, 0, i, SC_BACKSCAN, CAND_STR32);
	for (i = 0; i + 2 <= len; i++) {
		if (b[i] == 0xcd && (b[i + 1] == 0x80 || b[i + 1] == 0x2e))
			sc_addstarts(st, 0, i, SC_BACKSCAN, CAND_SYS32);
		else if (b[i] == 0x0f && b[i + 1] == 0x34)
			sc_addstarts(st, 0, i, SC_BACKSCAN, CAND_SYS32);
		else if (b[i] == 0x0f && b[i + 1] == 0x05)
			sc_addstarts(st, 1, i, SC_BACKSCAN, CAND_SYS64);
		/* a Windows API by its address: "mov ebx, 0x7c8623ad" */
		else if (b[i] >= 0xb8 && b[i] <= 0xbf && i + 5 < len &&
		    b[i + 4] >= 0x60 && b[i + 4] <= 0x7f &&
		    sc_callreg(b + i + 5, len - i - 5))
			sc_addstarts(st, 0, i, SC_BACKSCAN, CAND_SYS32);
		/* Windows code has no system calls: its PEB read instead */
		else if (b[i] == 0x64 && sc_pebread(b + i, len - i, 0))
			sc_addstarts(st, 0, i, SC_BACKSCAN, CAND_SYS32);
		else if (b[i] == 0x65 && sc_pebread(b + i, len - i, 1))
			sc_addstarts(st, 1, i, SC_BACKSCAN, CAND_SYS64);
	}
	for (i = 0; i <= len; i++) {
		if (i < len && sc_nopbyte(b[i], &pr)) {
			run++;
			nprint += pr;
			continue;
		}
		if (run >= SC_SLEDCAND && nprint * 4 <= run) {
			if (i < len)
				sc_addcand(st, i, i + 1, CAND_SLED);
			if (run >= SC_SLEDMIN) {
				(void)snprintf(desc, sizeof(desc),
				    "NOP sled of %zu bytes", run);
				sc_addfind(st, i - run, i, i - run, 40, 0, 1,
				    desc);
			}
		}
		run = nprint = 0;
	}
	sc_scanprint(st);
}

/* Folds overlapping and touching findings into one, sled into code. */
static void
sc_merge(struct sc_state *st)
{
	struct sc_find	*a, *b, t;
	size_t		 i, j;
	char		 desc[DETECT_DESCLEN];

	for (i = 1; i < st->nfind; i++)
		for (j = i; j > 0 && st->find[j - 1].off > st->find[j].off;
		    j--) {
			t = st->find[j];
			st->find[j] = st->find[j - 1];
			st->find[j - 1] = t;
		}
	for (i = 0; i + 1 < st->nfind; ) {
		a = &st->find[i];
		b = &st->find[i + 1];
		if (b->off > a->end) {
			i++;
			continue;
		}
		if (a->sled && !b->sled) {
			(void)snprintf(desc, sizeof(desc), "%zu-byte NOP sled, "
			    "then %s", a->end - a->off, b->desc);
			a->entry = b->entry;
			a->is64 = b->is64;
			a->sled = 0;
			(void)strlcpy(a->desc, desc, sizeof(a->desc));
			a->conf = b->conf + 5 > 100 ? 100 : b->conf + 5;
		} else if (!a->sled && b->conf > a->conf) {
			a->conf = b->conf;
			(void)strlcpy(a->desc, b->desc, sizeof(a->desc));
		} else if (a->sled && b->sled)
			a->conf = a->conf > b->conf ? a->conf : b->conf;
		if (b->end > a->end)
			a->end = b->end;
		memmove(b, b + 1, (st->nfind - i - 2) * sizeof(*b));
		st->nfind--;
	}
}

static int
sc_phase(struct sc_state *st, int is64, uint64_t budget)
{
	struct sc_emu	 e;
	size_t		 i;
	uint64_t	 keep;
	int		 want, rv = 0;

	want = is64 ? (CAND_SYS64 | CAND_RIP | CAND_GETPC | CAND_SLED) :
	    (CAND_SYS32 | CAND_STR32 | CAND_GETPC | CAND_SLED | CAND_BASED);
	for (i = 0; i < st->ncand; i++)
		if (st->cand[i].flags & want)
			break;
	if (i == st->ncand)
		return (0);
	if (budget > st->stepsleft)
		budget = st->stepsleft;
	keep = st->stepsleft - budget;
	st->stepsleft = budget;
	if (sc_emu_open(st, &e, is64) == -1) {
		st->stepsleft += keep;
		return (-1);
	}
	for (i = 0; i < st->ncand && st->stepsleft > 0; i++) {
		if (!(st->cand[i].flags & want))
			continue;
		if ((st->cand[i].flags & want & ~CAND_BASED) &&
		    sc_try(st, &e, &st->cand[i]) == -1) {
			rv = -1;
			break;
		}
		if ((st->cand[i].flags & CAND_BASED) &&
		    sc_try_based(st, &e, st->cand[i].off) == -1) {
			rv = -1;
			break;
		}
	}
	sc_emu_close(&e);
	st->stepsleft += keep;
	return (rv);
}

static int
sc_candcmp(const void *pa, const void *pb)
{
	const struct sc_cand	*a = pa, *b = pb;
	int			 ra, rb;

	/*
	 * GetPC first, then system-call sites and pushed strings, then sled
	 * ends, then printable runs; then by offset.
	 */
	ra = (a->flags & (CAND_GETPC | CAND_RIP)) ? 0 :
	    (a->flags & (CAND_SYS32 | CAND_SYS64 | CAND_STR32)) ? 1 :
	    (a->flags & CAND_SLED) ? 2 : 3;
	rb = (b->flags & (CAND_GETPC | CAND_RIP)) ? 0 :
	    (b->flags & (CAND_SYS32 | CAND_SYS64 | CAND_STR32)) ? 1 :
	    (b->flags & CAND_SLED) ? 2 : 3;
	if (ra != rb)
		return (ra < rb ? -1 : 1);
	if (a->off != b->off)
		return (a->off < b->off ? -1 : 1);
	return (0);
}

static int
sc_analyze(const uint8_t *buf, size_t len, const struct detect_limits *lim,
    detect_cb cb, void *arg)
{
	struct sc_state		*st;
	struct detect_finding	 df;
	struct sc_find		*f;
	uint64_t		 steps;
	size_t			 i, code;
	int			 m, n = -1;

	if (buf == NULL && len > 0)
		return (-1);
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return (-1);
	st->buf = buf;
	st->len = len;
	steps = SC_STEPS;
	st->memory = 1024 * 1024;
	if (lim != NULL) {
		if (lim->dl_steps != 0)
			steps = lim->dl_steps;
		if (lim->dl_memory != 0)
			st->memory = lim->dl_memory;
		if (lim->dl_scan != 0 && st->len > lim->dl_scan)
			st->len = lim->dl_scan;
	}
	if (st->memory < 4 * SC_PAGE)
		st->memory = 4 * SC_PAGE;
	st->stepsleft = steps;
	st->percand = steps / 8 > 2000 ? steps / 8 : 2000;
	if ((st->zero = calloc(1, SC_STACKMAX)) == NULL)
		goto done;
	for (m = 0; m < 2; m++) {
		if (cs_open(CS_ARCH_X86, m ? CS_MODE_64 : CS_MODE_32,
		    &st->cs[m]) != CS_ERR_OK)
			goto done;
		st->csok[m] = 1;
		if ((st->insn[m] = cs_malloc(st->cs[m])) == NULL)
			goto done;
	}
	if (st->len == 0) {
		n = 0;
		goto done;
	}

	sc_scan(st);
	qsort(st->cand, st->ncand, sizeof(st->cand[0]), sc_candcmp);
	/* Half the steps each way; 64-bit gets what 32-bit leaves. */
	if (sc_phase(st, 0, steps / 2 + steps % 2) == -1 ||
	    sc_phase(st, 1, st->stepsleft) == -1)
		goto done;
	sc_merge(st);

	for (i = 0; i < st->nfind; i++) {
		f = &st->find[i];
		memset(&df, 0, sizeof(df));
		df.df_kind = DETECT_SHELLCODE;
		df.df_offset = f->off;
		df.df_length = (f->end > st->len ? st->len : f->end) - f->off;
		df.df_confidence = f->conf;
		(void)strlcpy(df.df_desc, f->desc, sizeof(df.df_desc));
		(void)strlcpy(df.df_arch, f->is64 ? "x86_64" : "x86",
		    sizeof(df.df_arch));
		/* Quote the code, not the sled that leads to it. */
		code = f->entry;
		while (code + 1 < st->len && code + 1 < f->end &&
		    st->buf[code] == 0x90)
			code++;
		sc_disasm(st, f->is64, code, df.df_disasm,
		    sizeof(df.df_disasm));
		if (cb != NULL)
			cb(&df, arg);
	}
	n = (int)st->nfind;
 done:
	for (m = 0; m < 2; m++) {
		if (st->insn[m] != NULL)
			cs_free(st->insn[m], 1);
		if (st->csok[m])
			(void)cs_close(&st->cs[m]);
	}
	free(st->zero);
	free(st);
	return (n);
}

/*
 * Binary sent through a text protocol is often escaped: "%eb%1f%5e" in a
 * URL or a form, "\\xeb\\x1f" in a command line, IIS's "%u1feb".  The
 * server decodes it before the code runs, so each such region is decoded
 * and analysed as well: a region is what surrounds at least SC_ESCMIN
 * escapes, up to a byte that ends a field, and counts if SC_ESCBIN of the
 * decoded bytes are not printable.  Literal bytes in it stay as they are
 * ("/bin/sh" needs no escape).  Findings are given over the region.
 */
#define SC_ESCMIN	8
#define SC_ESCBIN	8
#define SC_ESCREGIONS	4	/* regions analysed per buffer */

struct sc_esc {
	detect_cb	 cb;
	void		*arg;
	size_t		 off, len;
	const char	*how;
};

/* Length of the escape at p (0 if none); its bytes go to out. */
static size_t
sc_escape(const uint8_t *p, size_t n, uint8_t *out, size_t *nout,
    int *style)
{
	int	 h[4], i;

	if (n >= 6 && p[0] == '%' && (p[1] | 0x20) == 'u') {
		for (i = 0; i < 4; i++)
			if ((h[i] = detect_hexval(p[2 + i])) < 0)
				return (0);
		out[0] = (uint8_t)(h[2] << 4 | h[3]);
		out[1] = (uint8_t)(h[0] << 4 | h[1]);
		*nout = 2;
		*style = 'u';
		return (6);
	}
	if (n >= 3 && p[0] == '%' && (h[0] = detect_hexval(p[1])) >= 0 &&
	    (h[1] = detect_hexval(p[2])) >= 0) {
		out[0] = (uint8_t)(h[0] << 4 | h[1]);
		*nout = 1;
		*style = '%';
		return (3);
	}
	if (n >= 4 && p[0] == '\\' && (p[1] | 0x20) == 'x' &&
	    (h[0] = detect_hexval(p[2])) >= 0 && (h[1] = detect_hexval(p[3])) >= 0) {
		out[0] = (uint8_t)(h[0] << 4 | h[1]);
		*nout = 1;
		*style = 'x';
		return (4);
	}
	return (0);
}

/* Bytes that end a field of text, and so an escaped region. */
static int
sc_escend(uint8_t c)
{
	return (c <= 0x20 || c >= 0x7f || c == '&' || c == '"' ||
	    c == '\'' || c == '<' || c == '>' || c == ';' || c == '=' ||
	    c == '?');
}

static void
sc_esccb(const struct detect_finding *f, void *arg)
{
	struct sc_esc		*x = arg;
	struct detect_finding	 df = *f;

	df.df_offset = x->off;
	df.df_length = x->len;
	(void)strlcpy(df.df_desc, x->how, sizeof(df.df_desc));
	(void)strlcat(df.df_desc, ": ", sizeof(df.df_desc));
	(void)strlcat(df.df_desc, f->df_desc, sizeof(df.df_desc));
	x->cb(&df, x->arg);
}

int
detect_shellcode(const uint8_t *buf, size_t len,
    const struct detect_limits *lim, detect_cb cb, void *arg)
{
	struct detect_limits	 sub;
	struct sc_esc		 x;
	uint8_t			*dec = NULL, one[2];
	size_t			 i, j, k, s, e, dn, n1, nregion = 0;
	int			 n, m, nesc, nbin, style, how;

	if ((n = sc_analyze(buf, len, lim, cb, arg)) == -1 || len == 0)
		return (n);
	if (lim != NULL && lim->dl_scan != 0 && len > lim->dl_scan)
		len = lim->dl_scan;
	memset(&sub, 0, sizeof(sub));
	if (lim != NULL)
		sub = *lim;
	/* the decoded regions share half as many steps again */
	sub.dl_steps = (sub.dl_steps != 0 ? sub.dl_steps : SC_STEPS) / 2 /
	    SC_ESCREGIONS;
	for (i = 0; i < len && nregion < SC_ESCREGIONS; i = e) {
		if (sc_escape(buf + i, len - i, one, &n1, &how) == 0) {
			e = i + 1;
			continue;
		}
		/* the field around it: back to where it starts */
		for (s = i; s > 0 && !sc_escend(buf[s - 1]); s--)
			continue;
		for (e = i, nesc = 0; e < len && !sc_escend(buf[e]); e += k)
			if ((k = sc_escape(buf + e, len - e, one, &n1,
			    &style)) == 0)
				k = 1;
			else
				nesc++;
		if (nesc < SC_ESCMIN)
			continue;
		if (dec == NULL && (dec = malloc(len)) == NULL)
			return (-1);
		/* how: the first escape's style; '+' is a space in a URL */
		for (j = s, dn = 0, nbin = 0; j < e; j += k) {
			if ((k = sc_escape(buf + j, e - j, dec + dn, &n1,
			    &style)) == 0) {
				dec[dn] = buf[j] == '+' && how != 'x' ? ' ' :
				    buf[j];
				n1 = k = 1;
			}
			for (; n1 > 0; n1--, dn++)
				if (dec[dn] < 0x20 || dec[dn] >= 0x7f)
					nbin++;
		}
		if (nbin < SC_ESCBIN)
			continue;
		nregion++;
		x.cb = cb;
		x.arg = arg;
		x.off = s;
		x.len = e - s;
		x.how = how == 'x' ? "\\x-escaped" : how == 'u' ?
		    "%u-escaped" : "URL-encoded";
		if ((m = sc_analyze(dec, dn, &sub, cb != NULL ? sc_esccb : NULL,
		    &x)) == -1) {
			n = -1;
			break;
		}
		n += m;
	}
	free(dec);
	return (n);
}
