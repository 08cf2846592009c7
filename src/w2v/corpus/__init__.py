"""Restartable streaming readers and tokenizers: files, folders and iterables as token lists.

The files of this package, by job: :mod:`.lines` (the line readers :class:`LineSentence`,
:class:`PathLineSentences` and :func:`as_sentences`), :mod:`.wiki` and :mod:`.wikitext` (MediaWiki
dumps), :mod:`.blocks` (text files as blocks of whole lines, bytes or decoded),
:mod:`.tokenizers` (the tokenizer registry). The one pass that turns text into int32 word ids is
in :mod:`w2v.corpus.encoded`.
"""
from .blocks import (BLOCK_BYTES, Source, ascii_compatible, byte_blocks, check_no_nul, decode_error,
                     is_utf8, open_binary, open_text, prefetch, text_lines)
from .lines import LineReader, LineSentence, OneShot, PathLineSentences, as_sentences, chunk_lengths
from .tokenizers import get_tokenizer, register_tokenizer, registered_tokenizers, tokenize_lines
from .wiki import WikiDump, WikiStats, dump_reader, sniff

# The keyword arguments of the readers that say how text is read (Word2Vec takes them too).
READER_OPTIONS = ("tokenizer", "encoding", "errors")

__all__ = ["LineSentence", "PathLineSentences", "WikiDump", "WikiStats", "dump_reader", "sniff",
           "LineReader", "OneShot", "as_sentences", "open_text",
           "open_binary", "get_tokenizer", "register_tokenizer", "registered_tokenizers",
           "tokenize_lines", "READER_OPTIONS", "BLOCK_BYTES", "Source", "byte_blocks", "text_lines",
           "prefetch", "decode_error", "check_no_nul", "is_utf8", "ascii_compatible",
           "chunk_lengths"]
