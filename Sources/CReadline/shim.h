// GNU readline (Debian's libreadline-dev), for `ctr shell`. Linked statically with libtinfo
// (Package.swift), so no other `ctr` process (daemon, shims, one-shot clients) loads it.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
