"""Check that every quote a scenario cites appears, word for word, in its source file.

negsim does not check this itself (yet). Run it from a terminal:

    python docs/examples/check_quotes.py docs/examples/ceasefire-town.yaml

It prints each quote it cannot find and exits with status 1 if there is one.
Quotes are compared exactly: curly and straight quote marks, dashes and
spaces must match the source.
"""

import sys

import negsim


def main(name: str) -> int:
    scenario = negsim.load(name)
    texts = []
    for source in scenario.sources:
        if source.file:
            with open(source.file, encoding="utf-8") as fh:
                texts.append(fh.read())
    if not texts:
        print(f"{name}: no source has a 'file' to check the quotes against")
        return 1
    missing = 0
    for event in scenario.timeline:
        for quote in event.cite:
            if not any(quote in text for text in texts):
                missing += 1
                print(f"{event.id}: not found in the sources: {quote}")
    count = sum(len(event.cite) for event in scenario.timeline)
    print(f"{name}: {count - missing} of {count} quotes found in the sources")
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python check_quotes.py SCENARIO")
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
