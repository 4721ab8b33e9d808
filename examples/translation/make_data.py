"""Writes numbers.tsv: English number words and their digits, one pair per line (source<TAB>target), e.g.
"four thousand and twelve<TAB>4012". Every number below 10000 has exactly one correct answer, and each digit comes
from a known span of words (the thousands, hundreds, tens, units), so the alignment view has a right answer.
Run: python3 examples/translation/make_data.py (deterministic)."""
import os
import random

ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
        'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen']
TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety']


def below_100(n):
    if n < 20:
        return ONES[n]
    return TENS[n // 10] + ('' if n % 10 == 0 else '-' + ONES[n % 10])


def words(n):
    parts = []
    if n >= 1000:
        parts.append(ONES[n // 1000] + ' thousand')
        n %= 1000
    if n >= 100:
        parts.append(ONES[n // 100] + ' hundred')
        n %= 100
    if n or not parts:
        parts.append(('and ' if parts else '') + below_100(n))
    return ' '.join(parts)


rng = random.Random(11)
numbers = rng.sample(range(10000), 4000)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'numbers.tsv'), 'w') as f:
    for n in numbers:
        f.write(f'{words(n)}\t{n}\n')
