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
 * fscontent: the files a fresh Ubuntu 12.04 server shows, made for each
 * session from the configured hostname, kernel and login name.  Sizes and
 * dates are those of the real release, so that ls -l looks lived in.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shell.h"

/* 2014-02-06, when 12.04.4 came out; the install is a little later. */
#define T_RELEASE	1391644800
#define T_INSTALL	1392374040

struct fs_dir {
	const char	*d_path;
	mode_t		 d_mode;
	unsigned int	 d_uid;
	unsigned int	 d_gid;
};

struct fs_bin {
	const char	*b_path;
	size_t		 b_size;
};

struct fs_text {
	const char	*t_path;
	mode_t		 t_mode;
	unsigned int	 t_gid;
	const char	*t_data;
};

static const struct fs_dir dirs[] = {
	{ "/", 0755, 0, 0 }, { "/bin", 0755, 0, 0 }, { "/boot", 0755, 0, 0 },
	{ "/dev", 0755, 0, 0 }, { "/etc", 0755, 0, 0 },
	{ "/etc/apt", 0755, 0, 0 }, { "/etc/cron.d", 0755, 0, 0 },
	{ "/etc/cron.daily", 0755, 0, 0 }, { "/etc/default", 0755, 0, 0 },
	{ "/etc/init.d", 0755, 0, 0 }, { "/etc/network", 0755, 0, 0 },
	{ "/etc/ssh", 0755, 0, 0 }, { "/etc/mysql", 0755, 0, 0 },
	{ "/etc/apache2", 0755, 0, 0 }, { "/home", 0755, 0, 0 },
	{ "/lib", 0755, 0, 0 }, { "/lib/modules", 0755, 0, 0 },
	{ "/lib64", 0755, 0, 0 }, { "/lost+found", 0700, 0, 0 },
	{ "/media", 0755, 0, 0 }, { "/mnt", 0755, 0, 0 },
	{ "/opt", 0755, 0, 0 }, { "/proc", 0555, 0, 0 },
	{ "/root", 0700, 0, 0 }, { "/root/.ssh", 0700, 0, 0 },
	{ "/run", 0755, 0, 0 }, { "/sbin", 0755, 0, 0 },
	{ "/selinux", 0755, 0, 0 }, { "/srv", 0755, 0, 0 },
	{ "/sys", 0555, 0, 0 }, { "/tmp", 01777, 0, 0 },
	{ "/usr", 0755, 0, 0 }, { "/usr/bin", 0755, 0, 0 },
	{ "/usr/games", 0755, 0, 0 }, { "/usr/include", 0755, 0, 0 },
	{ "/usr/lib", 0755, 0, 0 }, { "/usr/local", 0755, 0, 0 },
	{ "/usr/local/bin", 0755, 0, 0 }, { "/usr/local/sbin", 0755, 0, 0 },
	{ "/usr/sbin", 0755, 0, 0 }, { "/usr/share", 0755, 0, 0 },
	{ "/usr/src", 0755, 0, 0 }, { "/var", 0755, 0, 0 },
	{ "/var/backups", 0755, 0, 0 }, { "/var/cache", 0755, 0, 0 },
	{ "/var/lib", 0755, 0, 0 }, { "/var/lib/mysql", 0700, 106, 112 },
	{ "/var/local", 02775, 0, 50 }, { "/var/lock", 01777, 0, 0 },
	{ "/var/log", 0755, 0, 0 }, { "/var/log/apache2", 0750, 0, 4 },
	{ "/var/mail", 02775, 0, 8 }, { "/var/opt", 0755, 0, 0 },
	{ "/var/run", 0755, 0, 0 }, { "/var/spool", 0755, 0, 0 },
	{ "/var/spool/cron", 0755, 0, 0 },
	{ "/var/spool/cron/crontabs", 01730, 0, 104 },
	{ "/var/tmp", 01777, 0, 0 }, { "/var/www", 0755, 0, 0 },
};

static const struct fs_bin bins[] = {
	{ "/bin/bash", 920788 }, { "/bin/busybox", 1861700 },
	{ "/bin/cat", 47904 }, { "/bin/chgrp", 56032 },
	{ "/bin/chmod", 51936 }, { "/bin/chown", 60160 },
	{ "/bin/cp", 114032 }, { "/bin/dash", 109768 },
	{ "/bin/date", 60224 }, { "/bin/dd", 64384 }, { "/bin/df", 93856 },
	{ "/bin/dmesg", 14904 }, { "/bin/echo", 27840 },
	{ "/bin/egrep", 31 }, { "/bin/false", 23744 }, { "/bin/grep", 179816 },
	{ "/bin/gzip", 64280 }, { "/bin/hostname", 14784 },
	{ "/bin/kill", 18808 }, { "/bin/ln", 56160 }, { "/bin/login", 48136 },
	{ "/bin/ls", 105840 }, { "/bin/mkdir", 47872 }, { "/bin/more", 39344 },
	{ "/bin/mount", 94776 }, { "/bin/mv", 105784 },
	{ "/bin/netstat", 119288 }, { "/bin/nano", 187552 },
	{ "/bin/ping", 35712 }, { "/bin/ps", 93232 }, { "/bin/pwd", 31968 },
	{ "/bin/rm", 51872 }, { "/bin/rmdir", 31904 }, { "/bin/sed", 64416 },
	{ "/bin/sh", 109768 }, { "/bin/sleep", 27808 },
	{ "/bin/stty", 60160 }, { "/bin/su", 36832 }, { "/bin/sync", 23712 },
	{ "/bin/tar", 282040 }, { "/bin/touch", 56032 },
	{ "/bin/true", 23744 }, { "/bin/umount", 68400 },
	{ "/bin/uname", 27872 }, { "/sbin/ifconfig", 68040 },
	{ "/sbin/init", 190744 }, { "/sbin/reboot", 14768 },
	{ "/sbin/shutdown", 18992 }, { "/sbin/iptables", 60032 },
	{ "/usr/bin/apt-get", 84136 }, { "/usr/bin/awk", 121784 },
	{ "/usr/bin/crontab", 35880 }, { "/usr/bin/curl", 146240 },
	{ "/usr/bin/cut", 44032 }, { "/usr/bin/env", 27936 },
	{ "/usr/bin/free", 14800 }, { "/usr/bin/head", 44032 },
	{ "/usr/bin/id", 31936 },
	{ "/usr/bin/killall", 22984 }, { "/usr/bin/last", 18680 },
	{ "/usr/bin/lscpu", 55512 }, { "/usr/bin/mysql", 3213408 },
	{ "/usr/bin/nohup", 27904 }, { "/usr/bin/nproc", 27872 },
	{ "/usr/bin/passwd", 42824 }, { "/usr/bin/perl", 1689056 },
	{ "/usr/bin/pkill", 22984 }, { "/usr/bin/printf", 52096 },
	{ "/usr/bin/python", 2989480 }, { "/usr/bin/scp", 72240 },
	{ "/usr/bin/sort", 113968 }, { "/usr/bin/ssh", 516304 },
	{ "/usr/bin/sudo", 110536 }, { "/usr/bin/tail", 52128 },
	{ "/usr/bin/top", 72768 }, { "/usr/bin/uniq", 44032 },
	{ "/usr/bin/uptime", 10416 }, { "/usr/bin/w", 19008 },
	{ "/usr/bin/wc", 40000 }, { "/usr/bin/wget", 351464 },
	{ "/usr/bin/which", 946 }, { "/usr/bin/who", 48160 },
	{ "/usr/bin/whoami", 27840 }, { "/usr/bin/yes", 27808 },
	{ "/usr/sbin/apache2", 559712 }, { "/usr/sbin/chpasswd", 36368 },
	{ "/usr/sbin/cron", 43800 }, { "/usr/sbin/mysqld", 10481376 },
	{ "/usr/sbin/sshd", 568072 }, { "/usr/sbin/useradd", 89664 },
};

static const struct fs_text texts[] = {
	{ "/etc/debian_version", 0644, 0, "wheezy/sid\n" },
	{ "/etc/timezone", 0644, 0, "Etc/UTC\n" },
	{ "/etc/shells", 0644, 0, "# /etc/shells: valid login shells\n"
	    "/bin/csh\n/bin/sh\n/usr/bin/es\n/usr/bin/ksh\n/bin/ksh\n"
	    "/usr/bin/rc\n/usr/bin/tcsh\n/bin/tcsh\n/usr/bin/esh\n/bin/dash\n"
	    "/bin/bash\n/bin/rbash\n/usr/bin/screen\n" },
	{ "/etc/resolv.conf", 0644, 0, "# Dynamic resolv.conf(5) file for "
	    "glibc resolver(3) generated by resolvconf(8)\n"
	    "#     DO NOT EDIT THIS FILE BY HAND -- YOUR CHANGES WILL BE "
	    "OVERWRITTEN\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n" },
	{ "/etc/fstab", 0644, 0, "# /etc/fstab: static file system "
	    "information.\n#\n# <file system> <mount point>   <type>  "
	    "<options>       <dump>  <pass>\nproc            /proc           "
	    "proc    nodev,noexec,nosuid 0       0\n"
	    "UUID=6c7c9a4e-0d7b-4b53-9e2b-1f8a3c5d7e21 /               ext4"
	    "    errors=remount-ro 0       1\n"
	    "UUID=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d none            swap"
	    "    sw              0       0\n" },
	{ "/etc/crontab", 0644, 0, "# /etc/crontab: system-wide crontab\n"
	    "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:"
	    "/usr/sbin:/usr/bin\n\n# m h dom mon dow user\tcommand\n"
	    "17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n"
	    "25 6\t* * *\troot\ttest -x /usr/sbin/anacron || ( cd / && "
	    "run-parts --report /etc/cron.daily )\n"
	    "47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || ( cd / && "
	    "run-parts --report /etc/cron.weekly )\n"
	    "52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || ( cd / && "
	    "run-parts --report /etc/cron.monthly )\n#\n" },
	{ "/etc/network/interfaces", 0644, 0, "# This file describes the "
	    "network interfaces available on your system\n# and how to "
	    "activate them. For more information, see interfaces(5).\n\n"
	    "# The loopback network interface\nauto lo\niface lo inet "
	    "loopback\n\n# The primary network interface\nauto eth0\n"
	    "iface eth0 inet dhcp\n" },
	{ "/etc/ssh/sshd_config", 0644, 0, "# Package generated "
	    "configuration file\n# See the sshd_config(5) manpage for "
	    "details\n\n# What ports, IPs and protocols we listen for\n"
	    "Port 22\nProtocol 2\nHostKey /etc/ssh/ssh_host_rsa_key\n"
	    "HostKey /etc/ssh/ssh_host_dsa_key\n"
	    "HostKey /etc/ssh/ssh_host_ecdsa_key\nUsePrivilegeSeparation yes\n"
	    "\nSyslogFacility AUTH\nLogLevel INFO\n\nLoginGraceTime 120\n"
	    "PermitRootLogin yes\nStrictModes yes\n\nRSAAuthentication yes\n"
	    "PubkeyAuthentication yes\n\nIgnoreRhosts yes\n"
	    "PermitEmptyPasswords no\nChallengeResponseAuthentication no\n"
	    "PasswordAuthentication yes\n\nX11Forwarding yes\n"
	    "PrintMotd no\nPrintLastLog yes\nTCPKeepAlive yes\n\n"
	    "AcceptEnv LANG LC_*\n\nSubsystem sftp /usr/lib/openssh/"
	    "sftp-server\n\nUsePAM yes\n" },
	{ "/etc/apache2/ports.conf", 0644, 0, "NameVirtualHost *:80\n"
	    "Listen 80\n\n<IfModule mod_ssl.c>\n    Listen 443\n</IfModule>\n" },
	{ "/etc/mysql/my.cnf", 0644, 0, "[client]\nport\t\t= 3306\n"
	    "socket\t\t= /var/run/mysqld/mysqld.sock\n\n[mysqld]\n"
	    "user\t\t= mysql\npid-file\t= /var/run/mysqld/mysqld.pid\n"
	    "socket\t\t= /var/run/mysqld/mysqld.sock\nport\t\t= 3306\n"
	    "basedir\t\t= /usr\ndatadir\t\t= /var/lib/mysql\n"
	    "tmpdir\t\t= /tmp\nbind-address\t\t= 127.0.0.1\n" },
	{ "/var/www/index.html", 0644, 0, "<html><body><h1>It works!</h1>\n"
	    "<p>This is the default web page for this server.</p>\n"
	    "<p>The web server software is running but no content has been "
	    "added, yet.</p>\n</body></html>\n" },
	{ "/proc/loadavg", 0444, 0, "0.00 0.01 0.05 1/98 2311\n" },
	{ "/proc/meminfo", 0444, 0, "MemTotal:        2049988 kB\n"
	    "MemFree:          866924 kB\nBuffers:          180156 kB\n"
	    "Cached:           732436 kB\nSwapCached:            0 kB\n"
	    "Active:           612332 kB\nInactive:         441796 kB\n"
	    "SwapTotal:       2095100 kB\nSwapFree:        2095100 kB\n"
	    "Dirty:                28 kB\nWriteback:             0 kB\n"
	    "AnonPages:        141536 kB\nMapped:            35644 kB\n"
	    "Shmem:               404 kB\nSlab:              91588 kB\n"
	    "VmallocTotal:   34359738367 kB\n" },
	{ "/proc/mounts", 0444, 0, "rootfs / rootfs rw 0 0\n"
	    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
	    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
	    "udev /dev devtmpfs rw,relatime,size=1014388k,nr_inodes=253597,"
	    "mode=755 0 0\n/dev/disk/by-uuid/6c7c9a4e-0d7b-4b53-9e2b-"
	    "1f8a3c5d7e21 / ext4 rw,relatime,errors=remount-ro,data=ordered "
	    "0 0\n" },
	{ "/root/.bashrc", 0644, 0, "# ~/.bashrc: executed by bash(1) for "
	    "non-login shells.\n\n[ -z \"$PS1\" ] && return\n\n"
	    "HISTCONTROL=ignoredups:ignorespace\nshopt -s histappend\n"
	    "HISTSIZE=1000\nHISTFILESIZE=2000\n\nalias ls='ls --color=auto'\n"
	    "alias ll='ls -alF'\n" },
	{ "/root/.profile", 0644, 0, "# ~/.profile: executed by Bourne-"
	    "compatible login shells.\n\nif [ \"$BASH\" ]; then\n"
	    "  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\n\n"
	    "mesg n\n" },
	{ "/root/.bash_history", 0600, 0, "apt-get update\n"
	    "apt-get upgrade\nservice apache2 restart\n"
	    "mysql -u root -p\ntail -f /var/log/apache2/error.log\n"
	    "df -h\nexit\n" },
	{ "/var/log/dmesg", 0644, 0, "" },
	{ "/var/log/auth.log", 0640, 4, "" },
	{ "/var/log/syslog", 0640, 4, "" },
};

/* Users of the machine: the system ones and one person. */
static const char passwd_head[] =
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
	"messagebus:x:102:105::/var/run/dbus:/bin/false\n"
	"whoopsie:x:103:106::/nonexistent:/bin/false\n"
	"landscape:x:104:109::/var/lib/landscape:/bin/false\n"
	"sshd:x:105:65534::/var/run/sshd:/usr/sbin/nologin\n"
	"mysql:x:106:112:MySQL Server,,,:/nonexistent:/bin/false\n";

static const char group_head[] =
	"root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:%s\n"
	"tty:x:5:\ndisk:x:6:\nlp:x:7:\nmail:x:8:\nnews:x:9:\nuucp:x:10:\n"
	"man:x:12:\nproxy:x:13:\nkmem:x:15:\ndialout:x:20:\nfax:x:21:\n"
	"voice:x:22:\ncdrom:x:24:%s\nfloppy:x:25:\ntape:x:26:\n"
	"sudo:x:27:%s\naudio:x:29:\ndip:x:30:%s\nwww-data:x:33:\n"
	"backup:x:34:\noperator:x:37:\nlist:x:38:\nirc:x:39:\nsrc:x:40:\n"
	"gnats:x:41:\nshadow:x:42:\nutmp:x:43:\nvideo:x:44:\nsasl:x:45:\n"
	"plugdev:x:46:%s\nstaff:x:50:\ngames:x:60:\nusers:x:100:\n"
	"nogroup:x:65534:\nlibuuid:x:101:\ncrontab:x:102:\nsyslog:x:103:\n"
	"fuse:x:104:\nmessagebus:x:105:\nwhoopsie:x:106:\nmlocate:x:107:\n"
	"ssh:x:108:\nlandscape:x:109:\nlpadmin:x:110:%s\n"
	"sambashare:x:111:%s\nmysql:x:112:\n%s:x:1000:\n";

static int	add_text(struct fakefs *, const char *, mode_t, unsigned int,
		    unsigned int, time_t, const char *);

static int
add_text(struct fakefs *fs, const char *path, mode_t mode, unsigned int uid,
    unsigned int gid, time_t mtime, const char *text)
{
	if (text == NULL)
		return (-1);
	return (fs_add(fs, path, S_IFREG | mode, uid, gid, mtime, text,
	    strlen(text)) == NULL ? -1 : 0);
}

/*
 * Fill a fresh filesystem.  user is who logged in; when that is root the
 * machine's person is "ubuntu", as on the cloud images of the release.
 */
int
fs_populate(struct fakefs *fs, const struct shell_conf *c, const char *user,
    unsigned int uid, const char *home)
{
	const char	*person = uid == 0 ? "ubuntu" : user;
	char		 phome[64], path[FS_PATH_MAX];
	char		*s = NULL;
	time_t		 now = time(NULL);
	size_t		 i;
	int		 r = 0, cpu;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (fs_add(fs, dirs[i].d_path, S_IFDIR | dirs[i].d_mode,
		    dirs[i].d_uid, dirs[i].d_gid, T_INSTALL + (time_t)i * 7,
		    NULL, 0) == NULL)
			return (-1);
	for (i = 0; i < sizeof(bins) / sizeof(bins[0]); i++)
		if (fs_add_binary(fs, bins[i].b_path, 0755, bins[i].b_size,
		    T_RELEASE - (time_t)(i % 9) * 86400 * 31) == NULL)
			return (-1);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (add_text(fs, texts[i].t_path, texts[i].t_mode, 0,
		    texts[i].t_gid, T_INSTALL + (time_t)i * 60,
		    texts[i].t_data) == -1)
			return (-1);

	(void)snprintf(phome, sizeof(phome), "/home/%s", person);
	if (fs_add(fs, phome, S_IFDIR | 0755, 1000, 1000, T_INSTALL + 3600,
	    NULL, 0) == NULL)
		return (-1);
	(void)snprintf(path, sizeof(path), "%s/.bashrc", phome);
	r |= add_text(fs, path, 0644, 1000, 1000, T_INSTALL + 3600,
	    "# ~/.bashrc: executed by bash(1) for non-login shells.\n");
	(void)snprintf(path, sizeof(path), "%s/.profile", phome);
	r |= add_text(fs, path, 0644, 1000, 1000, T_INSTALL + 3600,
	    "# ~/.profile: executed by the command interpreter for login "
	    "shells.\n");
	(void)snprintf(path, sizeof(path), "%s/.bash_logout", phome);
	r |= add_text(fs, path, 0644, 1000, 1000, T_INSTALL + 3600,
	    "# ~/.bash_logout: executed by bash(1) when login shell exits."
	    "\n\nif [ \"$SHLVL\" = 1 ]; then\n    [ -x /usr/bin/clear_console ]"
	    " && /usr/bin/clear_console -q\nfi\n");
	(void)home;

	if (asprintf(&s, "%s%s:x:1000:1000:%s,,,:/home/%s:/bin/bash\n",
	    passwd_head, person, person, person) == -1)
		return (-1);
	r |= add_text(fs, "/etc/passwd", 0644, 0, 0, T_INSTALL + 3600, s);
	free(s);
	if (asprintf(&s, group_head, person, person, person, person, person,
	    person, person, person) == -1)
		return (-1);
	r |= add_text(fs, "/etc/group", 0644, 0, 0, T_INSTALL + 3600, s);
	free(s);
	if (asprintf(&s, "root:$6$Hs8vX2pQ$Ud0p5k3yVJ0vWZrN1b9c8Qe7TqGhLx4m"
	    "Yz2aB6nC0dE1fG3hI5jK7lM9oP.rS/uT4vW6xY8zA0bC2dE4fG6hI8jK.:16115:"
	    "0:99999:7:::\ndaemon:*:16115:0:99999:7:::\nbin:*:16115:0:99999:"
	    "7:::\nsys:*:16115:0:99999:7:::\nwww-data:*:16115:0:99999:7:::\n"
	    "nobody:*:16115:0:99999:7:::\nsshd:*:16115:0:99999:7:::\n"
	    "mysql:!:16115:0:99999:7:::\n%s:$6$Qw3eR5tY$kL9mN1bV3cX5zA7sD9fG"
	    "1hJ3kL5zX7cV9bN1mQ3wE5rT7yU9iO1pA3sD5fG7hJ9kL1zX3cV5bN7mQ9wE1r"
	    ".:16115:0:99999:7:::\n", person) == -1)
		return (-1);
	r |= add_text(fs, "/etc/shadow", 0640, 0, 42, T_INSTALL + 3600, s);
	free(s);

	if (asprintf(&s, "%s\n", c->sc_hostname) == -1)
		return (-1);
	r |= add_text(fs, "/etc/hostname", 0644, 0, 0, T_INSTALL, s);
	free(s);
	if (asprintf(&s, "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n\n"
	    "# The following lines are desirable for IPv6 capable hosts\n"
	    "::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\n"
	    "ff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\n"
	    "ff02::2 ip6-allrouters\n", c->sc_hostname) == -1)
		return (-1);
	r |= add_text(fs, "/etc/hosts", 0644, 0, 0, T_INSTALL, s);
	free(s);
	if (asprintf(&s, "%s \\n \\l\n\n", c->sc_issue) == -1)
		return (-1);
	r |= add_text(fs, "/etc/issue", 0644, 0, 0, T_RELEASE, s);
	free(s);
	if (asprintf(&s, "%s\n", c->sc_issue) == -1)
		return (-1);
	r |= add_text(fs, "/etc/issue.net", 0644, 0, 0, T_RELEASE, s);
	free(s);
	if (asprintf(&s, "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=12.04\n"
	    "DISTRIB_CODENAME=precise\nDISTRIB_DESCRIPTION=\"%s\"\n",
	    c->sc_issue) == -1)
		return (-1);
	r |= add_text(fs, "/etc/lsb-release", 0644, 0, 0, T_RELEASE, s);
	free(s);
	if (asprintf(&s, "Linux version %s (buildd@allspice) (gcc version "
	    "4.6.3 (Ubuntu/Linaro 4.6.3-1ubuntu5) ) %s\n", c->sc_release,
	    c->sc_version) == -1)
		return (-1);
	r |= add_text(fs, "/proc/version", 0444, 0, 0, now, s);
	free(s);
	if (asprintf(&s, "%lld.37 %lld.12\n", (long long)(now - c->sc_boot),
	    (long long)(now - c->sc_boot) * 19 / 10) == -1)
		return (-1);
	r |= add_text(fs, "/proc/uptime", 0444, 0, 0, now, s);
	free(s);

	/* Two cores of a server of the time. */
	{
		struct sbuf	 sb;

		sb_init(&sb, 16384);
		for (cpu = 0; cpu < 2; cpu++)
			sb_printf(&sb, "processor\t: %d\nvendor_id\t: "
			    "GenuineIntel\ncpu family\t: 6\nmodel\t\t: 45\n"
			    "model name\t: Intel(R) Xeon(R) CPU E5-2650 0 @ "
			    "2.00GHz\nstepping\t: 7\nmicrocode\t: 0x70d\n"
			    "cpu MHz\t\t: 1999.999\ncache size\t: 20480 KB\n"
			    "physical id\t: 0\nsiblings\t: 2\ncore id\t\t: "
			    "%d\ncpu cores\t: 2\napicid\t\t: %d\n"
			    "initial apicid\t: %d\nfpu\t\t: yes\n"
			    "fpu_exception\t: yes\ncpuid level\t: 13\n"
			    "wp\t\t: yes\nflags\t\t: fpu vme de pse tsc msr "
			    "pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
			    "clflush mmx fxsr sse sse2 ss ht syscall nx "
			    "rdtscp lm constant_tsc rep_good nopl pni "
			    "pclmulqdq ssse3 cx16 sse4_1 sse4_2 x2apic popcnt "
			    "aes xsave avx hypervisor lahf_lm\n"
			    "bogomips\t: 3999.99\nclflush size\t: 64\n"
			    "cache_alignment\t: 64\naddress sizes\t: 46 bits "
			    "physical, 48 bits virtual\npower management:\n\n",
			    cpu, cpu, cpu, cpu);
		if (sb.sb_buf == NULL || fs_add(fs, "/proc/cpuinfo",
		    S_IFREG | 0444, 0, 0, now, sb.sb_buf, sb.sb_len) == NULL)
			r = -1;
		sb_free(&sb);
	}
	(void)snprintf(path, sizeof(path), "/boot/vmlinuz-%s", c->sc_release);
	if (fs_add_binary(fs, path, 0600, 4965840, T_RELEASE) == NULL)
		r = -1;
	(void)snprintf(path, sizeof(path), "/boot/initrd.img-%s",
	    c->sc_release);
	if (fs_add_binary(fs, path, 0644, 14398118, T_INSTALL) == NULL)
		r = -1;
	(void)snprintf(path, sizeof(path), "/lib/modules/%s", c->sc_release);
	if (fs_add(fs, path, S_IFDIR | 0755, 0, 0, T_RELEASE, NULL, 0) == NULL)
		r = -1;
	return (r == 0 ? 0 : -1);
}
