#!/usr/bin/python3
"""Writes nltk_word_tokenize_vectors.json: NLTK 3.8's word tokenizer over EarthDial-style answers, general
sentences and seeded random strings, and EarthDial's token-recall score on hand cases.

Run with Debian 12's python3-nltk (3.8) and python3 (3.11, Unicode 14.0):
    /usr/bin/python3 tests/metrics/golden/make_nltk_vectors.py

Fields of each vector:
  text             the tokenizer input
  tokens           NLTKWordTokenizer().tokenize(text), i.e. word_tokenize(text, preserve_line=True)
  sentences        PunktSentenceTokenizer().tokenize(text): Punkt with empty parameters (no abbreviations,
                   collocations, sentence starters or orthographic contexts)
  punkt_tokens     NLTKWordTokenizer over each of those sentences: word_tokenize(text) with an untrained Punkt
  word_tokenize    word_tokenize(text) with the English Punkt model, only where tokenizers/punkt is installed

Debian ships no Punkt model (nltk_data is not packaged), so word_tokenize(text) raises LookupError here; the
file records that in "word_tokenize_english". EarthDial's rs_vqa/eval.py and rs_classification/eval.py call
word_tokenize(text) on text.strip().lower().replace(" ", ""). Removing spaces does not stop Punkt from
splitting (it also splits at . ? ! followed by one of )";}]*:@'({[!? and at whitespace other than a space),
so the EarthDial cases are scored with the untrained Punkt; where the English model is installed the script
also records its scores, and the two agree unless a period-final word is an English Punkt abbreviation (or an
abbreviation, initial or number is followed by whitespace and a word).
"""

import json
import random
import sys
import unicodedata

import nltk
from nltk.tokenize import NLTKWordTokenizer, word_tokenize
from nltk.tokenize.punkt import PunktSentenceTokenizer

OUT = __file__.rsplit("/", 1)[0] + "/nltk_word_tokenize_vectors.json"

TREEBANK = NLTKWordTokenizer()
PUNKT = PunktSentenceTokenizer()

try:
    word_tokenize("probe.")
    ENGLISH = True
    ENGLISH_NOTE = "available"
except LookupError:
    ENGLISH = False
    ENGLISH_NOTE = "unavailable: word_tokenize raises LookupError (Resource punkt not found); Debian ships no model"


def earthdial_form(s):
    """EarthDial's evaluate_f1: both sides are stripped, lower-cased and freed of spaces, then again
    stripped and lower-cased before word_tokenize."""
    return s.strip().lower().replace(" ", "").strip().lower()


def punkt_tokens(s):
    return [t for sent in PUNKT.tokenize(s) for t in TREEBANK.tokenize(sent)]


def earthdial_score(reference, candidate, tokenize):
    """EarthDial's evaluate_f1 with the given word tokenizer."""
    ref_tokens = tokenize(earthdial_form(reference))
    cand_tokens = tokenize(earthdial_form(candidate))
    common = set(ref_tokens) & set(cand_tokens)
    if not common:
        return 0
    return len(common) / len(ref_tokens)


# Raw answers as models and benchmarks write them; the vectors hold both the raw text and its EarthDial form.
ANSWERS = [
    "yes", "no", "Yes", "No", "Yes.", "No.", "yes!", "No!", "yes?", " yes ", "\tYes\n", "YES.",
    "12", "0", "1,000", "1,000.", "3.5", "3.", "-3", "+3", "3 .", "12 planes", "12planes.", "100%", "$3.88",
    "rural", "urban", "Rural.", "Urban area", "rural area.", "It is rural.",
    "baseball_diamond", "storage-tank", "storage tank", "tennis court", "Tennis Court.", "Dense Residential",
    "dense_residential.", "ground track field", "harbor", "Harbor.", "parking-lot.", "bare land", "airport",
    "\"yes\"", "'yes'", "`yes`", "``yes''", "“yes”", "‘yes’", "«yes»", "„yes“", "(yes)", "[no]", "{rural}",
    "<urban>", "yes.)", "(yes.)", "yes.\"", "\"yes.\"", "yes.'", "'yes.'", "yes.”", "yes.»",
    "isn't", "Isn't.", "can't", "cannot", "Cannot.", "CANNOT", "gonna", "wanna", "gimme", "gotta", "lemme",
    "more'n", "d'ye", "'tis", "'Twas", "it's", "It's a harbor.", "there's", "they're", "we've", "I'll", "I'd",
    "I'm", "don't", "DON'T", "won't", "o'clock", "rock'n'roll", "'s", "'S", "''", "'", "\"", "s'",
    "--", "---", "yes--no", "a--b", "...", "yes...", "....", "yes. . .", "e.g.", "U.S.", "etc.", "Mr.",
    "no.(maybe)", "yes.(the image)", "yes.)no", "What?(x)", "yes!no", "yes?no", "yes.no", "no.;", "no.:",
    "yes.@", "yes.*", "yes.[a]", "yes.{a}", "no.'s", "a.(b", "i.(x)",
    "Yes.\nThere are two planes.", "yes\tno", "yes\nno", "yes.\nno.", "3.\nplanes", "a.\nB.", "No.\tYes.",
    "yes\u00a0no", "yes.\u00a0no", "yes\u2009no", "yes\u3000no", "\u00a0yes\u00a0", "yes\x1cno", "yes\r\n",
    "café", "Straße", "ÜBER", "naïve.", "ΟΔΟΣ", "ΟΔΟΣ.", "İstanbul", "ıi", "ſ", "'ſ", "ſ'", "'ı", "CAN'T",
    "中国", "東京タワー。", "١٢٣", "١,٢", "१२.", "½", "x²", "e\u0301", "👍", "a\u200db", "ǅ", "ᾼ",
    "a_b", "_", "a/b", "a\\b", "a+b", "a=b", "a|b", "~", "^", "a&b", "#1", "@home", "a;b", "a:b", "1:30",
    "a,b", "1,5", ",", ":", "a*b", "a?b", "a!b", "x'y", "x' y", "'x", "'m", "'t", "'T", "'n", "'d", "'re",
    "'ll", "'ve", "", " ", "  \t  ", "##NUMBER##.(x)", "x.##number##.(x)", "1.(x)", "1.,x.(y)", "A.(x)", "a.B.(x)",
    "a.b.(x)", "3.\nPlanes", "a.\nb", "A.\nB", "é.(x)", "١.(x)", "yes.) no", "yes.)--no", "yes.)\"\nno",
]

SENTENCES = [
    "Good muffins cost $3.88\nin New York.  Please buy me\ntwo of them.\nThanks.",
    "Good muffins cost $3.88 (roughly 3,36 euros)\nin New York.  Please buy me\ntwo of them.\nThanks.",
    "They'll save and invest more.",
    "hi, my name can't hello,",
    "The quick (\"brown\") fox can't jump 32.3 feet, right?",
    "I cannot do that... Gonna try.",
    "He said, \"It's fine.\"",
    "Hello. World!",
    "This is a test -- a big one.",
    "I'm sure 'tis true, 'twas said.",
    "Whaddya know? Whatcha doing?",
    "It's 5:30pm, on Jan. 3rd.",
    "e.g. U.S.A. is big.",
    "The answer is 42.",
    "There are 3 planes (2 large) near the runway.",
    "wanna go? wanna",
    "\"quoted\" text",
    "'single quoted' text",
    "’Tis a “smart” ‘quote’.",
    "Sentence one.Sentence two.",
    "Is it? Yes! No.",
    "«Bonjour», dit-il.",
    "The image shows a dense residential area with many buildings.",
    "Yes, there is a tennis court in the image.",
    "There are 12 storage tanks; 3 of them are large.",
    "The object at [23, 45, 67, 89] is a ship.",
    "Punkt knows that the periods in Mr. Smith and Johann S. Bach\ndo not mark sentence boundaries.",
    "(How does it deal with this parenthesis?)  \"It should be part of the\nprevious sentence.\"",
    "It costs $100,000 -- or 50% more than last year's price.",
    "A: the harbor; B: the airport.",
    "She said 'hello' and he said 'goodbye'.",
    "Ellipsis... then more... and ...",
    "Tab\tseparated\twords.",
    "Multiple   spaces    here .",
    "Trailing space after period. ",
    "The road's condition isn't good, is it?",
    "We'd've gone if we could've.",
    "I gotta go, gimme a sec, lemme think.",
    "'Twas brillig, and 'tis said.",
    "He can not, he cannot, he CANNOT.",
    "y'all ain't gonna believe it",
    "Number 1.5.2 and version 3.8. Done.",
    "Visit http://example.com/path?q=1&x=2 now.",
    "Email me at a.b@example.com.",
    "Prices: $5, $10, and $15.",
    "He yelled \"Stop!\" and ran.",
    "The <b>bold</b> {curly} [square] (round) text.",
    "Hyphen-ated and under_scored words.",
    "1,000,000 people; 3.14159 pi.",
    "Quote at end'",
    "' leading quote",
    "``Double backticks'' style.",
    "Is this `code` or not?",
    "Ünïcödé wörds: naïve café.",
    "Greek ΟΔΟΣ and Cyrillic Москва.",
    "Chinese 中文 and Japanese 日本語。",
    "Arabic numerals ١٢٣ and Devanagari १२३.",
]

# Characters that the tokenizer's rules look at, plus letters, digits and whitespace of several kinds.
ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzACDINST") + list("0123456789") + list(" .,:;!?'\"`-()[]{}<>@#$%&*/_\\+=")
    + list("«»“”‘’„") + ["\n", "\t", "\u00a0", "\r", "\u2009", "\x1c", "\u3000"]
    + list("éÜßİıſΣσ中١½²") + ["can", "not", "gon", "na", "wan", "gim", "me", "got", "ta", "lem", "more",
                              "'n", "d'ye", "'t", "is", "was", "'s", "'ll", "'re", "'ve", "n't", "N'T", "''",
                              "``", "--", "...", "..", "'m", "'d", "'S", "'LL", "'RE", "'VE", "'M", "'D"]
)


def random_texts(count, seed):
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        length = rng.randint(0, 14)
        texts.append("".join(rng.choice(ALPHABET) for _ in range(length)))
    return texts


def vector(text, origin):
    v = {"text": text, "origin": origin, "tokens": TREEBANK.tokenize(text)}
    assert word_tokenize(text, preserve_line=True) == v["tokens"]
    v["sentences"] = PUNKT.tokenize(text)
    v["punkt_tokens"] = punkt_tokens(text)
    if ENGLISH:
        v["word_tokenize"] = word_tokenize(text)
    return v


# EarthDial token-recall hand cases: (reference, candidate).
RECALL_CASES = [
    ("yes", "Yes"), ("yes", "Yes."), ("yes", "yes!"), ("no", "No, there is not."), ("rural", "rural area"),
    ("rural", "Rural."), ("urban", "It is urban."), ("12", "12"), ("12", "12."), ("1,000", "1000"),
    ("1,000", "1,000"), ("3.5", "3.5."), ("tennis court", "Tennis Court"), ("tennis court", "tennis-court"),
    ("baseball_diamond", "baseball diamond"), ("storage-tank", "storage tank"), ("storage-tank", "Storage-Tank."),
    ("Rural.", "rural"), ("yes.", "yes"), ("can't", "can not"), ("cannot", "can"), ("isn't", "is"),
    ("dense residential", "denseresidential."), ("(yes)", "yes"), ("yes", "\"yes\""), ("yes", "yes.(maybe)"),
    ("yes", "yes.\nThere are two planes."), ("no", "No.\tYes."), ("café", "CAFÉ."), ("ΟΔΟΣ", "οδος"),
    ("ΟΔΟΣ", "οδοσ"), ("İstanbul", "i\u0307stanbul"), ("İstanbul", "istanbul"), ("yes", "\u00a0Yes\u3000"),
    ("yes", "yes\u00a0no"), ("no", "no.(maybe)"), ("no", "No.\nThe image shows no airport."),
    ("yes", ""), ("", "yes"), ("a.b", "a.b."), ("harbor.", "harbor..."),
]


def main():
    vectors = []
    seen = set()

    def add(text, origin):
        if (text, origin) not in seen:
            seen.add((text, origin))
            vectors.append(vector(text, origin))

    for a in ANSWERS:
        add(a, "answer")
        add(earthdial_form(a), "answer, EarthDial form")
    for s in SENTENCES:
        add(s, "sentence")
        add(earthdial_form(s), "sentence, EarthDial form")
    for t in random_texts(1500, seed=20240607):
        add(t, "random")

    recall = []
    for ref, cand in RECALL_CASES:
        case = {
            "reference": ref,
            "candidate": cand,
            "reference_form": earthdial_form(ref),
            "candidate_form": earthdial_form(cand),
            "score": earthdial_score(ref, cand, punkt_tokens),
            "score_without_punkt": earthdial_score(ref, cand, TREEBANK.tokenize),
        }
        if ENGLISH:
            case["score_english_punkt"] = earthdial_score(ref, cand, word_tokenize)
        recall.append(case)

    out = {
        "source": "NLTK " + nltk.__version__ + " (Debian python3-nltk), Python " + sys.version.split()[0]
        + ", Unicode " + unicodedata.unidata_version + "; tests/metrics/golden/make_nltk_vectors.py",
        "word_tokenize_english": ENGLISH_NOTE,
        "vectors": vectors,
        "token_recall": recall,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
        f.write("\n")
    split = sum(1 for v in vectors if len(v["sentences"]) > 1)
    differ = sum(1 for v in vectors if v["punkt_tokens"] != v["tokens"])
    print(f"{len(vectors)} vectors ({split} split by Punkt, {differ} with other tokens), {len(recall)} recall cases")


if __name__ == "__main__":
    main()
