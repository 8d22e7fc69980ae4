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
 * www: the scripts scanners look for first.  Apache's sample CGIs
 * test-cgi and printenv print what the real ones print for the request;
 * phf "runs" the command smuggled after a newline, as it did in 1996;
 * phpMyAdmin shows its login form and keeps the names and passwords
 * tried on it.  Nothing is ever executed.
 */

#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "www.h"

#define CGI_TEXT	"text/plain; charset=iso-8859-1"
#define PMA_PHP		"PHP/5.3.2-1ubuntu4.30"

struct cgi_env {
	char		*ce_name;
	char		*ce_value;
};

static const char cgi_passwd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/bin/sh\n"
    "bin:x:2:2:bin:/bin:/bin/sh\n"
    "sys:x:3:3:sys:/dev:/bin/sh\n"
    "sync:x:4:65534:sync:/bin:/bin/sync\n"
    "games:x:5:60:games:/usr/games:/bin/sh\n"
    "man:x:6:12:man:/var/cache/man:/bin/sh\n"
    "lp:x:7:7:lp:/var/spool/lpd:/bin/sh\n"
    "mail:x:8:8:mail:/var/mail:/bin/sh\n"
    "news:x:9:9:news:/var/spool/news:/bin/sh\n"
    "uucp:x:10:10:uucp:/var/spool/uucp:/bin/sh\n"
    "proxy:x:13:13:proxy:/bin:/bin/sh\n"
    "www-data:x:33:33:www-data:/var/www:/bin/sh\n"
    "backup:x:34:34:backup:/var/backups:/bin/sh\n"
    "list:x:38:38:Mailing List Manager:/var/list:/bin/sh\n"
    "irc:x:39:39:ircd:/var/run/ircd:/bin/sh\n"
    "gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:"
    "/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n"
    "libuuid:x:100:101::/var/lib/libuuid:/bin/sh\n"
    "syslog:x:101:103::/home/syslog:/bin/false\n"
    "sshd:x:102:65534::/var/run/sshd:/usr/sbin/nologin\n"
    "mysql:x:103:106:MySQL Server,,,:/var/lib/mysql:/bin/false\n"
    "admin:x:1000:1000:admin,,,:/home/admin:/bin/bash\n";

static void	 cgi_reply(struct www *, struct wreq *, const char *);
static void	 cgi_words(struct http_buf *, const char *);
static void	 cgi_test(struct www *, struct wreq *, const char *);
static void	 cgi_printenv(struct www *, struct wreq *, const char *);
static void	 cgi_phf(struct www *, struct wreq *);
static const char *cgi_run(const char *);
static char	*cgi_decode(const char *, size_t, int);
static char	*form_get(const char *, size_t, const char *);
static int	 cgi_envcmp(const void *, const void *);
static void	 cgi_setenv(struct cgi_env **, size_t *, const char *,
		    const char *);
static void	 pma_page(struct www *, struct wreq *, const char *);
static void	 pma_random(char *, size_t, const char *);

/* What Apache makes of a script's output: headers, Vary, the length. */
static void
cgi_reply(struct www *w, struct wreq *q, const char *ctype)
{
	struct reply	*rp = &q->q_rp;

	http_buf_printf(&rp->rp_hdrs, "Vary: Accept-Encoding\r\n"
	    "Content-Length: %zu\r\n", rp->rp_body.b_len);
	rp->rp_ctype = ctype;
	apache_send(w, q);
}

/* echo with an unquoted $VAR: words split on blanks, joined by one. */
static void
cgi_words(struct http_buf *b, const char *v)
{
	const char	*e;

	for (;;) {
		v += strspn(v, " \t\n");
		if (*v == '\0')
			break;
		e = v + strcspn(v, " \t\n");
		http_buf_str(b, " ");
		http_buf_add(b, v, (size_t)(e - v));
		v = e;
	}
}

/* %XX and, in forms, '+' decoded; NUL ends the value. */
static char *
cgi_decode(const char *s, size_t len, int plus)
{
	char	*out, *w;
	size_t	 i;
	int	 hi, lo;

	if ((out = malloc(len + 1)) == NULL)
		_exit(1);
	for (i = 0, w = out; i < len; i++) {
		if (plus && s[i] == '+')
			*w++ = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			hi = isdigit((unsigned char)s[i + 1]) ? s[i + 1] - '0' :
			    tolower((unsigned char)s[i + 1]) - 'a' + 10;
			lo = isdigit((unsigned char)s[i + 2]) ? s[i + 2] - '0' :
			    tolower((unsigned char)s[i + 2]) - 'a' + 10;
			if (hi * 16 + lo == 0)
				break;
			*w++ = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '\0')
			break;
		else
			*w++ = s[i];
	}
	*w = '\0';
	return (out);
}

/* A field of an application/x-www-form-urlencoded body or query. */
static char *
form_get(const char *s, size_t len, const char *name)
{
	const char	*end = s + len, *amp, *eq;
	size_t		 nl = strlen(name);

	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		eq = memchr(s, '=', (size_t)(amp - s));
		if (eq != NULL && (size_t)(eq - s) == nl &&
		    strncmp(s, name, nl) == 0)
			return (cgi_decode(eq + 1, (size_t)(amp - eq - 1), 1));
		s = amp + 1;
	}
	return (NULL);
}

/* Apache's sample test-cgi, a /bin/sh script run with set -f. */
static void
cgi_test(struct www *w, struct wreq *q, const char *pathinfo)
{
	struct http_request	*r = q->q_r;
	struct http_buf		*b = &q->q_rp.rp_body;
	struct http_buf		 argv;
	const char		*qs = q->q_query != NULL ? q->q_query : "";
	const char		*v, *e;
	char			*word, *c;
	char			 port[16];
	int			 argc = 0;

	www_reply_init(&q->q_rp, 200);
	memset(&argv, 0, sizeof(argv));
	/* A query without '=' is the script's argv, split on '+'. */
	if (*qs != '\0' && strchr(qs, '=') == NULL) {
		for (v = qs; ; v = e + 1) {
			e = v + strcspn(v, "+");
			word = cgi_decode(v, (size_t)(e - v), 0);
			if (argc++ > 0)
				http_buf_str(&argv, " ");
			for (c = word; *c != '\0'; c++) {
				/* ap_escape_shell_cmd() */
				if (strchr("&;`'\"|*?~<>^()[]{}$\\\n", *c) !=
				    NULL || (unsigned char)*c == 0xff)
					http_buf_str(&argv, "\\");
				http_buf_add(&argv, c, 1);
			}
			free(word);
			if (*e == '\0')
				break;
		}
	}
	http_buf_printf(b, "CGI/1.0 test script report:\n\nargc is %d. "
	    "argv is %s.\n\n", argc, argv.b_len > 0 ? argv.b_data : "");
	http_buf_free(&argv);
	http_buf_str(b, "SERVER_SOFTWARE =");
	cgi_words(b, w->w_server);
	http_buf_str(b, "\nSERVER_NAME =");
	cgi_words(b, www_server_name(w, q));
	http_buf_str(b, "\nGATEWAY_INTERFACE = CGI/1.1\nSERVER_PROTOCOL =");
	http_buf_printf(b, " HTTP/%d.%d\n", r->r_major, r->r_minor);
	(void)snprintf(port, sizeof(port), "%d", www_server_port(w, q));
	http_buf_printf(b, "SERVER_PORT = %s\nREQUEST_METHOD =", port);
	cgi_words(b, r->r_method);
	v = http_header(r, "Accept");
	http_buf_printf(b, "\nHTTP_ACCEPT = %s\nPATH_INFO = %s\n"
	    "PATH_TRANSLATED = %s%s\n", v != NULL ? v : "", pathinfo,
	    *pathinfo != '\0' ? "/var/www" : "", pathinfo);
	http_buf_str(b, "SCRIPT_NAME = /cgi-bin/test-cgi\nQUERY_STRING = ");
	http_buf_str(b, qs);
	http_buf_str(b, "\nREMOTE_HOST =\nREMOTE_ADDR =");
	cgi_words(b, w->w_remote_ip);
	http_buf_str(b, "\nREMOTE_USER =\nAUTH_TYPE =\nCONTENT_TYPE =");
	if ((v = http_header(r, "Content-Type")) != NULL)
		cgi_words(b, v);
	http_buf_str(b, "\nCONTENT_LENGTH =");
	if ((v = http_header(r, "Content-Length")) != NULL)
		cgi_words(b, v);
	else if (r->r_chunked)
		http_buf_printf(b, " %zu", r->r_bodylen);
	http_buf_str(b, "\n");
	cgi_reply(w, q, CGI_TEXT);
}

static int
cgi_envcmp(const void *a, const void *b)
{
	const struct cgi_env	*x = a, *y = b;

	return (strcmp(x->ce_name, y->ce_name));
}

/* Set or, for a repeated header, extend a variable as Apache merges. */
static void
cgi_setenv(struct cgi_env **env, size_t *n, const char *name,
    const char *value)
{
	struct cgi_env	*e;
	char		*v;
	size_t		 i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*env)[i].ce_name, name) != 0)
			continue;
		if (asprintf(&v, "%s, %s", (*env)[i].ce_value, value) == -1)
			_exit(1);
		free((*env)[i].ce_value);
		(*env)[i].ce_value = v;
		return;
	}
	if ((e = reallocarray(*env, *n + 1, sizeof(**env))) == NULL)
		_exit(1);
	*env = e;
	if ((e[*n].ce_name = strdup(name)) == NULL ||
	    (e[*n].ce_value = strdup(value)) == NULL)
		_exit(1);
	(*n)++;
}

/* Apache's sample printenv, a Perl script printing %ENV sorted. */
static void
cgi_printenv(struct www *w, struct wreq *q, const char *pathinfo)
{
	struct http_request	*r = q->q_r;
	struct http_buf		*b = &q->q_rp.rp_body;
	struct http_buf		 sig, name;
	struct cgi_env		*env = NULL;
	const char		*v;
	char			 num[32];
	size_t			 n = 0, i;

	www_reply_init(&q->q_rp, 200);
	memset(&name, 0, sizeof(name));
	for (i = 0; i < r->r_nhdrs; i++) {
		v = r->r_hdrs[i].h_name;
		if (strcasecmp(v, "Authorization") == 0 ||
		    strcasecmp(v, "Proxy-Authorization") == 0)
			continue;
		http_buf_reset(&name);
		if (strcasecmp(v, "Content-Type") != 0 &&
		    strcasecmp(v, "Content-Length") != 0)
			http_buf_str(&name, "HTTP_");
		for (; *v != '\0'; v++)
			http_buf_printf(&name, "%c",
			    isalnum((unsigned char)*v) ?
			    toupper((unsigned char)*v) : '_');
		cgi_setenv(&env, &n, name.b_data, r->r_hdrs[i].h_value);
	}
	http_buf_free(&name);
	memset(&sig, 0, sizeof(sig));
	apache_signature(w, q, &sig, "");
	cgi_setenv(&env, &n, "PATH", "/usr/local/bin:/usr/bin:/bin");
	cgi_setenv(&env, &n, "SERVER_SIGNATURE", sig.b_data);
	http_buf_free(&sig);
	cgi_setenv(&env, &n, "SERVER_SOFTWARE", w->w_server);
	cgi_setenv(&env, &n, "SERVER_NAME", www_server_name(w, q));
	cgi_setenv(&env, &n, "SERVER_ADDR", w->w_local_ip);
	(void)snprintf(num, sizeof(num), "%d", www_server_port(w, q));
	cgi_setenv(&env, &n, "SERVER_PORT", num);
	cgi_setenv(&env, &n, "REMOTE_ADDR", w->w_remote_ip);
	cgi_setenv(&env, &n, "DOCUMENT_ROOT", "/var/www");
	cgi_setenv(&env, &n, "SERVER_ADMIN", "webmaster@localhost");
	cgi_setenv(&env, &n, "SCRIPT_FILENAME", "/usr/lib/cgi-bin/printenv");
	cgi_setenv(&env, &n, "REMOTE_PORT", w->w_remote_port);
	cgi_setenv(&env, &n, "GATEWAY_INTERFACE", "CGI/1.1");
	(void)snprintf(num, sizeof(num), "HTTP/%d.%d", r->r_major,
	    r->r_minor);
	cgi_setenv(&env, &n, "SERVER_PROTOCOL", num);
	cgi_setenv(&env, &n, "REQUEST_METHOD", r->r_method);
	cgi_setenv(&env, &n, "QUERY_STRING",
	    q->q_query != NULL ? q->q_query : "");
	cgi_setenv(&env, &n, "REQUEST_URI", r->r_target);
	cgi_setenv(&env, &n, "SCRIPT_NAME", "/cgi-bin/printenv");
	if (*pathinfo != '\0') {
		cgi_setenv(&env, &n, "PATH_INFO", pathinfo);
		http_buf_reset(&name);
		http_buf_printf(&name, "/var/www%s", pathinfo);
		cgi_setenv(&env, &n, "PATH_TRANSLATED", name.b_data);
		http_buf_free(&name);
	}
	qsort(env, n, sizeof(*env), cgi_envcmp);
	for (i = 0; i < n; i++) {
		http_buf_printf(b, "%s=\"", env[i].ce_name);
		for (v = env[i].ce_value; *v != '\0'; v++) {
			if (*v == '\n')
				http_buf_str(b, "\\n");
			else if (*v == '"')
				http_buf_str(b, "\\\"");
			else
				http_buf_add(b, v, 1);
		}
		http_buf_str(b, "\"\n");
		free(env[i].ce_name);
		free(env[i].ce_value);
	}
	free(env);
	cgi_reply(w, q, CGI_TEXT);
}

/* The output of the few commands phf exploits ran to prove themselves. */
static const char *
cgi_run(const char *cmd)
{
	if (strstr(cmd, "/etc/passwd") != NULL)
		return (cgi_passwd);
	if (strncmp(cmd, "id", 2) == 0 || strstr(cmd, "/id") != NULL)
		return ("uid=33(www-data) gid=33(www-data) "
		    "groups=33(www-data)\n");
	if (strstr(cmd, "whoami") != NULL)
		return ("www-data\n");
	if (strstr(cmd, "pwd") != NULL)
		return ("/usr/lib/cgi-bin\n");
	return ("");
}

/* NCSA phf: a field with a newline in it runs what follows it. */
static void
cgi_phf(struct www *w, struct wreq *q)
{
	struct http_buf	*b = &q->q_rp.rp_body;
	struct http_buf	 fields;
	const char	*qs = q->q_query, *s, *e, *eq;
	char		*v, *nl;

	www_reply_init(&q->q_rp, 200);
	if (qs == NULL || *qs == '\0') {
		http_buf_str(b, "<TITLE>Form for CSO PH query</TITLE>\n"
		    "<H1>Form for CSO PH query</H1>\n"
		    "<FORM ACTION=\"/cgi-bin/phf\">\n"
		    "<HR><H2>Query Options</H2>\n"
		    "<P>Name: <INPUT TYPE=\"text\" NAME=\"Qname\" "
		    "MAXLENGTH=\"256\">\n"
		    "<P>Alias: <INPUT TYPE=\"text\" NAME=\"Qalias\" "
		    "MAXLENGTH=\"256\">\n"
		    "<P>Email: <INPUT TYPE=\"text\" NAME=\"Qemail\" "
		    "MAXLENGTH=\"256\">\n"
		    "<P><INPUT TYPE=\"submit\" VALUE=\"Submit Query\">\n"
		    "</FORM>\n");
		cgi_reply(w, q, "text/html");
		return;
	}
	memset(&fields, 0, sizeof(fields));
	for (s = qs; *s != '\0'; s = *e == '\0' ? e : e + 1) {
		e = s + strcspn(s, "&");
		if (*s != 'Q' || (eq = memchr(s, '=', (size_t)(e - s))) ==
		    NULL || eq + 1 == e)
			continue;
		v = cgi_decode(eq + 1, (size_t)(e - eq - 1), 1);
		if (fields.b_len > 0)
			http_buf_str(&fields, " ");
		http_buf_add(&fields, s + 1, (size_t)(eq - s - 1));
		http_buf_printf(&fields, "=%s", v);
		if (q->q_input == NULL && (nl = strchr(v, '\n')) != NULL &&
		    (q->q_input = strdup(nl + 1)) == NULL)
			_exit(1);
		free(v);
	}
	http_buf_str(b, "<H1>Query Results</H1>\n<P>\n<I>/usr/local/bin/ph "
	    "-m ");
	if (fields.b_len > 0)
		http_buf_html(b, fields.b_data);
	http_buf_str(b, "</I>\n<PRE>\n");
	if (q->q_input != NULL)
		http_buf_html(b, cgi_run(q->q_input));
	http_buf_str(b, "</PRE>\n");
	http_buf_free(&fields);
	cgi_reply(w, q, "text/html");
}

/* /cgi-bin/NAME[/PATH_INFO]: 1 when it answered. */
int
cgi_handle(struct www *w, struct wreq *q)
{
	const char	*name = q->q_path + 9, *pi;
	size_t		 len;

	pi = name + strcspn(name, "/");
	len = (size_t)(pi - name);
	if (len == 8 && strncmp(name, "test-cgi", len) == 0)
		cgi_test(w, q, pi);
	else if (len == 8 && strncmp(name, "printenv", len) == 0)
		cgi_printenv(w, q, pi);
	else if (len == 3 && strncmp(name, "phf", len) == 0)
		cgi_phf(w, q);
	else {
		apache_error(w, q, 404, NULL, NULL);
		apache_send(w, q);
	}
	return (1);
}

static void
pma_random(char *buf, size_t len, const char *alphabet)
{
	size_t	i, n = strlen(alphabet);

	for (i = 0; i + 1 < len; i++)
		buf[i] = alphabet[arc4random_uniform((uint32_t)n)];
	buf[len - 1] = '\0';
}

/* phpMyAdmin 3.3.2's cookie login form, with an error after a try. */
static void
pma_page(struct www *w, struct wreq *q, const char *error)
{
	struct reply	*rp = &q->q_rp;
	struct http_buf	*b = &rp->rp_body;
	char		 sid[27], token[33], date[64], later[64];
	time_t		 now = time(NULL);

	pma_random(sid, sizeof(sid), "0123456789abcdefghijklmnopqrstuv");
	pma_random(token, sizeof(token), "0123456789abcdef");
	http_date(date, sizeof(date), now);
	http_date(later, sizeof(later), now + 30 * 86400);
	www_reply_init(rp, 200);
	http_buf_str(b,
	    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
	    "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" "
	    "lang=\"en\" dir=\"ltr\">\n<head>\n"
	    "    <link rel=\"icon\" href=\"./favicon.ico\" "
	    "type=\"image/x-icon\" />\n"
	    "    <link rel=\"shortcut icon\" href=\"./favicon.ico\" "
	    "type=\"image/x-icon\" />\n"
	    "    <title>phpMyAdmin </title>\n"
	    "    <meta http-equiv=\"Content-Type\" content=\"text/html; "
	    "charset=utf-8\" />\n");
	http_buf_printf(b,
	    "    <link rel=\"stylesheet\" type=\"text/css\" "
	    "href=\"phpmyadmin.css.php?token=%s&amp;js_frame=right&amp;"
	    "nocache=2457687151\" />\n"
	    "    <link rel=\"stylesheet\" type=\"text/css\" href=\"print.css\" "
	    "media=\"print\" />\n"
	    "    <meta name=\"robots\" content=\"noindex,nofollow\" />\n"
	    "<script type=\"text/javascript\">\n//<![CDATA[\n"
	    "// show login form in top frame\nif (top != self) {\n"
	    "    window.top.location.href=location;\n}\n//]]>\n</script>\n"
	    "</head>\n\n<body class=\"loginform\">\n\n\n"
	    "<div class=\"container\">\n"
	    "<a href=\"http://www.phpmyadmin.net\" target=\"_blank\" "
	    "class=\"logo\"><img src=\"./themes/original/img/logo_right.png\" "
	    "id=\"imLogo\" name=\"imLogo\" alt=\"phpMyAdmin\" border=\"0\" "
	    "/></a>\n<h1>\nWelcome to <bdo dir=\"ltr\" xml:lang=\"en\">"
	    "phpMyAdmin</bdo></h1>\n", token);
	if (error != NULL) {
		http_buf_str(b, "<div class=\"error\"><h1>Error</h1>\n");
		http_buf_html(b, error);
		http_buf_str(b, "\n</div>\n");
	}
	http_buf_printf(b,
	    "    <form method=\"post\" action=\"index.php\" "
	    "name=\"login_form\" target=\"_top\" class=\"login\">\n"
	    "        <fieldset>\n        <legend>\nLog in<a "
	    "href=\"./Documentation.html\" target=\"documentation\" "
	    "title=\"phpMyAdmin documentation\" ><img class=\"icon\" "
	    "src=\"./themes/original/img/b_help.png\" width=\"11\" "
	    "height=\"11\" alt=\"phpMyAdmin documentation\" /></a>"
	    "</legend>\n\n"
	    "            <div class=\"item\">\n"
	    "                <label for=\"input_username\">Username:</label>\n"
	    "                <input type=\"text\" name=\"pma_username\" "
	    "id=\"input_username\" value=\"\" size=\"24\" "
	    "class=\"textfield\"/>\n            </div>\n"
	    "            <div class=\"item\">\n"
	    "                <label for=\"input_password\">Password:</label>\n"
	    "                <input type=\"password\" name=\"pma_password\" "
	    "id=\"input_password\" value=\"\" size=\"24\" "
	    "class=\"textfield\" />\n            </div>\n"
	    "                <input type=\"hidden\" name=\"server\" "
	    "value=\"1\" />        </fieldset>\n"
	    "        <fieldset class=\"tblFooters\">\n"
	    "            <input value=\"Go\" type=\"submit\" "
	    "id=\"input_go\" />\n"
	    "        <input type=\"hidden\" name=\"phpMyAdmin\" "
	    "value=\"%s\" />\n"
	    "        <input type=\"hidden\" name=\"lang\" value=\"en-utf-8\" "
	    "/>\n        <input type=\"hidden\" name=\"token\" value=\"%s\" "
	    "/>\n        </fieldset>\n    </form>\n    </div>\n"
	    "<script type=\"text/javascript\">\n//<![CDATA[\n"
	    "function PMA_focusInput()\n{\n"
	    "    var input_username = document.getElementById("
	    "'input_username');\n"
	    "    var input_password = document.getElementById("
	    "'input_password');\n"
	    "    if (input_username.value == '') {\n"
	    "        input_username.focus();\n    } else {\n"
	    "        input_password.focus();\n    }\n}\n\n"
	    "window.setTimeout('PMA_focusInput()', 500);\n//]]>\n</script>\n"
	    "</body>\n</html>\n", sid, token);

	http_buf_printf(&rp->rp_hdrs,
	    "X-Powered-By: " PMA_PHP "\r\n"
	    "Set-Cookie: phpMyAdmin=%s; path=/phpmyadmin/; HttpOnly\r\n"
	    "Expires: Thu, 19 Nov 1981 08:52:00 GMT\r\n"
	    "Cache-Control: no-store, no-cache, must-revalidate,  "
	    "pre-check=0, post-check=0, max-age=0\r\n"
	    "Pragma: no-cache\r\n"
	    "Last-Modified: %s\r\n"
	    "Set-Cookie: pma_lang=en-utf-8; expires=%s; path=/phpmyadmin/; "
	    "httponly\r\n"
	    "Vary: Accept-Encoding\r\nContent-Length: %zu\r\n", sid, date,
	    later, b->b_len);
	rp->rp_ctype = "text/html; charset=utf-8";
	apache_send(w, q);
}

/* /phpmyadmin as Ubuntu's package aliases it: 1 when it answered. */
int
pma_handle(struct www *w, struct wreq *q)
{
	struct http_request	*r = q->q_r;
	struct http_buf		 loc, err;
	const char		*path = q->q_path;
	int			 port;

	if (strcmp(path, "/phpmyadmin") == 0) {
		memset(&loc, 0, sizeof(loc));
		port = www_server_port(w, q);
		http_buf_printf(&loc, "http://%s", www_server_name(w, q));
		if (port != 80)
			http_buf_printf(&loc, ":%d", port);
		http_buf_str(&loc, "/phpmyadmin/");
		apache_error(w, q, 301, NULL, loc.b_data);
		apache_send(w, q);
		http_buf_free(&loc);
		return (1);
	}
	if (strcmp(path, "/phpmyadmin/") != 0 &&
	    strcmp(path, "/phpmyadmin/index.php") != 0) {
		apache_error(w, q, 404, NULL, NULL);
		apache_send(w, q);
		return (1);
	}
	if (r->r_bodylen > 0) {
		q->q_username = form_get((const char *)r->r_body,
		    r->r_bodylen, "pma_username");
		q->q_password = form_get((const char *)r->r_body,
		    r->r_bodylen, "pma_password");
	}
	if (q->q_username == NULL) {
		pma_page(w, q, NULL);
		return (1);
	}
	memset(&err, 0, sizeof(err));
	http_buf_printf(&err, "#1045 - Access denied for user '%s'@'localhost' "
	    "(using password: %s)", q->q_username,
	    q->q_password != NULL && *q->q_password != '\0' ? "YES" : "NO");
	pma_page(w, q, err.b_data);
	http_buf_free(&err);
	return (1);
}
