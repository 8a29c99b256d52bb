"""The feed's state rules (core/finish.py): phase, scores, half-time, prices, status text."""

from __future__ import annotations

import math
import re
import unicodedata

import pytest

from oracxpred.core.finish import (
    MAX_SCORE,
    halftime_of,
    is_settled_price,
    odds_1x2,
    phase_of,
    score_of,
    status_text_of,
)
from oracxpred.core.records import Odds1X2, Phase, Score

FIN, PRE, LIVE = Phase.FINISHED, Phase.PREMATCH, Phase.LIVE


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        # Primary signals (docs/feed.md §4).
        ({"F": True}, FIN),
        ({"SC": {"GS": 1}}, FIN),
        ({"F": True, "SC": {"GS": 128}}, FIN),
        ({"F": True, "GNS": True}, FIN),
        # Only the JSON true / integer 1 count.
        ({"F": "true"}, LIVE),
        ({"F": 1}, LIVE),
        ({"F": False}, LIVE),
        ({"SC": {"GS": True}}, LIVE),
        ({"SC": {"GS": "1"}}, LIVE),
        ({"SC": {"GS": 1.0}}, LIVE),
        # Localized game-over labels, exact after trim/casefold/NFC.
        ({"SC": {"CPS": "Jeu terminé"}}, FIN),
        ({"SC": {"CPS": "  JEU TERMINÉ \n"}}, FIN),
        ({"SC": {"CPS": unicodedata.normalize("NFD", "Jeu terminé")}}, FIN),
        ({"SC": {"CPS": "Oyun sona erdi"}}, FIN),
        ({"SC": {"CPS": "Game finished"}}, FIN),
        ({"SC": {"CPS": "Игра завершена"}}, FIN),
        ({"SC": {"I": "Match terminé"}}, FIN),
        # Never substrings, period names, breaks or the clock label.
        ({"SC": {"CPS": "Mi-temps"}}, LIVE),
        ({"SC": {"CPS": "2ème mi-temps"}}, LIVE),
        ({"SC": {"CPS": "Jeu terminé ?"}}, LIVE),
        ({"SC": {"CPS": "Jeu terminé dans 2 minutes"}}, LIVE),
        ({"SC": {"CPS": "terminé"}}, LIVE),
        ({"SC": {"CPS": "FT"}}, LIVE),
        ({"SC": {"CPS": "Devre arası", "GS": 2, "BR": 1}}, LIVE),
        ({"SC": {"CPS": "Mola", "GS": 2}}, LIVE),
        ({"SC": {"I": "View video", "GS": 64}}, LIVE),
        ({"SC": {"SLS": ""}}, LIVE),
        ({"SC": {"SLS": "Jeu terminé"}}, LIVE),
        ({"SC": {"CPS": ["Jeu terminé"]}}, LIVE),
        ({"TN": "Mi-temps", "TNS": "Mi-temps"}, LIVE),
        # Pre-match.
        ({"SC": {"GS": 128}}, PRE),
        ({"GNS": True, "SC": {"GS": 128, "FS": {}}}, PRE),
        ({"GNS": True}, PRE),
        ({"GNS": True, "SC": {"FS": {}}}, PRE),
        ({"SC": {"I": "Paris avant le début du jeu"}}, PRE),
        ({"SC": {"I": "Maç öncesi bahisler"}}, PRE),
        ({"SC": {"I": "Paris d'avant-match"}}, PRE),
        # GNS or a pre-match label with goals on the board: it started (hand-trimmed capture).
        ({"GNS": True, "SC": {"FS": {"S1": 3, "S2": 1}}}, LIVE),
        ({"SC": {"I": "Maç öncesi bahisler", "FS": {"S2": 1}}}, LIVE),
        # A present GS other than 128 wins over GNS and labels.
        ({"GNS": True, "SC": {"GS": 2}}, LIVE),
        ({"SC": {"GS": 64, "I": "Paris avant le début du jeu"}}, LIVE),
        ({"GNS": "true"}, LIVE),
        ({"SC": {"I": "Paris avant le début"}}, LIVE),
        # No signal at all, or no usable SC.
        ({}, LIVE),
        ({"SC": None}, LIVE),
        ({"SC": []}, LIVE),
        ({"SC": "Jeu terminé"}, LIVE),
    ],
)
def test_phase_of(event, expected):
    assert expected is phase_of(event)


@pytest.mark.parametrize(
    ("fs", "expected"),
    [
        (None, Score(0, 0)),
        ({}, Score(0, 0)),
        ({"S2": 1}, Score(0, 1)),
        ({"S1": 3}, Score(3, 0)),
        ({"S1": 8, "S2": 7}, Score(8, 7)),
        ({"S1": 0, "S2": 0}, Score(0, 0)),
        ({"S1": 1, "NF": "1ère mi-temps"}, Score(1, 0)),
        ({"NF": "1ère mi-temps"}, Score(0, 0)),
        ({"S1": MAX_SCORE}, Score(MAX_SCORE, 0)),
    ],
)
def test_score_of_restores_omitted_zeros(fs, expected):
    assert expected == score_of(fs)


@pytest.mark.parametrize(
    ("fs", "reason"),
    [
        ({"S1": -1}, "S1 négatif (-1)"),
        ({"S2": 1.5}, "S2 n'est pas un entier (1.5)"),
        ({"S1": 2.0}, "S1 n'est pas un entier (2.0)"),
        ({"S1": "3"}, "S1 n'est pas un entier ('3')"),
        ({"S1": None}, "S1 n'est pas un entier (None)"),
        ({"S2": True}, "S2 est un booléen, pas un nombre de buts"),
        ({"S1": [1]}, "S1 n'est pas un entier ([1])"),
        ({"S1": MAX_SCORE + 1}, f"S1 invraisemblable (plus de {MAX_SCORE})"),
        ({"S1": 10**400}, f"S1 invraisemblable (plus de {MAX_SCORE})"),
        ([], "le score n'est pas un objet (list)"),
        ("3-1", "le score n'est pas un objet (str)"),
        (0, "le score n'est pas un objet (int)"),
    ],
)
def test_score_of_rejects_what_is_not_a_score(fs, reason):
    with pytest.raises(ValueError, match=f"^{re.escape(reason)}$"):
        score_of(fs)


@pytest.mark.parametrize(
    ("price", "blocked", "settled"),
    [
        (2.11, False, False),
        (2, False, False),
        (30, False, False),
        (1.0011, False, False),
        (2.11, True, True),
        (1.001, False, True),
        (1.001, True, True),
        (1.0, False, True),
        (1, False, True),
        (0.5, False, True),
        (0, False, True),
        (-3.2, False, True),
        (math.nan, False, True),
        (math.inf, False, True),
        (-math.inf, False, True),
        (True, False, True),
        ("2.5", False, True),
        ("+655", False, True),
        (None, False, True),
    ],
)
def test_is_settled_price(price, blocked, settled):
    assert settled is is_settled_price(price, blocked)


def market(t, c, **extra):
    return {"G": 1, "T": t, "C": c, "CV": str(c), **extra}


@pytest.mark.parametrize(
    ("markets", "expected"),
    [
        # T=2 is the draw, T=3 the away side, whatever the order in E.
        ([market(1, 2.11), market(3, 2.275), market(2, 5.99)], Odds1X2(2.11, 5.99, 2.275)),
        ([market(2, 3), market(1, 2), market(3, 4)], Odds1X2(2.0, 3.0, 4.0)),
        # Other groups are ignored; the first entry of a type counts.
        (
            [
                {"G": 8, "T": 4, "C": 1.2},
                market(1, 2.0),
                market(1, 9.0),
                market(2, 3.0),
                market(3, 4.0),
            ],
            Odds1X2(2.0, 3.0, 4.0),
        ),
        # One blocked, settled, missing or unreadable outcome: no 1X2 at all.
        ([market(1, 2.0), market(2, 3.0, B=True), market(3, 4.0)], None),
        ([market(1, 2.0), market(2, 3.0, B=1), market(3, 4.0)], None),
        ([market(1, 1.001), market(2, 30), market(3, 1.001)], None),
        # A 2-way market (FIFA Penalty, docs/feed.md §9): no T=2 at all, odds_x empty.
        ([market(1, 2.0), market(3, 4.0)], Odds1X2(2.0, None, 4.0)),
        ([market(1, 2.0, B=True), market(3, 4.0)], None),
        ([market(1, 2.0), market(3, 1.001)], None),
        ([market(1, 2.0)], None),
        ([market(3, 2.0)], None),
        ([market(1, 2.0), market(2, "3.0"), market(3, 4.0)], None),
        ([market(1, 2.0), {"G": 1, "T": 2, "CV": "+200"}, market(3, 4.0)], None),
        # B false or absent is open; G/T must be real integers.
        ([market(1, 2.0, B=False), market(2, 3.0), market(3, 4.0)], Odds1X2(2.0, 3.0, 4.0)),
        ([{**market(1, 2.0), "G": "1"}, market(2, 3.0), market(3, 4.0)], None),
        ([{**market(1, 2.0), "G": True}, market(2, 3.0), market(3, 4.0)], None),
        ([{**market(1, 2.0), "T": True}, market(2, 3.0), market(3, 4.0)], None),
        ([], None),
        (None, None),
        ({"G": 1}, None),
        (["x", 3, None], None),
    ],
)
def test_odds_1x2(markets, expected):
    assert expected == odds_1x2(markets)


def test_odds_1x2_never_reads_cv():
    """American CV strings ("+655") sit next to decimal C prices; only C is used."""
    markets = [
        {"G": 1, "T": 1, "C": 7.55, "CV": "+655"},
        {"G": 1, "T": 2, "C": 25, "CV": "+2400"},
        {"G": 1, "T": 3, "C": 1.075, "CV": "-1333"},
    ]
    assert Odds1X2(7.55, 25.0, 1.075) == odds_1x2(markets)


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ([{"Key": 1, "Value": {"S1": 4, "S2": 4}}, {"Key": 2, "Value": {"S1": 4}}], Score(4, 4)),
        ([{"Key": 2, "Value": {"S1": 4}}, {"Key": 1, "Value": {"S2": 2}}], Score(0, 2)),
        ([{"Key": 1, "Value": {"NF": "1ère mi-temps"}}], Score(0, 0)),
        ([], None),
        (None, None),
        ({"Key": 1}, None),
        ([{"Key": 1}], None),
        ([{"Key": 1, "Value": {"S1": -1}}], None),
        ([{"Key": True, "Value": {"S1": 1}}], None),
        ([{"Key": "1", "Value": {"S1": 1}}], None),
        (["x", {"Key": 1, "Value": {"S1": 2}}], Score(2, 0)),
    ],
)
def test_halftime_of(periods, expected):
    assert expected == halftime_of(periods)


@pytest.mark.parametrize(
    ("sc", "expected"),
    [
        ({"CPS": "Jeu terminé", "I": "Match terminé"}, "Jeu terminé"),
        ({"CPS": "", "I": " Paris avant le début du jeu "}, "Paris avant le début du jeu"),
        ({"CPS": "  ", "I": ""}, ""),
        ({"CPS": 3, "I": ["x"]}, ""),
        ({"SLS": "6 minutes"}, ""),
        ({}, ""),
    ],
)
def test_status_text_of(sc, expected):
    assert expected == status_text_of(sc)
