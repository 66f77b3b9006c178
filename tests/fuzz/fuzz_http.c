// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics listener's request reader (output/metrics_http.c): the input is what a client
 * sends before it closes its side. Over a real loopback connection the server answers at once
 * (never waiting for its deadline on a client that is done) with an HTTP/1.1 status line, 200
 * only for GET or HEAD of /metrics; np_metrics_http_route, the pure part, agrees.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "lib/clock.h"
#include "output/metrics.h"

static const char body[] = "numaplace_up 1\n";

static struct np_metrics_http *server(void)
{
	static struct np_metrics_http *srv;
	char msg[256];

	if (srv)
		return srv;
	if (np_metrics_http_open("127.0.0.1:0", false, &srv, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		abort();
	}
	/* long, so that waiting for it (on a client that is done) cannot pass for being slow */
	np_metrics_http_set_deadline_ms(srv, 2000);
	return srv;
}

static int client(struct np_metrics_http *srv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(np_metrics_http_port(srv)),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	/* closed with a reset: no TIME_WAIT, or a long run would use up the local ports */
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset)))
		abort();
	/* libFuzzer's timer signal may interrupt connect(), which then goes on by itself */
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) && errno != EINTR) {
		perror("fuzz_http: connect");
		abort();
	}
	while (poll(&pfd, 1, 1000) < 0 && errno == EINTR)
		;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		fprintf(stderr, "fuzz_http: connect: %s\n", strerror(err));
		abort();
	}
	return fd;
}

/* The status the route gives a request that starts with data (the first line decides). */
static bool is_scrape(const uint8_t *data, size_t size)
{
	return (size >= 13 && !memcmp(data, "GET /metrics", 12) &&
		(data[12] == ' ' || data[12] == '?')) ||
	       (size >= 14 && !memcmp(data, "HEAD /metrics", 13) &&
		(data[13] == ' ' || data[13] == '?'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_metrics_http *srv = server();
	char answer[8192];
	size_t got = 0;
	int fd, status = 0, route;
	int64_t start;
	ssize_t n;
	bool head;

	if (size > NP_METRICS_HTTP_REQUEST_MAX * 2)
		return 0;
	route = np_metrics_http_route((const char *)data, size, &head);
	FUZZ_CHECK(route == 200 || route == 400 || route == 404 || route == 405, "%d", route);
	FUZZ_CHECK(route != 200 || is_scrape(data, size), "200 for something else");

	fd = client(srv);
	for (size_t sent = 0; sent < size;) {
		n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR)
			abort();
		sent += n > 0 ? (size_t)n : 0;
	}
	shutdown(fd, SHUT_WR);
	start = np_now_ms();
	np_metrics_http_serve(srv, body, sizeof(body) - 1);
	FUZZ_CHECK(np_now_ms() - start < 1000, "a client that is done held the server %lld ms",
		   (long long)(np_now_ms() - start));
	while (got < sizeof(answer) - 1 &&
	       ((n = recv(fd, answer + got, sizeof(answer) - 1 - got, MSG_DONTWAIT)) > 0 ||
		(n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	answer[got] = '\0';
	close(fd);
	if (!got) /* closed without a complete request line: no answer */
		return 0;
	FUZZ_CHECK(sscanf(answer, "HTTP/1.1 %d ", &status) == 1, "no status line");
	FUZZ_CHECK(status == 200 || status == 400 || status == 404 || status == 405, "%d", status);
	FUZZ_CHECK(status != 200 || is_scrape(data, size), "served metrics for something else");
	return 0;
}
