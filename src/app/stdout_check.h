/* stdout_check: every command that prints ends here. What a command wrote to
 * standard output must have arrived: into a full disk (/dev/full), a closed
 * pipe or a closed terminal the command fails with one line instead of
 * exiting 0 as if all was well. */
#ifndef ADEM_STDOUT_CHECK_H
#define ADEM_STDOUT_CHECK_H

/* Flushes stdout. When that or any earlier write to it failed, and rc (the
 * command's exit status) is 0, prints one line on stderr ("adem: writing to
 * standard output failed: REASON; ...") and returns 1; otherwise returns rc
 * (a command that already failed has said its one line). */
int stdout_check(int rc);

/* fflush(stdout) for a command that prints as it goes: a failure's reason
 * (errno) is kept for stdout_check. */
void stdout_flush(void);

/* Prints that one line for a failed write to stdout whose errno was err (0:
 * unknown) and returns 1: for a command that saw the failure itself. */
int stdout_report(int err);

/* 1 when a write to stdout has failed so far (e.g. for a loop that prints as
 * it goes and should stop). */
int stdout_failed(void);

#endif
