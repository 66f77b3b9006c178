// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics listener: just enough HTTP/1.1 for a Prometheus scrape (GET /metrics, one request
 * per connection, then close), built so that no client can hold up the daemon that runs it.
 *
 * The listening socket is non-blocking and only ever served when the daemon's poll() says a
 * client is waiting. One serve call accepts what is waiting, then drives every connection it
 * holds with poll() (read the request head, write the answer, both non-blocking) until all are
 * done or its deadline passes; whatever is not done by then is closed. So a client that sends
 * nothing, sends slowly or never reads costs the daemon at most one deadline per wakeup, and
 * memory is bounded: NP_METRICS_HTTP_CONNS connections of NP_METRICS_HTTP_REQUEST_MAX bytes.
 *
 * Addresses are numeric (nothing resolved at start, nothing that changes with DNS) and must be
 * loopback unless the operator allows otherwise: the metrics name processes on the host.
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "output/metrics.h"

struct conn {
	int fd;
	char request[NP_METRICS_HTTP_REQUEST_MAX];
	size_t request_len;
	bool answering;
	char head[256]; /* status line and headers of the answer */
	size_t head_len;
	const char *body;
	size_t body_len;
	size_t sent; /* of head, then body */
};

struct np_metrics_http {
	int fd;
	int deadline_ms;
	int nconns;
	struct conn conns[NP_METRICS_HTTP_CONNS];
};

int np_metrics_http_open(const char *spec, bool allow_remote, struct np_metrics_http **out,
			 char *msg, size_t msglen)
{
	struct sockaddr_storage addr;
	struct np_metrics_http *srv;
	socklen_t addrlen;
	int fd, one = 1, err;

	err = np_listen_parse(spec, allow_remote, &addr, &addrlen, msg, msglen);
	if (err)
		return err;
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* a restart must not wait for the old connections' TIME_WAIT */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		goto fail;
	/* [::] means IPv6 only: IPv4 clients are the operator's choice of 0.0.0.0 */
	if (addr.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		goto fail;
	if (bind(fd, (struct sockaddr *)&addr, addrlen) || listen(fd, NP_METRICS_HTTP_CONNS))
		goto fail;
	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		errno = ENOMEM;
		goto fail;
	}
	srv->fd = fd;
	srv->deadline_ms = NP_METRICS_HTTP_DEADLINE_MS;
	*out = srv;
	return 0;
fail:
	err = -errno;
	snprintf(msg, msglen, "cannot listen on %s for metrics: %s", spec, strerror(-err));
	if (fd >= 0)
		close(fd);
	return err;
}

int np_metrics_http_fd(const struct np_metrics_http *srv)
{
	return srv->fd;
}

int np_metrics_http_port(const struct np_metrics_http *srv)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(srv->fd, (struct sockaddr *)&ss, &len))
		return -errno;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void np_metrics_http_set_deadline_ms(struct np_metrics_http *srv, int ms)
{
	srv->deadline_ms = ms < 0 ? 0 : ms;
}

void np_metrics_http_close(struct np_metrics_http *srv)
{
	if (!srv)
		return;
	for (int i = 0; i < srv->nconns; i++)
		close(srv->conns[i].fd);
	close(srv->fd);
	free(srv);
}

int np_metrics_http_route(const char *request, size_t len, bool *head)
{
	const char *end = memchr(request, '\n', len), *sp1, *sp2, *target;
	size_t line, method_len, target_len;

	*head = false;
	if (!end)
		return 400;
	line = end - request;
	if (line && request[line - 1] == '\r')
		line--;
	/* METHOD SP TARGET SP HTTP/x.y */
	sp1 = memchr(request, ' ', line);
	if (!sp1 || sp1 == request)
		return 400;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', request + line - target);
	if (!sp2 || sp2 == target || request + line - (sp2 + 1) < 8 || strncmp(sp2 + 1, "HTTP/", 5))
		return 400;
	method_len = sp1 - request;
	target_len = sp2 - target;
	for (const char *p = request; p < sp1; p++)
		if (*p < 'A' || *p > 'Z')
			return 400;
	if (method_len == 4 && !memcmp(request, "HEAD", 4))
		*head = true;
	else if (method_len != 3 || memcmp(request, "GET", 3))
		return 405;
	/* the query string, if any, changes nothing */
	for (size_t i = 0; i < target_len; i++)
		if (target[i] == '?')
			target_len = i;
	if (target_len == 8 && !memcmp(target, "/metrics", 8))
		return 200;
	return 404;
}

/* The request head ends with an empty line. */
static bool head_complete(const struct conn *c)
{
	for (size_t i = 0; i + 1 < c->request_len; i++) {
		if (c->request[i] != '\n')
			continue;
		if (c->request[i + 1] == '\n' ||
		    (c->request[i + 1] == '\r' && i + 2 < c->request_len &&
		     c->request[i + 2] == '\n'))
			return true;
	}
	return false;
}

/* Prepare the answer to the request head read so far (complete: the head is whole). */
static void answer(struct conn *c, bool complete, const char *metrics, size_t metrics_len)
{
	const char *reason = "OK", *type = "text/plain; version=0.0.4; charset=utf-8", *extra = "";
	const char *body = metrics;
	size_t length = metrics_len;
	bool head = false;
	int status = complete ? np_metrics_http_route(c->request, c->request_len, &head) : 400;

	switch (status) {
	case 200:
		break;
	case 404:
		reason = "Not Found";
		body = "not found: the metrics are at /metrics\n";
		break;
	case 405:
		reason = "Method Not Allowed";
		body = "method not allowed: use GET\n";
		extra = "Allow: GET, HEAD\r\n";
		break;
	default:
		status = 400;
		reason = "Bad Request";
		body = "bad request\n";
		break;
	}
	if (status != 200) {
		type = "text/plain; charset=utf-8";
		length = strlen(body);
	}
	c->head_len = snprintf(c->head, sizeof(c->head),
			       "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			       "%sConnection: close\r\n\r\n",
			       status, reason, type, length, extra);
	c->body = body;
	c->body_len = head ? 0 : length; /* HEAD: the headers of GET, no body */
	c->sent = 0;
	c->answering = true;
}

/* Read what the client sent; false when the connection is done with (closed by the caller). */
static bool conn_read(struct conn *c, const char *body, size_t body_len)
{
	ssize_t n = recv(c->fd, c->request + c->request_len, sizeof(c->request) - c->request_len,
			 MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (n == 0) {
		/* the client closed its side: a complete request line is still answered */
		if (!memchr(c->request, '\n', c->request_len))
			return false;
		answer(c, true, body, body_len);
		return true;
	}
	c->request_len += n;
	if (head_complete(c))
		answer(c, true, body, body_len);
	else if (c->request_len == sizeof(c->request))
		answer(c, false, NULL, 0); /* a head this large is no scrape */
	return true;
}

/* Send more of the answer; false when the connection is done with. *done: all sent. */
static bool conn_write(struct conn *c, bool *done)
{
	struct iovec iov[2];
	struct msghdr mh = {.msg_iov = iov};
	ssize_t n;

	if (c->sent < c->head_len) {
		iov[mh.msg_iovlen].iov_base = c->head + c->sent;
		iov[mh.msg_iovlen++].iov_len = c->head_len - c->sent;
		iov[mh.msg_iovlen].iov_base = (char *)c->body;
		iov[mh.msg_iovlen++].iov_len = c->body_len;
	} else {
		iov[mh.msg_iovlen].iov_base = (char *)c->body + (c->sent - c->head_len);
		iov[mh.msg_iovlen++].iov_len = c->body_len - (c->sent - c->head_len);
	}
	n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	c->sent += n;
	*done = c->sent == c->head_len + c->body_len;
	return true;
}

static void conn_drop(struct np_metrics_http *srv, int i)
{
	close(srv->conns[i].fd);
	srv->conns[i] = srv->conns[--srv->nconns];
}

static void accept_waiting(struct np_metrics_http *srv)
{
	while (srv->nconns < NP_METRICS_HTTP_CONNS) {
		int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return; /* EAGAIN: nobody else waiting; EMFILE and co: next time */
		}
		c = &srv->conns[srv->nconns++];
		c->fd = fd;
		c->request_len = 0;
		c->answering = false;
	}
}

int np_metrics_http_serve(struct np_metrics_http *srv, const char *body, size_t len)
{
	struct pollfd pfd[NP_METRICS_HTTP_CONNS + 1];
	int64_t deadline = np_now_ms() + srv->deadline_ms;
	int answered = 0;

	for (;;) {
		int64_t left;
		int n = 0;

		accept_waiting(srv);
		left = deadline - np_now_ms();
		if (!srv->nconns || left <= 0)
			break;
		for (int i = 0; i < srv->nconns; i++)
			pfd[n++] = (struct pollfd){.fd = srv->conns[i].fd,
						   .events = srv->conns[i].answering ? POLLOUT
										     : POLLIN};
		/* clients arriving meanwhile join while there is room */
		if (srv->nconns < NP_METRICS_HTTP_CONNS)
			pfd[n++] = (struct pollfd){.fd = srv->fd, .events = POLLIN};
		if (poll(pfd, n, (int)left) < 0 && errno != EINTR)
			break;
		/* backwards, so that dropping connection i (last one moves to i) skips nothing */
		for (int i = srv->nconns - 1; i >= 0; i--) {
			struct conn *c = &srv->conns[i];
			bool keep, done = false;

			if (!pfd[i].revents)
				continue;
			if (c->answering) {
				keep = conn_write(c, &done);
			} else {
				keep = conn_read(c, body, len);
				/* most answers fit the socket buffer: try at once */
				if (keep && c->answering)
					keep = conn_write(c, &done);
			}
			if (done) {
				shutdown(c->fd, SHUT_WR);
				answered++;
			}
			if (!keep || done)
				conn_drop(srv, i);
		}
	}
	/* the deadline passed: whoever is not done is closed */
	while (srv->nconns)
		conn_drop(srv, srv->nconns - 1);
	return answered;
}
