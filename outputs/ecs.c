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
 * An event in the Elastic Common Schema's names, for Filebeat, Vector,
 * Elasticsearch and OpenSearch.  Every field of the event also stays,
 * as it was, under "honeyspy"; honeyspyd.yaml(5) lists the mapping.
 */

#include <stdio.h>
#include <string.h>

#include "outputs/output.h"

#define ECS_VERSION	"8.11.0"

static json_t	*obj_at(json_t *, const char *);
static void	 copy(json_t *, const char *, json_t *, const char *);
static void	 add_related(json_t *, const char *, json_t *);

/* The object at key in o, made when missing. */
static json_t *
obj_at(json_t *o, const char *key)
{
	json_t	*v;

	if ((v = json_object_get(o, key)) != NULL && json_is_object(v))
		return (v);
	v = json_object();
	(void)json_object_set_new(o, key, v);
	return (v);
}

/* to.key = from[name], when the event has it. */
static void
copy(json_t *to, const char *key, json_t *from, const char *name)
{
	json_t	*v;

	if ((v = json_object_get(from, name)) != NULL && !json_is_null(v))
		(void)json_object_set(to, key, v);
}

/* related.<kind> collects the event's addresses, users and hashes. */
static void
add_related(json_t *ecs, const char *kind, json_t *v)
{
	json_t	*list, *x;
	size_t	 i;

	if (v == NULL || !json_is_string(v))
		return;
	list = json_object_get(obj_at(ecs, "related"), kind);
	if (list == NULL) {
		list = json_array();
		(void)json_object_set_new(obj_at(ecs, "related"), kind, list);
	}
	json_array_foreach(list, i, x)
		if (json_equal(x, v))
			return;
	(void)json_array_append(list, v);
}

/*
 * ev is the enriched event; id its number in the master's store, which
 * with the master's name makes event.id, the same on every delivery.
 */
json_t *
ecs_map(json_t *ev, int64_t id, const char *master)
{
	json_t		*ecs, *e, *src, *dst, *net, *v, *det;
	const char	*eid, *area, *dot;
	char		 buf[256];
	int		 alert;

	if ((ecs = json_object()) == NULL)
		return (NULL);
	copy(ecs, "@timestamp", ev, "timestamp");
	(void)json_object_set_new(obj_at(ecs, "ecs"), "version",
	    json_string(ECS_VERSION));

	eid = json_string_value(json_object_get(ev, "eventid"));
	if (eid == NULL)
		eid = "honeyspy.unknown";
	det = json_object_get(ev, "detections");
	alert = strncmp(eid, "honeyspy.detect.", 16) == 0 ||
	    (json_is_array(det) && json_array_size(det) > 0);
	e = obj_at(ecs, "event");
	(void)snprintf(buf, sizeof(buf), "%s:%lld", master, (long long)id);
	(void)json_object_set_new(e, "id", json_string(buf));
	(void)json_object_set_new(e, "sequence", json_integer(id));
	(void)json_object_set_new(e, "kind",
	    json_string(alert ? "alert" : "event"));
	(void)json_object_set_new(e, "module", json_string("honeyspy"));
	area = strncmp(eid, "honeyspy.", 9) == 0 ? eid + 9 : eid;
	(void)json_object_set_new(e, "action", json_string(area));
	if ((dot = strchr(area, '.')) != NULL &&
	    (size_t)(dot - area) < sizeof(buf) - 10) {
		(void)snprintf(buf, sizeof(buf), "honeyspy.%.*s",
		    (int)(dot - area), area);
		(void)json_object_set_new(e, "dataset", json_string(buf));
	}
	if (strncmp(area, "login.", 6) == 0) {
		(void)json_object_set_new(e, "category",
		    json_pack("[s]", "authentication"));
		(void)json_object_set_new(e, "outcome", json_string(
		    strcmp(area, "login.success") == 0 ? "success" :
		    "failure"));
	} else if (strncmp(area, "detect.", 7) == 0)
		(void)json_object_set_new(e, "category",
		    json_pack("[s]", "intrusion_detection"));
	else if (strncmp(area, "session.", 8) == 0 ||
	    strncmp(area, "packet.", 7) == 0)
		(void)json_object_set_new(e, "category",
		    json_pack("[s]", "network"));
	if ((v = json_object_get(ev, "duration")) != NULL &&
	    json_is_number(v))
		(void)json_object_set_new(e, "duration",
		    json_integer((json_int_t)(json_number_value(v) * 1e9)));

	if ((v = json_object_get(ev, "message")) != NULL && json_is_string(v))
		(void)json_object_set(ecs, "message", v);
	else
		(void)json_object_set_new(ecs, "message", json_string(eid));

	e = obj_at(ecs, "observer");
	copy(e, "name", ev, "sensor");
	(void)json_object_set_new(e, "type", json_string("honeypot"));
	(void)json_object_set_new(e, "vendor", json_string("HoneySpy"));
	(void)json_object_set_new(e, "product", json_string("HoneySpy"));

	if (json_object_get(ev, "src_ip") != NULL) {
		src = obj_at(ecs, "source");
		copy(src, "ip", ev, "src_ip");
		copy(src, "address", ev, "src_ip");
		copy(src, "port", ev, "src_port");
		copy(src, "mac", ev, "mac");
		copy(src, "domain", ev, "src_hostname");
		copy(src, "bytes", ev, "bytes_in");
		if (json_object_get(ev, "src_country") != NULL)
			copy(obj_at(src, "geo"), "country_iso_code", ev,
			    "src_country");
		if (json_object_get(ev, "src_asn") != NULL) {
			copy(obj_at(src, "as"), "number", ev, "src_asn");
			if (json_object_get(ev, "src_as_org") != NULL)
				copy(obj_at(obj_at(src, "as"), "organization"),
				    "name", ev, "src_as_org");
		}
		add_related(ecs, "ip", json_object_get(ev, "src_ip"));
	}
	if (json_object_get(ev, "dst_ip") != NULL) {
		dst = obj_at(ecs, "destination");
		copy(dst, "ip", ev, "dst_ip");
		copy(dst, "address", ev, "dst_ip");
		copy(dst, "port", ev, "dst_port");
		copy(dst, "bytes", ev, "bytes_out");
		add_related(ecs, "ip", json_object_get(ev, "dst_ip"));
	}
	if (json_object_get(ev, "protocol") != NULL ||
	    json_object_get(ev, "community_id") != NULL) {
		net = obj_at(ecs, "network");
		copy(net, "transport", ev, "protocol");
		copy(net, "community_id", ev, "community_id");
	}
	if (json_object_get(ev, "service") != NULL)
		copy(obj_at(ecs, "service"), "name", ev, "service");
	if (json_object_get(ev, "username") != NULL) {
		copy(obj_at(ecs, "user"), "name", ev, "username");
		add_related(ecs, "user", json_object_get(ev, "username"));
	}
	if (json_object_get(ev, "sha256") != NULL) {
		copy(obj_at(obj_at(ecs, "file"), "hash"), "sha256", ev,
		    "sha256");
		add_related(ecs, "hash", json_object_get(ev, "sha256"));
	}
	if (json_object_get(ev, "input") != NULL &&
	    strcmp(area, "command.input") == 0)
		copy(obj_at(ecs, "process"), "command_line", ev, "input");

	/* Everything, as the sensor said it. */
	(void)json_object_set(ecs, "honeyspy", ev);
	return (ecs);
}
