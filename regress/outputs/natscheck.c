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
 * natscheck: a JetStream consumer for the outputs tests.  It reads every
 * message of a stream with an ephemeral pull consumer and prints, one
 * line each, the subject, the Nats-Msg-Id header and the message.
 *
 *   natscheck URL[,URL...] STREAM SUBJECT
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

int
main(int argc, char *argv[])
{
	natsConnection		*nc = NULL;
	natsOptions		*opts = NULL;
	natsSubscription	*sub = NULL;
	natsMsgList		 list;
	jsCtx			*js = NULL;
	jsStreamInfo		*si = NULL;
	jsSubOptions		 so;
	jsErrCode		 jerr = 0;
	natsStatus		 s;
	const char		*id, *urls[16];
	char			*p, *u;
	uint64_t		 want, got = 0;
	int			 i, n = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: natscheck URLS STREAM SUBJECT\n");
		return (2);
	}
	for (p = argv[1]; (u = strsep(&p, ",")) != NULL && n < 16; )
		urls[n++] = u;
	if ((s = natsOptions_Create(&opts)) != NATS_OK ||
	    (s = natsOptions_SetServers(opts, urls, n)) != NATS_OK ||
	    (s = natsConnection_Connect(&nc, opts)) != NATS_OK ||
	    (s = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK ||
	    (s = js_GetStreamInfo(&si, js, argv[2], NULL, &jerr)) != NATS_OK) {
		fprintf(stderr, "natscheck: %s (%d)\n", natsStatus_GetText(s),
		    (int)jerr);
		return (1);
	}
	want = si->State.Msgs;
	fprintf(stderr, "natscheck: stream %s holds %llu messages\n", argv[2],
	    (unsigned long long)want);
	jsStreamInfo_Destroy(si);
	jsSubOptions_Init(&so);
	so.Stream = argv[2];
	if ((s = js_PullSubscribe(&sub, js, argv[3], NULL, NULL, &so,
	    &jerr)) != NATS_OK) {
		fprintf(stderr, "natscheck: subscribe: %s (%d)\n",
		    natsStatus_GetText(s), (int)jerr);
		return (1);
	}
	while (got < want) {
		memset(&list, 0, sizeof(list));
		s = natsSubscription_Fetch(&list, sub, 1000, 5000, &jerr);
		if (s != NATS_OK) {
			fprintf(stderr, "natscheck: fetch after %llu: %s\n",
			    (unsigned long long)got, natsStatus_GetText(s));
			return (1);
		}
		for (i = 0; i < list.Count; i++) {
			if (natsMsgHeader_Get(list.Msgs[i], "Nats-Msg-Id",
			    &id) != NATS_OK)
				id = "-";
			printf("%s %s %.*s\n", natsMsg_GetSubject(list.Msgs[i]),
			    id, natsMsg_GetDataLength(list.Msgs[i]),
			    natsMsg_GetData(list.Msgs[i]));
			(void)natsMsg_Ack(list.Msgs[i], NULL);
			got++;
		}
		natsMsgList_Destroy(&list);
	}
	natsSubscription_Destroy(sub);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	natsOptions_Destroy(opts);
	return (0);
}
