"""Process settings that matter on a shared, small CPU.

Measured on this 2-core machine with other jobs running (load average ~9): one xTiny forward at 256 px took
~2,200-3,400 ms with 2 PyTorch threads and the OpenMP default wait policy, ~170 ms with 1 thread and ~60-200 ms
with 2 threads and ``OMP_WAIT_POLICY=PASSIVE``. With the default policy an OpenMP worker spins while it waits at
a barrier; when the other core is busy with another process, every barrier waits for a time slice. libgomp reads
the policy once, when it is loaded (with torch), so the variable must be in the environment before the
interpreter starts: :func:`reexec_with_passive_openmp` restarts the command once with it set.
"""

from __future__ import annotations

import os
import sys
from typing import Optional, Sequence

ENV_DEFAULTS = {"OMP_WAIT_POLICY": "PASSIVE", "OPENBLAS_NUM_THREADS": "1"}


def reexec_with_passive_openmp(module: str, argv: Optional[Sequence[str]]) -> None:
    """Re-run ``python -m module argv`` with :data:`ENV_DEFAULTS` unless they are already set.

    Does nothing when called with an explicit argv (tests, library use) or when the variables are set."""
    if argv is not None or all(key in os.environ for key in ENV_DEFAULTS):
        return
    env = dict(os.environ)
    for key, value in ENV_DEFAULTS.items():
        env.setdefault(key, value)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-m", module, *sys.argv[1:]], env)


BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")


def cpu_has_fast_bf16(cpuinfo_path: str = "/proc/cpuinfo") -> bool:
    """Whether this CPU multiplies bf16 matrices in hardware (AMX or AVX512-BF16), read from ``cpuinfo_path``.

    On such a CPU (Intel Sapphire Rapids and later; AMD Zen 4 has AVX512-BF16) oneDNN's bf16 matrix products are
    several times faster than float32 (this machine, 1 thread: 2048x384 @ 384x1536 in 2.7 ms against 17.7 ms); on
    others PyTorch emulates bf16 and is slower than float32. False when the file cannot be read (not Linux)."""
    try:
        with open(cpuinfo_path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return any(flag in flags for flag in BF16_CPU_FLAGS)
    except OSError:
        return False
    return False
