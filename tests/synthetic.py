"""Original articles about small fictional events, for tests that need many distinct articles."""

from __future__ import annotations

import random
from pathlib import Path

BATCH = 10

TOWNS = ["Ostermark", "Vellin", "Carrow Bay", "Duskmoor", "Pellham", "Brantwick", "Selmor", "Hollin Ford"]
OUTLETS = ["Ostermark Echo", "Vellin Daily", "Coastal Ledger", "Moorland Times", "Valley Signal"]
EVENTS = [
    ("Flooding forces {n} families from homes in {town}",
     "Heavy rain flooded the lower streets of {town} on {day}, forcing {n} families to leave their homes. "
     "The river rose {m} metres above its usual level, the county water board said. "
     "Volunteers filled {k} sandbags overnight, according to the mayor of {town}."),
    ("{town} council approves new bridge costing {m} million",
     "The council of {town} approved a new road bridge on {day} at a cost of {m} million crowns. "
     "Councillors voted {n} to {k} in favour after a debate that lasted most of the evening. "
     "Work is expected to start in the spring, the council's planning office said."),
    ("Fire destroys warehouse on the edge of {town}",
     "A fire destroyed a grain warehouse on the edge of {town} late on {day}. "
     "{n} firefighters fought the blaze for {m} hours before it was under control. "
     "No one was hurt, but about {k} tonnes of grain were lost, the owner told reporters."),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def write_batch(folder: Path, index: int, rng: random.Random) -> None:
    """BATCH articles written as `batchII_JJ.txt` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for j in range(BATCH):
        title, body = rng.choice(EVENTS)
        values = dict(town=rng.choice(TOWNS), day=rng.choice(DAYS), n=rng.randint(12, 900),
                      m=rng.randint(2, 60), k=rng.randint(3, 5000))
        outlet = rng.choice(OUTLETS)
        text = (f"{title.format(**values)}\n2026-0{1 + index % 9}-{10 + j:02d}\n\n{body.format(**values)}\n"
                f"Reporting by the {outlet} newsroom, story {index}-{j}.\n© 2026 {outlet}\n")
        (folder / f"batch{index:02d}_{j:02d}.txt").write_text(text, encoding="utf-8")
