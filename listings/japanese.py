"""Readings and romaji for Japanese place names, and the normal form used by search.

Addresses are romanised from the kana readings that Japan Post publishes, never
from kanji: pykakasi guesses kanji readings and place names defeat it
(春日明河原 is はるひあけがわら, not "kasuga mei kawara"). Station names come
without kana, so they are read by pykakasi, with a table of readings it is known
to get wrong.

Romaji follow Japan Post's style: long vowels are written once (Tokyo, Osaka,
Chuo-ku), and an administrative suffix stands apart after a hyphen
(Tokyo-to, Shibuya-ku, Sapporo-shi Chuo-ku).
"""

import functools
import re
import threading
import unicodedata

import pykakasi

from listings.loanwords import loan_word_reading

_kakasi = None
_kakasi_lock = threading.Lock()


def _converter() -> pykakasi.kakasi:
    """One shared converter: building it loads dictionaries for about 0.2 s.

    Its conversions only read those dictionaries, so threads may share it.
    """
    global _kakasi
    if _kakasi is None:
        with _kakasi_lock:
            if _kakasi is None:
                _kakasi = pykakasi.kakasi()
    return _kakasi


# Kana read as a long vowel by pykakasi's Hepburn output ("toukyou", "oosaka",
# "juu"): Japan Post writes the vowel once.
_LONG_VOWEL = re.compile(r"ou|oo|uu")

# Kana words in which the doubled vowel is two syllables, not a long vowel.
_KANA_KEPT_LONG = {
    "ひろお": "hiroo",  # 広尾: ひろ + お
}

# The suffix of an administrative unit, its readings, and how Japan Post writes it.
_SUFFIX_READINGS = {
    "都": ("と",),
    "道": ("どう",),
    "府": ("ふ",),
    "県": ("けん",),
    "市": ("し",),
    "区": ("く",),
    "郡": ("ぐん",),
    "町": ("まち", "ちょう"),
    "村": ("むら", "そん"),
}


def _katakana_to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _fold_long_vowels(romaji: str) -> str:
    return _LONG_VOWEL.sub(lambda match: match.group(0)[0], romaji)


def _hepburn(kana: str) -> str:
    """Lower-case Hepburn for a kana word, long vowels folded."""
    hiragana = _katakana_to_hiragana(unicodedata.normalize("NFKC", kana))
    if hiragana in _KANA_KEPT_LONG:
        return _KANA_KEPT_LONG[hiragana]
    romaji = "".join(token["hepburn"] for token in _converter().convert(hiragana))
    return _fold_long_vowels(romaji.replace("'", ""))


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _administrative_parts(kanji: str) -> list[str]:
    """Split a prefecture or city name into its units: 札幌市中央区 -> 札幌市, 中央区."""
    for pattern in (r"(.+?郡)(.+[町村])", r"(.+?市)(.+区)"):
        match = re.fullmatch(pattern, kanji)
        if match:
            return list(match.groups())
    return [kanji]


def _split_kana(kana: str, parts: list[str]) -> list[tuple[str, str]] | None:
    """The (stem, suffix) kana of each part, or None if the kana do not fit the kanji.

    When a suffix reading occurs more than once (ヒロシマシ...), the split whose
    stem length is closest to the kanji's own length times two is taken: a
    place-name kanji is read with one to three kana, most often two.
    """
    if not parts:
        return [] if not kana else None
    head, rest = parts[0], parts[1:]
    suffix = head[-1]
    readings = _SUFFIX_READINGS.get(suffix)
    candidates = []
    for reading in readings or ("",):
        for end in range(1, len(kana) + 1):
            if not rest and end != len(kana):
                continue
            stem_kana = kana[:end]
            if readings and (not stem_kana.endswith(reading) or stem_kana == reading):
                continue
            tail = _split_kana(kana[end:], rest)
            if tail is None:
                continue
            stem = stem_kana[: len(stem_kana) - len(reading)] if readings else stem_kana
            pair = (stem, reading if readings else "")
            candidates.append((abs(len(stem) - 2 * (len(head) - 1)), [pair, *tail]))
    if not candidates:
        return None
    return min(candidates, key=lambda candidate: candidate[0])[1]


def romaji_from_kana(kana: str, *, kanji: str = "") -> str:
    """Romaji as Japan Post writes it, from an official kana reading.

    Without `kanji` the reading is one word: ハルヒアケガワラ -> "Haruhiakegawara".
    With the kanji of a prefecture or city, its administrative suffixes stand
    apart: (トウキョウト, 東京都) -> "Tokyo-to", (サッポロシチュウオウク,
    札幌市中央区) -> "Sapporo-shi Chuo-ku", (ホッカイドウ, 北海道) -> "Hokkaido".
    """
    kana = unicodedata.normalize("NFKC", kana).strip()
    if not kana:
        return ""
    hiragana = _katakana_to_hiragana(kana)
    parts = _administrative_parts(kanji) if kanji and kanji != "北海道" else []
    split = _split_kana(hiragana, parts) if parts else None
    if not split:
        return _capitalised(_hepburn(hiragana))
    words = []
    for stem, suffix in split:
        word = _capitalised(_hepburn(stem))
        words.append(f"{word}-{_hepburn(suffix)}" if suffix else word)
    return " ".join(words)


# Station names pykakasi reads wrongly: name -> (hiragana, romaji).
STATION_READINGS = {
    "雑司が谷": ("ぞうしがや", "Zoshigaya"),
    "放出": ("はなてん", "Hanaten"),
    "十三": ("じゅうそう", "Juso"),
    "神泉": ("しんせん", "Shinsen"),
    "四ツ谷": ("よつや", "Yotsuya"),
    "四谷三丁目": ("よつやさんちょうめ", "Yotsuyasanchome"),
    "千駄ケ谷": ("せんだがや", "Sendagaya"),
    "阿佐ケ谷": ("あさがや", "Asagaya"),
    "鐘ヶ淵": ("かねがふち", "Kanegafuchi"),
    "信濃町": ("しなのまち", "Shinanomachi"),
    "月島": ("つきしま", "Tsukishima"),
    "広尾": ("ひろお", "Hiroo"),
    "池ノ上": ("いけのうえ", "Ikenoue"),
    "初台": ("はつだい", "Hatsudai"),
    "関内": ("かんない", "Kannai"),
    "青海": ("あおみ", "Aomi"),
    "四ツ木": ("よつぎ", "Yotsugi"),
    "東向島": ("ひがしむこうじま", "Higashimukojima"),
    "天空橋": ("てんくうばし", "Tenkubashi"),
    "西中島南方": ("にしなかじまみなみがた", "Nishinakajimaminamigata"),
    "中之島": ("なかのしま", "Nakanoshima"),
    "谷町四丁目": ("たにまちよんちょうめ", "Tanimachiyonchome"),
    "玉出": ("たまで", "Tamade"),
    "西田辺": ("にしたなべ", "Nishitanabe"),
    "大阪阿部野橋": ("おおさかあべのばし", "Osakaabenobashi"),
    "中書島": ("ちゅうしょじま", "Chushojima"),
    "鞍馬口": ("くらまぐち", "Kuramaguchi"),
    "貴船口": ("きぶねぐち", "Kibuneguchi"),
    "千代県庁口": ("ちよけんちょうぐち", "Chiyokenchoguchi"),
    "櫛田神社前": ("くしだじんじゃまえ", "Kushidajinjamae"),
    "下大利": ("しもおおり", "Shimoori"),
    "都府楼前": ("とふろうまえ", "Tofuromae"),
    "幌平橋": ("ほろひらばし", "Horohirabashi"),
    "新さっぽろ": ("しんさっぽろ", "Shinsapporo"),
    "新札幌": ("しんさっぽろ", "Shinsapporo"),
}

# Names read differently in different places: (name, prefecture) -> reading.
STATION_READINGS_BY_PREFECTURE = {
    ("日本橋", "大阪府"): ("にっぽんばし", "Nipponbashi"),
}

# ひばりヶ丘: pykakasi reads a small ke between two words as "ke" where it is "ga".
_GA_BETWEEN_WORDS = re.compile(r"(?<=[\u3040-\u30ff\u4e00-\u9fff])[ヶケ](?=[\u4e00-\u9fff])")
_LATIN_OR_KATAKANA = re.compile(r"^(?:[\x21-\x7e]+|[\u30a0-\u30ff]+)$")
_PUNCTUATION = re.compile(r"^[^\w]+$")


def _name_reading(name: str) -> tuple[str, str]:
    """pykakasi's reading of a proper name.

    Latin and katakana words (JR, メトロ) stand apart in the romaji, and katakana
    loan words read as English, so that 東京メトロ銀座線 reads "Tokyo Metro Ginzasen".
    """
    tokens = _converter().convert(name)
    if any("ゖ" in token["hira"] for token in tokens):
        tokens = _converter().convert(_GA_BETWEEN_WORDS.sub("が", name))
    hiragana = "".join(token["hira"] for token in tokens)
    romaji = ""
    open_word = False
    for token in tokens:
        original = token["orig"]
        if _PUNCTUATION.match(original):
            romaji += original
            open_word = False
        elif _LATIN_OR_KATAKANA.match(original):
            word = (
                original
                if original.isascii()
                else loan_word_reading(original) or _fold_long_vowels(token["hepburn"])
            )
            romaji += (" " if romaji and romaji[-1].isalnum() else "") + _capitalised(word)
            open_word = False
        else:
            word = _fold_long_vowels(token["hepburn"].replace("'", ""))
            if open_word:
                romaji += word
            else:
                romaji += (" " if romaji and romaji[-1].isalnum() else "") + _capitalised(word)
            open_word = True
    return hiragana, _fold_long_vowels(romaji).replace("・", "-")


def station_reading(name: str, *, prefecture: str = "") -> tuple[str, str]:
    """(hiragana, romaji) of a station name: 渋谷 -> ("しぶや", "Shibuya").

    `prefecture` tells apart names read differently in different places
    (日本橋 in Tokyo is Nihonbashi, in Osaka Nipponbashi).
    """
    name = unicodedata.normalize("NFKC", name).strip()
    if (name, prefecture) in STATION_READINGS_BY_PREFECTURE:
        return STATION_READINGS_BY_PREFECTURE[(name, prefecture)]
    if name in STATION_READINGS:
        return STATION_READINGS[name]
    return _name_reading(name)


def line_reading(name: str) -> tuple[str, str]:
    """(hiragana, romaji) of a line name: JR山手線 -> ("JRやまのてせん", "JR Yamanotesen")."""
    return _name_reading(unicodedata.normalize("NFKC", name).strip())


_COMBINING = re.compile(r"[\u0300-\u036f]")
_SEPARATORS = re.compile(r"[\s\-\u2010・/,、。()\uff08\uff09]+")


def search_normalise(text: str) -> str:
    """The form in which both indexed text and queries are compared.

    NFKC, lower case, katakana as hiragana, macrons dropped and romaji long
    vowels folded, separators as single spaces: "Shibuya", "SHIBUYA",
    "ｼﾌﾞﾔ" and "シブヤ" become "shibuya" or "しぶや"; "Tōkyō" and "toukyou"
    become "tokyo".
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = unicodedata.normalize("NFC", text)
    text = _katakana_to_hiragana(text)
    text = _fold_long_vowels(text.replace("'", ""))
    return _SEPARATORS.sub(" ", text).strip()


# The 47 prefectures as Japan Post writes them, with their readings.
PREFECTURES = (
    ("北海道", "ほっかいどう"), ("青森県", "あおもりけん"), ("岩手県", "いわてけん"),
    ("宮城県", "みやぎけん"), ("秋田県", "あきたけん"), ("山形県", "やまがたけん"),
    ("福島県", "ふくしまけん"), ("茨城県", "いばらきけん"), ("栃木県", "とちぎけん"),
    ("群馬県", "ぐんまけん"), ("埼玉県", "さいたまけん"), ("千葉県", "ちばけん"),
    ("東京都", "とうきょうと"), ("神奈川県", "かながわけん"), ("新潟県", "にいがたけん"),
    ("富山県", "とやまけん"), ("石川県", "いしかわけん"), ("福井県", "ふくいけん"),
    ("山梨県", "やまなしけん"), ("長野県", "ながのけん"), ("岐阜県", "ぎふけん"),
    ("静岡県", "しずおかけん"), ("愛知県", "あいちけん"), ("三重県", "みえけん"),
    ("滋賀県", "しがけん"), ("京都府", "きょうとふ"), ("大阪府", "おおさかふ"),
    ("兵庫県", "ひょうごけん"), ("奈良県", "ならけん"), ("和歌山県", "わかやまけん"),
    ("鳥取県", "とっとりけん"), ("島根県", "しまねけん"), ("岡山県", "おかやまけん"),
    ("広島県", "ひろしまけん"), ("山口県", "やまぐちけん"), ("徳島県", "とくしまけん"),
    ("香川県", "かがわけん"), ("愛媛県", "えひめけん"), ("高知県", "こうちけん"),
    ("福岡県", "ふくおかけん"), ("佐賀県", "さがけん"), ("長崎県", "ながさきけん"),
    ("熊本県", "くまもとけん"), ("大分県", "おおいたけん"), ("宮崎県", "みやざきけん"),
    ("鹿児島県", "かごしまけん"), ("沖縄県", "おきなわけん"),
)  # fmt: skip

# Words that follow a place name without being part of it: 渋谷 駅, Shibuya station,
# Tokyo-to, Kyoto prefecture, Shibuya-ku. A query drops them and matches the place.
_PLACE_SUFFIX_WORDS = frozenset(
    {"駅", "えき", "eki", "station", "sta", "prefecture", "pref", "to", "do", "fu", "ken"}
    | {"shi", "ku", "cho", "machi", "mura", "son", "gun", "city", "ward"}
)
_STATION_SUFFIX = "駅"
# Suffixes of a municipality (市区町村) and of the unit a town sits in (郡).
MUNICIPALITY_SUFFIXES = ("市", "区", "町", "村")


@functools.cache
def _prefecture_names() -> dict[str, str]:
    """Every way a prefecture is written, spaces removed -> its kanji name."""
    names = {}
    for kanji, kana in PREFECTURES:
        suffix = "" if kanji == "北海道" else kanji[-1]
        reading = _SUFFIX_READINGS.get(suffix, ("",))[0]
        stem, kana_stem = kanji.removesuffix(suffix), kana.removesuffix(reading)
        romaji, suffix_romaji = _hepburn(kana_stem), _hepburn(reading)
        for form in (kanji, stem, kana, kana_stem, romaji, romaji + suffix_romaji):
            names[form] = kanji
    return names


def prefecture_named(text: str) -> str | None:
    """The prefecture `text` names, with or without 都/道/府/県, in kanji, kana or romaji.

    京都, 京都府, きょうと, Kyoto and Kyoto-fu -> 京都府; anything else -> None.
    """
    words = [w for w in search_normalise(text).split() if w not in _PLACE_SUFFIX_WORDS]
    return _prefecture_names().get("".join(words))


@functools.cache
def prefecture_romaji(kanji: str) -> str:
    """東京都 -> "Tokyo-to", 北海道 -> "Hokkaido"; "" for anything that is not a prefecture."""
    kana = dict(PREFECTURES).get(kanji)
    return romaji_from_kana(kana, kanji=kanji) if kana else ""


def place_words(text: str) -> list[str]:
    """The words of a query, normalised, without the suffixes that follow a place name.

    "渋谷駅", "渋谷 eki" and "Shibuya station" -> ["渋谷"] / ["shibuya"]; "Tokyo-to" -> ["tokyo"].
    """
    words = []
    for word in search_normalise(text).split():
        if word in _PLACE_SUFFIX_WORDS:
            continue
        if len(word) > 1 and word.endswith(_STATION_SUFFIX):
            word = word.removesuffix(_STATION_SUFFIX)
        words.append(word)
    return words


def municipality_stems(city: str, city_romaji: str = "") -> set[str]:
    """Every name a search word may give for `city`, as `municipality_stem` gives it.

    京都市下京区 answers to 京都市下京区, 京都 (the city as a whole) and 下京 (its
    ward); 愛知郡東郷町 to 東郷; "Kyoto-shi Shimogyo-ku" to kyoto and shimogyo. 東京都
    does not answer to 京都: a name matches whole, at a boundary its suffix marks.
    """
    stems = {city}
    if len(city) > 1 and city.endswith(MUNICIPALITY_SUFFIXES):
        stems.add(city[:-1])
    for at, char in enumerate(city):
        if char == "市" and at:
            stems.add(city[:at])
            if city.endswith("区"):
                stems.add(city[at + 1 : -1])
        if char == "郡" and city.endswith(("町", "村")):
            stems.add(city[at + 1 : -1])
    romaji = city_romaji.lower()
    if romaji:
        stems.add(romaji)
        for at, char in enumerate(romaji):
            if char == "-":
                stems.add(romaji[:at])
                start = romaji.rfind(" ", 0, at)
                if start >= 0:
                    stems.add(romaji[start + 1 : at])
    return {stem for stem in stems if stem and " " not in stem}


def municipality_stem(word: str) -> str:
    """A city, ward, town or village name without its suffix: 下京区 -> 下京, 京都 -> 京都."""
    for suffix in MUNICIPALITY_SUFFIXES:
        if len(word) > 1 and word.endswith(suffix):
            return word.removesuffix(suffix)
    return word
