"""Writes the SYNTHETIC record files of the example (records/), from which tertial computes
the service indicators of Kontakt Linköping (see README.md).

Fixed seed; run with tertial's environment (it uses DuckDB): ``python generate_records.py``.
The files are built so that the figures the reference prints come out exactly:
166 760 cases January–August 2020, 2 175 of them by chat; of 5 000 calls offered, 4 550
answered within 120 seconds (91 %) and 260 dropped (5,2 %).
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent / "records"
UNIT = "1500"  # Kontakt Linköping
CASES, CHAT_CASES = 166_760, 2_175
CALLS, WITHIN_120, DROPPED = 5_000, 4_550, 260
# The months' shares of the cases; July is the low month.
MONTH_WEIGHTS = [13, 13, 14, 12, 12, 11, 8, 17]
CHANNELS = [("phone", 60), ("email", 25), ("visit", 10), ("web", 5)]
CATEGORIES = ["Bygglov", "Skola", "Avfall", "Parkering", "Socialtjänst", "Övrigt"]


def month_counts(total: int) -> list[int]:
    counts = [total * w // sum(MONTH_WEIGHTS) for w in MONTH_WEIGHTS]
    counts[-1] += total - sum(counts)
    return counts


def moment(rng: random.Random, month: int) -> datetime:
    day = rng.randint(1, 28)
    seconds = rng.randint(8 * 3600, 17 * 3600) // 60 * 60
    return datetime(2020, month, day) + timedelta(seconds=seconds)


def write_cases(rng: random.Random) -> None:
    chats = set(rng.sample(range(CASES), CHAT_CASES))
    names, weights = zip(*CHANNELS, strict=True)
    rows = []
    number = 0
    for month, count in enumerate(month_counts(CASES), start=1):
        for _ in range(count):
            opened = moment(rng, month)
            channel = "chat" if number in chats else rng.choices(names, weights)[0]
            rows.append((f"KL-{number + 1:06d}", opened, channel, rng.choice(CATEGORIES), UNIT))
            number += 1
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE cases (id VARCHAR, opened TIMESTAMP, channel VARCHAR, category VARCHAR, "
        "unit VARCHAR)"
    )
    con.executemany("INSERT INTO cases VALUES (?, ?, ?, ?, ?)", rows)
    target = HERE / "kontakt-arenden-2020.parquet"
    con.execute(
        f"COPY (SELECT * FROM cases ORDER BY opened, id) TO '{target}' "
        "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 19)"
    )


def write_calls(rng: random.Random) -> None:
    outcomes = ["dropped"] * DROPPED + ["quick"] * WITHIN_120
    outcomes += ["slow"] * (CALLS - len(outcomes))
    rng.shuffle(outcomes)
    counts = month_counts(CALLS)
    months = [m for m, c in enumerate(counts, start=1) for _ in range(c)]
    with (HERE / "kontakt-samtal-2020.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        # The caller's number is in the export, as in a real one; the mapping leaves it out.
        writer.writerow(
            ["ContactId", "Queue", "Offered", "Answered", "Ended", "Abandoned", "Channel",
             "Unit", "Caller"]
        )  # fmt: skip
        for number, (outcome, month) in enumerate(zip(outcomes, months, strict=True), start=1):
            offered = moment(rng, month)
            caller = f"000-{rng.randint(0, 999999):06d}"
            if outcome == "dropped":
                row = [offered, "", "", 1]
            else:
                wait = rng.randint(5, 120) if outcome == "quick" else rng.randint(121, 900)
                answered = offered + timedelta(seconds=wait)
                ended = answered + timedelta(seconds=rng.randint(60, 900))
                row = [offered, answered, ended, 0]
            stamps = [
                x.strftime("%Y-%m-%d %H:%M:%S") if isinstance(x, datetime) else x for x in row
            ]
            writer.writerow([f"C{number:05d}", "Kontakt Linköping", *stamps, "voice", UNIT, caller])


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    rng = random.Random(2020)
    write_cases(rng)
    write_calls(rng)
