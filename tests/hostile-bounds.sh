#!/usr/bin/env bash
# The worst input of each class of hostile input (issue 16): maximum RSS and wall time of the
# release audit and rules tools, one line each, as in the README's table. Run from anywhere after
# `cargo build --release --examples`; it writes its inputs under $TMPDIR/ec-bounds.
set -u
cd "$(dirname "$0")/.."
A=target/release/examples/audit
RL=target/release/examples/rules
B="${TMPDIR:-/tmp}/ec-bounds"
mkdir -p "$B"
export B
m() { local label="$1"; shift; /usr/bin/time -f "$label|%e s|%M KB|exit %x" "$@" > /dev/null 2> $B/err.txt; tail -1 $B/err.txt; }
H="id,date,hs_code,export_country,destination,transit,description"
# 4. an open quote at the start of 1,000,000 records
python3 - <<'PY'
import os
import random
with open(os.environ['B']+'/open.csv','w') as f:
    f.write("id,date,hs_code,export_country,destination,transit,description\n")
    f.write('Q0,2023-11-15,090111,KZ,CN,,"coffee\n')
    for i in range(1,1000001):
        f.write(f"Q{i},2023-06-01,930190,KZ,AE,,x\n")
PY
m "open quote, then 1,000,000 records (31 MB)" $A --rules rules --shipments $B/open.csv --format jsonl
# 6. a 400 MB line between two records
python3 - <<'PY'
import os
with open(os.environ['B']+'/long.csv','w') as f:
    f.write("id,date,hs_code,export_country,destination,transit,description\n")
    f.write("L1,2023-11-15,090111,KZ,CN,,x\n")
    f.write("x"*(400<<20)+"\n")
    f.write("L2,2023-06-01,930190,KZ,AE,,x\n")
PY
m "400 MB line in CSV (skipped)" $A --rules rules --shipments $B/long.csv --format jsonl
python3 - <<'PY'
import os
with open(os.environ['B']+'/long.jsonl','w') as f:
    f.write('{"id":"L1","date":"2023-11-15","hs_code":"090111","export_country":"KZ","destination":"CN"}\n')
    f.write("x"*(400<<20)+"\n")
PY
m "400 MB line in JSON Lines (skipped)" $A --rules rules --shipments $B/long.jsonl --format jsonl
rm -f $B/long.csv $B/long.jsonl
m "/dev/zero as CSV on stdin (stops)" sh -c "$A --rules rules --shipments - --input-format csv < /dev/zero"
m "/dev/zero as JSON Lines on stdin (stops after 64 MiB)" sh -c "$A --rules rules --shipments - --input-format jsonl < /dev/zero"
# 7. wide header, many keys
python3 - <<'PY'
import os
n=100000
open(os.environ['B']+'/wide.csv','w').write('id,date,hs_code,export_country,destination,'+','.join(f'c{i}' for i in range(n))+'\n'+'W1,2023-11-15,090111,KZ,CN,'+','.join(['v']*n)+'\n')
def name(i):
    s="k"
    while True:
        s+="abcdefghijklmnopqrstuvwxyz0123456789"[i%36]; i//=36
        if i==0: return s
keys=",".join(f'"{name(i)}":1' for i in range(92000))
line='{"id":"K1","date":"2023-11-15","hs_code":"090111","export_country":"KZ","destination":"CN","transit":[],"attributes":{'+keys+'}}'
assert len(line) <= 1<<20, len(line)
open(os.environ['B']+'/keys.jsonl','w').write(line+'\n')
PY
m "CSV header of 100,000 columns, one record" $A --rules rules --shipments $B/wide.csv --format jsonl
m "JSON line of 92,000 attribute keys (1 MiB)" $A --rules rules --shipments $B/keys.jsonl --format jsonl
# 2. amounts
printf 'id,date,hs_code,export_country,destination,transit,value,currency\nB1,2023-06-01,930190,KZ,AE,,79228162514264337593543950335,USD\nB2,2023-06-01,930190,KZ,AE,,79228162514264337593543950335,USD\n' > $B/big.csv
m "two values of 79228162514264337593543950335 USD, Markdown report" $A --rules rules --shipments $B/big.csv --format markdown
# 1. output = input
cp $B/big.csv $B/self.csv
m "--output naming the input" $A --rules rules --shipments $B/self.csv --output $B/self.csv
# 5. links
rm -rf $B/links && mkdir -p $B/links && cp rules/*.toml $B/links/ && ln -s . $B/links/a && ln -s . $B/links/b
m "rules directory with two links to itself" $RL lint $B/links
# 8. rule files
rm -rf $B/special && mkdir -p $B/special && cp rules/groups.toml rules/kz-arms-export-suspension-2022.toml $B/special/
truncate -s 1G $B/special/huge.toml
m "1 GiB rule file (refused before reading)" $RL lint $B/special
rm $B/special/huge.toml; mkfifo $B/special/fifo.toml
m "FIFO in the rules directory (refused unopened)" $RL lint $B/special
rm $B/special/fifo.toml; ln -s /dev/zero $B/special/zero.toml
m "link to /dev/zero in the rules directory" $RL lint $B/special
rm $B/special/zero.toml
# 13. regexes
python3 - <<'PY'
import os
import os
for n,d in ((256,os.environ['B']+'/rx256'),(2000,os.environ['B']+'/rx2000')):
    os.makedirs(d,exist_ok=True)
    out=['[ruleset]\nid="rx"\ntitle="t"\nauthority="a"\njurisdiction="KZ"\nversion="1"\nstatus="in_force"\ncitations=["c"]\nsources=["s"]\neffective_from=2020-01-01\nscope="any_exporter"\n']
    for i in range(n):
        out.append(f'[[rule]]\nid="r{i}"\nverdict="review"\ntitle="t"\ncitation="c"\nwhen={{ description_matches = "\\\\w{{10}}x{i}" }}\n')
    open(d+'/rx.toml','w').write(''.join(out))
PY
cp rules/groups.toml $B/rx256/; cp rules/groups.toml $B/rx2000/
m "256 distinct regexes at the size limit" $RL lint $B/rx256
m "2,000 distinct regexes (budget error after 256)" $RL lint $B/rx2000
# The baseline for the open quote: the same records without it.
sed '2d' "$B/open.csv" > "$B/plain.csv"
m "1,000,000 records, nothing wrong (baseline)" $A --rules rules --shipments "$B/plain.csv" --format jsonl
python3 - <<'PY'
import os
with open(os.environ['B']+'/long60.csv','w') as f:
    f.write('id,date,hs_code,export_country,destination,transit,description\n')
    f.write('L1,2023-11-15,090111,KZ,CN,,x\n')
    f.write('x'*(60<<20)+'\n')
    f.write('L2,2023-06-01,930190,KZ,AE,,x\n')
PY
m "60 MB line in CSV (skipped, reading goes on)" $A --rules rules --shipments "$B/long60.csv" --format jsonl
rm -rf "$B"
