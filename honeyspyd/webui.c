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
 * The parent's side of the web child: its settings and users before it
 * jails itself, then a link into the rpc child, through which every call
 * it makes goes the way an admin console's would.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "honeyspyd.h"
#include "log.h"
#include "net.h"
#include "proto.h"
#include "util.h"

static char	web_digest[65];	/* of the web section the child runs */

static void	webui_digest(char [65]);

/* Whether this run has a web console, and if not, why. */
int
webui_wanted(char *why, size_t len)
{
	if (hs->p_conf->c_node.n_mode != NODEMODE_MASTER) {
		(void)strlcpy(why, "master mode only", len);
		return (0);
	}
	if (TAILQ_EMPTY(&hs->p_conf->c_web.w_users)) {
		(void)strlcpy(why, "no web.users configured", len);
		return (0);
	}
	return (1);
}

/* What the web child was given, to tell whether a reload changed it. */
static void
webui_digest(char out[65])
{
	const struct hs_config	*c = hs->p_conf;
	struct conf_user	*u;
	char			*text = NULL;
	size_t			 len = 0;
	FILE			*f;

	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("%s: open_memstream", __func__);
	(void)fprintf(f, "%s %d %s %d %s\n", c->c_web.w_addr.a_text,
	    c->c_web.w_port, c->c_web.w_root, c->c_web.w_timeout,
	    c->c_enrich.en_location);
	TAILQ_FOREACH(u, &c->c_web.w_users, u_entry)
		(void)fprintf(f, "%s %s\n", u->u_name, u->u_password);
	if (fclose(f) != 0)
		fatal("%s: fclose", __func__);
	sha256_hex(text, len, out);
	free(text);
}

/* SIGHUP: the console keeps what it started with, and says so. */
void
webui_reload(void)
{
	char	 now[65];

	if (web_digest[0] == '\0')
		return;
	webui_digest(now);
	if (strcmp(now, web_digest) != 0)
		log_warnx("reload: web (address, port, root, users, "
		    "session_timeout) takes effect at the next start");
}

/* The web child's set-up, sent as soon as it runs, and its link. */
void
webui_start(void)
{
	struct child		*web = &hs->p_child[PROC_WEB];
	struct child		*rpc = &hs->p_child[PROC_RPC];
	struct web_config_msg	 wc;
	struct web_user_msg	 wu;
	struct node_msg		 nm;
	struct conf_user	*u;
	socklen_t		 slen;
	int			 sv[2];

	if (web->c_def == NULL || web->c_fd == -1)
		return;
	webui_digest(web_digest);
	memset(&wc, 0, sizeof(wc));
	if (net_sockaddr(hs->p_conf->c_web.w_addr.a_af,
	    (const uint8_t *)&hs->p_conf->c_web.w_addr.a_u,
	    hs->p_conf->c_web.w_port, &wc.wc_listen, &slen) == -1)
		fatalx("web.address %s: cannot use it",
		    hs->p_conf->c_web.w_addr.a_text);
	(void)snprintf(wc.wc_peer, sizeof(wc.wc_peer), "%s port %d",
	    hs->p_conf->c_web.w_addr.a_text, hs->p_conf->c_web.w_port);
	(void)strlcpy(wc.wc_cert, hs->p_conf->c_listen.l_cert,
	    sizeof(wc.wc_cert));
	(void)strlcpy(wc.wc_key, hs->p_conf->c_listen.l_key,
	    sizeof(wc.wc_key));
	(void)strlcpy(wc.wc_ca, hs->p_conf->c_listen.l_ca, sizeof(wc.wc_ca));
	(void)strlcpy(wc.wc_root, hs->p_conf->c_web.w_root,
	    sizeof(wc.wc_root));
	(void)strlcpy(wc.wc_location, hs->p_conf->c_enrich.en_location,
	    sizeof(wc.wc_location));
	wc.wc_timeout = hs->p_conf->c_web.w_timeout;

	memset(&nm, 0, sizeof(nm));
	(void)strlcpy(nm.nm_name, hs->p_conf->c_node.n_name,
	    sizeof(nm.nm_name));
	if (imsgev_compose(&web->c_iev, IMSG_CFG_NODE, 0, 0, -1, &nm,
	    sizeof(nm)) == -1 ||
	    imsgev_compose(&web->c_iev, IMSG_WEB_CONFIG, 0, 0, -1, &wc,
	    sizeof(wc)) == -1)
		fatal("%s: compose", __func__);
	TAILQ_FOREACH(u, &hs->p_conf->c_web.w_users, u_entry) {
		memset(&wu, 0, sizeof(wu));
		(void)strlcpy(wu.wu_name, u->u_name, sizeof(wu.wu_name));
		(void)strlcpy(wu.wu_hash, u->u_password, sizeof(wu.wu_hash));
		if (imsgev_compose(&web->c_iev, IMSG_WEB_USER, 0, 0, -1, &wu,
		    sizeof(wu)) == -1)
			fatal("%s: compose", __func__);
		explicit_bzero(&wu, sizeof(wu));
	}
	if (imsgev_compose(&web->c_iev, IMSG_CFG_DONE, 0, 0, -1, NULL,
	    0) == -1)
		fatal("%s: compose", __func__);

	/* Without the rpc child there is nothing to ask: say so, run on. */
	if (rpc->c_def == NULL || rpc->c_fd == -1) {
		log_warnx("web: no rpc child, so the console cannot make calls");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("%s: socketpair", __func__);
	if (imsgev_compose(&rpc->c_iev, IMSG_RPC_LOCAL, 0, 0, sv[0], NULL,
	    0) == -1 ||
	    imsgev_compose(&web->c_iev, IMSG_WEB_RPC, 0, 0, sv[1], NULL,
	    0) == -1)
		fatal("%s: compose", __func__);
}
