"""The two rules a consultation passes by, in integers only (no floating point, no rounding).

- `share_of_all` (the seed's rule): agreeing households are at least `threshold_pct` % of ALL
  eligible households in scope, bound to a user or not, whether they voted or not:
  agree × 100 ≥ eligible × threshold_pct (80 %: agree × 5 ≥ eligible × 4).
- `civil_code_278` (民法典第二百七十八条): owners taking part are at least 2/3 of all owners by
  number AND by floor area (part × 3 ≥ eligible × 2, on heads and on area), and those agreeing
  are at least 3/4 of those taking part, by number AND by area (agree × 4 ≥ part × 3).

`abstain` takes part but never agrees. Areas are integers of 0.01 m².
"""
from dataclasses import dataclass

DEFAULT_THRESHOLD_PCT = 80


@dataclass(frozen=True)
class Tally:
    eligible: int
    eligible_area: int
    agree: int = 0
    agree_area: int = 0
    disagree: int = 0
    disagree_area: int = 0
    abstain: int = 0
    abstain_area: int = 0

    @property
    def voted(self) -> int:
        return self.agree + self.disagree + self.abstain

    @property
    def voted_area(self) -> int:
        return self.agree_area + self.disagree_area + self.abstain_area


def passes(kind: str, threshold_pct: int | None, t: Tally) -> bool:
    if kind == "share_of_all":
        return t.eligible > 0 and t.agree * 100 >= t.eligible * threshold_pct
    if kind == "civil_code_278":
        return (t.voted > 0
                and t.voted * 3 >= t.eligible * 2
                and t.voted_area * 3 >= t.eligible_area * 2
                and t.agree * 4 >= t.voted * 3
                and t.agree_area * 4 >= t.voted_area * 3)
    raise ValueError(f"unknown rule {kind!r}")


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def needed(kind: str, threshold_pct: int | None, eligible: int, eligible_area: int) -> dict:
    """What it takes to pass, for people: the least number of agreeing households (share of
    all), or of households and area taking part (Civil Code; agreement then needs 3/4 of
    those)."""
    if kind == "share_of_all":
        return {"agree": _ceil_div(eligible * threshold_pct, 100)}
    return {"voted": _ceil_div(eligible * 2, 3), "voted_area": _ceil_div(eligible_area * 2, 3)}


def explain(kind: str, threshold_pct: int | None) -> str:
    """The rule in one sentence (zh-CN), as the mini-program shows it."""
    if kind == "share_of_all":
        return (f"范围内全部登记住户（不论是否绑定、是否投票）中，同意的户数达到{threshold_pct}%"
                "即通过；弃权和未投票都不算同意。")
    return ("参与表决的户数和专有面积都达到全部的三分之二，且参与者中同意的户数和面积都达到"
            "四分之三即通过（民法典第二百七十八条）；弃权算参与、不算同意。")
