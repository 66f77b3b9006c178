// SPDX-License-Identifier: GPL-2.0
/* The end of a command's output (output.h). */
#include <errno.h>
#include <string.h>

#include "cli/output.h"
#include "lib/np_common.h"

int np_cli_output_done(const char *command, FILE *out, const char *name)
{
	int err = 0;

	/*
	 * A write that failed while printing leaves ferror() set and what it could not write in
	 * the buffer, so the flush fails again and says why; EIO when it has nothing to say.
	 */
	errno = 0;
	if (fflush(out) || ferror(out))
		err = errno ? errno : EIO;
	if (out != stdout && fclose(out) && !err)
		err = errno ? errno : EIO;
	if (!err)
		return 0;
	np_err("%s%swriting %s: %s", command ? command : "", command ? ": " : "", name,
	       strerror(err));
	if (out == stdout)
		clearerr(out); /* told once: a later check of the same output stays silent */
	return NP_EXIT_RUNTIME;
}
