"""Simulate the national DTTO system: synthetic case records, calibration, scenarios.

  dtto simulate --orders 3000 --seed 1 --out cases.json   write a dtto-case/1 file
  dtto simulate --orders 3000 --seed 1 --load             import the records into the database
  dtto simulate --calibration                             published figures beside simulated ones,
                                                          measured by dtto's report functions in
                                                          a throwaway database
  dtto simulate --scenario FILE --repeats 5               a scenario against the baseline

Orders are made between --start and --end (default April 2001 to March 2004); the referrals
that did not become Orders are added in the proportions of Figure 9. The same seed gives the
same file, byte for byte. See docs/simulation.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from dtto.lib.commands import DocstringCommand
from dtto.lib.memory import cyclic_gc_paused
from dtto.simulate import calibration
from dtto.simulate.model import Simulation
from dtto.simulate.national import simulate_document
from dtto.simulate.parameters import load_parameters
from dtto.simulate.scenarios import compare, format_comparison, load_scenario
from dtto.simulate.writer import write_document

CALIBRATION_ORDERS = 10_000
# Set, to the SQLite file, in the child process that measures inside a throwaway database.
CALIBRATION_DATABASE = "DTTO_SIMULATE_CALIBRATION_DATABASE"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, help="Orders to make (default 3000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--start", type=_date, help="first day Orders are made (2001-04-01)")
        parser.add_argument("--end", type=_date, help="the data end: last day (2004-03-31)")
        parser.add_argument("--out", help="write the case file here ('-' for standard output)")
        parser.add_argument(
            "--load", action="store_true", help="import the records into the database"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="with --load: check the import, write nothing"
        )
        parser.add_argument(
            "--calibration",
            action="store_true",
            help=(
                f"compare with the published figures (default {CALIBRATION_ORDERS} Orders; a few"
                " minutes: the records go through the importer into a temporary SQLite file)"
            ),
        )
        parser.add_argument("--scenario", help="a scenario file (TOML) to compare with baseline")
        parser.add_argument(
            "--repeats", type=int, default=5, help="paired runs for --scenario (default 5)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = [k for k in ("out", "load", "calibration", "scenario") if options[k]]
        if len(chosen) != 1:
            raise CommandError("choose one of --out FILE, --load, --calibration, --scenario FILE")
        if options["orders"] is not None and options["orders"] < 1:
            raise CommandError("--orders must be at least 1")
        try:
            if options["calibration"]:
                self._calibration(options)
            elif options["scenario"]:
                self._scenario(options)
            elif options["load"]:
                self._load(options)
            else:
                self._write(options)
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc

    def _write(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        params = load_parameters()
        sim = Simulation(
            params,
            orders=options["orders"] or 3000,
            seed=options["seed"],
            start=options["start"],
            end=options["end"],
        )
        exported_at = sim.end.isoformat()
        # The records are acyclic: the cyclic collector would only walk them again (about a
        # fifth of the time at 100,000 Orders).
        with cyclic_gc_paused():
            if options["out"] == "-":
                written = write_document(sim.cases(), sys.stdout, exported_at)
            else:
                with open(options["out"], "w", encoding="utf-8") as f:
                    written = write_document(sim.cases(), f, exported_at)
        self.stderr.write(
            f"Wrote {written.cases:,} cases ({written.orders:,} Orders, {written.events:,} events;"
            f" parameters {params.version}, seed {options['seed']}) to {options['out']}"
            f" in {time.perf_counter() - started:.1f} s"
        )

    def _load(self, options: dict[str, Any]) -> None:
        from dtto.audit.services import Actor
        from dtto.cases.importing import import_case_document

        document, _ = simulate_document(
            load_parameters(),
            orders=options["orders"] or 3000,
            seed=options["seed"],
            start=options["start"],
            end=options["end"],
        )
        result = import_case_document(
            document, by=Actor.system("simulator"), dry_run=options["dry_run"]
        )
        verb = "Checked" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {len(result.created):,} cases; {len(result.unchanged):,} already there"
        )

    def _calibration(self, options: dict[str, Any]) -> None:
        if os.environ.get(CALIBRATION_DATABASE):
            self._calibrate_here(options, Path(os.environ[CALIBRATION_DATABASE]))
        else:
            self._calibrate_in_throwaway_database(options)

    def _calibrate_in_throwaway_database(self, options: dict[str, Any]) -> None:
        """Run this command again in a child process whose database is a new SQLite file.

        Settings choose the database once, at start-up, from DATABASE_URL or DTTO_SQLITE_PATH;
        a child process started without the one and with the other cannot reach the user's data.
        """
        argv = [sys.executable, "-m", "dtto.cli", "simulate", "--calibration"]
        for key in ("orders", "seed", "start", "end"):
            if options[key] is not None:
                argv += [f"--{key}", str(options[key])]
        with tempfile.TemporaryDirectory(prefix="dtto-calibration-") as folder:
            path = str(Path(folder) / "calibration.sqlite3")
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env.update({"DTTO_SQLITE_PATH": path, CALIBRATION_DATABASE: path})
            # The table comes back through this command's output; progress goes to stderr as is.
            with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) as child:
                assert child.stdout is not None
                for line in child.stdout:
                    self.stdout.write(line, ending="")
        if child.returncode:
            raise CommandError("the calibration failed (see above)", returncode=child.returncode)

    def _calibrate_here(self, options: dict[str, Any], path: Path) -> None:
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor != "sqlite" or Path(connection.settings_dict["NAME"]) != path:
            raise CommandError(
                f"refusing to calibrate: the database is not the throwaway file {path}"
            )
        started = time.perf_counter()
        params = load_parameters()
        orders = options["orders"] or CALIBRATION_ORDERS
        document, sim = simulate_document(
            params, orders=orders, seed=options["seed"], start=options["start"], end=options["end"]
        )
        call_command("migrate", verbosity=0)
        self.stderr.write(
            f"Simulated {orders:,} Orders; importing {len(document['cases']):,} cases into a"
            f" throwaway database and judging them as of {sim.end.isoformat()}..."
        )
        calibration.load(document, sim)
        figures = calibration.calibration(document, params, sim.end)
        self.stdout.write(
            f"Calibration: {orders:,} Orders, seed {options['seed']}, parameters {params.version},"
            f" data end {sim.end.isoformat()} ({time.perf_counter() - started:.0f} s)\n"
        )
        self.stdout.write(calibration.format_table(figures))
        failed = [f for f in figures if not f.passed]
        if failed:
            raise CommandError(f"{len(failed)} of {len(figures)} figures outside their tolerance")
        self.stdout.write(f"\nAll {len(figures)} figures within their tolerance.")

    def _scenario(self, options: dict[str, Any]) -> None:
        scenario = load_scenario(options["scenario"])
        repeats = options["repeats"]
        if repeats < 1:
            raise CommandError("--repeats must be at least 1")
        rows = compare(
            scenario,
            orders=options["orders"] or 3000,
            seed=options["seed"],
            repeats=repeats,
            start=options["start"],
            end=options["end"],
            progress=lambda i: self.stderr.write(f"run {i} of {repeats} done"),
        )
        self.stdout.write(format_comparison(scenario, rows, repeats))
