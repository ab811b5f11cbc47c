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
