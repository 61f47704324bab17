"""Task runner: each session mirrors a step of .ci/run, in the current environment.

.venv/bin/pip install -e '.[dev]'
.venv/bin/nox                     # tests, fuzz, demo, lint (what CI runs before PostgreSQL)
.venv/bin/nox -s postgresql       # the suite on a throwaway PostgreSQL (pg_virtualenv)
.venv/bin/nox -s bench            # generate the databases and print the benchmark table
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

PY = sys.executable  # nox's own interpreter: the project's .venv
BIN = Path(PY).parent

nox.options.sessions = ["tests", "fuzz", "demo", "lint"]
nox.options.default_venv_backend = "none"


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """The README's test command, on SQLite."""
    session.run(PY, "-m", "pytest", *session.posargs)


@nox.session(python=False)
def fuzz(session: nox.Session) -> None:
    """10,000 generated commands and imports (8 tests x 1,250)."""
    session.run(
        PY, "-m", "pytest", "-q", "tests/test_fuzz.py", env={"STUDYGROUP_FUZZ_EXAMPLES": "1250"}
    )


@nox.session(python=False)
def demo(session: nox.Session) -> None:
    """The README's main job from the installed command."""
    tmp = session.create_tmp()
    session.chdir(tmp)
    session.run(
        "sh",
        "-c",
        f"{BIN / 'studygroup'} demo --force > agenda.md && "
        "grep -q '^# Full Stack Deep Learning' agenda.md",
        external=True,
    )


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    """Lint, formatting and types."""
    session.run(PY, "-m", "ruff", "check", ".")
    session.run(PY, "-m", "ruff", "format", "--check", ".")
    session.run(PY, "-m", "mypy")


@nox.session(python=False)
def postgresql(session: nox.Session) -> None:
    """The same suite on a throwaway PostgreSQL cluster (Debian's pg_virtualenv)."""
    session.run("bash", ".ci/postgresql", external=True)


@nox.session(python=False)
def bench(session: nox.Session) -> None:
    """Generate the benchmark databases (1/10, full, x10) and print the ratios."""
    for name, scale in (("small", "0.1"), ("large", "1"), ("huge", "10")):
        target = f"bench/out/{name}.db"
        session.run("rm", "-f", target, external=True)
        session.run(PY, "bench/generate.py", target, "--scale", scale)
    session.run(PY, "bench/run.py", *session.posargs)
