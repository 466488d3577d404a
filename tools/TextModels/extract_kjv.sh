#!/usr/bin/env bash
# Writes data/kjv.txt.gz, the training text of the demo text models: the King James Version (1611, public domain)
# from Debian's bible-kjv-text package (read with its `bible` program), one verse per line, verse references removed.
#   apt-get install bible-kjv && bash tools/TextModels/extract_kjv.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
bible -f "Gen1:1-Rev22:21" | sed -E 's/^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ //' | gzip -n -9 > data/kjv.txt.gz
zcat data/kjv.txt.gz | wc -lc
