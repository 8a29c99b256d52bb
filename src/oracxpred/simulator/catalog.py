"""The simulated leagues and their team pools: static data, no logic, no I/O.

Names, ids, countries and images are the ones real FIFA events carry (docs/feed.md §6, captures in
``shared/fixtures/1xbet``), so the simulator's events look like the site's. Timings per league come
from docs/feed.md §6: a new match every 600 s, ``TS`` ending at 420 (5x5 Rush) or 360 (3x3/4x4), the
finished state seen at S + 500–690 s.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Team:
    team_id: int
    name: str  # French name (``O1``), the feed is requested with lng=fr
    name_en: str  # ``O1E``
    name_ru: str  # ``O1R``
    country_id: int  # ``O1C``
    image: str  # ``O1IMG[0]``
    city: str = ""  # ``O1CT``, only some teams have one


@dataclass(frozen=True, slots=True)
class LeagueSpec:
    """One virtual league: identity, schedule and game model."""

    league_id: int  # ``LI``
    name: str  # ``L`` (fr)
    name_en: str  # ``LE``
    name_ru: str  # ``LR``
    country: str  # ``CN``
    country_en: str  # ``CE``
    country_id: int  # ``COI``
    image: str  # ``CHIMG`` ("" when the league has none)
    interval_s: int  # a new match every interval_s
    phase_s: int  # S % interval_s, so leagues do not all start together
    halves: int  # 1 (5x5 Rush, ``PS:[]``) or 2
    game_seconds: int  # ``TS`` when play ends
    kickoff_delay: tuple[int, int]  # kick-off is S + this (the live clock lags S)
    finish_after: tuple[int, int]  # finished state appears at S + this
    goals_mean: float  # expected goals per match, both teams
    teams: tuple[Team, ...]


def _t(team_id: int, name: str, en: str, ru: str, country: int, img: str, city: str = "") -> Team:
    return Team(team_id, name, en, ru, country, img if "." in img else f"{img}.png", city)


ARSENAL = _t(251219, "Arsenal", "Arsenal", "Арсенал", 231, "251219", "Roana")
CHELSEA = _t(180073, "Chelsea", "Chelsea", "Челси", 39, "180073", "London")
MAN_CITY = _t(202183, "Manchester City", "Manchester City", "Манчестер Сити", 39, "202183")
LIVERPOOL = _t(180449, "Liverpool", "Liverpool", "Ливерпуль", 231, "180449")

SUPERLEAGUE_TEAMS = (
    _t(180445, "Club Atlético de Madrid", "Atletico Madrid", "Атлетико Мадрид", 78, "180445",
       "Madrid"),
    _t(202185, "PSV Eindhoven", "PSV Eindhoven", "ПСВ", 133, "202185", "Eindhoven"),
    ARSENAL,
    MAN_CITY,
    _t(180429, "Borussia Dortmund", "Borussia", "Боруссия", 53,
       "16e1f8a81f1c0bc02147460446de1333", "Dortmund"),
    _t(9466583, "Lombardia", "Lombardia", "Ломбардия", 225, "6ff16309322bc0a6db4c42caf4a9eb49"),
    CHELSEA,
    _t(180451, "Juventus", "Juventus", "Ювентус", 79, "180451"),
    _t(202111, "Fenerbahçe", "Fenerbahce", "Фенербахче", 190, "202111", "Istanbul"),
    _t(2349351, "Olympique Lyonnais", "Olympique Lyonnais", "Лион", 225, "2349351"),
    _t(180075, "Real Madrid", "Real Madrid", "Реал", 78, "180075", "Madrid"),
    _t(180069, "Bayern Munich", "Bayern", "Бавария", 53, "735b6400518583439ab031fa4498019b",
       "Munich"),
    LIVERPOOL,
    _t(202115, "Galatasaray", "Galatasaray", "Галатасарай", 190, "202115", "Istanbul"),
)  # fmt: skip

CONFERENCE_TEAMS = (
    _t(2349425, "Eintracht", "Eintracht Frankfurt", "Айнтрахт", 53,
       "85fb8dde462be96921c9cdd826ff2ba5"),
    _t(635785, "Fiorentine", "Fiorentina", "Фиорентина", 79, "635785"),
    _t(2349439, "Borussia Monchengladbach", "Borussia Monchengladbach", "Боруссия Мёнхенгладбах",
       53, "75edd97710db2bfcefceccf78b12c90f"),
    _t(202109, "Anderlecht", "Anderlecht", "Андерлехт", 24, "202109"),
    _t(9601037, "Heart of Midlothian", "Heart of Midlothian", "Хартс", 219,
       "52de7c022bf1aff19e69e09bb3f05e96"),
    _t(2349369, "Lille OSC", "Lille OSC", "Лилль", 225, "2349369"),
    _t(7728545, "AZ Alkmaar", "AZ Alkmaar", "АЗ", 225, "bcbec18ea6b226d41f883f3ba86098d0"),
    CHELSEA,
    _t(2349357, "Nice", "Nice", "Ницца", 225, "2349357"),
    _t(202193, "Roma", "Roma", "Рома", 79, "170a368b96dafc46df284d2f5882be81", "Roma"),
    _t(5169323, "Braga", "Braga", "Брага", 225, "1781bf14fdf11a0961c34a5437a6e4ff"),
    _t(202119, "Bâle", "Basel", "Базель", 206, "202119", "Basel"),
    _t(2485175, "Villarreal", "Villarreal", "Вильярреал", 78, "2485175"),
)  # fmt: skip

ENGLAND_TEAMS = (
    _t(3635533, "Brentford", "Brentford", "Брентфорд", 231, "01e0e43c33f11cb287ec7f8af47de030"),
    MAN_CITY,
    LIVERPOOL,
    _t(4822925, "Sheffield United", "Sheffield United", "Шеффилд Юнайтед", 225,
       "bff87272069f2d07b63e671b9a12cb4b"),
    _t(4822915, "Aston Villa", "Aston Villa", "Астон Вилла", 225,
       "ee8029c0eb14ec43b3702ef147d9a288"),
    _t(3274445, "Crystal Palace", "Crystal Palace", "Кристал Пэлэс", 39,
       "0c5ac8809833a5ec65bd2ec4c1f046d6"),
    _t(8310581, "Luton Town", "Luton Town", "Лутон Таун", 225, "b84afdfd65c4530618c6c1e8544ac840"),
    _t(3635529, "Fulham", "Fulham", "Фулхэм", 231, "8cb8b29f9455863129d92a9d214e4e47"),
    _t(3274435, "Newcastle United", "Newcastle United", "Ньюкасл Юнайтед", 39,
       "c8da02ee4ee2e917554656b798367130"),
    _t(180435, "Manchester United", "Manchester United", "Манчестер Юнайтед", 231,
       "c266be41dc0a31d49be12c80e4ffc04a"),
    _t(3274443, "West Ham United", "West Ham United", "Вест Хэм Юнайтед", 39,
       "bd3515ab574b5f3ef501e4b2d4aab70a"),
    _t(3274447, "Wolverhampton Wanderers", "Wolverhampton Wanderers", "Вулверхэмптон", 39,
       "6d4685c43e15d591732b168a04e29fda"),
    ARSENAL,
)  # fmt: skip

SUPERLEAGUE_5X5 = LeagueSpec(
    league_id=2986291,
    name="FC 26. 5x5 Rush. Superligue",
    name_en="FC 26. 5x5 Rush. Superleague",
    name_ru="FC 26. 5x5 Rush. Суперлига",
    country="Monde",
    country_en="World",
    country_id=225,
    image="ca664fc41fa19d9ebf563216785a5485.png",
    interval_s=600,
    phase_s=0,
    halves=1,
    game_seconds=420,
    # Real capture: TS=342 at U-S=544, finished seen at S+670..690 (docs/feed.md §6).
    kickoff_delay=(150, 210),
    finish_after=(670, 690),
    goals_mean=7.4,  # ≈ 7.5 goals/match measured on 166 matches (docs/feed.md §6)
    teams=SUPERLEAGUE_TEAMS,
)

CONFERENCE_3X3 = LeagueSpec(
    league_id=2860561,
    name="FC 25. 3x3. Ligue de conférence",
    name_en="FC 25. 3x3. Conference League",
    name_ru="FC 25. 3x3. Лига Конференций",
    country="Europe",
    country_en="Europe",
    country_id=223,
    image="a10dbaa7f75233083bc972f07452a2f0.png",
    interval_s=600,
    phase_s=300,
    halves=2,
    game_seconds=360,
    # Real capture: TS=141 in the 1st half at U-S=243; finished seen at S+502..688.
    kickoff_delay=(90, 150),
    finish_after=(520, 690),
    goals_mean=12.0,  # captured finals: 8-7, 8-8, 9-9, 10-8, 1-5
    teams=CONFERENCE_TEAMS,
)

ENGLAND_4X4 = LeagueSpec(
    league_id=2648573,
    name="FC 24. 4x4. Championnat d'Angleterre",
    name_en="FC 24. 4x4. England Championship",
    name_ru="FC 24. 4x4. Чемпионат Англии",
    country="Angleterre",
    country_en="England",
    country_id=231,
    image="",
    interval_s=600,
    phase_s=0,
    halves=2,
    game_seconds=360,
    kickoff_delay=(150, 210),
    finish_after=(600, 690),
    goals_mean=11.0,  # captured finals: 6-13, 10-6, 2-7, 8-8
    teams=ENGLAND_TEAMS,
)

DEFAULT_LEAGUES: tuple[LeagueSpec, ...] = (SUPERLEAGUE_5X5, CONFERENCE_3X3)
"""What the simulator plays unless told otherwise."""

CATALOG: dict[int, LeagueSpec] = {
    spec.league_id: spec for spec in (SUPERLEAGUE_5X5, CONFERENCE_3X3, ENGLAND_4X4)
}
"""Every league the simulator knows, by ``LI``."""
