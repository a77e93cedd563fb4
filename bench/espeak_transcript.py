"""Hear a linear transcript as a screen reader would (issue 18): each line through espeak-ng's French voice,
and the lines whose reading gives away a problem listed with what was heard.

    pytest -s -p no:xdist tests/tui/test_linear_speech.py -k whole > transcript.txt
    python -m bench.espeak_transcript transcript.txt [--wav dossier]

espeak-ng is a system package (`apt-get install espeak-ng`), not a Python one: this is a check a person runs
while working on the linear mode's words, not a test (it would have to be skipped where espeak-ng is not
installed). It reads each line with ``-x`` (the phonemes, in espeak's ASCII notation) and looks for readings
that a listener would trip on; ``--wav`` also writes each flagged line as a sound file to listen to.
Exit status 1 when a line is flagged."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

# phonemes (espeak-ng -x, voice fr) -> what a listener hears, and why it is a problem
TELLTALES = {
    "aster'isk": "« astérisque » : une valeur masquée lue caractère par caractère",
    "asterisk:": "« astérisque » : une valeur masquée lue caractère par caractère",
    "pw'E~ _!'@": "« point e » : une forme « ·e »",
    "_!'aS": "« ache » : une heure écrite « 10 h 10 »",
    "_!'En ader": "« enne adhérent » : le signe « N° »",
    "virgyl": "« virgule » : un montant lu comme un nombre décimal",
}
MILLION = "milj'O~"


def heard(line: str) -> str:
    return subprocess.run(
        ["espeak-ng", "-v", "fr", "-q", "-x", line], capture_output=True, text=True, check=True
    ).stdout.replace("\n", " ")


def problems(line: str, phonemes: str) -> list[str]:
    found = [why for mark, why in TELLTALES.items() if mark in phonemes]
    if MILLION in phonemes and "euro" not in line and "€" not in line:
        found.append("« million » : un identifiant lu comme un nombre")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transcript", type=Path)
    parser.add_argument("--wav", type=Path, help="dossier où écrire chaque ligne signalée en .wav")
    args = parser.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("espeak-ng n'est pas installé : apt-get install espeak-ng", file=sys.stderr)
        return 2
    lines = [line for line in args.transcript.read_text(encoding="utf-8").splitlines() if line.strip()]
    flagged = 0
    for number, line in enumerate(lines, 1):
        phonemes = heard(line)
        found = problems(line, phonemes)
        if not found:
            continue
        flagged += 1
        print(f"ligne {number} : {line}\n  entendu : {phonemes.strip()}\n  " + "\n  ".join(found))
        if args.wav:
            args.wav.mkdir(parents=True, exist_ok=True)
            subprocess.run(["espeak-ng", "-v", "fr", "-w", str(args.wav / f"ligne-{number}.wav"), line], check=True)
    print(f"{len(lines)} lignes lues par espeak-ng (voix fr), {flagged} signalée(s).")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
