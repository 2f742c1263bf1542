#!/usr/bin/env python3
"""Starts one Firefly dev-stack server process on an ordinary native thread stack.

ClickHouse ships inside libchdb.so and serves its HTTP interface only through the C entry point
chdb_query_cmdline(argc, argv). That call must run on a normal OS thread stack: Node FFI libraries
that switch stacks trip ClickHouse's stack-size check, hence this small Python ctypes launcher.

  launch.py [--die-with-parent PPID] clickhouse LIBCHDB -- CLICKHOUSE_ARGS...
  launch.py [--die-with-parent PPID] exec -- PROGRAM ARGS...

--die-with-parent asks the kernel (prctl PR_SET_PDEATHSIG) to send SIGTERM when the spawning
process dies, so a crashed or killed test run leaves no server behind. The setting survives exec,
which is how the Kafka JVM inherits it.
"""
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(expected_ppid: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        sys.exit(f"launch.py: prctl(PR_SET_PDEATHSIG) failed: {os.strerror(err)}")
    # The parent may have died between fork and prctl; then no signal would ever come.
    if os.getppid() != expected_ppid:
        sys.exit("launch.py: parent process exited before the server started")


def run_clickhouse(library: str, args: list[str]) -> int:
    try:
        lib = ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)
    except OSError as error:
        print(f"launch.py: cannot load ClickHouse from {library}: {error}", file=sys.stderr, flush=True)
        return 1
    entry = lib.chdb_query_cmdline
    entry.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    entry.restype = ctypes.c_void_p
    encoded = [b"clickhouse", *(a.encode() for a in args)]
    argv = (ctypes.c_char_p * (len(encoded) + 1))(*encoded, None)
    sys.stdout.flush()
    entry(len(encoded), argv)
    # The keep-alive query never finishes on its own: returning means ClickHouse failed (its
    # message is already on stderr) or the query was killed.
    print("launch.py: ClickHouse stopped serving (see the messages above)", file=sys.stderr, flush=True)
    return 1


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--die-with-parent":
        die_with_parent(int(argv[1]))
        argv = argv[2:]
    if len(argv) >= 3 and argv[0] == "clickhouse" and argv[2] == "--":
        return run_clickhouse(argv[1], argv[3:])
    if len(argv) >= 3 and argv[0] == "exec" and argv[1] == "--":
        os.execvp(argv[2], argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
