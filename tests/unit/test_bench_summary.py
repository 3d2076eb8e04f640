"""`make bench` ends with the targets its run missed, and why where the reason is known."""

import io

import pytest

from bench.__main__ import _summary, _Verdicts


def test_the_lines_that_miss_a_target_are_kept_whole_however_they_are_written() -> None:
    out = io.StringIO()
    verdicts = _Verdicts(out)
    verdicts.write("  intake  handler 900 ms  boto3 500 ms  ratio 1.80 NOT ")
    verdicts.write("met\n  sweeper ratio 1.20 met\n  delete an office: 1.19 s (target 1 s: NOT met)\n")
    assert out.getvalue().count("\n") == 3  # everything still printed
    assert verdicts.missed == [
        "intake  handler 900 ms  boto3 500 ms  ratio 1.80 NOT met",
        "delete an office: 1.19 s (target 1 s: NOT met)",
    ]


def test_the_summary_says_every_target_is_met_or_lists_the_misses_with_known_reasons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _summary([])
    assert capsys.readouterr().out == "every target of this run is met\n"
    _summary(["intake  handler 900 ms  boto3 500 ms  ratio 1.80 NOT met"])
    printed = capsys.readouterr().out
    assert printed.startswith("targets NOT met in this run (1):\n  intake")
    assert "why: cold starts: " in printed
