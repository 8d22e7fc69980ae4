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
 * libFuzzer target for the HTTP request parser of the web server and the
 * proxy.  The first byte chooses how the rest is cut into the pieces
 * that reach http_feed(), so that a request split anywhere by TCP is
 * parsed as it would be whole.  Every request that comes out, good or
 * failed, goes through what the services do with it: the path helpers
 * and an event that must fit one line.
 */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/http.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static json_t *
fuzz_event(void *arg, size_t cap)
{
	struct http_request	*r = arg;
	json_t			*ev, *h;

	if ((ev = json_object()) == NULL)
		abort();
	if (r->r_method != NULL)
		(void)http_set_capped(ev, "method", r->r_method,
		    strlen(r->r_method), cap);
	if (r->r_target != NULL)
		(void)http_set_capped(ev, "uri", r->r_target,
		    strlen(r->r_target), cap);
	if (r->r_line != NULL)
		(void)http_set_capped(ev, "request", r->r_line, r->r_linelen,
		    cap);
	if ((h = http_headers_json(r, cap)) == NULL ||
	    json_object_set_new(ev, "headers", h) == -1)
		abort();
	(void)http_set_capped(ev, "body", r->r_body, r->r_bodylen, cap);
	return (ev);
}

/* What the services do with a request; must never fail on any input. */
static void
fuzz_use(struct http_parser *p)
{
	struct http_request	*r = &p->p_req;
	char			*path;
	char			*line;
	json_t			*ev;
	size_t			 i;

	if (p->p_state == HTTP_S_DONE) {
		if (r->r_method == NULL || r->r_target == NULL ||
		    r->r_line == NULL)
			abort();
		if (r->r_form == HTTP_FORM_AUTHORITY &&
		    (r->r_host == NULL || r->r_port == 0))
			abort();
		if (r->r_form == HTTP_FORM_ABSOLUTE &&
		    (r->r_host == NULL || r->r_path == NULL ||
		    r->r_path[0] != '/'))
			abort();
		if (r->r_bodylen > p->p_lim.hl_body)
			abort();
	} else if (p->p_state == HTTP_S_ERROR) {
		if (p->p_status < 400 || p->p_status > 599 ||
		    p->p_error == NULL || r->r_keepalive)
			abort();
	}
	if (r->r_nhdrs > p->p_lim.hl_fields)
		abort();
	for (i = 0; i < r->r_nhdrs; i++)
		if (strlen(r->r_hdrs[i].h_name) == 0 ||
		    strlen(r->r_hdrs[i].h_name) > p->p_lim.hl_field)
			abort();
	(void)http_header(r, "Host");
	(void)http_token(http_header(r, "Connection"), "close");
	if (r->r_path != NULL) {
		if ((path = strdup(r->r_path)) == NULL)
			abort();
		path[strcspn(path, "?")] = '\0';
		if (http_unescape(path) == 0 && http_normalize(path) == 0) {
			if (path[0] != '/' || strstr(path, "/../") != NULL)
				abort();
			i = strlen(path);
			if (i >= 3 && strcmp(path + i - 3, "/..") == 0)
				abort();
		}
		free(path);
	}
	if ((ev = fuzz_event(r, 4096)) == NULL)
		abort();
	if ((line = hs_event_dump(ev, SIZE_MAX - 1)) == NULL)
		abort();
	free(line);
	json_decref(ev);
}

/* Events go to /dev/null, not to syslog a million times. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	fd[16];
	int	null;

	(void)argc;
	(void)argv;
	if ((null = open("/dev/null", O_WRONLY)) == -1)
		abort();
	(void)snprintf(fd, sizeof(fd), "%d", null);
	if (setenv("HONEYSPY_EVENT_FD", fd, 1) == -1)
		abort();
	svc_init("fuzz_http");
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct http_parser	 p;
	struct http_limits	 lim;
	size_t			 off, piece, n;
	int			 step, requests = 0;

	if (len < 1)
		return (0);
	step = data[0];
	data++;
	len--;
	http_limits_default(&lim);
	/* Small limits reach every limit check with small inputs. */
	if (step & 0x80) {
		lim.hl_line = 64;
		lim.hl_field = 64;
		lim.hl_fields = 4;
		lim.hl_headers = 200;
		lim.hl_body = 100;
	}
	http_init(&p, &lim);
	off = 0;
	while (off < len) {
		piece = (size_t)(step & 0x7f);
		if (piece == 0 || piece > len - off)
			piece = len - off;
		n = http_feed(&p, data + off, piece);
		if (n > piece)
			abort();
		/* A parser that wants more must take all it was given. */
		if (p.p_state == HTTP_S_MORE && n != piece)
			abort();
		off += n;
		if (p.p_state == HTTP_S_MORE)
			continue;
		fuzz_use(&p);
		if (p.p_state == HTTP_S_ERROR || ++requests > 64)
			break;
		http_reset(&p);
	}
	if (p.p_state == HTTP_S_MORE) {
		/* The client went away here: what the services log then. */
		http_partial(&p);
		fuzz_use(&p);
	}
	http_emit(fuzz_event, &p.p_req);
	http_free(&p);
	return (0);
}
