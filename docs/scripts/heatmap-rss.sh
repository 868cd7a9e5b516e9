#!/bin/bash
# Peak resident memory of a heatmap run: samples VmRSS from /proc/PID/status every 0.2 s.
# usage (from the repository root, after a Release build): docs/scripts/heatmap-rss.sh OUTDIR
#   N=16 docs/scripts/heatmap-rss.sh OUTDIR   for 16 images instead of 400
CLI=${CLI:-src/Myopia.Cli/bin/Release/net10.0/Myopia.Cli.dll}
out=$1; rm -rf "$out"
start=$(date +%s.%N)
dotnet "$CLI" heatmap --model smallcnn --data synthetic --test-limit ${N:-400} --mode both --tile 8 --threads 2 --out "$out" >/dev/null 2>"$out.stderr" &
pid=$!
peak=0; samples=0
while kill -0 $pid 2>/dev/null; do
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null)
  if [ -n "$rss" ]; then samples=$((samples+1)); [ "$rss" -gt "$peak" ] && peak=$rss; fi
  sleep 0.2
done
wait $pid; rc=$?
end=$(date +%s.%N)
echo "rc=$rc peak_rss_kb=$peak samples=$samples seconds=$(echo "$end - $start" | bc)"
tail -3 "$out.stderr"
