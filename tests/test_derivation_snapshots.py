"""What the derivation page prints, formula by formula, against a stored snapshot (tests/snapshots/
derivations.json): SymPy builds these strings at run time, so a changed symbol, sign, bound or colour in
the code changes what students read. Rewrite after an intended change, and review the diff:
    LSR_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_derivation_snapshots.py
"""

import json
import os
from pathlib import Path

import lsr_core as core

PATH = Path(__file__).with_name("snapshots") / "derivations.json"


def printed() -> dict:
    def steps(derivation):
        return [{"id": s.id, "title": s.title_key, "latex": s.latex, "instance": s.instance_latex, "general": s.general,
                 "verified": s.verified} for s in derivation]

    return {"gradient_K3": steps(core.gradient_derivation(3)),
            **{f"optimum_{prior}": steps(core.optimum_derivation(prior).steps) for prior in ("uniform", "others")},
            **{f"optimum_{prior}_values": [str(getattr(core.optimum_derivation(prior), name))
                                           for name in ("gap", "one_hot_limit", "zero_gap_eps")]
               for prior in ("uniform", "others")},
            "regulariser": steps(core.regulariser_identity())}


def test_the_derivations_print_what_the_snapshot_holds():
    shown = printed()
    if os.environ.get("LSR_UPDATE_SNAPSHOTS") == "1":
        PATH.write_text(json.dumps(shown, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert shown == json.loads(PATH.read_text(encoding="utf-8"))
    assert all(step["verified"] for group in ("gradient_K3", "optimum_uniform", "optimum_others", "regulariser")
               for step in shown[group])
