/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands: each takes its own argv (argv[0] is the command name) and returns an exit code. */
#ifndef NP_COMMANDS_H
#define NP_COMMANDS_H

int np_cmd_topo(int argc, char **argv);
int np_cmd_report(int argc, char **argv);
int np_cmd_place(int argc, char **argv);
int np_cmd_restore(int argc, char **argv);
int np_cmd_run(int argc, char **argv);
int np_cmd_status(int argc, char **argv);
int np_cmd_top(int argc, char **argv);

#endif
