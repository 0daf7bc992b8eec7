"""A synthetic parliament: member-level votes generated from a policy line, for exploring and benchmarking only."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from tracker.ingest import ImportReport, import_files, upload_limits
from tracker.metrics import keep_member_matrix_and_map
from tracker.model import SYNTHETIC_PATTERN, synthetic_assembly_sql
from tracker.store import Store

# Synthetic data is marked three ways: the assembly id, the assembly's name and its note.
SYNTHETIC_ASSEMBLY = "synthetic"
SYNTHETIC_NAME = "Synthetic parliament (synthetic)"
POSITIONS = ("yes", "no", "abstain", "absent")
STAGES = ("first reading", "second reading", "final vote", "amendment", "motion")
_STAGE_SHARES = (0.2, 0.15, 0.15, 0.4, 0.1)
_COLOURS = ("#d62728", "#ff7f0e", "#e377c2", "#2ca02c", "#bcbd22", "#17becf", "#1f77b4", "#9467bd", "#8c564b",
            "#7f7f7f")
MEMBER_VOTE_COLUMNS = ("vote_id", "assembly", "date", "title", "stage", "member_id", "member_name", "party",
                       "position")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSpec:
    """What to generate: sizes, seed, and the behaviour of the synthetic members."""

    members: int = 700
    votes: int = 2_000
    parties: int = 8
    seed: int = 1
    start_year: int = 1995
    years: int = 30
    discipline: float = 0.85      # weight of the party line against a member's own ideal point
    free_vote_share: float = 0.05  # votes where members follow only their own ideal point
    mean_absence: float = 0.07     # average share of votes a member misses
    switcher_share: float = 0.03   # members who change party once during the term
    noise: float = 0.3             # spread of a member's judgement on one vote, on the policy line
    abstain_band: float = 0.06     # members this close to indifferent abstain

    def check(self) -> None:
        """Raise ValueError naming the option to fix when a size is impossible."""
        if self.members < 1 or self.votes < 1 or self.parties < 1:
            raise ValueError("--members, --votes and --parties must each be 1 or more.")
        if self.parties > self.members:
            raise ValueError(f"--parties ({self.parties}) cannot exceed --members ({self.members}): "
                             "every party needs at least one member.")
        if self.years < 1:
            raise ValueError("The term must last at least one year.")

    @property
    def member_votes(self) -> int:
        """Rows in the member votes file: every member on every vote."""
        return self.members * self.votes


@dataclass(frozen=True)
class DemoFiles:
    """The native-format CSV files of one synthetic parliament."""

    assemblies: Path
    parties: Path
    member_votes: list[Path]   # one file, or parts that each stay under the upload size limit
    rows: int

    @property
    def paths(self) -> list[Path]:
        """The files in import order."""
        return [self.assemblies, self.parties, *self.member_votes]


class DemoRefused(Exception):
    """The database holds real votes, which must never be mixed with synthetic ones silently."""


@dataclass(frozen=True)
class _Parliament:
    """The fixed part of a synthetic parliament: parties, members, switches and votes."""

    party_codes: list[str]
    party_centres: np.ndarray   # per party, on the policy line -1..1
    member_party: np.ndarray    # per member, party index at the start
    member_ideal: np.ndarray    # per member, own ideal point
    member_absence: np.ndarray  # per member, chance of missing a vote
    switch_at: np.ndarray       # per member, index of the first vote in the new party (votes = never)
    switch_to: np.ndarray       # per member, party index after the switch
    vote_dates: np.ndarray      # per vote, datetime64[D], ascending
    vote_cutpoint: np.ndarray   # per vote, where on the line yes turns to no
    vote_direction: np.ndarray  # per vote, +1 when the right side of the line votes yes
    vote_free: np.ndarray       # per vote, True for a free vote (no party line)
    vote_stage: np.ndarray      # per vote, index into STAGES


def _parliament(spec: DemoSpec, rng: np.random.Generator) -> _Parliament:
    """Draw parties, members and votes for a spec."""
    n, m, p = spec.members, spec.votes, spec.parties
    centres = np.sort(np.linspace(-1, 1, p) + rng.normal(0, 0.1, p)) if p > 1 else np.zeros(1)
    weights = rng.dirichlet(np.full(p, 2.0))
    member_party = rng.choice(p, size=n, p=weights)
    member_party[rng.permutation(n)[:p]] = np.arange(p)  # every party keeps at least one member
    member_party = np.sort(member_party)                  # member ids run through the parties in order
    ideal = centres[member_party] + rng.normal(0, 0.25, n)
    absence = np.minimum(rng.beta(1.5, 1.5 / spec.mean_absence - 1.5, n), 0.9)
    switch_at = np.full(n, m)
    switch_to = member_party.copy()
    if p > 1:
        switchers = rng.permutation(n)[: int(round(spec.switcher_share * n))]
        switch_at[switchers] = rng.integers(m // 10, max(m // 10 + 1, 9 * m // 10), len(switchers))
        # Members move to a neighbouring party on the line, the common case in real parliaments.
        step = np.where(rng.random(len(switchers)) < 0.5, -1, 1)
        target = member_party[switchers] + step
        target = np.where((target < 0) | (target >= p), member_party[switchers] - step, target)
        switch_to[switchers] = target
    first_day = np.datetime64(f"{spec.start_year}-01-01")
    days = (np.datetime64(f"{spec.start_year + spec.years}-01-01") - first_day).astype(int)
    vote_dates = first_day + np.sort(rng.integers(0, days, m)).astype("timedelta64[D]")
    return _Parliament(
        party_codes=[f"S{i + 1:02d}" for i in range(p)],
        party_centres=centres,
        member_party=member_party,
        member_ideal=ideal,
        member_absence=absence,
        switch_at=switch_at,
        switch_to=switch_to,
        vote_dates=vote_dates,
        vote_cutpoint=rng.normal(0, 0.6, m),
        vote_direction=np.where(rng.random(m) < 0.5, -1.0, 1.0),
        vote_free=rng.random(m) < spec.free_vote_share,
        vote_stage=rng.choice(len(STAGES), size=m, p=_STAGE_SHARES),
    )


def _positions(spec: DemoSpec, world: _Parliament, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Position and party indexes for votes first..last-1, shape (votes, members)."""
    vote_index = np.arange(first, last)[:, None]
    party = np.where(vote_index >= world.switch_at[None, :], world.switch_to[None, :], world.member_party[None, :])
    # A switcher's own ideal point moves halfway towards the new party.
    ideal = world.member_ideal[None, :] + np.where(
        party != world.member_party[None, :],
        0.5 * (world.party_centres[party] - world.party_centres[world.member_party][None, :]), 0.0)
    weight = np.where(world.vote_free[first:last, None], 0.0, spec.discipline)
    stance = weight * world.party_centres[party] + (1 - weight) * ideal
    shape = party.shape
    # Each vote draws from its own stream, so the data do not depend on how votes are chunked or split into files.
    noise, absent = np.empty(shape), np.empty(shape)
    for row, vote in enumerate(range(first, last)):
        vote_rng = np.random.default_rng([spec.seed, vote])
        noise[row] = vote_rng.normal(0, spec.noise, shape[1])
        absent[row] = vote_rng.random(shape[1])
    utility = world.vote_direction[first:last, None] * (stance - world.vote_cutpoint[first:last, None]) + noise
    position = np.where(utility > spec.abstain_band, 0, np.where(utility < -spec.abstain_band, 1, 2))
    position[absent < world.member_absence[None, :]] = 3
    return position.astype(np.int8), party.astype(np.int16)


def _note(spec: DemoSpec) -> str:
    return (f"SYNTHETIC DATA, not a real parliament: generated by `python -m tracker demo --members {spec.members} "
            f"--votes {spec.votes} --parties {spec.parties} --seed {spec.seed}` for exploring and benchmarking.")


def write_demo_files(directory: str | Path, spec: DemoSpec, chunk_rows: int = 1_000_000,
                     rows_per_file: int | None = None, progress: Progress | None = None) -> DemoFiles:
    """Write the synthetic parliament as native CSV files (assemblies, parties, member votes) into directory.

    Member votes are split into parts of at most rows_per_file rows (default: what fits the upload size limit).
    """
    if rows_per_file is None:
        rows_per_file = rows_per_file_within(upload_limits().max_upload_bytes)
    spec.check()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    world = _parliament(spec, rng)
    note = _note(spec)
    first_date, last_date = str(world.vote_dates[0]), str(world.vote_dates[-1])
    assemblies = directory / "synthetic_assemblies.csv"
    assemblies.write_text(
        "assembly,name,country,seats,start_date,end_date,note\n"
        f'{SYNTHETIC_ASSEMBLY},{SYNTHETIC_NAME},Synthetia (synthetic),{spec.members},{first_date},{last_date},'
        f'"{note}"\n', encoding="utf-8")
    parties = directory / "synthetic_parties.csv"
    seats = np.bincount(world.member_party, minlength=spec.parties)
    lines = ["party,name,bloc,colour,seats,note"]
    for i, code in enumerate(world.party_codes):
        bloc = "left" if world.party_centres[i] < -0.33 else "right" if world.party_centres[i] > 0.33 else "centre"
        lines.append(f"{code},Synthetic party {code[1:]},{bloc},{_COLOURS[i % len(_COLOURS)]},{seats[i]},"
                     "synthetic party (seats at the start of the term)")
    parties.write_text("\n".join(lines) + "\n", encoding="utf-8")

    n = spec.members
    member_ids = pa.array([f"m{i + 1:05d}" for i in range(n)])
    member_names = pa.array([f"Synthetic member {i + 1}" for i in range(n)])
    party_codes = pa.array(world.party_codes)
    positions = pa.array(POSITIONS)
    stages = pa.array(STAGES)
    votes_per_chunk = max(1, min(chunk_rows, rows_per_file) // n)
    votes_per_file = max(1, rows_per_file // n // votes_per_chunk) * votes_per_chunk
    parts = -(-spec.votes // votes_per_file)
    names = ["synthetic_member_votes.csv"] if parts == 1 else [f"synthetic_member_votes_{i + 1:03d}.csv"
                                                               for i in range(parts)]
    member_votes = [directory / name for name in names]
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    for part, path in enumerate(member_votes):
        with open(path, "wb") as out:
            out.write((",".join(MEMBER_VOTE_COLUMNS) + "\n").encode())
            end = min((part + 1) * votes_per_file, spec.votes)
            for first in range(part * votes_per_file, end, votes_per_chunk):
                last = min(first + votes_per_chunk, end)
                position, party = _positions(spec, world, first, last)
                k = last - first
                per_vote = np.repeat(np.arange(k, dtype=np.int32), n)
                per_member = np.tile(np.arange(n, dtype=np.int32), k)
                vote_numbers = range(first + 1, last + 1)
                table = pa.table({
                    "vote_id": _coded(per_vote, [f"SYN-{v:06d}" for v in vote_numbers]),
                    "assembly": _coded(np.zeros(k * n, dtype=np.int32), [SYNTHETIC_ASSEMBLY]),
                    "date": _coded(per_vote, world.vote_dates[first:last].astype(str).tolist()),
                    "title": _coded(per_vote, [f"Synthetic vote {v}" for v in vote_numbers]),
                    "stage": pa.DictionaryArray.from_arrays(
                        pa.array(world.vote_stage[first:last][per_vote].astype(np.int32)), stages),
                    "member_id": pa.DictionaryArray.from_arrays(pa.array(per_member), member_ids),
                    "member_name": pa.DictionaryArray.from_arrays(pa.array(per_member), member_names),
                    "party": pa.DictionaryArray.from_arrays(pa.array(party.ravel().astype(np.int32)), party_codes),
                    "position": pa.DictionaryArray.from_arrays(pa.array(position.ravel().astype(np.int32)),
                                                               positions),
                })
                pa_csv.write_csv(table, out, options)
                if progress:
                    progress(last, spec.votes)
    return DemoFiles(assemblies, parties, member_votes, spec.member_votes)


# Bytes per member-vote row is about 100 (ids, date, title, names); leave room for long vote numbers.
_BYTES_PER_ROW = 120


def rows_per_file_within(max_bytes: int) -> int:
    """Member-vote rows that keep one CSV part under max_bytes."""
    return max(1, int(max_bytes * 0.9) // _BYTES_PER_ROW)


def _coded(indexes: np.ndarray, values: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indexes), pa.array(values))


def non_synthetic_votes(db: Store) -> int:
    """How many stored votes do not belong to a synthetic assembly."""
    return int(db.one("select count(*) from votes where assembly is null or assembly not in"
                      f" (select assembly from assemblies where {synthetic_assembly_sql()})",
                      synthetic_pattern=SYNTHETIC_PATTERN)[0])


def synthetic_assemblies(db: Store) -> list[str]:
    """The stored assemblies that hold synthetic data, for pages to label as such."""
    return db.read(f"select assembly from assemblies where {synthetic_assembly_sql()} order by 1",
                   synthetic_pattern=SYNTHETIC_PATTERN)["assembly"].tolist()


def build_demo(db: Store, spec: DemoSpec, directory: str | Path | None = None, force: bool = False,
               rows_per_file: int | None = None, progress: Callable[[str], None] | None = None) -> ImportReport:
    """Generate a synthetic parliament, import it through the real importer and keep the Members page's matrix and map.

    Refused beside real votes unless forced; progress hears each step (writing, importing, keeping) as it starts.
    """
    spec.check()
    real = non_synthetic_votes(db)
    if real and not force:
        raise DemoRefused(f"This database already holds {real:,} real (non-synthetic) votes; synthetic data would be "
                          "mixed with them. Use a separate database (--db demo.duckdb), or --force to mix them "
                          "anyway.")
    say = progress or (lambda step: None)
    where = nullcontext(directory) if directory is not None else tempfile.TemporaryDirectory(prefix="tracker-demo-")
    with where as folder:
        say(f"Writing {spec.member_votes:,} synthetic member votes as CSV")
        files = write_demo_files(folder, spec, rows_per_file=rows_per_file)
        say(f"Importing {files.rows:,} member votes")
        report = import_files(db, files.paths)
    # As `import` does: the first Members visit reads these instead of building them (seconds at 14 M member votes).
    keep_member_matrix_and_map(db, progress=progress)
    return report
