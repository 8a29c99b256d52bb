"""The feed simulator, over real HTTP on 127.0.0.1: lifecycle, truth, results, faults, clock."""

from __future__ import annotations

import gzip
import json
import math
import os
import signal
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from typing import Any

import httpx
import pytest

from oracxpred.simulator import payload
from oracxpred.simulator.catalog import CONFERENCE_3X3, SUPERLEAGUE_5X5
from oracxpred.simulator.league import LeagueModel
from oracxpred.simulator.server import start_simulator
from tests.helpers import REPO, free_port, port_open, wait_until

SUPER, CONF = SUPERLEAGUE_5X5.league_id, CONFERENCE_3X3.league_id
POLL_S = 10
RECORD_S = 7200


def get_feed(client: httpx.Client, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["Success"] is True
    return envelope["Value"]


@pytest.fixture
def sim():
    with start_simulator(seed=1) as handle:
        yield handle


@pytest.fixture
def client():
    with httpx.Client(timeout=10.0) as c:
        yield c


@pytest.fixture(scope="module")
def recording():
    """Poll the feed every 10 simulated seconds for 2 hours; keep every answer and the truth."""
    polls: list[tuple[int, list[dict[str, Any]]]] = []
    with start_simulator(seed=1) as handle, httpx.Client(timeout=10.0) as c:
        for _ in range(RECORD_S // POLL_S + 1):
            polls.append((handle.now(), get_feed(c, handle.feed_url)))
            handle.advance(POLL_S)
        truth = {m["id"]: m for m in handle.truth(include_all=True)}
    return polls, truth


def by_match(polls):
    seen: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for t, events in polls:
        for event in events:
            seen[event["I"]].append((t, event))
    return seen


def one_x_two(event: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((m for m in event["E"] if m["G"] == 1), key=lambda m: m["T"])


def no_zero(score: dict[str, Any]) -> bool:
    return all(v != 0 for k, v in score.items() if k in ("S1", "S2"))


# -- lifecycle ------------------------------------------------------------------------------


def test_every_poll_shows_exactly_what_the_truth_timeline_says(recording):
    polls, truth = recording
    for t, events in polls:
        expected = {i for i, m in truth.items() if m["announced_at"] <= t < m["vanish_at"]}
        assert {e["I"] for e in events} == expected
        for event in events:
            m = truth[event["I"]]
            assert event["U"] == t
            assert (event["SC"].get("GS") == 128) == (t < m["kickoff_at"])
            assert (event.get("F") is True) == (t >= m["finished_at"])


def test_lifecycle_prematch_live_finished_then_vanished(recording):
    polls, truth = recording
    seen = by_match(polls)
    finished_ids = [i for i, m in truth.items() if m["vanish_at"] <= polls[-1][0]]
    assert len(finished_ids) >= 15
    for event_id in finished_ids:
        m = truth[event_id]
        phases: list[str] = []
        for _, event in seen[event_id]:
            phase = "pre" if event["SC"].get("GS") == 128 else "end" if event.get("F") else "live"
            if not phases or phases[-1] != phase:
                phases.append(phase)
        assert phases == ["pre", "live", "end"]
        assert 15 <= m["vanish_at"] - m["finished_at"] <= 70
        assert m["start"] < m["kickoff_at"] < m["finished_at"]
        if m["league_id"] == SUPER:
            assert 670 <= m["finished_at"] - m["start"] <= 690
        assert seen[event_id][-1][0] < m["vanish_at"] <= seen[event_id][-1][0] + POLL_S


def test_prematch_events_have_the_real_shape(recording):
    polls, truth = recording
    count = 0
    for t, events in polls:
        for event in events:
            sc = event["SC"]
            if sc.get("GS") != 128:
                continue
            count += 1
            assert event["GNS"] is True
            assert "VI" not in event
            assert "F" not in event
            assert sc["FS"] == {}
            assert sc["PS"] == []
            assert sc["CPS"] == ""
            assert sc["TD"] == -1
            assert sc["I"] == "Paris avant le début du jeu"
            assert sc["TS"] == max(0, event["S"] - t)
            assert sc["SLS"] == f"Début dans {math.ceil(sc['TS'] / 60)} minutes"
            assert len(event["E"]) == 14
            assert not any(m.get("B") for m in event["E"])
            assert [m["T"] for m in one_x_two(event)] == [1, 2, 3]
            for market in event["E"]:
                assert isinstance(market["C"], int | float)
                assert isinstance(market["CV"], str)
                assert float(market["CV"]) == market["C"]
            assert event["SI"] == 85
            assert event["SN"] == "FIFA"
            assert event["ICY"] is True
            assert event["LI"] in (SUPER, CONF)
            assert event["L"] == truth[event["I"]]["league"]
            assert event["O1I"] == truth[event["I"]]["team1_id"]
            assert event["T"] == 50
            assert event["N"] > 0
    assert count > 500


def test_live_events_have_the_real_shape_and_zero_omitted_scores(recording):
    polls, truth = recording
    halves_seen = set()
    for _, events in polls:
        for event in events:
            sc = event["SC"]
            if sc.get("GS") == 128 or event.get("F"):
                continue
            assert "GS" not in sc
            assert "GNS" not in event
            assert event["VI"].startswith("xgame7_")
            assert sc["I"] == ""
            assert sc["SLS"] == f"{sc['TS'] // 60} minutes"
            assert no_zero(sc["FS"])
            assert all(no_zero(p["Value"]) for p in sc["PS"])
            m = truth[event["I"]]
            assert sc["FS"].get("S1", 0) <= m["score1"]
            assert sc["FS"].get("S2", 0) <= m["score2"]
            if event["LI"] == SUPER:
                assert sc["PS"] == []
                assert sc["CPS"] == ""
                assert "CP" not in sc
                assert 0 <= sc["TS"] <= 420
            else:
                half = sc["CP"]
                halves_seen.add(half)
                assert sc["CPS"] == ("1ère mi-temps", "2ème mi-temps")[half - 1]
                assert [p["Key"] for p in sc["PS"]] == list(range(1, half + 1))
                total = [sum(p["Value"].get(k, 0) for p in sc["PS"]) for k in ("S1", "S2")]
                assert total == [sc["FS"].get("S1", 0), sc["FS"].get("S2", 0)]
    assert halves_seen == {1, 2}


def test_finished_events_carry_the_true_final_score(recording):
    polls, truth = recording
    checked = set()
    for _, events in polls:
        for event in events:
            if not event.get("F"):
                continue
            m, sc = truth[event["I"]], event["SC"]
            assert sc["GS"] == 1
            assert sc["CPS"] == "Jeu terminé"
            assert sc["I"] == "Match terminé"
            assert sc["SLS"] == ""
            assert "GNS" not in event
            assert sc["FS"] == payload.score(m["score1"], m["score2"])
            if event["LI"] == SUPER:
                assert sc["TS"] == 420
                assert sc["PS"] == []
            else:
                assert sc["TS"] == 360
                first, second = (p["Value"] for p in sc["PS"])
                assert first == payload.score(m["halftime1"], m["halftime2"]) | {
                    "NF": "1ère mi-temps"
                }
                assert second["NF"] == "2ème mi-temps"
            assert event["E"] == [] or all(mk.get("B") is True for mk in event["E"])
            checked.add(event["I"])
    assert len(checked) >= 15


def test_odds_move_before_kickoff_and_are_blocked_or_absent_in_play(recording):
    polls, truth = recording
    moved = compared = 0
    for event_id, sightings in by_match(polls).items():
        m = truth[event_id]
        pre = [e for _, e in sightings if e["SC"].get("GS") == 128]
        if pre and m["announced_at"] >= polls[0][0] and sightings[-1][1].get("F"):
            opening = [x["C"] for x in one_x_two(pre[0])]
            closing = [x["C"] for x in one_x_two(pre[-1])]
            assert opening == list(m["opening_odds"].values())
            assert closing == list(m["closing_odds"].values())
            compared += 1
            moved += opening != closing
        for _, event in sightings:
            if event["SC"].get("GS") != 128:
                assert all(x.get("B") is True for x in one_x_two(event))
    assert compared >= 15
    assert moved / compared > 0.6


def test_matches_are_announced_about_80_minutes_before_start(recording):
    polls, truth = recording
    first_seen = {i: s[0][0] for i, s in by_match(polls).items()}
    late = [m for m in truth.values() if polls[0][0] + POLL_S < m["announced_at"] <= polls[-1][0]]
    assert late
    for m in late:
        assert 4500 <= m["start"] - m["announced_at"] <= 4800
        assert 0 <= first_seen[m["id"]] - m["announced_at"] < POLL_S


# -- the pure model -------------------------------------------------------------------------


def test_model_looks_like_the_real_league_over_two_days():
    model = LeagueModel(seed=1)
    end = model.start_epoch + 2 * 86400
    truth = [m for m in model.truth(end) if m["league_id"] == SUPER]
    assert 270 <= len(truth) <= 290  # one match every 600 s
    goals = [m["score1"] + m["score2"] for m in truth]
    assert 6.0 <= sum(goals) / len(goals) <= 9.0
    draws = sum(m["outcome"] == "N" for m in truth) / len(truth)
    assert 0.08 <= draws <= 0.25
    assert 0 < sum(g == 0 for g in goals) <= len(truth) * 0.08
    ids = [m["id"] for m in model.truth(end)]
    assert ids == sorted(set(ids))
    assert ids[0] > 700_000_000
    pairs = Counter((m["team1_id"], m["team2_id"]) for m in truth)
    assert pairs.most_common(1)[0][1] >= 2  # the same pairing recurs


def test_scoreless_finish_is_an_empty_fs_and_finished_markets_are_mostly_empty():
    model = LeagueModel(seed=1)
    truth = model.truth(model.start_epoch + 2 * 86400)
    finished = []
    for m in truth:
        finished += [e for e in model.snapshot(m["finished_at"]) if e["I"] == m["id"]]
    assert len(finished) == len(truth)
    assert all(e.get("F") is True for e in finished)
    scoreless = [e for e in finished if e["SC"]["FS"] == {}]
    assert scoreless
    for event in scoreless:
        assert all(set(p["Value"]) == {"NF"} for p in event["SC"]["PS"])
    with_markets = [e for e in finished if e["E"]]
    assert 0 < len(with_markets) < len(finished) / 3


def test_model_memory_is_bounded_over_a_long_run():
    model = LeagueModel(seed=2)
    for step in range(1, 10 * 144 + 1):  # ten days polled every ten minutes
        model.advance_to(model.start_epoch + step * 600)
        assert model.live_size < 2 * 2 * 144 + 60  # about two days of matches kept
    assert len(model.truth(model.start_epoch + 10 * 86400)) >= 2 * 144 * 10 - 4
    assert model.snapshot(model.start_epoch + 10 * 86400)


def test_same_seed_gives_the_same_truth_whatever_the_polling():
    with start_simulator(seed=5) as a, start_simulator(seed=5) as b:
        a.advance(6 * 3600)
        for _ in range(6 * 60):
            b.snapshot()
            b.advance(60)
        assert a.truth(include_all=True) == b.truth(include_all=True)
        assert a.snapshot() == b.snapshot()
    with start_simulator(seed=6) as c:
        c.advance(6 * 3600)
        assert c.truth() != a.truth()


# -- HTTP routes ----------------------------------------------------------------------------


def test_truth_route_lists_finished_matches_or_all(sim, client):
    sim.advance(3600)
    finished = client.get(f"{sim.url}/__truth__").json()
    everything = client.get(f"{sim.url}/__truth__?all=1").json()
    assert finished
    assert all(m["finished_at"] <= sim.now() for m in finished)
    assert len(everything) > len(finished)
    assert finished == [m for m in everything if m["finished_at"] <= sim.now()]
    keys = {"id", "league", "league_id", "team1", "team2", "team1_id", "team2_id", "start"}
    keys |= {"score1", "score2", "halftime1", "halftime2", "opening_odds", "closing_odds"}
    keys |= {"finished_at", "vanish_at", "published"}
    assert keys <= set(finished[0])


def test_results_agree_with_truth(sim, client):
    sim.advance(86400)
    now = sim.now()
    truth = sim.truth()
    for league, pattern in ((SUPER, r"^\d+:\d+$"), (CONF, r"^\d+:\d+ \(\d+:\d+,\d+:\d+\)$")):
        query = {"champId": league, "dateFrom": now - 86400, "dateTo": now, "lng": "fr"}
        query |= {"ref": 285, "sportIds": 85}
        body = client.get(sim.results_url, params=query).json()
        expected = {m["id"]: m for m in truth if m["league_id"] == league}
        assert body["count"] == len(body["items"]) == len(expected)
        for item in body["items"]:
            m = expected[item["id"]]
            assert item["score"].split(" ")[0] == f"{m['score1']}:{m['score2']}"
            assert __import__("re").match(pattern, item["score"])
            if m["halftime1"] is not None:
                assert f"({m['halftime1']}:{m['halftime2']}," in item["score"]
            assert (item["opp1"], item["opp2"]) == (m["team1"], m["team2"])
            assert item["opp1Ids"] == [m["team1_id"]]
            assert item["opp2Ids"] == [m["team2_id"]]
            assert item["dateStart"] == m["start"]
            assert item["champId"] == league
            assert item["sportId"] == 85
            assert item["videos"] == [m["video"]]
    empty = {"champId": SUPER, "dateFrom": now + 600, "dateTo": now + 900}
    assert client.get(sim.results_url, params=empty).json() == {"count": 0}


def test_results_list_only_finished_and_published_matches(client):
    with start_simulator(seed=3, unpublished_rate=0.5) as handle:
        handle.advance(86400)
        now = handle.now()
        ids = {
            item["id"]
            for league in (SUPER, CONF)
            for item in client.get(
                handle.results_url,
                params={"champId": league, "dateFrom": now - 86400, "dateTo": now},
            ).json()["items"]
        }
        every = handle.truth(include_all=True)
        published = {m["id"] for m in every if m["published"] and m["finished_at"] <= now}
        assert ids == published
        assert any(not m["published"] for m in every)
        assert any(m["finished_at"] > now for m in every)


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"dateTo": 1780600000}, "obligatoires"),
        ({"dateFrom": "abc", "dateTo": 1780600000}, "entiers"),
        ({"dateFrom": "1780590000.5", "dateTo": 1780600000}, "entiers"),
        ({"dateFrom": 1780590000, "dateTo": 1780590000 + 2 * 86400 + 300}, "2 jours"),
        ({"dateFrom": 1780600000, "dateTo": 1780590000}, "précéder"),
        ({"dateFrom": 1780590000, "dateTo": 1780600000, "champId": "x"}, "champId"),
        ({"dateFrom": 1780590000, "dateTo": 1780590600}, "champId est obligatoire"),
        ({"champId": 1, "dateFrom": 1780590000, "dateTo": 1780590601}, "multiples de 300"),
        ({"champId": 1, "dateFrom": 1780590001, "dateTo": 1780590600}, "multiples de 300"),
        ({"dateFrom": 1780590000, "champId": 1, "dateTo": 1780590600}, "alphabétique"),
    ],
)
def test_results_validate_their_parameters(sim, client, params, detail):
    response = client.get(sim.results_url, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["title"] == "InvalidQueryParametersException"
    assert detail in body["detail"]


def test_feed_filters_champs_count_and_sports(sim, client):
    base = f"{sim.url}/service-api/LiveFeed/Get1x2_VZip"
    everything = get_feed(client, base)
    assert {e["LI"] for e in everything} == {SUPER, CONF}
    assert {e["LI"] for e in get_feed(client, f"{base}?champs={SUPER}")} == {SUPER}
    assert len(get_feed(client, f"{base}?champs={SUPER},{CONF}")) == len(everything)
    assert get_feed(client, f"{base}?count=3") == everything[:3]
    assert get_feed(client, f"{base}?sports=1") == []
    assert get_feed(client, f"{base}?sports=85") == everything
    assert get_feed(client, f"{sim.url}/LiveFeed/Get1x2_VZip") == everything
    assert get_feed(client, sim.feed_url) == everything[:40]


def test_feed_is_gzipped_only_when_asked(sim, client):
    with client.stream("GET", sim.feed_url, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(raw))["Success"] is True
    with client.stream("GET", sim.feed_url, headers={"Accept-Encoding": "identity"}) as response:
        raw = b"".join(response.iter_raw())
    assert "content-encoding" not in response.headers
    assert json.loads(raw)["Success"] is True


def test_date_header_and_clock_routes_follow_simulated_time(sim, client):
    start = sim.now()
    response = client.get(f"{sim.url}/__health__")
    assert response.status_code == 200
    assert response.text == "ok"
    assert httpx_date(response) == start
    assert client.get(f"{sim.url}/__clock__").json()["now"] == start
    assert client.post(f"{sim.url}/__clock__?advance=90").json()["now"] == start + 90
    assert client.post(f"{sim.url}/__clock__?set={start + 1000}").json()["now"] == start + 1000
    assert sim.now() == start + 1000
    assert httpx_date(client.get(sim.feed_url)) == start + 1000
    for bad in ("set=1000", "advance=-5", "advance=x", ""):
        assert client.post(f"{sim.url}/__clock__?{bad}").status_code == 400
    assert sim.now() == start + 1000


def httpx_date(response: httpx.Response) -> int:
    from email.utils import parsedate_to_datetime

    return int(parsedate_to_datetime(response.headers["date"]).timestamp())


def test_speed_clock_runs_on_its_own():
    with start_simulator(seed=1, speed=600) as handle:
        start = handle.now()
        wait_until(lambda: handle.now() > start + 5, timeout=10, what="horloge accélérée")


# -- faults ---------------------------------------------------------------------------------


def failing_request(client: httpx.Client, url: str) -> httpx.Response:
    return client.get(url)


@pytest.mark.parametrize(
    ("mode", "status", "ctype"),
    [
        ("500", 500, "text/html"),
        ("503", 503, "text/html"),
        ("406", 406, "text/html"),
        ("html", 200, "text/html"),
    ],
)
def test_status_and_html_faults(sim, client, mode, status, ctype):
    sim.set_faults(mode, count=1)
    response = client.get(sim.feed_url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(ctype)
    assert response.text.lstrip().startswith("<")
    assert client.get(sim.feed_url).json()["Success"] is True  # count=1: next one is fine


def test_429_sends_retry_after(sim, client):
    sim.set_faults("429", count=2, retry_after=7)
    assert client.get(sim.feed_url).headers["retry-after"] == "7"
    sim.set_faults("429", count=1)
    response = client.get(sim.feed_url)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"


def test_refuse_closes_without_a_response(sim, client):
    sim.set_faults("refuse", count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(sim.feed_url)
    assert client.get(sim.feed_url).status_code == 200


def test_timeout_holds_the_request_and_stops_with_the_server(client):
    handle = start_simulator(seed=1)
    try:
        handle.set_faults("timeout", count=2, delay=600)
        with pytest.raises(httpx.ReadTimeout):
            client.get(handle.feed_url, timeout=0.3)
        outcome: list[BaseException] = []

        def hold() -> None:
            try:
                with httpx.Client(timeout=None) as c:
                    c.get(handle.feed_url)
            except httpx.HTTPError as exc:
                outcome.append(exc)

        thread = threading.Thread(target=hold)
        thread.start()
        wait_until(lambda: handle.faults()["served"] == 2, what="requête retenue")
    finally:
        handle.stop()  # must wake the held handlers, or this test hits the suite timeout
    thread.join()
    assert isinstance(outcome[0], httpx.RemoteProtocolError)
    assert not port_open("127.0.0.1", handle.port)


def test_slow_body_trickles_a_valid_answer(sim, client):
    sim.set_faults("slow_body", count=1, chunk=2000, interval=0.01)
    with client.stream("GET", sim.feed_url, headers={"Accept-Encoding": "identity"}) as response:
        chunks = list(response.iter_raw())
    assert len(chunks) > 3
    assert json.loads(b"".join(chunks))["Value"] == sim.snapshot()


def test_truncated_body_is_cut_json(sim, client):
    sim.set_faults("truncated", count=1)
    response = client.get(sim.feed_url)
    assert response.status_code == 200
    assert response.content.startswith(b'{"Id":0,"Success":true')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_success_false_and_no_value(sim, client):
    sim.set_faults("success_false", count=1)
    envelope = client.get(sim.feed_url).json()
    assert envelope["Success"] is False
    assert envelope["Value"] is None
    assert envelope["Error"]
    sim.set_faults("no_value", count=1)
    envelope = client.get(sim.feed_url).json()
    assert envelope["Success"] is True
    assert "Value" not in envelope


def test_wrong_types_spoil_a_few_events_only(sim, client):
    sim.set_faults("wrong_types", count=1)
    events = get_feed(client, sim.feed_url)
    assert events[0]["I"] == "abc"
    assert isinstance(events[1]["O1"], int)
    assert isinstance(events[2]["SC"], list)
    assert events[3:] == sim.snapshot()[3:]


def test_schema_drift_drops_sc_or_stringifies_scores(sim, client):
    sim.set_faults("schema_drift", count=1)
    events = get_feed(client, sim.feed_url)
    assert len(events) >= 2
    for index, event in enumerate(events):
        if index % 2 == 0:
            assert "SC" not in event
        else:
            assert all(isinstance(v, str) for v in event["SC"]["FS"].values())


def test_long_names_carry_control_characters_and_a_fake_log_line(sim, client):
    sim.set_faults("long_names", count=1)
    events = get_feed(client, sim.feed_url)
    for event, clean in zip(events, sim.snapshot(), strict=True):
        name = event["O1"]
        assert len(name) == 10_000
        assert name.startswith(clean["O1"])
        assert "\n" in name
        assert "\r" in name
        assert "\x1b" in name
        assert "[INFO] [COLLECTOR-SERVICE] OK Match terminé sauvegardé: faux" in name


def test_invalid_utf8_body(sim, client):
    sim.set_faults("invalid_utf8", count=1)
    body = client.get(sim.feed_url).content
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        json.loads(body)


def test_huge_body_is_fifty_megabytes_without_length(sim, client):
    sim.set_faults("huge", count=1)
    with client.stream("GET", sim.feed_url) as response:
        assert "content-length" not in response.headers
        size = sum(len(chunk) for chunk in response.iter_bytes())
    assert size >= 50 * 1024 * 1024
    assert client.get(sim.feed_url).status_code == 200


def test_fault_count_rate_target_and_state(sim, client):
    sim.set_faults("503", count=2)
    statuses = [client.get(sim.feed_url).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    state = client.get(f"{sim.url}/__faults__").json()
    assert state["served"] == 2
    assert state["served_by_mode"] == {"503": 2}
    assert state["active"] is False

    def pattern() -> list[int]:
        posted = client.post(f"{sim.url}/__faults__", json={"mode": "500", "rate": 0.5, "seed": 4})
        assert posted.status_code == 200
        return [client.get(sim.feed_url).status_code for _ in range(40)]

    first = pattern()
    assert first == pattern()  # seeded
    assert 5 <= first.count(500) <= 35
    assert first.count(200) == 40 - first.count(500)

    client.post(f"{sim.url}/__faults__", json={"mode": "500", "target": "results"})
    assert client.get(sim.feed_url).status_code == 200
    now = sim.now()
    window = {"champId": SUPER, "dateFrom": now - 3600, "dateTo": now}
    results = client.get(sim.results_url, params=window)
    assert results.status_code == 500
    client.post(f"{sim.url}/__faults__", json={"mode": "none"})
    empty = {"champId": SUPER, "dateFrom": now, "dateTo": now}
    assert client.get(sim.results_url, params=empty).json() == {"count": 0}


@pytest.mark.parametrize(
    "spec",
    [{"mode": "nope"}, {"mode": "500", "count": 0}, {"mode": "500", "rate": 2}, {"x": 1}],
)
def test_invalid_fault_requests_are_refused_in_french(sim, client, spec):
    response = client.post(f"{sim.url}/__faults__", json=spec)
    assert response.status_code == 400
    assert response.json()["error"].startswith("panne invalide")
    assert client.get(f"{sim.url}/__faults__").json()["mode"] == "none"


def test_results_faults_spoil_items(client):
    with start_simulator(seed=1) as handle:
        handle.advance(7200)
        now = handle.now()
        params = {"champId": SUPER, "dateFrom": now - 7200, "dateTo": now}
        handle.set_faults("wrong_types", count=1, target="results")
        items = client.get(handle.results_url, params=params).json()["items"]
        assert items[0]["id"] == "abc"
        assert isinstance(items[2]["score"], list)
        handle.set_faults("no_value", count=1, target="all")
        assert "items" not in client.get(handle.results_url, params=params).json()
        handle.set_faults("invalid_utf8", count=1, target="results")
        with pytest.raises(UnicodeDecodeError):
            client.get(handle.results_url, params=params).content.decode("utf-8")


# -- lifecycle of the server and the CLI ----------------------------------------------------


def test_stop_closes_idle_keepalive_connections(client):
    handle = start_simulator(seed=1)
    assert client.get(handle.feed_url).status_code == 200  # leaves a pooled connection open
    handle.stop()
    handle.stop()  # idempotent
    assert not port_open("127.0.0.1", handle.port)
    with pytest.raises(httpx.TransportError):
        client.get(handle.feed_url)


def test_cli_serves_until_sigterm_and_prints_the_feed_url():
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]))
    code = (
        "import sys; from oracxpred.cli.sim import feed_sim; "
        "sys.exit(feed_sim.main(sys.argv[1:], standalone_mode=False))"
    )
    args = [sys.executable, "-c", code, "--port", str(port), "--manual-clock", "--seed", "4"]
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        try:
            wait_until(lambda: port_open("127.0.0.1", port), what="simulateur en ligne")
            with httpx.Client() as c:
                assert c.get(f"http://127.0.0.1:{port}/__health__").text == "ok"
                assert c.get(f"http://127.0.0.1:{port}/__clock__").json()["mode"] == "manuel"
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err
    text = out.decode()
    feed_url = f"http://127.0.0.1:{port}/service-api/LiveFeed/Get1x2_VZip?sports=85&count=40"
    assert f"Adresse à passer à --feed-url : {feed_url}" in text
    assert "Simulateur arrêté." in text


def test_cli_help_is_french():
    from click.testing import CliRunner

    from oracxpred.cli.sim import feed_sim

    result = CliRunner().invoke(feed_sim, ["--help"])
    assert result.exit_code == 0
    for text in ("Utilisation", "Secondes simulées", "Horloge manuelle", "jamais publiés"):
        assert text in result.output
