#!/bin/sh
# bench-chart.sh — draws WinFuse ÷ kernel per workload, from winfuse-bench --data files, as a PNG.
# usage: bench-chart.sh AFTER.tsv OUT.png [BEFORE.tsv]
# With BEFORE, each workload gets two bars (before, after), matched by the first column.
set -eu
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 AFTER.tsv OUT.png [BEFORE.tsv]" >&2
    exit 2
fi
after=$1
out=$2
before=${3:-}
command -v gnuplot >/dev/null || { echo "$0: gnuplot is missing (scripts/install-deps.sh)" >&2; exit 1; }
[ -s "$after" ] || { echo "$0: $after: no results" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# label <TAB> before ratio ("-" when unknown) <TAB> after ratio, in AFTER's order.
awk -F'\t' -v before="$before" '
    BEGIN { if (before != "") while ((getline line < before) > 0) {
                split(line, f, "\t"); if (f[1] != "workload") old[f[1]] = f[5] } }
    NR > 1 { printf "%s\t%s\t%s\n", $1, ($1 in old) ? old[$1] : "-", $5 }
' "$after" > "$work/ratios.tsv"
[ -s "$work/ratios.tsv" ] || { echo "$0: $after: no workloads" >&2; exit 1; }

if [ -n "$before" ]; then
    plot="'$work/ratios.tsv' using 2:xtic(1) title 'before' lc rgb '#9e9e9e', \
          '' using 3 title 'after' lc rgb '#1f77b4', \
          '' using (\$0 - 0.2):2:(sprintf('%.2f', \$2)) with labels offset 0,0.7 font ',8' notitle, \
          '' using (\$0 + 0.2):3:(sprintf('%.2f', \$3)) with labels offset 0,0.7 font ',8' notitle"
else
    plot="'$work/ratios.tsv' using 3:xtic(1) title 'WinFuse / kernel FUSE' lc rgb '#1f77b4', \
          '' using 0:3:(sprintf('%.2f', \$3)) with labels offset 0,0.7 font ',8' notitle"
fi

gnuplot <<GNUPLOT
set terminal pngcairo size 1100,600 font 'sans,10'
set output '$out'
set datafile separator '\t'
set datafile missing '-'
set title 'WinFuse ÷ Linux kernel FUSE, same memfs, same run (medians; above 1: WinFuse faster)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [0.05:*]
set ylabel 'ratio (log scale)'
set xtics rotate by -30 left nomirror
set grid ytics
set key top left
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 linewidth 2 linecolor rgb '#d62728' front
set bmargin 8
plot $plot
GNUPLOT
echo "$0: wrote $out"
