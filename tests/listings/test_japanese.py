import pytest

from listings.japanese import line_reading, romaji_from_kana, search_normalise, station_reading


def full_width(text: str) -> str:
    """The text as typed with a Japanese input method in full-width mode."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


@pytest.mark.parametrize(
    ("kana", "kanji", "romaji"),
    [
        ("トウキョウト", "東京都", "Tokyo-to"),
        ("シブヤク", "渋谷区", "Shibuya-ku"),
        ("サッポロシチュウオウク", "札幌市中央区", "Sapporo-shi Chuo-ku"),
        ("オオサカフ", "大阪府", "Osaka-fu"),
        ("ホッカイドウ", "北海道", "Hokkaido"),
        ("キョウトシナカギョウク", "京都市中京区", "Kyoto-shi Nakagyo-ku"),
        ("ニシタマグンオクタママチ", "西多摩郡奥多摩町", "Nishitama-gun Okutama-machi"),
        ("ヨッカイチシ", "四日市市", "Yokkaichi-shi"),
    ],
)
def test_administrative_names_are_romanised_as_japan_post_writes_them(kana, kanji, romaji):
    assert romaji_from_kana(kana, kanji=kanji) == romaji


def test_long_vowels_are_written_once():
    assert romaji_from_kana("オオドオリニシ") == "Odorinishi"
    assert romaji_from_kana("ジュウジョウ") == "Jujo"


def test_two_syllables_that_look_like_a_long_vowel_are_kept():
    assert romaji_from_kana("ヒロオ") == "Hiroo"


def test_town_is_read_from_its_official_kana_not_guessed_from_kanji():
    # pykakasi reads the kanji 春日明河原 as "kasuga mei kawara".
    assert romaji_from_kana("ハルヒアケガワラ") == "Haruhiakegawara"


def test_empty_kana_gives_empty_romaji():
    assert romaji_from_kana("") == ""


@pytest.mark.parametrize(
    ("name", "kana", "romaji"),
    [
        ("渋谷", "しぶや", "Shibuya"),
        ("東京", "とうきょう", "Tokyo"),
        ("大阪", "おおさか", "Osaka"),
        ("表参道", "おもてさんどう", "Omotesando"),
        ("御徒町", "おかちまち", "Okachimachi"),
        ("日暮里", "にっぽり", "Nippori"),
        ("三軒茶屋", "さんげんじゃや", "Sangenjaya"),
        ("雑司が谷", "ぞうしがや", "Zoshigaya"),
        ("放出", "はなてん", "Hanaten"),
        ("十三", "じゅうそう", "Juso"),
        ("神泉", "しんせん", "Shinsen"),
        ("市ケ谷", "いちがや", "Ichigaya"),
        ("ひばりヶ丘", "ひばりがおか", "Hibarigaoka"),
    ],
)
def test_station_names_are_read_right(name, kana, romaji):
    assert station_reading(name) == (kana, romaji)


def test_a_station_name_read_differently_in_osaka_gets_its_osaka_reading():
    assert station_reading("日本橋", prefecture="東京都")[1] == "Nihonbashi"
    assert station_reading("日本橋", prefecture="大阪府")[1] == "Nipponbashi"


@pytest.mark.parametrize("typed", ["shibuya", "Shibuya", "SHIBUYA", full_width("shibuya")])
def test_romaji_in_any_case_or_width_is_searched_alike(typed):
    assert search_normalise(typed) == "shibuya"


@pytest.mark.parametrize("typed", ["しぶや", "シブヤ", "ｼﾌﾞﾔ"])
def test_kana_in_either_script_is_searched_as_hiragana(typed):
    assert search_normalise(typed) == "しぶや"


@pytest.mark.parametrize("typed", ["Tokyo", "Tōkyō", "toukyou", "TOUKYOU"])
def test_long_vowel_spellings_of_romaji_are_searched_alike(typed):
    assert search_normalise(typed) == "tokyo"


def test_stored_names_of_a_station_match_a_query_in_each_script():
    kana, romaji = station_reading("渋谷")
    stored = " ".join(search_normalise(part) for part in ("渋谷", kana, romaji))

    for query in ("渋谷", "しぶや", "シブヤ", "shibuya", "Shibuya"):
        assert search_normalise(query) in stored.split()


@pytest.mark.parametrize(
    ("name", "romaji"),
    [
        ("JR湘南新宿ライン", "JR Shonanshinjuku Line"),
        ("東京メトロ銀座線", "Tokyo Metro Ginzasen"),
        ("金沢シーサイドライン", "Kanazawa Seaside Line"),
        ("宇都宮ライトレール", "Utsunomiya Light Rail"),
    ],
)
def test_line_names_read_katakana_loan_words_as_english(name, romaji):
    assert line_reading(name)[1] == romaji


@pytest.mark.parametrize(
    ("name", "romaji"),
    [
        ("とうきょうスカイツリー", "Tokyo Skytree"),
        ("千葉ニュータウン中央", "Chiba New Town Chuo"),
        ("ニセコ", "Niseko"),
    ],
)
def test_station_names_read_loan_words_as_english_and_other_katakana_by_sound(name, romaji):
    assert station_reading(name)[1] == romaji
