"""Print the Nth fenced shell block of the README's '## Quick start' section (1-based).

CI runs the README's test command through this, so the README and CI cannot drift apart.
"""

import re
import sys
from pathlib import Path

text = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text(encoding="utf-8")
section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```(?:sh|bash|shell)\n(.*?)```", section, re.S)
if len(blocks) != 2:
    sys.exit(f"README Quick start must hold exactly two shell blocks, found {len(blocks)}")
print(blocks[int(sys.argv[1]) - 1].strip())
