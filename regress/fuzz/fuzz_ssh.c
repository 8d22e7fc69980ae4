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

/*
 * libFuzzer target for the SSH service's fake shell: whatever an attacker
 * types, on a terminal, without one, or as "ssh host cmd", must leave the
 * shell in one piece with its output and filesystem within their limits.
 * The first byte picks the mode and the login name; the rest is typed,
 * in pieces of a size the second byte picks.
 */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svc.h"
#include "ssh/shell.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int		 ready;
	static struct shell_conf conf = {
		.sc_hostname = "web01",
		.sc_release = "3.2.0-58-generic",
		.sc_version = "#88-Ubuntu SMP Tue Dec 3 17:37:58 UTC 2013",
		.sc_machine = "x86_64",
		.sc_issue = "Ubuntu 12.04.4 LTS",
		.sc_src = "192.0.2.1",
		.sc_addr = "192.0.2.2",
		.sc_boot = 1400000000,
	};
	struct shell		*sh;
	enum shell_mode		 mode;
	char			 fd[16];
	size_t			 chunk, off, n;
	int			 s;

	if (!ready) {
		/* Events go nowhere, quickly: not to syslog. */
		(void)snprintf(fd, sizeof(fd), "%d", open("/dev/null",
		    O_WRONLY));
		(void)setenv("HONEYSPY_EVENT_FD", fd, 1);
		svc_init("ssh");
		ready = 1;
	}
	if (len < 2)
		return (0);
	mode = (enum shell_mode)(data[0] % 3);
	if ((sh = shell_new(&conf, data[0] & 0x80 ? "admin" : "root",
	    mode)) == NULL)
		abort();
	chunk = (size_t)data[1] + 1;
	data += 2;
	len -= 2;
	if (mode == SHELL_EXEC)
		shell_exec(sh, (const char *)data, len);
	else {
		shell_start(sh);
		for (off = 0; off < len && !sh->sh_exit; off += n) {
			n = len - off < chunk ? len - off : chunk;
			shell_input(sh, data + off, n);
		}
		shell_eof(sh);
	}
	for (s = 0; s < 2; s++) {
		if (sh->sh_out[s].sb_len > SHELL_OUT_MAX)
			abort();
		sb_consume(&sh->sh_out[s], sh->sh_out[s].sb_len);
	}
	if (sh->sh_fs->fs_n > FS_NODES_MAX || sh->sh_fs->fs_bytes >
	    FS_DATA_MAX || !sh->sh_exit)
		abort();
	shell_free(sh);
	return (0);
}
