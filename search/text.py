"""Tokenising, stemming and chunking, shared by indexing and querying.

Every word yields two terms: its Dutch Snowball stem and, prefixed with ``en:``, its
English stem. Documents and queries are treated the same way, so a Dutch query matches
Dutch inflections and an English query matches English inflections ("communities"
finds "community") in titles such as ``title_en``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN)
CHUNK_WORDS = 100
CHUNK_MAX_WORDS = 130

_dutch = Stemmer.Stemmer("dutch")
_english = Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return ()
    return (_dutch.stemWord(word), "en:" + _english.stemWord(word))


def terms(text: str) -> list[str]:
    result: list[str] = []
    for word in words(text):
        result.extend(word_terms(word))
    return result


def matched_words(text: str, query_terms: set[str]) -> list[str]:
    """Words of ``text`` (as written, first occurrence) sharing a term with the query."""
    seen: dict[str, None] = {}
    for match in TOKEN.finditer(text):
        word = match.group(0)
        if set(word_terms(word.lower())) & query_terms:
            seen.setdefault(word.lower(), None)
    return list(seen)


_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


def _pieces(paragraph: str) -> list[str]:
    """Sentences, with overlong sentences cut by words."""
    pieces = []
    for sentence in _SENTENCE_END.split(paragraph):
        tokens = sentence.split()
        for start in range(0, len(tokens), CHUNK_MAX_WORDS):
            piece = " ".join(tokens[start : start + CHUNK_MAX_WORDS])
            if piece:
                pieces.append(piece)
    return pieces


def chunk(sections: list[str], *, title: str) -> list[str]:
    """Pack sections (paragraphs) into chunks of about CHUNK_WORDS words, cutting at
    sentence ends; a section never shares a chunk with text from another section's
    middle. Each chunk starts with the title, so every chunk says what it is about."""
    chunks: list[str] = []
    current: list[str] = []
    count = 0

    def flush() -> None:
        nonlocal current, count
        if current:
            chunks.append(f"{title}. " + " ".join(current))
        current, count = [], 0

    for section in sections:
        section = section.strip()
        if not section:
            continue
        for paragraph in re.split(r"\n\s*\n", section):
            paragraph = " ".join(paragraph.split())
            if not paragraph:
                continue
            size = len(paragraph.split())
            if count and count + size > CHUNK_MAX_WORDS:
                flush()
            for piece in _pieces(paragraph):
                piece_size = len(piece.split())
                if count and count + piece_size > CHUNK_MAX_WORDS:
                    flush()
                current.append(piece)
                count += piece_size
                if count >= CHUNK_WORDS:
                    flush()
    flush()
    return chunks or [title]


KEY_WORDS = 120


def key_sentences(text: str, *, budget: int = KEY_WORDS) -> str:
    """A long pasted situation cut to about ``budget`` words of its most telling sentences.

    A paragraph of three hundred words matches nearly every document lexically and is
    truncated by the embedding model anyway. Sentences are scored by their share of
    content terms (not stopwords), so "we zijn met z'n allen bij elkaar gekomen" loses to
    "de energiecoöperatie zoekt huurders"; the kept sentences stay in their order.
    """
    text = " ".join(text.split())
    if len(text.split()) <= budget:
        return text
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    scored = []
    for position, sentence in enumerate(sentences):
        size = max(len(words(sentence)), 1)
        content = len({term for term in terms(sentence) if not term.startswith("en:")})
        scored.append((content / size**0.5, position, sentence))
    kept: list[tuple[int, str]] = []
    used = 0
    for _score, position, sentence in sorted(scored, key=lambda s: (-s[0], s[1])):
        size = len(sentence.split())
        if used and used + size > budget:
            continue
        kept.append((position, " ".join(sentence.split()[:budget])))
        used += size
    return " ".join(sentence for _position, sentence in sorted(kept))
